/*
 * Core services the main loop needs from the CPU: interrupts on, sleeping
 * until the next interrupt without losing a wake-up, and the record of a
 * fault that ended the previous run.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Enables interrupts (after the drivers are set up). */
void cpu_irq_enable(void);

/*
 * Sleeps until the next interrupt unless work_pending() says there is work.
 * The check and the sleep are made with interrupts masked, so an interrupt
 * that arrives between them still ends the sleep.
 */
void cpu_sleep_unless(bool (*work_pending)(void));

/*
 * Returns true once after a boot that followed a fault, with the faulting
 * pc and the fault status register (CFSR on Cortex-M); false otherwise.
 */
bool cpu_take_fault_record(uint32_t *pc, uint32_t *status);

/*
 * Returns the deepest the main stack has been since boot, in bytes, and its
 * size in *size (the startup code paints the stack; this finds the paint's edge).
 */
uint32_t cpu_stack_high_water(uint32_t *size);

#endif /* HAL_CPU_H */
