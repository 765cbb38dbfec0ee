/*
 * The RTC's 1 Hz square wave on a timer capture input, as the clock sees
 * it: the output falls as the RTC's seconds register counts on (hal/rtc.h,
 * rtc_set_sqw_1hz), a timer stamps each fall in hardware, and the stamp,
 * on the timestamp counter (hal/timer.h), waits in a small queue for the
 * main loop. The stamp does not depend on when the interrupt runs.
 *
 * A board without such an input returns -ENOTSUP from sqw_capture_start()
 * and NULL from sqw_capture_pin(). Main-loop context, but for the queue's
 * producer, the board's interrupt handler.
 */
#ifndef HAL_SQW_H
#define HAL_SQW_H

#include <stdint.h>

/* Starts stamping falling edges. Returns 0, or -ENOTSUP (the board has no capture input). */
int sqw_capture_start(void);

/* Stops it and empties the queue. */
void sqw_capture_stop(void);

/*
 * Takes the oldest stamp: the timestamp counter's value at the falling
 * edge. Returns 0, or -EAGAIN when none is queued.
 */
int sqw_capture_take(uint64_t *tick);

/* Returns the number of edges lost to a full queue since the start. */
uint32_t sqw_capture_lost(void);

/* Returns the input's name for messages ("PD5 (CCP2)"), or NULL when the board has none. */
const char *sqw_capture_pin(void);

#endif /* HAL_SQW_H */
