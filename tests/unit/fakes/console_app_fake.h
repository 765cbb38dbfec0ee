/*
 * A recording fake of console/app.h for the console's host tests.
 *
 * It holds the settings and status the console reads, records every call
 * the console makes with its arguments, and returns whatever error a test
 * has staged. app_apply_settings() keeps the settings it is given, so a
 * test sees exactly what a command changed; the keys go through the real
 * keys_add()/keys_remove() (config/keys.c) into keys.
 */
#ifndef TESTS_FAKES_CONSOLE_APP_FAKE_H
#define TESTS_FAKES_CONSOLE_APP_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "config/keys.h"
#include "console/app.h"

struct app_fake {
    struct settings settings;       /* app_get_settings() returns these */
    struct app_status status;       /* app_get_status() returns this */
    struct app_net_stats net_stats; /* app_get_net_stats() returns this */
    struct keys keys;               /* app_get_keys() lists these */
    bool is_reboot_needed;

    /* staged results */
    int apply_ret;
    int save_ret;
    int factory_ret;
    int set_time_ret;
    int adjust_ret;
    int leap_ret;
    int key_ret; /* non-zero: app_add_key()/app_remove_key() return it, nothing changed */

    /* recorded calls */
    unsigned apply_calls;
    unsigned save_calls;
    unsigned factory_calls;
    unsigned set_time_calls;
    unsigned adjust_calls;
    unsigned leap_calls;
    unsigned reboot_calls;
    unsigned watchdog_selftest_calls;
    unsigned stack_selftest_calls;
    unsigned add_key_calls;
    unsigned remove_key_calls;
    int64_t set_time_ns;
    int64_t adjust_ns;
    enum app_leap leap;
    int64_t leap_at_unix_s;
};

extern struct app_fake app_fake;

/* Defaults settings, a SYNCED clock at 2026-11-25T18:40:00Z, no calls. */
void app_fake_reset(void);

/* Returns the number of calls that could have changed anything. */
unsigned app_fake_changing_calls(void);

#endif /* TESTS_FAKES_CONSOLE_APP_FAKE_H */
