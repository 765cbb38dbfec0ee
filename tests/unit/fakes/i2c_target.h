/*
 * What an I2C chip model implements to sit on a simulated bus: the fake
 * bus of hal/i2c.h (i2c_fake.h) and the LM3S6965 model's I2C0 master
 * (lm3s6965_model.h) both drive targets through these operations. Kept
 * apart from i2c_fake.h, which defines the HAL's struct i2c_bus for its
 * own tests, so a test linking a real I2C driver can use the chip models.
 */
#ifndef TESTS_FAKES_I2C_TARGET_H
#define TESTS_FAKES_I2C_TARGET_H

#include <stdbool.h>
#include <stdint.h>

/* What a chip model implements; ctx is the model passed when attaching it. */
struct i2c_fake_target_ops {
    /* START (or repeated START) addressed to the target. Returns true to ACK. */
    bool (*start)(void *ctx, bool is_read);
    /* A byte written by the controller. Returns true to ACK. */
    bool (*send)(void *ctx, uint8_t byte);
    /* Returns the next byte the target puts on the bus. */
    uint8_t (*recv)(void *ctx);
    /* STOP ending a transaction the target took part in. */
    void (*stop)(void *ctx);
    /* Simulated time passes (may be NULL for a target without a clock). */
    void (*advance_us)(void *ctx, uint64_t us);
};

#endif /* TESTS_FAKES_I2C_TARGET_H */
