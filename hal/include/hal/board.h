/*
 * What a board provides to the application beyond the driver interfaces:
 * bring-up, its identity, its I2C bus and what sits on it.
 */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include <stddef.h>
#include <stdint.h>

struct i2c_bus;

/* Clocks, pins and driver configuration; the drivers' *_init() come after. Returns 0. */
int board_init(void);

/* Returns the board's name ("lm3s6965evb"). */
const char *board_name(void);

/* Fills mac with the board's Ethernet address (factory programmed, or a fallback). */
void board_get_mac(uint8_t mac[6]);

struct rtc;

/*
 * Probes the battery RTC the board carries (chip and address are board
 * facts) and returns it in *rtc for the hal/rtc.h calls. Call after
 * timer_init(). Returns 0, or -EIO/-ETIMEDOUT when it does not answer.
 */
int board_rtc_init(struct rtc **rtc);

/* Returns the RTC's I2C address, for messages. */
uint8_t board_rtc_addr(void);

/*
 * The settings EEPROM beside the RTC (an AT24C32 on the common modules).
 * Each returns 0, -EIO (no answer), -ETIMEDOUT or -EINVAL (out of range).
 */
int board_eeprom_read(uint16_t off, void *buf, size_t len);
int board_eeprom_write(uint16_t off, const void *buf, size_t len);

#endif /* HAL_BOARD_H */
