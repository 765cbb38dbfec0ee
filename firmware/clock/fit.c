/*
 * Edge fit: a weighted straight line through the last CLOCK_FIT_POINTS RTC
 * second edges (counter ticks against RTC seconds) gives the counter's
 * rate and the RTC's phase; a change detector restarts it when the
 * counter's rate jumps. The fitted line also says where each RTC second
 * begins and which one counts at a given tick (for the read windows, the
 * status and re-phasing).
 *
 * Runs once per edge or less and may divide: sums are kept inside 64 bits
 * (see fit_solve()), products and quotients beyond that go through
 * lib/wide.h.
 */
#include "clock/clock_internal.h"

/* |fit residual| bound (ticks, Q8) so that weighted sums stay inside 64 bits. */
#define FIT_Y_MAX_Q8 ((int64_t)1 << 30)

_Static_assert(CLOCK_FIT_POINTS >= 4 && CLOCK_FIT_POINTS <= 64,
               "fit sums are sized for at most 64 points");
_Static_assert(CLOCK_FIT_SPAN_S >= 8 && CLOCK_FIT_SPAN_S <= 256,
               "fit sums are sized for a span of at most 256 s");
_Static_assert(CLOCK_FIT_MIN_SLOPE_POINTS >= 3 && CLOCK_FIT_MIN_SLOPE_POINTS <= CLOCK_FIT_POINTS,
               "CLOCK_FIT_MIN_SLOPE_POINTS out of range");
_Static_assert(CLOCK_FIT_REFIT_POINTS >= CLOCK_FIT_MIN_SLOPE_POINTS &&
                   CLOCK_FIT_REFIT_POINTS <= CLOCK_FIT_POINTS,
               "CLOCK_FIT_REFIT_POINTS out of range");

/* -------------------------------------------------------- the fitted line -- */

/* Ticks since the fitted start of RTC second fit_s, with 8 fraction bits. */
static int64_t fit_dt_q8(const struct clock *c, uint64_t ticks)
{
    int64_t dt =
        ticks >= c->fit_tick ? (int64_t)(ticks - c->fit_tick) : -(int64_t)(c->fit_tick - ticks);
    return dt * 256 - (int64_t)c->fit_frac_q8;
}

/* The RTC's own time (ns, its seconds count plus the fitted fraction) at ticks. */
int64_t fit_rtc_ns_at(const struct clock *c, uint64_t ticks)
{
    return c->fit_s * NS_PER_S +
           wide_muldiv_s64_floor(fit_dt_q8(c, ticks), 256 * (uint64_t)NS_PER_S, c->rate_q16);
}

/* The RTC second counting at ticks, per the fit. */
int64_t fit_rtc_second_at(const struct clock *c, uint64_t ticks)
{
    return c->fit_s + wide_muldiv_s64_floor(fit_dt_q8(c, ticks), 256, c->rate_q16);
}

/* The counter tick at which RTC second s should begin, per the fit. */
uint64_t fit_edge_tick(const struct clock *c, int64_t s)
{
    int64_t off_q8 =
        wide_muldiv_s64_floor(s - c->fit_s, c->rate_q16, 256) + (int64_t)c->fit_frac_q8;
    int64_t off = wide_floor_div_s64(off_q8, 256);

    return off >= 0 ? c->fit_tick + (uint64_t)off : c->fit_tick - wide_abs_u64(off);
}

/* Served ns per tick for the current rate estimate and trim. */
uint64_t fit_rate_to_mult(const struct clock *c, uint64_t rate_q16)
{
    return wide_muldiv_u64((uint64_t)(NS_PER_S + c->cfg.trim_ppb), (uint64_t)1 << 48, rate_q16);
}

/* -------------------------------------------------------------------- fit -- */

static struct clock_edge *fit_point(struct clock *c, unsigned i)
{
    return &c->edge[(c->edge_first + i) % CLOCK_FIT_POINTS];
}

void fit_clear(struct clock *c)
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
        k = c->edge_count - 1u; /* always keep the newest */
    c->edge_first = (uint8_t)((c->edge_first + k) % CLOCK_FIT_POINTS);
    c->edge_count = (uint8_t)(c->edge_count - k);
}

void fit_push(struct clock *c, int64_t s, uint64_t mid2, uint64_t width)
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
    int64_t a = n + 2 * n_pos * n_neg; /* n * expected runs */
    int64_t lack = a - runs * n;       /* n * (expected - observed) */

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
    int64_t ratio = ((int64_t)wmin << 4) / e->width_ticks; /* 0..16 */

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
void fit_solve(struct clock *c)
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
        unsigned refit_n =
            c->rate_points < CLOCK_FIT_REFIT_POINTS ? c->rate_points : CLOCK_FIT_REFIT_POINTS;
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
        c->ideal_mult_q32 = fit_rate_to_mult(c, rate);
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

/* ----------------------------------------------------------- rate changes -- */

/*
 * Two one-sided CUSUMs of the new edge's deviation from the line, in units
 * of the edge noise (Page's test: drift allowance 0.5, alarm at
 * CLOCK_CUSUM_ALARM, about one false alarm in 19000 edges for Gaussian
 * noise). A step in the counter's rate makes the edges walk off the line a
 * little more every second; the alarm comes a few seconds later, where the
 * long fit would take a minute to follow. On alarm the fit keeps the edges
 * since the walk began and measures the rate afresh.
 */
void fit_watch_rate_change(struct clock *c, int64_t s, uint64_t mid2, uint64_t width)
{
    int64_t dev2 = (int64_t)(mid2 - 2u * fit_edge_tick(c, s)); /* half ticks */
    /* Noise of this edge: the fit's spread, or its own bracket if wider (uniform: w / sqrt 12). */
    uint64_t sigma2 =
        wide_muldiv_u64(c->residual_ns, 2u * c->cfg.tick_hz, NS_PER_S); /* in half ticks */
    uint64_t bracket2 = width * 2u / 7u * 2u;                           /* ~ 2 w / sqrt 12 */
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
