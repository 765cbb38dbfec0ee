/*
 * Tests of the AT24C32 driver (hal/at24) against the EEPROM model on the
 * fake I2C bus: range checks, reads, page splitting, acknowledge polling
 * and its time limit, NACKs, torn writes, a missing chip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "at24/at24.h"
#include "fakes/at24_model.h"
#include "fakes/i2c_fake.h"
#include "hal/timer.h"

#define EE_ADDR7 0x50u
#define TWR_US   3000u /* a typical write cycle, under the 5 ms maximum */

static struct i2c_bus bus;
static struct at24_model ee;
static const struct at24 dev = {
    .bus = &bus,
    .addr7 = EE_ADDR7,
    .size = AT24C32_SIZE,
    .page_size = AT24C32_PAGE_SIZE,
};
static unsigned n_delays;

/* The board's busy-wait, here: simulated time passes on the bus. */
void timer_delay_us(uint32_t us)
{
    n_delays++;
    i2c_fake_advance_us(&bus, us);
}

static int setup(void **state)
{
    (void)state;
    i2c_fake_init(&bus);
    at24_model_init(&ee, AT24C32_SIZE, AT24C32_PAGE_SIZE, TWR_US);
    assert_int_equal(i2c_fake_attach(&bus, EE_ADDR7, &at24_model_ops, &ee), 0);
    n_delays = 0;
    return 0;
}

static void fill_pattern(uint8_t *buf, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed + i * 7u);
    }
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(at24_probe(&dev), 0);
    i2c_fake_fail_next(&bus, EE_ADDR7, -ETIMEDOUT, 1);
    assert_int_equal(at24_probe(&dev), -ETIMEDOUT);
    assert_int_equal(i2c_fake_detach(&bus, EE_ADDR7), 0);
    assert_int_equal(at24_probe(&dev), -EIO);
}

static void test_missing_chip(void **state)
{
    (void)state;
    uint8_t buf[4] = { 1, 2, 3, 4 };
    assert_int_equal(i2c_fake_detach(&bus, EE_ADDR7), 0);
    assert_int_equal(at24_read(&dev, 0, buf, sizeof(buf)), -EIO);
    assert_int_equal(at24_write(&dev, 0, buf, sizeof(buf)), -EIO);
    /* No polling for a chip that never answered the page write. */
    assert_int_equal(n_delays, 0);
}

static void test_bad_description(void **state)
{
    (void)state;
    uint8_t b = 0;
    struct at24 bad = dev;
    bad.size = 4000;
    assert_int_equal(at24_probe(&bad), -EINVAL);
    bad = dev;
    bad.page_size = 128;
    assert_int_equal(at24_write(&bad, 0, &b, 1), -EINVAL);
    bad = dev;
    bad.page_size = 24;
    assert_int_equal(at24_read(&bad, 0, &b, 1), -EINVAL);
    bad = dev;
    bad.size = 256; /* a one-address-byte part */
    assert_int_equal(at24_read(&bad, 0, &b, 1), -EINVAL);
    assert_int_equal(at24_probe(NULL), -EINVAL);
    assert_int_equal(i2c_fake_transactions(&bus), 0);
}

static void test_range(void **state)
{
    (void)state;
    uint8_t buf[128] = { 0 };
    assert_int_equal(at24_read(&dev, AT24C32_SIZE, buf, 1), -EINVAL);
    assert_int_equal(at24_read(&dev, AT24C32_SIZE - 96, buf, 97), -EINVAL);
    assert_int_equal(at24_write(&dev, AT24C32_SIZE - 1, buf, 2), -EINVAL);
    assert_int_equal(at24_write(&dev, UINT32_MAX, buf, 2), -EINVAL);
    assert_int_equal(at24_read(&dev, 1, buf, SIZE_MAX), -EINVAL);
    assert_int_equal(i2c_fake_transactions(&bus), 0);
    /* The last byte, and zero lengths (no bus traffic at all). */
    assert_int_equal(at24_read(&dev, AT24C32_SIZE - 1, buf, 1), 0);
    assert_int_equal(at24_read(&dev, AT24C32_SIZE, buf, 0), 0);
    assert_int_equal(at24_write(&dev, AT24C32_SIZE, buf, 0), 0);
    assert_int_equal(i2c_fake_transactions(&bus), 1);
}

static void test_read_whole_chip_in_one_transaction(void **state)
{
    (void)state;
    static uint8_t buf[AT24C32_SIZE];
    fill_pattern(ee.mem, AT24C32_SIZE, 3);
    assert_int_equal(at24_read(&dev, 0, buf, sizeof(buf)), 0);
    assert_memory_equal(buf, ee.mem, AT24C32_SIZE);
    assert_int_equal(i2c_fake_transactions(&bus), 1);
    const struct i2c_fake_log_entry *e = i2c_fake_log(&bus, 0);
    assert_int_equal(e->wlen, 2);
    assert_int_equal(e->rlen, AT24C32_SIZE);
}

static void test_read_across_pages_at_offset(void **state)
{
    (void)state;
    uint8_t buf[70];
    fill_pattern(ee.mem, AT24C32_SIZE, 9);
    assert_int_equal(at24_read(&dev, 0x0ABC, buf, sizeof(buf)), 0);
    assert_memory_equal(buf, &ee.mem[0x0ABC], sizeof(buf));
    const struct i2c_fake_log_entry *e = i2c_fake_log(&bus, 0);
    assert_int_equal(e->wbuf[0], 0x0A); /* word address, high byte first */
    assert_int_equal(e->wbuf[1], 0xBC);
}

static void test_write_within_one_page(void **state)
{
    (void)state;
    uint8_t data[10];
    uint8_t back[10];
    fill_pattern(data, sizeof(data), 1);
    assert_int_equal(at24_write(&dev, 0x40 + 5, data, sizeof(data)), 0);
    assert_int_equal(ee.n_write_cycles, 1);
    assert_memory_equal(&ee.mem[0x45], data, sizeof(data));
    assert_int_equal(ee.mem[0x44], 0xFF);
    assert_int_equal(ee.mem[0x4F], 0xFF);
    assert_int_equal(at24_read(&dev, 0x45, back, sizeof(back)), 0);
    assert_memory_equal(back, data, sizeof(data));
}

static void test_write_split_at_page_boundaries(void **state)
{
    (void)state;
    uint8_t data[100];
    fill_pattern(data, sizeof(data), 42);
    /* 17..31, 32..63, 64..95, 96..116: four pages, four write cycles. */
    assert_int_equal(at24_write(&dev, 17, data, sizeof(data)), 0);
    assert_int_equal(ee.n_write_cycles, 4);
    assert_int_equal(ee.n_page_wraps, 0);
    assert_memory_equal(&ee.mem[17], data, sizeof(data));
    assert_int_equal(ee.mem[16], 0xFF);
    assert_int_equal(ee.mem[117], 0xFF);
}

static void test_write_two_bytes_straddling_a_page(void **state)
{
    (void)state;
    const uint8_t data[2] = { 0xA1, 0xB2 };
    assert_int_equal(at24_write(&dev, 31, data, sizeof(data)), 0);
    assert_int_equal(ee.n_write_cycles, 2);
    assert_int_equal(ee.mem[31], 0xA1);
    assert_int_equal(ee.mem[32], 0xB2);
    assert_int_equal(ee.mem[0], 0xFF); /* not wrapped to the page start */
}

static void test_write_whole_chip(void **state)
{
    (void)state;
    static uint8_t data[AT24C32_SIZE];
    fill_pattern(data, sizeof(data), 5);
    assert_int_equal(at24_write(&dev, 0, data, sizeof(data)), 0);
    assert_int_equal(ee.n_write_cycles, AT24C32_SIZE / AT24C32_PAGE_SIZE);
    assert_int_equal(ee.n_page_wraps, 0);
    assert_memory_equal(ee.mem, data, sizeof(data));
}

static void test_smaller_declared_page_is_safe(void **state)
{
    (void)state;
    struct at24 small = dev;
    small.page_size = 8;
    uint8_t data[20];
    fill_pattern(data, sizeof(data), 77);
    assert_int_equal(at24_write(&small, 6, data, sizeof(data)), 0);
    assert_int_equal(ee.n_write_cycles, 4); /* 6..7, 8..15, 16..23, 24..25 */
    assert_memory_equal(&ee.mem[6], data, sizeof(data));
}

static void test_polls_until_write_cycle_ends(void **state)
{
    (void)state;
    uint8_t data[3] = { 1, 2, 3 };
    uint64_t t0 = i2c_fake_now_us(&bus);
    assert_int_equal(at24_write(&dev, 0x100, data, sizeof(data)), 0);
    uint64_t waited = i2c_fake_now_us(&bus) - t0;
    /* Returned only once the chip was ready, and not much later. */
    assert_false(at24_model_is_busy(&ee));
    assert_true(waited >= TWR_US);
    assert_true(waited <= TWR_US + AT24_POLL_STEP_US);
    assert_true(ee.n_nacks >= TWR_US / AT24_POLL_STEP_US);
    /* The chip answers the very next read. */
    uint8_t back[3];
    assert_int_equal(at24_read(&dev, 0x100, back, sizeof(back)), 0);
    assert_memory_equal(back, data, sizeof(data));
}

static void test_each_page_waits_for_its_cycle(void **state)
{
    (void)state;
    uint8_t data[64];
    fill_pattern(data, sizeof(data), 0);
    uint64_t t0 = i2c_fake_now_us(&bus);
    assert_int_equal(at24_write(&dev, 0, data, sizeof(data)), 0);
    assert_true(i2c_fake_now_us(&bus) - t0 >= 2 * TWR_US);
    assert_memory_equal(ee.mem, data, sizeof(data));
}

static void test_write_cycle_timeout(void **state)
{
    (void)state;
    uint8_t data[4] = { 9, 9, 9, 9 };
    at24_model_init(&ee, AT24C32_SIZE, AT24C32_PAGE_SIZE, 50000); /* a failing chip */
    uint64_t t0 = i2c_fake_now_us(&bus);
    assert_int_equal(at24_write(&dev, 0, data, sizeof(data)), -ETIMEDOUT);
    uint64_t waited = i2c_fake_now_us(&bus) - t0;
    assert_true(waited >= AT24_POLL_LIMIT_US);
    assert_true(waited <= AT24_POLL_LIMIT_US + AT24_POLL_STEP_US);
}

static void test_timeout_stops_a_multi_page_write(void **state)
{
    (void)state;
    uint8_t data[40];
    fill_pattern(data, sizeof(data), 11);
    at24_model_init(&ee, AT24C32_SIZE, AT24C32_PAGE_SIZE, 50000);
    assert_int_equal(at24_write(&dev, 0, data, sizeof(data)), -ETIMEDOUT);
    assert_int_equal(ee.n_write_cycles, 1); /* the second page was never sent */
}

static void test_busy_chip_refuses_write(void **state)
{
    (void)state;
    uint8_t b = 0x55;
    at24_model_set_stuck_busy(&ee, true);
    assert_int_equal(at24_write(&dev, 0, &b, 1), -EIO);
    assert_int_equal(ee.mem[0], 0xFF);
}

static void test_nack_during_data(void **state)
{
    (void)state;
    uint8_t data[8];
    fill_pattern(data, sizeof(data), 1);
    i2c_fake_nack_byte(&bus, EE_ADDR7, 5);
    assert_int_equal(at24_write(&dev, 0, data, sizeof(data)), -EIO);
}

static void test_bus_timeout_while_polling(void **state)
{
    (void)state;
    uint8_t b = 0x12;
    /* The page write goes through; the first poll finds the bus stuck. */
    i2c_fake_fail_later(&bus, EE_ADDR7, 1, -ETIMEDOUT, 1);
    assert_int_equal(at24_write(&dev, 0, &b, 1), -ETIMEDOUT);
    assert_int_equal(n_delays, 0);
}

static void test_torn_write(void **state)
{
    (void)state;
    uint8_t old[8];
    uint8_t data[8];
    fill_pattern(old, sizeof(old), 100);
    fill_pattern(data, sizeof(data), 200);
    assert_int_equal(at24_write(&dev, 0x200, old, sizeof(old)), 0);
    at24_model_tear_next_write(&ee, 5);
    /* Power is lost mid-cycle: the chip never answers the polls. */
    assert_int_equal(at24_write(&dev, 0x200, data, sizeof(data)), -ETIMEDOUT);
    at24_model_power_on(&ee);
    uint8_t back[8];
    assert_int_equal(at24_read(&dev, 0x200, back, sizeof(back)), 0);
    assert_memory_equal(back, data, 5);
    assert_memory_equal(&back[5], &old[5], 3);
}

/* The model itself: a 33-byte page write wraps onto the page's first byte. */
static void test_model_page_rollover(void **state)
{
    (void)state;
    uint8_t frame[2 + 33];
    frame[0] = 0x00;
    frame[1] = 0x20;
    fill_pattern(&frame[2], 33, 0);
    assert_int_equal(i2c_write(&bus, EE_ADDR7, frame, sizeof(frame)), 0);
    assert_int_equal(ee.n_page_wraps, 1);
    assert_int_equal(ee.mem[0x20], frame[2 + 32]);
    assert_int_equal(ee.mem[0x21], frame[2 + 1]);
    assert_int_equal(ee.mem[0x40], 0xFF);
    /* Busy: the address is not acknowledged until tWR has passed. */
    assert_int_equal(i2c_write(&bus, EE_ADDR7, frame, 2), -EIO);
    i2c_fake_advance_us(&bus, TWR_US);
    assert_int_equal(i2c_write(&bus, EE_ADDR7, frame, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_probe, setup),
        cmocka_unit_test_setup(test_missing_chip, setup),
        cmocka_unit_test_setup(test_bad_description, setup),
        cmocka_unit_test_setup(test_range, setup),
        cmocka_unit_test_setup(test_read_whole_chip_in_one_transaction, setup),
        cmocka_unit_test_setup(test_read_across_pages_at_offset, setup),
        cmocka_unit_test_setup(test_write_within_one_page, setup),
        cmocka_unit_test_setup(test_write_split_at_page_boundaries, setup),
        cmocka_unit_test_setup(test_write_two_bytes_straddling_a_page, setup),
        cmocka_unit_test_setup(test_write_whole_chip, setup),
        cmocka_unit_test_setup(test_smaller_declared_page_is_safe, setup),
        cmocka_unit_test_setup(test_polls_until_write_cycle_ends, setup),
        cmocka_unit_test_setup(test_each_page_waits_for_its_cycle, setup),
        cmocka_unit_test_setup(test_write_cycle_timeout, setup),
        cmocka_unit_test_setup(test_timeout_stops_a_multi_page_write, setup),
        cmocka_unit_test_setup(test_busy_chip_refuses_write, setup),
        cmocka_unit_test_setup(test_nack_during_data, setup),
        cmocka_unit_test_setup(test_bus_timeout_while_polling, setup),
        cmocka_unit_test_setup(test_torn_write, setup),
        cmocka_unit_test_setup(test_model_page_rollover, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
