/*
 * Stellaris watchdog (datasheet chapter 11) and reset cause.
 *
 * The watchdog counts down from WDTLOAD; the first time-out raises its
 * interrupt flag and reloads, the second resets the chip (RESEN). Feeding
 * clears the flag, which also reloads the counter, so the reset comes
 * 2 * WDTLOAD after the last feed: WDTLOAD is half the requested time-out.
 *
 * The reset cause comes from SYSCTL_RESC on the chip. QEMU's model leaves
 * RESC at 0, so a marker in .noinit backs it up: software resets write
 * "software" there before resetting, and a boot that finds the appliance
 * had been running without such a note reports a watchdog reset.
 */
#include <stdint.h>

#include "drivers.h"
#include "hal/wdt.h"
#include "stellaris.h"

#define MARK_RUNNING  0x52554E21u /* "RUN!" */
#define MARK_SOFTWARE 0x53575253u /* "SWRS" */

static const struct stellaris_wdt_config *cfg;
static uint32_t reset_mark __attribute__((section(".noinit")));
static enum reset_cause cause;
static int cause_read;

void stellaris_wdt_configure(const struct stellaris_wdt_config *c)
{
    cfg = c;
}

static void read_cause(void)
{
    uint32_t resc = SYSCTL_RESC;
    if (resc & SYSCTL_RESC_WDT) {
        cause = RESET_CAUSE_WATCHDOG;
    } else if (resc & SYSCTL_RESC_SW) {
        cause = RESET_CAUSE_SOFTWARE;
    } else if (resc & SYSCTL_RESC_BOR) {
        cause = RESET_CAUSE_BROWN_OUT;
    } else if (resc & SYSCTL_RESC_POR) {
        cause = RESET_CAUSE_POWER_ON;
    } else if (resc & SYSCTL_RESC_EXT) {
        cause = RESET_CAUSE_PIN;
    } else if (reset_mark == MARK_SOFTWARE) {
        cause = RESET_CAUSE_SOFTWARE;
    } else if (reset_mark == MARK_RUNNING) {
        cause = RESET_CAUSE_WATCHDOG;
    } else {
        cause = RESET_CAUSE_POWER_ON;
    }
    SYSCTL_RESC = 0;
    reset_mark = MARK_RUNNING;
    cause_read = 1;
}

enum reset_cause wdt_reset_cause(void)
{
    if (!cause_read) {
        read_cause();
    }
    return cause;
}

const char *wdt_reset_cause_name(enum reset_cause c)
{
    switch (c) {
    case RESET_CAUSE_POWER_ON: return "power-on";
    case RESET_CAUSE_PIN: return "reset pin";
    case RESET_CAUSE_BROWN_OUT: return "brown-out";
    case RESET_CAUSE_WATCHDOG: return "watchdog";
    case RESET_CAUSE_SOFTWARE: return "software";
    default: return "unknown";
    }
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
    reset_mark = MARK_SOFTWARE;
    SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
    for (;;) {
    }
}
