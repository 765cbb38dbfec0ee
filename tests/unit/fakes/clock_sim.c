/*
 * Simulated counter and RTC for the clock tests (see clock_sim.h).
 */
#include "fakes/clock_sim.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define NS_PER_S 1000000000LL

static uint64_t next_random(struct clock_sim *s)
{
    /* xorshift64*: deterministic per seed, good enough for jitter. */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return s->rng * 0x2545f4914f6cdd1dull;
}

static double random_unit(struct clock_sim *s)
{
    return (double)(next_random(s) >> 11) / 9007199254740992.0; /* [0, 1) */
}

static double random_gauss(struct clock_sim *s)
{
    double u1 = random_unit(s), u2 = random_unit(s);

    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t clock_sim_uniform(struct clock_sim *s, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + next_random(s) % (hi - lo + 1u);
}

void clock_sim_init(struct clock_sim *s, const struct clock_sim_config *cfg)
{
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    s->rng = cfg->seed ? cfg->seed : 0x853c49e6748fea9bull;
    s->ticks = (long double)cfg->tick_offset;
    s->freq_err = (long double)cfg->freq_err_ppm * 1e-6L;
    s->next_wander_ns = NS_PER_S;
    s->rtc_ns = (long double)cfg->rtc_start_unix_ns;
    s->is_rtc_halted = cfg->is_rtc_halted;
}

static void advance_piece(struct clock_sim *s, int64_t dt_ns)
{
    s->ticks += (long double)dt_ns * 1e-9L * (long double)s->cfg.tick_hz * (1.0L + s->freq_err);
    if (!s->is_rtc_halted)
        s->rtc_ns += (long double)dt_ns * (1.0L + (long double)s->cfg.rtc_err_ppm * 1e-6L);
    s->t_ns += dt_ns;
}

void clock_sim_advance(struct clock_sim *s, int64_t dt_ns)
{
    while (dt_ns > 0) {
        int64_t piece = s->next_wander_ns - s->t_ns;
        if (piece > dt_ns)
            piece = dt_ns;
        advance_piece(s, piece);
        dt_ns -= piece;
        if (s->t_ns >= s->next_wander_ns) {
            /* One second's random-walk step. */
            s->freq_err += (long double)(s->cfg.wander_ppb_per_sqrt_s * 1e-9 * random_gauss(s));
            s->next_wander_ns += NS_PER_S;
        }
    }
}

uint64_t clock_sim_counter(const struct clock_sim *s)
{
    return (uint64_t)floorl(s->ticks);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* What the time registers show, as unix seconds (the driver's decoding). */
static int64_t rtc_register(const struct clock_sim *s)
{
    int64_t count = (int64_t)floorl(s->rtc_ns / 1e9L);

    if (s->cfg.is_two_digit_year && count >= CLOCK_SIM_RTC_EPOCH_S)
        count -=
            floor_div(count - CLOCK_SIM_RTC_EPOCH_S, CLOCK_SIM_RTC_CYCLE_S) * CLOCK_SIM_RTC_CYCLE_S;
    return count;
}

int clock_sim_rtc_read(struct clock_sim *s, struct clock_rtc_sample *out)
{
    uint64_t d = clock_sim_uniform(s, s->cfg.read_min_ns, s->cfg.read_max_ns);
    uint64_t latch = clock_sim_uniform(s, 0, d);

    s->reads++;
    out->tick_before = clock_sim_counter(s);
    clock_sim_advance(s, (int64_t)latch);
    out->unix_s = rtc_register(s);
    clock_sim_advance(s, (int64_t)(d - latch));
    out->tick_after = clock_sim_counter(s);
    out->err = 0;
    if (s->rtc_fail_permille != 0 && clock_sim_uniform(s, 0, 999) < s->rtc_fail_permille)
        out->err = -EIO;
    else if (s->rtc_fail_err != 0)
        out->err = s->rtc_fail_err;
    else if (s->is_rtc_halted)
        out->err = -ENODATA;
    if (out->err != 0)
        out->unix_s = 0;
    return out->err;
}

int clock_sim_rtc_write(struct clock_sim *s, int64_t unix_s, uint64_t *tick_before,
                        uint64_t *tick_after)
{
    uint64_t d = clock_sim_uniform(s, s->cfg.write_min_ns, s->cfg.write_max_ns);
    uint64_t at = clock_sim_uniform(s, 0, d);
    int err = s->rtc_fail_err;

    *tick_before = clock_sim_counter(s);
    clock_sim_advance(s, (int64_t)at);
    if (err == 0) {
        int64_t landed_s = unix_s + (s->tear_writes != 0 ? s->tear_s : 0);

        if (s->cfg.is_two_digit_year) {
            /* The registers cannot tell centuries: keep the count in the one it runs in. */
            int64_t now_s = (int64_t)floorl(s->rtc_ns / 1e9L);
            landed_s +=
                floor_div(now_s - landed_s + CLOCK_SIM_RTC_CYCLE_S / 2, CLOCK_SIM_RTC_CYCLE_S) *
                CLOCK_SIM_RTC_CYCLE_S;
        }

        if (s->cfg.rtc_model == CLOCK_SIM_RTC_QEMU) {
            /* Whole seconds only: the host's fraction stays (hw/rtc/ds1338.c). */
            s->rtc_ns += (long double)(landed_s - (int64_t)floorl(s->rtc_ns / 1e9L)) * 1e9L;
        } else {
            /* The seconds write restarts the divider (DS1307 datasheet, "Clock and Calendar"). */
            s->rtc_ns = (long double)landed_s * 1e9L;
        }
        if (s->tear_writes != 0)
            s->tear_writes--;
        s->is_rtc_halted = false;
        s->writes++;
        s->last_write_s = unix_s;
    }
    clock_sim_advance(s, (int64_t)(d - at));
    *tick_after = clock_sim_counter(s);
    return err;
}

int64_t clock_sim_rtc_ns(const struct clock_sim *s)
{
    return (int64_t)floorl(s->rtc_ns);
}

int64_t clock_sim_true_ns(const struct clock_sim *s)
{
    return s->cfg.true_start_unix_ns + s->t_ns;
}

void clock_sim_step_freq(struct clock_sim *s, double step_ppm)
{
    s->freq_err += (long double)step_ppm * 1e-6L;
}

double clock_sim_freq_err_ppb(const struct clock_sim *s)
{
    return (double)(s->freq_err * 1e9L);
}
