/*
 * Model of the DS1307 / DS1338 / DS3231 real-time clocks as I2C targets,
 * for host tests of hal/ds13xx (attach with i2c_fake_attach and
 * ds1338_model_ops).
 *
 * What it models, from the datasheets (DS1307 Table 2, the DS1338
 * timekeeper register table, DS3231 Figure 1 "Timekeeping Registers"):
 *  - the register file and its pointer: the first byte of a write sets the
 *    pointer, every byte read or written advances it, and it wraps to 00h
 *    after 3Fh (DS1307/DS1338: 8 registers + 56 bytes RAM) or after 12h
 *    (DS3231);
 *  - the secondary buffer: the time registers are copied at every START, so
 *    one burst read is a consistent snapshot while the clock runs on;
 *  - time that advances with simulated time, in BCD, carrying seconds to
 *    years the way the chips count: 12- or 24-hour mode as the hours
 *    register says, the chips' leap rule (every year divisible by 4, so the
 *    DS3231 counts 2100-02-29), the DS3231 CENTURY bit toggling at 99->00;
 *  - the divider restart: writing the seconds register resets the
 *    countdown chain, so the next tick comes a full second later;
 *  - CH (DS1307/DS1338 seconds bit 7) stops the oscillator; on a DS1338
 *    stopping it sets OSF (control 07h bit 5); on a DS3231, EOSC (control
 *    0Eh bit 7) stops it only while on battery, setting OSF (status 0Fh
 *    bit 7); OSF and the DS3231 alarm flags can only be written to 0;
 *  - power-on states: DS1307 halted (CH=1) at 2000-01-01; DS1338 and
 *    DS3231 running with OSF=1 (the "first time power is applied" case).
 * Simplifications: the registers count only while they hold valid BCD
 * (garbage poked in stays put, which is all the driver tests need); DS3231
 * alarms and the temperature sensor are not modelled (temperature reads a
 * fixed 25.00 C; CONV sets BSY for a fixed conversion time).
 */
#ifndef TESTS_FAKES_DS1338_MODEL_H
#define TESTS_FAKES_DS1338_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "i2c_target.h"

enum ds1338_model_chip {
    DS1338_MODEL_DS1307,
    DS1338_MODEL_DS1338,
    DS1338_MODEL_DS3231,
};

#define DS1338_MODEL_REGS_MAX  64u     /* DS1307/DS1338: 00h..3Fh */
#define DS1338_MODEL_TIME_REGS 7u      /* 00h..06h, seconds to year */
#define DS1338_MODEL_CONV_US   200000u /* DS3231 tCONV, 200 ms max */

struct ds1338_model {
    enum ds1338_model_chip chip;
    uint8_t n_regs;                           /* 64, or 19 on the DS3231 */
    uint8_t regs[DS1338_MODEL_REGS_MAX];      /* the live registers */
    uint8_t snapshot[DS1338_MODEL_TIME_REGS]; /* secondary buffer, copied at START */
    uint8_t ptr;                              /* register pointer */
    bool is_pointer_next;                     /* next written byte sets ptr */
    bool is_on_battery;                       /* VCC absent, running from VBAT */
    uint64_t divider_us;                      /* time since the last 1 Hz tick */
    uint64_t conv_left_us;                    /* DS3231 conversion in progress */
    unsigned n_divider_resets;                /* seconds-register writes seen */
};

/* The target operations to pass to i2c_fake_attach with the model as ctx. */
extern const struct i2c_fake_target_ops ds1338_model_ops;

/* First power-up of a chip (the power-on state described above). */
void ds1338_model_init(struct ds1338_model *m, enum ds1338_model_chip chip);

/*
 * Loads a running, valid 24-hour time with every flag clear (CH=0, OSF=0),
 * as if set long ago by some driver. year 2000..2099 (..2199 on DS3231),
 * dow 1..7. The divider is restarted.
 */
void ds1338_model_set_time(struct ds1338_model *m, int year, int month, int day, int hour,
                           int minute, int second, int dow);

/* Back door: writes a register as is, with no masking or side effect. */
void ds1338_model_poke(struct ds1338_model *m, uint8_t reg, uint8_t value);

/* Back door: returns a live register. */
uint8_t ds1338_model_peek(const struct ds1338_model *m, uint8_t reg);

/*
 * The oscillator stops for a while (crystal fault, dead battery): time does
 * not advance; OSF is set on the chips that have it.
 */
void ds1338_model_stop_oscillator(struct ds1338_model *m);

/* VCC goes away (is_on_battery) or comes back; matters for DS3231 EOSC. */
void ds1338_model_set_on_battery(struct ds1338_model *m, bool is_on_battery);

/* Advances simulated time (also reachable through i2c_fake_advance_us). */
void ds1338_model_advance_us(struct ds1338_model *m, uint64_t us);

/* Returns true if the oscillator is running (CH, EOSC and battery considered). */
bool ds1338_model_is_running(const struct ds1338_model *m);

#endif /* TESTS_FAKES_DS1338_MODEL_H */
