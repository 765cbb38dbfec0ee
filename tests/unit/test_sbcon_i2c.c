/*
 * The MPS2 board's SBCon I2C master (hal/sbcon/i2c.c), bit-banged, on a
 * bit-level model of the bus (fakes/i2c_wire_model.c) with the DS1338 and
 * AT24C32 models as its targets: transfers, NACKs, the SCL rate, and a bus
 * that hangs (SDA held by a target left inside a byte, SCL held low), with
 * the bus clear bounded in time.
 *
 * The driver's timing runs on timer_now(), which here moves 0.2 us of
 * simulated time per call (the targets see it in whole microseconds).
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
#include "fakes/ds1338_model.h"
#include "fakes/i2c_wire_model.h"
#include "hal/i2c.h"
#include "hal/timer.h"
#include "sbcon/sbcon.h"

#define TIMER_HZ  25000000u /* the MPS2's SYSCLK */
#define RTC_ADDR  0x68u
#define EE_ADDR   0x57u
#define FAKE_BASE 0x4002A000u

static uint64_t now_ticks;
static bool m_scl = true, m_sda = true;
static struct ds1338_model rtc_chip;
static struct at24_model ee_chip;
static struct i2c_bus bus;
static const struct sbcon_i2c_config cfg = {
    .base = FAKE_BASE,
    .bus_hz = I2C_STANDARD_HZ,
    .timeout_us = 2000u,
};

/* ---- the driver's environment ---- */

#define TICKS_PER_US   (TIMER_HZ / 1000000u)
#define TICKS_PER_CALL 5u /* 0.2 us */

static void pass_ticks(uint64_t ticks)
{
    uint64_t us_before = now_ticks / TICKS_PER_US;
    now_ticks += ticks;
    wire_set_now_ns(now_ticks * (1000000000u / TIMER_HZ));
    uint64_t us = now_ticks / TICKS_PER_US - us_before;
    if (us > 0) {
        wire_advance_us(us);
    }
}

static void pass_us(uint64_t us)
{
    pass_ticks(us * TICKS_PER_US);
}

uint64_t timer_now(void)
{
    pass_ticks(TICKS_PER_CALL);
    return now_ticks;
}

uint32_t timer_hz(void)
{
    return TIMER_HZ;
}

void timer_delay_us(uint32_t us)
{
    pass_us(us);
}

uint32_t sb_levels(uintptr_t b)
{
    assert_int_equal(b, FAKE_BASE);
    return (wire_scl() ? SB_SCL : 0u) | (wire_sda() ? SB_SDA : 0u);
}

void sb_release(uintptr_t b, uint32_t lines)
{
    assert_int_equal(b, FAKE_BASE);
    m_scl = m_scl || (lines & SB_SCL);
    m_sda = m_sda || (lines & SB_SDA);
    wire_master(m_scl, m_sda);
}

void sb_drive_low(uintptr_t b, uint32_t lines)
{
    assert_int_equal(b, FAKE_BASE);
    m_scl = m_scl && !(lines & SB_SCL);
    m_sda = m_sda && !(lines & SB_SDA);
    wire_master(m_scl, m_sda);
}

static uint64_t elapsed_us(uint64_t t0)
{
    return (now_ticks - t0) / (TIMER_HZ / 1000000u);
}

static struct i2c_stats stats(void)
{
    struct i2c_stats st;
    i2c_get_stats(&bus, &st);
    return st;
}

static struct wire_counts counts(void)
{
    struct wire_counts c;
    wire_counts(&c);
    return c;
}

static int setup(void **state)
{
    (void)state;
    now_ticks = 0;
    m_scl = m_sda = true;
    wire_init();
    ds1338_model_init(&rtc_chip, DS1338_MODEL_DS1338);
    ds1338_model_set_time(&rtc_chip, 2026, 11, 25, 18, 40, 0, 3);
    at24_model_init(&ee_chip, AT24C32_SIZE, AT24C32_PAGE_SIZE, 4000u);
    assert_int_equal(wire_attach(RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    assert_int_equal(wire_attach(EE_ADDR, &at24_model_ops, &ee_chip), 0);
    assert_int_equal(sbcon_i2c_init(&bus, &cfg), 0);
    return 0;
}

static int read_time_regs(uint8_t regs[7])
{
    uint8_t reg = 0;
    return i2c_write_read(&bus, RTC_ADDR, &reg, 1, regs, 7);
}

/* ---- transfers ---- */

static void test_reads_and_writes_the_rtc(void **state)
{
    (void)state;
    uint8_t regs[7];
    assert_int_equal(read_time_regs(regs), 0);
    static const uint8_t want[7] = { 0x00, 0x40, 0x18, 0x03, 0x25, 0x11, 0x26 };
    assert_memory_equal(regs, want, sizeof(want));
    /* A write of the NVRAM, read back with a repeated START. */
    static const uint8_t wr[3] = { 0x20, 0xA5, 0x5A };
    assert_int_equal(i2c_write(&bus, RTC_ADDR, wr, sizeof(wr)), 0);
    uint8_t back[2];
    assert_int_equal(i2c_write_read(&bus, RTC_ADDR, wr, 1, back, 2), 0);
    assert_memory_equal(back, &wr[1], 2);
    struct wire_counts c = counts();
    assert_int_equal(c.starts, 2 + 1 + 2);
    assert_int_equal(c.stops, 3);
    assert_int_equal(stats().errors, 0);
    assert_int_equal(stats().recoveries, 0);
}

/* The EEPROM at 0x57 through the AT24 driver: page writes and acknowledge polling on the wire. */
static void test_eeprom_at_0x57(void **state)
{
    (void)state;
    const struct at24 dev = { &bus, EE_ADDR, AT24C32_SIZE, AT24C32_PAGE_SIZE };
    uint8_t out[40], in[40];
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = (uint8_t)(i * 7u + 1u);
    }
    assert_int_equal(at24_probe(&dev), 0);
    assert_int_equal(at24_write(&dev, 0x1F0u, out, sizeof(out)), 0);
    assert_int_equal(ee_chip.n_write_cycles, 2);
    assert_true(ee_chip.n_nacks > 0); /* polled through both cycles */
    assert_int_equal(at24_read(&dev, 0x1F0u, in, sizeof(in)), 0);
    assert_memory_equal(in, out, sizeof(out));
}

static void test_missing_target_is_a_nack_not_a_recovery(void **state)
{
    (void)state;
    uint8_t b = 0;
    assert_int_equal(i2c_write_read(&bus, 0x50, &b, 1, &b, 1), -EIO);
    assert_int_equal(stats().errors, 1);
    assert_int_equal(stats().recoveries, 0);
    assert_int_equal(counts().stops, 1); /* the bus was released */
}

/* SCL half periods as the rate says: 5 us at 100 kHz, 1.25 us at 400 kHz. */
static void test_scl_rate(void **state)
{
    (void)state;
    uint8_t regs[7];
    assert_int_equal(read_time_regs(regs), 0);
    assert_true(counts().scl_high_min_ns >= 5000u);
    wire_init();
    assert_int_equal(wire_attach(RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    assert_int_equal(i2c_set_bus_hz(&bus, I2C_FAST_HZ), 0);
    assert_int_equal(stats().bus_hz, I2C_FAST_HZ);
    assert_int_equal(read_time_regs(regs), 0);
    uint64_t high = counts().scl_high_min_ns, low = counts().scl_low_min_ns;
    assert_in_range(high, 1240u, 1600u);
    assert_in_range(low, 1240u, 1600u);
    assert_int_equal(i2c_set_bus_hz(&bus, 0), -EINVAL);
}

/* ---- a bus that hangs ---- */

/* Found stuck before a transfer: clocked free, a STOP, and the transfer goes through. */
static void test_stuck_sda_is_cleared_before_the_transfer(void **state)
{
    (void)state;
    wire_hold_sda(7);
    uint8_t regs[7];
    uint64_t t0 = now_ticks;
    assert_int_equal(read_time_regs(regs), 0);
    assert_false(wire_is_sda_held());
    struct i2c_stats st = stats();
    assert_int_equal(st.recoveries, 1);
    assert_int_equal(st.stuck_freed, 1);
    assert_int_equal(st.last_clocks, 7);
    assert_int_equal(st.errors, 0);
    assert_true(elapsed_us(t0) < 2000u);
    assert_int_equal(regs[1], 0x40);
}

static void test_boot_check_frees_nine(void **state)
{
    (void)state;
    wire_hold_sda(9);
    assert_int_equal(i2c_recover(&bus), 0);
    assert_false(wire_is_sda_held());
    assert_int_equal(stats().last_clocks, 9);
    assert_int_equal(counts().stops, 1);
    /* An idle bus: nothing to do, nothing counted. */
    assert_int_equal(i2c_recover(&bus), 0);
    assert_int_equal(stats().recoveries, 1);
}

static void test_sda_held_for_good_is_bounded(void **state)
{
    (void)state;
    wire_hold_sda(100000);
    uint64_t t0 = now_ticks;
    assert_int_equal(i2c_recover(&bus), -EBUSY);
    assert_true(elapsed_us(t0) <= 2000u + 50u);
    assert_int_equal(counts().pulses, I2C_BUS_CLEAR_CLOCKS);
    assert_int_equal(stats().stuck_failed, 1);
    uint8_t regs[7];
    t0 = now_ticks;
    assert_true(read_time_regs(regs) < 0);
    assert_true(elapsed_us(t0) < 10000u);
}

static void test_scl_held_times_out_bounded(void **state)
{
    (void)state;
    uint8_t regs[7];
    assert_int_equal(read_time_regs(regs), 0);
    wire_hold_scl(true);
    uint64_t t0 = now_ticks;
    assert_int_equal(read_time_regs(regs), -ETIMEDOUT);
    assert_true(elapsed_us(t0) < 10000u);
    struct i2c_stats st = stats();
    assert_true(st.recoveries >= 1);
    assert_true(st.stuck_failed >= 1);
    wire_hold_scl(false);
    assert_int_equal(read_time_regs(regs), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reads_and_writes_the_rtc, setup),
        cmocka_unit_test_setup(test_eeprom_at_0x57, setup),
        cmocka_unit_test_setup(test_missing_target_is_a_nack_not_a_recovery, setup),
        cmocka_unit_test_setup(test_scl_rate, setup),
        cmocka_unit_test_setup(test_stuck_sda_is_cleared_before_the_transfer, setup),
        cmocka_unit_test_setup(test_boot_check_frees_nine, setup),
        cmocka_unit_test_setup(test_sda_held_for_good_is_bounded, setup),
        cmocka_unit_test_setup(test_scl_held_times_out_bounded, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
