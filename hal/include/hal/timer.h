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

/*
 * For a stamp that must sit within a few instructions of a device register
 * write (eth.h's one-step transmit stamp): timer_raw() returns the counter
 * register as it reads, one access and no locking; timer_raw_at(ticks)
 * what it read at tick count ticks; timer_raw_elapsed(from, to) the ticks
 * from one raw reading to another taken less than TIMER_RAW_SPAN_TICKS
 * later (two instructions, so the stamp can be computed right after the read).
 */
#define TIMER_RAW_SPAN_TICKS 0x00800000u
uint32_t timer_raw(void);
uint32_t timer_raw_at(uint64_t ticks);
uint32_t timer_raw_elapsed(uint32_t from, uint32_t to);

/* Busy-wait for at least us microseconds (bounded waits in drivers). */
void timer_delay_us(uint32_t us);

#endif /* HAL_TIMER_H */
