/*
 * Cortex-M core registers used by the drivers (ARMv7-M Architecture
 * Reference Manual, B3.2 "System Control Space", B3.5 "Protected Memory
 * System Architecture"), register access, and small helpers.
 *
 * Register access goes through mmio_read32()/mmio_write32(). On the target
 * they are single volatile loads and stores. A host unit test built with
 * MMIO_MODEL provides them itself and routes every access to a model of
 * the chip (tests/unit/fakes), which enforces the datasheet's rules: that
 * is how bring-up code is tested without the board. Register names are
 * addresses, so a register is `mmio_read32(SCB_CFSR)`.
 */
#ifndef HAL_CORTEXM_H
#define HAL_CORTEXM_H

#include <stdint.h>

#ifdef MMIO_MODEL
uint32_t mmio_read32(uintptr_t addr);
void mmio_write32(uintptr_t addr, uint32_t val);
#else
static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t val)
{
    *(volatile uint32_t *)addr = val;
}
#endif

/* Read-modify-write helpers; not atomic against interrupts touching the same register. */
static inline void mmio_set32(uintptr_t addr, uint32_t bits)
{
    mmio_write32(addr, mmio_read32(addr) | bits);
}

static inline void mmio_clear32(uintptr_t addr, uint32_t bits)
{
    mmio_write32(addr, mmio_read32(addr) & ~bits);
}

/*
 * Lvalue access for the chip families whose drivers are written that way
 * (CMSDK, LAN9118, SBCon on the MPS2 board); not usable under MMIO_MODEL.
 */
#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SysTick (B3.3). */
#define SYST_CSR           0xE000E010u
#define SYST_RVR           0xE000E014u
#define SYST_CVR           0xE000E018u
#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)

/* NVIC (B3.4): 32 interrupts per ISER/ICER/ISPR word, 4 priorities per IPR word. */
#define NVIC_ISER(n) (0xE000E100u + 4u * (n))
#define NVIC_ICER(n) (0xE000E180u + 4u * (n))
#define NVIC_ISPR(n) (0xE000E200u + 4u * (n))
#define NVIC_IPR(n)  (0xE000E400u + 4u * (n))

/* System control block (B3.2.2). */
#define SCB_ICSR              0xE000ED04u
#define SCB_VTOR              0xE000ED08u
#define SCB_AIRCR             0xE000ED0Cu
#define SCB_SHPR3             0xE000ED20u
#define SCB_SHCSR             0xE000ED24u
#define SCB_CFSR              0xE000ED28u
#define SCB_HFSR              0xE000ED2Cu
#define SCB_MMFAR             0xE000ED34u
#define SCB_BFAR              0xE000ED38u
#define SCB_ICSR_PENDSTSET    (1u << 26)
#define SCB_AIRCR_VECTKEY     (0x05FAu << 16)
#define SCB_AIRCR_SYSRESETREQ (1u << 2)
#define SCB_SHCSR_MEMFAULTENA (1u << 16)
#define SCB_SHCSR_BUSFAULTENA (1u << 17)
#define SCB_SHCSR_USGFAULTENA (1u << 18)
#define SCB_CFSR_MSTKERR      (1u << 4) /* MemManage fault on exception entry stacking */
#define SCB_CFSR_MMARVALID    (1u << 7)
#define SCB_CFSR_STKERR       (1u << 12) /* BusFault on exception entry stacking */

/* MPU (B3.5). */
#define MPU_TYPE            0xE000ED90u
#define MPU_CTRL            0xE000ED94u
#define MPU_RNR             0xE000ED98u
#define MPU_RBAR            0xE000ED9Cu
#define MPU_RASR            0xE000EDA0u
#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define MPU_RASR_ENABLE     (1u << 0)
#define MPU_RASR_SIZE(log2) ((uint32_t)((log2)-1u) << 1)
#define MPU_RASR_XN         (1u << 28) /* AP = 000: no access at all */

#ifdef MMIO_MODEL
/* The chip model provides these too (it decides what masking and sleeping mean). */
uint32_t irq_save(void);
void irq_restore(uint32_t primask);
void cpu_wait_for_interrupt(void);
#else
static inline uint32_t irq_save(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void irq_restore(uint32_t primask)
{
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

static inline void cpu_wait_for_interrupt(void)
{
    __asm__ volatile("wfi" ::: "memory");
}
#endif

/* Enables external interrupt irq (0-based, after the 16 core exceptions) at priority prio (0 = highest). */
void nvic_enable(unsigned irq, uint8_t prio);

/* Masks external interrupt irq in the NVIC. */
void nvic_disable(unsigned irq);

/* Marks external interrupt irq pending: its handler runs as soon as priorities allow. */
void nvic_set_pending(unsigned irq);

/* Resets the whole chip (AIRCR.SYSRESETREQ); never returns. */
void cortexm_system_reset(void) __attribute__((noreturn));

#endif /* HAL_CORTEXM_H */
