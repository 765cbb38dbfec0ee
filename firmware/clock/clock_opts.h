/*
 * The clock's options, with their defaults, in the lwIP style: a board or
 * the command line may define any of them first. Included by clock.h.
 */
#ifndef CLOCK_CLOCK_OPTS_H
#define CLOCK_CLOCK_OPTS_H

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

/*
 * Captured edges (the RTC's square wave on a timer input): the clock polls
 * no more while one has come within this long, ms (a second and a half: one
 * missed edge is not yet a wire gone).
 */
#ifndef CLOCK_CAPTURE_STALE_MS
#define CLOCK_CAPTURE_STALE_MS 1500
#endif

/*
 * A captured edge further than this from the fitted line is an outlier
 * (a glitch on the wire), us; the fit's own spread is added.
 */
#ifndef CLOCK_CAPTURE_TOL_US
#define CLOCK_CAPTURE_TOL_US 50
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
 * "RTC writes" in clock_internal.h); the rest refine it. Only the first while the
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

#endif /* CLOCK_CLOCK_OPTS_H */
