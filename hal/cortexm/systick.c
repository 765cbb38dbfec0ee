/*
 * The timestamp counter on the Cortex-M SysTick timer.
 *
 * SysTick counts the core clock down from 2^24-1; its interrupt counts the
 * wraps. timer_now() joins the two into a 64-bit tick count. The reload
 * period is kept long on purpose: QEMU reloads SysTick when its host timer
 * fires, a little late each time, and with a 1 ms period those losses
 * added up to 550 ppm of jitter-laden drift (seen here); at 2^24 ticks
 * they are negligible. The main loop's 1 kHz wake-up comes from a board
 * timer instead (timer_wakeup_start). QEMU computes
 * SysTick's current value from its virtual clock on every read, so the
 * resolution is one core clock period there as on the chip (a GPTM's
 * value register reads as 0 in QEMU's Stellaris model).
 */
#include <stdint.h>

#include "cortexm.h"
#include "hal/board.h"
#include "hal/timer.h"

#define SYSTICK_PERIOD 0x01000000u /* 2^24 ticks: 335 ms at 50 MHz */
#define SYSTICK_RELOAD (SYSTICK_PERIOD - 1u)
_Static_assert(SYSTICK_RELOAD <= 0x00FFFFFFu, "SysTick is a 24-bit counter");

/* 64-bit: a 32-bit count of milliseconds would wrap after 49 days. */
static volatile uint64_t systick_wraps;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    systick_wraps++;
}

int timer_init(void)
{
    mmio_write32(SYST_CSR, 0);
    mmio_write32(SYST_RVR, SYSTICK_RELOAD);
    mmio_write32(SYST_CVR, 0);
    /* Highest priority among the handlers that read the counter. */
    mmio_clear32(SCB_SHPR3, 0xFF000000u);
    mmio_write32(SYST_CSR, SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE);
    return 0;
}

uint64_t timer_now(void)
{
    uint32_t primask = irq_save();
    uint64_t wraps = systick_wraps;
    uint32_t val = mmio_read32(SYST_CVR);
    /*
     * A wrap that has happened but whose interrupt has not run yet (we are
     * in a handler or have interrupts masked) shows as a pending SysTick:
     * re-read the value, which is now certainly after the wrap.
     */
    if (mmio_read32(SCB_ICSR) & SCB_ICSR_PENDSTSET) {
        val = mmio_read32(SYST_CVR);
        wraps++;
    }
    irq_restore(primask);
    return wraps * SYSTICK_PERIOD + (SYSTICK_RELOAD - val);
}

uint32_t timer_raw(void)
{
    return mmio_read32(SYST_CVR);
}

/* CVR counts down from SYSTICK_RELOAD = 2^24 - 1: tick count t reads as RELOAD - (t mod 2^24). */
uint32_t timer_raw_at(uint64_t ticks)
{
    return ~(uint32_t)ticks & SYSTICK_RELOAD;
}

uint32_t timer_raw_elapsed(uint32_t from, uint32_t to)
{
    return (from - to) & SYSTICK_RELOAD;
}

/* The core clock as the board brought it up (less than nominal if its PLL did not lock). */
uint32_t timer_hz(void)
{
    return board_cpu_hz();
}

void timer_delay_us(uint32_t us)
{
    uint64_t end = timer_now() + (uint64_t)us * (board_cpu_hz() / 1000000u);
    while (timer_now() < end) {
    }
}
