/*
 * DS1307 / DS1338 / DS3231 register-file model answering I2C transactions
 * (see ds1338_model.h for what is modelled and what is not).
 */
#include "ds1338_model.h"

#include <string.h>

/* Register addresses and bits, as the datasheets name them. */
#define REG_SECONDS         0x00u
#define REG_MINUTES         0x01u
#define REG_HOURS           0x02u
#define REG_DAY             0x03u
#define REG_DATE            0x04u
#define REG_MONTH           0x05u
#define REG_YEAR            0x06u
#define REG_CONTROL_07      0x07u /* DS1307/DS1338 control */
#define DS3231_REG_CONTROL  0x0Eu
#define DS3231_REG_STATUS   0x0Fu
#define DS3231_REG_AGING    0x10u
#define DS3231_REG_TEMP_MSB 0x11u
#define DS3231_REG_TEMP_LSB 0x12u
#define DS3231_N_REGS       0x13u

#define SECONDS_CH     0x80u
#define HOURS_12       0x40u /* the 12/24 bit: 1 selects 12-hour mode */
#define HOURS_PM       0x20u
#define MONTH_CENTURY  0x80u
#define DS1338_OSF     0x20u /* control 07h bit 5 */
#define DS3231_EOSC    0x80u /* control 0Eh bit 7 */
#define DS3231_CONV    0x20u /* control 0Eh bit 5 */
#define DS3231_OSF     0x80u /* status 0Fh bit 7 */
#define DS3231_EN32KHZ 0x08u
#define DS3231_BSY     0x04u
#define DS3231_A2F     0x02u
#define DS3231_A1F     0x01u

#define US_PER_S 1000000u

static bool is_ds3231(const struct ds1338_model *m)
{
    return m->chip == DS1338_MODEL_DS3231;
}

static uint8_t to_bcd(int v)
{
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* Returns the value of a BCD byte, or -1 if a digit is above 9. */
static int from_bcd(uint8_t b)
{
    if ((b & 0x0Fu) > 9u || (b >> 4) > 9u) {
        return -1;
    }
    return (b >> 4) * 10 + (b & 0x0Fu);
}

bool ds1338_model_is_running(const struct ds1338_model *m)
{
    if (is_ds3231(m)) {
        return !((m->regs[DS3231_REG_CONTROL] & DS3231_EOSC) && m->is_on_battery);
    }
    return (m->regs[REG_SECONDS] & SECONDS_CH) == 0;
}

static void set_osf(struct ds1338_model *m)
{
    if (m->chip == DS1338_MODEL_DS1338) {
        m->regs[REG_CONTROL_07] |= DS1338_OSF;
    } else if (is_ds3231(m)) {
        m->regs[DS3231_REG_STATUS] |= DS3231_OSF;
    }
}

static void take_snapshot(struct ds1338_model *m)
{
    memcpy(m->snapshot, m->regs, DS1338_MODEL_TIME_REGS);
}

void ds1338_model_init(struct ds1338_model *m, enum ds1338_model_chip chip)
{
    memset(m, 0, sizeof(*m));
    m->chip = chip;
    m->n_regs = chip == DS1338_MODEL_DS3231 ? DS3231_N_REGS : DS1338_MODEL_REGS_MAX;
    /* 01/01/00 01 00:00:00, the documented power-on time. */
    m->regs[REG_DAY] = 0x01;
    m->regs[REG_DATE] = 0x01;
    m->regs[REG_MONTH] = 0x01;
    switch (chip) {
    case DS1338_MODEL_DS1307:
        m->regs[REG_SECONDS] = SECONDS_CH;
        m->regs[REG_CONTROL_07] = 0x03; /* OUT=0 SQWE=0 RS1=1 RS0=1 */
        break;
    case DS1338_MODEL_DS1338:
        m->regs[REG_CONTROL_07] = 0xB3; /* OUT OSF SQWE RS1 RS0 all 1 */
        break;
    case DS1338_MODEL_DS3231:
        m->regs[DS3231_REG_CONTROL] = 0x1C; /* RS2 RS1 INTCN */
        m->regs[DS3231_REG_STATUS] = DS3231_OSF | DS3231_EN32KHZ;
        m->regs[DS3231_REG_TEMP_MSB] = 25;
        break;
    }
    take_snapshot(m);
}

void ds1338_model_set_time(struct ds1338_model *m, int year, int month, int day, int hour,
                           int minute, int second, int dow)
{
    m->regs[REG_SECONDS] = to_bcd(second);
    m->regs[REG_MINUTES] = to_bcd(minute);
    m->regs[REG_HOURS] = to_bcd(hour);
    m->regs[REG_DAY] = (uint8_t)dow;
    m->regs[REG_DATE] = to_bcd(day);
    m->regs[REG_MONTH] = to_bcd(month);
    if (year >= 2100) {
        m->regs[REG_MONTH] |= MONTH_CENTURY;
    }
    m->regs[REG_YEAR] = to_bcd(year % 100);
    if (m->chip == DS1338_MODEL_DS1338) {
        m->regs[REG_CONTROL_07] &= (uint8_t)~DS1338_OSF;
    } else if (is_ds3231(m)) {
        m->regs[DS3231_REG_STATUS] &= (uint8_t)~DS3231_OSF;
        m->regs[DS3231_REG_CONTROL] &= (uint8_t)~DS3231_EOSC;
    }
    m->divider_us = 0;
    take_snapshot(m);
}

void ds1338_model_poke(struct ds1338_model *m, uint8_t reg, uint8_t value)
{
    m->regs[reg % m->n_regs] = value;
    take_snapshot(m);
}

uint8_t ds1338_model_peek(const struct ds1338_model *m, uint8_t reg)
{
    return m->regs[reg % m->n_regs];
}

void ds1338_model_stop_oscillator(struct ds1338_model *m)
{
    set_osf(m);
}

void ds1338_model_set_on_battery(struct ds1338_model *m, bool is_on_battery)
{
    bool was_running = ds1338_model_is_running(m);
    m->is_on_battery = is_on_battery;
    if (was_running && !ds1338_model_is_running(m)) {
        set_osf(m);
    }
}

/* The chips' month lengths: every year divisible by 4 is a leap year. */
static int chip_days_in_month(int month, int year2)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && year2 % 4 == 0) {
        return 29;
    }
    return days[month - 1];
}

/* One 1 Hz tick: count the registers up as the chip does. */
static void tick(struct ds1338_model *m)
{
    uint8_t *r = m->regs;
    int sec = from_bcd(r[REG_SECONDS] & 0x7Fu);
    int min = from_bcd(r[REG_MINUTES] & 0x7Fu);
    bool is_12h = (r[REG_HOURS] & HOURS_12) != 0;
    int hour;
    if (is_12h) {
        int h12 = from_bcd(r[REG_HOURS] & 0x1Fu);
        if (h12 < 1 || h12 > 12) {
            return;
        }
        hour = h12 % 12 + ((r[REG_HOURS] & HOURS_PM) ? 12 : 0);
    } else {
        hour = from_bcd(r[REG_HOURS] & 0x3Fu);
    }
    int dow = r[REG_DAY] & 0x07;
    int date = from_bcd(r[REG_DATE] & 0x3Fu);
    int month = from_bcd(r[REG_MONTH] & 0x1Fu);
    int year2 = from_bcd(r[REG_YEAR]);
    if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 || hour > 23 || month < 1 ||
        month > 12 || year2 < 0 || date < 1 || date > chip_days_in_month(month, year2)) {
        return; /* garbage does not count (model simplification) */
    }
    uint8_t century = r[REG_MONTH] & MONTH_CENTURY;
    if (++sec == 60) {
        sec = 0;
        if (++min == 60) {
            min = 0;
            if (++hour == 24) {
                hour = 0;
                dow = dow % 7 + 1;
                if (++date > chip_days_in_month(month, year2)) {
                    date = 1;
                    if (++month == 13) {
                        month = 1;
                        if (++year2 == 100) {
                            year2 = 0;
                            if (is_ds3231(m)) {
                                century ^= MONTH_CENTURY;
                            }
                        }
                    }
                }
            }
        }
    }
    r[REG_SECONDS] = (uint8_t)((r[REG_SECONDS] & SECONDS_CH) | to_bcd(sec));
    r[REG_MINUTES] = to_bcd(min);
    if (is_12h) {
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        r[REG_HOURS] = (uint8_t)(HOURS_12 | (hour >= 12 ? HOURS_PM : 0) | to_bcd(h12));
    } else {
        r[REG_HOURS] = to_bcd(hour);
    }
    r[REG_DAY] = (uint8_t)dow;
    r[REG_DATE] = to_bcd(date);
    r[REG_MONTH] = (uint8_t)(century | to_bcd(month));
    r[REG_YEAR] = to_bcd(year2);
}

void ds1338_model_advance_us(struct ds1338_model *m, uint64_t us)
{
    if (m->conv_left_us > 0) {
        if (us >= m->conv_left_us) {
            m->conv_left_us = 0;
            m->regs[DS3231_REG_STATUS] &= (uint8_t)~DS3231_BSY;
            m->regs[DS3231_REG_CONTROL] &= (uint8_t)~DS3231_CONV;
        } else {
            m->conv_left_us -= us;
        }
    }
    if (!ds1338_model_is_running(m)) {
        return;
    }
    m->divider_us += us;
    while (m->divider_us >= US_PER_S) {
        m->divider_us -= US_PER_S;
        tick(m);
    }
}

/* A register write over I2C, with each register's writable bits. */
static void write_reg(struct ds1338_model *m, uint8_t reg, uint8_t v)
{
    uint8_t *r = m->regs;
    bool was_running = ds1338_model_is_running(m);
    switch (reg) {
    case REG_SECONDS:
        r[reg] = is_ds3231(m) ? (v & 0x7Fu) : v;
        /* Writing seconds resets the countdown chain. */
        m->divider_us = 0;
        m->n_divider_resets++;
        break;
    case REG_MINUTES:
    case REG_HOURS: r[reg] = v & 0x7Fu; break;
    case REG_DAY: r[reg] = v & 0x07u; break;
    case REG_DATE: r[reg] = v & 0x3Fu; break;
    case REG_MONTH: r[reg] = v & (is_ds3231(m) ? 0x9Fu : 0x1Fu); break;
    case REG_YEAR: r[reg] = v; break;
    default:
        if (!is_ds3231(m)) {
            if (reg == REG_CONTROL_07 && m->chip == DS1338_MODEL_DS1338) {
                /* OSF can only be written to 0; bits 6, 3, 2 read 0. */
                r[reg] = (uint8_t)((v & 0x93u) | (v & r[reg] & DS1338_OSF));
            } else if (reg == REG_CONTROL_07) {
                r[reg] = v & 0x93u; /* OUT SQWE RS1 RS0 */
            } else {
                r[reg] = v; /* RAM */
            }
        } else if (reg == DS3231_REG_CONTROL) {
            uint8_t conv = v & DS3231_CONV;
            if (conv && !(r[DS3231_REG_STATUS] & DS3231_BSY)) {
                r[DS3231_REG_STATUS] |= DS3231_BSY;
                m->conv_left_us = DS1338_MODEL_CONV_US;
            }
            r[reg] = (uint8_t)((v & (uint8_t)~DS3231_CONV) | conv | (r[reg] & DS3231_CONV));
        } else if (reg == DS3231_REG_STATUS) {
            uint8_t zero_only = DS3231_OSF | DS3231_A2F | DS3231_A1F;
            r[reg] =
                (uint8_t)((v & r[reg] & zero_only) | (v & DS3231_EN32KHZ) | (r[reg] & DS3231_BSY));
        } else if (reg == DS3231_REG_TEMP_MSB || reg == DS3231_REG_TEMP_LSB) {
            /* read-only */
        } else {
            r[reg] = v; /* alarms, aging offset */
        }
        break;
    }
    if (was_running && !ds1338_model_is_running(m)) {
        set_osf(m);
    }
}

static void advance_ptr(struct ds1338_model *m)
{
    m->ptr = (uint8_t)((m->ptr + 1u) % m->n_regs);
    if (m->ptr == 0) {
        take_snapshot(m); /* the time is copied again at the roll-over */
    }
}

static bool op_start(void *ctx, bool is_read)
{
    struct ds1338_model *m = ctx;
    take_snapshot(m);
    m->is_pointer_next = !is_read;
    return true;
}

static bool op_send(void *ctx, uint8_t byte)
{
    struct ds1338_model *m = ctx;
    if (m->is_pointer_next) {
        m->ptr = (uint8_t)(byte % m->n_regs);
        m->is_pointer_next = false;
        return true;
    }
    write_reg(m, m->ptr, byte);
    advance_ptr(m);
    return true;
}

static uint8_t op_recv(void *ctx)
{
    struct ds1338_model *m = ctx;
    uint8_t v = m->ptr < DS1338_MODEL_TIME_REGS ? m->snapshot[m->ptr] : m->regs[m->ptr];
    advance_ptr(m);
    return v;
}

static void op_stop(void *ctx)
{
    struct ds1338_model *m = ctx;
    m->is_pointer_next = false;
}

static void op_advance_us(void *ctx, uint64_t us)
{
    ds1338_model_advance_us(ctx, us);
}

const struct i2c_fake_target_ops ds1338_model_ops = {
    .start = op_start,
    .send = op_send,
    .recv = op_recv,
    .stop = op_stop,
    .advance_us = op_advance_us,
};
