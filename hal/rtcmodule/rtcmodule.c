/*
 * board.h's RTC and EEPROM calls for a DS13xx + AT24C32 module.
 */
#include <errno.h>

#include "at24/at24.h"
#include "hal/board.h"
#include "rtcmodule.h"

static const struct rtcmodule_config *module;
static struct ds13xx_config rtc_cfg;
static struct rtc rtc;
static struct at24 eeprom;

void rtcmodule_attach(const struct rtcmodule_config *cfg)
{
    module = cfg;
    rtc_cfg = (struct ds13xx_config){ .bus = cfg->bus, .addr7 = cfg->rtc_addr7, .chip = cfg->chip };
    eeprom = (struct at24){
        .bus = cfg->bus,
        .addr7 = cfg->eeprom_addr7,
        .size = AT24C32_SIZE,
        .page_size = AT24C32_PAGE_SIZE,
    };
}

int board_rtc_init(struct rtc **out)
{
    *out = &rtc;
    return module != NULL ? ds13xx_init(&rtc, &rtc_cfg) : -ENODEV;
}

uint8_t board_rtc_addr(void)
{
    return module != NULL ? module->rtc_addr7 : 0;
}

uint8_t board_eeprom_addr(void)
{
    return module != NULL ? module->eeprom_addr7 : 0;
}

int board_eeprom_read(uint16_t off, void *buf, size_t len)
{
    return module != NULL ? at24_read(&eeprom, off, buf, len) : -ENODEV;
}

int board_eeprom_write(uint16_t off, const void *buf, size_t len)
{
    return module != NULL ? at24_write(&eeprom, off, buf, len) : -ENODEV;
}
