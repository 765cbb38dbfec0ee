/*
 * The RTC module the appliance uses: a DS1307-family RTC and, on most
 * modules, an AT24C32 settings EEPROM on one I2C bus. It provides the
 * board.h calls board_rtc_module_probe(), board_rtc_init(),
 * board_rtc_module_get() and board_eeprom_read()/write() for every board
 * that carries one; the board says where it sits with rtcmodule_attach()
 * in board_init().
 *
 * The same image takes the modules people buy: at boot the bus is checked
 * (and cleared if stuck), the EEPROM is looked for at 0x50..0x57 (the
 * ZS-042 DS3231 module puts it at 0x57, the "Tiny RTC" DS1307 module at
 * 0x50, DS1338 breakouts have none) and the chip at 0x68 is identified
 * (ds13xx_detect). A board may name either in its board.h instead; the
 * operator may name the chip (`rtc chip`, stored). The bus then runs at
 * the fastest rate the chip takes, capped by the board.
 */
#ifndef HAL_RTCMODULE_H
#define HAL_RTCMODULE_H

#include <stdint.h>

#include "ds13xx/ds13xx.h"

struct i2c_bus;

/* The EEPROM addresses searched: 1010 A2 A1 A0 (AT24C32 "Device Addressing"). */
#define RTCMODULE_EEPROM_FIRST 0x50u
#define RTCMODULE_EEPROM_LAST  0x57u

struct rtcmodule_config {
    struct i2c_bus *bus;
    uint8_t rtc_addr7;    /* 0x68 */
    enum rtc_chip chip;   /* RTC_CHIP_AUTO: as found at boot; else the board names it */
    uint8_t eeprom_addr7; /* 0: searched at 0x50..0x57; else the board names it */
    uint32_t max_bus_hz;  /* the fastest SCL the board's wiring takes */
};

/* Records where the module sits; cfg must outlive the program. */
void rtcmodule_attach(const struct rtcmodule_config *cfg);

#endif /* HAL_RTCMODULE_H */
