/*
 * I2C master driver for the Stellaris I2C module (datasheet 14.3.1,
 * "Master Command Sequences"), polled and bounded, with the bus clear of
 * NXP UM10204 3.1.16 when the bus hangs.
 *
 * A register read is done as a write of the register pointer ended by a
 * STOP, then a separate read transaction: every DS1307-family chip and
 * the AT24 EEPROMs keep the pointer across a STOP, and QEMU's Stellaris
 * model does not issue a repeated START to the bus while it is busy, so the
 * chip would never latch fresh time registers for the read.
 *
 * Every command waits for the controller (MCS.BUSY), and a command that
 * ends the transfer also for the STOP to be on the bus (MCS.BUSBSY clear),
 * each at most timeout_us. A time-out means the bus hangs: the driver
 * clears it (i2c_recover) before it returns -ETIMEDOUT. An arbitration
 * loss on this single-master bus means a line did not follow the
 * controller: the lines are checked, and cleared if one is held low.
 * (QEMU's model reports a NACKed address as ARBLST: there the check finds
 * the lines high and the transfer is a plain -EIO.)
 *
 * The bus clear takes SCL and SDA from the controller as GPIO (GPIOAFSEL
 * clear; the pads stay open drain with pull-up as the board set them): a
 * line is driven low as an output holding 0, and released, and read, as
 * an input (a read of an output returns what was written, not the pin).
 * Standard-mode timing (5 us half periods), whatever the bus's rate.
 * Then the controller is reset through SRCRn and set up again.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers.h"
#include "hal/i2c.h"
#include "hal/timer.h"
#include "stellaris.h"

/* Bus clear timing: Standard mode, half an SCL period (UM10204 table 10: tLOW 4.7 us, tHIGH 4 us). */
#define CLEAR_HALF_US 5u
/* The whole bus clear, clock stretching included. */
#define CLEAR_LIMIT_US 2000u
/* The fastest SCL the controller makes: TPR >= 1 (datasheet 14.3.3). */
#define TPR_MIN 1u

/* Internal: arbitration lost (a line did not follow the controller). */
#define ERR_ARBLST (-EAGAIN)

static uint64_t after_us(uint32_t us)
{
    return timer_now() + (uint64_t)us * (timer_hz() / 1000000u);
}

/* MTPR for SCL at hz: SCL period = 2 * (1 + TPR) * 10 clocks (14.3.3), rounded to the slower side. */
static uint32_t tpr_for(const struct stellaris_i2c_config *cfg, uint32_t hz)
{
    uint32_t div = 20u * hz;
    return (cfg->clock_hz + div - 1u) / div - 1u;
}

/* Master on, at the bus's rate (after init or a controller reset). */
static void controller_start(struct i2c_bus *bus)
{
    uintptr_t b = bus->cfg->base;
    mmio_write32(I2C_MCR(b), I2C_MCR_MFE);
    mmio_write32(I2C_MTPR(b), tpr_for(bus->cfg, bus->bus_hz));
}

int stellaris_i2c_init(struct i2c_bus *bus, const struct stellaris_i2c_config *cfg)
{
    bus->cfg = cfg;
    bus->bus_hz = cfg->bus_hz;
    bus->stats = (struct i2c_stats){ 0 };
    controller_start(bus);
    return 0;
}

int i2c_set_bus_hz(struct i2c_bus *bus, uint32_t hz)
{
    if (hz == 0 || hz > I2C_FAST_HZ || tpr_for(bus->cfg, hz) < TPR_MIN) {
        return -EINVAL;
    }
    bus->bus_hz = hz;
    mmio_write32(I2C_MTPR(bus->cfg->base), tpr_for(bus->cfg, hz));
    return 0;
}

void i2c_get_stats(const struct i2c_bus *bus, struct i2c_stats *st)
{
    *st = bus->stats;
    st->bus_hz = bus->bus_hz;
}

/* ------------------------------------------------------------ bus clear -- */

/*
 * The pins' data bits hold 1 whenever they are inputs (an open-drain
 * output holding 1 lets the line go too), so turning a pin into an output
 * never pulls its line by surprise, whether or not a write to GPIODATA
 * reaches the bit of an input pin. QEMU's GPIO model, which connects
 * nothing to these pins, reads that bit back for an input: high.
 */

/* Holds a line low: an output (holding 1: still released), then 0. */
static void line_low(uintptr_t g, uint8_t pin)
{
    mmio_set32(GPIO_DIR(g), pin);
    mmio_write32(GPIO_DATA(g, pin), 0);
}

/* Lets a line go: 1 in its data bit, then an input, which the pull-ups take high. */
static void line_release(uintptr_t g, uint8_t pin)
{
    mmio_write32(GPIO_DATA(g, pin), pin);
    mmio_clear32(GPIO_DIR(g), pin);
}

static bool line_is_high(uintptr_t g, uint8_t pin)
{
    return (mmio_read32(GPIO_DATA(g, pin)) & pin) != 0;
}

static void wait_us(uint32_t us)
{
    uint64_t end = after_us(us);
    while (timer_now() < end) {
    }
}

/* Releases SCL and waits for it (a target may stretch the clock) until deadline. */
static bool scl_release(uintptr_t g, uint8_t scl, uint64_t deadline)
{
    line_release(g, scl);
    while (!line_is_high(g, scl)) {
        if (timer_now() > deadline) {
            return false;
        }
    }
    return true;
}

/*
 * The bus clear proper, on the pins as GPIO. is_after_timeout: a transfer
 * hung, so this counts as a recovery even if the lines are high now.
 */
static int bus_clear(struct i2c_bus *bus, bool is_after_timeout)
{
    const struct stellaris_i2c_config *cfg = bus->cfg;
    uintptr_t g = cfg->gpio_base;
    uint8_t scl = cfg->scl_pin, sda = cfg->sda_pin;
    uint8_t both = (uint8_t)(scl | sda);
    uint64_t deadline = after_us(CLEAR_LIMIT_US);
    int err = 0;

    /*
     * Taken from the controller as open-drain outputs holding 1 (the
     * lines stay released), then made inputs.
     */
    mmio_set32(GPIO_DIR(g), both);
    mmio_write32(GPIO_DATA(g, both), both);
    mmio_clear32(GPIO_AFSEL(g), both);
    mmio_clear32(GPIO_DIR(g), both);
    wait_us(CLEAR_HALF_US);

    bool is_scl_low = !line_is_high(g, scl);
    bool is_sda_low = !line_is_high(g, sda);
    if (is_scl_low || is_sda_low || is_after_timeout) {
        bus->stats.recoveries++;
    }
    if (is_scl_low && !scl_release(g, scl, deadline)) {
        err = -ETIMEDOUT; /* SCL held low: nothing here can free it */
    }
    if (err == 0 && is_sda_low) {
        unsigned clocks = 0;
        while (clocks < I2C_BUS_CLEAR_CLOCKS && !line_is_high(g, sda)) {
            line_low(g, scl);
            wait_us(CLEAR_HALF_US);
            if (!scl_release(g, scl, deadline)) {
                err = -ETIMEDOUT;
                break;
            }
            wait_us(CLEAR_HALF_US);
            clocks++;
        }
        if (err == 0 && !line_is_high(g, sda)) {
            err = -EBUSY;
        } else if (err == 0) {
            bus->stats.stuck_freed++;
            bus->stats.last_clocks = (uint8_t)clocks;
        }
    }
    if (err == 0) {
        /* STOP: SDA low while SCL is low, SCL up, then SDA up. */
        line_low(g, scl);
        wait_us(CLEAR_HALF_US);
        line_low(g, sda);
        wait_us(CLEAR_HALF_US);
        if (!scl_release(g, scl, deadline)) {
            err = -ETIMEDOUT;
        }
        wait_us(CLEAR_HALF_US);
        line_release(g, sda);
        wait_us(CLEAR_HALF_US);
    }
    if (err != 0) {
        bus->stats.stuck_failed++;
    }
    line_release(g, both);

    /* Back to the controller, which starts afresh. */
    mmio_set32(GPIO_AFSEL(g), both);
    stellaris_peripheral_reset(cfg->srcr, cfg->srcr_bit);
    controller_start(bus);
    return err;
}

int i2c_recover(struct i2c_bus *bus)
{
    return bus_clear(bus, false);
}

/* -------------------------------------------------------------- transfers -- */

/* Waits until the controller is done and (is_stop) the bus is idle. Returns 0 or -ETIMEDOUT. */
static int wait_done(struct i2c_bus *bus, bool is_stop, uint32_t *st)
{
    uintptr_t b = bus->cfg->base;
    uint32_t mask = I2C_MCS_BUSY | (is_stop ? I2C_MCS_BUSBSY : 0u);
    uint64_t deadline = after_us(bus->cfg->timeout_us);
    while ((*st = mmio_read32(I2C_MCS(b))) & mask) {
        if (timer_now() > deadline) {
            return -ETIMEDOUT;
        }
    }
    return 0;
}

/* Issues one command and waits for it. Returns 0, -EIO, ERR_ARBLST, -ETIMEDOUT. */
static int command(struct i2c_bus *bus, uint32_t cmd)
{
    uintptr_t b = bus->cfg->base;
    uint32_t st;
    mmio_write32(I2C_MCS(b), cmd);
    if (wait_done(bus, (cmd & I2C_MCS_STOP) != 0, &st) != 0) {
        return -ETIMEDOUT;
    }
    if (st & I2C_MCS_ARBLST) {
        return ERR_ARBLST; /* the controller let go of the bus itself */
    }
    if (st & I2C_MCS_ERROR) {
        if ((cmd & I2C_MCS_STOP) == 0) {
            /*
             * Release the bus after a NACK, and let the STOP finish: the
             * controller ignores a command written while it is busy.
             */
            mmio_write32(I2C_MCS(b), I2C_MCS_STOP);
            if (wait_done(bus, true, &st) != 0) {
                return -ETIMEDOUT;
            }
        }
        return -EIO;
    }
    return 0;
}

/* Counts a failed transfer and clears the bus where that is called for. */
static int failed(struct i2c_bus *bus, int err)
{
    bus->stats.errors++;
    if (err == -ETIMEDOUT) {
        (void)bus_clear(bus, true);
    } else if (err == ERR_ARBLST) {
        (void)bus_clear(bus, false); /* counted only if a line is held low */
        err = -EIO;
    }
    return err;
}

static int write_bytes(struct i2c_bus *bus, uint8_t addr7, const uint8_t *buf, size_t len)
{
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

static int read_bytes(struct i2c_bus *bus, uint8_t addr7, uint8_t *buf, size_t len)
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

int i2c_write(struct i2c_bus *bus, uint8_t addr7, const uint8_t *buf, size_t len)
{
    if (len == 0) {
        return -EINVAL;
    }
    int err = write_bytes(bus, addr7, buf, len);
    return err ? failed(bus, err) : 0;
}

int i2c_write_read(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                   uint8_t *rbuf, size_t rlen)
{
    if (rlen == 0) {
        return -EINVAL;
    }
    int err = wlen > 0 ? write_bytes(bus, addr7, wbuf, wlen) : 0;
    if (err == 0) {
        err = read_bytes(bus, addr7, rbuf, rlen);
    }
    return err ? failed(bus, err) : 0;
}
