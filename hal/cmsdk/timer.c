/*
 * The main loop's wake-up tick on a CMSDK APB timer: periodic
 * reload, interrupt on each 1 -> 0 transition, nothing else. The
 * timestamp counter is SysTick (hal/cortexm/systick.c); this timer is
 * never read for time.
 */
#include <errno.h>
#include <stdint.h>

#include "cmsdk.h"
#include "drivers.h"
#include "hal/timer.h"

static const struct cmsdk_timer_config *cfg;

void cmsdk_timer_configure(const struct cmsdk_timer_config *c)
{
    cfg = c;
}

int timer_wakeup_start(uint32_t hz)
{
    /* RELOAD 0 would never count 1 -> 0 again, so no interrupt: at least 1. */
    if (hz == 0 || hz > cfg->clock_hz / 2u) {
        return -EINVAL;
    }
    uintptr_t b = cfg->base;
    /* The counter runs RELOAD .. 0 and reloads: RELOAD + 1 clocks a period. */
    uint32_t reload = cfg->clock_hz / hz - 1u;
    TIMER_CTRL(b) = 0;
    TIMER_RELOAD(b) = reload;
    TIMER_VALUE(b) = reload;
    TIMER_INTCLEAR(b) = TIMER_INT;
    nvic_enable(cfg->irq, 0xC0);
    TIMER_CTRL(b) = TIMER_CTRL_EN | TIMER_CTRL_IRQEN;
    return 0;
}

void cmsdk_timer_isr(void)
{
    TIMER_INTCLEAR(cfg->base) = TIMER_INT;
}
