/*
 * board.h's RTC module calls for a DS13xx + AT24C32 module (see rtcmodule.h).
 */
#include "rtcmodule.h"

#include <errno.h>
#include <stdbool.h>

#include "at24/at24.h"
#include "hal/board.h"
#include "hal/i2c.h"
#include "hal/timer.h"

static const struct rtcmodule_config *module;
static struct ds13xx_config rtc_cfg;
static struct rtc rtc;
static struct at24 eeprom;
static struct board_rtc_module found;
static enum ds13xx_chip found_chip;
static bool has_found_chip;
/* NACKs of the probe's search (every address without an EEPROM): expected, not errors. */
static uint32_t probe_errors;

void rtcmodule_attach(const struct rtcmodule_config *cfg)
{
    module = cfg;
    found = (struct board_rtc_module){ .rtc_addr7 = cfg->rtc_addr7 };
}

static void eeprom_at(uint8_t addr7)
{
    eeprom = (struct at24){
        .bus = module->bus,
        .addr7 = addr7,
        /* An AT24C64 (same 32-byte pages) is used as the AT24C32 its first half is. */
        .size = AT24C32_SIZE,
        .page_size = AT24C32_PAGE_SIZE,
    };
}

/* Returns the first address in 0x50..0x57 that answers, or 0. */
static uint8_t eeprom_search(void)
{
    for (uint8_t a = RTCMODULE_EEPROM_FIRST; a <= RTCMODULE_EEPROM_LAST; a++) {
        eeprom_at(a);
        if (at24_probe(&eeprom) == 0) {
            return a;
        }
    }
    return 0;
}

int board_rtc_module_probe(void)
{
    if (module == NULL) {
        return -ENODEV;
    }
    struct i2c_bus *bus = module->bus;
    /* Every chip takes Standard mode: look at the module at 100 kHz. */
    (void)i2c_set_bus_hz(bus, I2C_STANDARD_HZ);
    found.bus_check_err = i2c_recover(bus);

    if (module->eeprom_addr7 != 0) {
        found.eeprom_addr7 = module->eeprom_addr7;
        found.eeprom_how = "named in board.h";
        eeprom_at(module->eeprom_addr7);
    } else {
        uint8_t a = eeprom_search();
        if (a == 0) {
            /* One still in the write cycle a reset interrupted answers nothing for up to tWR. */
            timer_delay_us(AT24_WRITE_CYCLE_MAX_US);
            a = eeprom_search();
        }
        found.eeprom_addr7 = a;
        found.eeprom_how = "found at boot";
        eeprom_at(a);
    }

    struct i2c_stats st;
    i2c_get_stats(bus, &st);
    probe_errors = st.errors;

    int err = ds13xx_detect(bus, module->rtc_addr7, &found_chip);
    has_found_chip = err == 0;
    found.rtc_found = has_found_chip ? ds13xx_chip_name(found_chip) : NULL;
    return err;
}

int board_rtc_init(struct rtc **out, enum rtc_chip chip)
{
    *out = &rtc;
    if (module == NULL) {
        return -ENODEV;
    }
    enum ds13xx_chip use;
    if (chip != RTC_CHIP_AUTO) {
        use = (enum ds13xx_chip)chip;
        found.rtc_how = "set with 'rtc chip'";
    } else if (module->chip != RTC_CHIP_AUTO) {
        use = (enum ds13xx_chip)module->chip;
        found.rtc_how = "named in board.h";
    } else if (has_found_chip) {
        use = found_chip;
        found.rtc_how = "found at boot";
    } else {
        found.rtc_chip = NULL;
        found.rtc_how = NULL;
        return -ENODEV;
    }
    uint32_t hz = ds13xx_max_bus_hz(use);
    if (hz > module->max_bus_hz) {
        hz = module->max_bus_hz;
    }
    (void)i2c_set_bus_hz(module->bus, hz);
    rtc_cfg = (struct ds13xx_config){ .bus = module->bus, .addr7 = module->rtc_addr7, .chip = use };
    found.rtc_chip = ds13xx_chip_name(use);
    return ds13xx_init(&rtc, &rtc_cfg);
}

void board_rtc_module_get(struct board_rtc_module *m, struct i2c_stats *bus)
{
    *m = found;
    if (module != NULL) {
        i2c_get_stats(module->bus, bus);
        bus->errors = bus->errors >= probe_errors ? bus->errors - probe_errors : 0;
    } else {
        *bus = (struct i2c_stats){ 0 };
    }
}

uint8_t board_rtc_addr(void)
{
    return module != NULL ? module->rtc_addr7 : 0;
}

uint8_t board_eeprom_addr(void)
{
    return found.eeprom_addr7;
}

int board_eeprom_read(uint16_t off, void *buf, size_t len)
{
    return found.eeprom_addr7 != 0 ? at24_read(&eeprom, off, buf, len) : -ENODEV;
}

int board_eeprom_write(uint16_t off, const void *buf, size_t len)
{
    return found.eeprom_addr7 != 0 ? at24_write(&eeprom, off, buf, len) : -ENODEV;
}
