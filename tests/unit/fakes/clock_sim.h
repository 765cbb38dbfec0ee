/*
 * Simulated hardware for the clock module's tests: the MCU's timestamp
 * counter and a DS1307-family RTC, both driven by one "true" time.
 *
 * The counter runs at tick_hz * (1 + freq_err), freq_err doing a random
 * walk (wander per sqrt(s)) and steppable by a test. The RTC keeps its own
 * continuous time at (1 + rtc_rate_err) and shows whole seconds; a read
 * latches the seconds at an instant inside [tick_before, tick_after]; it
 * can fail with -EIO, or with -ENODATA while its oscillator is halted.
 * A write lands at an instant inside the transfer and does what rtc_model
 * says:
 *  - CLOCK_SIM_RTC_CHIP: a real DS1307/DS1338/DS3231: the seconds write
 *    restarts the 1 Hz divider, so the written second begins there;
 *  - CLOCK_SIM_RTC_QEMU: QEMU's ds1338: the time is the host clock plus a
 *    whole-second offset, computed at the write from the host's whole
 *    seconds; nothing restarts, the edges stay on the host's second
 *    boundaries, and the RTC ends up ahead of the written instant by the
 *    host's fraction of a second then (up to 1 s).
 * With is_two_digit_year, reads show the count as a DS1307/DS1338 does,
 * its year 00..99 rolling over from 2099 to 2000 (the chips' 36525-day
 * century); the count itself runs on (clock_sim_rtc_ns). Writes store the
 * second written.
 * Host-only: long double (x86 80-bit) keeps sub-ns phase over days.
 */
#ifndef FAKES_CLOCK_SIM_H
#define FAKES_CLOCK_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "clock/clock.h"

enum clock_sim_rtc_model {
    CLOCK_SIM_RTC_CHIP = 0, /* a write restarts the divider */
    CLOCK_SIM_RTC_QEMU,     /* a write keeps the host's phase, whole-second offset */
};

/* 2000-01-01 and the chips' century (100 years with a leap year every fourth). */
#define CLOCK_SIM_RTC_EPOCH_S 946684800LL
#define CLOCK_SIM_RTC_CYCLE_S (36525LL * 86400)

struct clock_sim_config {
    uint32_t tick_hz;
    uint64_t tick_offset;         /* counter value at true time 0 */
    double freq_err_ppm;          /* counter's initial frequency error */
    double wander_ppb_per_sqrt_s; /* random walk of the counter's frequency */
    int64_t true_start_unix_ns;   /* true UTC at true time 0 */
    int64_t rtc_start_unix_ns;    /* the RTC's continuous time at true time 0 */
    double rtc_err_ppm;           /* RTC rate error */
    bool is_rtc_halted;           /* oscillator stopped: reads give -ENODATA */
    enum clock_sim_rtc_model rtc_model;
    bool is_two_digit_year;              /* reads fold into 2000..2099 */
    uint32_t read_min_ns, read_max_ns;   /* one I2C read */
    uint32_t write_min_ns, write_max_ns; /* one I2C write */
    uint64_t seed;
};

struct clock_sim {
    struct clock_sim_config cfg;
    uint64_t rng;
    int64_t t_ns;         /* true time since start */
    long double ticks;    /* counter, fractional */
    long double freq_err; /* fractional */
    int64_t next_wander_ns;
    long double rtc_ns; /* RTC's continuous time, unix ns */
    bool is_rtc_halted;
    int rtc_fail_err;           /* nonzero: every transfer fails with it */
    uint32_t rtc_fail_permille; /* transfers failing at random with -EIO */
    int64_t tear_s;             /* a torn write lands this many s off ... */
    uint32_t tear_writes;       /* ... for this many good writes to come */
    uint32_t reads, writes;
    int64_t last_write_s; /* the second last written, as the bus carried it */
};

void clock_sim_init(struct clock_sim *s, const struct clock_sim_config *cfg);

/* Moves true time on by dt_ns (>= 0). */
void clock_sim_advance(struct clock_sim *s, int64_t dt_ns);

/* Returns the counter now (reading it takes no time). */
uint64_t clock_sim_counter(const struct clock_sim *s);

/* Returns a uniform random number in [lo, hi]. */
uint64_t clock_sim_uniform(struct clock_sim *s, uint64_t lo, uint64_t hi);

/* Reads the RTC as the main loop does (fills every field of *out); returns out->err. */
int clock_sim_rtc_read(struct clock_sim *s, struct clock_rtc_sample *out);

/* Writes the RTC as rtc_model says (at an instant inside the transfer); returns 0 or the bus error. */
int clock_sim_rtc_write(struct clock_sim *s, int64_t unix_s, uint64_t *tick_before,
                        uint64_t *tick_after);

/* Returns the RTC's continuous time now (its count, unfolded, plus the divider's phase), ns. */
int64_t clock_sim_rtc_ns(const struct clock_sim *s);

/* Returns true UTC now, ns. */
int64_t clock_sim_true_ns(const struct clock_sim *s);

/* Changes the counter's frequency error by step_ppm (a temperature jump). */
void clock_sim_step_freq(struct clock_sim *s, double step_ppm);

/* Returns the counter's frequency error now, ppb. */
double clock_sim_freq_err_ppb(const struct clock_sim *s);

#endif /* FAKES_CLOCK_SIM_H */
