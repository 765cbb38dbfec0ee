/*
 * What a board provides to the application beyond the driver interfaces:
 * bring-up, its identity, its I2C bus and what sits on it.
 */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct i2c_bus;

/*
 * Clocks, pins and driver configuration; the drivers' *_init() come after.
 * Returns 0, or -ETIMEDOUT when the clock came up below its nominal rate
 * (board_get_clock says how); the board runs either way.
 */
int board_init(void);

/* Returns the board's name ("lm3s6965evb"). */
const char *board_name(void);

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

struct rtc;

/*
 * Probes the battery RTC the board carries (chip and address are board
 * facts) and returns it in *rtc for the hal/rtc.h calls. Call after
 * timer_init(). Returns 0, or -EIO/-ETIMEDOUT when it does not answer.
 */
int board_rtc_init(struct rtc **rtc);

/* Returns the RTC's and the settings EEPROM's I2C addresses, for messages. */
uint8_t board_rtc_addr(void);
uint8_t board_eeprom_addr(void);

/*
 * The settings EEPROM beside the RTC (an AT24C32 on the common modules).
 * Each returns 0, -EIO (no answer), -ETIMEDOUT or -EINVAL (out of range).
 */
int board_eeprom_read(uint16_t off, void *buf, size_t len);
int board_eeprom_write(uint16_t off, const void *buf, size_t len);

#endif /* HAL_BOARD_H */
