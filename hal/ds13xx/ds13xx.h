/*
 * DS1307 / DS1338 / DS3231 I2C real-time clock driver: implements
 * hal/rtc.h ("hal/rtc.h" is what the application includes; only the board
 * includes "ds13xx/ds13xx.h", to describe and initialise the chip).
 *
 * The three chips share the time registers 00h..06h (BCD seconds, minutes,
 * hours, day, date, month, year) and differ in their flags: the DS1307 has
 * only the clock-halt bit CH, the DS1338 adds the oscillator-stop flag OSF
 * (control 07h), the DS3231 has no CH but OSF and EOSC in 0Eh/0Fh, the
 * CENTURY bit and an aging trim. A small table per chip carries the
 * differences. Relies on hal/i2c.h and lib/calendar.h.
 *
 * Time is read strictly: any register that is not what a running chip
 * could hold (bad BCD digit, field out of range, a reserved bit set,
 * 31 April, 29 February 2001) gives -ENODATA, never a time (one exception:
 * a DS1338's year as QEMU's model encodes 2100..2159, below). The DS3231
 * counts 2100 as a leap year (its leap rule ends in 2100): 29 February 2100
 * reads as -ENODATA, and the chip reads a day behind after it until set again.
 *
 * Century: the DS1307 and DS1338 have no century bit; their year register
 * rolls over from 99 to 00, so after 2099-12-31 a real chip reads
 * 2000-01-01 and rtc_read_time() returns 2000-01-01: the caller takes the
 * reading in the right century (firmware/clock: the served time's; see
 * "Century" in clock/clock.h) and writes 2000..2099 only. Their
 * leap rule (every fourth year) makes that exact: the chip's count repeats
 * every 36525 days.
 *
 * QEMU's "ds1338" device (hw/rtc/ds1338.c) differs from the chip: CH is
 * ignored and OSF is never set, the time follows the host clock from every
 * reset, and second edges stay on the host's second boundaries (a seconds
 * write restarts no divider: it stores the written time's whole-second
 * offset to the host clock, recomputed register by register). Its year
 * register is the BCD encoding of year - 2000 with no carry out of the tens
 * digit: 2099 reads 99h, 2100 reads A0h, 2159 F9h (2160 wraps to 00h); its
 * calendar is the Gregorian one (no 29 February 2100). The driver reads a
 * DS1338's year tens digit A..F as that: 2100..2159, which no real chip
 * shows; it still writes 2000..2099 only. QEMU 7.2 keeps the host offset
 * in an int: a time more than 2^31 s (68 years) from the host clock, set
 * by `-rtc base=` or by a write, wraps (`-rtc base=...,clock=vm` avoids it
 * for base=). QEMU has no DS3231. The unit tests use a model of the real
 * chips (tests/unit/fakes/ds1338_model.h).
 */
#ifndef DS13XX_DS13XX_H
#define DS13XX_DS13XX_H

#include <stdint.h>

#include "hal/rtc.h"

struct i2c_bus;

#define DS13XX_ADDR7 0x68u /* all three chips (DS1307 "Slave Address") */

enum ds13xx_chip {
    DS13XX_DS1307,
    DS13XX_DS1338,
    DS13XX_DS3231,
};

struct ds13xx_config {
    struct i2c_bus *bus;
    uint8_t addr7;
    enum ds13xx_chip chip;
};

struct ds13xx_ops;

/* The driver's state; hal/rtc.h calls it struct rtc. Zero it (static) before init. */
struct rtc {
    const struct ds13xx_config *cfg;
    const struct ds13xx_ops *ops; /* NULL until ds13xx_init succeeded */
};

/*
 * Binds rtc to the chip described by cfg (kept by pointer: it must
 * outlive rtc) and probes it with a one-register read. Changes nothing on
 * the chip. Returns 0, -EINVAL (bad cfg), -EIO (no acknowledge),
 * -ETIMEDOUT (bus).
 */
int ds13xx_init(struct rtc *rtc, const struct ds13xx_config *cfg);

#endif /* DS13XX_DS13XX_H */
