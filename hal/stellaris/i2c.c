/*
 * I2C master driver for the Stellaris I2C module (datasheet 14.3.1,
 * "Master Command Sequences"), polled and bounded.
 *
 * A register read is done as a write of the register pointer ended by a
 * STOP, then a separate read transaction: every DS1307-family chip and
 * the AT24 EEPROMs keep the pointer across a STOP, and QEMU's Stellaris
 * model does not issue a repeated START to the bus while it is busy, so the
 * chip would never latch fresh time registers for the read.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers.h"
#include "hal/i2c.h"
#include "hal/timer.h"
#include "stellaris.h"

int stellaris_i2c_init(struct i2c_bus *bus, const struct stellaris_i2c_config *cfg)
{
    bus->cfg = cfg;
    bus->errors = 0;
    mmio_write32(I2C_MCR(cfg->base), I2C_MCR_MFE);
    /* SCL period = 2 * (1 + TPR) * 10 clocks (datasheet 14.3.3), rounded to the slower side. */
    uint32_t div = 20u * cfg->bus_hz;
    mmio_write32(I2C_MTPR(cfg->base), (cfg->clock_hz + div - 1u) / div - 1u);
    return 0;
}

/* Issues one command and waits for the controller. Returns 0, -EIO, -ETIMEDOUT. */
static int command(struct i2c_bus *bus, uint32_t cmd)
{
    uintptr_t b = bus->cfg->base;
    mmio_write32(I2C_MCS(b), cmd);
    uint64_t deadline = timer_now() + (uint64_t)bus->cfg->timeout_us * (timer_hz() / 1000000u);
    uint32_t st;
    while ((st = mmio_read32(I2C_MCS(b))) & I2C_MCS_BUSY) {
        if (timer_now() > deadline) {
            bus->errors++;
            return -ETIMEDOUT;
        }
    }
    if (st & (I2C_MCS_ERROR | I2C_MCS_ARBLST)) {
        bus->errors++;
        if ((st & I2C_MCS_ARBLST) == 0 && (cmd & I2C_MCS_STOP) == 0) {
            /*
             * Release the bus after a NACK, and let the STOP finish: the
             * controller ignores a command written while it is busy.
             */
            mmio_write32(I2C_MCS(b), I2C_MCS_STOP);
            while (mmio_read32(I2C_MCS(b)) & I2C_MCS_BUSY) {
                if (timer_now() > deadline) {
                    return -ETIMEDOUT;
                }
            }
        }
        return -EIO;
    }
    return 0;
}

int i2c_write(struct i2c_bus *bus, uint8_t addr7, const uint8_t *buf, size_t len)
{
    if (len == 0) {
        return -EINVAL;
    }
    uintptr_t b = bus->cfg->base;
    mmio_write32(I2C_MSA(b), (uint32_t)addr7 << 1);
    for (size_t i = 0; i < len; i++) {
        mmio_write32(I2C_MDR(b), buf[i]);
        uint32_t cmd = I2C_MCS_RUN;
        if (i == 0) {
            cmd |= I2C_MCS_START;
        }
        if (i == len - 1) {
            cmd |= I2C_MCS_STOP;
        }
        int err = command(bus, cmd);
        if (err) {
            return err;
        }
    }
    return 0;
}

static int i2c_read(struct i2c_bus *bus, uint8_t addr7, uint8_t *buf, size_t len)
{
    uintptr_t b = bus->cfg->base;
    mmio_write32(I2C_MSA(b), ((uint32_t)addr7 << 1) | 1u);
    for (size_t i = 0; i < len; i++) {
        uint32_t cmd = I2C_MCS_RUN;
        if (i == 0) {
            cmd |= I2C_MCS_START;
        }
        /* ACK every byte but the last; the last is NACKed and STOPped. */
        cmd |= (i == len - 1) ? I2C_MCS_STOP : I2C_MCS_ACK;
        int err = command(bus, cmd);
        if (err) {
            return err;
        }
        buf[i] = (uint8_t)mmio_read32(I2C_MDR(b));
    }
    return 0;
}

int i2c_write_read(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                   uint8_t *rbuf, size_t rlen)
{
    if (rlen == 0) {
        return -EINVAL;
    }
    if (wlen > 0) {
        int err = i2c_write(bus, addr7, wbuf, wlen);
        if (err) {
            return err;
        }
    }
    return i2c_read(bus, addr7, rbuf, rlen);
}
