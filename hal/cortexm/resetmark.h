/*
 * Reset cause for chips (or emulators) that do not report one: a marker in
 * .noinit, which a reset leaves alone. Software resets write "software"
 * there first; a boot that finds the appliance had been running without
 * that note reports a watchdog reset; a boot that finds neither, power-on.
 * Watchdog drivers call these; they also provide wdt_reset_cause_name().
 */
#ifndef HAL_CORTEXM_RESETMARK_H
#define HAL_CORTEXM_RESETMARK_H

#include "hal/wdt.h"

/*
 * Returns the cause: hw_cause when the hardware reported one (not
 * RESET_CAUSE_UNKNOWN), else what the marker says. Marks the new run.
 */
enum reset_cause resetmark_boot(enum reset_cause hw_cause);

/* Notes that the coming reset is the software's own. */
void resetmark_software(void);

#endif /* HAL_CORTEXM_RESETMARK_H */
