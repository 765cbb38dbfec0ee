/*
 * Stellaris watchdog (datasheet chapter 10) and reset cause.
 *
 * The watchdog counts down from WDTLOAD; the first time-out raises its
 * interrupt and reloads, the second resets the chip (RESEN). Feeding
 * clears the interrupt, which also reloads the counter, so the reset comes
 * 2 * WDTLOAD after the last feed: WDTLOAD is half the requested time-out.
 * The first time-out is the early warning: its handler records where the
 * main loop is (cortexm/resetmark) and masks itself until the next feed, so
 * a loop that is only slow goes on, and a hung one is reset and reported.
 * WDTTEST.STALL stops the count while a debugger halts the core.
 *
 * The reset cause comes from RESC on the chip. QEMU's model leaves RESC at
 * 0, so the .noinit marker (cortexm/resetmark.h) backs it up.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cortexm/cortexm.h"
#include "cortexm/resetmark.h"
#include "drivers.h"
#include "hal/wdt.h"
#include "stellaris.h"

static const struct stellaris_wdt_config *cfg;
static enum reset_cause cause;
static bool cause_read;
static volatile bool warned;

void stellaris_wdt_configure(const struct stellaris_wdt_config *c)
{
    cfg = c;
}

enum reset_cause wdt_reset_cause(void)
{
    if (!cause_read) {
        uint32_t resc;
        cause = resetmark_boot(stellaris_reset_cause_take(&resc));
        cause_read = true;
    }
    return cause;
}

int wdt_init(uint32_t timeout_ms)
{
    uintptr_t b = cfg->base;
    (void)wdt_reset_cause();
    mmio_write32(WDT_LOCK(b), WDT_LOCK_KEY);
    mmio_write32(WDT_TEST(b), WDT_TEST_STALL);
    mmio_write32(WDT_LOAD(b), (cfg->clock_hz / 1000u) * (timeout_ms / 2u));
    mmio_write32(WDT_CTL(b), WDT_CTL_INTEN | WDT_CTL_RESEN);
    mmio_write32(WDT_LOCK(b), 0);
    nvic_enable(cfg->irq, 0x40);
    return 0;
}

void wdt_feed(void)
{
    uintptr_t b = cfg->base;
    mmio_write32(WDT_LOCK(b), WDT_LOCK_KEY);
    mmio_write32(WDT_ICR(b), 1u);
    mmio_write32(WDT_LOCK(b), 0);
    if (warned) {
        /* The loop came back before the reset: forget the warning, listen again. */
        warned = false;
        resetmark_clear_hang();
        nvic_enable(cfg->irq, 0x40);
    }
}

void stellaris_wdt_warning(uint32_t exc_return, const uint32_t *psp, const uint32_t *msp);
__attribute__((used)) void stellaris_wdt_warning(uint32_t exc_return, const uint32_t *psp,
                                                 const uint32_t *msp)
{
    resetmark_note_hang(exc_return, psp, msp);
    warned = true;
    nvic_disable(cfg->irq); /* the flag stays set: the second time-out resets */
}

/* The early-warning interrupt: EXC_RETURN and both stack pointers as found. */
__attribute__((naked)) void stellaris_wdt_isr(void)
{
    __asm__ volatile("mov r0, lr\n"
                     "mrs r1, psp\n"
                     "mrs r2, msp\n"
                     "b stellaris_wdt_warning\n");
}
