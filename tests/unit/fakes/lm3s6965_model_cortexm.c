/*
 * LM3S6965 model: the Cortex-M3 core's system control space at 0xE000E000
 * (ARMv7-M Architecture Reference Manual, chapter B3): SysTick, the NVIC,
 * the system control block and the MPU; and PRIMASK, WFI and the taking of
 * interrupts, which the model provides to MMIO_MODEL builds.
 *
 * SysTick: counts the core clock down when ENABLE and CLKSOURCE are
 * set; a count from 1 to 0 sets COUNTFLAG (cleared by reading CSR or
 * writing CVR) and, with TICKINT, pends the SysTick exception; the clock
 * after 0 reloads RVR. Writing CVR clears it and COUNTFLAG.
 * NVIC: 54 external interrupts (LM3S6965), 3 priority bits (bits
 * 7:5 of each priority byte; the rest read as 0).
 * SCB: AIRCR writes without VECTKEY are ignored (a violation here);
 * SYSRESETREQ resets the chip. MPU: 8 regions; RASR's SIZE must be
 * at least 4 (32 bytes) and RBAR aligned to the region's size.
 *
 * Interrupts are taken between accesses, when PRIMASK is clear, one at a
 * time (no nesting), lowest priority value first: only those a test gave a
 * handler (model_set_irq_handler); the others stay pending for the test to
 * see.
 */
#include <inttypes.h>
#include <string.h>

#include "cortexm/cortexm.h"
#include "lm3s6965_model_priv.h"

#define CSR_ENABLE        (1u << 0)
#define CSR_TICKINT       (1u << 1)
#define CSR_CLKSOURCE     (1u << 2)
#define CSR_COUNTFLAG     (1u << 16)
#define ICSR_PENDSTSET    (1u << 26)
#define ICSR_PENDSTCLR    (1u << 25)
#define ICSR_PENDSVSET    (1u << 28)
#define ICSR_PENDSVCLR    (1u << 27)
#define AIRCR_VECTKEY     0x05FAu
#define AIRCR_VECTRESET   (1u << 0)
#define AIRCR_SYSRESETREQ (1u << 2)
#define PRIO_MASK         0xE0u /* 3 implemented priority bits */
#define MPU_REGIONS       8u
#define SCB_CPUID_VALUE   0x411FC231u /* Cortex-M3 r1p1 */

static struct {
    /* SysTick */
    uint32_t csr, rvr, cvr;
    uint64_t cvr_read_at; /* model clock of the last SYST_CVR read */
    bool systick_pending;
    void (*systick_handler)(void);
    /* NVIC */
    uint32_t iser[2], ispr[2];
    uint8_t ipr[MODEL_IRQ_COUNT];
    void (*irq_handler[MODEL_IRQ_COUNT])(void);
    uint32_t handled[2]; /* interrupts with a handler, as a mask */
    /* SCB */
    uint32_t vtor, aircr_prigroup, scr, ccr, shpr[3], shcsr, cfsr, hfsr, mmfar, bfar;
    bool pendsv;
    /* MPU */
    uint32_t mpu_ctrl, mpu_rnr, rbar[MPU_REGIONS], rasr[MPU_REGIONS];
    /* PRIMASK and handler state */
    bool primask;
    unsigned active; /* exception number being handled, 0 in thread mode */
} scs;

void scs_reset(void)
{
    memset(&scs, 0, sizeof(scs));
}

/* ---- SysTick ---- */

void scs_advance(uint64_t clocks)
{
    if ((scs.csr & (CSR_ENABLE | CSR_CLKSOURCE)) != (CSR_ENABLE | CSR_CLKSOURCE)) {
        return;
    }
    while (clocks > 0) {
        if (scs.cvr == 0) {
            scs.cvr = scs.rvr; /* reload; an RVR of 0 keeps the counter at 0 */
            clocks--;
            if (scs.rvr == 0) {
                return;
            }
            continue;
        }
        uint64_t step = clocks < scs.cvr ? clocks : scs.cvr;
        scs.cvr -= (uint32_t)step;
        clocks -= step;
        if (scs.cvr == 0) {
            scs.csr |= CSR_COUNTFLAG;
            if (scs.csr & CSR_TICKINT) {
                scs.systick_pending = true;
            }
        }
    }
}

static void systick_write(uint32_t off, uint32_t val)
{
    switch (off) {
    case 0x010:
        if ((val & CSR_ENABLE) && !(val & CSR_CLKSOURCE)) {
            mdl_violation("SysTick enabled with CLKSOURCE=0: the model counts the core clock only "
                          "(the firmware uses CLKSOURCE=1)");
        }
        scs.csr = (scs.csr & CSR_COUNTFLAG) | (val & 7u);
        break;
    case 0x014: scs.rvr = val & 0x00FFFFFFu; break;
    case 0x018:
        scs.cvr = 0;
        scs.csr &= ~CSR_COUNTFLAG;
        break;
    default: break;
    }
}

/* ---- NVIC ---- */

/*
 * Peripheral lines are levels (ARMv7-M B3.4.1): an asserted line makes its
 * interrupt pending, except while its own handler runs, which has cleared
 * the pending state on entry; a line still asserted after the handler
 * pends it again (the peripheral models re-assert on every clock).
 */
void nvic_line_assert(unsigned irq)
{
    if (scs.active == 16u + irq) {
        return;
    }
    scs.ispr[irq / 32u] |= 1u << (irq % 32u);
}

static bool irq_pending(unsigned irq)
{
    return (scs.ispr[irq / 32u] >> (irq % 32u)) & 1u;
}

static bool irq_enabled(unsigned irq)
{
    return (scs.iser[irq / 32u] >> (irq % 32u)) & 1u;
}

bool model_nvic_is_enabled(unsigned irq)
{
    return irq < MODEL_IRQ_COUNT && irq_enabled(irq);
}

bool model_nvic_is_pending(unsigned irq)
{
    return irq < MODEL_IRQ_COUNT && irq_pending(irq);
}

uint8_t model_nvic_priority(unsigned irq)
{
    return irq < MODEL_IRQ_COUNT ? scs.ipr[irq] : 0;
}

void model_nvic_clear_pending(unsigned irq)
{
    if (irq < MODEL_IRQ_COUNT) {
        scs.ispr[irq / 32u] &= ~(1u << (irq % 32u));
    }
}

void model_set_irq_handler(unsigned irq, void (*handler)(void))
{
    if (irq < MODEL_IRQ_COUNT) {
        scs.irq_handler[irq] = handler;
        if (handler != NULL) {
            scs.handled[irq / 32u] |= 1u << (irq % 32u);
        } else {
            scs.handled[irq / 32u] &= ~(1u << (irq % 32u));
        }
    }
}

uint64_t scs_last_counter_read(void)
{
    return scs.cvr_read_at;
}

void model_set_systick_handler(void (*handler)(void))
{
    scs.systick_handler = handler;
}

/* Word n of a 32-interrupt register bank: 2 implemented, the rest read as zero, writes ignored. */
static uint32_t *bank(uint32_t *regs, uint32_t off, uint32_t base)
{
    uint32_t n = (off - base) / 4u;
    return n < 2u ? &regs[n] : NULL;
}

static uint32_t bank_mask(uint32_t off, uint32_t base)
{
    uint32_t n = (off - base) / 4u;
    /* 54 interrupts: word 1 has bits 0-21. */
    return n == 0 ? 0xFFFFFFFFu : (n == 1 ? (1u << (MODEL_IRQ_COUNT - 32u)) - 1u : 0);
}

void scs_take_interrupts(void)
{
    while (!scs.primask && scs.active == 0) {
        if (!(scs.systick_pending && scs.systick_handler != NULL) &&
            (scs.ispr[0] & scs.iser[0] & scs.handled[0]) == 0 &&
            (scs.ispr[1] & scs.iser[1] & scs.handled[1]) == 0) {
            return; /* the common case, every access: nothing to take */
        }
        unsigned best = 0;
        unsigned best_prio = 0x100;
        void (*fn)(void) = NULL;
        if (scs.systick_pending && scs.systick_handler != NULL) {
            best = 15;
            best_prio = scs.shpr[2] >> 24;
            fn = scs.systick_handler;
        }
        for (unsigned irq = 0; irq < MODEL_IRQ_COUNT; irq++) {
            if (irq_pending(irq) && irq_enabled(irq) && scs.irq_handler[irq] != NULL &&
                scs.ipr[irq] < best_prio) {
                best = 16u + irq;
                best_prio = scs.ipr[irq];
                fn = scs.irq_handler[irq];
            }
        }
        if (fn == NULL) {
            return;
        }
        if (best == 15) {
            scs.systick_pending = false;
        } else {
            model_nvic_clear_pending(best - 16u);
        }
        scs.active = best;
        fn();
        scs.active = 0;
    }
}

bool scs_wake_pending(void)
{
    if (scs.systick_pending) {
        return true;
    }
    for (unsigned irq = 0; irq < MODEL_IRQ_COUNT; irq++) {
        if (irq_pending(irq) && irq_enabled(irq)) {
            return true;
        }
    }
    return false;
}

uint32_t irq_save(void)
{
    uint32_t was = scs.primask;
    scs.primask = true;
    return was;
}

void irq_restore(uint32_t primask)
{
    scs.primask = primask != 0;
    scs_take_interrupts();
}

bool model_irqs_masked(void)
{
    return scs.primask;
}

void cpu_wait_for_interrupt(void)
{
    /* WFI wakes on a pending interrupt even while PRIMASK masks it (ARMv7-M, WFI). */
    const uint64_t limit = 1ull << 32;
    for (uint64_t waited = 0; !scs_wake_pending(); waited += 64u) {
        if (waited >= limit) {
            mdl_violation("WFI: no interrupt became pending within 2^32 clocks (nothing to wake "
                          "the core)");
            return;
        }
        model_advance_clocks(64u);
    }
}

/* ---- MPU ---- */

static void mpu_check_region(unsigned r)
{
    uint32_t rasr = scs.rasr[r];
    if ((rasr & 1u) == 0) {
        return;
    }
    unsigned size = (rasr >> 1) & 0x1Fu;
    if (size < 4u) {
        mdl_violation("MPU region %u enabled with RASR.SIZE %u: below 4 (32 bytes) is "
                      "UNPREDICTABLE (ARMv7-M, MPU_RASR)",
                      r, size);
        return;
    }
    uint64_t bytes = 1ull << (size + 1u);
    if (bytes < (1ull << 32) && (scs.rbar[r] & (uint32_t)(bytes - 1u)) != 0) {
        mdl_violation("MPU region %u: base 0x%08" PRIx32 " not aligned to its size (%" PRIu64
                      " bytes)",
                      r, scs.rbar[r], bytes);
    }
}

/* ---- register access ---- */

bool scs_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)unit;
    if (off >= 0x100u && off < 0x140u) {
        uint32_t *r = bank(scs.iser, off, 0x100u);
        *val = r != NULL ? *r : 0;
    } else if (off >= 0x180u && off < 0x1C0u) {
        uint32_t *r = bank(scs.iser, off, 0x180u);
        *val = r != NULL ? *r : 0;
    } else if (off >= 0x200u && off < 0x240u) {
        uint32_t *r = bank(scs.ispr, off, 0x200u);
        *val = r != NULL ? *r : 0;
    } else if (off >= 0x280u && off < 0x2C0u) {
        uint32_t *r = bank(scs.ispr, off, 0x280u);
        *val = r != NULL ? *r : 0;
    } else if (off >= 0x300u && off < 0x340u) {
        uint32_t n = (off - 0x300u) / 4u; /* IABR */
        unsigned a = scs.active >= 16u ? scs.active - 16u : 0xFFFFu;
        *val = (a / 32u == n) ? 1u << (a % 32u) : 0;
    } else if (off >= 0x400u && off < 0x4F0u) {
        uint32_t first = off - 0x400u;
        *val = 0;
        for (unsigned i = 0; i < 4u; i++) {
            if (first + i < MODEL_IRQ_COUNT) {
                *val |= (uint32_t)scs.ipr[first + i] << (8u * i);
            }
        }
    } else {
        switch (off) {
        case 0x004: *val = 1u; break; /* ICTR: 33-64 interrupts */
        case 0x010:
            *val = scs.csr;
            if (!peek) {
                scs.csr &= ~CSR_COUNTFLAG; /* cleared by reading */
            }
            break;
        case 0x014: *val = scs.rvr; break;
        case 0x018:
            *val = scs.cvr;
            if (!peek) {
                scs.cvr_read_at = mdl_now();
            }
            break;
        case 0x01C: *val = 0; break; /* CALIB: no reference given */
        case 0xD00: *val = SCB_CPUID_VALUE; break;
        case 0xD04:
            *val = (scs.systick_pending ? ICSR_PENDSTSET : 0) | (scs.pendsv ? ICSR_PENDSVSET : 0) |
                   scs.active;
            break;
        case 0xD08: *val = scs.vtor; break;
        case 0xD0C: *val = 0xFA050000u | (scs.aircr_prigroup << 8); break;
        case 0xD10: *val = scs.scr; break;
        case 0xD14: *val = scs.ccr; break;
        case 0xD18:
        case 0xD1C:
        case 0xD20: *val = scs.shpr[(off - 0xD18u) / 4u]; break;
        case 0xD24: *val = scs.shcsr; break;
        case 0xD28: *val = scs.cfsr; break;
        case 0xD2C: *val = scs.hfsr; break;
        case 0xD34: *val = scs.mmfar; break;
        case 0xD38: *val = scs.bfar; break;
        case 0xD90: *val = MPU_REGIONS << 8; break; /* MPU TYPE: DREGION */
        case 0xD94: *val = scs.mpu_ctrl; break;
        case 0xD98: *val = scs.mpu_rnr; break;
        case 0xD9C:
        case 0xDA4:
        case 0xDAC:
        case 0xDB4: *val = scs.rbar[scs.mpu_rnr % MPU_REGIONS] | (scs.mpu_rnr % MPU_REGIONS); break;
        case 0xDA0:
        case 0xDA8:
        case 0xDB0:
        case 0xDB8: *val = scs.rasr[scs.mpu_rnr % MPU_REGIONS]; break;
        default: return false;
        }
    }
    return true;
}

static void aircr_write(uint32_t val)
{
    if ((val >> 16) != AIRCR_VECTKEY) {
        mdl_violation("AIRCR write of 0x%08" PRIx32 " without VECTKEY 0x05FA: ignored "
                      "(ARMv7-M, AIRCR)",
                      val);
        return;
    }
    scs.aircr_prigroup = (val >> 8) & 7u;
    if (val & AIRCR_VECTRESET) {
        mdl_violation("AIRCR.VECTRESET is for debuggers (ARMv7-M, AIRCR): a program resets with "
                      "SYSRESETREQ");
    }
    if (val & AIRCR_SYSRESETREQ) {
        mdl_reset_requested(false);
    }
}

static void mpu_write(uint32_t off, uint32_t val)
{
    switch (off) {
    case 0xD94: scs.mpu_ctrl = val & 7u; break;
    case 0xD98:
        if ((val & 0xFFu) >= MPU_REGIONS) {
            mdl_violation("MPU RNR %" PRIu32 ": the MPU has 8 regions", val & 0xFFu);
        }
        scs.mpu_rnr = (val & 0xFFu) % MPU_REGIONS;
        break;
    case 0xD9C:
    case 0xDA4:
    case 0xDAC:
    case 0xDB4:
        if (val & (1u << 4)) { /* VALID: REGION selects the region */
            scs.mpu_rnr = val & 0xFu;
            if (scs.mpu_rnr >= MPU_REGIONS) {
                mdl_violation("MPU RBAR.REGION %u: the MPU has 8 regions", (unsigned)scs.mpu_rnr);
                scs.mpu_rnr %= MPU_REGIONS;
            }
        }
        scs.rbar[scs.mpu_rnr] = val & 0xFFFFFFE0u;
        mpu_check_region(scs.mpu_rnr);
        break;
    case 0xDA0:
    case 0xDA8:
    case 0xDB0:
    case 0xDB8:
        scs.rasr[scs.mpu_rnr] = val;
        mpu_check_region(scs.mpu_rnr);
        break;
    default: break;
    }
}

bool scs_write(unsigned unit, uint32_t off, uint32_t val)
{
    (void)unit;
    if (off >= 0x100u && off < 0x140u) {
        uint32_t *r = bank(scs.iser, off, 0x100u);
        if (r != NULL) {
            *r |= val & bank_mask(off, 0x100u);
        }
    } else if (off >= 0x180u && off < 0x1C0u) {
        uint32_t *r = bank(scs.iser, off, 0x180u);
        if (r != NULL) {
            *r &= ~val;
        }
    } else if (off >= 0x200u && off < 0x240u) {
        uint32_t *r = bank(scs.ispr, off, 0x200u);
        if (r != NULL) {
            *r |= val & bank_mask(off, 0x200u);
        }
    } else if (off >= 0x280u && off < 0x2C0u) {
        uint32_t *r = bank(scs.ispr, off, 0x280u);
        if (r != NULL) {
            *r &= ~val;
        }
    } else if (off >= 0x400u && off < 0x4F0u) {
        uint32_t first = off - 0x400u;
        for (unsigned i = 0; i < 4u; i++) {
            if (first + i < MODEL_IRQ_COUNT) {
                scs.ipr[first + i] = (uint8_t)((val >> (8u * i)) & PRIO_MASK);
            }
        }
    } else if (off >= 0x010u && off <= 0x018u) {
        systick_write(off, val);
    } else if (off >= 0xD90u && off <= 0xDB8u) {
        if (off == 0xD90u) {
            return false; /* MPU TYPE is read-only */
        }
        mpu_write(off, val);
    } else {
        switch (off) {
        case 0xD04:
            if (val & ICSR_PENDSTSET) {
                scs.systick_pending = true;
            }
            if (val & ICSR_PENDSTCLR) {
                scs.systick_pending = false;
            }
            if (val & ICSR_PENDSVSET) {
                scs.pendsv = true;
            }
            if (val & ICSR_PENDSVCLR) {
                scs.pendsv = false;
            }
            break;
        case 0xD08: scs.vtor = val & 0x3FFFFF80u; break;
        case 0xD0C: aircr_write(val); break;
        case 0xD10: scs.scr = val & 0x16u; break;
        case 0xD14: scs.ccr = val & 0x31Bu; break;
        case 0xD18:
        case 0xD1C:
        case 0xD20: scs.shpr[(off - 0xD18u) / 4u] = val & 0xE0E0E0E0u; break;
        case 0xD24: scs.shcsr = val & 0x0007FFFFu; break;
        case 0xD28: scs.cfsr &= ~val; break; /* write 1 to clear */
        case 0xD2C: scs.hfsr &= ~val; break;
        case 0xD34: scs.mmfar = val; break;
        case 0xD38: scs.bfar = val; break;
        case 0xF00: /* STIR */
            if ((val & 0x1FFu) < MODEL_IRQ_COUNT) {
                nvic_line_assert(val & 0x1FFu);
            }
            break;
        default: return false;
        }
    }
    return true;
}
