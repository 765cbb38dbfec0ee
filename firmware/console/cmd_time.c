/*
 * The console's time commands: time set, time adjust, leap insert, leap
 * delete, leap cancel. They act on the clock at once (app.h); nothing here
 * is a setting to save.
 */
#include <errno.h>
#include <stdint.h>

#include "lib/calendar.h"
#include "console/app.h"
#include "console/commands.h"
#include "console/console.h"
#include "console/text.h"

#define S_PER_DAY 86400LL

int cmd_time_set(int argc, char *argv[])
{
    (void)argc;
    int64_t ns = 0;
    int err = text_parse_utc(argv[0], &ns);
    if (err != 0) {
        return err;
    }
    const struct app_status *st = commands_read_status();
    err = app_set_time(ns);
    if (err != 0) {
        return console_fail(err, "time not set (%s)", text_errno(err));
    }
    char now[TEXT_TIME_SIZE], was[TEXT_TIME_SIZE];
    console_printf("time set to %s (was %s)\n", text_fmt_time_ms(now, ns),
                   st->time_state == APP_TIME_SYNCED ? text_fmt_time_ms(was, st->now_ns) : "unset");
    return 0;
}

int cmd_time_adjust(int argc, char *argv[])
{
    (void)argc;
    int64_t ns = 0;
    int err = text_parse_offset(argv[0], &ns);
    if (err != 0) {
        return err;
    }
    err = app_adjust_time(ns);
    if (err == -ENODATA) {
        return console_fail(err, "the time is not set (use time set)");
    }
    if (err != 0) {
        return console_fail(err, "not adjusted (%s)", text_errno(err));
    }
    char b[TEXT_FIXED_SIZE];
    console_printf("slewing %s s\n", text_fmt_fixed(b, ns, 9, 9, true));
    return 0;
}

static int schedule_leap(enum app_leap leap, const char *arg)
{
    struct civil_time t;
    if (text_parse_date(arg, &t) != 0) {
        return console_fail(-EINVAL, "bad date '%s' (expected YYYY-MM-DD)", arg);
    }
    int err = text_check_civil(&t, arg);
    if (err != 0) {
        return err;
    }
    if (t.day != calendar_days_in_month(t.year, t.month)) {
        return console_fail(
            -EINVAL, "a leap second goes at the end of a month: %s is not the last day", arg);
    }
    const struct app_status *st = commands_read_status();
    if (st->time_state != APP_TIME_SYNCED) {
        return console_fail(-ENODATA, "the time is not set (use time set)");
    }
    int64_t at_s = calendar_to_unix(&t) + S_PER_DAY;
    if (at_s <= text_unix_s(st->now_ns)) {
        return console_fail(-EINVAL, "%s is not in the future", arg);
    }
    err = app_set_leap(leap, at_s);
    if (err != 0) {
        return console_fail(err, "leap second not scheduled (%s)", text_errno(err));
    }
    console_printf("leap second: %s at the end of %s (%s UTC)\n",
                   leap == APP_LEAP_INSERT ? "insert" : "delete", arg,
                   leap == APP_LEAP_INSERT ? "23:59:60" : "no 23:59:59");
    return 0;
}

int cmd_leap_insert(int argc, char *argv[])
{
    (void)argc;
    return schedule_leap(APP_LEAP_INSERT, argv[0]);
}

int cmd_leap_delete(int argc, char *argv[])
{
    (void)argc;
    return schedule_leap(APP_LEAP_DELETE, argv[0]);
}

int cmd_leap_cancel(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    if (commands_read_status()->leap == APP_LEAP_NONE) {
        console_puts("no leap second pending\n");
        return 0;
    }
    int err = app_set_leap(APP_LEAP_NONE, 0);
    if (err != 0) {
        return console_fail(err, "not cancelled (%s)", text_errno(err));
    }
    console_puts("leap second cancelled\n");
    return 0;
}
