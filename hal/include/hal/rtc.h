/*
 * Battery-backed real-time clock, as the application sees it: whole UTC
 * seconds since 1970, whether they can be trusted, and the chip's health.
 *
 * Firmware includes "hal/rtc.h" only. struct rtc is opaque here; the driver
 * linked into the image defines it (hal/ds13xx: DS1307, DS1338, DS3231) and
 * the board initialises it (ds13xx_init) and hands out the pointer.
 *
 * Every call is a bounded I2C transfer: a missing chip or a stuck bus ends
 * in -EIO or -ETIMEDOUT, never a hang. Main-loop context only.
 */
#ifndef HAL_RTC_H
#define HAL_RTC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rtc;

struct rtc_status {
    const char *chip_name;   /* "DS1338" */
    bool has_osf;            /* the chip has an oscillator-stop flag */
    bool is_osf_set;         /* the oscillator stopped since the last set */
    bool is_halted;          /* clock halted (CH=1): not counting */
    bool is_eosc_set;        /* DS3231: oscillator stops when on battery */
    bool is_time_valid;      /* the time registers decode into a valid time */
    bool is_12h_mode;        /* the chip counts in 12-hour mode (read fine) */
    bool has_aging;          /* the chip has an aging offset trim (DS3231) */
    int8_t aging_offset_lsb; /* its value, about 0.1 ppm per LSB */
};

/*
 * Reads the time and every flag that says whether it can be trusted, as
 * one consistent snapshot. Returns 0 and *unix_s; -ENODATA if the time is
 * not to be trusted (clock halted, oscillator stopped since the last set,
 * a register that is not valid BCD or out of range, a date that does not
 * exist, a year outside the chip's range); -EIO (no acknowledge),
 * -ETIMEDOUT (bus), -ENODEV (not initialised).
 */
int rtc_read_time(struct rtc *rtc, int64_t *unix_s);

/*
 * Fast path for finding the second edge: one I2C write_read of the seven
 * time registers, decoded and validated exactly as rtc_read_time does,
 * including the clock-halt bit. It does not read the oscillator-stop flags
 * that live outside those registers (DS1338 07h, DS3231 0Fh): call
 * rtc_read_time once before a run of fast reads.
 * Returns 0 and *unix_s, -ENODATA, -EIO, -ETIMEDOUT, -ENODEV.
 */
int rtc_read_time_fast(struct rtc *rtc, int64_t *unix_s);

/*
 * Sets the clock to unix_s, in one transaction writing every time register
 * from seconds on (24-hour mode, clock running). On the real chips the
 * seconds write restarts the divider, so the chip's next second starts one
 * second after this call's write: call it at the instant the true time is
 * unix_s. QEMU's DS1338 model restarts nothing (it keeps a whole-second
 * offset to the host clock), so callers measure where the edges landed
 * rather than assume it (the clock module does).
 * Then clears OSF (and the DS3231's EOSC) so the time reads as valid.
 * If this restarted a halted oscillator (CH was 1), the crystal needs a
 * moment to start, so the chip may lag: measure its edge again.
 * Returns 0, -EINVAL (unix_s outside the chip's years: 2000..2099, or
 * 2000..2199 on DS3231), -EIO, -ETIMEDOUT, -ENODEV.
 */
int rtc_set_time(struct rtc *rtc, int64_t unix_s);

/*
 * Reads the chip's flags into *status (also when the time is invalid:
 * that is reported in status->is_time_valid, not as an error).
 * Returns 0, -EIO, -ETIMEDOUT, -ENODEV.
 */
int rtc_read_status(struct rtc *rtc, struct rtc_status *status);

/*
 * Writes a one-line summary of status for the console into buf (always
 * NUL-terminated when len > 0), e.g. "DS1338, oscillator running".
 * Returns the length of the full summary (as snprintf), or -EINVAL.
 */
int rtc_format_status(const struct rtc_status *status, char *buf, size_t len);

/*
 * Sets the aging offset trim (DS3231 register 10h, two's complement; a
 * positive value slows the oscillator by about 0.1 ppm per LSB at 25 C).
 * Returns 0, -ENOTSUP (the chip has none), -EIO, -ETIMEDOUT, -ENODEV.
 */
int rtc_set_aging_offset(struct rtc *rtc, int8_t offset_lsb);

#endif /* HAL_RTC_H */
