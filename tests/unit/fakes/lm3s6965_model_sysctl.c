/*
 * LM3S6965 model: system control (datasheet chapter 6), base 0x400FE000.
 *
 * The clock tree (the chapter's "Main Clock Tree" figure): the system clock is
 * the source OSCSRC selects (main oscillator, 12 MHz internal oscillator,
 * its quarter, 30 kHz), divided by SYSDIV+1 when USESYSDIV is set, or,
 * with BYPASS clear, the 400 MHz PLL divided by 2 and by SYSDIV+1 (the
 * divider is always in use with the PLL). RCC2 overrides OSCSRC, BYPASS,
 * PWRDN and SYSDIV while its USERCC2 bit is set. Reset values: RCC
 * 0x078E3AD1 (RCC register description), RCC2 0x07802810, DID0/DID1/DC0-4 as
 * QEMU's lm3s6965evb machine reports them.
 *
 * The PLL ("PLL Operation"): it locks TREADY after it leaves
 * power-down or its XTAL value changes; the datasheet's lock counter runs
 * 0x1200 cycles of the main oscillator (about 600 us at 8.192 MHz), and the
 * model sets PLLLRIS that long after PWRDN is cleared with the main
 * oscillator enabled and selected and a valid XTAL (0x4-0xF: below
 * 3.579545 MHz the PLL cannot run). Writing the same XTAL again does not
 * relock, so a PLL already running never sets PLLLRIS again.
 *
 * The main oscillator's settling time: the datasheet gives no figure for
 * the LM3S6965's crystal oscillator. The model demands MODEL_MOSC_SETTLE_US
 * (100 ms) between clearing MOSCDIS and running anything from it: what
 * DriverLib's SysCtlClockSet waits (SysCtlDelay(524288), 3 cycles an
 * iteration, 1,572,864 cycles) on the internal oscillator at its fastest,
 * 12 MHz + 30% (the datasheet's tolerance): 1,572,864 / 15.6 MHz = 100.8 ms.
 *
 * Rules enforced (violations): the core left without a clock (BYPASS
 * cleared before the PLL locked, or with the PLL powered down, output
 * disabled or without its reference; the main oscillator selected while
 * MOSCDIS is set or before it settled; the internal oscillator selected
 * while IOSCDIS is set); a system clock above the part's 50 MHz; a
 * reserved XTAL value; writes to read-only registers. And the clock gates
 * (RCGC0-2): a peripheral's registers are reachable only while its
 * RCGC bit is set and 3 system clocks after the bit was set; a read of the
 * RCGC register after the write counts as that wait (it completes after
 * the write took effect; the model's one clock per access understates
 * what such a read costs on the APB).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lm3s6965_model_priv.h"

#define FS_PER_S  1000000000000000ull
#define FS_PER_US 1000000000ull
#define NEVER     UINT64_MAX

#define IOSC_HZ              12000000u /* 12 MHz +-30% (datasheet electrical characteristics) */
#define OSC30_HZ             30000u
#define HIB_HZ               32768u
#define PLL_HZ               400000000u
#define MAX_CPU_HZ           50000000u /* the LM3S6965's maximum system clock */
#define PLL_LOCK_MOSC_CYCLES 0x1200u

#define RCC_MOSCDIS   (1u << 0)
#define RCC_IOSCDIS   (1u << 1)
#define RCC_OEN       (1u << 12)
#define RCC_PWRDN     (1u << 13)
#define RCC_BYPASS    (1u << 11)
#define RCC_USESYSDIV (1u << 22)
#define RCC2_USERCC2  (1u << 31)
#define RCC2_PWRDN2   (1u << 13)
#define RCC2_BYPASS2  (1u << 11)
#define RIS_PLLLRIS   (1u << 6)
#define RESC_WDT      (1u << 3)
#define RESC_SW       (1u << 4)

/* XTAL field values (RCC register description), as DriverLib's g_pulXtals lists them. */
static const uint32_t xtal_hz_table[16] = {
    1000000, 1843200, 2000000, 2457600, 3579545, 3686400, 4000000, 4096000,
    4915200, 5000000, 5120000, 6000000, 6144000, 7372800, 8000000, 8192000,
};

/* Which RCGC register and bit each gate is (datasheet registers 16-18). */
static const struct {
    uint8_t reg;
    uint8_t bit;
    const char *name;
} gates[] = {
    [GATE_WDT0] = { 0, 3, "WDT0" },      [GATE_GPIOA] = { 2, 0, "GPIOA" },
    [GATE_GPIOB] = { 2, 1, "GPIOB" },    [GATE_GPIOC] = { 2, 2, "GPIOC" },
    [GATE_GPIOD] = { 2, 3, "GPIOD" },    [GATE_GPIOE] = { 2, 4, "GPIOE" },
    [GATE_GPIOF] = { 2, 5, "GPIOF" },    [GATE_GPIOG] = { 2, 6, "GPIOG" },
    [GATE_UART0] = { 1, 0, "UART0" },    [GATE_I2C0] = { 1, 12, "I2C0" },
    [GATE_TIMER0] = { 1, 16, "TIMER0" }, [GATE_EMAC0] = { 2, 28, "EMAC0" },
    [GATE_EPHY0] = { 2, 30, "EPHY0" },
};

/* The clock-tree fields in effect (RCC, or RCC2 where USERCC2 says so). */
struct clk_cfg {
    unsigned oscsrc; /* 0 main, 1 internal, 2 internal / 4, 3 30 kHz, 7 32.768 kHz */
    unsigned xtal;
    unsigned sysdiv;
    bool bypass, pwrdn, oen_off, usesysdiv, moscdis, ioscdis;
};

static struct {
    uint32_t did0, pborctl, ldopctl, srcr[3], ris, imc, resc, rcc, rcc2;
    uint32_t rcgc[3], scgc[3], dcgc[3], user0, user1;
    uint64_t gate_ready[3][32]; /* first clock an access is allowed after the bit was set */
    uint32_t crystal_hz;
    bool pll_never_locks;
    uint64_t mosc_stable_fs; /* NEVER while MOSCDIS is set */
    uint64_t pll_lock_fs;    /* when the PLL locks; NEVER if it will not as things are */
    bool pll_locked;
    uint32_t cpu_hz;
} sc;

static struct clk_cfg cfg_of(uint32_t rcc, uint32_t rcc2)
{
    struct clk_cfg c = {
        .xtal = (rcc >> 6) & 0x1Fu,
        .oen_off = (rcc & RCC_OEN) != 0,
        .usesysdiv = (rcc & RCC_USESYSDIV) != 0,
        .moscdis = (rcc & RCC_MOSCDIS) != 0,
        .ioscdis = (rcc & RCC_IOSCDIS) != 0,
    };
    if (rcc2 & RCC2_USERCC2) {
        c.oscsrc = (rcc2 >> 4) & 7u;
        c.bypass = (rcc2 & RCC2_BYPASS2) != 0;
        c.pwrdn = (rcc2 & RCC2_PWRDN2) != 0;
        c.sysdiv = (rcc2 >> 23) & 0x3Fu;
    } else {
        c.oscsrc = (rcc >> 4) & 3u;
        c.bypass = (rcc & RCC_BYPASS) != 0;
        c.pwrdn = (rcc & RCC_PWRDN) != 0;
        c.sysdiv = (rcc >> 23) & 0xFu;
    }
    return c;
}

/* The PLL has its reference: the main oscillator on, selected, with a valid XTAL value. */
static bool pll_has_reference(const struct clk_cfg *c)
{
    return c->oscsrc == 0 && !c->moscdis && c->xtal >= 4u && c->xtal <= 15u;
}

static bool pll_is_running(const struct clk_cfg *c)
{
    return !c->pwrdn && pll_has_reference(c);
}

static uint32_t pll_out_hz(const struct clk_cfg *c)
{
    /* The PLL multiplies as if the crystal were the XTAL value. */
    return (uint32_t)((uint64_t)PLL_HZ * sc.crystal_hz / xtal_hz_table[c->xtal & 15u]);
}

static void pll_update(const struct clk_cfg *was, const struct clk_cfg *now)
{
    if (!pll_is_running(now)) {
        sc.pll_locked = false;
        sc.pll_lock_fs = NEVER;
        return;
    }
    if (pll_is_running(was) && was->xtal == now->xtal) {
        return; /* same configuration: no relock */
    }
    sc.pll_locked = false;
    if (sc.pll_never_locks) {
        sc.pll_lock_fs = NEVER;
        return;
    }
    uint64_t start = mdl_now_fs() > sc.mosc_stable_fs ? mdl_now_fs() : sc.mosc_stable_fs;
    sc.pll_lock_fs = start + PLL_LOCK_MOSC_CYCLES * FS_PER_S / sc.crystal_hz;
}

/* Returns the system clock cfg gives, or 0 after recording why the core would stop. */
static uint32_t core_hz(const struct clk_cfg *c, const struct clk_cfg *was)
{
    if (!c->bypass) {
        if (c->pwrdn) {
            mdl_violation("core stopped: RCC BYPASS clear while the PLL is powered down (PWRDN)");
        } else if (c->oen_off) {
            mdl_violation("core stopped: RCC BYPASS clear while the PLL output is off (OEN)");
        } else if (!pll_has_reference(c)) {
            mdl_violation("core stopped: the core runs from the PLL and the PLL has no reference "
                          "(main oscillator off or not selected, or XTAL 0x%x invalid)",
                          c->xtal);
        } else if (!sc.pll_locked && was->bypass) {
            mdl_violation("core stopped: RCC BYPASS cleared before the PLL locked (RIS.PLLLRIS "
                          "clear): wait for PLLLRIS first, as DriverLib's SysCtlClockSet does");
        } else if (!sc.pll_locked) {
            mdl_violation("core stopped: the PLL relocks (XTAL changed) while the core runs "
                          "from it");
        } else {
            uint32_t hz = pll_out_hz(c) / 2u / (c->sysdiv + 1u);
            if (hz > MAX_CPU_HZ) {
                mdl_violation("system clock %" PRIu32 " Hz from the PLL (SYSDIV %u) is above the "
                              "LM3S6965's 50 MHz maximum (SYSDIV below 3 is reserved with "
                              "the PLL)",
                              hz, c->sysdiv);
            }
            return hz;
        }
        return 0;
    }
    uint32_t hz = 0;
    switch (c->oscsrc) {
    case 0:
        if (c->moscdis) {
            mdl_violation("core stopped: main oscillator selected (OSCSRC=0, BYPASS) while RCC "
                          "MOSCDIS is set");
            return 0;
        }
        if (mdl_now_fs() < sc.mosc_stable_fs) {
            mdl_violation(
                "main oscillator selected %" PRIu64 " us after MOSCDIS was cleared: it "
                "needs %u us to settle (DriverLib waits SysCtlDelay(524288))",
                (uint64_t)((mdl_now_fs() + MODEL_MOSC_SETTLE_US * FS_PER_US - sc.mosc_stable_fs) /
                           FS_PER_US),
                MODEL_MOSC_SETTLE_US);
            return 0;
        }
        hz = sc.crystal_hz;
        break;
    case 1:
    case 2:
        if (c->ioscdis) {
            mdl_violation("core stopped: internal oscillator selected while RCC IOSCDIS is set");
            return 0;
        }
        hz = c->oscsrc == 1 ? IOSC_HZ : IOSC_HZ / 4u;
        break;
    case 3: hz = OSC30_HZ; break;
    case 7: hz = HIB_HZ; break;
    default: mdl_violation("core stopped: RCC2 OSCSRC2 %u is reserved", c->oscsrc); return 0;
    }
    return c->usesysdiv ? hz / (c->sysdiv + 1u) : hz;
}

/* An RCC or RCC2 write took effect: oscillators, PLL and the core clock follow. */
static void clock_tree_changed(uint32_t old_rcc, uint32_t old_rcc2)
{
    struct clk_cfg was = cfg_of(old_rcc, old_rcc2);
    struct clk_cfg now = cfg_of(sc.rcc, sc.rcc2);
    if (((sc.rcc >> 6) & 0x1Fu) > 15u) {
        mdl_violation("RCC XTAL 0x%" PRIx32 " is reserved on the LM3S6965 (0x0-0xF)",
                      (sc.rcc >> 6) & 0x1Fu);
    }
    if (was.moscdis && !now.moscdis) {
        sc.mosc_stable_fs = mdl_now_fs() + MODEL_MOSC_SETTLE_US * FS_PER_US;
    } else if (now.moscdis) {
        sc.mosc_stable_fs = NEVER;
    }
    pll_update(&was, &now);
    uint32_t hz = core_hz(&now, &was);
    if (hz != 0 && hz != sc.cpu_hz) {
        sc.cpu_hz = hz;
        mdl_clock_changed(hz);
    }
}

void sysctl_reset(void)
{
    memset(&sc, 0, sizeof(sc));
    sc.did0 = 0x10010002u;
    sc.pborctl = 0x00007FFDu;
    sc.rcc = 0x078E3AD1u;
    sc.rcc2 = 0x07802810u;
    sc.rcgc[0] = sc.scgc[0] = sc.dcgc[0] = 0x00000040u;
    sc.user0 = sc.user1 = 0xFFFFFFFFu;
    sc.crystal_hz = 8000000u;
    sc.mosc_stable_fs = NEVER;
    sc.pll_lock_fs = NEVER;
    sc.cpu_hz = IOSC_HZ;
    mdl_clock_changed(sc.cpu_hz);
}

uint32_t sysctl_cpu_hz(void)
{
    return sc.cpu_hz;
}

void sysctl_advance(uint64_t clocks)
{
    (void)clocks;
    if (!sc.pll_locked && mdl_now_fs() >= sc.pll_lock_fs) {
        sc.pll_locked = true;
        sc.ris |= RIS_PLLLRIS;
    }
}

void sysctl_note_reset(bool is_watchdog)
{
    sc.resc |= is_watchdog ? RESC_WDT : RESC_SW;
}

int sysctl_gate_check(enum model_gate g, char *why, size_t len)
{
    unsigned reg = gates[g].reg, bit = gates[g].bit;
    if ((sc.rcgc[reg] & (1u << bit)) == 0) {
        snprintf(why, len, "with its clock gated (RCGC%u bit %u, %s, clear)", reg, bit,
                 gates[g].name);
        return -1;
    }
    uint64_t ready = sc.gate_ready[reg][bit];
    if (mdl_now() < ready) {
        snprintf(why, len,
                 "%" PRIu64 " clock(s) after RCGC%u bit %u (%s) was set: the "
                 "datasheet asks for 3 system clocks first (read RCGC%u back)",
                 mdl_now() - (ready - 3u), reg, bit, gates[g].name, reg);
        return -1;
    }
    return 0;
}

static void rcgc_write(unsigned reg, uint32_t val)
{
    uint32_t set = val & ~sc.rcgc[reg];
    for (unsigned bit = 0; bit < 32u; bit++) {
        if (set & (1u << bit)) {
            sc.gate_ready[reg][bit] = mdl_now() + 3u;
        }
    }
    sc.rcgc[reg] = val;
}

static void rcgc_read_back(unsigned reg)
{
    /* The read completes after the write took effect: the wait is over from the next clock. */
    for (unsigned bit = 0; bit < 32u; bit++) {
        if (sc.gate_ready[reg][bit] > mdl_now() + 1u) {
            sc.gate_ready[reg][bit] = mdl_now() + 1u;
        }
    }
}

bool sysctl_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)unit;
    switch (off) {
    case 0x000: *val = sc.did0; break;
    case 0x004: *val = 0x1073402Eu; break; /* DID1 */
    case 0x008: *val = 0x00FF007Fu; break; /* DC0 */
    case 0x010: *val = 0x001133FFu; break; /* DC1 */
    case 0x014: *val = 0x030F5317u; break; /* DC2 */
    case 0x018: *val = 0x0F0F87FFu; break; /* DC3 */
    case 0x01C: *val = 0x5000007Fu; break; /* DC4 */
    case 0x030: *val = sc.pborctl; break;
    case 0x034: *val = sc.ldopctl; break;
    case 0x040:
    case 0x044:
    case 0x048: *val = sc.srcr[(off - 0x040u) / 4u]; break;
    case 0x050: *val = sc.ris; break;
    case 0x054: *val = sc.imc; break;
    case 0x058: *val = sc.ris & sc.imc; break; /* MISC reads the masked status */
    case 0x05C: *val = sc.resc; break;
    case 0x060: *val = sc.rcc; break;
    case 0x070: *val = sc.rcc2; break;
    case 0x100:
    case 0x104:
    case 0x108:
        *val = sc.rcgc[(off - 0x100u) / 4u];
        if (!peek) {
            rcgc_read_back((off - 0x100u) / 4u);
        }
        break;
    case 0x110:
    case 0x114:
    case 0x118: *val = sc.scgc[(off - 0x110u) / 4u]; break;
    case 0x120:
    case 0x124:
    case 0x128: *val = sc.dcgc[(off - 0x120u) / 4u]; break;
    case 0x1E0: *val = sc.user0; break;
    case 0x1E4: *val = sc.user1; break;
    default: return false;
    }
    return true;
}

bool sysctl_write(unsigned unit, uint32_t off, uint32_t val)
{
    (void)unit;
    switch (off) {
    case 0x000:
    case 0x004:
    case 0x008:
    case 0x010:
    case 0x014:
    case 0x018:
    case 0x01C:
    case 0x050:
    case 0x1E0:
    case 0x1E4:
        mdl_violation("write of 0x%08" PRIx32 " to read-only system control register 0x%03" PRIx32
                      ": ignored",
                      val, off);
        break;
    case 0x030: sc.pborctl = val & 0xFFFFu; break;
    case 0x034: sc.ldopctl = val & 0x3Fu; break;
    case 0x040:
    case 0x044:
    case 0x048: sc.srcr[(off - 0x040u) / 4u] = val; break;
    case 0x054: sc.imc = val & 0x7Fu; break;
    case 0x058: sc.ris &= ~val; break;        /* MISC: write 1 to clear */
    case 0x05C: sc.resc = val & 0x3Fu; break; /* sticky; software clears it */
    case 0x060: {
        uint32_t old = sc.rcc;
        sc.rcc = val;
        clock_tree_changed(old, sc.rcc2);
        break;
    }
    case 0x070: {
        uint32_t old = sc.rcc2;
        sc.rcc2 = val;
        clock_tree_changed(sc.rcc, old);
        break;
    }
    case 0x100:
    case 0x104:
    case 0x108: rcgc_write((off - 0x100u) / 4u, val); break;
    case 0x110:
    case 0x114:
    case 0x118: sc.scgc[(off - 0x110u) / 4u] = val; break;
    case 0x120:
    case 0x124:
    case 0x128: sc.dcgc[(off - 0x120u) / 4u] = val; break;
    default: return false;
    }
    return true;
}

/* ---- test controls ---- */

void model_sysctl_set_crystal_hz(uint32_t hz)
{
    sc.crystal_hz = hz;
}

void model_sysctl_set_pll_never_locks(bool never)
{
    sc.pll_never_locks = never;
    if (never && !sc.pll_locked) {
        sc.pll_lock_fs = NEVER;
    }
}

void model_sysctl_set_resc(uint32_t resc)
{
    sc.resc = resc & 0x3Fu;
}

void model_sysctl_set_user_regs(uint32_t user0, uint32_t user1)
{
    sc.user0 = user0;
    sc.user1 = user1;
}

void model_sysctl_set_did0(uint32_t did0)
{
    sc.did0 = did0;
}

void model_sysctl_set_warm_start(uint32_t rcc, uint32_t rcc2)
{
    sc.rcc = rcc;
    sc.rcc2 = rcc2;
    struct clk_cfg c = cfg_of(rcc, rcc2);
    sc.mosc_stable_fs = c.moscdis ? NEVER : 0;
    sc.pll_locked = pll_is_running(&c) && !sc.pll_never_locks;
    sc.pll_lock_fs = sc.pll_locked ? 0 : NEVER;
    if (sc.pll_locked) {
        sc.ris |= RIS_PLLLRIS;
    }
    uint32_t hz = core_hz(&c, &c);
    if (hz != 0) {
        sc.cpu_hz = hz;
        mdl_clock_changed(hz);
    }
}
