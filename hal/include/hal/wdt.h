/*
 * Hardware watchdog and reset cause.
 */
#ifndef HAL_WDT_H
#define HAL_WDT_H

#include <stdbool.h>
#include <stdint.h>

enum reset_cause {
    RESET_CAUSE_UNKNOWN = 0,
    RESET_CAUSE_POWER_ON,
    RESET_CAUSE_PIN,
    RESET_CAUSE_BROWN_OUT,
    RESET_CAUSE_WATCHDOG,
    RESET_CAUSE_SOFTWARE,
    RESET_CAUSE_FAULT, /* the fault handler's reset (cpu_take_fault_record has the details) */
    RESET_CAUSE_LDO,   /* the core voltage regulator's monitor */
};

/*
 * Start the watchdog: a reset follows if wdt_feed() is not called within
 * timeout_ms. Halfway, an early-warning interrupt records where the main
 * loop is (wdt_take_hang_record after the reset). The watchdog stops while
 * a debugger halts the core, where the chip can. Returns 0.
 */
int wdt_init(uint32_t timeout_ms);

/* Restart the watchdog period; called from the main loop only. */
void wdt_feed(void);

/* Returns why the MCU last reset (read once at boot, then cleared). */
enum reset_cause wdt_reset_cause(void);

/* Returns a short name for a reset cause ("power-on", "watchdog", ...). */
const char *wdt_reset_cause_name(enum reset_cause cause);

/*
 * Returns true once after a watchdog reset whose early warning caught the
 * main loop, with the address it was executing in *pc.
 */
bool wdt_take_hang_record(uint32_t *pc);

/* Resets the MCU now (the console's reboot command). */
void wdt_system_reset(void) __attribute__((noreturn));

#endif /* HAL_WDT_H */
