/*
 * Civil calendar (proleptic Gregorian, UTC) <-> day and second counts.
 *
 * Day counts are computed over a calendar shifted to start in March, so
 * that the leap day is the last day of the shifted year and the month
 * lengths March..January repeat a 31/30 pattern that a linear formula
 * covers; whole 400-year eras (146097 days, exactly 20871 weeks) carry the
 * rest. All arithmetic is 64-bit and floors towards minus infinity, so
 * dates before 1970 work and nothing changes meaning in 2036 or 2038.
 */
#include "lib/calendar.h"

#include <errno.h>
#include <stddef.h>

#define DAYS_PER_ERA  146097 /* 400 Gregorian years */
#define YEARS_PER_ERA 400
/* Days from 0000-03-01 (start of the shifted era 0) to 1970-01-01. */
#define DAYS_0000_03_01_TO_EPOCH 719468
#define SECONDS_PER_DAY          86400

/* Floor division for a positive divisor (C division truncates towards 0). */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b) != 0 && a < 0)
        q--;
    return q;
}

bool calendar_is_leap_year(int32_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

uint8_t calendar_days_in_month(int32_t year, uint8_t month)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && calendar_is_leap_year(year))
        return 29;
    return days[month - 1];
}

int64_t calendar_days_from_civil(int32_t year, uint8_t month, uint8_t day)
{
    /* January and February belong to the previous shifted year. */
    int64_t y = (int64_t)year - (month <= 2 ? 1 : 0);
    int64_t era = floor_div(y, YEARS_PER_ERA);
    int64_t year_of_era = y - era * YEARS_PER_ERA; /* 0..399 */
    int64_t shifted_month = (month + 9) % 12;      /* March = 0 */
    /* March..February lengths 31,30,31,30,31,31,30,31,30,31,31,(28/29):
     * (153 * m + 2) / 5 is the number of days before shifted month m. */
    int64_t day_of_year = (153 * shifted_month + 2) / 5 + (int64_t)day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

    return era * DAYS_PER_ERA + day_of_era - DAYS_0000_03_01_TO_EPOCH;
}

void calendar_civil_from_days(int64_t days, int32_t *year, uint8_t *month, uint8_t *day)
{
    int64_t z = days + DAYS_0000_03_01_TO_EPOCH;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    int64_t day_of_era = z - era * DAYS_PER_ERA; /* 0..146096 */
    /* Undo the leap days of each 4, 100 and 400-year cycle to count years. */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / (DAYS_PER_ERA - 1)) /
        365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t shifted_month = (5 * day_of_year + 2) / 153; /* March = 0 */
    int64_t m = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    int64_t y = year_of_era + era * YEARS_PER_ERA + (m <= 2 ? 1 : 0);

    *day = (uint8_t)(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    *month = (uint8_t)m;
    *year = (int32_t)y;
}

bool calendar_is_last_day_of_month(int64_t days)
{
    int32_t year;
    uint8_t month, day;

    calendar_civil_from_days(days + 1, &year, &month, &day);
    return day == 1;
}

int calendar_validate(const struct civil_time *t)
{
    if (t == NULL)
        return -EINVAL;
    if (t->month < 1 || t->month > 12)
        return -EINVAL;
    if (t->day < 1 || t->day > calendar_days_in_month(t->year, t->month))
        return -EINVAL;
    if (t->hour > 23 || t->minute > 59 || t->second > 59)
        return -EINVAL;
    return 0;
}

int64_t calendar_to_unix(const struct civil_time *t)
{
    int64_t days = calendar_days_from_civil(t->year, t->month, t->day);

    return days * SECONDS_PER_DAY + (int64_t)t->hour * 3600 + (int64_t)t->minute * 60 +
           (int64_t)t->second;
}

void calendar_from_unix(int64_t unix_s, struct civil_time *t)
{
    int64_t days = floor_div(unix_s, SECONDS_PER_DAY);
    int64_t sec_of_day = unix_s - days * SECONDS_PER_DAY; /* 0..86399 */

    calendar_civil_from_days(days, &t->year, &t->month, &t->day);
    t->hour = (uint8_t)(sec_of_day / 3600);
    t->minute = (uint8_t)(sec_of_day / 60 % 60);
    t->second = (uint8_t)(sec_of_day % 60);
}
