/*
 * Timekeeping: the time of day the appliance serves, made from the
 * free-running timestamp counter (fine-grained, but its crystal is off by up
 * to +-200 ppm and wanders) and the battery RTC (whole seconds only, but the
 * appliance's reference, as the CMOS clock is for a Windows server).
 *
 * The module never touches hardware. Each main-loop iteration, with counter
 * values read fresh (after any stamp already converted):
 *
 *   now = timer_now();
 *   clock_poll(c, now);
 *   if (clock_is_rtc_read_due(c, now)) {
 *       s.tick_before = timer_now();
 *       s.err = rtc_read_time(rtc, &s.unix_s);        first read of a run;
 *                                                     rtc_read_time_fast() after
 *       s.tick_after = timer_now();
 *       clock_feed_rtc(c, &s);                        errors go in as they are
 *   }
 *   with a timer capturing the RTC's square wave (clock_set_edge_capture),
 *   for each stamped edge, a little after it:
 *       e.edge_tick = the stamp; e.read as s above;   the second it began
 *       clock_feed_rtc_edge(c, &e);                   (no polling while they come)
 *   if (clock_rtc_write_due(c, timer_now(), &w) == 0) {
 *       b = timer_now(); err = rtc_set_time(rtc, w); a = timer_now();
 *       clock_rtc_written(c, w, b, a, err);           at once: no logging between
 *   }
 *   while (clock_pop_event(c, &ev) == 0)
 *       log "state: %s -> %s (%s)" (ev.from != ev.to) or "clock: %s";
 *   sleep no longer than clock_ticks_until_due(c, timer_now()) ticks.
 *
 * Read errors are the module's business: feed them in (-ENODATA for an RTC
 * whose time is invalid, the bus error otherwise) and carry on; it retries
 * every CLOCK_RETRY_MS outside an edge window and holds the time over on
 * the counter for CLOCK_HOLDOVER_S before going UNSET.
 *
 * How the discipline works is told in clock_internal.h; the work is split
 * between served.c (the served time: segments, slew, leap seconds), fit.c
 * (the edge fit and the rate-change detector), rtc_sched.c (reading and
 * writing the RTC), status.c (events, status, names) and clock.c (setup,
 * clock_poll(), set and adjust).
 *
 * Century: the chips count two-digit years 00..99 with a leap year every
 * fourth (the DS1307 and DS1338 roll over from 99 to 00 with no century
 * bit: a real chip reads 2000-01-01 after 2099-12-31), so their count
 * repeats every 36525 days. The driver hands over 2000..2099 (QEMU's
 * ds1338 shows 2100..2159 as a year register of A0h..F9h; the driver
 * passes those as 2100..2159, and a DS3231 with CENTURY set as 2100..2199).
 * The clock takes a reading as it is unless it is more than 50 years
 * (half a chip century) before the served time, or before 2000: then it
 * moves it on by whole chip centuries. So the time runs on across
 * 2099 -> 2100 without a write on either (a real chip's 2000-01-01 is
 * taken as 2100-01-01, QEMU's 2100 as it is); the RTC is written folded
 * into 2000..2099 (clock_rtc_write_due() hands out the folded second).
 * Before the time is known (boot, UNSET with no edge yet) the reference is
 * a hint instead: the later of the build date (min_valid_unix_s) and the
 * last set time restored with clock_restore_last_set(). So a chip that
 * reads 20xx at a boot after 2100 is served as 21xx when the settings hold
 * a set made 50 years or less before (an operator or upstream set after
 * 2100 stores one). Without one it is taken as 20xx: before the build
 * date that is invalid, UNSET until a set; after it, nothing on the board
 * tells the centuries apart and it is served as it reads. A chip reset to
 * 2000-01-01 (dead battery; real chips also flag that with CH or OSF)
 * reads as invalid while the hint is before 2050; after that, as 2100.
 */
#ifndef CLOCK_CLOCK_H
#define CLOCK_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "clock/clock_opts.h"

/* Root dispersion reported while the time is not trusted: 16 s, us. */
#define CLOCK_DISP_MAX_US 16000000u

/* -------------------------------------------------------------- interface -- */

enum clock_state {
    CLOCK_STATE_UNSET = 0,   /* not trusted: RTC invalid, never set, failed, before the build */
    CLOCK_STATE_SYNCED = 1,  /* trusted: served with LI 0 (or the leap warning) */
    CLOCK_STATE_EXPIRED = 2, /* strict mode: older than the dispersion bound; serve as UNSET */
};

/* Values are the NTP leap indicator's. */
enum clock_leap {
    CLOCK_LEAP_NONE = 0,
    CLOCK_LEAP_INSERT = 1, /* 23:59:60 at the end of the day */
    CLOCK_LEAP_DELETE = 2, /* 23:59:59 skipped */
};

/* What last set the time (values as config's enum config_time_source, plus one). */
enum clock_source {
    CLOCK_SOURCE_NONE = 0,        /* never set */
    CLOCK_SOURCE_OPERATOR = 1,    /* console `time set` / `time adjust` */
    CLOCK_SOURCE_UPSTREAM = 2,    /* an upstream NTP server */
    CLOCK_SOURCE_RTC_AT_BOOT = 3, /* unknown: the RTC held it at boot */
};

/* Why an event was queued. */
enum clock_reason {
    CLOCK_REASON_RTC_EDGE = 0,   /* the RTC's second edge was found */
    CLOCK_REASON_TIME_SET,       /* an operator or upstream set the time (RTC written) */
    CLOCK_REASON_TIME_ADJUSTED,  /* an operator or upstream adjusted the time */
    CLOCK_REASON_RTC_FAILED,     /* no good RTC reading for CLOCK_HOLDOVER_S */
    CLOCK_REASON_RTC_INVALID,    /* the RTC says its time is invalid (-ENODATA) */
    CLOCK_REASON_RTC_ERROR,      /* an RTC read or write failed (first of a run; err set) */
    CLOCK_REASON_RTC_STEPPED,    /* the served time was stepped to the RTC (UNSET only) */
    CLOCK_REASON_RTC_WRITTEN,    /* the RTC was re-phased to the served time */
    CLOCK_REASON_STRICT_EXPIRED, /* strict: dispersion passed strict_max_disp_us */
    CLOCK_REASON_STRICT_MET,     /* strict: back under 7/8 of it (set, adjust, new bound) */
    CLOCK_REASON_LEAP_INSERTED,  /* 23:59:60 was served */
    CLOCK_REASON_LEAP_DELETED,   /* 23:59:59 was skipped */
};

struct clock_config {
    uint32_t tick_hz;            /* nominal counter rate (50 MHz on the reference board) */
    int64_t min_valid_unix_s;    /* the firmware's build date: earlier RTC times are invalid */
    uint32_t rtc_drift_ppb;      /* rated RTC drift (DS1307 +-20 ppm: 20000) */
    int32_t trim_ppb;            /* served time runs at RTC rate * (1 + trim) */
    bool strict;                 /* dispersion grows at rtc_drift_ppb since the last set */
    uint32_t strict_max_disp_us; /* strict: EXPIRED past this root dispersion */
};

/* One RTC read as the main loop took it. */
struct clock_rtc_sample {
    uint64_t tick_before; /* counter just before the I2C transfer */
    uint64_t tick_after;  /* counter just after it */
    int err;              /* 0, -ENODATA (time invalid), -EIO or other bus errors */
    int64_t unix_s;       /* the RTC's time when err == 0 */
};

/*
 * One RTC second edge stamped by a timer capture (the RTC's 1 Hz square
 * wave, which falls as its seconds register counts on), and the read after
 * it that says which second began there.
 */
struct clock_rtc_edge {
    uint64_t edge_tick;           /* the counter at the falling edge, as the capture stamped it */
    struct clock_rtc_sample read; /* the time registers, read after the edge */
};

struct clock_status {
    enum clock_state state;
    enum clock_leap leap;    /* pending leap second, from 00:00 UTC of its day */
    int64_t leap_at_unix_s;  /* when it takes effect (00:00:00 after the day), 0 = none */
    int8_t precision_log2;   /* ceil(log2(1 / tick_hz)) */
    int64_t now_ns;          /* served time at now_ticks */
    int64_t ref_ns;          /* served time of the last discipline update, 0 = never */
    uint32_t root_disp_us;   /* CLOCK_DISP_MAX_US unless SYNCED or EXPIRED */
    int32_t freq_ppb;        /* counter rate against the RTC (positive: counter fast) */
    uint32_t edge_unc_ns;    /* half the bracket of the last edge measured */
    uint32_t residual_ns;    /* RMS of the fit's residuals */
    uint32_t fit_points;     /* edges in the fit */
    int64_t slew_left_ns;    /* where it should be minus served: still to slew (positive:
                                      served moves ahead, as after `time adjust +x`) */
    int64_t rtc_offset_ns;   /* served time minus the RTC's time (what the last write
                                      left, adjust, leap); after 2099 on a two-digit chip the
                                      RTC's time counts as in the served century */
    int64_t last_set_unix_s; /* 0 = never */
    enum clock_source last_set_source;
    int64_t age_s;             /* served time minus last_set_unix_s, 0 if never set */
    uint32_t rtc_drift_ppb;    /* as configured */
    int32_t trim_ppb;          /* as configured (a DS3231 driver may mirror it in aging) */
    uint32_t rtc_fail_s;       /* seconds since the last good RTC reading while it fails */
    int rtc_last_err;          /* last RTC error, 0 if the last reading was good */
    uint32_t edges;            /* RTC edges measured since boot */
    uint32_t rate_changes;     /* counter rate jumps detected (fit restarted) */
    uint32_t rtc_writes;       /* successful RTC writes since boot */
    uint32_t events_dropped;   /* events lost to a full queue since boot */
    bool is_capture_live;      /* captured edges come: no polling reads */
    uint32_t captured_edges;   /* captured edges taken since boot */
    uint32_t capture_rejected; /* captured edges not taken: late read, glitch */
};

struct clock_event {
    enum clock_state from; /* equal to `to` for a notice that is not a transition */
    enum clock_state to;
    enum clock_reason reason;
    int err;       /* CLOCK_REASON_RTC_ERROR: the errno, else 0 */
    int64_t at_ns; /* served time when it happened */
};

/* The state, caller-owned; its fields are private (clock_struct.h). */
#include "clock/clock_struct.h"

/*
 * Starts the clock: UNSET, serving min_valid_unix_s at tick 0 and counting
 * at the nominal rate until the RTC is read. Returns 0, or -EINVAL for a
 * zero tick_hz, |trim_ppb| over 500000 or a rated drift over 1000000 ppb.
 */
int clock_init(struct clock *c, const struct clock_config *cfg);

/*
 * Applies changed settings at now_ticks (trim, rated drift, strict mode and
 * bound, min_valid_unix_s) without disturbing the served time. Returns 0, or
 * -EINVAL for a bad config or a different tick_hz.
 */
int clock_update_config(struct clock *c, uint64_t now_ticks, const struct clock_config *cfg);

/*
 * Restores when the time was last set (from stored settings), for the age,
 * strict mode and the century of a two-digit RTC at boot (see "Century").
 * Call after clock_init(), before feeding the RTC.
 * Returns 0, or -EINVAL for an unknown source.
 */
int clock_restore_last_set(struct clock *c, int64_t unix_s, enum clock_source source);

/*
 * Returns the served time (ns since 1970, UTC) for a counter value: now, or
 * a frame stamped in the past. Monotonic non-decreasing in ticks. Hot path:
 * a segment compare and four 32x32 multiplies, no division.
 */
int64_t clock_ticks_to_ns(const struct clock *c, uint64_t ticks);

/*
 * Returns the served time for a counter value as an NTP timestamp (32.32
 * seconds since the era's start, RFC 5905 sec. 6; the era is dropped):
 * what clock_ticks_to_ns() gives, within a nanosecond, without the
 * conversion from ns. Same hot path (each segment keeps its NTP line).
 */
uint64_t clock_ticks_to_ntp(const struct clock *c, uint64_t ticks);

/*
 * As clock_ticks_to_ntp(), and *per_tick_q16 the served time's rate there
 * in NTP units per tick with 16 fraction bits (for a stamp extrapolated a
 * few microseconds ahead, net/ and eth.h's transmit stamp; tick rates of
 * 66 kHz and up). Across a segment's end, such as the start of an
 * inserted leap second, the extrapolation keeps the old rate.
 */
uint64_t clock_ticks_to_ntp_rate(const struct clock *c, uint64_t ticks, uint32_t *per_tick_q16);

/*
 * Housekeeping once per main-loop iteration, with a fresh counter value
 * (later than any stamp already converted): leap seconds, holdover expiry,
 * strict mode, trim re-phasing.
 */
void clock_poll(struct clock *c, uint64_t now_ticks);

/* Returns true when the main loop should read the RTC now. */
bool clock_is_rtc_read_due(const struct clock *c, uint64_t now_ticks);

/*
 * Takes one RTC reading, its time as the driver decoded it (taken in the
 * century nearest the served time, see "Century"). Returns 0 (also for a
 * reading the clock had no use for, or a failed read: s->err is the news),
 * or -EINVAL for ticks that go backwards.
 */
int clock_feed_rtc(struct clock *c, const struct clock_rtc_sample *s);

/*
 * A timer captures the RTC's square wave (is_on), or no longer does. While
 * captured edges come (clock_feed_rtc_edge, one a second), the clock asks
 * for no polling reads: they come back when none has come for
 * CLOCK_CAPTURE_STALE_MS (a wire off, the RTC's output reset), and the
 * polled edges carry on. The discipline is the same for both.
 */
void clock_set_edge_capture(struct clock *c, bool is_on);

/* Returns true while captured edges come (the clock polls no more). */
bool clock_is_capture_live(const struct clock *c, uint64_t now_ticks);

/*
 * Takes a captured edge: the second e->read shows began at e->edge_tick.
 * The read must start after the edge, and less than half a second after it
 * (or it could be the next second's); an edge whose second does not count
 * on from the last captured one is a glitch; both are counted and dropped.
 * The read also goes in as any reading does (health, century, the first
 * second served). Returns 0 (also for an edge or read the clock had no use
 * for: e->read.err is the news), or -EINVAL (ticks going backwards, a read
 * that starts before the edge).
 */
int clock_feed_rtc_edge(struct clock *c, const struct clock_rtc_edge *e);

/*
 * Asks whether the RTC must be written now: the served time (or, for a
 * re-phase, the time the served time is slewing to) has just passed a
 * whole second. Returns 0 and *rtc_unix_s (the second to write, at once:
 * from 2100 on folded into the chips' 2000..2099, see "Century"), or
 * -EAGAIN.
 */
int clock_rtc_write_due(const struct clock *c, uint64_t now_ticks, int64_t *rtc_unix_s);

/*
 * Reports the write clock_rtc_write_due() asked for: the second written
 * (as it handed it out), counter values just before and after
 * rtc_set_time(), and its result. A failed write is asked for again on a
 * later second; after a good one the RTC is read back to back until its
 * next edge measures where the write put it. Returns 0, or -EINVAL if no
 * write was due or the ticks go backwards.
 */
int clock_rtc_written(struct clock *c, int64_t rtc_unix_s, uint64_t tick_before,
                      uint64_t tick_after, int err);

/*
 * Returns how many ticks from now_ticks the main loop may sleep before it
 * must call in again (0: something is due now), INT64_MAX if nothing is
 * scheduled.
 */
int64_t clock_ticks_until_due(const struct clock *c, uint64_t now_ticks);

/*
 * Steps the served time to unix_ns at now_ticks and schedules the RTC write
 * on the next whole served second; SYNCED once it is written. Records the
 * set (source, time) for the age. Returns 0, or -EINVAL for a time before
 * min_valid_unix_s or a bad source.
 */
int clock_set_time(struct clock *c, uint64_t now_ticks, int64_t unix_ns, enum clock_source source);

/*
 * Slews the served time by delta_ns (positive: ahead) at up to
 * CLOCK_SLEW_MAX_PPB (1 s takes 2000 s) and re-phases the RTC to the
 * adjusted time at once (its measured offset after that write is kept,
 * so the served time moves by delta_ns exactly). Records the adjustment as a set. Returns 0,
 * -EINVAL for |delta_ns| > CLOCK_ADJUST_MAX_NS (use clock_set_time) or a bad
 * source, -ENODATA if the time is UNSET, -EBUSY while a set is being written.
 */
int clock_adjust_time(struct clock *c, uint64_t now_ticks, int64_t delta_ns,
                      enum clock_source source);

/*
 * Schedules a leap second at at_unix_s, the 00:00:00 UTC that follows the
 * last day of a month, or cancels one (CLOCK_LEAP_NONE, at_unix_s ignored).
 * Returns 0, or -EINVAL for another instant, one already served, or a bad kind.
 */
int clock_schedule_leap(struct clock *c, uint64_t now_ticks, enum clock_leap leap,
                        int64_t at_unix_s);

/* Fills *st for the instant now_ticks. */
void clock_get_status(const struct clock *c, uint64_t now_ticks, struct clock_status *st);

/*
 * Takes the oldest queued event into *ev. Returns 0, or -EAGAIN when there
 * is none. When more than CLOCK_EVENT_QUEUE_LEN pile up the oldest go.
 */
int clock_pop_event(struct clock *c, struct clock_event *ev);

/* Returns "UNSET", "SYNCED" or "EXPIRED" ("?" for another value). */
const char *clock_state_name(enum clock_state state);

/* Returns a short lower-case phrase for the console, e.g. "rtc edge found". */
const char *clock_reason_name(enum clock_reason reason);

/* Returns "none", "operator", "upstream" or "rtc-at-boot" ("?" for another value). */
const char *clock_source_name(enum clock_source source);

#endif /* CLOCK_CLOCK_H */
