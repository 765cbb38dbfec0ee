/*
 * Reset cause and hang record in .noinit, which a reset leaves alone.
 *
 * For chips (or emulators) that do not report a cause: software resets
 * write "software" (or "fault") there first; a boot that finds the
 * appliance had been running without such a note reports a watchdog reset;
 * a boot that finds none, power-on. The watchdog's early-warning interrupt
 * leaves the interrupted main loop's address beside it.
 * Watchdog drivers call these; they also provide wdt_reset_cause_name()
 * and wdt_take_hang_record().
 */
#ifndef HAL_CORTEXM_RESETMARK_H
#define HAL_CORTEXM_RESETMARK_H

#include <stdint.h>

#include "hal/wdt.h"

/*
 * Returns the cause: hw_cause when the hardware reported one (not
 * RESET_CAUSE_UNKNOWN), else what the marker says; a software reset the
 * fault handler made is RESET_CAUSE_FAULT either way. Marks the new run.
 */
enum reset_cause resetmark_boot(enum reset_cause hw_cause);

/* Notes that the coming reset is the software's own / the fault handler's. */
void resetmark_software(void);
void resetmark_fault(void);

/*
 * The watchdog's early warning: exc_return and the two stack pointers as
 * the interrupt found them; records the interrupted thread's pc (0 when a
 * handler was interrupted instead).
 */
void resetmark_note_hang(uint32_t exc_return, const uint32_t *psp, const uint32_t *msp);

/* The early warning passed without a reset (the loop fed the watchdog again). */
void resetmark_clear_hang(void);

#endif /* HAL_CORTEXM_RESETMARK_H */
