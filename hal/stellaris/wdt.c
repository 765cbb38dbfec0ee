/*
 * Stellaris watchdog (datasheet chapter 11) and reset cause.
 *
 * The watchdog counts down from WDTLOAD; the first time-out raises its
 * interrupt flag and reloads, the second resets the chip (RESEN). Feeding
 * clears the flag, which also reloads the counter, so the reset comes
 * 2 * WDTLOAD after the last feed: WDTLOAD is half the requested time-out.
 *
 * The reset cause comes from SYSCTL_RESC on the chip. QEMU's model leaves
 * RESC at 0, so the .noinit marker (cortexm/resetmark.h) backs it up.
 */
#include <stdint.h>

#include "cortexm/resetmark.h"
#include "drivers.h"
#include "hal/wdt.h"
#include "stellaris.h"


static const struct stellaris_wdt_config *cfg;
static enum reset_cause cause;
static int cause_read;

void stellaris_wdt_configure(const struct stellaris_wdt_config *c)
{
    cfg = c;
}

static void read_cause(void)
{
    uint32_t resc = SYSCTL_RESC;
    enum reset_cause hw = RESET_CAUSE_UNKNOWN;
    if (resc & SYSCTL_RESC_WDT) {
        hw = RESET_CAUSE_WATCHDOG;
    } else if (resc & SYSCTL_RESC_SW) {
        hw = RESET_CAUSE_SOFTWARE;
    } else if (resc & SYSCTL_RESC_BOR) {
        hw = RESET_CAUSE_BROWN_OUT;
    } else if (resc & SYSCTL_RESC_POR) {
        hw = RESET_CAUSE_POWER_ON;
    } else if (resc & SYSCTL_RESC_EXT) {
        hw = RESET_CAUSE_PIN;
    }
    SYSCTL_RESC = 0;
    cause = resetmark_boot(hw);
    cause_read = 1;
}

enum reset_cause wdt_reset_cause(void)
{
    if (!cause_read) {
        read_cause();
    }
    return cause;
}

int wdt_init(uint32_t timeout_ms)
{
    uintptr_t b = cfg->base;
    (void)wdt_reset_cause();
    SYSCTL_RCGC0 |= SYSCTL_RCGC0_WDT;
    WDT_LOCK(b) = WDT_LOCK_KEY;
    WDT_LOAD(b) = (cfg->clock_hz / 1000u) * (timeout_ms / 2u);
    WDT_CTL(b) = WDT_CTL_INTEN | WDT_CTL_RESEN;
    WDT_LOCK(b) = 0;
    return 0;
}

void wdt_feed(void)
{
    uintptr_t b = cfg->base;
    WDT_LOCK(b) = WDT_LOCK_KEY;
    WDT_ICR(b) = 1u;
    WDT_LOCK(b) = 0;
}

void wdt_system_reset(void)
{
    resetmark_software();
    SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
    for (;;) {
    }
}
