/*
 * The main loop's wake-up tick on GPTM Timer 0A (datasheet chapter 10):
 * 32-bit periodic mode, time-out interrupt, nothing else. Its counter is
 * never read for time: QEMU's model does not emulate reading it.
 */
#include <errno.h>
#include <stdint.h>

#include "drivers.h"
#include "hal/timer.h"
#include "stellaris.h"

static const struct stellaris_gptm_config *cfg;

void stellaris_gptm_configure(const struct stellaris_gptm_config *c)
{
    cfg = c;
}

int timer_wakeup_start(uint32_t hz)
{
    if (hz == 0 || hz > cfg->clock_hz) {
        return -EINVAL;
    }
    uintptr_t b = cfg->base;
    mmio_write32(GPTM_CTL(b), 0);
    mmio_write32(GPTM_CFG(b), GPTM_CFG_32BIT);
    mmio_write32(GPTM_TAMR(b), GPTM_TAMR_PERIODIC);
    mmio_write32(GPTM_TAILR(b), cfg->clock_hz / hz - 1u);
    mmio_write32(GPTM_IMR(b), GPTM_IMR_TATOIM);
    nvic_enable(cfg->irq, 0xC0);
    mmio_write32(GPTM_CTL(b), GPTM_CTL_TAEN);
    return 0;
}

void stellaris_gptm_isr(void)
{
    mmio_write32(GPTM_ICR(cfg->base), GPTM_IMR_TATOIM);
}
