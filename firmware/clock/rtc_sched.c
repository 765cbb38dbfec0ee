/*
 * The RTC side of the clock: when the main loop should read and write the
 * RTC, and what each reading and each write means. Reads run back to back
 * until an edge has been seen, then only in a window before each predicted
 * edge; failed reads are retried every CLOCK_RETRY_MS. Two readings a
 * second apart bracket an edge, which goes into the fit (fit.c) and
 * re-plans the served time (served.c). Writes are aligned on a served (or
 * target) second, and the edges after one measure where it put the RTC.
 * Readings are taken into the served century here (see "Century" in
 * clock.h).
 */
#include "clock/clock_internal.h"

#include <errno.h>
#include <stddef.h>

/* 2000-01-01 00:00:00 UTC: year 00 of the RTC chips. */
#define RTC_EPOCH_S 946684800LL
/* The chips' century: 100 years with a leap year every fourth, in seconds. */
#define RTC_CYCLE_S (36525LL * SECONDS_PER_DAY)

/* Internal error for an RTC reading that contradicts the fitted phase. */
#define ERR_INCONSISTENT (-ERANGE)

static uint64_t us_to_ticks(const struct clock *c, uint64_t us)
{
    return wide_muldiv_u64(us, c->cfg.tick_hz, 1000000);
}

/* ---------------------------------------------------------------- century -- */

/*
 * The second to write to the RTC for served second s: from 2100 on, moved
 * by whole chip centuries into 2000..2099, the years every chip can hold
 * (the chip then counts on as if it had rolled over itself).
 */
static int64_t rtc_fold_s(int64_t s)
{
    if (s < RTC_EPOCH_S + RTC_CYCLE_S)
        return s;
    return s - wide_floor_div_s64(s - RTC_EPOCH_S, RTC_CYCLE_S) * RTC_CYCLE_S;
}

/*
 * The served second an RTC count r stands for: r itself from lo_s on,
 * else moved on by whole chip centuries to lo_s or after.
 */
static int64_t rtc_unfold_s(int64_t r, int64_t lo_s)
{
    if (r >= lo_s)
        return r;
    return r + (wide_floor_div_s64(lo_s - r - 1, RTC_CYCLE_S) + 1) * RTC_CYCLE_S;
}

/* Where the readings' century starts for a reference second (see "Century" in clock.h). */
static int64_t century_lo_s(int64_t ref_s)
{
    int64_t lo = ref_s - RTC_CYCLE_S / 2;

    return lo > RTC_EPOCH_S ? lo : RTC_EPOCH_S;
}

/*
 * The reference for a reading's century: the served time once it came from
 * the RTC or a set; before (boot), the later of the served build date and
 * the last set time restored from settings.
 */
static int64_t century_ref_s(const struct clock *c, uint64_t ticks)
{
    int64_t ref_s = wide_floor_div_s64(clock_ticks_to_ns(c, ticks), NS_PER_S);

    if (!c->has_time && !c->is_coarse && c->last_set_source != CLOCK_SOURCE_NONE &&
        c->last_set_unix_s > ref_s)
        ref_s = c->last_set_unix_s;
    return ref_s;
}

/* ------------------------------------------------------------ RTC reading -- */

static uint64_t window_half_ticks(const struct clock *c)
{
    uint64_t w = us_to_ticks(c, CLOCK_EDGE_WINDOW_US) +
                 4u * wide_muldiv_u64(c->residual_ns, c->cfg.tick_hz, NS_PER_S);

    if (!c->is_rate_known)
        w += wide_muldiv_u64(c->cfg.tick_hz, CLOCK_COUNTER_TOL_PPB, NS_PER_S);
    return w;
}

/* Opens the read window around the edge of RTC second s. */
static void schedule_window(struct clock *c, int64_t s)
{
    uint64_t edge = fit_edge_tick(c, s);
    uint64_t half = window_half_ticks(c);

    c->is_window_mode = true;
    c->window_open = edge > half ? edge - half : 0;
    c->window_close = edge + half + (c->rate_q16 >> 17); /* half a second late: missed */
}

void rtc_sched_continuous(struct clock *c)
{
    c->is_window_mode = false;
}

static void rtc_failed(struct clock *c, uint64_t now, int err)
{
    c->last_err = err;
    c->is_last_read_error = true;
    c->retry_at = now + us_to_ticks(c, (uint64_t)CLOCK_RETRY_MS * 1000u);
    if (err == ERR_INCONSISTENT)
        c->has_prev = false;
    if (!c->is_error_reported) {
        c->is_error_reported = true;
        status_notice(c, err == -ENODATA ? CLOCK_REASON_RTC_INVALID : CLOCK_REASON_RTC_ERROR, err,
                      now);
    }
}

static void rtc_good(struct clock *c, uint64_t now)
{
    c->has_good = true;
    c->last_good_ticks = now;
    c->is_last_read_error = false;
    c->is_error_reported = false;
    c->last_err = 0;
}

/* A valid reading that disagrees with the fitted phase by more than a second. */
static bool is_inconsistent(const struct clock *c, const struct clock_rtc_sample *s)
{
    if (!c->has_fit || c->state == CLOCK_STATE_UNSET)
        return false;
    return s->unix_s < fit_rtc_second_at(c, s->tick_before) - 1 ||
           s->unix_s > fit_rtc_second_at(c, s->tick_after) + 1;
}

/*
 * The first edge after a write has just measured where the write put the
 * RTC: shift_ns away from where it was written to. A chip that restarted
 * its divider is within the write's transfer; QEMU's ds1338 within a
 * second. Further off, the write tore across a carry (QEMU updates its
 * offset register by register): write again, a few times.
 */
static void check_write_landing(struct clock *c, int64_t shift_ns, uint64_t now)
{
    if (shift_ns <= CLOCK_WRITE_MISS_MAX_NS && shift_ns >= -CLOCK_WRITE_MISS_MAX_NS) {
        c->write_misses = 0;
        return;
    }
    if (++c->write_misses >= CLOCK_WRITE_TRIES) {
        c->write_misses = 0; /* keep it: the served time is right either way */
        return;
    }
    rtc_sched_write(c, WRITE_REPHASE, now);
}

/* An edge of RTC second s lies within [mid2 - width, mid2 + width] / 2. */
static void take_edge(struct clock *c, int64_t s, uint64_t mid2, uint64_t width, uint64_t now)
{
    bool is_first_after_write = c->has_write_point;

    c->edges++;
    c->last_edge_unc_ns = ticks_to_ns_u32(c, width / 2u);

    if (c->has_fit && c->is_rate_known && !is_first_after_write) {
        uint64_t pred = fit_edge_tick(c, s);
        uint64_t mid = mid2 / 2u;
        uint64_t dev = mid > pred ? mid - pred : pred - mid;

        if (dev > 4u * window_half_ticks(c) + width) {
            /* Far off the line: a glitch, or the RTC's phase moved. */
            if (++c->outliers < 3) {
                schedule_window(c, s + 1);
                return;
            }
            fit_clear(c);
        } else {
            fit_watch_rate_change(c, s, mid2, width);
        }
    }
    c->outliers = 0;
    if (c->has_write_point) {
        /*
         * The write only seeded the phase: its instant is known to half the
         * transfer, and being narrow it would outweigh real edges. Measured
         * edges take over from here.
         */
        c->edge_count = 0;
        c->has_write_point = false;
    }
    if (c->absorb_edges > 0 && c->has_fit && c->state != CLOCK_STATE_UNSET) {
        /*
         * Just after a write: what these edges teach about the RTC's new
         * phase (where the write put it, whole seconds included, and its
         * instant, known only to half the transfer) goes into the RTC's
         * offset, not into the served time, so that writing the RTC is
         * invisible to clients.
         */
        int64_t before = served_ideal_ns(c, now);
        int64_t shift;

        fit_push(c, s, mid2, width);
        fit_solve(c);
        shift = before - served_ideal_ns(c, now);
        c->target_offset_ns += shift;
        c->written_offset_ns += shift;
        c->absorb_edges--;
        if (is_first_after_write)
            check_write_landing(c, shift, now);
    } else {
        fit_push(c, s, mid2, width);
        fit_solve(c);
    }

    if (c->state == CLOCK_STATE_UNSET) {
        int64_t theta;
        bool is_far;

        if (!c->has_time) {
            /* First edge since boot: the RTC's count is the time, trim from here. */
            c->target_offset_ns = 0;
            c->written_offset_ns = 0;
            c->trim_anchor_s = s;
        }
        theta = clock_ticks_to_ns(c, now) - served_ideal_ns(c, now);
        is_far = theta > CLOCK_STEP_THRESHOLD_NS || theta < -CLOCK_STEP_THRESHOLD_NS;
        if (!c->has_time || is_far) {
            served_step_to_fit(c, now);
            if (c->has_time)
                status_notice(c, CLOCK_REASON_RTC_STEPPED, 0, now);
        } else {
            served_replan(c, now);
        }
        if (c->last_set_source == CLOCK_SOURCE_NONE) {
            c->last_set_source = CLOCK_SOURCE_RTC_AT_BOOT;
            c->last_set_unix_s = s;
        }
        c->has_time = true;
        c->is_coarse = false;
        status_set_state(c, CLOCK_STATE_SYNCED, CLOCK_REASON_RTC_EDGE, now);
    } else {
        served_replan(c, now);
    }
    c->update_ticks = now;
    c->ref_ns = clock_ticks_to_ns(c, now);
    schedule_window(c, s + 1);
}

int clock_feed_rtc(struct clock *c, const struct clock_rtc_sample *s)
{
    struct clock_rtc_sample sample;
    uint64_t now;
    int err;

    if (s == NULL || s->tick_after < s->tick_before)
        return -EINVAL;
    if (c->write_kind != WRITE_NONE)
        return 0; /* the RTC is about to change: nothing to learn */
    now = s->tick_after;
    err = s->err;
    if (err > 0)
        err = -EIO;
    if (err == 0) {
        sample = *s;
        sample.unix_s = rtc_unfold_s(s->unix_s, century_lo_s(century_ref_s(c, now)));
        s = &sample;
    }
    if (err == 0 && s->unix_s < c->cfg.min_valid_unix_s)
        err = -ENODATA;
    /* Right after a write the RTC may be anywhere: the next edge tells. */
    if (err == 0 && !c->has_write_point && is_inconsistent(c, s))
        err = ERR_INCONSISTENT;
    if (err != 0) {
        rtc_failed(c, now, err);
        return 0;
    }
    rtc_good(c, now);

    if (!c->has_time && !c->is_coarse) {
        /* Until the edge is found, serve the reading (a lower bound). */
        served_reset(c, now, s->unix_s * NS_PER_S, c->ideal_mult_q32);
        c->is_coarse = true;
        served_plan_leap(c);
    }

    if (c->has_prev && s->unix_s == c->prev_s + 1) {
        uint64_t width = s->tick_after - c->prev_before;
        uint64_t mid2 = c->prev_before + s->tick_after;

        if (width <= us_to_ticks(c, CLOCK_EDGE_MAX_WIDTH_US))
            take_edge(c, s->unix_s, mid2, width, now);
        else
            rtc_sched_continuous(c); /* the edge came outside the window */
    } else if (c->has_prev && s->unix_s < c->prev_s) {
        rtc_failed(c, now, ERR_INCONSISTENT);
        return 0;
    }
    c->has_prev = true;
    c->prev_s = s->unix_s;
    c->prev_before = s->tick_before;
    return 0;
}

bool clock_is_rtc_read_due(const struct clock *c, uint64_t now_ticks)
{
    bool is_in_window = c->is_window_mode && now_ticks >= c->window_open;

    if (c->write_kind != WRITE_NONE)
        return false;
    if (c->is_last_read_error && now_ticks < c->retry_at && !is_in_window)
        return false;
    return !c->is_window_mode || is_in_window;
}

/* ------------------------------------------------------------ RTC writing -- */

/* The time an RTC write is aligned on: the served time, or where it is slewing. */
static int64_t write_aligned_ns(const struct clock *c, uint64_t ticks)
{
    if (c->write_kind == WRITE_REPHASE && c->has_fit)
        return served_ideal_ns(c, ticks);
    return clock_ticks_to_ns(c, ticks);
}

void rtc_sched_write(struct clock *c, enum write_kind kind, uint64_t now)
{
    c->write_kind = (uint8_t)kind;
    c->write_armed_s = wide_floor_div_s64(write_aligned_ns(c, now), NS_PER_S);
}

int clock_rtc_write_due(const struct clock *c, uint64_t now_ticks, int64_t *rtc_unix_s)
{
    int64_t a, sec;

    if (c->write_kind == WRITE_NONE)
        return -EAGAIN;
    if (c->is_leap_armed && now_ticks >= c->leap_tick)
        return -EAGAIN; /* not inside 23:59:60 */
    a = write_aligned_ns(c, now_ticks);
    sec = wide_floor_div_s64(a, NS_PER_S);
    if (sec > c->write_armed_s && a - sec * NS_PER_S < (int64_t)CLOCK_WRITE_LATE_MAX_US * 1000) {
        *rtc_unix_s = rtc_fold_s(sec);
        return 0;
    }
    return -EAGAIN;
}

int clock_rtc_written(struct clock *c, int64_t rtc_unix_s, uint64_t tick_before,
                      uint64_t tick_after, int err)
{
    enum write_kind kind = (enum write_kind)c->write_kind;
    uint64_t mid;

    if (kind == WRITE_NONE || tick_after < tick_before)
        return -EINVAL;
    /* The served second it was written for (the RTC got it folded). */
    rtc_unix_s = rtc_unfold_s(
        rtc_unix_s, century_lo_s(wide_floor_div_s64(write_aligned_ns(c, tick_before), NS_PER_S)));
    if (err != 0) {
        rtc_failed(c, tick_after, err < 0 ? err : -EIO);
        c->write_armed_s = rtc_unix_s; /* again on a later second */
        return 0;
    }
    /*
     * A first guess, as a real chip behaves: the write is an edge (the
     * divider restarted at the seconds byte, somewhere inside [before,
     * after]; take the middle). It came a little after the second it was
     * aligned on (one loop iteration and half the transfer): keep that as
     * the RTC's known offset instead of slewing it out, or every re-phase
     * would pull the served time back by its latency and the losses would
     * add up. The RTC is then read back to back until its next edge, which
     * measures where the write really put it (take_edge absorbs the
     * difference into the offset): the first edge of QEMU's ds1338 comes at
     * the host's next second boundary, anywhere up to a second early.
     */
    mid = tick_before + (tick_after - tick_before) / 2u;
    c->target_offset_ns = write_aligned_ns(c, mid) - rtc_unix_s * NS_PER_S;
    c->written_offset_ns = c->target_offset_ns;
    c->trim_anchor_s = rtc_unix_s;
    c->write_kind = WRITE_NONE;
    c->writes++;
    rtc_good(c, tick_after);
    fit_clear(c);
    fit_push(c, rtc_unix_s, tick_before + tick_after, tick_after - tick_before);
    fit_solve(c);
    c->has_write_point = true;
    c->has_prev = false;
    c->update_ticks = tick_after;
    c->ref_ns = clock_ticks_to_ns(c, tick_after);
    rtc_sched_continuous(c);

    c->absorb_edges = c->is_rate_known ? CLOCK_REPHASE_ABSORB_EDGES : 1;
    if (kind == WRITE_SET) {
        c->has_time = true;
        c->is_coarse = false;
        if (c->state != CLOCK_STATE_SYNCED)
            status_set_state(c, CLOCK_STATE_SYNCED, CLOCK_REASON_TIME_SET, tick_after);
        else
            status_notice(c, CLOCK_REASON_TIME_SET, 0, tick_after);
    } else {
        status_notice(c, CLOCK_REASON_RTC_WRITTEN, 0, tick_after);
    }
    return 0;
}

/* -------------------------------------------------------- when to call in -- */

int64_t clock_ticks_until_due(const struct clock *c, uint64_t now_ticks)
{
    uint64_t best = INT64_MAX;

    if (c->write_kind != WRITE_NONE) {
        int64_t a = write_aligned_ns(c, now_ticks);
        int64_t sec = wide_floor_div_s64(a, NS_PER_S);
        int64_t next = sec > c->write_armed_s ? sec + 1 : c->write_armed_s + 1;
        uint64_t mult = c->seg[served_seg_index(c, now_ticks)].mult_q32;
        int64_t dt;

        if (sec > c->write_armed_s && a - sec * NS_PER_S < (int64_t)CLOCK_WRITE_LATE_MAX_US * 1000)
            return 0;
        dt = next * NS_PER_S - a;
        if (c->write_kind == WRITE_REPHASE && c->has_fit)
            mult = c->ideal_mult_q32;
        best = wide_muldiv_u64((uint64_t)dt, (uint64_t)1 << 32, mult);
    } else {
        if (clock_is_rtc_read_due(c, now_ticks))
            return 0;
        if (c->is_window_mode && c->window_open > now_ticks && c->window_open - now_ticks < best)
            best = c->window_open - now_ticks;
        if (c->is_last_read_error && c->retry_at > now_ticks && c->retry_at - now_ticks < best)
            best = c->retry_at - now_ticks;
    }
    if (c->is_window_mode && c->window_close > now_ticks && c->window_close - now_ticks < best)
        best = c->window_close - now_ticks + 1u;
    if (c->is_leap_armed && c->leap_end >= now_ticks && c->leap_end - now_ticks < best)
        best = c->leap_end - now_ticks;
    return (int64_t)best;
}
