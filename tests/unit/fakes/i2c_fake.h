/*
 * Fake I2C bus for host tests: implements hal/i2c.h by routing each
 * transaction, byte by byte, to chip models attached at 7-bit addresses.
 *
 * A model sees what a real target sees on the wire: START (write or read
 * direction, which it may NACK), data bytes it may NACK, bytes it is asked
 * to send, and STOP. i2c_write_read() is START(W) + wbuf, repeated
 * START(R) + rlen bytes, STOP, exactly as the HAL documents it. The fake
 * enforces the HAL contract (zero lengths are -EINVAL) so a driver that
 * relies on anything else fails its tests.
 *
 * The fake also carries the simulated time for the models on it
 * (i2c_fake_advance_us), can fail transactions on demand (NACK or bus
 * timeout), and keeps a short log of the transactions it carried so a test
 * can check how a driver talked to the chip.
 */
#ifndef TESTS_FAKES_I2C_FAKE_H
#define TESTS_FAKES_I2C_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/i2c.h"
#include "i2c_target.h"

#define I2C_FAKE_TARGETS_MAX 4
#define I2C_FAKE_LOG_LEN     8  /* transactions remembered, newest last */
#define I2C_FAKE_LOG_BYTES   48 /* written bytes remembered per transaction */

/* struct i2c_fake_target_ops, what a chip model implements: see i2c_target.h. */

struct i2c_fake_log_entry {
    uint8_t addr7;
    size_t wlen;                      /* bytes written (as requested) */
    size_t rlen;                      /* bytes read (0 for i2c_write) */
    uint8_t wbuf[I2C_FAKE_LOG_BYTES]; /* first bytes written */
    int result;                       /* what the call returned */
};

struct i2c_fake_target {
    uint8_t addr7;
    const struct i2c_fake_target_ops *ops;
    void *ctx;
};

/* The HAL's opaque bus, as the fake defines it. Zero it with i2c_fake_init. */
struct i2c_bus {
    struct i2c_fake_target targets[I2C_FAKE_TARGETS_MAX];
    size_t n_targets;

    /* Injected failures (see i2c_fake_fail_next / i2c_fake_nack_byte). */
    uint8_t fail_addr7;
    int fail_err;
    unsigned fail_skip;
    unsigned fail_count;
    uint8_t nack_addr7;
    bool is_nack_armed;
    size_t nack_byte_index;

    uint64_t now_us;         /* simulated time since i2c_fake_init */
    unsigned n_transactions; /* every call, including failed ones */
    struct i2c_fake_log_entry log[I2C_FAKE_LOG_LEN];
    size_t n_logged; /* total entries ever logged */
};

/* Empties the bus: no targets, no injected failures, time 0, empty log. */
void i2c_fake_init(struct i2c_bus *bus);

/* Attaches a model at addr7. Returns 0, -EEXIST (address taken), -ENOSPC. */
int i2c_fake_attach(struct i2c_bus *bus, uint8_t addr7, const struct i2c_fake_target_ops *ops,
                    void *ctx);

/* Removes the target at addr7 (the chip disappears). Returns 0 or -ENOENT. */
int i2c_fake_detach(struct i2c_bus *bus, uint8_t addr7);

/*
 * The next count transactions addressed to addr7 fail with err (-EIO: the
 * address is not acknowledged; -ETIMEDOUT: the bus hangs) without reaching
 * the target.
 */
void i2c_fake_fail_next(struct i2c_bus *bus, uint8_t addr7, int err, unsigned count);

/* As i2c_fake_fail_next, after skip transactions to addr7 have gone through. */
void i2c_fake_fail_later(struct i2c_bus *bus, uint8_t addr7, unsigned skip, int err,
                         unsigned count);

/*
 * In the next transaction to addr7, the target NACKs written byte number
 * byte_index (0 is the first byte after the address): bytes before it reach
 * the target, the call stops there and returns -EIO.
 */
void i2c_fake_nack_byte(struct i2c_bus *bus, uint8_t addr7, size_t byte_index);

/* Advances simulated time for every target on the bus. */
void i2c_fake_advance_us(struct i2c_bus *bus, uint64_t us);

/* Returns the simulated time in microseconds since i2c_fake_init. */
uint64_t i2c_fake_now_us(const struct i2c_bus *bus);

/* Returns the number of transactions (calls) since i2c_fake_init. */
unsigned i2c_fake_transactions(const struct i2c_bus *bus);

/*
 * Returns the log entry age transactions back (0 = the latest), or NULL if
 * it is no longer (or never was) in the log.
 */
const struct i2c_fake_log_entry *i2c_fake_log(const struct i2c_bus *bus, size_t age);

#endif /* TESTS_FAKES_I2C_FAKE_H */
