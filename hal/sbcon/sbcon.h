/*
 * ARM SBCon two-wire serial bus interface: a bit-banged I2C master.
 *
 * The SBCon has no shift register and no state machine, only the two
 * open-drain lines: writing 1 to a bit of SB_CONTROLS releases that line
 * (the pull-up takes it high), writing 1 to SB_CONTROLC drives it low,
 * and SB_CONTROL reads the lines back (bit 0 SCL, bit 1 SDA). Register
 * names as ARM's Versatile and MPS2 documentation gives them; offsets and
 * bits as QEMU's hw/i2c/arm_sbcon_i2c.c models them.
 */
#ifndef HAL_SBCON_H
#define HAL_SBCON_H

#include <stdint.h>

#include "cortexm/cortexm.h"

#define SB_CONTROL(b)  REG32((b) + 0x000u) /* read: the bus levels */
#define SB_CONTROLS(b) REG32((b) + 0x000u) /* write 1: release (set) the line */
#define SB_CONTROLC(b) REG32((b) + 0x004u) /* write 1: drive (clear) the line */
#define SB_SCL         (1u << 0)
#define SB_SDA         (1u << 1)

struct sbcon_i2c_config {
    uintptr_t base;
    uint32_t bus_hz;     /* SCL rate: 100000 for a DS1307; up to 400000 otherwise */
    uint32_t timeout_us; /* longest clock stretch, and the stuck-bus limit */
};

/* The I2C bus object handed to hal/i2c.h callers. */
struct i2c_bus {
    const struct sbcon_i2c_config *cfg;
    uint32_t half_ticks; /* half an SCL period in timer ticks */
    uint32_t errors;     /* NACKs, stretch time-outs, stuck-bus recoveries */
};

/*
 * Binds bus to cfg (kept by pointer) and releases both lines. Transfers
 * time their bits on the timestamp counter: make them after timer_init().
 * Returns 0, or -EINVAL for a bus_hz of 0 or faster than the counter allows.
 */
int sbcon_i2c_init(struct i2c_bus *bus, const struct sbcon_i2c_config *cfg);

#endif /* HAL_SBCON_H */
