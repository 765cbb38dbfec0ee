/*
 * The console's RTC module commands, both settings changes
 * (commands_begin/commands_commit): rtc chip (which chip to drive, when
 * what the board finds at boot, or names, is not what is fitted; from the
 * next boot, when the driver is bound) and rtc sqw (where the second
 * edges come from: the square wave on the board's capture input, or
 * polling; at once).
 */
#include <errno.h>
#include <stdint.h>

#include "config/config.h"
#include "console/commands.h"
#include "console/console.h"

static const char *const chip_words[] = {
    [CONFIG_RTC_CHIP_AUTO] = "auto",
    [CONFIG_RTC_CHIP_DS1307] = "ds1307",
    [CONFIG_RTC_CHIP_DS1338] = "ds1338",
    [CONFIG_RTC_CHIP_DS3231] = "ds3231",
};

int cmd_rtc_chip(int argc, char *argv[])
{
    (void)argc;
    for (unsigned i = 0; i < sizeof(chip_words) / sizeof(chip_words[0]); i++) {
        if (console_is_word(argv[0], chip_words[i])) {
            commands_begin()->rtc_chip = (uint8_t)i;
            return commands_commit();
        }
    }
    return console_fail(-EINVAL, "rtc chip: '%s' is none of auto, ds1307, ds1338, ds3231", argv[0]);
}

static const char *const sqw_words[] = {
    [CONFIG_RTC_SQW_BOARD] = "board",
    [CONFIG_RTC_SQW_POLL] = "poll",
    [CONFIG_RTC_SQW_CAPTURE] = "capture",
};

int cmd_rtc_sqw(int argc, char *argv[])
{
    (void)argc;
    for (unsigned i = 0; i < sizeof(sqw_words) / sizeof(sqw_words[0]); i++) {
        if (console_is_word(argv[0], sqw_words[i])) {
            commands_begin()->rtc_sqw = (uint8_t)i;
            return commands_commit();
        }
    }
    return console_fail(-EINVAL, "rtc sqw: '%s' is none of capture, poll, board", argv[0]);
}
