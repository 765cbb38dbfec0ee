/*
 * The timestamp counter: a free-running, monotonic 64-bit tick count.
 *
 * Every timestamp in the appliance (frame arrival, transmit, RTC edges) is
 * a reading of this counter; the clock module maps ticks to time of day.
 * Safe to call from interrupt context and from the main loop.
 */
#ifndef HAL_TIMER_H
#define HAL_TIMER_H

#include <stdint.h>

/* Start the counter. Returns 0 or a negative errno. */
int timer_init(void);

/* Returns the current tick count; never decreases, never wraps in practice. */
uint64_t timer_now(void);

/* Returns the nominal tick rate in Hz (the MCU clock it is derived from). */
uint32_t timer_hz(void);

/*
 * Starts a periodic interrupt at hz that does nothing but end the main
 * loop's sleep, so it wakes at least that often. Kept apart from the
 * timestamp counter: reprogramming or reloading that one often would cost
 * it accuracy. Returns 0 or -EINVAL.
 */
int timer_wakeup_start(uint32_t hz);

/* Busy-wait for at least us microseconds (bounded waits in drivers). */
void timer_delay_us(uint32_t us);

#endif /* HAL_TIMER_H */
