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
 * Discipline: the RTC's seconds register changes at its second edge. Reads
 * are asked for back to back until an edge has been seen (at boot and after
 * every RTC write), then only from
 * CLOCK_EDGE_WINDOW_US before each predicted edge until it is seen (none in
 * between), so each edge is bracketed by two reads tens of microseconds
 * apart. A weighted straight line through the last CLOCK_FIT_POINTS edges
 * (counter ticks against RTC seconds) gives the counter's rate and the
 * RTC's phase; a change detector restarts it when the counter's rate jumps.
 * The served time is slewed onto the line (CLOCK_SLEW_MAX_PPB at most) and
 * is never stepped while it is served: steps happen at boot, on
 * clock_set_time(), and when an RTC far from the served time comes back
 * while the clock is UNSET.
 *
 * Served time = RTC time * (1 + trim_ppb) + an offset for what the RTC is
 * known to lack: what the last write left (below), a clock_adjust_time(), a
 * leap second. The RTC is re-phased (written on a served or target second)
 * whenever the part of that offset the last write did not leave, with the
 * trim's accumulation, passes CLOCK_REPHASE_NS; re-phasing does not disturb
 * the served time.
 *
 * RTC writes: a write is not trusted to define the RTC's phase. A real
 * DS1307/DS1338/DS3231 restarts its 1 Hz divider at the seconds write, so
 * its next edge comes a second after the write; QEMU's ds1338 restarts
 * nothing: it keeps a whole-second offset to the host clock, computed from
 * the host's whole second at the write, so its edges stay on the host's
 * second boundaries and it ends up ahead of the written instant by the
 * host's fraction of a second then (up to 1 s). So after every write the
 * RTC is read back to back until its next edge, and the offset measured
 * there between the served (or target) time and the RTC's count,
 * sub-second or whole seconds, becomes the RTC's known offset, as the
 * write latency used to; the edges after it (CLOCK_REPHASE_ABSORB_EDGES in
 * all) refine it the same way. The
 * served time does not move: only an adjust, a leap second or a set
 * changes where it goes. A write whose measured offset is over
 * CLOCK_WRITE_MISS_MAX_NS (a torn write) is tried again, up to
 * CLOCK_WRITE_TRIES times, then kept as it is.
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

/* ----------------------------------------------------------------- options -- */

/* Fastest slew of the served time, ppb (500 ppm, as ntpd and adjtime). */
#ifndef CLOCK_SLEW_MAX_PPB
#define CLOCK_SLEW_MAX_PPB 500000
#endif

/* A phase error is slewed out over about this long (when under the limit). */
#ifndef CLOCK_SLEW_TAU_MS
#define CLOCK_SLEW_TAU_MS 1000
#endif

/* Consecutive seconds without a good RTC reading before SYNCED -> UNSET. */
#ifndef CLOCK_HOLDOVER_S
#define CLOCK_HOLDOVER_S 60
#endif

/* RTC edges the frequency and phase fit remembers (24 bytes each). */
#ifndef CLOCK_FIT_POINTS
#define CLOCK_FIT_POINTS 64
#endif

/* Oldest edge the fit uses, s; bounds the fixed-point sums (must be <= 256). */
#ifndef CLOCK_FIT_SPAN_S
#define CLOCK_FIT_SPAN_S 200
#endif

/*
 * Edges a fit needs before the counter's rate it measures counts as known
 * (at boot, or after the change detector restarted it; until then the rate
 * is fitted from two edges on, noisier but unbiased, and edge windows are
 * widened by CLOCK_COUNTER_TOL_PPB).
 */
#ifndef CLOCK_FIT_MIN_SLOPE_POINTS
#define CLOCK_FIT_MIN_SLOPE_POINTS 16
#endif

/*
 * With the rate known, a fit that starts over (after an RTC write) keeps it
 * and fits the phase only until it has as many edges as the rate came from,
 * or this many.
 */
#ifndef CLOCK_FIT_REFIT_POINTS
#define CLOCK_FIT_REFIT_POINTS 48
#endif

/* Alarm level of the rate-change detector, in edge-noise units (Page's CUSUM h). */
#ifndef CLOCK_CUSUM_ALARM
#define CLOCK_CUSUM_ALARM 8
#endif

/* Reads start this long before a predicted RTC edge, us. */
#ifndef CLOCK_EDGE_WINDOW_US
#define CLOCK_EDGE_WINDOW_US 1000
#endif

/* An edge bracketed more loosely than this is not used in the fit, us. */
#ifndef CLOCK_EDGE_MAX_WIDTH_US
#define CLOCK_EDGE_MAX_WIDTH_US 20000
#endif

/* Tolerance of the counter's crystal before its rate is measured, ppb. */
#ifndef CLOCK_COUNTER_TOL_PPB
#define CLOCK_COUNTER_TOL_PPB 250000
#endif

/* Measured rates further than this from nominal are rejected, ppb. */
#ifndef CLOCK_FREQ_MAX_PPB
#define CLOCK_FREQ_MAX_PPB 1000000
#endif

/* Wait after a failed RTC read when no edge is expected, ms. */
#ifndef CLOCK_RETRY_MS
#define CLOCK_RETRY_MS 100
#endif

/* An RTC write more than this late after the served second is put off, us. */
#ifndef CLOCK_WRITE_LATE_MAX_US
#define CLOCK_WRITE_LATE_MAX_US 10000
#endif

/*
 * Largest clock_adjust_time(), ns (the console's CONSOLE_ADJUST_MAX_NS);
 * anything larger is a clock_set_time().
 */
#ifndef CLOCK_ADJUST_MAX_NS
#define CLOCK_ADJUST_MAX_NS 2000000000
#endif

/*
 * The RTC is re-phased (written on a served second) when the time it stands
 * for has moved this far from its own count (trim, leap second), ns.
 */
#ifndef CLOCK_REPHASE_NS
#define CLOCK_REPHASE_NS 10000000
#endif

/*
 * Edges after an RTC write whose phase news moves the RTC's offset instead
 * of the served time: the first measures where the write put the RTC (see
 * "RTC writes" above); the rest refine it. Only the first while the
 * counter's rate is unknown.
 */
#ifndef CLOCK_REPHASE_ABSORB_EDGES
#define CLOCK_REPHASE_ABSORB_EDGES 8
#endif

/*
 * An RTC write whose first edge puts the RTC further than this from where
 * it was written to is taken as failed (torn across a carry) and written
 * again, ns. Over QEMU's rounding (under 1 s), well under a torn minute.
 */
#ifndef CLOCK_WRITE_MISS_MAX_NS
#define CLOCK_WRITE_MISS_MAX_NS 2000000000
#endif

/* Writes in a row that may miss before the last one is kept as it is. */
#ifndef CLOCK_WRITE_TRIES
#define CLOCK_WRITE_TRIES 3
#endif

/*
 * Recovering from UNSET, an RTC further than this from the served time is
 * stepped to (nobody trusts UNSET time), a nearer one slewed to, ns.
 */
#ifndef CLOCK_STEP_THRESHOLD_NS
#define CLOCK_STEP_THRESHOLD_NS 128000000
#endif

/* Dispersion growth while no RTC edge is measured: RFC 5905 PHI, 15 ppm. */
#ifndef CLOCK_PHI_PPB
#define CLOCK_PHI_PPB 15000
#endif

/* Served time advances at 2^-n of its rate during an inserted leap second. */
#ifndef CLOCK_LEAP_HOLD_LOG2
#define CLOCK_LEAP_HOLD_LOG2 16
#endif

/* Status events kept until the main loop pops them. */
#ifndef CLOCK_EVENT_QUEUE_LEN
#define CLOCK_EVENT_QUEUE_LEN 8
#endif

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
    CLOCK_LEAP_INSERT = 1,   /* 23:59:60 at the end of the day */
    CLOCK_LEAP_DELETE = 2,   /* 23:59:59 skipped */
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
    CLOCK_REASON_RTC_EDGE = 0,     /* the RTC's second edge was found */
    CLOCK_REASON_TIME_SET,         /* an operator or upstream set the time (RTC written) */
    CLOCK_REASON_TIME_ADJUSTED,    /* an operator or upstream adjusted the time */
    CLOCK_REASON_RTC_FAILED,       /* no good RTC reading for CLOCK_HOLDOVER_S */
    CLOCK_REASON_RTC_INVALID,      /* the RTC says its time is invalid (-ENODATA) */
    CLOCK_REASON_RTC_ERROR,        /* an RTC read or write failed (first of a run; err set) */
    CLOCK_REASON_RTC_STEPPED,      /* the served time was stepped to the RTC (UNSET only) */
    CLOCK_REASON_RTC_WRITTEN,      /* the RTC was re-phased to the served time */
    CLOCK_REASON_STRICT_EXPIRED,   /* strict: dispersion passed strict_max_disp_us */
    CLOCK_REASON_STRICT_MET,       /* strict: back under 7/8 of it (set, adjust, new bound) */
    CLOCK_REASON_LEAP_INSERTED,    /* 23:59:60 was served */
    CLOCK_REASON_LEAP_DELETED,     /* 23:59:59 was skipped */
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

struct clock_status {
    enum clock_state state;
    enum clock_leap leap;          /* pending leap second, from 00:00 UTC of its day */
    int64_t leap_at_unix_s;        /* when it takes effect (00:00:00 after the day), 0 = none */
    int8_t precision_log2;         /* ceil(log2(1 / tick_hz)) */
    int64_t now_ns;                /* served time at now_ticks */
    int64_t ref_ns;                /* served time of the last discipline update, 0 = never */
    uint32_t root_disp_us;         /* CLOCK_DISP_MAX_US unless SYNCED or EXPIRED */
    int32_t freq_ppb;              /* counter rate against the RTC (positive: counter fast) */
    uint32_t edge_unc_ns;          /* half the bracket of the last edge measured */
    uint32_t residual_ns;          /* RMS of the fit's residuals */
    uint32_t fit_points;           /* edges in the fit */
    int64_t slew_left_ns;          /* where it should be minus served: still to slew (positive:
                                      served moves ahead, as after `time adjust +x`) */
    int64_t rtc_offset_ns;         /* served time minus the RTC's time (what the last write
                                      left, adjust, leap); after 2099 on a two-digit chip the
                                      RTC's time counts as in the served century */
    int64_t last_set_unix_s;       /* 0 = never */
    enum clock_source last_set_source;
    int64_t age_s;                 /* served time minus last_set_unix_s, 0 if never set */
    uint32_t rtc_drift_ppb;        /* as configured */
    int32_t trim_ppb;              /* as configured (a DS3231 driver may mirror it in aging) */
    uint32_t rtc_fail_s;           /* seconds since the last good RTC reading while it fails */
    int rtc_last_err;              /* last RTC error, 0 if the last reading was good */
    uint32_t edges;                /* RTC edges measured since boot */
    uint32_t rate_changes;         /* counter rate jumps detected (fit restarted) */
    uint32_t rtc_writes;           /* successful RTC writes since boot */
    uint32_t events_dropped;       /* events lost to a full queue since boot */
};

struct clock_event {
    enum clock_state from;  /* equal to `to` for a notice that is not a transition */
    enum clock_state to;
    enum clock_reason reason;
    int err;                /* CLOCK_REASON_RTC_ERROR: the errno, else 0 */
    int64_t at_ns;          /* served time when it happened */
};

/* ------------------------------------------------- state (caller-owned) -- */
/* Fields are private to clock.c; they are here so the caller can allocate. */

struct clock_segment {      /* served = start_ns + (ticks - start_ticks) * mult / 2^32 */
    uint64_t start_ticks;
    int64_t start_ns;
    uint64_t mult_q32;      /* ns per tick, 32 fraction bits */
};

struct clock_edge {         /* RTC second s began within [before, after] */
    int64_t s;
    uint64_t mid2_ticks;    /* before + after */
    uint32_t width_ticks;   /* after - before */
};

#define CLOCK_SEGMENTS 6

struct clock {
    struct clock_config cfg;
    int8_t precision_log2;

    /* Served time: piecewise linear in ticks, planned ahead (slew end, leap). */
    struct clock_segment seg[CLOCK_SEGMENTS];
    uint8_t n_seg;

    /* Fit of RTC edges: counter ticks per RTC second and the RTC's phase. */
    struct clock_edge edge[CLOCK_FIT_POINTS];
    uint8_t edge_first, edge_count;
    bool is_rate_known;         /* the rate came from a fit of enough edges */
    uint8_t rate_points;        /* edges the rate in hand was fitted from */
    bool has_fit;               /* fit_* below hold a phase */
    uint64_t rate_q16;          /* counter ticks per RTC second, 16 fraction bits */
    uint64_t ideal_mult_q32;    /* served ns per tick on the fitted line */
    int64_t fit_s;              /* an RTC second on the line ... */
    uint64_t fit_tick;          /* ... began at fit_tick + fit_frac_q8 / 256 */
    uint32_t fit_frac_q8;
    uint32_t residual_ns, last_edge_unc_ns, min_half_width_ns;
    uint8_t outliers;
    uint8_t absorb_edges;                /* see CLOCK_REPHASE_ABSORB_EDGES */
    bool has_write_point;                /* the only point is an RTC write: phase not measured */
    uint8_t write_misses;                /* writes in a row over CLOCK_WRITE_MISS_MAX_NS */
    int32_t cusum_pos_q8, cusum_neg_q8;  /* rate-change detector, see watch_for_rate_change() */
    int64_t cusum_pos_s, cusum_neg_s;    /* where each sum last started */
    uint32_t rate_changes;

    /* Target: served time of RTC second S = S*1e9 + target_offset_ns + (S - trim_anchor_s) * trim. */
    int64_t target_offset_ns;
    int64_t trim_anchor_s;
    int64_t written_offset_ns;  /* the part of target_offset_ns the last write left (no re-phase) */

    /* Reading the RTC. */
    bool has_prev;              /* prev_* is a valid reading to bracket the next edge */
    bool is_coarse;             /* served time is the first RTC reading, edge not yet seen */
    int64_t prev_s;
    uint64_t prev_before;
    bool is_window_mode;        /* else read continuously */
    uint64_t window_open, window_close;
    bool is_last_read_error;
    uint64_t retry_at;
    uint64_t last_good_ticks;
    bool has_good;
    int last_err;
    uint32_t edges, writes;

    /* RTC write: aligned on the served time (set) or the target time (re-phase). */
    uint8_t write_kind;
    int64_t write_armed_s;      /* due once the aligned time passes a later second */

    /* Leap second. */
    enum clock_leap leap;
    int64_t leap_at_s;
    bool is_leap_armed;         /* segments hold it: starts at leap_tick, done at leap_end */
    uint64_t leap_tick, leap_end;

    /* Status. */
    uint64_t update_ticks;      /* last discipline update (edge or write) */
    uint64_t next_check_ticks;  /* next strict / re-phase check in clock_poll() */
    enum clock_state state;
    bool has_time;              /* the served time came from an RTC edge or a set */
    int64_t ref_ns;
    int64_t last_set_unix_s;
    enum clock_source last_set_source;
    bool is_error_reported;

    struct clock_event events[CLOCK_EVENT_QUEUE_LEN];
    uint8_t ev_first, ev_count;
    uint32_t ev_dropped;
};

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
