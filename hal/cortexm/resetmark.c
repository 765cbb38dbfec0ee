/*
 * The .noinit reset-cause marker (see resetmark.h).
 */
#include <stdint.h>

#include "resetmark.h"

#define MARK_RUNNING  0x52554E21u /* "RUN!" */
#define MARK_SOFTWARE 0x53575253u /* "SWRS" */

static uint32_t reset_mark __attribute__((section(".noinit")));

enum reset_cause resetmark_boot(enum reset_cause hw_cause)
{
    enum reset_cause cause = hw_cause;
    if (cause == RESET_CAUSE_UNKNOWN) {
        if (reset_mark == MARK_SOFTWARE) {
            cause = RESET_CAUSE_SOFTWARE;
        } else if (reset_mark == MARK_RUNNING) {
            cause = RESET_CAUSE_WATCHDOG;
        } else {
            cause = RESET_CAUSE_POWER_ON;
        }
    }
    reset_mark = MARK_RUNNING;
    return cause;
}

void resetmark_software(void)
{
    reset_mark = MARK_SOFTWARE;
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
