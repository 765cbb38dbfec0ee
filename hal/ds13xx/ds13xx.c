/*
 * DS1307 / DS1338 / DS3231 driver behind hal/rtc.h (see ds13xx.h).
 *
 * Register layout from the datasheets: DS1307 "Table 2. Timekeeper
 * Registers" and "Control Register"; DS1338 "Timekeeper Registers" table and
 * "Control Register (07h)"; DS3231 "Figure 1. Timekeeping Registers",
 * "Control Register (0Eh)", "Status Register (0Fh)", "Aging Offset (10h)".
 * The chips copy the time registers to a secondary buffer at each START, so
 * one burst read is a consistent snapshot; every read here is one burst.
 */
#include "ds13xx/ds13xx.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hal/i2c.h"
#include "lib/calendar.h"

/* Time registers, common to the three chips. */
#define REG_SECONDS 0x00u
#define REG_MINUTES 0x01u
#define REG_HOURS   0x02u
#define REG_DAY     0x03u
#define REG_DATE    0x04u
#define REG_MONTH   0x05u
#define REG_YEAR    0x06u
#define TIME_REGS   7u

#define SECONDS_CH    0x80u /* DS1307/DS1338: clock halt */
#define HOURS_12_24   0x40u /* 1: 12-hour mode */
#define HOURS_PM      0x20u /* 12-hour mode: PM; 24-hour mode: 20-hour digit */
#define MONTH_CENTURY 0x80u /* DS3231 */

/*
 * Bits that read 0 on every chip. Minutes, date, month and year need no
 * mask: a reserved bit set there makes the BCD value exceed the field's
 * range. Hours and day are decoded from part of the register, so their
 * reserved bits are checked on their own.
 */
#define HOURS_ZERO 0x80u
#define DAY_ZERO   0xF8u

/* DS1338 control register 07h: OUT . OSF SQWE . . RS1 RS0 */
#define DS1338_REG_CONTROL 0x07u
#define DS1338_OSF         0x20u

/* DS3231 control 0Eh: EOSC BBSQW CONV RS2 RS1 INTCN A2IE A1IE */
#define DS3231_REG_CONTROL 0x0Eu
#define DS3231_EOSC        0x80u
#define DS3231_CONV        0x20u
/* DS3231 status 0Fh: OSF 0 0 0 EN32kHz BSY A2F A1F */
#define DS3231_REG_STATUS 0x0Fu
#define DS3231_OSF        0x80u
#define DS3231_BSY        0x04u
#define DS3231_REG_AGING  0x10u

#define YEAR_MIN        2000
#define SECONDS_PER_DAY 86400

/* The longest snapshot: DS3231 00h..10h. */
#define FULL_READ_MAX 17u

struct ds13xx_ops {
    const char *name;
    int32_t year_max;      /* last year rtc_set_time writes */
    uint8_t year_tens_max; /* highest tens digit the year register may read */
    uint8_t full_read_len; /* registers from 00h: time and every flag */
    bool has_ch;           /* seconds bit 7 is CH */
    bool has_century;      /* month bit 7 is CENTURY */
    /* Fills the chip-specific fields of *st from the snapshot. */
    void (*decode_flags)(const uint8_t *regs, struct rtc_status *st);
    /* After a set: clears OSF (and EOSC). Returns 0 or a negative errno. */
    int (*clear_flags)(struct rtc *rtc);
    /* Writes the aging offset. Returns 0, -ENOTSUP or a negative errno. */
    int (*set_aging)(struct rtc *rtc, int8_t offset_lsb);
};

static int read_regs(const struct rtc *rtc, uint8_t first, uint8_t *buf, size_t len)
{
    return i2c_write_read(rtc->cfg->bus, rtc->cfg->addr7, &first, 1, buf, len);
}

static int write_regs(const struct rtc *rtc, uint8_t first, const uint8_t *val, size_t len)
{
    uint8_t frame[1 + TIME_REGS];
    if (len > TIME_REGS) {
        return -EINVAL;
    }
    frame[0] = first;
    memcpy(&frame[1], val, len);
    return i2c_write(rtc->cfg->bus, rtc->cfg->addr7, frame, 1 + len);
}

/* ------------------------------------------------------------ per chip -- */

static void ds1307_decode_flags(const uint8_t *regs, struct rtc_status *st)
{
    (void)regs;
    st->has_osf = false;
}

static int no_flags(struct rtc *rtc)
{
    (void)rtc;
    return 0;
}

static int no_aging(struct rtc *rtc, int8_t offset_lsb)
{
    (void)rtc;
    (void)offset_lsb;
    return -ENOTSUP;
}

static void ds1338_decode_flags(const uint8_t *regs, struct rtc_status *st)
{
    st->has_osf = true;
    st->is_osf_set = (regs[DS1338_REG_CONTROL] & DS1338_OSF) != 0;
}

static int ds1338_clear_flags(struct rtc *rtc)
{
    uint8_t control;
    int err = read_regs(rtc, DS1338_REG_CONTROL, &control, 1);
    if (err != 0 || (control & DS1338_OSF) == 0) {
        return err;
    }
    control &= (uint8_t)~DS1338_OSF; /* OUT, SQWE, RS1, RS0 as they were */
    return write_regs(rtc, DS1338_REG_CONTROL, &control, 1);
}

static void ds3231_decode_flags(const uint8_t *regs, struct rtc_status *st)
{
    st->has_osf = true;
    st->is_osf_set = (regs[DS3231_REG_STATUS] & DS3231_OSF) != 0;
    st->is_eosc_set = (regs[DS3231_REG_CONTROL] & DS3231_EOSC) != 0;
    st->has_aging = true;
    st->aging_offset_lsb = (int8_t)regs[DS3231_REG_AGING];
}

static int ds3231_clear_flags(struct rtc *rtc)
{
    uint8_t cs[2]; /* control 0Eh, status 0Fh */
    int err = read_regs(rtc, DS3231_REG_CONTROL, cs, sizeof(cs));
    if (err != 0 || ((cs[0] & DS3231_EOSC) == 0 && (cs[1] & DS3231_OSF) == 0)) {
        return err;
    }
    /*
     * EOSC=0 keeps the oscillator running on battery. CONV is written 0 so
     * this write starts no conversion; A1F/A2F are written back as read
     * (writing 1 leaves them unchanged); BSY is read-only.
     */
    cs[0] &= (uint8_t) ~(DS3231_EOSC | DS3231_CONV);
    cs[1] &= (uint8_t)~DS3231_OSF;
    return write_regs(rtc, DS3231_REG_CONTROL, cs, sizeof(cs));
}

static int ds3231_set_aging(struct rtc *rtc, int8_t offset_lsb)
{
    uint8_t aging = (uint8_t)offset_lsb;
    int err = write_regs(rtc, DS3231_REG_AGING, &aging, 1);
    if (err != 0) {
        return err;
    }
    /*
     * The new value is applied at the next temperature conversion (every
     * 64 s); start one now unless one is already running (BSY).
     */
    uint8_t cs[2];
    err = read_regs(rtc, DS3231_REG_CONTROL, cs, sizeof(cs));
    if (err != 0 || (cs[1] & DS3231_BSY) != 0) {
        return err;
    }
    cs[0] |= DS3231_CONV;
    return write_regs(rtc, DS3231_REG_CONTROL, cs, 1);
}

static const struct ds13xx_ops chip_ops[] = {
    [DS13XX_DS1307] = {
        .name = "DS1307", .year_max = 2099, .year_tens_max = 9, .full_read_len = TIME_REGS,
        .has_ch = true, .has_century = false,
        .decode_flags = ds1307_decode_flags, .clear_flags = no_flags,
        .set_aging = no_aging,
    },
    [DS13XX_DS1338] = {
        /* QEMU's ds1338 reads 2100..2159 as A0h..F9h (see ds13xx.h). */
        .name = "DS1338", .year_max = 2099, .year_tens_max = 15,
        .full_read_len = DS1338_REG_CONTROL + 1,
        .has_ch = true, .has_century = false,
        .decode_flags = ds1338_decode_flags, .clear_flags = ds1338_clear_flags,
        .set_aging = no_aging,
    },
    [DS13XX_DS3231] = {
        .name = "DS3231", .year_max = 2199, .year_tens_max = 9,
        .full_read_len = DS3231_REG_AGING + 1,
        .has_ch = false, .has_century = true,
        .decode_flags = ds3231_decode_flags, .clear_flags = ds3231_clear_flags,
        .set_aging = ds3231_set_aging,
    },
};
_Static_assert(DS3231_REG_AGING + 1 <= FULL_READ_MAX, "snapshot buffer too small");

/* ------------------------------------------------------------- common -- */

/* Returns the value of a BCD byte, or -1 if either digit is above 9. */
static int from_bcd(uint8_t b)
{
    if ((b & 0x0Fu) > 9u || (b >> 4) > 9u) {
        return -1;
    }
    return (int)(b >> 4) * 10 + (int)(b & 0x0Fu);
}

static uint8_t to_bcd(unsigned v)
{
    return (uint8_t)(((v / 10u) << 4) | (v % 10u));
}

/*
 * Returns true if the year register holds 00..99 in BCD, or, on a chip
 * read through QEMU's ds1338 model, 100..159 with a tens digit of A..F
 * (the model writes its two-digit year as tens * 16 + units of year - 2000).
 */
static bool year_in(const struct ds13xx_ops *ops, uint8_t b, int *v)
{
    unsigned tens = b >> 4, units = b & 0x0Fu;

    *v = (int)(tens * 10u + units);
    return units <= 9u && tens <= ops->year_tens_max;
}

/* Returns true if v is a BCD value within lo..hi. */
static bool bcd_in(uint8_t b, int lo, int hi, int *v)
{
    *v = from_bcd(b);
    return *v >= lo && *v <= hi;
}

/*
 * Decodes the seven time registers into *t, checking every digit, range
 * and reserved bit, and the date against its month and year. CH is not
 * looked at here. Returns 0 or -ENODATA.
 */
static int decode_time(const struct ds13xx_ops *ops, const uint8_t *r, struct civil_time *t,
                       bool *is_12h)
{
    int sec, min, hour, date, month, year2;
    uint8_t seconds = r[REG_SECONDS];
    uint8_t month_reg = r[REG_MONTH];
    bool is_century = false;

    if (ops->has_ch) {
        seconds &= (uint8_t)~SECONDS_CH;
    }
    if (ops->has_century) {
        is_century = (month_reg & MONTH_CENTURY) != 0;
        month_reg &= (uint8_t)~MONTH_CENTURY;
    }
    if (!bcd_in(seconds, 0, 59, &sec) || !bcd_in(r[REG_MINUTES], 0, 59, &min) ||
        (r[REG_HOURS] & HOURS_ZERO) || (r[REG_DAY] & DAY_ZERO) || r[REG_DAY] < 1 ||
        !bcd_in(r[REG_DATE], 1, 31, &date) || !bcd_in(month_reg, 1, 12, &month) ||
        !year_in(ops, r[REG_YEAR], &year2)) {
        return -ENODATA;
    }
    *is_12h = (r[REG_HOURS] & HOURS_12_24) != 0;
    if (*is_12h) {
        /* 1..12 with a PM bit: 12 AM is midnight, 12 PM is noon. */
        int h12;
        if (!bcd_in(r[REG_HOURS] & 0x1Fu, 1, 12, &h12)) {
            return -ENODATA;
        }
        hour = h12 % 12 + ((r[REG_HOURS] & HOURS_PM) ? 12 : 0);
    } else if (!bcd_in(r[REG_HOURS] & 0x3Fu, 0, 23, &hour)) {
        return -ENODATA;
    }
    *t = (struct civil_time){
        .year = YEAR_MIN + year2 + (is_century ? 100 : 0),
        .month = (uint8_t)month,
        .day = (uint8_t)date,
        .hour = (uint8_t)hour,
        .minute = (uint8_t)min,
        .second = (uint8_t)sec,
    };
    if (calendar_validate(t) != 0) {
        return -ENODATA;
    }
    return 0;
}

static bool is_halted(const struct ds13xx_ops *ops, const uint8_t *r)
{
    return ops->has_ch && (r[REG_SECONDS] & SECONDS_CH) != 0;
}

/* Reads the whole snapshot and fills *st. Returns 0, -EIO, -ETIMEDOUT, -ENODEV. */
static int read_snapshot(struct rtc *rtc, struct rtc_status *st, struct civil_time *t)
{
    uint8_t regs[FULL_READ_MAX];
    if (rtc == NULL || rtc->ops == NULL) {
        return -ENODEV;
    }
    const struct ds13xx_ops *ops = rtc->ops;
    int err = read_regs(rtc, REG_SECONDS, regs, ops->full_read_len);
    if (err != 0) {
        return err;
    }
    memset(st, 0, sizeof(*st));
    st->chip_name = ops->name;
    st->is_halted = is_halted(ops, regs);
    ops->decode_flags(regs, st);
    st->is_time_valid = decode_time(ops, regs, t, &st->is_12h_mode) == 0;
    return 0;
}

int ds13xx_init(struct rtc *rtc, const struct ds13xx_config *cfg)
{
    if (rtc == NULL || cfg == NULL || cfg->bus == NULL || cfg->addr7 > 0x7Fu ||
        (unsigned)cfg->chip >= sizeof(chip_ops) / sizeof(chip_ops[0])) {
        return -EINVAL;
    }
    rtc->cfg = cfg;
    rtc->ops = NULL;
    uint8_t seconds;
    int err = read_regs(rtc, REG_SECONDS, &seconds, 1);
    if (err != 0) {
        return err;
    }
    rtc->ops = &chip_ops[cfg->chip];
    return 0;
}

int rtc_read_time(struct rtc *rtc, int64_t *unix_s)
{
    struct rtc_status st;
    struct civil_time t;
    int err = read_snapshot(rtc, &st, &t);
    if (err != 0) {
        return err;
    }
    if (st.is_halted || st.is_osf_set || !st.is_time_valid) {
        return -ENODATA;
    }
    *unix_s = calendar_to_unix(&t);
    return 0;
}

int rtc_read_time_fast(struct rtc *rtc, int64_t *unix_s)
{
    uint8_t regs[TIME_REGS];
    struct civil_time t;
    bool is_12h;
    if (rtc == NULL || rtc->ops == NULL) {
        return -ENODEV;
    }
    int err = read_regs(rtc, REG_SECONDS, regs, sizeof(regs));
    if (err != 0) {
        return err;
    }
    if (is_halted(rtc->ops, regs) || decode_time(rtc->ops, regs, &t, &is_12h) != 0) {
        return -ENODATA;
    }
    *unix_s = calendar_to_unix(&t);
    return 0;
}

int rtc_set_time(struct rtc *rtc, int64_t unix_s)
{
    if (rtc == NULL || rtc->ops == NULL) {
        return -ENODEV;
    }
    const struct ds13xx_ops *ops = rtc->ops;
    int64_t min_s = calendar_days_from_civil(YEAR_MIN, 1, 1) * SECONDS_PER_DAY;
    int64_t end_s = calendar_days_from_civil(ops->year_max + 1, 1, 1) * SECONDS_PER_DAY;
    if (unix_s < min_s || unix_s >= end_s) {
        return -EINVAL;
    }
    struct civil_time t;
    calendar_from_unix(unix_s, &t);
    /* Day of week 1..7 is the user's convention: ISO, 1 = Monday. 1970-01-01 was a Thursday. */
    int64_t days = unix_s / SECONDS_PER_DAY;
    uint8_t regs[TIME_REGS] = {
        [REG_SECONDS] = to_bcd(t.second), /* CH = 0: running */
        [REG_MINUTES] = to_bcd(t.minute),
        [REG_HOURS] = to_bcd(t.hour), /* 12/24 = 0: 24-hour */
        [REG_DAY] = (uint8_t)((days + 3) % 7 + 1),
        [REG_DATE] = to_bcd(t.day),
        [REG_MONTH] = (uint8_t)(to_bcd(t.month) | (t.year >= YEAR_MIN + 100 ? MONTH_CENTURY : 0)),
        [REG_YEAR] = to_bcd((unsigned)(t.year % 100)),
    };
    int err = write_regs(rtc, REG_SECONDS, regs, sizeof(regs));
    if (err != 0) {
        return err;
    }
    return ops->clear_flags(rtc);
}

int rtc_read_status(struct rtc *rtc, struct rtc_status *status)
{
    struct civil_time t;
    return read_snapshot(rtc, status, &t);
}

int rtc_set_aging_offset(struct rtc *rtc, int8_t offset_lsb)
{
    if (rtc == NULL || rtc->ops == NULL) {
        return -ENODEV;
    }
    return rtc->ops->set_aging(rtc, offset_lsb);
}

int rtc_format_status(const struct rtc_status *status, char *buf, size_t len)
{
    if (status == NULL || (buf == NULL && len > 0)) {
        return -EINVAL;
    }
    const char *state;
    if (status->is_halted) {
        state = "clock halted (CH): time invalid until set";
    } else if (status->is_osf_set) {
        state = "oscillator stopped since last set (OSF): time invalid until set";
    } else if (!status->is_time_valid) {
        state = "registers invalid: time invalid until set";
    } else {
        state = "oscillator running";
    }
    char aging[32] = "";
    if (status->has_aging && status->aging_offset_lsb != 0) {
        snprintf(aging, sizeof(aging), ", aging offset %d", status->aging_offset_lsb);
    }
    int n =
        snprintf(buf, len, "%s, %s%s%s%s", status->chip_name != NULL ? status->chip_name : "RTC",
                 state, status->is_eosc_set ? ", EOSC set: oscillator stops on battery" : "",
                 status->is_12h_mode ? ", 12-hour mode" : "", aging);
    return n < 0 ? -EINVAL : n;
}
