/*
 * LM3S6965 model: the I2C0 master (datasheet chapter 14), base 0x40020000,
 * driving the chip models a test attaches (i2c_target.h: the DS13xx and
 * AT24 models) over PB2 (I2C0SCL) and PB3 (I2C0SDA).
 *
 * Commands ("Master Command Sequences"): a write to MCS with RUN
 * transfers one byte; START first sends the address in MSA (bit 0: read),
 * STOP ends the transfer after it; ACK makes the master acknowledge a
 * received byte. STOP alone ends a transfer after an error. Read back, MCS
 * is the status: BUSY while the command runs, then ERROR with ADRACK
 * (address not acknowledged) or DATACK (data not acknowledged), ARBLST,
 * IDLE, BUSBSY. A command keeps the controller busy for the bits it puts
 * on the bus (START, 9 per byte with its acknowledge, STOP) at the SCL
 * period MTPR gives: 2 * (1 + TPR) * 10 system clocks ("I2C Clock Generation"). The SCL
 * frequency of every command is recorded.
 *
 * Rules (violations): PB2/PB3 must have GPIOAFSEL, GPIODEN and GPIOODR
 * (open drain, as DriverLib's GPIOPinTypeI2C sets them) or nothing reaches
 * the bus and the transfer fails; MCS written while the master is
 * disabled (MCR.MFE) or still busy; RUN without START on an idle bus; MDR
 * read while a command runs.
 */
#include <inttypes.h>
#include <string.h>

#include "lm3s6965_model_priv.h"

#define MCS_RUN     (1u << 0)
#define MCS_START   (1u << 1)
#define MCS_STOP    (1u << 2)
#define MCS_ACK     (1u << 3)
#define MCS_BUSY    (1u << 0)
#define MCS_ERROR   (1u << 1)
#define MCS_ADRACK  (1u << 2)
#define MCS_DATACK  (1u << 3)
#define MCS_IDLE    (1u << 5)
#define MCS_BUSBSY  (1u << 6)
#define MCR_MFE     (1u << 4)
#define TARGETS_MAX 4
#define PORT_B      1u
#define PIN_SCL     2u
#define PIN_SDA     3u
#define FS_PER_US   1000000000ull

struct target {
    uint8_t addr7;
    const struct i2c_fake_target_ops *ops;
    void *ctx;
};

static struct {
    uint32_t msa, mdr, mtpr, mimr, mris, mcr;
    uint32_t status; /* ERROR/ADRACK/DATACK after the last command */
    bool busy;
    uint64_t busy_until;
    bool bus_owned; /* between our START and STOP */
    int engaged;    /* target that acknowledged its address, -1 none */
    bool is_read;
    struct target targets[TARGETS_MAX];
    int n_targets;
    uint64_t devices_fs; /* time the chip models have been brought up to */
    uint32_t scl_max, scl_min;
    unsigned starts;
} ic;

void i2c_model_reset(void)
{
    memset(&ic, 0, sizeof(ic));
    ic.mtpr = 1u;
    ic.engaged = -1;
}

int model_i2c_attach(uint8_t addr7, const struct i2c_fake_target_ops *ops, void *ctx)
{
    for (int i = 0; i < ic.n_targets; i++) {
        if (ic.targets[i].addr7 == addr7) {
            return -1;
        }
    }
    if (ic.n_targets == TARGETS_MAX) {
        return -1;
    }
    ic.targets[ic.n_targets++] = (struct target){ addr7, ops, ctx };
    return 0;
}

uint32_t model_i2c_scl_hz_max(void)
{
    return ic.scl_max;
}

uint32_t model_i2c_scl_hz_min(void)
{
    return ic.scl_min;
}

unsigned model_i2c_starts(void)
{
    return ic.starts;
}

/* The chip models live in real time: bring them up to now. */
static void devices_catch_up(void)
{
    uint64_t us = (mdl_now_fs() - ic.devices_fs) / FS_PER_US;
    if (us == 0) {
        return;
    }
    ic.devices_fs += us * FS_PER_US;
    for (int i = 0; i < ic.n_targets; i++) {
        if (ic.targets[i].ops->advance_us != NULL) {
            ic.targets[i].ops->advance_us(ic.targets[i].ctx, us);
        }
    }
}

void i2c_advance(uint64_t clocks)
{
    (void)clocks;
    if (ic.busy && mdl_now() >= ic.busy_until) {
        ic.busy = false;
        ic.mris |= 1u;
    }
}

static bool pins_ok(void)
{
    return gpio_is_muxed(PORT_B, PIN_SCL) && gpio_is_muxed(PORT_B, PIN_SDA) &&
           gpio_is_open_drain(PORT_B, PIN_SCL) && gpio_is_open_drain(PORT_B, PIN_SDA);
}

/* The address phase of a START. Returns the bits it took. */
static unsigned address(void)
{
    uint8_t addr7 = (uint8_t)(ic.msa >> 1);
    ic.starts++;
    ic.bus_owned = true;
    ic.is_read = ic.msa & 1u;
    ic.engaged = -1;
    if (!pins_ok()) {
        mdl_violation("I2C0 START to 0x%02x on pins not set up: PB2 (SCL) and PB3 (SDA) need "
                      "GPIOAFSEL, GPIODEN and GPIOODR; the transfer fails",
                      addr7);
        ic.status = MCS_ERROR | MCS_ADRACK;
        return 10u;
    }
    for (int i = 0; i < ic.n_targets; i++) {
        if (ic.targets[i].addr7 == addr7) {
            if (ic.targets[i].ops->start(ic.targets[i].ctx, ic.is_read)) {
                ic.engaged = i;
            }
            break;
        }
    }
    if (ic.engaged < 0) {
        ic.status = MCS_ERROR | MCS_ADRACK;
    }
    return 10u; /* START + 8 address bits + acknowledge */
}

static void command(uint32_t cmd)
{
    if ((ic.mcr & MCR_MFE) == 0) {
        mdl_violation("I2C0 MCS written (0x%02" PRIx32 ") with the master disabled (MCR.MFE "
                      "clear): ignored",
                      cmd);
        return;
    }
    if (ic.busy) {
        mdl_violation("I2C0 MCS written (0x%02" PRIx32 ") while the controller is busy: ignored",
                      cmd);
        return;
    }
    devices_catch_up();
    uint32_t period = 20u * (1u + (ic.mtpr & 0x7Fu)); /* system clocks per SCL period */
    uint32_t scl = sysctl_cpu_hz() / period;
    ic.scl_max = scl > ic.scl_max ? scl : ic.scl_max;
    ic.scl_min = (ic.scl_min == 0 || scl < ic.scl_min) ? scl : ic.scl_min;
    unsigned bits = 0;
    ic.status = 0;
    if (cmd & MCS_START) {
        bits += address();
    } else if ((cmd & MCS_RUN) && !ic.bus_owned) {
        mdl_violation("I2C0 RUN without START while the bus is idle (MCS 0x%02" PRIx32 ")", cmd);
        ic.status = MCS_ERROR;
    }
    if ((cmd & MCS_RUN) && ic.status == 0) {
        if (ic.engaged < 0) {
            ic.status = MCS_ERROR | MCS_ADRACK; /* nobody answered the earlier address */
        } else {
            const struct target *t = &ic.targets[ic.engaged];
            bits += 9u;
            if (ic.is_read) {
                ic.mdr = t->ops->recv(t->ctx);
            } else if (!t->ops->send(t->ctx, (uint8_t)ic.mdr)) {
                ic.status = MCS_ERROR | MCS_DATACK;
            }
        }
    }
    if (cmd & MCS_STOP) {
        if (ic.engaged >= 0) {
            const struct target *t = &ic.targets[ic.engaged];
            t->ops->stop(t->ctx);
        }
        ic.engaged = -1;
        ic.bus_owned = false;
        bits += 1u;
    }
    ic.busy = true;
    ic.busy_until = mdl_now() + (uint64_t)bits * period;
}

bool i2c_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)unit;
    switch (off) {
    case 0x000: *val = ic.msa; break;
    case 0x004:
        if (ic.busy) {
            *val = MCS_BUSY | MCS_BUSBSY;
        } else {
            *val = ic.status | (ic.bus_owned ? MCS_BUSBSY : MCS_IDLE);
        }
        break;
    case 0x008:
        if (ic.busy && !peek) {
            mdl_violation("I2C0 MDR read while a command runs (MCS.BUSY): its value is not "
                          "valid yet");
        }
        *val = ic.mdr;
        break;
    case 0x00C: *val = ic.mtpr; break;
    case 0x010: *val = ic.mimr; break;
    case 0x014: *val = ic.mris; break;
    case 0x018: *val = ic.mris & ic.mimr; break;
    case 0x020: *val = ic.mcr; break;
    default: return false;
    }
    return true;
}

bool i2c_write_reg(unsigned unit, uint32_t off, uint32_t val)
{
    (void)unit;
    switch (off) {
    case 0x000: ic.msa = val & 0xFFu; break;
    case 0x004: command(val & 0xFu); break;
    case 0x008: ic.mdr = val & 0xFFu; break;
    case 0x00C: ic.mtpr = val & 0x7Fu; break;
    case 0x010: ic.mimr = val & 1u; break;
    case 0x01C: ic.mris &= ~val; break;
    case 0x020: ic.mcr = val & 0x31u; break;
    default: return false;
    }
    return true;
}
