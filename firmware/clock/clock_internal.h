/*
 * Private to firmware/clock/: what clock.c, served.c, fit.c, rtc_sched.c
 * and status.c share. Nothing outside the module includes it (a unit test
 * may, to look at state). The public interface is clock.h.
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
 * Fixed-point conventions: _q32 has 32 fraction bits, rate_q16 is counter
 * ticks per RTC second with 16, fit residuals and intercepts are ticks with
 * 8 (_q8). 128-bit intermediates are done by hand (lib/wide.h) because the
 * Cortex-M3 has neither 128-bit types nor an FPU.
 */
#ifndef CLOCK_CLOCK_INTERNAL_H
#define CLOCK_CLOCK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "clock/clock.h"
#include "lib/wide.h"

#define NS_PER_S        1000000000LL
#define SECONDS_PER_DAY 86400

enum write_kind {
    WRITE_NONE = 0,
    WRITE_SET,     /* aligned on the served time, which was just stepped */
    WRITE_REPHASE, /* aligned on the target time the served time slews to */
};

/* ------------------------------------------------------------------ units -- */

/* Returns ticks counter ticks in ns, at most UINT32_MAX. */
static inline uint32_t ticks_to_ns_u32(const struct clock *c, uint64_t ticks)
{
    uint64_t ns = wide_muldiv_u64(ticks, NS_PER_S, c->cfg.tick_hz);

    return ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

/* Returns the nominal counter ticks per RTC second, 16 fraction bits. */
static inline uint64_t nominal_rate_q16(const struct clock *c)
{
    return (uint64_t)c->cfg.tick_hz << 16;
}

/* --------------------------------------------------------------- served.c -- */

/* Returns the index of the segment that converts ticks. */
unsigned served_seg_index(const struct clock *c, uint64_t ticks);

/* Starts the served time afresh: ns at ticks, mult_q32 ns per tick, no leap armed. */
void served_reset(struct clock *c, uint64_t ticks, int64_t ns, uint64_t mult_q32);

/* Returns where the served time should be at ticks, on the fitted line (needs has_fit). */
int64_t served_ideal_ns(const struct clock *c, uint64_t ticks);

/* Adds a pending leap second to the plan once the served time is near it. */
void served_plan_leap(struct clock *c);

/* Re-plans the served time from now: slew onto the fitted line, then its rate. */
void served_replan(struct clock *c, uint64_t now);

/* Steps the served time to the fitted line at now (boot, UNSET only). */
void served_step_to_fit(struct clock *c, uint64_t now);

/* Commits a leap second whose served part is over. Returns true if it did. */
bool served_leap_commit(struct clock *c, uint64_t now);

/* ------------------------------------------------------------------ fit.c -- */

/* Returns the RTC's own time (ns, its count plus the fitted fraction) at ticks. */
int64_t fit_rtc_ns_at(const struct clock *c, uint64_t ticks);

/* Returns the RTC second counting at ticks, per the fit. */
int64_t fit_rtc_second_at(const struct clock *c, uint64_t ticks);

/* Returns the counter tick at which RTC second s should begin, per the fit. */
uint64_t fit_edge_tick(const struct clock *c, int64_t s);

/* Returns served ns per tick (32 fraction bits) for a rate and the trim. */
uint64_t fit_rate_to_mult(const struct clock *c, uint64_t rate_q16);

/* Forgets every edge (the rate in hand stays). */
void fit_clear(struct clock *c);

/* Adds the edge of RTC second s, bracketed by [mid2 - width, mid2 + width] / 2. */
void fit_push(struct clock *c, int64_t s, uint64_t mid2, uint64_t width);

/* Fits the line through the stored edges (rate, phase, residual). */
void fit_solve(struct clock *c);

/* Feeds a new edge to the rate-change detector; restarts the rate on alarm. */
void fit_watch_rate_change(struct clock *c, int64_t s, uint64_t mid2, uint64_t width);

/* ------------------------------------------------------------ rtc_sched.c -- */

/* Asks for an RTC write of the given kind on the next aligned second. */
void rtc_sched_write(struct clock *c, enum write_kind kind, uint64_t now);

/* Asks for RTC reads back to back (no window) until the next edge. */
void rtc_sched_continuous(struct clock *c);

/* --------------------------------------------------------------- status.c -- */

/* Moves to state to, queueing the event, unless already there. */
void status_set_state(struct clock *c, enum clock_state to, enum clock_reason reason, uint64_t now);

/* Queues a notice (an event that is not a state change). */
void status_notice(struct clock *c, enum clock_reason reason, int err, uint64_t now);

/* Returns the root dispersion at now, ns. */
uint64_t status_root_disp_ns(const struct clock *c, uint64_t now);

#endif /* CLOCK_CLOCK_INTERNAL_H */
