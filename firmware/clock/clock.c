/*
 * Timekeeping: disciplines the served time of day to the battery RTC's
 * second edges, measured against the free-running timestamp counter.
 *
 * Served time is a short list of straight segments in counter ticks
 * (struct clock_segment), planned ahead: the segment in use when the plan
 * was made (so frames stamped just before still convert as they would
 * have), a slew segment, the fitted rate, and an inserted or deleted leap
 * second. clock_ticks_to_ns() only picks a segment and multiplies.
 *
 * Everything else runs once per RTC edge or less and may divide: 128-bit
 * intermediates are done by hand (lib/wide.h) because the Cortex-M3 has
 * neither 128-bit types nor an FPU. Fixed-point conventions: _q32 has 32
 * fraction bits, rate_q16 is counter ticks per RTC second with 16, fit
 * residuals and intercepts are ticks with 8 (_q8).
 */
#include "clock/clock.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "lib/calendar.h"
#include "lib/wide.h"

#define NS_PER_S 1000000000LL
#define SECONDS_PER_DAY 86400
#define TRIM_MAX_PPB 500000          /* same bound as the settings (config.c) */
#define DRIFT_MAX_PPB 1000000
/* Arm a leap second only when the served time will reach it within this. */
#define LEAP_HORIZON_NS (3LL * SECONDS_PER_DAY * NS_PER_S)
/* 2000-01-01 00:00:00 UTC: year 00 of the RTC chips. */
#define RTC_EPOCH_S 946684800LL
/* The chips' century: 100 years with a leap year every fourth, in seconds. */
#define RTC_CYCLE_S (36525LL * SECONDS_PER_DAY)
/* |fit residual| bound (ticks, Q8) so that weighted sums stay inside 64 bits. */
#define FIT_Y_MAX_Q8 ((int64_t)1 << 30)

_Static_assert(CLOCK_FIT_POINTS >= 4 && CLOCK_FIT_POINTS <= 64,
               "fit sums are sized for at most 64 points");
_Static_assert(CLOCK_FIT_SPAN_S >= 8 && CLOCK_FIT_SPAN_S <= 256,
               "fit sums are sized for a span of at most 256 s");
_Static_assert(CLOCK_FIT_MIN_SLOPE_POINTS >= 3 && CLOCK_FIT_MIN_SLOPE_POINTS <= CLOCK_FIT_POINTS,
               "CLOCK_FIT_MIN_SLOPE_POINTS out of range");
_Static_assert(CLOCK_FIT_REFIT_POINTS >= CLOCK_FIT_MIN_SLOPE_POINTS &&
               CLOCK_FIT_REFIT_POINTS <= CLOCK_FIT_POINTS, "CLOCK_FIT_REFIT_POINTS out of range");
_Static_assert(CLOCK_SLEW_MAX_PPB > 0 && CLOCK_SLEW_MAX_PPB < 100000000, "slew limit");
_Static_assert(CLOCK_EVENT_QUEUE_LEN >= 1 && CLOCK_EVENT_QUEUE_LEN <= 255, "event queue");

enum write_kind {
    WRITE_NONE = 0,
    WRITE_SET,      /* aligned on the served time, which was just stepped */
    WRITE_REPHASE,  /* aligned on the target time the served time slews to */
};

static void schedule_write(struct clock *c, enum write_kind kind, uint64_t now);

/* Internal error for an RTC reading that contradicts the fitted phase. */
#define ERR_INCONSISTENT (-ERANGE)

/* --------------------------------------------------------------- segments -- */

static int64_t seg_eval(const struct clock_segment *s, uint64_t ticks)
{
    if (ticks >= s->start_ticks)
        return s->start_ns + (int64_t)wide_mul_q32(ticks - s->start_ticks, s->mult_q32);
    return s->start_ns - (int64_t)wide_mul_q32(s->start_ticks - ticks, s->mult_q32);
}

static unsigned seg_index(const struct clock *c, uint64_t ticks)
{
    unsigned i = c->n_seg - 1u;

    while (i > 0 && ticks < c->seg[i].start_ticks)
        i--;
    return i;
}

int64_t clock_ticks_to_ns(const struct clock *c, uint64_t ticks)
{
    return seg_eval(&c->seg[seg_index(c, ticks)], ticks);
}

static void seg_reset(struct clock *c, uint64_t ticks, int64_t ns, uint64_t mult_q32)
{
    c->seg[0].start_ticks = ticks;
    c->seg[0].start_ns = ns;
    c->seg[0].mult_q32 = mult_q32;
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
            return;   /* cannot happen: plans use at most 5 */
        s = &c->seg[c->n_seg++];
        s->start_ns = seg_eval(last, ticks);
    }
    s->start_ticks = ticks;
    s->mult_q32 = mult_q32;
}

/* ----------------------------------------------------------------- events -- */

static void push_event(struct clock *c, enum clock_state from, enum clock_state to,
                       enum clock_reason reason, int err, uint64_t now)
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

static void set_state(struct clock *c, enum clock_state to, enum clock_reason reason, uint64_t now)
{
    if (c->state == to)
        return;
    push_event(c, c->state, to, reason, 0, now);
    c->state = to;
}

static void notice(struct clock *c, enum clock_reason reason, int err, uint64_t now)
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

/* ------------------------------------------------------ units and targets -- */

static uint64_t us_to_ticks(const struct clock *c, uint64_t us)
{
    return wide_muldiv_u64(us, c->cfg.tick_hz, 1000000);
}

static uint32_t ticks_to_ns_u32(const struct clock *c, uint64_t ticks)
{
    uint64_t ns = wide_muldiv_u64(ticks, NS_PER_S, c->cfg.tick_hz);

    return ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

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

/* Served time that RTC second s should begin at. */
static int64_t target_ns(const struct clock *c, int64_t s)
{
    return s * NS_PER_S + c->target_offset_ns + (s - c->trim_anchor_s) * c->cfg.trim_ppb;
}

/* Ticks since the fitted start of RTC second fit_s, with 8 fraction bits. */
static int64_t fit_dt_q8(const struct clock *c, uint64_t ticks)
{
    int64_t dt = ticks >= c->fit_tick ? (int64_t)(ticks - c->fit_tick)
                                      : -(int64_t)(c->fit_tick - ticks);
    return dt * 256 - (int64_t)c->fit_frac_q8;
}

/* Where the served time should be at ticks, on the fitted line (needs has_fit). */
static int64_t ideal_ns(const struct clock *c, uint64_t ticks)
{
    int64_t base = target_ns(c, c->fit_s);
    int64_t frac_ns = (int64_t)(wide_mul_q32(c->fit_frac_q8, c->ideal_mult_q32) >> 8);

    if (ticks >= c->fit_tick)
        return base + (int64_t)wide_mul_q32(ticks - c->fit_tick, c->ideal_mult_q32) - frac_ns;
    return base - (int64_t)wide_mul_q32(c->fit_tick - ticks, c->ideal_mult_q32) - frac_ns;
}

/* The RTC's own time (ns, its seconds count plus the fitted fraction) at ticks. */
static int64_t rtc_ns_at(const struct clock *c, uint64_t ticks)
{
    return c->fit_s * NS_PER_S + wide_muldiv_s64_floor(fit_dt_q8(c, ticks), 256 * (uint64_t)NS_PER_S,
                                                  c->rate_q16);
}

/* The RTC second counting at ticks, per the fit. */
static int64_t rtc_second_at(const struct clock *c, uint64_t ticks)
{
    return c->fit_s + wide_muldiv_s64_floor(fit_dt_q8(c, ticks), 256, c->rate_q16);
}

/* The counter tick at which RTC second s should begin, per the fit. */
static uint64_t rtc_edge_tick(const struct clock *c, int64_t s)
{
    int64_t off_q8 = wide_muldiv_s64_floor(s - c->fit_s, c->rate_q16, 256) + (int64_t)c->fit_frac_q8;
    int64_t off = wide_floor_div_s64(off_q8, 256);

    return off >= 0 ? c->fit_tick + (uint64_t)off : c->fit_tick - wide_abs_u64(off);
}

static uint64_t nominal_rate_q16(const struct clock *c)
{
    return (uint64_t)c->cfg.tick_hz << 16;
}

/* Served ns per tick for the current rate estimate and trim. */
static uint64_t rate_to_mult(const struct clock *c, uint64_t rate_q16)
{
    return wide_muldiv_u64((uint64_t)(NS_PER_S + c->cfg.trim_ppb), (uint64_t)1 << 48, rate_q16);
}

/* -------------------------------------------------------------------- fit -- */

static struct clock_edge *fit_point(struct clock *c, unsigned i)
{
    return &c->edge[(c->edge_first + i) % CLOCK_FIT_POINTS];
}

static void fit_clear(struct clock *c)
{
    c->absorb_edges = 0;
    c->has_write_point = false;
    c->edge_first = 0;
    c->edge_count = 0;
    c->has_fit = false;
    c->outliers = 0;
    c->cusum_pos_q8 = 0;
    c->cusum_neg_q8 = 0;
}

static void fit_drop_oldest(struct clock *c, unsigned k)
{
    if (k >= c->edge_count)
        k = c->edge_count - 1u;   /* always keep the newest */
    c->edge_first = (uint8_t)((c->edge_first + k) % CLOCK_FIT_POINTS);
    c->edge_count = (uint8_t)(c->edge_count - k);
}

static void fit_push(struct clock *c, int64_t s, uint64_t mid2, uint64_t width)
{
    struct clock_edge *e;

    if (c->edge_count == CLOCK_FIT_POINTS)
        fit_drop_oldest(c, 1);
    e = fit_point(c, c->edge_count);
    e->s = s;
    e->mid2_ticks = mid2;
    e->width_ticks = width == 0 ? 1u : (width > UINT32_MAX ? UINT32_MAX : (uint32_t)width);
    c->edge_count++;
}

/*
 * True when the residuals' signs change too seldom for noise: a runs test
 * (Wald-Wolfowitz) at three standard deviations. A straight line through a
 * bent track (the counter's rate moved) leaves long runs of one sign.
 */
static bool is_too_few_runs(int64_t n_pos, int64_t n_neg, int64_t runs)
{
    int64_t n = n_pos + n_neg;
    int64_t a = n + 2 * n_pos * n_neg;   /* n * expected runs */
    int64_t lack = a - runs * n;         /* n * (expected - observed) */

    if (n < CLOCK_FIT_MIN_SLOPE_POINTS || lack <= 0 || a < 2 * n)
        return false;
    /* var = (mu - 1)(mu - 2) / (n - 1); mu = a / n */
    return lack * lack * (n - 1) > 9 * (a - n) * (a - 2 * n);
}

/* One edge as the fit sees it: x (s before the newest), y (ticks, Q8), weight (Q8). */
struct fit_xyw {
    int64_t x, y, w;
};

static struct fit_xyw fit_term(const struct clock_edge *e, const struct clock_edge *newest,
                               uint64_t prior_q16, uint32_t wmin)
{
    struct fit_xyw t;
    int64_t ratio = ((int64_t)wmin << 4) / e->width_ticks;   /* 0..16 */

    t.x = e->s - newest->s;
    t.y = (int64_t)(e->mid2_ticks - newest->mid2_ticks) * 128 -
          wide_floor_div_s64(t.x * (int64_t)prior_q16, 256);
    t.w = ratio * ratio;
    return t;
}

/*
 * Weighted least squares through the stored edges: y = edge tick offset
 * from a line at the prior rate through the newest edge, x = RTC seconds
 * before the newest. Weights (min width / width)^2 in Q8: a loosely
 * bracketed edge counts for little. Points that cannot lie on one line
 * with the newest, and a rate beyond CLOCK_FREQ_MAX_PPB, restart the fit.
 * Sums stay inside 64 bits for 64 points over 256 s (|y| < 2^30, w <= 2^8).
 * Recomputes each point's terms in every pass rather than keeping arrays:
 * stack is scarcer than cycles once a second.
 */
static void fit_solve(struct clock *c)
{
    for (;;) {
        unsigned n = c->edge_count;
        const struct clock_edge *newest = fit_point(c, n - 1u);
        uint64_t prior = c->rate_q16;
        uint32_t wmin = UINT32_MAX;
        int64_t w_sum = 0, x_sum = 0, y_sum = 0;
        bool is_bad = false;

        while (n > 1 && newest->s - fit_point(c, 0)->s > CLOCK_FIT_SPAN_S) {
            fit_drop_oldest(c, 1);
            n = c->edge_count;
        }
        /*
         * A rate from few edges is much noisier than one from many (its error
         * goes as n^-1.5): a rate in hand is replaced only by one from at
         * least as many edges (or CLOCK_FIT_REFIT_POINTS). A real jump in the
         * rate is the change detector's business.
         */
        unsigned refit_n = c->rate_points < CLOCK_FIT_REFIT_POINTS ? c->rate_points
                                                                   : CLOCK_FIT_REFIT_POINTS;
        bool is_slope_fit = c->is_rate_known ? n >= refit_n : n >= 2;

        for (unsigned k = 0; k < n; k++) {
            if (fit_point(c, k)->width_ticks < wmin)
                wmin = fit_point(c, k)->width_ticks;
        }
        for (unsigned k = 0; k < n; k++) {
            struct fit_xyw t = fit_term(fit_point(c, k), newest, prior, wmin);

            if (t.y > FIT_Y_MAX_Q8 || t.y < -FIT_Y_MAX_Q8) {
                /* Older than this cannot be on one line with the newest. */
                fit_drop_oldest(c, k + 1u);
                is_bad = true;
                break;
            }
            w_sum += t.w;
            x_sum += t.w * t.x;
            y_sum += t.w * t.y;
        }
        if (is_bad)
            continue;

        int64_t xbar_q16 = (x_sum * 65536) / w_sum;
        int64_t ybar_q8 = y_sum / w_sum;
        int64_t slope_q16 = 0, y0_q8 = ybar_q8;

        if (is_slope_fit) {
            int64_t sxx = 0, sxy = 0;
            for (unsigned k = 0; k < n; k++) {
                struct fit_xyw t = fit_term(fit_point(c, k), newest, prior, wmin);
                int64_t dx_q8 = (t.x * 65536 - xbar_q16) / 256;
                sxx += t.w * dx_q8 * dx_q8;
                sxy += t.w * dx_q8 * (t.y - ybar_q8);
            }
            if (sxx > 0) {
                slope_q16 = wide_muldiv_s64(sxy, 65536, sxx);
                y0_q8 = ybar_q8 - slope_q16 * xbar_q16 / ((int64_t)1 << 24);
            }
        }

        /* Residuals: spread and runs. */
        int64_t n_pos = 0, n_neg = 0, runs = 0, last_sign = 0;
        uint64_t var_sum = 0;
        for (unsigned k = 0; k < n; k++) {
            struct fit_xyw t = fit_term(fit_point(c, k), newest, prior, wmin);
            int64_t r = t.y - y0_q8 - slope_q16 * t.x / 256;
            int64_t sign = r > 0 ? 1 : (r < 0 ? -1 : 0);
            uint64_t mag = wide_abs_u64(r);

            if (sign != 0) {
                if (sign != last_sign)
                    runs++;
                last_sign = sign;
                if (sign > 0)
                    n_pos++;
                else
                    n_neg++;
            }
            if (mag >= ((uint64_t)1 << 31))
                mag = ((uint64_t)1 << 31) - 1u;
            var_sum += (uint64_t)t.w * ((mag * mag) >> 16);
        }
        if (is_slope_fit && is_too_few_runs(n_pos, n_neg, runs)) {
            fit_drop_oldest(c, n / 4u);
            continue;
        }

        uint64_t rate = (uint64_t)((int64_t)prior + slope_q16);
        uint64_t nominal = nominal_rate_q16(c);
        uint64_t dev = rate > nominal ? rate - nominal : nominal - rate;
        if (dev > wide_muldiv_u64(nominal, CLOCK_FREQ_MAX_PPB, NS_PER_S)) {
            /* Nonsense: start again from the newest edge at the nominal rate. */
            fit_drop_oldest(c, n);
            c->is_rate_known = false;
            c->rate_q16 = nominal;
            continue;
        }

        /* The newest edge's fitted start, split into whole ticks and Q8. */
        int64_t extra_q8 = (int64_t)(newest->mid2_ticks & 1u) * 128 + y0_q8;
        int64_t whole = wide_floor_div_s64(extra_q8, 256);
        uint64_t base = newest->mid2_ticks >> 1;

        c->rate_q16 = rate;
        c->fit_s = newest->s;
        c->fit_tick = whole >= 0 ? base + (uint64_t)whole : base - wide_abs_u64(whole);
        c->fit_frac_q8 = (uint32_t)(extra_q8 - whole * 256);
        c->ideal_mult_q32 = rate_to_mult(c, rate);
        c->residual_ns = ticks_to_ns_u32(c, wide_isqrt_u64(var_sum / (uint64_t)w_sum));
        c->min_half_width_ns = ticks_to_ns_u32(c, wmin / 2u);
        c->has_fit = true;
        if (is_slope_fit) {
            c->rate_points = (uint8_t)n;
            if (n >= CLOCK_FIT_MIN_SLOPE_POINTS)
                c->is_rate_known = true;
        }
        return;
    }
}

/* ---------------------------------------------------------------- planning -- */

/* Truncates the plan where the served time reaches the leap and adds it. */
static void plan_leap(struct clock *c)
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
    t = c->seg[i].start_ticks +
        wide_muldiv_u64_ceil((uint64_t)(x_ns - c->seg[i].start_ns), (uint64_t)1 << 32, c->seg[i].mult_q32);
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
        s->start_ns = x_ns;   /* the crossing itself, not the tick's rounding */
        seg_append(c, t + hold_ticks, mult);
        c->leap_tick = t;
        c->leap_end = t + hold_ticks;
    } else {
        struct clock_segment *s;

        seg_append(c, t, mult);
        s = &c->seg[c->n_seg - 1];
        s->start_ns = x_ns + NS_PER_S;   /* 23:59:59 is skipped */
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
static void replan(struct clock *c, uint64_t now)
{
    struct clock_segment hist;
    int64_t theta, rate_ppb, dmult;
    uint64_t mult = c->ideal_mult_q32;

    if (c->is_leap_armed && now >= c->leap_tick)
        return;
    if (!c->has_fit)
        return;
    hist = c->seg[seg_index(c, now)];
    theta = seg_eval(&hist, now) - ideal_ns(c, now);

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
        uint64_t slew_ticks = wide_muldiv_u64(wide_abs_u64(theta), (uint64_t)1 << 32, wide_abs_u64(dmult));
        seg_append(c, now, (uint64_t)((int64_t)mult - dmult));
        if (slew_ticks < UINT64_MAX - now)
            seg_append(c, now + slew_ticks, mult);
    }
    plan_leap(c);
}

/* Steps the served time to the fitted line at now (boot, UNSET only). */
static void step_to_fit(struct clock *c, uint64_t now)
{
    seg_reset(c, now, ideal_ns(c, now), c->ideal_mult_q32);
    plan_leap(c);
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
    uint64_t edge = rtc_edge_tick(c, s);
    uint64_t half = window_half_ticks(c);

    c->is_window_mode = true;
    c->window_open = edge > half ? edge - half : 0;
    c->window_close = edge + half + (c->rate_q16 >> 17);   /* half a second late: missed */
}

static void enter_continuous(struct clock *c)
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
        notice(c, err == -ENODATA ? CLOCK_REASON_RTC_INVALID : CLOCK_REASON_RTC_ERROR, err, now);
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
    return s->unix_s < rtc_second_at(c, s->tick_before) - 1 ||
           s->unix_s > rtc_second_at(c, s->tick_after) + 1;
}

/*
 * Two one-sided CUSUMs of the new edge's deviation from the line, in units
 * of the edge noise (Page's test: drift allowance 0.5, alarm at
 * CLOCK_CUSUM_ALARM, about one false alarm in 19000 edges for Gaussian
 * noise). A step in the counter's rate makes the edges walk off the line a
 * little more every second; the alarm comes a few seconds later, where the
 * long fit would take a minute to follow. On alarm the fit keeps the edges
 * since the walk began and measures the rate afresh.
 */
static void watch_for_rate_change(struct clock *c, int64_t s, uint64_t mid2, uint64_t width)
{
    int64_t dev2 = (int64_t)(mid2 - 2u * rtc_edge_tick(c, s));   /* half ticks */
    /* Noise of this edge: the fit's spread, or its own bracket if wider (uniform: w / sqrt 12). */
    uint64_t sigma2 = wide_muldiv_u64(c->residual_ns, 2u * c->cfg.tick_hz, NS_PER_S);   /* in half ticks */
    uint64_t bracket2 = width * 2u / 7u * 2u;                                     /* ~ 2 w / sqrt 12 */
    int64_t z_q8;

    if (bracket2 > sigma2)
        sigma2 = bracket2;
    if (sigma2 == 0)
        sigma2 = 1;
    z_q8 = wide_muldiv_s64(dev2, 256, (int64_t)sigma2);
    if (z_q8 > 64 * 256)
        z_q8 = 64 * 256;
    if (z_q8 < -64 * 256)
        z_q8 = -64 * 256;

    if (c->cusum_pos_q8 == 0)
        c->cusum_pos_s = s;
    if (c->cusum_neg_q8 == 0)
        c->cusum_neg_s = s;
    c->cusum_pos_q8 += (int32_t)(z_q8 - 128);
    c->cusum_neg_q8 += (int32_t)(-z_q8 - 128);
    if (c->cusum_pos_q8 < 0)
        c->cusum_pos_q8 = 0;
    if (c->cusum_neg_q8 < 0)
        c->cusum_neg_q8 = 0;

    if (c->cusum_pos_q8 > CLOCK_CUSUM_ALARM * 256 || c->cusum_neg_q8 > CLOCK_CUSUM_ALARM * 256) {
        int64_t since = c->cusum_pos_q8 > CLOCK_CUSUM_ALARM * 256 ? c->cusum_pos_s : c->cusum_neg_s;
        unsigned keep = 0;

        while (keep < c->edge_count && fit_point(c, c->edge_count - 1u - keep)->s >= since - 1)
            keep++;
        if (keep < 2)
            keep = 2;
        if (keep < c->edge_count)
            fit_drop_oldest(c, c->edge_count - keep);
        c->is_rate_known = false;
        c->rate_changes++;
        c->cusum_pos_q8 = 0;
        c->cusum_neg_q8 = 0;
    }
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
        c->write_misses = 0;   /* keep it: the served time is right either way */
        return;
    }
    schedule_write(c, WRITE_REPHASE, now);
}

/* An edge of RTC second s lies within [mid2 - width, mid2 + width] / 2. */
static void take_edge(struct clock *c, int64_t s, uint64_t mid2, uint64_t width, uint64_t now)
{
    bool is_first_after_write = c->has_write_point;

    c->edges++;
    c->last_edge_unc_ns = ticks_to_ns_u32(c, width / 2u);

    if (c->has_fit && c->is_rate_known && !is_first_after_write) {
        uint64_t pred = rtc_edge_tick(c, s);
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
            watch_for_rate_change(c, s, mid2, width);
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
        int64_t before = ideal_ns(c, now);
        int64_t shift;

        fit_push(c, s, mid2, width);
        fit_solve(c);
        shift = before - ideal_ns(c, now);
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
        theta = clock_ticks_to_ns(c, now) - ideal_ns(c, now);
        is_far = theta > CLOCK_STEP_THRESHOLD_NS || theta < -CLOCK_STEP_THRESHOLD_NS;
        if (!c->has_time || is_far) {
            step_to_fit(c, now);
            if (c->has_time)
                notice(c, CLOCK_REASON_RTC_STEPPED, 0, now);
        } else {
            replan(c, now);
        }
        if (c->last_set_source == CLOCK_SOURCE_NONE) {
            c->last_set_source = CLOCK_SOURCE_RTC_AT_BOOT;
            c->last_set_unix_s = s;
        }
        c->has_time = true;
        c->is_coarse = false;
        set_state(c, CLOCK_STATE_SYNCED, CLOCK_REASON_RTC_EDGE, now);
    } else {
        replan(c, now);
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
        return 0;   /* the RTC is about to change: nothing to learn */
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
        seg_reset(c, now, s->unix_s * NS_PER_S, c->ideal_mult_q32);
        c->is_coarse = true;
        plan_leap(c);
    }

    if (c->has_prev && s->unix_s == c->prev_s + 1) {
        uint64_t width = s->tick_after - c->prev_before;
        uint64_t mid2 = c->prev_before + s->tick_after;

        if (width <= us_to_ticks(c, CLOCK_EDGE_MAX_WIDTH_US))
            take_edge(c, s->unix_s, mid2, width, now);
        else
            enter_continuous(c);   /* the edge came outside the window */
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
        return ideal_ns(c, ticks);
    return clock_ticks_to_ns(c, ticks);
}

static void schedule_write(struct clock *c, enum write_kind kind, uint64_t now)
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
        return -EAGAIN;   /* not inside 23:59:60 */
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
    rtc_unix_s = rtc_unfold_s(rtc_unix_s,
                              century_lo_s(wide_floor_div_s64(write_aligned_ns(c, tick_before), NS_PER_S)));
    if (err != 0) {
        rtc_failed(c, tick_after, err < 0 ? err : -EIO);
        c->write_armed_s = rtc_unix_s;   /* again on a later second */
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
    enter_continuous(c);

    c->absorb_edges = c->is_rate_known ? CLOCK_REPHASE_ABSORB_EDGES : 1;
    if (kind == WRITE_SET) {
        c->has_time = true;
        c->is_coarse = false;
        if (c->state != CLOCK_STATE_SYNCED)
            set_state(c, CLOCK_STATE_SYNCED, CLOCK_REASON_TIME_SET, tick_after);
        else
            notice(c, CLOCK_REASON_TIME_SET, 0, tick_after);
    } else {
        notice(c, CLOCK_REASON_RTC_WRITTEN, 0, tick_after);
    }
    return 0;
}

/* -------------------------------------------------------- operator actions -- */

static bool is_source_valid(enum clock_source source)
{
    return source == CLOCK_SOURCE_OPERATOR || source == CLOCK_SOURCE_UPSTREAM ||
           source == CLOCK_SOURCE_RTC_AT_BOOT;
}

int clock_set_time(struct clock *c, uint64_t now_ticks, int64_t unix_ns, enum clock_source source)
{
    if (!is_source_valid(source) || unix_ns < c->cfg.min_valid_unix_s * NS_PER_S)
        return -EINVAL;
    seg_reset(c, now_ticks, unix_ns, c->ideal_mult_q32);
    fit_clear(c);
    c->has_prev = false;
    c->is_coarse = false;
    c->last_set_unix_s = wide_floor_div_s64(unix_ns, NS_PER_S);
    c->last_set_source = source;
    c->ref_ns = unix_ns;
    c->write_misses = 0;
    c->last_good_ticks = now_ticks;   /* holdover counts from the set until the RTC takes it */
    if (c->leap != CLOCK_LEAP_NONE && c->leap_at_s * NS_PER_S <= unix_ns)
        c->leap = CLOCK_LEAP_NONE;   /* already behind us */
    schedule_write(c, WRITE_SET, now_ticks);
    plan_leap(c);
    return 0;
}

int clock_adjust_time(struct clock *c, uint64_t now_ticks, int64_t delta_ns,
                      enum clock_source source)
{
    if (!is_source_valid(source) || delta_ns > CLOCK_ADJUST_MAX_NS || delta_ns < -CLOCK_ADJUST_MAX_NS)
        return -EINVAL;
    if (c->write_kind == WRITE_SET)
        return -EBUSY;
    if (c->state == CLOCK_STATE_UNSET || !c->has_fit)
        return -ENODATA;
    c->target_offset_ns += delta_ns;
    c->write_misses = 0;
    c->last_set_unix_s = wide_floor_div_s64(clock_ticks_to_ns(c, now_ticks) + delta_ns, NS_PER_S);
    c->last_set_source = source;
    replan(c, now_ticks);
    schedule_write(c, WRITE_REPHASE, now_ticks);
    notice(c, CLOCK_REASON_TIME_ADJUSTED, 0, now_ticks);
    return 0;
}

int clock_schedule_leap(struct clock *c, uint64_t now_ticks, enum clock_leap leap,
                        int64_t at_unix_s)
{
    int64_t now_ns = clock_ticks_to_ns(c, now_ticks);

    if (c->is_leap_armed && now_ticks >= c->leap_tick)
        return -EINVAL;   /* one is being served right now */
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
            return -EINVAL;   /* its last second has begun */
        c->leap = leap;
        c->leap_at_s = at_unix_s;
    }
    /* Drop any armed plan and plan again. */
    if (c->is_leap_armed) {
        c->is_leap_armed = false;
        if (c->has_fit)
            replan(c, now_ticks);
        else
            seg_reset(c, now_ticks, now_ns, c->seg[seg_index(c, now_ticks)].mult_q32);
    }
    plan_leap(c);
    return 0;
}

/* Commits a leap second whose served part is over. Returns true if it did. */
static bool leap_commit(struct clock *c, uint64_t now)
{
    bool is_insert = c->leap == CLOCK_LEAP_INSERT;

    if (!c->is_leap_armed || now < c->leap_end)
        return false;
    /* The RTC knows no leap seconds: it is now a second ahead (or behind). */
    c->target_offset_ns += is_insert ? -NS_PER_S : NS_PER_S;
    c->leap = CLOCK_LEAP_NONE;
    c->leap_at_s = 0;
    c->is_leap_armed = false;
    notice(c, is_insert ? CLOCK_REASON_LEAP_INSERTED : CLOCK_REASON_LEAP_DELETED, 0, now);
    if (c->has_fit && c->write_kind != WRITE_SET)
        schedule_write(c, WRITE_REPHASE, now);
    return true;
}

/* ------------------------------------------------------------------ status -- */

static uint64_t root_disp_ns(const struct clock *c, uint64_t now)
{
    uint64_t ns = wide_muldiv_u64_ceil(NS_PER_S, 1, c->cfg.tick_hz);   /* one tick */
    uint64_t since;

    if (c->has_fit) {
        unsigned n = c->edge_count ? c->edge_count : 1u;
        ns += c->min_half_width_ns;
        ns += 2u * (uint64_t)c->residual_ns * 2u / wide_isqrt_u64(n);
        ns += wide_abs_u64(clock_ticks_to_ns(c, now) - ideal_ns(c, now));
    }
    since = now > c->update_ticks ? now - c->update_ticks : 0;
    ns += wide_muldiv_u64(since, CLOCK_PHI_PPB, c->cfg.tick_hz);   /* PHI * elapsed s, in ns */
    if (c->cfg.strict && c->last_set_source != CLOCK_SOURCE_NONE) {
        int64_t age_s = wide_floor_div_s64(clock_ticks_to_ns(c, now), NS_PER_S) - c->last_set_unix_s;
        if (age_s > 0)
            ns += (uint64_t)age_s * c->cfg.rtc_drift_ppb;   /* ppb * s = ns */
    }
    return ns;
}

static uint32_t ns_to_us_ceil(uint64_t ns)
{
    uint64_t us = (ns + 999u) / 1000u;

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
    st->root_disp_us = c->state == CLOCK_STATE_UNSET ? CLOCK_DISP_MAX_US
                                                     : ns_to_us_ceil(root_disp_ns(c, now_ticks));
    st->freq_ppb = (int32_t)wide_muldiv_s64((int64_t)c->rate_q16 - (int64_t)nominal_rate_q16(c),
                                       NS_PER_S, (int64_t)nominal_rate_q16(c));
    st->edge_unc_ns = c->last_edge_unc_ns;
    st->residual_ns = c->residual_ns;
    st->fit_points = c->edge_count;
    if (c->has_fit) {
        st->slew_left_ns = ideal_ns(c, now_ticks) - now_ns;
        st->rtc_offset_ns = now_ns - rtc_ns_at(c, now_ticks);
    }
    st->last_set_unix_s = c->last_set_unix_s;
    st->last_set_source = c->last_set_source;
    if (c->last_set_source != CLOCK_SOURCE_NONE) {
        int64_t age = wide_floor_div_s64(now_ns, NS_PER_S) - c->last_set_unix_s;
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
}

/* --------------------------------------------------------------- the loop -- */

void clock_poll(struct clock *c, uint64_t now_ticks)
{
    if (leap_commit(c, now_ticks))
        replan(c, now_ticks);
    if (c->leap != CLOCK_LEAP_NONE && !c->is_leap_armed) {
        plan_leap(c);
        if (!c->is_leap_armed && clock_ticks_to_ns(c, now_ticks) >= c->leap_at_s * NS_PER_S) {
            c->leap = CLOCK_LEAP_NONE;   /* stepped past it while UNSET: nothing to serve */
            c->leap_at_s = 0;
        }
    }

    if (c->is_window_mode && now_ticks > c->window_close)
        enter_continuous(c);

    if (c->state != CLOCK_STATE_UNSET && now_ticks > c->last_good_ticks &&
        now_ticks - c->last_good_ticks > (uint64_t)CLOCK_HOLDOVER_S * c->cfg.tick_hz) {
        set_state(c, CLOCK_STATE_UNSET,
                  c->last_err == -ENODATA ? CLOCK_REASON_RTC_INVALID : CLOCK_REASON_RTC_FAILED,
                  now_ticks);
        fit_clear(c);
        c->has_prev = false;
        if (c->write_kind == WRITE_REPHASE)
            c->write_kind = WRITE_NONE;   /* nothing to align it on any more */
        enter_continuous(c);
    }

    /* The rest divides: a few times a second is plenty. */
    if (now_ticks < c->next_check_ticks)
        return;
    c->next_check_ticks = now_ticks + c->cfg.tick_hz / 8u;

    if (c->state != CLOCK_STATE_UNSET) {
        uint64_t disp = root_disp_ns(c, now_ticks);
        uint64_t max = (uint64_t)c->cfg.strict_max_disp_us * 1000u;

        if (c->state == CLOCK_STATE_SYNCED && c->cfg.strict && disp > max)
            set_state(c, CLOCK_STATE_EXPIRED, CLOCK_REASON_STRICT_EXPIRED, now_ticks);
        else if (c->state == CLOCK_STATE_EXPIRED && (!c->cfg.strict || disp <= max - max / 8u))
            set_state(c, CLOCK_STATE_SYNCED, CLOCK_REASON_STRICT_MET, now_ticks);
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
                      (rtc_second_at(c, now_ticks) - c->trim_anchor_s) * c->cfg.trim_ppb;
        if (off >= CLOCK_REPHASE_NS || off <= -CLOCK_REPHASE_NS)
            schedule_write(c, WRITE_REPHASE, now_ticks);
    }
}

int64_t clock_ticks_until_due(const struct clock *c, uint64_t now_ticks)
{
    uint64_t best = INT64_MAX;

    if (c->write_kind != WRITE_NONE) {
        int64_t a = write_aligned_ns(c, now_ticks);
        int64_t sec = wide_floor_div_s64(a, NS_PER_S);
        int64_t next = sec > c->write_armed_s ? sec + 1 : c->write_armed_s + 1;
        uint64_t mult = c->seg[seg_index(c, now_ticks)].mult_q32;
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

/* -------------------------------------------------------- setup and names -- */

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
    c->ideal_mult_q32 = rate_to_mult(c, c->rate_q16);
    seg_reset(c, 0, cfg->min_valid_unix_s * NS_PER_S, c->ideal_mult_q32);
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
        int64_t s0 = c->has_fit ? rtc_second_at(c, now_ticks) : c->trim_anchor_s;
        c->target_offset_ns += (s0 - c->trim_anchor_s) * c->cfg.trim_ppb;
        c->trim_anchor_s = s0;
    }
    c->cfg = *cfg;
    c->ideal_mult_q32 = rate_to_mult(c, c->rate_q16);
    replan(c, now_ticks);
    return 0;
}

int clock_restore_last_set(struct clock *c, int64_t unix_s, enum clock_source source)
{
    if (source != CLOCK_SOURCE_NONE && !is_source_valid(source))
        return -EINVAL;
    c->last_set_unix_s = source == CLOCK_SOURCE_NONE ? 0 : unix_s;
    c->last_set_source = source;
    return 0;
}

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
