/*
 * libFuzzer harness: the civil calendar (lib/calendar.c), both directions,
 * for every input its contract covers (any year an int32_t holds, and any
 * day or second count whose year does).
 *
 * Invariants:
 *  - days -> civil -> days is the identity, the civil date valid, the day
 *    after it one more day (across month, year and leap-day ends), and
 *    calendar_is_last_day_of_month() says whether the next day is the 1st;
 *  - civil -> days -> civil is the identity for every valid date;
 *  - seconds -> civil time -> seconds is the identity;
 *  - calendar_validate() accepts exactly the times whose fields are in
 *    range, checked here against a table of month lengths and the
 *    Gregorian rule written out independently.
 */
#include <string.h>

#include "fuzz_util.h"
#include "lib/calendar.h"

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29u : days[m - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    const int64_t first = calendar_days_from_civil(INT32_MIN, 1, 1);
    const int64_t last = calendar_days_from_civil(INT32_MAX, 12, 31);

    /* days -> civil -> days */
    int64_t days = (int64_t)fuzz_u64(&in);
    if (days < first || days > last) {
        days = first + (int64_t)((uint64_t)days % (uint64_t)(last - first + 1));
    }
    int32_t y;
    uint8_t m, d;
    calendar_civil_from_days(days, &y, &m, &d);
    FUZZ_CHECK(m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m), "%lld -> %ld-%u-%u",
               (long long)days, (long)y, m, d);
    FUZZ_CHECK(calendar_days_from_civil(y, m, d) == days, "%lld -> %ld-%u-%u -> %lld",
               (long long)days, (long)y, m, d, (long long)calendar_days_from_civil(y, m, d));
    FUZZ_CHECK(calendar_is_last_day_of_month(days) == (d == month_days(y, m)),
               "last day of month wrong for %ld-%u-%u", (long)y, m, d);
    if (days < last) {
        int32_t y2;
        uint8_t m2, d2;
        calendar_civil_from_days(days + 1, &y2, &m2, &d2);
        bool is_next =
            d < month_days(y, m)
                ? (y2 == y && m2 == m && d2 == d + 1)
                : (d2 == 1 && (m < 12 ? (y2 == y && m2 == m + 1) : (y2 == y + 1 && m2 == 1)));
        FUZZ_CHECK(is_next, "%ld-%u-%u is followed by %ld-%u-%u", (long)y, m, d, (long)y2, m2, d2);
    }

    /* civil -> days -> civil, for a valid date */
    int32_t year = (int32_t)fuzz_u32(&in);
    uint8_t month = (uint8_t)(1u + fuzz_u8(&in) % 12u);
    uint8_t day = (uint8_t)(1u + fuzz_u8(&in) % month_days(year, month));
    int64_t n = calendar_days_from_civil(year, month, day);
    FUZZ_CHECK(n >= first && n <= last, "%ld-%u-%u -> %lld out of range", (long)year, month, day,
               (long long)n);
    calendar_civil_from_days(n, &y, &m, &d);
    FUZZ_CHECK(y == year && m == month && d == day, "%ld-%u-%u -> %lld -> %ld-%u-%u", (long)year,
               month, day, (long long)n, (long)y, m, d);

    /* seconds -> civil -> seconds */
    int64_t s = (int64_t)fuzz_u64(&in);
    const int64_t s_first = first * 86400, s_last = last * 86400 + 86399;
    if (s < s_first || s > s_last) {
        s = s_first + (int64_t)((uint64_t)s % (uint64_t)(s_last - s_first + 1));
    }
    struct civil_time t;
    calendar_from_unix(s, &t);
    FUZZ_CHECK(calendar_validate(&t) == 0, "%lld -> an invalid time", (long long)s);
    FUZZ_CHECK(calendar_to_unix(&t) == s, "%lld -> civil -> %lld", (long long)s,
               (long long)calendar_to_unix(&t));

    /* calendar_validate on arbitrary fields */
    struct civil_time u = {
        .year = (int32_t)fuzz_u32(&in),
        .month = fuzz_u8(&in),
        .day = fuzz_u8(&in),
        .hour = fuzz_u8(&in),
        .minute = fuzz_u8(&in),
        .second = fuzz_u8(&in),
    };
    bool is_valid = u.month >= 1 && u.month <= 12 && u.day >= 1 &&
                    u.day <= month_days(u.year, u.month) && u.hour <= 23 && u.minute <= 59 &&
                    u.second <= 59;
    FUZZ_CHECK((calendar_validate(&u) == 0) == is_valid, "validate(%ld-%u-%u %u:%u:%u)",
               (long)u.year, u.month, u.day, u.hour, u.minute, u.second);
    FUZZ_CHECK(calendar_days_in_month(u.year, u.month) ==
                   (u.month >= 1 && u.month <= 12 ? month_days(u.year, u.month) : 0u),
               "days in month %ld-%u", (long)u.year, u.month);
    return 0;
}
