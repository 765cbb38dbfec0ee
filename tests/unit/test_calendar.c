/*
 * Unit tests for the civil calendar: every day of the DS1307's century and
 * several centuries around it against the host C library's timegm() and
 * gmtime_r() (64-bit time_t), field validation, and the instants where
 * 32-bit NTP seconds (2036) and 32-bit time_t (2038) wrap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <time.h>

#include "lib/calendar.h"

_Static_assert(sizeof(time_t) >= 8, "the reference needs a 64-bit time_t");

static struct tm tm_from_civil(const struct civil_time *t)
{
    struct tm tm = { 0 };

    tm.tm_year = t->year - 1900;
    tm.tm_mon = t->month - 1;
    tm.tm_mday = t->day;
    tm.tm_hour = t->hour;
    tm.tm_min = t->minute;
    tm.tm_sec = t->second;
    return tm;
}

/* Checks one instant both ways against the C library. */
static void check_instant(int64_t unix_s)
{
    time_t tt = (time_t)unix_s;
    struct tm ref;
    struct civil_time t;

    assert_non_null(gmtime_r(&tt, &ref));
    calendar_from_unix(unix_s, &t);
    assert_int_equal(t.year, ref.tm_year + 1900);
    assert_int_equal(t.month, ref.tm_mon + 1);
    assert_int_equal(t.day, ref.tm_mday);
    assert_int_equal(t.hour, ref.tm_hour);
    assert_int_equal(t.minute, ref.tm_min);
    assert_int_equal(t.second, ref.tm_sec);
    assert_int_equal(calendar_validate(&t), 0);
    assert_int_equal(calendar_to_unix(&t), unix_s);

    struct tm back = tm_from_civil(&t);
    assert_int_equal((int64_t)timegm(&back), unix_s);
}

/* Every day from first to last (inclusive, unix days), at a time of day that moves. */
static void check_days(int64_t first, int64_t last)
{
    int64_t prev_days = first - 1;
    int32_t prev_year = 0;
    uint8_t prev_month = 0, prev_day = 0;

    calendar_civil_from_days(prev_days, &prev_year, &prev_month, &prev_day);
    for (int64_t d = first; d <= last; d++) {
        int64_t unix_s = d * 86400 + (d * 7919) % 86400;
        int32_t year;
        uint8_t month, day;
        struct tm ref;
        time_t tt = (time_t)(d * 86400);

        check_instant(unix_s);

        calendar_civil_from_days(d, &year, &month, &day);
        assert_non_null(gmtime_r(&tt, &ref));
        assert_int_equal(year, ref.tm_year + 1900);
        assert_int_equal(month, ref.tm_mon + 1);
        assert_int_equal(day, ref.tm_mday);
        assert_int_equal(calendar_days_from_civil(year, month, day), d);

        /* Day counting is continuous: today is yesterday plus one. */
        if (day == 1) {
            assert_int_equal(prev_day, calendar_days_in_month(prev_year, prev_month));
            assert_true(calendar_is_last_day_of_month(d - 1));
        } else {
            assert_int_equal(day, prev_day + 1);
            assert_false(calendar_is_last_day_of_month(d - 1));
        }

        struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day };
        assert_int_equal((int64_t)timegm(&tm), d * 86400);

        prev_year = year;
        prev_month = month;
        prev_day = day;
    }
}

static void test_every_day_2000_to_2099(void **state)
{
    (void)state;
    int64_t first = calendar_days_from_civil(2000, 1, 1);
    int64_t last = calendar_days_from_civil(2099, 12, 31);

    assert_int_equal(first, 10957);
    assert_int_equal(last - first + 1, 100 * 365 + 25); /* 2000 and 2004..2096 are leap years */
    check_days(first, last);
}

static void test_every_day_1600_to_2000_and_2100_to_2500(void **state)
{
    (void)state;
    check_days(calendar_days_from_civil(1600, 1, 1), calendar_days_from_civil(1999, 12, 31));
    check_days(calendar_days_from_civil(2100, 1, 1), calendar_days_from_civil(2499, 12, 31));
}

/* Spread instants over +-300000 years with a fixed-seed generator. */
static void test_far_instants(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15u;
    const int64_t span_s = (int64_t)300000 * 366 * 86400;

    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t unix_s = (int64_t)(x % (uint64_t)(2 * span_s)) - span_s;
        check_instant(unix_s);
    }
}

static void test_wrap_instants(void **state)
{
    (void)state;
    /* 2036-02-07 06:28:16 UTC: NTP era 0 ends (2^32 s after 1900-01-01). */
    const int64_t ntp_era1_s = 2085978496;
    /* 2038-01-19 03:14:08 UTC: 2^31 s, one past the last 32-bit time_t. */
    const int64_t time32_end_s = 2147483648;
    struct civil_time t;

    for (int64_t d = -3; d <= 3; d++) {
        check_instant(ntp_era1_s + d);
        check_instant(time32_end_s + d);
    }

    calendar_from_unix(ntp_era1_s, &t);
    assert_int_equal(t.year, 2036);
    assert_int_equal(t.month, 2);
    assert_int_equal(t.day, 7);
    assert_int_equal(t.hour, 6);
    assert_int_equal(t.minute, 28);
    assert_int_equal(t.second, 16);
    assert_int_equal(calendar_to_unix(&t) + 2208988800, (int64_t)1 << 32);

    calendar_from_unix(time32_end_s, &t);
    assert_int_equal(t.year, 2038);
    assert_int_equal(t.month, 1);
    assert_int_equal(t.day, 19);
    assert_int_equal(t.hour, 3);
    assert_int_equal(t.minute, 14);
    assert_int_equal(t.second, 8);

    struct civil_time before = { 2038, 1, 19, 3, 14, 7 };
    assert_int_equal(calendar_to_unix(&before), INT32_MAX);
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(calendar_is_leap_year(2000));
    assert_true(calendar_is_leap_year(2024));
    assert_true(calendar_is_leap_year(2400));
    assert_false(calendar_is_leap_year(1900));
    assert_false(calendar_is_leap_year(2100));
    assert_false(calendar_is_leap_year(2023));
    assert_true(calendar_is_leap_year(-4));
    assert_int_equal(calendar_days_in_month(2024, 2), 29);
    assert_int_equal(calendar_days_in_month(2100, 2), 28);
    assert_int_equal(calendar_days_in_month(2023, 4), 30);
    assert_int_equal(calendar_days_in_month(2023, 12), 31);
    assert_int_equal(calendar_days_in_month(2023, 0), 0);
    assert_int_equal(calendar_days_in_month(2023, 13), 0);
}

static void test_validate_rejects_bad_fields(void **state)
{
    (void)state;
    static const struct civil_time bad[] = {
        { 2026, 0, 1, 0, 0, 0 },  { 2026, 13, 1, 0, 0, 0 },  { 2026, 1, 0, 0, 0, 0 },
        { 2026, 1, 32, 0, 0, 0 }, { 2026, 2, 29, 0, 0, 0 },  { 2100, 2, 29, 0, 0, 0 },
        { 2024, 2, 30, 0, 0, 0 }, { 2026, 4, 31, 0, 0, 0 },  { 2026, 6, 31, 0, 0, 0 },
        { 2026, 9, 31, 0, 0, 0 }, { 2026, 11, 31, 0, 0, 0 }, { 2026, 1, 1, 24, 0, 0 },
        { 2026, 1, 1, 0, 60, 0 }, { 2026, 1, 1, 0, 0, 60 },  { 2026, 1, 1, 255, 255, 255 },
    };
    static const struct civil_time good[] = {
        { 2024, 2, 29, 0, 0, 0 },  { 2000, 2, 29, 23, 59, 59 }, { 2099, 12, 31, 23, 59, 59 },
        { 2026, 4, 30, 12, 0, 0 }, { 1970, 1, 1, 0, 0, 0 },
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(calendar_validate(&bad[i]), -EINVAL);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(calendar_validate(&good[i]), 0);
    assert_int_equal(calendar_validate(NULL), -EINVAL);
}

static void test_leap_second_count(void **state)
{
    (void)state;
    struct civil_time dec = { 2016, 12, 31, 23, 59, 60 };

    assert_int_equal(calendar_validate(&dec), -EINVAL);
    /* POSIX: 23:59:60 has the count of the next day's 00:00:00. */
    assert_int_equal(calendar_to_unix(&dec), 1483228800);
}

static void test_before_epoch(void **state)
{
    (void)state;
    struct civil_time t;

    calendar_from_unix(-1, &t);
    assert_int_equal(t.year, 1969);
    assert_int_equal(t.month, 12);
    assert_int_equal(t.day, 31);
    assert_int_equal(t.hour, 23);
    assert_int_equal(t.minute, 59);
    assert_int_equal(t.second, 59);
    assert_int_equal(calendar_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(calendar_days_from_civil(1, 1, 1), -719162);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_day_2000_to_2099),
        cmocka_unit_test(test_every_day_1600_to_2000_and_2100_to_2500),
        cmocka_unit_test(test_far_instants),
        cmocka_unit_test(test_wrap_instants),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_validate_rejects_bad_fields),
        cmocka_unit_test(test_leap_second_count),
        cmocka_unit_test(test_before_epoch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
