/*
 * LM3S6965 model: the watchdog (datasheet chapter 10 "Watchdog Timer",
 * base 0x40000000) and GPTM0 (chapter 9 "General-Purpose Timers", base
 * 0x40030000), both counting the system clock.
 *
 * Watchdog: WDTLOAD (reset 0xFFFFFFFF) loads WDTVALUE when written; the
 * counter runs once WDTCTL.INTEN is set, and INTEN can then only be cleared
 * by a reset. At zero it raises WDTRIS and reloads; reaching zero again
 * with WDTRIS still set resets the chip when RESEN is set. Writing WDTICR
 * clears the interrupt and reloads. WDTTEST.STALL (bit 8) stops it while a
 * debugger halts the core (no debugger here). WDTLOCK: writing 0x1ACCE551
 * unlocks the registers, any other value locks them; it reads 1 while
 * locked. Rules (violations): a write to another register while locked (it
 * is ignored, as on the chip); a write clearing INTEN (ignored).
 *
 * GPTM0 and GPTM1 (base 0x40031000): the 32-bit periodic and one-shot
 * modes of Timer A (CFG 0, TAMR 1 or 2), counting TAILR down to 0, raising
 * TATORIS and (periodic) reloading; and Timer A's 16-bit input edge-time
 * mode (CFG 4, TAMR 0x7: TACMR and capture, "Input Edge Time Mode"): the
 * counter runs down from TAILR (0xFFFF) and reloads from it after 0; the
 * edge GPTMCTL.TAEVENT selects (rising, falling, both) on the timer's CCP
 * pin copies the counter into GPTMTAR and raises CAERIS, and the counter
 * runs on. GPTMTAR reads the counter in the other modes. The edge is
 * stamped in the clock it falls in (the chip's input synchronizer adds a
 * couple of clocks, the same for every edge: not modelled). GPTM1 Timer
 * A's pin is CCP2 on PD5, which must carry it (GPIOAFSEL and GPIODEN) or
 * the timer sees nothing. What drives the pin is a square wave a test
 * starts (model_sqw_start: the RTC's 1 Hz output, low for the first half
 * of each period after its fall). Rules: GPTMCFG or GPTMTAMR written while
 * the timer is enabled ("Initialization and Configuration": ensure the
 * timer is disabled before making any changes), and a timer enabled in a
 * mode the model does not have.
 */
#include <inttypes.h>
#include <string.h>

#include "lm3s6965_model_priv.h"

#define WDT_LOCK_KEY 0x1ACCE551u
#define WDT_INTEN    (1u << 0)
#define WDT_RESEN    (1u << 1)
#define GPTM_TAEN    (1u << 0)
#define GPTM_TATO    (1u << 0)
#define GPTM_CAE     (1u << 2) /* capture mode event: CAERIS, CAEIM, CAECINT */
#define GPTM_UNITS   2u
#define PORT_D       3u
#define PIN_CCP2     5u

static struct {
    uint32_t load, value, ctl, ris, test;
    bool locked;
} w;

struct gptm {
    uint32_t cfg, tamr, tbmr, ctl, imr, ris, tailr, tbilr;
    uint32_t cnt; /* Timer A's counter */
    uint32_t cap; /* the counter at the last captured edge (GPTMTAR in edge-time mode) */
};

static struct gptm units[GPTM_UNITS];
static const unsigned unit_irq[GPTM_UNITS] = { MODEL_IRQ_TIMER0A, MODEL_IRQ_TIMER1A };
static const char *const unit_name[GPTM_UNITS] = { "GPTM0", "GPTM1" };

/* The square wave on PD5 (CCP2): falls at first_fall + k * period, rises half a period later. */
static struct {
    bool is_on;
    uint64_t first_fall, period;
    unsigned captures;
} sqw;

static void gptm_unit_reset(struct gptm *t)
{
    memset(t, 0, sizeof(*t));
    t->tailr = t->tbilr = t->cnt = 0xFFFFFFFFu;
}

void timers_reset(void)
{
    memset(&w, 0, sizeof(w));
    w.load = w.value = 0xFFFFFFFFu;
    for (unsigned u = 0; u < GPTM_UNITS; u++) {
        gptm_unit_reset(&units[u]);
    }
    memset(&sqw, 0, sizeof(sqw));
}

void model_sqw_start(uint64_t first_fall_clock, uint64_t period_clocks)
{
    sqw.is_on = true;
    sqw.first_fall = first_fall_clock;
    sqw.period = period_clocks;
}

void model_sqw_stop(void)
{
    sqw.is_on = false;
}

unsigned model_gptm1_captures(void)
{
    return sqw.captures;
}

/* The square wave's level in clock c (high before it starts and while off). */
static bool sqw_level_at(uint64_t c)
{
    if (!sqw.is_on || c < sqw.first_fall) {
        return true;
    }
    return (c - sqw.first_fall) % sqw.period >= sqw.period / 2u;
}

uint8_t timers_ccp_levels(void)
{
    return sqw_level_at(mdl_now()) ? (uint8_t)(1u << PIN_CCP2) : 0u;
}

static void lines_update(void)
{
    if (w.ris && (w.ctl & WDT_INTEN)) {
        nvic_line_assert(MODEL_IRQ_WDT);
    }
    for (unsigned u = 0; u < GPTM_UNITS; u++) {
        if (units[u].ris & units[u].imr & (GPTM_TATO | GPTM_CAE)) {
            nvic_line_assert(unit_irq[u]);
        }
    }
}

static void wdt_advance(uint64_t clocks)
{
    if ((w.ctl & WDT_INTEN) == 0) {
        return;
    }
    while (clocks > 0) {
        if (clocks < w.value) {
            w.value -= (uint32_t)clocks;
            return;
        }
        clocks -= w.value;
        if (w.ris && (w.ctl & WDT_RESEN)) {
            w.value = w.load;
            mdl_reset_requested(true);
            continue;
        }
        w.ris = 1u;
        w.value = w.load;
        if (w.load == 0) {
            return;
        }
    }
}

static bool is_edge_time_mode(const struct gptm *t)
{
    return t->cfg == 4u && (t->tamr & 7u) == 7u;
}

/* Timer A's counter d clocks after it read v, in edge-time mode (TAILR..0, reload). */
static uint32_t count_down16(const struct gptm *t, uint32_t v, uint64_t d)
{
    uint64_t period = (uint64_t)(t->tailr & 0xFFFFu) + 1u;
    return (uint32_t)((v + period - d % period) % period);
}

/*
 * The edges on CCP2 in clocks (from, to], as TAEVENT selects them (bits
 * 3:2: 0 rising, 1 falling, 3 both): the first one's clock in *at.
 */
static bool next_edge(const struct gptm *t, uint64_t from, uint64_t to, uint64_t *at)
{
    unsigned event = (t->ctl >> 2) & 3u;
    if (!sqw.is_on || to < sqw.first_fall) {
        return false;
    }
    uint64_t half = sqw.period / 2u;
    uint64_t k = from < sqw.first_fall ? 0 : (from - sqw.first_fall) / sqw.period;
    for (; k <= (to - sqw.first_fall) / sqw.period + 1u; k++) {
        uint64_t fall = sqw.first_fall + k * sqw.period, rise = fall + half;
        if (event != 0u && fall > from && fall <= to) {
            *at = fall;
            return true;
        }
        if (event != 1u && rise > from && rise <= to) {
            *at = rise;
            return true;
        }
    }
    return false;
}

static void edge_time_advance(unsigned u, uint64_t clocks)
{
    struct gptm *t = &units[u];
    uint64_t now = mdl_now(), from = now - clocks, at;
    if (u == 1u && gpio_is_muxed(PORT_D, PIN_CCP2) && next_edge(t, from, now, &at)) {
        t->cap = count_down16(t, t->cnt, at - from);
        t->ris |= GPTM_CAE;
        sqw.captures++;
    }
    t->cnt = count_down16(t, t->cnt, clocks);
}

static void gptm_advance(unsigned u, uint64_t clocks)
{
    struct gptm *t = &units[u];
    if ((t->ctl & GPTM_TAEN) == 0) {
        return;
    }
    if (is_edge_time_mode(t)) {
        edge_time_advance(u, clocks);
        return;
    }
    while (clocks > 0) {
        if (clocks < t->cnt) {
            t->cnt -= (uint32_t)clocks;
            return;
        }
        clocks -= t->cnt;
        t->ris |= GPTM_TATO;
        if ((t->tamr & 3u) == 1u) { /* one-shot: stops */
            t->ctl &= ~GPTM_TAEN;
            t->cnt = 0;
            return;
        }
        t->cnt = t->tailr;
        if (t->tailr == 0) {
            return;
        }
    }
}

void timers_advance(uint64_t clocks)
{
    wdt_advance(clocks);
    for (unsigned u = 0; u < GPTM_UNITS; u++) {
        gptm_advance(u, clocks);
    }
    lines_update();
}

/* ---- watchdog registers ---- */

bool wdt_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)unit;
    (void)peek;
    switch (off) {
    case 0x000: *val = w.load; break;
    case 0x004: *val = w.value; break;
    case 0x008: *val = w.ctl; break;
    case 0x010: *val = w.ris; break;
    case 0x014: *val = (w.ctl & WDT_INTEN) ? w.ris : 0; break;
    case 0x418: *val = w.test; break;
    case 0xC00: *val = w.locked ? 1u : 0u; break;
    default: return false;
    }
    return true;
}

bool wdt_write_reg(unsigned unit, uint32_t off, uint32_t val)
{
    (void)unit;
    if (off == 0xC00) {
        w.locked = val != WDT_LOCK_KEY;
        return true;
    }
    if (off != 0x000 && off != 0x008 && off != 0x00C && off != 0x418) {
        return false;
    }
    if (w.locked) {
        mdl_violation("WDT0 register 0x%03" PRIx32 " written (0x%08" PRIx32 ") while WDTLOCK is "
                      "locked: ignored (write 0x1ACCE551 to WDTLOCK first)",
                      off, val);
        return true;
    }
    switch (off) {
    case 0x000:
        w.load = val;
        w.value = val;
        break;
    case 0x008:
        if ((w.ctl & WDT_INTEN) && !(val & WDT_INTEN)) {
            mdl_violation("WDT0 WDTCTL.INTEN cleared: ignored, only a reset clears it once set");
        }
        w.ctl = (w.ctl & WDT_INTEN) | (val & (WDT_INTEN | WDT_RESEN));
        break;
    case 0x00C:
        w.ris = 0;
        w.value = w.load;
        break;
    case 0x418: w.test = val & (1u << 8); break;
    default: break;
    }
    lines_update();
    return true;
}

/* ---- GPTM registers ---- */

bool gptm_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)peek;
    const struct gptm *t = &units[unit];
    switch (off) {
    case 0x000: *val = t->cfg; break;
    case 0x004: *val = t->tamr; break;
    case 0x008: *val = t->tbmr; break;
    case 0x00C: *val = t->ctl; break;
    case 0x018: *val = t->imr; break;
    case 0x01C: *val = t->ris; break;
    case 0x020: *val = t->ris & t->imr; break;
    case 0x028: *val = t->tailr; break;
    case 0x02C: *val = t->tbilr; break;
    case 0x048: *val = is_edge_time_mode(t) ? t->cap : t->cnt; break;
    default: return false;
    }
    return true;
}

bool gptm_write_reg(unsigned unit, uint32_t off, uint32_t val)
{
    struct gptm *t = &units[unit];
    bool running = (t->ctl & GPTM_TAEN) != 0;
    switch (off) {
    case 0x000:
    case 0x004:
        if (running) {
            mdl_violation("%s %s written while Timer A is enabled (datasheet: clear "
                          "GPTMCTL.TAEN before changing the configuration)",
                          unit_name[unit], off == 0 ? "GPTMCFG" : "GPTMTAMR");
        }
        if (off == 0x000) {
            t->cfg = val & 7u;
        } else {
            t->tamr = val & 0xFFu;
        }
        break;
    case 0x008: t->tbmr = val & 0xFFu; break;
    case 0x00C:
        if ((val & GPTM_TAEN) && !running) {
            bool is_32 = t->cfg == 0 && ((t->tamr & 3u) == 1u || (t->tamr & 3u) == 2u);
            if (!is_32 && !is_edge_time_mode(t)) {
                mdl_violation("%s enabled with CFG %" PRIu32 " TAMR 0x%02" PRIx32 ": the model "
                              "has the 32-bit one-shot and periodic modes and Timer A's 16-bit "
                              "edge-time mode only",
                              unit_name[unit], t->cfg, t->tamr);
            }
            t->cnt = is_edge_time_mode(t) ? (t->tailr & 0xFFFFu) : t->tailr;
        }
        t->ctl = val & 0x4F4Fu;
        break;
    case 0x018: t->imr = val & 0xF77u; break;
    case 0x024: t->ris &= ~val; break;
    case 0x028:
        t->tailr = val;
        if (!running) {
            t->cnt = val;
        }
        break;
    case 0x02C: t->tbilr = val; break;
    default: return false;
    }
    lines_update();
    return true;
}
