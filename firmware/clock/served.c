/*
 * Served time: the time of day clients get, as a short list of straight
 * segments in counter ticks (struct clock_segment), planned ahead: the
 * segment in use when the plan was made (so frames stamped just before
 * still convert as they would have), a slew segment, the fitted rate, and
 * an inserted or deleted leap second. clock_ticks_to_ns() only picks a
 * segment and multiplies. The plan is made again (served_replan()) after
 * every RTC edge, adjustment or settings change; leap seconds are
 * scheduled and committed here too.
 */
#include "clock/clock_internal.h"

#include <errno.h>

#include "lib/calendar.h"
#include "ntp/ntp_time.h"

/* Arm a leap second only when the served time will reach it within this. */
#define LEAP_HORIZON_NS (3LL * SECONDS_PER_DAY * NS_PER_S)

_Static_assert(CLOCK_SLEW_MAX_PPB > 0 && CLOCK_SLEW_MAX_PPB < 100000000, "slew limit");

/* --------------------------------------------------------------- segments -- */

static int64_t seg_eval(const struct clock_segment *s, uint64_t ticks)
{
    if (ticks >= s->start_ticks)
        return s->start_ns + (int64_t)wide_mul_q32(ticks - s->start_ticks, s->mult_q32);
    return s->start_ns - (int64_t)wide_mul_q32(s->start_ticks - ticks, s->mult_q32);
}

unsigned served_seg_index(const struct clock *c, uint64_t ticks)
{
    unsigned i = c->n_seg - 1u;

    while (i > 0 && ticks < c->seg[i].start_ticks)
        i--;
    return i;
}

int64_t clock_ticks_to_ns(const struct clock *c, uint64_t ticks)
{
    return seg_eval(&c->seg[served_seg_index(c, ticks)], ticks);
}

/* Fills the segment's NTP line from its ns line (after any change to it). */
static void seg_set_ntp(struct clock_segment *s)
{
    s->start_ntp = ntp_time_ts_from_unix_ns(s->start_ns);
    /* 2^32 NTP units per 10^9 ns. */
    s->mult_ntp_q32 = wide_muldiv_u64(s->mult_q32, (uint64_t)1 << 32, NS_PER_S);
}

static uint64_t seg_eval_ntp(const struct clock_segment *s, uint64_t ticks)
{
    if (ticks >= s->start_ticks)
        return s->start_ntp + wide_mul_q32(ticks - s->start_ticks, s->mult_ntp_q32);
    return s->start_ntp - wide_mul_q32(s->start_ticks - ticks, s->mult_ntp_q32);
}

uint64_t clock_ticks_to_ntp(const struct clock *c, uint64_t ticks)
{
    return seg_eval_ntp(&c->seg[served_seg_index(c, ticks)], ticks);
}

uint64_t clock_ticks_to_ntp_rate(const struct clock *c, uint64_t ticks, uint32_t *per_tick_q16)
{
    const struct clock_segment *s = &c->seg[served_seg_index(c, ticks)];
    uint64_t q16 = s->mult_ntp_q32 >> 16;

    *per_tick_q16 = q16 > UINT32_MAX ? UINT32_MAX : (uint32_t)q16;
    return seg_eval_ntp(s, ticks);
}

void served_reset(struct clock *c, uint64_t ticks, int64_t ns, uint64_t mult_q32)
{
    c->seg[0].start_ticks = ticks;
    c->seg[0].start_ns = ns;
    c->seg[0].mult_q32 = mult_q32;
    seg_set_ntp(&c->seg[0]);
    c->n_seg = 1;
    c->is_leap_armed = false;
}

/* Starts a new segment at ticks, continuing the served time from there. */
static void seg_append(struct clock *c, uint64_t ticks, uint64_t mult_q32)
{
    struct clock_segment *last = &c->seg[c->n_seg - 1];
    struct clock_segment *s;

    if (ticks <= last->start_ticks) {
        /* Replaces a segment that would never be used. */
        s = last;
        s->start_ns = seg_eval(c->n_seg > 1 ? &c->seg[c->n_seg - 2] : last, ticks);
    } else {
        if (c->n_seg >= CLOCK_SEGMENTS)
            return; /* cannot happen: plans use at most 5 */
        s = &c->seg[c->n_seg++];
        s->start_ns = seg_eval(last, ticks);
    }
    s->start_ticks = ticks;
    s->mult_q32 = mult_q32;
    seg_set_ntp(s);
}

/* ---------------------------------------------------------------- targets -- */

/* Served time that RTC second s should begin at. */
static int64_t target_ns(const struct clock *c, int64_t s)
{
    return s * NS_PER_S + c->target_offset_ns + (s - c->trim_anchor_s) * c->cfg.trim_ppb;
}

/* Where the served time should be at ticks, on the fitted line (needs has_fit). */
int64_t served_ideal_ns(const struct clock *c, uint64_t ticks)
{
    int64_t base = target_ns(c, c->fit_s);
    int64_t frac_ns = (int64_t)(wide_mul_q32(c->fit_frac_q8, c->ideal_mult_q32) >> 8);

    if (ticks >= c->fit_tick)
        return base + (int64_t)wide_mul_q32(ticks - c->fit_tick, c->ideal_mult_q32) - frac_ns;
    return base - (int64_t)wide_mul_q32(c->fit_tick - ticks, c->ideal_mult_q32) - frac_ns;
}

/* --------------------------------------------------------------- planning -- */

/* Truncates the plan where the served time reaches the leap and adds it. */
void served_plan_leap(struct clock *c)
{
    int64_t x_ns;
    unsigned i;
    uint64_t t, mult;

    if (c->leap == CLOCK_LEAP_NONE || c->is_leap_armed)
        return;
    x_ns = c->leap_at_s * NS_PER_S - (c->leap == CLOCK_LEAP_DELETE ? NS_PER_S : 0);
    i = c->n_seg - 1u;
    while (i > 0 && c->seg[i].start_ns > x_ns)
        i--;
    if (c->seg[i].start_ns > x_ns || x_ns - c->seg[i].start_ns > LEAP_HORIZON_NS)
        return;
    t = c->seg[i].start_ticks + wide_muldiv_u64_ceil((uint64_t)(x_ns - c->seg[i].start_ns),
                                                     (uint64_t)1 << 32, c->seg[i].mult_q32);
    if (i + 1u < c->n_seg && t > c->seg[i + 1u].start_ticks)
        t = c->seg[i + 1u].start_ticks;
    c->n_seg = (uint8_t)(i + 1u);
    mult = c->has_fit ? c->ideal_mult_q32 : c->seg[i].mult_q32;

    if (c->leap == CLOCK_LEAP_INSERT) {
        /* Hold: the served time creeps through the inserted second. */
        uint64_t hold_mult = mult >> CLOCK_LEAP_HOLD_LOG2;
        uint64_t hold_ticks = wide_muldiv_u64_ceil(NS_PER_S, (uint64_t)1 << 32, mult);
        struct clock_segment *s;

        seg_append(c, t, hold_mult);
        s = &c->seg[c->n_seg - 1];
        s->start_ns = x_ns; /* the crossing itself, not the tick's rounding */
        seg_set_ntp(s);
        seg_append(c, t + hold_ticks, mult);
        c->leap_tick = t;
        c->leap_end = t + hold_ticks;
    } else {
        struct clock_segment *s;

        seg_append(c, t, mult);
        s = &c->seg[c->n_seg - 1];
        s->start_ns = x_ns + NS_PER_S; /* 23:59:59 is skipped */
        seg_set_ntp(s);
        c->leap_tick = t;
        c->leap_end = t;
    }
    c->is_leap_armed = true;
}

/*
 * Re-plans the served time from now: keep the segment in use (for stamps
 * taken before now), slew the phase error onto the fitted line at up to
 * CLOCK_SLEW_MAX_PPB over about CLOCK_SLEW_TAU_MS, then run at the fitted
 * rate. Leaves an inserted leap second that has begun alone.
 */
void served_replan(struct clock *c, uint64_t now)
{
    struct clock_segment hist;
    int64_t theta, rate_ppb, dmult;
    uint64_t mult = c->ideal_mult_q32;

    if (c->is_leap_armed && now >= c->leap_tick)
        return;
    if (!c->has_fit)
        return;
    hist = c->seg[served_seg_index(c, now)];
    theta = seg_eval(&hist, now) - served_ideal_ns(c, now);

    if (theta > INT64_MAX / 1000 || theta < -(INT64_MAX / 1000))
        rate_ppb = theta > 0 ? CLOCK_SLEW_MAX_PPB : -CLOCK_SLEW_MAX_PPB;
    else
        rate_ppb = theta * 1000 / CLOCK_SLEW_TAU_MS;
    if (rate_ppb > CLOCK_SLEW_MAX_PPB)
        rate_ppb = CLOCK_SLEW_MAX_PPB;
    if (rate_ppb < -CLOCK_SLEW_MAX_PPB)
        rate_ppb = -CLOCK_SLEW_MAX_PPB;
    dmult = wide_muldiv_s64((int64_t)mult, rate_ppb, NS_PER_S);

    c->seg[0] = hist;
    c->n_seg = 1;
    c->is_leap_armed = false;
    if (dmult == 0) {
        seg_append(c, now, mult);
    } else {
        uint64_t slew_ticks =
            wide_muldiv_u64(wide_abs_u64(theta), (uint64_t)1 << 32, wide_abs_u64(dmult));
        seg_append(c, now, (uint64_t)((int64_t)mult - dmult));
        if (slew_ticks < UINT64_MAX - now)
            seg_append(c, now + slew_ticks, mult);
    }
    served_plan_leap(c);
}

/* Steps the served time to the fitted line at now (boot, UNSET only). */
void served_step_to_fit(struct clock *c, uint64_t now)
{
    served_reset(c, now, served_ideal_ns(c, now), c->ideal_mult_q32);
    served_plan_leap(c);
}

/* ----------------------------------------------------------- leap seconds -- */

int clock_schedule_leap(struct clock *c, uint64_t now_ticks, enum clock_leap leap,
                        int64_t at_unix_s)
{
    int64_t now_ns = clock_ticks_to_ns(c, now_ticks);

    if (c->is_leap_armed && now_ticks >= c->leap_tick)
        return -EINVAL; /* one is being served right now */
    if (leap == CLOCK_LEAP_NONE) {
        c->leap = CLOCK_LEAP_NONE;
        c->leap_at_s = 0;
    } else {
        if (leap != CLOCK_LEAP_INSERT && leap != CLOCK_LEAP_DELETE)
            return -EINVAL;
        if (wide_floor_div_s64(at_unix_s, SECONDS_PER_DAY) * SECONDS_PER_DAY != at_unix_s ||
            !calendar_is_last_day_of_month(at_unix_s / SECONDS_PER_DAY - 1))
            return -EINVAL;
        if ((at_unix_s - 1) * NS_PER_S <= now_ns)
            return -EINVAL; /* its last second has begun */
        c->leap = leap;
        c->leap_at_s = at_unix_s;
    }
    /* Drop any armed plan and plan again. */
    if (c->is_leap_armed) {
        c->is_leap_armed = false;
        if (c->has_fit)
            served_replan(c, now_ticks);
        else
            served_reset(c, now_ticks, now_ns, c->seg[served_seg_index(c, now_ticks)].mult_q32);
    }
    served_plan_leap(c);
    return 0;
}

/* Commits a leap second whose served part is over. Returns true if it did. */
bool served_leap_commit(struct clock *c, uint64_t now)
{
    bool is_insert = c->leap == CLOCK_LEAP_INSERT;

    if (!c->is_leap_armed || now < c->leap_end)
        return false;
    /* The RTC knows no leap seconds: it is now a second ahead (or behind). */
    c->target_offset_ns += is_insert ? -NS_PER_S : NS_PER_S;
    c->leap = CLOCK_LEAP_NONE;
    c->leap_at_s = 0;
    c->is_leap_armed = false;
    status_notice(c, is_insert ? CLOCK_REASON_LEAP_INSERTED : CLOCK_REASON_LEAP_DELETED, 0, now);
    if (c->has_fit && c->write_kind != WRITE_SET)
        rtc_sched_write(c, WRITE_REPHASE, now);
    return true;
}
