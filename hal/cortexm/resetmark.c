/*
 * The .noinit reset-cause marker and hang record (see resetmark.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cortexm.h"
#include "resetmark.h"

#define MARK_RUNNING   0x52554E21u /* "RUN!" */
#define MARK_SOFTWARE  0x53575253u /* "SWRS" */
#define MARK_FAULT     0x46415554u /* "FAUT" */
#define HANG_MAGIC     0x48414E47u /* "HANG" */
#define EXC_RETURN_PSP (1u << 2)

static struct {
    uint32_t mark;
    uint32_t hang_magic;
    uint32_t hang_pc;
} noinit __attribute__((section(".noinit")));

static uint32_t boot_hang_pc;
static bool boot_hang_valid;

enum reset_cause resetmark_boot(enum reset_cause hw_cause)
{
    enum reset_cause cause = hw_cause;
    if (noinit.mark == MARK_FAULT &&
        (cause == RESET_CAUSE_UNKNOWN || cause == RESET_CAUSE_SOFTWARE)) {
        cause = RESET_CAUSE_FAULT;
    } else if (cause == RESET_CAUSE_UNKNOWN) {
        if (noinit.mark == MARK_SOFTWARE) {
            cause = RESET_CAUSE_SOFTWARE;
        } else if (noinit.mark == MARK_RUNNING) {
            cause = RESET_CAUSE_WATCHDOG;
        } else {
            cause = RESET_CAUSE_POWER_ON;
        }
    }
    boot_hang_valid = cause == RESET_CAUSE_WATCHDOG && noinit.hang_magic == HANG_MAGIC;
    boot_hang_pc = noinit.hang_pc;
    noinit.hang_magic = 0;
    noinit.mark = MARK_RUNNING;
    return cause;
}

void resetmark_software(void)
{
    noinit.mark = MARK_SOFTWARE;
}

void resetmark_fault(void)
{
    noinit.mark = MARK_FAULT;
}

__attribute__((used)) void resetmark_note_hang(uint32_t exc_return, const uint32_t *psp,
                                               const uint32_t *msp)
{
    (void)msp;
    /* Frame: r0 r1 r2 r3 r12 lr pc xpsr; the main loop runs on the PSP. */
    noinit.hang_pc = (exc_return & EXC_RETURN_PSP) ? psp[6] : 0;
    noinit.hang_magic = HANG_MAGIC;
}

void resetmark_clear_hang(void)
{
    noinit.hang_magic = 0;
}

bool wdt_take_hang_record(uint32_t *pc)
{
    if (!boot_hang_valid) {
        return false;
    }
    boot_hang_valid = false;
    *pc = boot_hang_pc;
    return true;
}

const char *wdt_reset_cause_name(enum reset_cause c)
{
    switch (c) {
    case RESET_CAUSE_POWER_ON: return "power-on";
    case RESET_CAUSE_PIN: return "reset pin";
    case RESET_CAUSE_BROWN_OUT: return "brown-out";
    case RESET_CAUSE_WATCHDOG: return "watchdog";
    case RESET_CAUSE_SOFTWARE: return "software";
    case RESET_CAUSE_FAULT: return "fault";
    case RESET_CAUSE_LDO: return "LDO";
    default: return "unknown";
    }
}

void wdt_system_reset(void)
{
    resetmark_software();
    cortexm_system_reset();
}
