/*
 * libFuzzer harness: the DS1307/DS1338/DS3231 register decoder (hal/ds13xx)
 * on arbitrary register contents, through a bus that is a plain register
 * file (a chip that holds whatever it is written, as the real ones do).
 *
 * Input: the chip (DS1307, DS1338, DS3231), bus failures, the 17 registers
 * 00h..10h as the chip holds them, and a time to set.
 *
 * Invariants:
 *  - a time read is what the registers say, field by field (decoded here
 *    independently: BCD digits, 12-hour mode, the century bit);
 *  - a time read is one the registers can hold: a valid civil time in the
 *    chip's years (2000..2099; the DS1338 as QEMU models it to 2159, the
 *    DS3231 with its century bit to 2199), the same from rtc_read_time()
 *    and rtc_read_time_fast() when the status flags say it is good, and
 *    none while the chip says it is halted or has lost its time;
 *  - rtc_format_status() never writes past its buffer, whatever its size,
 *    and always terminates it;
 *  - a time set in the chip's years reads back exactly, flags cleared;
 *    outside them it is refused and the registers are left alone.
 */
#include <errno.h>
#include <string.h>

#include "ds13xx/ds13xx.h"
#include "fuzz_util.h"
#include "hal/i2c.h"
#include "hal/rtc.h"
#include "lib/calendar.h"

#define REGS 32u

struct i2c_bus {
    uint8_t regs[REGS];
    uint8_t pointer;
    unsigned fail_after; /* transactions that succeed before the failures */
    unsigned failures;   /* transactions that then fail */
    int fail_err;
};

static struct i2c_bus bus;

static int transaction(void)
{
    if (bus.fail_after > 0u) {
        bus.fail_after--;
        return 0;
    }
    if (bus.failures > 0u) {
        bus.failures--;
        return bus.fail_err;
    }
    return 0;
}

int i2c_write(struct i2c_bus *b, uint8_t addr7, const uint8_t *buf, size_t len)
{
    FUZZ_CHECK(b == &bus && addr7 == DS13XX_ADDR7 && len > 0, "bad write");
    int err = transaction();
    if (err != 0) {
        return err;
    }
    b->pointer = buf[0];
    for (size_t i = 1; i < len; i++) {
        b->regs[b->pointer++ % REGS] = buf[i];
    }
    return 0;
}

int i2c_write_read(struct i2c_bus *b, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                   uint8_t *rbuf, size_t rlen)
{
    FUZZ_CHECK(b == &bus && addr7 == DS13XX_ADDR7 && rlen > 0, "bad read");
    int err = transaction();
    if (err != 0) {
        return err;
    }
    if (wlen > 0) {
        b->pointer = wbuf[0];
    }
    for (size_t i = 0; i < rlen; i++) {
        rbuf[i] = b->regs[b->pointer++ % REGS];
    }
    return 0;
}

/* By chip: the last year a read may give (a two-digit year, QEMU's A0h..F9h) and a set takes. */
static const int32_t year_last_read[] = {
    [DS13XX_DS1307] = 2099,
    [DS13XX_DS1338] = 2159,
    [DS13XX_DS3231] = 2199,
    [DS13XX_DS1307_OR_DS1338] = 2159,
};
static const int32_t year_last_set[] = {
    [DS13XX_DS1307] = 2099,
    [DS13XX_DS1338] = 2099,
    [DS13XX_DS3231] = 2199,
    [DS13XX_DS1307_OR_DS1338] = 2099,
};
static const enum ds13xx_chip chips[] = { DS13XX_DS1307, DS13XX_DS1338, DS13XX_DS3231,
                                          DS13XX_DS1307_OR_DS1338 };

static void check_time(enum ds13xx_chip chip, int64_t unix_s)
{
    struct civil_time t;
    calendar_from_unix(unix_s, &t);
    FUZZ_CHECK(calendar_validate(&t) == 0, "an invalid time read");
    FUZZ_CHECK(t.year >= 2000 && t.year <= year_last_read[chip], "year %ld read from chip %d",
               (long)t.year, chip);
}

static unsigned bcd(uint8_t b)
{
    return (b >> 4) * 10u + (b & 0x0Fu);
}

/* The time read is the one in the registers regs[0..6] (as they were read). */
static void check_fields(enum ds13xx_chip chip, const uint8_t *regs, int64_t unix_s)
{
    struct civil_time t;
    calendar_from_unix(unix_s, &t);
    unsigned hour = regs[2] & 0x40u ? bcd(regs[2] & 0x1Fu) % 12u + (regs[2] & 0x20u ? 12u : 0u)
                                    : bcd(regs[2] & 0x3Fu);
    unsigned century = chip == DS13XX_DS3231 && (regs[5] & 0x80u) ? 100u : 0u;
    FUZZ_CHECK(t.second == bcd(regs[0] & 0x7Fu) && t.minute == bcd(regs[1]) && t.hour == hour &&
                   t.day == bcd(regs[4]) && t.month == bcd(regs[5] & 0x1Fu) &&
                   (unsigned)(t.year - 2000) == bcd(regs[6]) + century,
               "read %04ld-%02u-%02u %02u:%02u:%02u from %02x %02x %02x %02x %02x %02x %02x",
               (long)t.year, t.month, t.day, t.hour, t.minute, t.second, regs[0], regs[1], regs[2],
               regs[3], regs[4], regs[5], regs[6]);
}

static void check_format(const struct rtc_status *st)
{
    char buf[200];
    int full = rtc_format_status(st, NULL, 0);
    FUZZ_CHECK(full > 0 && (size_t)full < sizeof(buf), "status text of %d bytes", full);
    for (size_t len = 1; len <= (size_t)full + 1u; len += 7u) {
        memset(buf, 'x', sizeof(buf));
        int n = rtc_format_status(st, buf, len);
        FUZZ_CHECK(n == full, "length %d, then %d", full, n);
        FUZZ_CHECK(memchr(buf, '\0', len) != NULL, "not terminated in %zu bytes", len);
        FUZZ_CHECK(buf[len] == 'x', "written past %zu bytes", len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    uint8_t how = fuzz_u8(&in);
    enum ds13xx_chip chip = chips[how % 4u];
    memset(&bus, 0, sizeof(bus));
    bus.fail_after = (how >> 2) & 7u;
    bus.failures = (how & 0x20u) ? 1u + ((how >> 6) & 1u) : 0u;
    bus.fail_err = (how & 0x80u) ? -ETIMEDOUT : -EIO;
    const uint8_t *regs;
    size_t n = fuzz_bytes(&in, 17, &regs);
    memcpy(bus.regs, regs, n);
    int64_t set_s = (int64_t)(fuzz_u64(&in) % 8000000000ULL);

    static struct rtc rtc;
    memset(&rtc, 0, sizeof(rtc));
    const struct ds13xx_config cfg = { .bus = &bus, .addr7 = DS13XX_ADDR7, .chip = chip };
    if (ds13xx_init(&rtc, &cfg) != 0) {
        int64_t t;
        FUZZ_CHECK(rtc_read_time(&rtc, &t) == -ENODEV, "read from a chip that never answered");
        return 0;
    }

    struct rtc_status st;
    int err = rtc_read_status(&rtc, &st);
    FUZZ_CHECK(err == 0 || err == -EIO || err == -ETIMEDOUT, "status gave %d", err);
    if (err == 0) {
        check_format(&st);
    }
    int64_t slow = -1, fast = -1;
    uint8_t regs_now[REGS];
    memcpy(regs_now, bus.regs, sizeof(regs_now));
    int err_slow = rtc_read_time(&rtc, &slow);
    int err_fast = rtc_read_time_fast(&rtc, &fast);
    FUZZ_CHECK(err_slow == 0 || err_slow == -ENODATA || err_slow == -EIO || err_slow == -ETIMEDOUT,
               "read gave %d", err_slow);
    if (err_slow == 0) {
        check_time(chip, slow);
        check_fields(chip, regs_now, slow);
        FUZZ_CHECK(err != 0 || (st.is_time_valid && !st.is_halted && !st.is_osf_set),
                   "a time read while the status says it is not good");
    }
    if (err_fast == 0) {
        check_time(chip, fast);
    }
    if (err_slow == 0 && err_fast == 0) {
        FUZZ_CHECK(slow == fast, "read %lld, fast read %lld", (long long)slow, (long long)fast);
    }
    if (err == 0 && err_slow == -ENODATA) {
        FUZZ_CHECK(!st.is_time_valid || st.is_halted || st.is_osf_set,
                   "no time, yet the status says it is good");
    }

    /* Set a time: in range it reads back exactly; out of range nothing changes. */
    bus.failures = 0;
    uint8_t before[REGS];
    memcpy(before, bus.regs, sizeof(before));
    err = rtc_set_time(&rtc, set_s);
    struct civil_time t;
    calendar_from_unix(set_s, &t);
    bool is_in_range = t.year >= 2000 && t.year <= year_last_set[chip];
    if (!is_in_range) {
        FUZZ_CHECK(err == -EINVAL, "set %lld (year %ld) gave %d", (long long)set_s, (long)t.year,
                   err);
        FUZZ_CHECK(memcmp(before, bus.regs, sizeof(before)) == 0, "a refused set wrote registers");
        return 0;
    }
    FUZZ_CHECK(err == 0, "set %lld gave %d", (long long)set_s, err);
    int64_t back = -1;
    err = rtc_read_time(&rtc, &back);
    FUZZ_CHECK(err == 0 && back == set_s, "set %lld, read back %lld (%d)", (long long)set_s,
               (long long)back, err);
    FUZZ_CHECK(rtc_read_time_fast(&rtc, &back) == 0 && back == set_s, "fast read back %lld",
               (long long)back);
    FUZZ_CHECK(rtc_read_status(&rtc, &st) == 0 && st.is_time_valid && !st.is_halted &&
                   !st.is_osf_set && !st.is_eosc_set && !st.is_12h_mode,
               "flags after a set");
    (void)rtc_set_aging_offset(&rtc, (int8_t)how);
    return 0;
}
