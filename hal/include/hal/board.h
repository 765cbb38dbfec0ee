/*
 * What a board provides to the application beyond the driver interfaces:
 * bring-up, its identity, its I2C bus and what sits on it.
 */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include <stdint.h>

struct i2c_bus;

/* Clocks, pins and driver configuration; the drivers' *_init() come after. Returns 0. */
int board_init(void);

/* Returns the board's name ("lm3s6965evb"). */
const char *board_name(void);

/* Fills mac with the board's Ethernet address (factory programmed, or a fallback). */
void board_get_mac(uint8_t mac[6]);

/* Returns the I2C bus the RTC and its EEPROM sit on. */
struct i2c_bus *board_i2c(void);

/* 7-bit I2C addresses of the RTC (0x68) and the settings EEPROM (0x50). */
uint8_t board_rtc_addr(void);
uint8_t board_eeprom_addr(void);

#endif /* HAL_BOARD_H */
