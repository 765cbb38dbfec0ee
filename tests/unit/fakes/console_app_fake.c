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
    app_fake.status.keys_status = CONFIG_STORE_EMPTY;
}

unsigned app_fake_changing_calls(void)
{
    return app_fake.apply_calls + app_fake.save_calls + app_fake.factory_calls +
           app_fake.set_time_calls + app_fake.adjust_calls + app_fake.leap_calls +
           app_fake.reboot_calls + app_fake.watchdog_selftest_calls +
           app_fake.stack_selftest_calls + app_fake.add_key_calls + app_fake.remove_key_calls;
}

void app_get_status(struct app_status *st)
{
    *st = app_fake.status;
    st->key_count = app_fake.keys.count;
}

void app_get_net_stats(struct app_net_stats *st)
{
    *st = app_fake.net_stats;
}

unsigned app_get_keys(struct app_key_info out[KEYS_MAX])
{
    unsigned n = app_fake.keys.count <= KEYS_MAX ? app_fake.keys.count : KEYS_MAX;
    for (unsigned i = 0; i < n; i++) {
        const struct key *k = &app_fake.keys.key[i];
        out[i] = (struct app_key_info){ k->id, k->type, k->secret_len };
    }
    return n;
}

int app_add_key(const struct key *k, bool *is_replaced)
{
    app_fake.add_key_calls++;
    if (app_fake.key_ret != 0) {
        return app_fake.key_ret;
    }
    return keys_add(&app_fake.keys, k, is_replaced);
}

int app_remove_key(uint32_t id)
{
    app_fake.remove_key_calls++;
    if (app_fake.key_ret != 0) {
        return app_fake.key_ret;
    }
    return keys_remove(&app_fake.keys, id);
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
    keys_clear(&app_fake.keys);
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
