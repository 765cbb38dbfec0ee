/*
 * I2C master interface a board must provide.
 *
 * Transfers are blocking and bounded: a stuck bus or a missing device ends
 * in an error, never in a hang. One bus per board is enough for the
 * appliance (RTC and its EEPROM share it); the bus object is board-owned.
 */
#ifndef HAL_I2C_H
#define HAL_I2C_H

#include <stddef.h>
#include <stdint.h>

struct i2c_bus;

/*
 * Write len bytes to the 7-bit address addr7.
 * Returns 0, -EIO if the device did not acknowledge, -ETIMEDOUT if the bus
 * did not finish in time, -EINVAL for a zero length.
 */
int i2c_write(struct i2c_bus *bus, uint8_t addr7, const uint8_t *buf, size_t len);

/*
 * Write wlen bytes (typically a register address), then a repeated start
 * and read rlen bytes. wlen may be 0 for a plain read.
 * Returns 0, -EIO (no acknowledge), -ETIMEDOUT, -EINVAL.
 */
int i2c_write_read(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                   uint8_t *rbuf, size_t rlen);

#endif /* HAL_I2C_H */
