/*
 * Recording fake of console/app.h; see console_app_fake.h.
 */
#include "fakes/console_app_fake.h"

#include <string.h>

struct app_fake app_fake;

void app_fake_reset(void)
{
    memset(&app_fake, 0, sizeof(app_fake));
    config_defaults(&app_fake.settings);
    app_fake.status.now_ns = 1795632000LL * 1000000000LL; /* 2026-11-25T18:40:00Z */
    app_fake.status.time_state = APP_TIME_SYNCED;
    app_fake.status.store_status = CONFIG_STORE_OK;
}

unsigned app_fake_changing_calls(void)
{
    return app_fake.apply_calls + app_fake.save_calls + app_fake.factory_calls +
           app_fake.set_time_calls + app_fake.adjust_calls + app_fake.leap_calls +
           app_fake.reboot_calls + app_fake.watchdog_selftest_calls + app_fake.stack_selftest_calls;
}

void app_get_status(struct app_status *st)
{
    *st = app_fake.status;
}

void app_get_settings(struct settings *s)
{
    *s = app_fake.settings;
}

int app_apply_settings(const struct settings *s)
{
    app_fake.apply_calls++;
    if (app_fake.apply_ret == 0) {
        app_fake.settings = *s;
    }
    return app_fake.apply_ret;
}

bool app_is_reboot_needed(void)
{
    return app_fake.is_reboot_needed;
}

int app_save_settings(void)
{
    app_fake.save_calls++;
    return app_fake.save_ret;
}

int app_factory_reset(void)
{
    app_fake.factory_calls++;
    config_defaults(&app_fake.settings);
    return app_fake.factory_ret;
}

int app_set_time(int64_t utc_ns)
{
    app_fake.set_time_calls++;
    app_fake.set_time_ns = utc_ns;
    if (app_fake.set_time_ret == 0) {
        app_fake.status.now_ns = utc_ns;
        app_fake.status.time_state = APP_TIME_SYNCED;
    }
    return app_fake.set_time_ret;
}

int app_adjust_time(int64_t offset_ns)
{
    app_fake.adjust_calls++;
    app_fake.adjust_ns = offset_ns;
    return app_fake.adjust_ret;
}

int app_set_leap(enum app_leap leap, int64_t at_unix_s)
{
    app_fake.leap_calls++;
    app_fake.leap = leap;
    app_fake.leap_at_unix_s = at_unix_s;
    if (app_fake.leap_ret == 0) {
        app_fake.status.leap = leap;
        app_fake.status.leap_at_unix_s = at_unix_s;
    }
    return app_fake.leap_ret;
}

void app_request_reboot(void)
{
    app_fake.reboot_calls++;
}

void app_watchdog_selftest(void)
{
    app_fake.watchdog_selftest_calls++;
}

void app_stack_selftest(void)
{
    app_fake.stack_selftest_calls++;
}
