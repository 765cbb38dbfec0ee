/*
 * Names shared by the board vector tables and the Cortex-M startup code.
 */
#ifndef HAL_CORTEXM_STARTUP_H
#define HAL_CORTEXM_STARTUP_H

#include <stdint.h>

#define PANIC_MAGIC 0x50414E43u /* "PANC" */

/* What the fault handler leaves in .noinit for the next boot to report. */
struct panic_record {
    uint32_t magic;
    uint32_t pc;
    uint32_t lr;
    uint32_t cfsr;
    uint32_t hfsr;
};

extern struct panic_record panic_record;

void Reset_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);

#endif /* HAL_CORTEXM_STARTUP_H */
