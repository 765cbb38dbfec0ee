/*
 * Status and events: the queue of state changes and notices the main loop
 * drains, the root dispersion, clock_get_status(), and the names of
 * states, reasons and sources for the log and the console.
 */
#include "clock/clock_internal.h"

#include <errno.h>
#include <string.h>

#include "ntp/ntp_time.h"

_Static_assert(CLOCK_EVENT_QUEUE_LEN >= 1 && CLOCK_EVENT_QUEUE_LEN <= 255, "event queue");

/* ----------------------------------------------------------------- events -- */

/*
 * Queues an event, dropping the oldest when full. Kept out of line: one
 * copy serves status_set_state() and status_notice(); LTO would otherwise
 * inline it into both, 52 bytes more flash.
 */
static __attribute__((noinline)) void push_event(struct clock *c, enum clock_state from,
                                                 enum clock_state to, enum clock_reason reason,
                                                 int err, uint64_t now)
{
    unsigned slot;

    if (c->ev_count == CLOCK_EVENT_QUEUE_LEN) {
        c->ev_first = (uint8_t)((c->ev_first + 1u) % CLOCK_EVENT_QUEUE_LEN);
        c->ev_count--;
        c->ev_dropped++;
    }
    slot = (c->ev_first + c->ev_count) % CLOCK_EVENT_QUEUE_LEN;
    c->events[slot].from = from;
    c->events[slot].to = to;
    c->events[slot].reason = reason;
    c->events[slot].err = err;
    c->events[slot].at_ns = clock_ticks_to_ns(c, now);
    c->ev_count++;
}

void status_set_state(struct clock *c, enum clock_state to, enum clock_reason reason, uint64_t now)
{
    if (c->state == to)
        return;
    push_event(c, c->state, to, reason, 0, now);
    c->state = to;
}

void status_notice(struct clock *c, enum clock_reason reason, int err, uint64_t now)
{
    push_event(c, c->state, c->state, reason, err, now);
}

int clock_pop_event(struct clock *c, struct clock_event *ev)
{
    if (c->ev_count == 0)
        return -EAGAIN;
    *ev = c->events[c->ev_first];
    c->ev_first = (uint8_t)((c->ev_first + 1u) % CLOCK_EVENT_QUEUE_LEN);
    c->ev_count--;
    return 0;
}

/* ----------------------------------------------------------------- status -- */

uint64_t status_root_disp_ns(const struct clock *c, uint64_t now)
{
    uint64_t ns = wide_muldiv_u64_ceil(NS_PER_S, 1, c->cfg.tick_hz); /* one tick */
    uint64_t since;

    if (c->has_fit) {
        unsigned n = c->edge_count ? c->edge_count : 1u;
        ns += c->min_half_width_ns;
        /* 4 * residual / sqrt(n), in 32 bits: no 64-bit division in the main loop's passes. */
        uint32_t r4 = c->residual_ns > UINT32_MAX / 4u ? UINT32_MAX : 4u * c->residual_ns;
        ns += r4 / (uint32_t)wide_isqrt_u64(n);
        ns += wide_abs_u64(clock_ticks_to_ns(c, now) - served_ideal_ns(c, now));
    }
    since = now > c->update_ticks ? now - c->update_ticks : 0;
    ns += wide_muldiv_u64(since, CLOCK_PHI_PPB, c->cfg.tick_hz); /* PHI * elapsed s, in ns */
    if (c->cfg.strict && c->last_set_source != CLOCK_SOURCE_NONE) {
        uint32_t rem;
        int64_t age_s = ntp_time_split_ns(clock_ticks_to_ns(c, now), &rem) - c->last_set_unix_s;
        if (age_s > 0)
            ns += (uint64_t)age_s * c->cfg.rtc_drift_ppb; /* ppb * s = ns */
    }
    return ns;
}

static uint32_t ns_to_us_ceil(uint64_t ns)
{
    uint64_t us = ns >= UINT64_MAX - 999u ? UINT64_MAX : wide_div_u64_u16(ns + 999u, 1000u, NULL);

    return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

void clock_get_status(const struct clock *c, uint64_t now_ticks, struct clock_status *st)
{
    int64_t now_ns = clock_ticks_to_ns(c, now_ticks);

    memset(st, 0, sizeof(*st));
    st->state = c->state;
    st->now_ns = now_ns;
    st->precision_log2 = c->precision_log2;
    if (c->leap != CLOCK_LEAP_NONE) {
        st->leap_at_unix_s = c->leap_at_s;
        if (now_ns >= (c->leap_at_s - SECONDS_PER_DAY) * NS_PER_S)
            st->leap = c->leap;
    }
    st->ref_ns = c->ref_ns;
    st->root_disp_us = c->state == CLOCK_STATE_UNSET
                           ? CLOCK_DISP_MAX_US
                           : ns_to_us_ceil(status_root_disp_ns(c, now_ticks));
    st->freq_ppb = (int32_t)wide_muldiv_s64((int64_t)c->rate_q16 - (int64_t)nominal_rate_q16(c),
                                            NS_PER_S, (int64_t)nominal_rate_q16(c));
    st->edge_unc_ns = c->last_edge_unc_ns;
    st->residual_ns = c->residual_ns;
    st->fit_points = c->edge_count;
    if (c->has_fit) {
        st->slew_left_ns = served_ideal_ns(c, now_ticks) - now_ns;
        st->rtc_offset_ns = now_ns - fit_rtc_ns_at(c, now_ticks);
    }
    st->last_set_unix_s = c->last_set_unix_s;
    st->last_set_source = c->last_set_source;
    if (c->last_set_source != CLOCK_SOURCE_NONE) {
        uint32_t rem;
        int64_t age = ntp_time_split_ns(now_ns, &rem) - c->last_set_unix_s;
        st->age_s = age > 0 ? age : 0;
    }
    st->rtc_drift_ppb = c->cfg.rtc_drift_ppb;
    st->trim_ppb = c->cfg.trim_ppb;
    st->rtc_last_err = c->last_err;
    if (c->last_err != 0 && c->has_good && now_ticks > c->last_good_ticks)
        st->rtc_fail_s = (uint32_t)((now_ticks - c->last_good_ticks) / c->cfg.tick_hz);
    st->edges = c->edges;
    st->rate_changes = c->rate_changes;
    st->events_dropped = c->ev_dropped;
    st->rtc_writes = c->writes;
    st->is_capture_live = rtc_sched_capture_live(c, now_ticks);
    st->captured_edges = c->capture_edges;
    st->capture_rejected = c->capture_rejected;
}

/* ------------------------------------------------------------------ names -- */

const char *clock_state_name(enum clock_state state)
{
    switch (state) {
    case CLOCK_STATE_UNSET: return "UNSET";
    case CLOCK_STATE_SYNCED: return "SYNCED";
    case CLOCK_STATE_EXPIRED: return "EXPIRED";
    }
    return "?";
}

const char *clock_reason_name(enum clock_reason reason)
{
    switch (reason) {
    case CLOCK_REASON_RTC_EDGE: return "rtc edge found";
    case CLOCK_REASON_TIME_SET: return "time set";
    case CLOCK_REASON_TIME_ADJUSTED: return "time adjusted";
    case CLOCK_REASON_RTC_FAILED: return "rtc failed";
    case CLOCK_REASON_RTC_INVALID: return "rtc time invalid";
    case CLOCK_REASON_RTC_ERROR: return "rtc error";
    case CLOCK_REASON_RTC_STEPPED: return "stepped to rtc";
    case CLOCK_REASON_RTC_WRITTEN: return "rtc re-phased";
    case CLOCK_REASON_STRICT_EXPIRED: return "strict dispersion bound exceeded";
    case CLOCK_REASON_STRICT_MET: return "within strict dispersion bound";
    case CLOCK_REASON_LEAP_INSERTED: return "leap second inserted";
    case CLOCK_REASON_LEAP_DELETED: return "leap second deleted";
    }
    return "?";
}

const char *clock_source_name(enum clock_source source)
{
    switch (source) {
    case CLOCK_SOURCE_NONE: return "none";
    case CLOCK_SOURCE_OPERATOR: return "operator";
    case CLOCK_SOURCE_UPSTREAM: return "upstream";
    case CLOCK_SOURCE_RTC_AT_BOOT: return "rtc-at-boot";
    }
    return "?";
}
