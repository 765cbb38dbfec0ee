/*
 * I2C master on the ARM SBCon two-wire interface, bit-banged and bounded.
 *
 * Every line change is one register write and only one line changes at a
 * time: SDA moves only while SCL is low, except for START (SDA falls with
 * SCL high) and STOP (SDA rises with SCL high). Each half of an SCL period
 * is timed on the timestamp counter. After releasing SCL the driver reads
 * it back and waits, at most timeout_us, for a slave that stretches the
 * clock; a bus that stays low past that is -ETIMEDOUT, never a hang.
 *
 * i2c_write_read() sends a real repeated START between the register
 * pointer and the read, as the DS1307 family datasheets draw it. QEMU's
 * SBCon model feeds every line change to its bit-bang I2C decoder
 * (hw/i2c/bitbang_i2c.c), which passes the repeated START on to the chip
 * as a new read: its DS1338 latches the time registers there, as the
 * chip does. Two things the decoder needs, both plain I2C: SDA must be
 * released before the clock edge on which the slave drives it (ACK and
 * read bits), and SB_CONTROL's SDA reads the level computed at the last
 * write, so it is sampled only after SCL has been released.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/i2c.h"
#include "hal/timer.h"
#include "sbcon.h"

/* Clocks that free a slave holding SDA mid-byte (NXP UM10204, 3.1.16 "Bus clear"). */
#define I2C_BUS_CLEAR_CLOCKS 9u

int sbcon_i2c_init(struct i2c_bus *bus, const struct sbcon_i2c_config *cfg)
{
    if (cfg->bus_hz == 0 || timer_hz() / (2u * cfg->bus_hz) == 0) {
        return -EINVAL;
    }
    bus->cfg = cfg;
    bus->half_ticks = timer_hz() / (2u * cfg->bus_hz);
    bus->errors = 0;
    SB_CONTROLS(cfg->base) = SB_SCL | SB_SDA; /* both released: bus idle */
    return 0;
}

static void half_bit(const struct i2c_bus *bus)
{
    uint64_t end = timer_now() + bus->half_ticks;
    while (timer_now() < end) {
    }
}

static bool sda_is_high(uintptr_t b)
{
    return (SB_CONTROL(b) & SB_SDA) != 0;
}

/* Releases SCL and waits for the line to follow. Returns 0 or -ETIMEDOUT. */
static int scl_release(const struct i2c_bus *bus)
{
    uintptr_t b = bus->cfg->base;
    SB_CONTROLS(b) = SB_SCL;
    if (SB_CONTROL(b) & SB_SCL) {
        return 0;
    }
    uint64_t deadline = timer_now() + (uint64_t)bus->cfg->timeout_us * (timer_hz() / 1000000u);
    while ((SB_CONTROL(b) & SB_SCL) == 0) {
        if (timer_now() > deadline) {
            return -ETIMEDOUT;
        }
    }
    return 0;
}

/*
 * One clock with SDA released (out true) or driven low, SCL low on entry
 * and on return. *in gets the level on SDA while SCL is high: with SDA
 * released, that is the bit the slave sends (a read, or its ACK).
 */
static int clock_bit(const struct i2c_bus *bus, bool out, bool *in)
{
    uintptr_t b = bus->cfg->base;
    if (out) {
        SB_CONTROLS(b) = SB_SDA;
    } else {
        SB_CONTROLC(b) = SB_SDA;
    }
    half_bit(bus);
    int err = scl_release(bus);
    if (err) {
        return err;
    }
    half_bit(bus);
    *in = sda_is_high(b);
    SB_CONTROLC(b) = SB_SCL;
    return 0;
}

static int write_bit(const struct i2c_bus *bus, bool bit)
{
    bool ignored;
    return clock_bit(bus, bit, &ignored);
}

static int read_bit(const struct i2c_bus *bus, bool *bit)
{
    return clock_bit(bus, true, bit);
}

/* Sends a byte, MSB first. Returns 0 (ACK), -EIO (NACK), -ETIMEDOUT. */
static int write_byte(const struct i2c_bus *bus, uint8_t byte)
{
    for (unsigned i = 0; i < 8u; i++, byte <<= 1) {
        int err = write_bit(bus, (byte & 0x80u) != 0);
        if (err) {
            return err;
        }
    }
    bool nack;
    int err = read_bit(bus, &nack);
    if (err) {
        return err;
    }
    return nack ? -EIO : 0;
}

/* Receives a byte and answers ACK (more to come) or NACK (the last). */
static int read_byte(const struct i2c_bus *bus, uint8_t *byte, bool ack)
{
    uint8_t v = 0;
    for (unsigned i = 0; i < 8u; i++) {
        bool bit;
        int err = read_bit(bus, &bit);
        if (err) {
            return err;
        }
        v = (uint8_t)((v << 1) | (bit ? 1u : 0u));
    }
    *byte = v;
    return write_bit(bus, !ack);
}

/*
 * START from an idle bus, or a repeated START with SCL low after an ACK:
 * SDA released, SCL released, then SDA falls while SCL is high.
 */
static int start(const struct i2c_bus *bus)
{
    uintptr_t b = bus->cfg->base;
    SB_CONTROLS(b) = SB_SDA;
    half_bit(bus);
    int err = scl_release(bus);
    if (err) {
        return err;
    }
    half_bit(bus);
    if (!sda_is_high(b)) {
        return -ETIMEDOUT; /* something holds SDA low: the bus is stuck */
    }
    SB_CONTROLC(b) = SB_SDA;
    half_bit(bus);
    SB_CONTROLC(b) = SB_SCL;
    return 0;
}

/* STOP: SDA low while SCL is low, SCL released, then SDA rises. */
static int stop(const struct i2c_bus *bus)
{
    uintptr_t b = bus->cfg->base;
    SB_CONTROLC(b) = SB_SDA;
    half_bit(bus);
    int err = scl_release(bus);
    half_bit(bus);
    SB_CONTROLS(b) = SB_SDA;
    half_bit(bus);
    return err;
}

/*
 * Makes sure the bus is idle before a transfer. A slave left mid-byte
 * (the master reset during a read) holds SDA low: clock it out and end
 * with a STOP. Returns 0, or -ETIMEDOUT when SCL or SDA stay low.
 */
static int bus_ready(struct i2c_bus *bus)
{
    uintptr_t b = bus->cfg->base;
    SB_CONTROLS(b) = SB_SCL | SB_SDA;
    int err = scl_release(bus);
    if (err) {
        return err;
    }
    if (sda_is_high(b)) {
        return 0;
    }
    bus->errors++;
    for (unsigned i = 0; i < I2C_BUS_CLEAR_CLOCKS && !sda_is_high(b); i++) {
        SB_CONTROLC(b) = SB_SCL;
        half_bit(bus);
        err = scl_release(bus);
        if (err) {
            return err;
        }
        half_bit(bus);
    }
    if (!sda_is_high(b)) {
        return -ETIMEDOUT;
    }
    SB_CONTROLC(b) = SB_SCL;
    half_bit(bus);
    return stop(bus);
}

/* One transaction: [START addr+W wbuf] [(repeated) START addr+R rbuf] STOP. */
static int transfer(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                    uint8_t *rbuf, size_t rlen)
{
    int err = bus_ready(bus);
    if (err) {
        bus->errors++;
        return err;
    }
    if (wlen > 0) {
        err = start(bus);
        if (err == 0) {
            err = write_byte(bus, (uint8_t)(addr7 << 1));
        }
        for (size_t i = 0; err == 0 && i < wlen; i++) {
            err = write_byte(bus, wbuf[i]);
        }
    }
    if (err == 0 && rlen > 0) {
        err = start(bus);
        if (err == 0) {
            err = write_byte(bus, (uint8_t)((addr7 << 1) | 1u));
        }
        for (size_t i = 0; err == 0 && i < rlen; i++) {
            err = read_byte(bus, &rbuf[i], i + 1u < rlen);
        }
    }
    int stop_err = stop(bus);
    if (err == 0) {
        err = stop_err;
    }
    if (err) {
        bus->errors++;
    }
    return err;
}

int i2c_write(struct i2c_bus *bus, uint8_t addr7, const uint8_t *buf, size_t len)
{
    if (len == 0) {
        return -EINVAL;
    }
    return transfer(bus, addr7, buf, len, NULL, 0);
}

int i2c_write_read(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                   uint8_t *rbuf, size_t rlen)
{
    if (rlen == 0) {
        return -EINVAL;
    }
    return transfer(bus, addr7, wbuf, wlen, rbuf, rlen);
}
