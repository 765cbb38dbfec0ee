/*
 * Tests of the DS1307 / DS1338 / DS3231 driver (hal/ds13xx, behind
 * hal/rtc.h) against the register-file model on the fake I2C bus: every
 * decode path, garbage registers, CH, OSF, EOSC, 12-hour mode, the century
 * bit, the divider restart, set/read round trips over the chips' whole
 * range, the fast path's single transaction, aging offset, status text,
 * bus errors and a missing chip.
 *
 * Expected unix times are literals (computed outside this program) or come
 * from the day-by-day walk in test_round_trip, not from clock/calendar.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "ds13xx/ds13xx.h"
#include "fakes/ds1338_model.h"
#include "fakes/i2c_fake.h"
#include "hal/rtc.h"

#define RTC_ADDR7 0x68u

#define US_PER_S 1000000u

/* Reference instants (Python calendar.timegm). */
#define T_2026_11_25_184000 1795632000LL /* a Wednesday */
#define T_2000_01_01_000000 946684800LL
#define T_2039_12_31_235959 2208988799LL
#define T_2099_12_31_235959 4102444799LL
#define T_2100_01_01_000000 4102444800LL
#define T_2150_06_15_123456 5694582896LL
#define T_2199_12_31_235959 7258118399LL
#define T_2200_01_01_000000 7258118400LL
#define T_2024_02_29_120000 1709208000LL
#define T_2027_01_01_000000 1798761600LL

static struct i2c_bus bus;
static struct ds1338_model chip;
static struct ds13xx_config cfg;
static struct rtc rtc;

static void bring_up(enum ds13xx_chip which)
{
    static const enum ds1338_model_chip model_of[] = {
        [DS13XX_DS1307] = DS1338_MODEL_DS1307,
        [DS13XX_DS1338] = DS1338_MODEL_DS1338,
        [DS13XX_DS3231] = DS1338_MODEL_DS3231,
    };
    i2c_fake_init(&bus);
    ds1338_model_init(&chip, model_of[which]);
    assert_int_equal(i2c_fake_attach(&bus, RTC_ADDR7, &ds1338_model_ops, &chip), 0);
    cfg = (struct ds13xx_config){ .bus = &bus, .addr7 = RTC_ADDR7, .chip = which };
    memset(&rtc, 0, sizeof(rtc));
    assert_int_equal(ds13xx_init(&rtc, &cfg), 0);
}

static int setup_ds1307(void **state)
{
    (void)state;
    bring_up(DS13XX_DS1307);
    return 0;
}

static int setup_ds1338(void **state)
{
    (void)state;
    bring_up(DS13XX_DS1338);
    return 0;
}

static int setup_ds3231(void **state)
{
    (void)state;
    bring_up(DS13XX_DS3231);
    return 0;
}

/* Writes the seven time registers through the back door, flags clear. */
static void poke_time(const uint8_t regs[7])
{
    ds1338_model_set_time(&chip, 2026, 11, 25, 18, 40, 0, 3); /* clears CH, OSF, EOSC */
    for (uint8_t i = 0; i < 7; i++) {
        ds1338_model_poke(&chip, i, regs[i]);
    }
}

/* A valid running time, flags clear: 2026-11-25 18:40:00, Wednesday. */
static void load_reference_time(void)
{
    ds1338_model_set_time(&chip, 2026, 11, 25, 18, 40, 0, 3);
}

static int64_t read_ok(void)
{
    int64_t t = -1;
    assert_int_equal(rtc_read_time(&rtc, &t), 0);
    return t;
}

/* ------------------------------------------------------------ probe -- */

static void test_init_and_missing_chip(void **state)
{
    (void)state;
    struct rtc r2;
    memset(&r2, 0, sizeof(r2));
    int64_t t;
    assert_int_equal(rtc_read_time(&r2, &t), -ENODEV);
    assert_int_equal(rtc_set_time(&r2, T_2026_11_25_184000), -ENODEV);
    assert_int_equal(rtc_read_time_fast(&r2, &t), -ENODEV);

    struct ds13xx_config bad = cfg;
    bad.chip = (enum ds13xx_chip)7;
    assert_int_equal(ds13xx_init(&r2, &bad), -EINVAL);
    bad = cfg;
    bad.addr7 = 0x80;
    assert_int_equal(ds13xx_init(&r2, &bad), -EINVAL);
    bad = cfg;
    bad.bus = NULL;
    assert_int_equal(ds13xx_init(&r2, &bad), -EINVAL);

    i2c_fake_fail_next(&bus, RTC_ADDR7, -ETIMEDOUT, 1);
    assert_int_equal(ds13xx_init(&r2, &cfg), -ETIMEDOUT);
    assert_int_equal(rtc_read_time(&r2, &t), -ENODEV);

    assert_int_equal(i2c_fake_detach(&bus, RTC_ADDR7), 0);
    assert_int_equal(ds13xx_init(&r2, &cfg), -EIO);
    assert_int_equal(rtc_read_time(&rtc, &t), -EIO);
    assert_int_equal(rtc_read_time_fast(&rtc, &t), -EIO);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), -EIO);
    struct rtc_status st;
    assert_int_equal(rtc_read_status(&rtc, &st), -EIO);
}

static void test_init_changes_nothing(void **state)
{
    (void)state;
    uint8_t before[DS1338_MODEL_REGS_MAX];
    memcpy(before, chip.regs, sizeof(before));
    struct rtc r2;
    assert_int_equal(ds13xx_init(&r2, &cfg), 0);
    assert_memory_equal(before, chip.regs, sizeof(before));
}

/* ----------------------------------------------------------- decode -- */

static void test_read_reference_time(void **state)
{
    (void)state;
    load_reference_time();
    assert_int_equal(read_ok(), T_2026_11_25_184000);
    /* One transaction: pointer 00h, then the snapshot. */
    assert_int_equal(i2c_fake_log(&bus, 0)->wbuf[0], 0x00);
}

static void test_every_digit_high(void **state)
{
    (void)state;
    const uint8_t regs[7] = { 0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x39 };
    poke_time(regs);
    assert_int_equal(read_ok(), T_2039_12_31_235959);
    const uint8_t low[7] = { 0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00 };
    poke_time(low);
    assert_int_equal(read_ok(), T_2000_01_01_000000);
    const uint8_t leap[7] = { 0x00, 0x00, 0x12, 0x04, 0x29, 0x02, 0x24 };
    poke_time(leap);
    assert_int_equal(read_ok(), T_2024_02_29_120000);
}

static void test_12_hour_mode(void **state)
{
    (void)state;
    static const struct {
        uint8_t reg;
        int hour24;
    } cases[] = {
        { 0x52, 0 },                              /* 12 AM: midnight */
        { 0x41, 1 },                              /* 1 AM */
        { 0x49, 9 },  { 0x50, 10 }, { 0x51, 11 }, /* 11 AM */
        { 0x72, 12 },                             /* 12 PM: noon */
        { 0x61, 13 },                             /* 1 PM */
        { 0x69, 21 }, { 0x71, 23 },               /* 11 PM */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        load_reference_time();
        ds1338_model_poke(&chip, 0x02, cases[i].reg);
        int64_t expect = T_2026_11_25_184000 + (cases[i].hour24 - 18) * 3600;
        assert_int_equal(read_ok(), expect);
        int64_t t;
        assert_int_equal(rtc_read_time_fast(&rtc, &t), 0);
        assert_int_equal(t, expect);
        struct rtc_status st;
        assert_int_equal(rtc_read_status(&rtc, &st), 0);
        assert_true(st.is_12h_mode);
    }
}

static void test_12_hour_mode_counts_through_midnight(void **state)
{
    (void)state;
    /* 2026-12-31 11:59:59 PM, Thursday, in 12-hour mode. */
    const uint8_t regs[7] = { 0x59, 0x59, 0x71, 0x04, 0x31, 0x12, 0x26 };
    poke_time(regs);
    assert_int_equal(read_ok(), T_2027_01_01_000000 - 1);
    i2c_fake_advance_us(&bus, US_PER_S);
    assert_int_equal(read_ok(), T_2027_01_01_000000);
    assert_int_equal(ds1338_model_peek(&chip, 0x02), 0x52); /* still 12-hour: 12 AM */
}

/* One register replaced by garbage: the read must refuse it. */
struct garbage {
    uint8_t reg;
    uint8_t value;
};

static void check_garbage(const struct garbage *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        load_reference_time();
        ds1338_model_poke(&chip, cases[i].reg, cases[i].value);
        int64_t t = 12345;
        int err = rtc_read_time(&rtc, &t);
        if (err != -ENODATA) {
            print_error("register %02x = %02x accepted\n", cases[i].reg, cases[i].value);
        }
        assert_int_equal(err, -ENODATA);
        assert_int_equal(t, 12345);
        assert_int_equal(rtc_read_time_fast(&rtc, &t), -ENODATA);
        struct rtc_status st;
        assert_int_equal(rtc_read_status(&rtc, &st), 0);
        assert_false(st.is_time_valid);
    }
}

static const struct garbage common_garbage[] = {
    { 0x00, 0x60 }, { 0x00, 0x5A }, { 0x00, 0x0F }, { 0x00, 0x7F }, /* seconds */
    { 0x01, 0x60 }, { 0x01, 0x3B }, { 0x01, 0x80 }, { 0x01, 0xFF }, /* minutes */
    { 0x02, 0x24 }, { 0x02, 0x1A }, { 0x02, 0x30 }, { 0x02, 0x80 }, /* hours, 24h */
    { 0x02, 0x40 }, { 0x02, 0x53 }, { 0x02, 0x4A }, { 0x02, 0x60 }, /* hours, 12h: 0, 13, bad digit, PM 0 */
    { 0x02, 0x73 }, { 0x02, 0xC1 }, { 0x03, 0x00 }, { 0x03, 0x08 }, { 0x03, 0x0B },
    { 0x03, 0x81 },                                                 /* day of week */
    { 0x04, 0x00 }, { 0x04, 0x32 }, { 0x04, 0x1A }, { 0x04, 0x41 }, /* date */
    { 0x05, 0x00 }, { 0x05, 0x13 }, { 0x05, 0x0A }, { 0x05, 0x21 }, /* month */
    { 0x05, 0x41 }, { 0x05, 0x1F }, { 0x06, 0x9A }, { 0x06, 0xFF }, { 0x06, 0xAA },
    { 0x06, 0xFA }, /* year */
};

static void test_garbage_fields(void **state)
{
    (void)state;
    check_garbage(common_garbage, sizeof(common_garbage) / sizeof(common_garbage[0]));
}

static void test_garbage_year_past_99(void **state)
{
    (void)state;
    /* A real chip's year never reads above 99h (QEMU's ds1338 does: see below). */
    static const struct garbage cases[] = { { 0x06, 0xA0 }, { 0x06, 0xF9 } };
    check_garbage(cases, 2);
}

/*
 * QEMU's ds1338 writes year - 2000 as tens * 16 + units with no carry out
 * of the tens digit: 2100 reads A0h. The DS1338 driver takes that.
 */
static void test_ds1338_reads_qemu_years_past_2099(void **state)
{
    (void)state;
    const uint8_t y2100[7] = { 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0xA0 };
    poke_time(y2100);
    assert_int_equal(read_ok(), T_2100_01_01_000000);
    int64_t t;
    assert_int_equal(rtc_read_time_fast(&rtc, &t), 0);
    assert_int_equal(t, T_2100_01_01_000000);
    const uint8_t y2150[7] = { 0x56, 0x34, 0x12, 0x02, 0x15, 0x06, 0xF0 }; /* 150 = F0h */
    poke_time(y2150);
    assert_int_equal(read_ok(), T_2150_06_15_123456);
    /* Its calendar is Gregorian: there is no 29 February 2100. */
    const uint8_t feb29[7] = { 0x00, 0x00, 0x00, 0x01, 0x29, 0x02, 0xA0 };
    poke_time(feb29);
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA);
    /* Writes stay in the chips' 2000..2099. */
    assert_int_equal(rtc_set_time(&rtc, T_2100_01_01_000000), -EINVAL);
}

static void test_garbage_ds1338_reserved_bits(void **state)
{
    (void)state;
    /* No CENTURY bit on DS1307/DS1338: month bit 7 reads 0 on a real chip. */
    static const struct garbage cases[] = { { 0x05, 0x91 } };
    check_garbage(cases, 1);
}

static void test_garbage_ds3231_reserved_bits(void **state)
{
    (void)state;
    /* No CH on the DS3231: seconds bit 7 reads 0. */
    static const struct garbage cases[] = { { 0x00, 0x80 }, { 0x00, 0x85 } };
    check_garbage(cases, 2);
}

static void test_dates_that_do_not_exist(void **state)
{
    (void)state;
    static const uint8_t bad_dates[][3] = {
        /* date, month, year */
        { 0x31, 0x04, 0x26 }, { 0x31, 0x06, 0x26 }, { 0x31, 0x09, 0x26 }, { 0x31, 0x11, 0x26 },
        { 0x30, 0x02, 0x24 }, { 0x29, 0x02, 0x26 }, { 0x29, 0x02, 0x01 },
    };
    for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
        load_reference_time();
        ds1338_model_poke(&chip, 0x04, bad_dates[i][0]);
        ds1338_model_poke(&chip, 0x05, bad_dates[i][1]);
        ds1338_model_poke(&chip, 0x06, bad_dates[i][2]);
        int64_t t;
        assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA);
    }
    /* 29 February 2000 exists (divisible by 400). */
    const uint8_t ok[7] = { 0x00, 0x00, 0x00, 0x02, 0x29, 0x02, 0x00 };
    poke_time(ok);
    assert_int_equal(read_ok(), T_2000_01_01_000000 + 59 * 86400LL);
}

/* ------------------------------------------------ CH, OSF, EOSC -- */

static void test_ds1307_power_on_is_halted(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA);
    assert_int_equal(rtc_read_time_fast(&rtc, &t), -ENODATA);
    struct rtc_status st;
    assert_int_equal(rtc_read_status(&rtc, &st), 0);
    assert_true(st.is_halted);
    assert_true(st.is_time_valid); /* 2000-01-01, halted: sane registers, not counting */
    assert_false(st.has_osf);
    assert_string_equal(st.chip_name, "DS1307");
    /* Halted means not counting. */
    i2c_fake_advance_us(&bus, 5 * US_PER_S);
    assert_int_equal(ds1338_model_peek(&chip, 0x00), 0x80);

    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), 0);
    assert_int_equal(ds1338_model_peek(&chip, 0x00) & 0x80, 0);
    assert_int_equal(read_ok(), T_2026_11_25_184000);
    i2c_fake_advance_us(&bus, 5 * US_PER_S);
    assert_int_equal(read_ok(), T_2026_11_25_184000 + 5);
}

static void test_ch_set_on_running_chip(void **state)
{
    (void)state;
    load_reference_time();
    ds1338_model_poke(&chip, 0x00, 0x80 | 0x12);
    int64_t t;
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA);
    assert_int_equal(rtc_read_time_fast(&rtc, &t), -ENODATA);
}

static void test_ds1338_osf(void **state)
{
    (void)state;
    int64_t t;
    /* First power-up: OSF=1, so the power-on time is refused. */
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA);
    struct rtc_status st;
    assert_int_equal(rtc_read_status(&rtc, &st), 0);
    assert_true(st.has_osf);
    assert_true(st.is_osf_set);
    assert_false(st.is_halted);
    assert_true(st.is_time_valid);
    /* The fast path does not look at 07h (documented). */
    assert_int_equal(rtc_read_time_fast(&rtc, &t), 0);

    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), 0);
    assert_int_equal(ds1338_model_peek(&chip, 0x07), 0x93); /* OSF cleared, OUT SQWE RS kept */
    assert_int_equal(read_ok(), T_2026_11_25_184000);

    ds1338_model_stop_oscillator(&chip);
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA);
}

static void test_ds1338_halting_sets_osf(void **state)
{
    (void)state;
    load_reference_time();
    assert_int_equal(read_ok(), T_2026_11_25_184000);
    /* Someone sets CH over the bus: the chip also sets OSF. */
    const uint8_t frame[2] = { 0x00, 0x80 };
    assert_int_equal(i2c_write(&bus, RTC_ADDR7, frame, sizeof(frame)), 0);
    struct rtc_status st;
    assert_int_equal(rtc_read_status(&rtc, &st), 0);
    assert_true(st.is_halted);
    assert_true(st.is_osf_set);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), 0);
    assert_int_equal(read_ok(), T_2026_11_25_184000);
}

static void test_ds3231_osf_and_eosc(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA); /* power-on OSF */
    /* EOSC set and alarm 1 flag raised, to see what set_time keeps. */
    ds1338_model_poke(&chip, 0x0E, 0x1C | 0x80);
    ds1338_model_poke(&chip, 0x0F, 0x88 | 0x01);
    struct rtc_status st;
    assert_int_equal(rtc_read_status(&rtc, &st), 0);
    assert_true(st.is_osf_set);
    assert_true(st.is_eosc_set);

    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), 0);
    assert_int_equal(ds1338_model_peek(&chip, 0x0E), 0x1C);        /* EOSC cleared */
    assert_int_equal(ds1338_model_peek(&chip, 0x0F), 0x08 | 0x01); /* OSF cleared, A1F kept */
    assert_int_equal(read_ok(), T_2026_11_25_184000);

    /* With EOSC clear the oscillator keeps going on battery. */
    ds1338_model_set_on_battery(&chip, true);
    i2c_fake_advance_us(&bus, 10 * US_PER_S);
    ds1338_model_set_on_battery(&chip, false);
    assert_int_equal(read_ok(), T_2026_11_25_184000 + 10);
}

static void test_ds3231_eosc_stops_on_battery(void **state)
{
    (void)state;
    load_reference_time();
    ds1338_model_poke(&chip, 0x0E, 0x1C | 0x80);
    assert_int_equal(read_ok(), T_2026_11_25_184000); /* EOSC alone: still valid on VCC */
    ds1338_model_set_on_battery(&chip, true);
    i2c_fake_advance_us(&bus, 10 * US_PER_S);
    ds1338_model_set_on_battery(&chip, false);
    int64_t t;
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA);
}

static void test_ds3231_no_flag_write_when_clean(void **state)
{
    (void)state;
    load_reference_time();
    unsigned before = i2c_fake_transactions(&bus);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), 0);
    /* The time write and one read of 0Eh..0Fh; nothing to clear. */
    assert_int_equal(i2c_fake_transactions(&bus) - before, 2);
}

/* ----------------------------------------------------------- set -- */

static void test_set_writes_one_transaction_from_seconds(void **state)
{
    (void)state;
    unsigned before = i2c_fake_transactions(&bus);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), 0);
    const struct i2c_fake_log_entry *e =
        i2c_fake_log(&bus, i2c_fake_transactions(&bus) - before - 1);
    const uint8_t expect[8] = { 0x00, 0x00, 0x40, 0x18, 0x03, 0x25, 0x11, 0x26 };
    assert_int_equal(e->wlen, sizeof(expect));
    assert_int_equal(e->rlen, 0);
    assert_memory_equal(e->wbuf, expect, sizeof(expect));
}

static void test_set_switches_12h_chip_to_24h(void **state)
{
    (void)state;
    load_reference_time();
    ds1338_model_poke(&chip, 0x02, 0x66); /* 6 PM, 12-hour mode */
    assert_int_equal(read_ok(), T_2026_11_25_184000);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000 + 3600), 0);
    assert_int_equal(ds1338_model_peek(&chip, 0x02), 0x19);
    assert_int_equal(read_ok(), T_2026_11_25_184000 + 3600);
}

static void test_set_restarts_divider(void **state)
{
    (void)state;
    load_reference_time();
    i2c_fake_advance_us(&bus, 700000); /* the chip is 0.7 s into its second */
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000 + 100), 0);
    assert_int_equal(chip.n_divider_resets, 1);
    i2c_fake_advance_us(&bus, 999999);
    assert_int_equal(read_ok(), T_2026_11_25_184000 + 100);
    i2c_fake_advance_us(&bus, 1);
    assert_int_equal(read_ok(), T_2026_11_25_184000 + 101);
}

static void test_set_range(void **state)
{
    (void)state;
    assert_int_equal(rtc_set_time(&rtc, T_2000_01_01_000000 - 1), -EINVAL);
    assert_int_equal(rtc_set_time(&rtc, T_2100_01_01_000000), -EINVAL);
    assert_int_equal(rtc_set_time(&rtc, -1), -EINVAL);
    assert_int_equal(rtc_set_time(&rtc, INT64_MAX), -EINVAL);
    assert_int_equal(rtc_set_time(&rtc, INT64_MIN), -EINVAL);
    assert_int_equal(i2c_fake_transactions(&bus), 1); /* only the probe */
    assert_int_equal(rtc_set_time(&rtc, T_2099_12_31_235959), 0);
    assert_int_equal(read_ok(), T_2099_12_31_235959);
    assert_int_equal(rtc_set_time(&rtc, T_2000_01_01_000000), 0);
    assert_int_equal(read_ok(), T_2000_01_01_000000);
}

static void test_set_range_ds3231(void **state)
{
    (void)state;
    assert_int_equal(rtc_set_time(&rtc, T_2200_01_01_000000), -EINVAL);
    assert_int_equal(rtc_set_time(&rtc, T_2199_12_31_235959), 0);
    assert_int_equal(read_ok(), T_2199_12_31_235959);
}

static void test_ds3231_century(void **state)
{
    (void)state;
    assert_int_equal(rtc_set_time(&rtc, T_2150_06_15_123456), 0);
    assert_int_equal(ds1338_model_peek(&chip, 0x05), 0x80 | 0x06);
    assert_int_equal(ds1338_model_peek(&chip, 0x06), 0x50);
    assert_int_equal(read_ok(), T_2150_06_15_123456);
    /* The chip toggles CENTURY when its year goes 99 -> 00. */
    assert_int_equal(rtc_set_time(&rtc, T_2099_12_31_235959), 0);
    assert_int_equal(ds1338_model_peek(&chip, 0x05) & 0x80, 0);
    i2c_fake_advance_us(&bus, US_PER_S);
    assert_int_equal(ds1338_model_peek(&chip, 0x05), 0x80 | 0x01);
    assert_int_equal(read_ok(), T_2100_01_01_000000);
}

static void test_ds3231_counts_2100_02_29(void **state)
{
    (void)state;
    /* The chip's leap rule ends in 2100 (datasheet): it counts 29 Feb 2100. */
    assert_int_equal(rtc_set_time(&rtc, T_2100_01_01_000000 + (31 + 28) * 86400LL - 1), 0);
    i2c_fake_advance_us(&bus, US_PER_S);
    assert_int_equal(ds1338_model_peek(&chip, 0x04), 0x29);
    int64_t t;
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA); /* not a real date */
}

static void test_set_fails_midway(void **state)
{
    (void)state;
    i2c_fake_nack_byte(&bus, RTC_ADDR7, 3);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), -EIO);
    i2c_fake_fail_next(&bus, RTC_ADDR7, -ETIMEDOUT, 1);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), -ETIMEDOUT);
    /* The flag clearing that follows the time write can fail too. */
    i2c_fake_fail_later(&bus, RTC_ADDR7, 1, -EIO, 1);
    assert_int_equal(rtc_set_time(&rtc, T_2026_11_25_184000), -EIO);
    int64_t t;
    assert_int_equal(rtc_read_time(&rtc, &t), -ENODATA); /* OSF still set */
}

/*
 * Walks every day of the chip's range with a calendar of its own, sets a
 * different time of day on each, and checks the registers the chip holds
 * and the time read back.
 */
static void round_trip(int32_t year_end)
{
    static const uint8_t mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t day_index = 0;
    int dow = 6; /* 2000-01-01 was a Saturday */
    for (int32_t y = 2000; y <= year_end; y++) {
        bool is_leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = mdays[m - 1] + (m == 2 && is_leap ? 1 : 0);
            for (int d = 1; d <= n; d++, day_index++, dow = dow % 7 + 1) {
                int64_t tod = (day_index * 7919) % 86400;
                int64_t t = T_2000_01_01_000000 + day_index * 86400 + tod;
                assert_int_equal(rtc_set_time(&rtc, t), 0);
                int hh = (int)(tod / 3600), mm = (int)(tod / 60 % 60), ss = (int)(tod % 60);
                uint8_t expect[7] = {
                    (uint8_t)((ss / 10) << 4 | ss % 10),
                    (uint8_t)((mm / 10) << 4 | mm % 10),
                    (uint8_t)((hh / 10) << 4 | hh % 10),
                    (uint8_t)dow,
                    (uint8_t)((d / 10) << 4 | d % 10),
                    (uint8_t)((m / 10) << 4 | m % 10 | (y >= 2100 ? 0x80 : 0)),
                    (uint8_t)((y % 100 / 10) << 4 | y % 10),
                };
                assert_memory_equal(chip.regs, expect, sizeof(expect));
                assert_int_equal(read_ok(), t);
            }
        }
    }
}

static void test_round_trip_2000_2099(void **state)
{
    (void)state;
    round_trip(2099);
}

static void test_round_trip_2000_2199(void **state)
{
    (void)state;
    round_trip(2199);
}

/* ---------------------------------------------------- fast path -- */

static void test_fast_path_is_one_short_transaction(void **state)
{
    (void)state;
    load_reference_time();
    unsigned before = i2c_fake_transactions(&bus);
    int64_t t;
    assert_int_equal(rtc_read_time_fast(&rtc, &t), 0);
    assert_int_equal(t, T_2026_11_25_184000);
    assert_int_equal(i2c_fake_transactions(&bus) - before, 1);
    const struct i2c_fake_log_entry *e = i2c_fake_log(&bus, 0);
    assert_int_equal(e->wlen, 1);
    assert_int_equal(e->wbuf[0], 0x00);
    assert_int_equal(e->rlen, 7);
}

static void test_fast_path_finds_the_edge(void **state)
{
    (void)state;
    load_reference_time();
    i2c_fake_advance_us(&bus, 123456); /* somewhere inside the second */
    int64_t first, t;
    assert_int_equal(rtc_read_time_fast(&rtc, &first), 0);
    uint64_t edge_us = 0;
    for (int i = 0; i < 2000; i++) {
        i2c_fake_advance_us(&bus, 1000);
        assert_int_equal(rtc_read_time_fast(&rtc, &t), 0);
        if (t != first) {
            edge_us = i2c_fake_now_us(&bus);
            break;
        }
    }
    assert_int_equal(t, first + 1);
    /* The chip's edge is at 1 s; the first read after it sees it. */
    assert_true(edge_us >= US_PER_S);
    assert_true(edge_us < US_PER_S + 1000);
}

static void test_time_advances(void **state)
{
    (void)state;
    load_reference_time();
    i2c_fake_advance_us(&bus, 3600ull * US_PER_S);
    assert_int_equal(read_ok(), T_2026_11_25_184000 + 3600);
    i2c_fake_advance_us(&bus, 37ull * 86400 * US_PER_S);
    assert_int_equal(read_ok(), T_2026_11_25_184000 + 3600 + 37 * 86400LL);
}

/* -------------------------------------------------------- aging -- */

static void test_ds3231_aging(void **state)
{
    (void)state;
    load_reference_time();
    assert_int_equal(rtc_set_aging_offset(&rtc, -5), 0);
    assert_int_equal(ds1338_model_peek(&chip, 0x10), 0xFB);
    assert_true(ds1338_model_peek(&chip, 0x0F) & 0x04); /* conversion started: BSY */
    struct rtc_status st;
    assert_int_equal(rtc_read_status(&rtc, &st), 0);
    assert_true(st.has_aging);
    assert_int_equal(st.aging_offset_lsb, -5);
    /* While BSY, no second conversion is requested. */
    unsigned before = i2c_fake_transactions(&bus);
    assert_int_equal(rtc_set_aging_offset(&rtc, 7), 0);
    assert_int_equal(i2c_fake_transactions(&bus) - before, 2);
    assert_int_equal(ds1338_model_peek(&chip, 0x10), 7);
    i2c_fake_advance_us(&bus, DS1338_MODEL_CONV_US);
    assert_int_equal(ds1338_model_peek(&chip, 0x0F) & 0x04, 0);
    assert_int_equal(read_ok(), T_2026_11_25_184000); /* time untouched */
}

static void test_no_aging_on_ds1338(void **state)
{
    (void)state;
    assert_int_equal(rtc_set_aging_offset(&rtc, 3), -ENOTSUP);
    struct rtc_status st;
    assert_int_equal(rtc_read_status(&rtc, &st), 0);
    assert_false(st.has_aging);
}

/* ------------------------------------------------------- status -- */

static void test_status_text(void **state)
{
    (void)state;
    char buf[128];
    struct rtc_status st = { .chip_name = "DS1338", .has_osf = true, .is_time_valid = true };
    assert_int_equal(rtc_format_status(&st, buf, sizeof(buf)), 26);
    assert_string_equal(buf, "DS1338, oscillator running");
    st.is_osf_set = true;
    rtc_format_status(&st, buf, sizeof(buf));
    assert_string_equal(buf,
                        "DS1338, oscillator stopped since last set (OSF): time invalid until set");
    st = (struct rtc_status){ .chip_name = "DS1307", .is_halted = true, .is_time_valid = true };
    rtc_format_status(&st, buf, sizeof(buf));
    assert_string_equal(buf, "DS1307, clock halted (CH): time invalid until set");
    st = (struct rtc_status){ .chip_name = "DS1307", .is_time_valid = false };
    rtc_format_status(&st, buf, sizeof(buf));
    assert_string_equal(buf, "DS1307, registers invalid: time invalid until set");
    st = (struct rtc_status){ .chip_name = "DS3231",
                              .is_time_valid = true,
                              .is_eosc_set = true,
                              .is_12h_mode = true,
                              .has_aging = true,
                              .aging_offset_lsb = -12 };
    rtc_format_status(&st, buf, sizeof(buf));
    assert_string_equal(buf, "DS3231, oscillator running, EOSC set: oscillator stops on battery"
                             ", 12-hour mode, aging offset -12");
    /* Truncation: NUL-terminated, full length returned. */
    st = (struct rtc_status){ .chip_name = "DS1338", .is_time_valid = true };
    assert_int_equal(rtc_format_status(&st, buf, 8), 26);
    assert_string_equal(buf, "DS1338,");
    assert_int_equal(rtc_format_status(&st, NULL, 0), 26);
    assert_int_equal(rtc_format_status(NULL, buf, sizeof(buf)), -EINVAL);
}

static void test_status_from_chip(void **state)
{
    (void)state;
    load_reference_time();
    struct rtc_status st;
    char buf[96];
    assert_int_equal(rtc_read_status(&rtc, &st), 0);
    rtc_format_status(&st, buf, sizeof(buf));
    assert_string_equal(buf, "DS1338, oscillator running");
}

/* -------------------------------------------------------- model -- */

static void test_model_pointer_wraps(void **state)
{
    (void)state;
    load_reference_time();
    /* DS1338: 3Fh is the last RAM byte, then the pointer wraps to 00h. */
    ds1338_model_poke(&chip, 0x3F, 0xAB);
    uint8_t ptr = 0x3F;
    uint8_t out[3];
    assert_int_equal(i2c_write_read(&bus, RTC_ADDR7, &ptr, 1, out, sizeof(out)), 0);
    assert_int_equal(out[0], 0xAB);
    assert_int_equal(out[1], 0x00); /* seconds */
    assert_int_equal(out[2], 0x40); /* minutes */
}

static void test_model_pointer_wraps_ds3231(void **state)
{
    (void)state;
    load_reference_time();
    uint8_t ptr = 0x12;
    uint8_t out[2];
    assert_int_equal(i2c_write_read(&bus, RTC_ADDR7, &ptr, 1, out, sizeof(out)), 0);
    assert_int_equal(out[1], 0x00); /* 12h (temperature LSB), then seconds */
    ptr = 0x11;
    assert_int_equal(i2c_write_read(&bus, RTC_ADDR7, &ptr, 1, out, 1), 0);
    assert_int_equal(out[0], 25); /* 25 C */
}

#define T(fn, setup) cmocka_unit_test_setup(fn, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init_and_missing_chip, setup_ds1338),
        T(test_init_changes_nothing, setup_ds3231),
        T(test_read_reference_time, setup_ds1307),
        T(test_read_reference_time, setup_ds1338),
        T(test_read_reference_time, setup_ds3231),
        T(test_every_digit_high, setup_ds1338),
        T(test_every_digit_high, setup_ds3231),
        T(test_12_hour_mode, setup_ds1307),
        T(test_12_hour_mode, setup_ds3231),
        T(test_12_hour_mode_counts_through_midnight, setup_ds1338),
        T(test_garbage_fields, setup_ds1307),
        T(test_garbage_fields, setup_ds1338),
        T(test_garbage_fields, setup_ds3231),
        T(test_garbage_year_past_99, setup_ds1307),
        T(test_garbage_year_past_99, setup_ds3231),
        T(test_ds1338_reads_qemu_years_past_2099, setup_ds1338),
        T(test_garbage_ds1338_reserved_bits, setup_ds1338),
        T(test_garbage_ds3231_reserved_bits, setup_ds3231),
        T(test_dates_that_do_not_exist, setup_ds1338),
        T(test_dates_that_do_not_exist, setup_ds3231),
        T(test_ds1307_power_on_is_halted, setup_ds1307),
        T(test_ch_set_on_running_chip, setup_ds1307),
        T(test_ch_set_on_running_chip, setup_ds1338),
        T(test_ds1338_osf, setup_ds1338),
        T(test_ds1338_halting_sets_osf, setup_ds1338),
        T(test_ds3231_osf_and_eosc, setup_ds3231),
        T(test_ds3231_eosc_stops_on_battery, setup_ds3231),
        T(test_ds3231_no_flag_write_when_clean, setup_ds3231),
        T(test_set_writes_one_transaction_from_seconds, setup_ds1338),
        T(test_set_switches_12h_chip_to_24h, setup_ds1338),
        T(test_set_restarts_divider, setup_ds1307),
        T(test_set_restarts_divider, setup_ds3231),
        T(test_set_range, setup_ds1307),
        T(test_set_range, setup_ds1338),
        T(test_set_range_ds3231, setup_ds3231),
        T(test_ds3231_century, setup_ds3231),
        T(test_ds3231_counts_2100_02_29, setup_ds3231),
        T(test_set_fails_midway, setup_ds1338),
        T(test_round_trip_2000_2099, setup_ds1307),
        T(test_round_trip_2000_2099, setup_ds1338),
        T(test_round_trip_2000_2199, setup_ds3231),
        T(test_fast_path_is_one_short_transaction, setup_ds3231),
        T(test_fast_path_finds_the_edge, setup_ds1338),
        T(test_time_advances, setup_ds1338),
        T(test_ds3231_aging, setup_ds3231),
        T(test_no_aging_on_ds1338, setup_ds1338),
        T(test_status_text, NULL),
        T(test_status_from_chip, setup_ds1338),
        T(test_model_pointer_wraps, setup_ds1338),
        T(test_model_pointer_wraps_ds3231, setup_ds3231),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
