/*
 * What a board provides to the application beyond the driver interfaces:
 * bring-up, its identity, its I2C bus and what sits on it.
 */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/rtc.h"

struct i2c_bus;
struct i2c_stats;

/*
 * Clocks, pins and driver configuration; the drivers' *_init() come after.
 * Returns 0, or -ETIMEDOUT when the clock came up below its nominal rate
 * (board_get_clock says how); the board runs either way.
 */
int board_init(void);

/* Returns the board's name ("lm3s6965evb"). */
const char *board_name(void);

/*
 * Returns true when the board is built with the RTC's square wave wired to
 * its capture input (hal/sqw.h): the edges' source unless the operator
 * says otherwise (`rtc sqw`).
 */
bool board_sqw_capture_default(void);

/* How the core clock came up. */
struct board_clock {
    uint32_t cpu_hz;     /* what the core and the timestamp counter run at */
    uint32_t nominal_hz; /* what the board is meant to run at */
    const char *source;  /* e.g. "PLL, 8 MHz crystal" */
    bool is_degraded;    /* below nominal: the PLL did not lock */
};

/* Fills *bc (valid after board_init). */
void board_get_clock(struct board_clock *bc);

/* Returns the core clock in Hz as brought up (nominal before board_init). */
uint32_t board_cpu_hz(void);

/*
 * Fills mac with the Ethernet address programmed into the chip or board at
 * the factory. Returns 0, or -ENODATA when there is none (the caller then
 * chooses one).
 */
int board_get_factory_mac(uint8_t mac[6]);

/*
 * Writes len bytes to the console UART by polling, with bounded waits:
 * usable at any moment, from a fault handler, before or without uart_init()
 * (it clocks and muxes the UART itself if needed). Slow; fatal paths only.
 */
void board_console_write_polled(const char *buf, size_t len);

/*
 * Looks at the RTC module, once at boot, after timer_init(): checks the
 * I2C bus (a stuck one is cleared), finds the settings EEPROM (0x50..0x57,
 * unless the board names its address) and which chip answers at the RTC's
 * address (hal/ds13xx). What it found is in board_rtc_module_get().
 * Returns 0, or the error of the RTC's probe (-EIO: nothing answers).
 */
int board_rtc_module_probe(void);

/*
 * Binds the RTC driver and returns it in *rtc for the hal/rtc.h calls:
 * chip is the operator's choice (`rtc chip`), or RTC_CHIP_AUTO for the
 * board's (board.h) or else what the probe found. Sets the bus to the
 * fastest rate the chip takes. Returns 0, -ENODEV (nothing to bind: no
 * chip found and none named), or -EIO/-ETIMEDOUT when it does not answer.
 */
int board_rtc_init(struct rtc **rtc, enum rtc_chip chip);

/* The RTC module as found and as driven, for the boot log and `status`. */
struct board_rtc_module {
    uint8_t rtc_addr7;
    const char *rtc_found; /* the chip the probe found, NULL: nothing answered */
    const char *rtc_chip;  /* the chip driven, NULL: none */
    const char *rtc_how;   /* "found at boot", "named in board.h", "set with 'rtc chip'" */
    uint8_t eeprom_addr7;  /* 0: no EEPROM */
    const char *eeprom_how;
    int bus_check_err; /* the boot check of the bus: 0, or it stayed stuck */
};

/*
 * Fills *m (valid after board_rtc_module_probe) and the bus's counters in
 * *bus (its errors less the probe's search for the EEPROM, whose NACKs are
 * expected).
 */
void board_rtc_module_get(struct board_rtc_module *m, struct i2c_stats *bus);

/* Returns the RTC's and the settings EEPROM's I2C addresses (0: none), for messages. */
uint8_t board_rtc_addr(void);
uint8_t board_eeprom_addr(void);

/*
 * The settings EEPROM beside the RTC (an AT24C32 on the common modules).
 * Each returns 0, -EIO (no answer), -ETIMEDOUT, -EINVAL (out of range) or
 * -ENODEV (no EEPROM was found).
 */
int board_eeprom_read(uint16_t off, void *buf, size_t len);
int board_eeprom_write(uint16_t off, const void *buf, size_t len);

#endif /* HAL_BOARD_H */
