/*
 * Hardware watchdog and reset cause.
 */
#ifndef HAL_WDT_H
#define HAL_WDT_H

#include <stdint.h>

enum reset_cause {
    RESET_CAUSE_UNKNOWN = 0,
    RESET_CAUSE_POWER_ON,
    RESET_CAUSE_PIN,
    RESET_CAUSE_BROWN_OUT,
    RESET_CAUSE_WATCHDOG,
    RESET_CAUSE_SOFTWARE,
};

/* Start the watchdog: a reset follows if wdt_feed() is not called within timeout_ms. */
int wdt_init(uint32_t timeout_ms);

/* Restart the watchdog period; called from the main loop only. */
void wdt_feed(void);

/* Returns why the MCU last reset (read once at boot, then cleared). */
enum reset_cause wdt_reset_cause(void);

/* Returns a short name for a reset cause ("power-on", "watchdog", ...). */
const char *wdt_reset_cause_name(enum reset_cause cause);

/* Resets the MCU now (the console's reboot command). */
void wdt_system_reset(void) __attribute__((noreturn));

#endif /* HAL_WDT_H */
