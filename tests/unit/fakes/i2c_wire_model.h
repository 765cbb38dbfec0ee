/*
 * A bit-level model of an I2C bus, for host tests of a bit-banged master
 * (hal/sbcon): the two open-drain lines, the targets' side of the protocol
 * decoded from every change of them, and a bus that hangs.
 *
 * The lines are the wired-AND of the master's two outputs (released or
 * low), what the addressed target drives on SDA (its acknowledges and the
 * bits it sends) and the faults a test injects. The decoder follows
 * UM10204: START and STOP are SDA changing while SCL is high; a bit is
 * sampled on SCL's rising edge; a target changes SDA only after SCL's
 * falling edge. Targets are the chip models of i2c_target.h, driven as the
 * fake bus drives them: start (addressed, may NACK), send (a byte written,
 * may NACK), recv (the next byte to send), stop.
 *
 * Faults: wire_hold_sda(n) is a target left inside a byte by a reset of
 * the master, holding SDA low for n more SCL pulses (each pulse ends on its
 * falling edge); wire_hold_scl() holds SCL low for good. Single instance.
 */
#ifndef TESTS_FAKES_I2C_WIRE_MODEL_H
#define TESTS_FAKES_I2C_WIRE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "i2c_target.h"

/* An empty bus: both lines high, no targets, no faults, counters zero. */
void wire_init(void);

/* Attaches a chip model at addr7. Returns 0, or -1 (address taken, bus full). */
int wire_attach(uint8_t addr7, const struct i2c_fake_target_ops *ops, void *ctx);

/* The master's outputs: true releases the line, false drives it low. */
void wire_master(bool scl_released, bool sda_released);

/* The lines now. */
bool wire_scl(void);
bool wire_sda(void);

/* Faults (see above). */
void wire_hold_sda(unsigned pulses);
void wire_hold_scl(bool held);
bool wire_is_sda_held(void);

/* Simulated time for the targets (and for SCL period measurement), us. */
void wire_advance_us(uint64_t us);

/* What went over the bus. */
struct wire_counts {
    unsigned starts, stops;                   /* conditions seen (repeated STARTs included) */
    unsigned pulses;                          /* SCL falling edges */
    unsigned bytes;                           /* bytes the targets acknowledged or sent */
    uint64_t scl_high_min_ns, scl_low_min_ns; /* shortest phases seen (0: none) */
};
void wire_counts(struct wire_counts *c);

/* Time in ns, for the phase measurement (the test's clock sets it). */
void wire_set_now_ns(uint64_t ns);

#endif /* TESTS_FAKES_I2C_WIRE_MODEL_H */
