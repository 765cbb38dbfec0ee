/*
 * The RTC's square wave on a GPTM's CCP input (hal/sqw.h): Timer A in
 * 16-bit input edge-time mode (datasheet, General-Purpose Timers: "16-Bit
 * Input Edge Time Mode", and its steps under "Initialization and
 * Configuration"): the counter runs down from 0xFFFF at the system clock,
 * and each falling edge on the pin copies it into GPTMTAR and raises the
 * capture interrupt.
 *
 * From 16 bits to the timestamp counter: the GPTM and SysTick count the
 * same clock. The counter starts from 0xFFFF at the write that enables it;
 * the timestamp counter is read right after that write (start_tick), so a
 * counter value v means (0xFFFF - v) ticks after start, modulo 2^16. The
 * interrupt reads the timestamp counter first and GPTMTAR after: the edge
 * was the latest tick before it with that residue. That holds while the
 * interrupt runs within 2^16 ticks of its edge (1.31 ms at 50 MHz): it has
 * the highest priority, and nothing masks interrupts that long. The
 * read-back of start_tick lags the enabling write by a bus access or two,
 * the same on every edge: a few tens of nanoseconds of phase.
 *
 * The pin and the timer's clock gate are the board's (drivers never touch
 * a gate or a pin); the queue is the interrupt's to fill and the main
 * loop's to empty, nothing shared beyond its two indices.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "drivers.h"
#include "hal/sqw.h"
#include "hal/timer.h"
#include "stellaris.h"

#define COUNT_MASK 0xFFFFu
/* Stamps waiting for the main loop; it takes them within a second. */
#define QUEUE_LEN 4u
/* The enabling write is one bus access before the timestamp counter's read. */
#define START_LAG_TICKS 1u

static const struct stellaris_capture_config *cfg;
static uint64_t start_tick;
static uint64_t queue[QUEUE_LEN];
static volatile uint32_t head, tail; /* head: the interrupt's; tail: the main loop's */
static uint32_t lost;
static bool is_running;

void stellaris_capture_configure(const struct stellaris_capture_config *c)
{
    cfg = c;
}

const char *sqw_capture_pin(void)
{
    return cfg != NULL ? cfg->pin_name : NULL;
}

int sqw_capture_start(void)
{
    if (cfg == NULL) {
        return -ENOTSUP;
    }
    uintptr_t b = cfg->base;
    /* The datasheet's order: disabled, 16-bit, edge-time capture, falling edges, reload, interrupt. */
    mmio_write32(GPTM_CTL(b), 0);
    mmio_write32(GPTM_CFG(b), GPTM_CFG_16BIT);
    mmio_write32(GPTM_TAMR(b), GPTM_TAMR_CAPTURE | GPTM_TAMR_TACMR);
    mmio_write32(GPTM_CTL(b), GPTM_CTL_TAEVENT_NEG);
    mmio_write32(GPTM_TAILR(b), COUNT_MASK);
    mmio_write32(GPTM_ICR(b), GPTM_IMR_CAEIM);
    mmio_write32(GPTM_IMR(b), GPTM_IMR_CAEIM);
    head = tail = 0;
    lost = 0;
    nvic_enable(cfg->irq, 0x00);
    uint32_t primask = irq_save();
    mmio_write32(GPTM_CTL(b), GPTM_CTL_TAEVENT_NEG | GPTM_CTL_TAEN);
    start_tick = timer_now() - START_LAG_TICKS;
    is_running = true;
    irq_restore(primask);
    return 0;
}

void sqw_capture_stop(void)
{
    if (cfg == NULL || !is_running) {
        return;
    }
    mmio_write32(GPTM_CTL(cfg->base), 0);
    mmio_write32(GPTM_IMR(cfg->base), 0);
    nvic_disable(cfg->irq);
    is_running = false;
    tail = head;
}

int sqw_capture_take(uint64_t *tick)
{
    if (tail == head) {
        return -EAGAIN;
    }
    *tick = queue[tail % QUEUE_LEN];
    tail = tail + 1u;
    return 0;
}

uint32_t sqw_capture_lost(void)
{
    return lost;
}

void stellaris_capture_isr(void)
{
    uint64_t now = timer_now(); /* first: the reference the 16-bit stamp is placed against */
    uintptr_t b = cfg->base;
    uint32_t v = mmio_read32(GPTM_TAR(b)) & COUNT_MASK;
    mmio_write32(GPTM_ICR(b), GPTM_IMR_CAEIM);
    uint32_t edge_phase = COUNT_MASK - v;
    uint32_t now_phase = (uint32_t)(now - start_tick) & COUNT_MASK;
    uint64_t edge = now - ((now_phase - edge_phase) & COUNT_MASK);
    if (head - tail == QUEUE_LEN) {
        lost++;
        return;
    }
    queue[head % QUEUE_LEN] = edge;
    head = head + 1u;
}
