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
 * GPTM0: the 32-bit periodic and one-shot modes of Timer A (CFG 0, TAMR
 * 1 or 2), counting TAILR down to 0, raising TATORIS and (periodic)
 * reloading. Rules: GPTMCFG or GPTMTAMR written while the timer is
 * enabled ("Initialization and Configuration": ensure the timer is
 * disabled before making any changes), and a timer enabled in a mode the
 * model does not have.
 */
#include <inttypes.h>
#include <string.h>

#include "lm3s6965_model_priv.h"

#define WDT_LOCK_KEY 0x1ACCE551u
#define WDT_INTEN    (1u << 0)
#define WDT_RESEN    (1u << 1)
#define GPTM_TAEN    (1u << 0)
#define GPTM_TATO    (1u << 0)

static struct {
    uint32_t load, value, ctl, ris, test;
    bool locked;
} w;

static struct {
    uint32_t cfg, tamr, tbmr, ctl, imr, ris, tailr, tbilr, tar;
} t;

void timers_reset(void)
{
    memset(&w, 0, sizeof(w));
    w.load = w.value = 0xFFFFFFFFu;
    memset(&t, 0, sizeof(t));
    t.tailr = t.tbilr = t.tar = 0xFFFFFFFFu;
}

static void lines_update(void)
{
    if (w.ris && (w.ctl & WDT_INTEN)) {
        nvic_line_assert(MODEL_IRQ_WDT);
    }
    if (t.ris & t.imr & GPTM_TATO) {
        nvic_line_assert(MODEL_IRQ_TIMER0A);
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

static void gptm_advance(uint64_t clocks)
{
    if ((t.ctl & GPTM_TAEN) == 0) {
        return;
    }
    while (clocks > 0) {
        if (clocks < t.tar) {
            t.tar -= (uint32_t)clocks;
            return;
        }
        clocks -= t.tar;
        t.ris |= GPTM_TATO;
        if ((t.tamr & 3u) == 1u) { /* one-shot: stops */
            t.ctl &= ~GPTM_TAEN;
            t.tar = 0;
            return;
        }
        t.tar = t.tailr;
        if (t.tailr == 0) {
            return;
        }
    }
}

void timers_advance(uint64_t clocks)
{
    wdt_advance(clocks);
    gptm_advance(clocks);
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

/* ---- GPTM0 registers ---- */

bool gptm_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)unit;
    (void)peek;
    switch (off) {
    case 0x000: *val = t.cfg; break;
    case 0x004: *val = t.tamr; break;
    case 0x008: *val = t.tbmr; break;
    case 0x00C: *val = t.ctl; break;
    case 0x018: *val = t.imr; break;
    case 0x01C: *val = t.ris; break;
    case 0x020: *val = t.ris & t.imr; break;
    case 0x028: *val = t.tailr; break;
    case 0x02C: *val = t.tbilr; break;
    case 0x048: *val = t.tar; break;
    default: return false;
    }
    return true;
}

bool gptm_write_reg(unsigned unit, uint32_t off, uint32_t val)
{
    (void)unit;
    bool running = (t.ctl & GPTM_TAEN) != 0;
    switch (off) {
    case 0x000:
    case 0x004:
        if (running) {
            mdl_violation("GPTM0 %s written while Timer A is enabled (datasheet: clear "
                          "GPTMCTL.TAEN before changing the configuration)",
                          off == 0 ? "GPTMCFG" : "GPTMTAMR");
        }
        if (off == 0x000) {
            t.cfg = val & 7u;
        } else {
            t.tamr = val & 0xFFu;
        }
        break;
    case 0x008: t.tbmr = val & 0xFFu; break;
    case 0x00C:
        if ((val & GPTM_TAEN) && !running) {
            if (t.cfg != 0 || ((t.tamr & 3u) != 1u && (t.tamr & 3u) != 2u)) {
                mdl_violation("GPTM0 enabled with CFG %" PRIu32 " TAMR 0x%02" PRIx32 ": the model "
                              "has the 32-bit one-shot and periodic modes only",
                              t.cfg, t.tamr);
            }
            t.tar = t.tailr;
        }
        t.ctl = val & 0x4F4Fu;
        break;
    case 0x018: t.imr = val & 0xF77u; break;
    case 0x024: t.ris &= ~val; break;
    case 0x028:
        t.tailr = val;
        if (!running) {
            t.tar = val;
        }
        break;
    case 0x02C: t.tbilr = val; break;
    default: return false;
    }
    lines_update();
    return true;
}
