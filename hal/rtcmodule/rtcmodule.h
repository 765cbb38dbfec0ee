/*
 * The RTC module the appliance uses: a DS1307-family RTC and an AT24C32
 * settings EEPROM on one I2C bus (the common DS1307/DS3231 breakout
 * boards). It provides the board.h calls board_rtc_init(), board_rtc_addr()
 * and board_eeprom_read()/write() for every board that carries one; the
 * board says where it sits with rtcmodule_attach() in board_init().
 */
#ifndef HAL_RTCMODULE_H
#define HAL_RTCMODULE_H

#include <stdint.h>

#include "ds13xx/ds13xx.h"

struct i2c_bus;

struct rtcmodule_config {
    struct i2c_bus *bus;
    uint8_t rtc_addr7; /* 0x68 */
    enum ds13xx_chip chip;
    uint8_t eeprom_addr7; /* 0x50 */
};

/* Records where the module sits; cfg must outlive the program. */
void rtcmodule_attach(const struct rtcmodule_config *cfg);

#endif /* HAL_RTCMODULE_H */
