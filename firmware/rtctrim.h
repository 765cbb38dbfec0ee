/*
 * The clock trim split between a DS3231's aging offset and the served time.
 *
 * `clock trim <ppb>` says how much faster than its RTC the served time runs
 * (clock.h: served = RTC * (1 + trim)): a positive trim is an RTC that runs
 * slow. A DS3231 can take that in its own oscillator, its aging offset
 * register (10h) moving it by about RTC_AGING_PPB_PER_LSB a step (0.1 ppm
 * at 25 C, datasheet "Aging Offset"; a positive offset slows it): the chip
 * then keeps better time on its battery too, with the appliance off. The
 * offset takes the trim in whole steps, rounded, within -128..127; the
 * served time carries what is left (under half a step, or what is beyond
 * 12.8 ppm). Hardware-free; app.c writes the register.
 */
#ifndef FIRMWARE_RTCTRIM_H
#define FIRMWARE_RTCTRIM_H

#include <stdint.h>

/* Returns the aging offset that carries trim_ppb, in register steps. */
int8_t rtctrim_aging_lsb(int32_t trim_ppb);

/* Returns the trim the served time keeps when the chip holds aging_lsb, ppb. */
int32_t rtctrim_rest_ppb(int32_t trim_ppb, int8_t aging_lsb);

#endif /* FIRMWARE_RTCTRIM_H */
