/*
 * Core services the main loop needs from the CPU: interrupts on, sleeping
 * until the next interrupt without losing a wake-up, its stacks, and the
 * record of a fault that ended the previous run.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The application's entry, called by the startup code. Never inlined into
 * it (link-time optimisation would), so stack use and fault addresses
 * name main.
 */
int main(void) __attribute__((noipa));

/* Enables interrupts (after the drivers are set up). */
void cpu_irq_enable(void);

/*
 * Sleeps until the next interrupt unless work_pending() says there is work.
 * The check and the sleep are made with interrupts masked, so an interrupt
 * that arrives between them still ends the sleep.
 */
void cpu_sleep_unless(bool (*work_pending)(void));

/* A fault that ended the previous run. */
struct cpu_fault {
    uint32_t pc; /* faulting instruction; 0 when it could not be recorded */
    uint32_t lr;
    uint32_t status;        /* CFSR on Cortex-M */
    uint32_t fault_addr;    /* the faulting data address when known, else 0 */
    bool is_stack_overflow; /* the stack ran into its guard */
};

/* Returns true once after a boot that followed a fault, with its record in *f. */
bool cpu_take_fault_record(struct cpu_fault *f);

/*
 * Returns the deepest the main loop's stack has been since boot, in bytes,
 * and its size in *size (the startup code paints the stack; this finds the
 * paint's edge). cpu_handler_stack_high_water() does the same for the stack
 * interrupts and exceptions run on.
 */
uint32_t cpu_stack_high_water(uint32_t *size);
uint32_t cpu_handler_stack_high_water(uint32_t *size);

/* Returns true when a guard region below each stack turns an overflow into a fault. */
bool cpu_has_stack_guard(void);

/* Overflows the main loop's stack on purpose (`selftest stack`): the guard must stop it. */
void cpu_overflow_stack(void);

#endif /* HAL_CPU_H */
