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
 * A bus found stuck (SDA low before a START: a target left inside a byte
 * by a reset of the MCU, the battery keeping it alive), and every
 * time-out, gets the bus clear of NXP UM10204 3.1.16: SCL pulsed until the
 * target lets SDA go, at most I2C_BUS_CLEAR_CLOCKS times, then a STOP; the
 * whole of it bounded by time. The SBCon has no controller to reset: the
 * lines are all there is.
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

/* The whole bus clear, clock stretching included. */
#define CLEAR_LIMIT_US 2000u

static uint64_t after_us(uint32_t us)
{
    return timer_now() + (uint64_t)us * (timer_hz() / 1000000u);
}

int sbcon_i2c_init(struct i2c_bus *bus, const struct sbcon_i2c_config *cfg)
{
    if (cfg->bus_hz == 0 || timer_hz() / (2u * cfg->bus_hz) == 0) {
        return -EINVAL;
    }
    bus->cfg = cfg;
    bus->bus_hz = cfg->bus_hz;
    bus->half_ticks = timer_hz() / (2u * cfg->bus_hz);
    bus->stats = (struct i2c_stats){ 0 };
    sb_release(cfg->base, SB_SCL | SB_SDA); /* both released: bus idle */
    return 0;
}

int i2c_set_bus_hz(struct i2c_bus *bus, uint32_t hz)
{
    if (hz == 0 || hz > I2C_FAST_HZ || timer_hz() / (2u * hz) == 0) {
        return -EINVAL;
    }
    bus->bus_hz = hz;
    bus->half_ticks = timer_hz() / (2u * hz);
    return 0;
}

void i2c_get_stats(const struct i2c_bus *bus, struct i2c_stats *st)
{
    *st = bus->stats;
    st->bus_hz = bus->bus_hz;
}

static void half_bit(const struct i2c_bus *bus)
{
    uint64_t end = timer_now() + bus->half_ticks;
    while (timer_now() < end) {
    }
}

static bool sda_is_high(uintptr_t b)
{
    return (sb_levels(b) & SB_SDA) != 0;
}

/* Releases SCL and waits for the line to follow, until deadline. Returns 0 or -ETIMEDOUT. */
static int scl_release_until(uintptr_t b, uint64_t deadline)
{
    sb_release(b, SB_SCL);
    while ((sb_levels(b) & SB_SCL) == 0) {
        if (timer_now() > deadline) {
            return -ETIMEDOUT;
        }
    }
    return 0;
}

/* Releases SCL and waits for a target that stretches it, at most timeout_us. */
static int scl_release(const struct i2c_bus *bus)
{
    uintptr_t b = bus->cfg->base;
    sb_release(b, SB_SCL);
    if (sb_levels(b) & SB_SCL) {
        return 0;
    }
    return scl_release_until(b, after_us(bus->cfg->timeout_us));
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
        sb_release(b, SB_SDA);
    } else {
        sb_drive_low(b, SB_SDA);
    }
    half_bit(bus);
    int err = scl_release(bus);
    if (err) {
        return err;
    }
    half_bit(bus);
    *in = sda_is_high(b);
    sb_drive_low(b, SB_SCL);
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
    sb_release(b, SB_SDA);
    half_bit(bus);
    int err = scl_release(bus);
    if (err) {
        return err;
    }
    half_bit(bus);
    if (!sda_is_high(b)) {
        return -ETIMEDOUT; /* something holds SDA low: the bus is stuck */
    }
    sb_drive_low(b, SB_SDA);
    half_bit(bus);
    sb_drive_low(b, SB_SCL);
    return 0;
}

/* STOP: SDA low while SCL is low, SCL released, then SDA rises. */
static int stop(const struct i2c_bus *bus)
{
    uintptr_t b = bus->cfg->base;
    sb_drive_low(b, SB_SDA);
    half_bit(bus);
    int err = scl_release(bus);
    half_bit(bus);
    sb_release(b, SB_SDA);
    half_bit(bus);
    return err;
}

/*
 * The bus clear (UM10204 3.1.16), bounded by CLEAR_LIMIT_US. is_after_error:
 * a transfer hung, so this counts as a recovery even if the lines are high
 * now. Returns 0, -EBUSY (SDA still low) or -ETIMEDOUT (SCL held low).
 */
static int bus_clear(struct i2c_bus *bus, bool is_after_error)
{
    uintptr_t b = bus->cfg->base;
    uint64_t deadline = after_us(CLEAR_LIMIT_US);
    sb_release(b, SB_SCL | SB_SDA);
    half_bit(bus);
    uint32_t levels = sb_levels(b);
    bool is_stuck = (levels & (SB_SCL | SB_SDA)) != (SB_SCL | SB_SDA);
    if (!is_stuck && !is_after_error) {
        return 0;
    }
    bus->stats.recoveries++;
    int err = scl_release_until(b, deadline);
    bool was_sda_low = !sda_is_high(b);
    unsigned clocks = 0;
    while (err == 0 && clocks < I2C_BUS_CLEAR_CLOCKS && !sda_is_high(b)) {
        sb_drive_low(b, SB_SCL);
        half_bit(bus);
        err = scl_release_until(b, deadline);
        half_bit(bus);
        clocks++;
    }
    if (err == 0 && !sda_is_high(b)) {
        err = -EBUSY;
    }
    if (err == 0) {
        sb_drive_low(b, SB_SCL);
        half_bit(bus);
        err = stop(bus);
    }
    if (err == 0 && was_sda_low) {
        bus->stats.stuck_freed++;
        bus->stats.last_clocks = (uint8_t)clocks;
    } else if (err != 0) {
        bus->stats.stuck_failed++;
        sb_release(b, SB_SCL | SB_SDA);
    }
    return err;
}

int i2c_recover(struct i2c_bus *bus)
{
    return bus_clear(bus, false);
}

/* One transaction: [START addr+W wbuf] [(repeated) START addr+R rbuf] STOP. */
static int transfer(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                    uint8_t *rbuf, size_t rlen)
{
    int err = 0;
    sb_release(bus->cfg->base, SB_SCL | SB_SDA);
    if ((sb_levels(bus->cfg->base) & (SB_SCL | SB_SDA)) != (SB_SCL | SB_SDA)) {
        err = bus_clear(bus, true); /* left stuck: clear it first */
    }
    if (err == 0 && wlen > 0) {
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
        bus->stats.errors++;
    }
    if (err == -ETIMEDOUT) {
        (void)bus_clear(bus, true);
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
