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
 * other, so a marker in .noinit records it: software resets write
 * "software" there before resetting, and a boot that finds the appliance
 * had been running without such a note reports a watchdog reset (as
 * hal/stellaris/wdt.c does on QEMU). A first boot finds neither: power-on.
 */
#include <stdint.h>

#include "cmsdk.h"
#include "drivers.h"
#include "hal/wdt.h"

#define MARK_RUNNING  0x52554E21u /* "RUN!" */
#define MARK_SOFTWARE 0x53575253u /* "SWRS" */

static const struct cmsdk_wdt_config *cfg;
static uint32_t reset_mark __attribute__((section(".noinit")));
static enum reset_cause cause;
static int cause_read;

void cmsdk_wdt_configure(const struct cmsdk_wdt_config *c)
{
    cfg = c;
}

static void read_cause(void)
{
    if (reset_mark == MARK_SOFTWARE) {
        cause = RESET_CAUSE_SOFTWARE;
    } else if (reset_mark == MARK_RUNNING) {
        cause = RESET_CAUSE_WATCHDOG;
    } else {
        cause = RESET_CAUSE_POWER_ON;
    }
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
}

void cmsdk_wdt_nmi_isr(void)
{
    /*
     * First time-out: the main loop missed a feed for half the period.
     * Nothing to do here but leave the interrupt set; the reset follows.
     */
}

void wdt_system_reset(void)
{
    reset_mark = MARK_SOFTWARE;
    SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
    for (;;) {
    }
}
