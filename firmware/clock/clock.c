/*
 * Timekeeping: the clock's setup, its housekeeping once per main-loop
 * iteration (clock_poll()) and the operator's and upstream's actions (set,
 * adjust). The interface is clock.h; how the discipline works is told in
 * clock_internal.h. The work is in served.c (the served time), fit.c (the
 * edge fit), rtc_sched.c (reading and writing the RTC) and status.c
 * (events and status).
 */
#include "clock/clock_internal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define TRIM_MAX_PPB  500000 /* same bound as the settings (config.c) */
#define DRIFT_MAX_PPB 1000000

/* ------------------------------------------------------------------ setup -- */

static int check_config(const struct clock_config *cfg)
{
    if (cfg == NULL || cfg->tick_hz == 0)
        return -EINVAL;
    if (cfg->trim_ppb > TRIM_MAX_PPB || cfg->trim_ppb < -TRIM_MAX_PPB)
        return -EINVAL;
    if (cfg->rtc_drift_ppb > DRIFT_MAX_PPB)
        return -EINVAL;
    return 0;
}

int clock_init(struct clock *c, const struct clock_config *cfg)
{
    int err = check_config(cfg);
    uint32_t hz;

    if (err != 0)
        return err;
    memset(c, 0, sizeof(*c));
    c->cfg = *cfg;
    /* ceil(log2(1 / hz)) = -floor(log2(hz)) */
    hz = cfg->tick_hz;
    while (hz > 1) {
        hz >>= 1;
        c->precision_log2--;
    }
    c->rate_q16 = nominal_rate_q16(c);
    c->ideal_mult_q32 = fit_rate_to_mult(c, c->rate_q16);
    served_reset(c, 0, cfg->min_valid_unix_s * NS_PER_S, c->ideal_mult_q32);
    c->state = CLOCK_STATE_UNSET;
    return 0;
}

int clock_update_config(struct clock *c, uint64_t now_ticks, const struct clock_config *cfg)
{
    int err = check_config(cfg);

    if (err != 0)
        return err;
    if (cfg->tick_hz != c->cfg.tick_hz)
        return -EINVAL;
    if (cfg->trim_ppb != c->cfg.trim_ppb) {
        /* Keep the target continuous: fold the trim so far into the offset. */
        int64_t s0 = c->has_fit ? fit_rtc_second_at(c, now_ticks) : c->trim_anchor_s;
        c->target_offset_ns += (s0 - c->trim_anchor_s) * c->cfg.trim_ppb;
        c->trim_anchor_s = s0;
    }
    c->cfg = *cfg;
    c->ideal_mult_q32 = fit_rate_to_mult(c, c->rate_q16);
    served_replan(c, now_ticks);
    return 0;
}

static bool is_source_valid(enum clock_source source)
{
    return source == CLOCK_SOURCE_OPERATOR || source == CLOCK_SOURCE_UPSTREAM ||
           source == CLOCK_SOURCE_RTC_AT_BOOT;
}

int clock_restore_last_set(struct clock *c, int64_t unix_s, enum clock_source source)
{
    if (source != CLOCK_SOURCE_NONE && !is_source_valid(source))
        return -EINVAL;
    c->last_set_unix_s = source == CLOCK_SOURCE_NONE ? 0 : unix_s;
    c->last_set_source = source;
    return 0;
}

/* ------------------------------------------------------- operator actions -- */

int clock_set_time(struct clock *c, uint64_t now_ticks, int64_t unix_ns, enum clock_source source)
{
    if (!is_source_valid(source) || unix_ns < c->cfg.min_valid_unix_s * NS_PER_S)
        return -EINVAL;
    served_reset(c, now_ticks, unix_ns, c->ideal_mult_q32);
    fit_clear(c);
    c->has_prev = false;
    c->is_coarse = false;
    c->last_set_unix_s = wide_floor_div_s64(unix_ns, NS_PER_S);
    c->last_set_source = source;
    c->ref_ns = unix_ns;
    c->write_misses = 0;
    c->last_good_ticks = now_ticks; /* holdover counts from the set until the RTC takes it */
    if (c->leap != CLOCK_LEAP_NONE && c->leap_at_s * NS_PER_S <= unix_ns)
        c->leap = CLOCK_LEAP_NONE; /* already behind us */
    rtc_sched_write(c, WRITE_SET, now_ticks);
    served_plan_leap(c);
    return 0;
}

int clock_adjust_time(struct clock *c, uint64_t now_ticks, int64_t delta_ns,
                      enum clock_source source)
{
    if (!is_source_valid(source) || delta_ns > CLOCK_ADJUST_MAX_NS ||
        delta_ns < -CLOCK_ADJUST_MAX_NS)
        return -EINVAL;
    if (c->write_kind == WRITE_SET)
        return -EBUSY;
    if (c->state == CLOCK_STATE_UNSET || !c->has_fit)
        return -ENODATA;
    c->target_offset_ns += delta_ns;
    c->write_misses = 0;
    c->last_set_unix_s = wide_floor_div_s64(clock_ticks_to_ns(c, now_ticks) + delta_ns, NS_PER_S);
    c->last_set_source = source;
    served_replan(c, now_ticks);
    rtc_sched_write(c, WRITE_REPHASE, now_ticks);
    status_notice(c, CLOCK_REASON_TIME_ADJUSTED, 0, now_ticks);
    return 0;
}

/* --------------------------------------------------------------- the loop -- */

void clock_poll(struct clock *c, uint64_t now_ticks)
{
    if (served_leap_commit(c, now_ticks))
        served_replan(c, now_ticks);
    if (c->leap != CLOCK_LEAP_NONE && !c->is_leap_armed) {
        served_plan_leap(c);
        if (!c->is_leap_armed && clock_ticks_to_ns(c, now_ticks) >= c->leap_at_s * NS_PER_S) {
            c->leap = CLOCK_LEAP_NONE; /* stepped past it while UNSET: nothing to serve */
            c->leap_at_s = 0;
        }
    }

    if (c->is_window_mode && now_ticks > c->window_close)
        rtc_sched_continuous(c);

    if (c->state != CLOCK_STATE_UNSET && now_ticks > c->last_good_ticks &&
        now_ticks - c->last_good_ticks > (uint64_t)CLOCK_HOLDOVER_S * c->cfg.tick_hz) {
        status_set_state(c, CLOCK_STATE_UNSET,
                         c->last_err == -ENODATA ? CLOCK_REASON_RTC_INVALID
                                                 : CLOCK_REASON_RTC_FAILED,
                         now_ticks);
        fit_clear(c);
        c->has_prev = false;
        if (c->write_kind == WRITE_REPHASE)
            c->write_kind = WRITE_NONE; /* nothing to align it on any more */
        rtc_sched_continuous(c);
    }

    /* The rest divides: a few times a second is plenty. */
    if (now_ticks < c->next_check_ticks)
        return;
    c->next_check_ticks = now_ticks + c->cfg.tick_hz / 8u;

    if (c->state != CLOCK_STATE_UNSET) {
        uint64_t disp = status_root_disp_ns(c, now_ticks);
        uint64_t max = (uint64_t)c->cfg.strict_max_disp_us * 1000u;

        if (c->state == CLOCK_STATE_SYNCED && c->cfg.strict && disp > max)
            status_set_state(c, CLOCK_STATE_EXPIRED, CLOCK_REASON_STRICT_EXPIRED, now_ticks);
        else if (c->state == CLOCK_STATE_EXPIRED && (!c->cfg.strict || disp <= max - max / 8u))
            status_set_state(c, CLOCK_STATE_SYNCED, CLOCK_REASON_STRICT_MET, now_ticks);
    }

    /*
     * Keep the RTC's own count within CLOCK_REPHASE_NS of the time it
     * stands for, but for what the last write left (another write would
     * leave as much): the trim moves them apart steadily; a leap second
     * committed while the RTC was failing leaves a whole second.
     */
    if (c->has_fit && !c->has_write_point && c->state != CLOCK_STATE_UNSET &&
        c->write_kind == WRITE_NONE) {
        int64_t off = c->target_offset_ns - c->written_offset_ns +
                      (fit_rtc_second_at(c, now_ticks) - c->trim_anchor_s) * c->cfg.trim_ppb;
        if (off >= CLOCK_REPHASE_NS || off <= -CLOCK_REPHASE_NS)
            rtc_sched_write(c, WRITE_REPHASE, now_ticks);
    }
}
