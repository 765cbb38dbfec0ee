/*
 * Names shared by the board vector tables and the Cortex-M startup code.
 */
#ifndef HAL_CORTEXM_STARTUP_H
#define HAL_CORTEXM_STARTUP_H

#include <stdint.h>

#define PANIC_MAGIC          0x50414E43u /* "PANC" */
#define PANIC_STACK_OVERFLOW (1u << 0)

/* What the fault handler leaves in .noinit for the next boot to report. */
struct panic_record {
    uint32_t magic;
    uint32_t pc; /* 0 when the exception frame could not be stacked */
    uint32_t lr;
    uint32_t cfsr;
    uint32_t hfsr;
    uint32_t sp;         /* the faulting context's stack pointer */
    uint32_t fault_addr; /* MMFAR when valid, else 0 */
    uint32_t flags;      /* PANIC_* */
};

extern struct panic_record panic_record;

/* The top of the handler stack, the vector table's initial SP (linker script). */
extern uint32_t _handler_stack_top;

void Reset_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);

typedef void (*vector_fn)(void);

/*
 * The 16 core entries every board's vector table starts with (ARMv7-M
 * B1.5.3); nmi is the board's NMI handler. Every fault has the same
 * report-and-reset handler.
 */
#define CORTEXM_CORE_VECTORS(nmi)                                                                  \
    [0] = (vector_fn)(uintptr_t)&_handler_stack_top, [1] = Reset_Handler, [2] = (nmi),             \
    [3] = HardFault_Handler, [4] = HardFault_Handler, [5] = HardFault_Handler,                     \
    [6] = HardFault_Handler, [11] = Default_Handler, [12] = Default_Handler,                       \
    [14] = Default_Handler, [15] = SysTick_Handler

#endif /* HAL_CORTEXM_STARTUP_H */
