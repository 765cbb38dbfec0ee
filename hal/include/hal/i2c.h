/*
 * I2C master interface a board must provide.
 *
 * Transfers are blocking and bounded: a stuck bus or a missing device ends
 * in an error, never in a hang. One bus per board is enough for the
 * appliance (RTC and its EEPROM share it); the bus object is board-owned.
 *
 * A bus that hangs is cleared, not just reported: when a transfer times out,
 * or a line is found held low, the driver runs the bus clear of NXP UM10204
 * 3.1.16 (SCL clocked up to nine times until the target holding SDA lets
 * go, then a STOP) and resets its controller. The typical cause is a reset
 * of the MCU in the middle of a read: the battery keeps the RTC alive, and
 * it waits, SDA low, for the clocks of the byte it was sending.
 */
#ifndef HAL_I2C_H
#define HAL_I2C_H

#include <stddef.h>
#include <stdint.h>

struct i2c_bus;

/* Bus clear: SCL pulses that free any target left inside a byte (UM10204 3.1.16). */
#define I2C_BUS_CLEAR_CLOCKS 9u

/* SCL rates: Standard mode (every chip), Fast mode (DS1338, DS3231, AT24C32 at 5 V). */
#define I2C_STANDARD_HZ 100000u
#define I2C_FAST_HZ     400000u

/* What a bus has been through since boot. */
struct i2c_stats {
    uint32_t bus_hz;       /* SCL rate in use */
    uint32_t errors;       /* failed transfers: no acknowledge, arbitration lost, time-out */
    uint32_t recoveries;   /* bus clears run: after a time-out, or a line found held low */
    uint32_t stuck_freed;  /* ... that found SDA held low and clocked it free */
    uint32_t stuck_failed; /* ... after which a line was still held low */
    uint8_t last_clocks;   /* SCL pulses the last freeing took (1..9), 0 if none yet */
};

/*
 * Write len bytes to the 7-bit address addr7.
 * Returns 0, -EIO if the device did not acknowledge (or arbitration was
 * lost), -ETIMEDOUT if the bus did not finish in time (it has been
 * recovered since), -EINVAL for a zero length.
 */
int i2c_write(struct i2c_bus *bus, uint8_t addr7, const uint8_t *buf, size_t len);

/*
 * Write wlen bytes (typically a register address), then a repeated start
 * and read rlen bytes. wlen may be 0 for a plain read.
 * Returns 0, -EIO (no acknowledge), -ETIMEDOUT, -EINVAL.
 */
int i2c_write_read(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                   uint8_t *rbuf, size_t rlen);

/*
 * Sets the SCL rate for the transfers that follow (I2C_STANDARD_HZ or
 * I2C_FAST_HZ; what every device on the bus allows). Returns 0, or -EINVAL
 * for a rate the bus cannot make.
 */
int i2c_set_bus_hz(struct i2c_bus *bus, uint32_t hz);

/*
 * Checks the lines and clears a stuck bus: a target holding SDA low gets up
 * to I2C_BUS_CLEAR_CLOCKS SCL pulses, then a STOP; the controller is reset.
 * Bounded by time (a few milliseconds at most). Call once at boot, after
 * timer_init(), before the first transfer; the driver calls it itself after
 * a time-out. Counted in i2c_stats when a line was found low.
 * Returns 0 (the bus is idle), -EBUSY (SDA still held low) or -ETIMEDOUT
 * (SCL held low).
 */
int i2c_recover(struct i2c_bus *bus);

/* Fills *st with the bus's counters. */
void i2c_get_stats(const struct i2c_bus *bus, struct i2c_stats *st);

#endif /* HAL_I2C_H */
