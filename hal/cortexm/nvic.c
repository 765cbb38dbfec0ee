/*
 * NVIC and system reset (ARMv7-M B3.4, B3.2.6): register writes only, so
 * host tests run them against a chip model.
 */
#include <stdint.h>

#include "cortexm.h"

void nvic_enable(unsigned irq, uint8_t prio)
{
    uintptr_t ipr = NVIC_IPR(irq / 4u);
    unsigned shift = 8u * (irq % 4u);
    mmio_write32(ipr, (mmio_read32(ipr) & ~(0xFFu << shift)) | ((uint32_t)prio << shift));
    mmio_write32(NVIC_ISER(irq / 32u), 1u << (irq % 32u));
}

void nvic_disable(unsigned irq)
{
    mmio_write32(NVIC_ICER(irq / 32u), 1u << (irq % 32u));
}

void nvic_set_pending(unsigned irq)
{
    mmio_write32(NVIC_ISPR(irq / 32u), 1u << (irq % 32u));
}

void cortexm_system_reset(void)
{
#ifndef MMIO_MODEL
    /* Every write before this one (the .noinit records) completes first. */
    __asm__ volatile("dsb" ::: "memory");
#endif
    mmio_write32(SCB_AIRCR, SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ);
    /* The reset takes a few cycles to arrive. */
    for (;;) {
    }
}
