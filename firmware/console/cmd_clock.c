/*
 * The console's clock commands: clock trim (oscillator correction), clock
 * drift (the RTC's rated drift), clock strict (when the time stops being
 * trusted). All are settings changes (commands_begin/commands_commit).
 */
#include <stdint.h>

#include "config/config.h"
#include "console/commands.h"
#include "console/text.h"

int cmd_clock_trim(int argc, char *argv[])
{
    (void)argc;
    int64_t v = 0;
    int err = text_parse_arg(argv[0], "trim ppb", -CONFIG_TRIM_PPB_MAX, CONFIG_TRIM_PPB_MAX, &v);
    if (err != 0) {
        return err;
    }
    commands_begin()->clock_trim_ppb = (int32_t)v;
    return commands_commit();
}

int cmd_clock_drift(int argc, char *argv[])
{
    (void)argc;
    int64_t v = 0;
    int err = text_parse_arg(argv[0], "drift ppb", CONFIG_RTC_DRIFT_PPB_MIN,
                             CONFIG_RTC_DRIFT_PPB_MAX, &v);
    if (err != 0) {
        return err;
    }
    commands_begin()->rtc_drift_ppb = (int32_t)v;
    return commands_commit();
}

int cmd_clock_strict(int argc, char *argv[])
{
    if (argc == 1 && console_is_word(argv[0], "off")) {
        commands_begin()->strict_enabled = false;
        return commands_commit();
    }
    if (argc != 2 || !console_is_word(argv[0], "on")) {
        return commands_usage("clock strict");
    }
    int64_t v = 0;
    int err =
        text_parse_arg(argv[1], "max_ms", CONFIG_STRICT_MAX_MS_MIN, CONFIG_STRICT_MAX_MS_MAX, &v);
    if (err != 0) {
        return err;
    }
    struct settings *s = commands_begin();
    s->strict_enabled = true;
    s->strict_max_ms = (uint32_t)v;
    return commands_commit();
}
