/*
 * CMSDK APB watchdog and reset cause.
 *
 * The watchdog counts down from WDOGLOAD; the first time-out raises its
 * interrupt and reloads, the second resets the system (RESEN). Feeding
 * (WDOGINTCLR) clears the interrupt and reloads the counter, so the reset
 * comes 2 * WDOGLOAD after the last feed: WDOGLOAD is half the requested
 * time-out. On the MPS2 boards the watchdog interrupt is the NMI; its
 * handler returns without feeding, so a stuck main loop still ends in the
 * second time-out's reset.
 *
 * The watchdog has no reset-cause register, and QEMU's MPS2 model has no
 * other, so the .noinit marker (cortexm/resetmark.h) records it.
 */
#include <stdint.h>

#include "cmsdk.h"
#include "cortexm/resetmark.h"
#include "drivers.h"
#include "hal/wdt.h"


static const struct cmsdk_wdt_config *cfg;
static enum reset_cause cause;
static int cause_read;

void cmsdk_wdt_configure(const struct cmsdk_wdt_config *c)
{
    cfg = c;
}

enum reset_cause wdt_reset_cause(void)
{
    if (!cause_read) {
        cause = resetmark_boot(RESET_CAUSE_UNKNOWN);
        cause_read = 1;
    }
    return cause;
}

int wdt_init(uint32_t timeout_ms)
{
    uintptr_t b = cfg->base;
    (void)wdt_reset_cause();
    WDOG_LOCK(b) = WDOG_LOCK_KEY;
    WDOG_LOAD(b) = (cfg->clock_hz / 1000u) * (timeout_ms / 2u);
    WDOG_INTCLR(b) = 1u;
    /* Setting INTEN starts the counter from WDOGLOAD. */
    WDOG_CONTROL(b) = WDOG_CONTROL_INTEN | WDOG_CONTROL_RESEN;
    WDOG_LOCK(b) = 0;
    return 0;
}

void wdt_feed(void)
{
    uintptr_t b = cfg->base;
    WDOG_LOCK(b) = WDOG_LOCK_KEY;
    WDOG_INTCLR(b) = 1u;
    WDOG_LOCK(b) = 0;
    resetmark_clear_hang();
}

/*
 * First time-out: the main loop missed a feed for half the period. Note
 * where it is and leave the interrupt set; the reset follows unless the
 * loop feeds in time. EXC_RETURN and both stack pointers as found.
 */
__attribute__((naked)) void cmsdk_wdt_nmi_isr(void)
{
    __asm__ volatile("mov r0, lr\n"
                     "mrs r1, psp\n"
                     "mrs r2, msp\n"
                     "b resetmark_note_hang\n");
}
