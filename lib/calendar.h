/*
 * Civil calendar (proleptic Gregorian, UTC) <-> day and second counts.
 *
 * Pure arithmetic on 64-bit counts, valid far beyond the DS1307 range
 * (2000..2099) and across 2036 and 2038: any year an int32_t holds, and
 * any day or second count whose year does. Hardware-free (lib/): used by
 * the clock, the console, syslog and the DS13xx driver.
 */
#ifndef LIB_CALENDAR_H
#define LIB_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

struct civil_time {
    int32_t year;   /* e.g. 2026 */
    uint8_t month;  /* 1..12 */
    uint8_t day;    /* 1..31 */
    uint8_t hour;   /* 0..23 */
    uint8_t minute; /* 0..59 */
    uint8_t second; /* 0..59 (60 only as input for a leap second, see below) */
};

/* Returns true for a Gregorian leap year. */
bool calendar_is_leap_year(int32_t year);

/* Returns the number of days in month (1..12) of year, or 0 for a bad month. */
uint8_t calendar_days_in_month(int32_t year, uint8_t month);

/* Returns days since 1970-01-01 of the given date (month 1..12, day 1..31, not checked). */
int64_t calendar_days_from_civil(int32_t year, uint8_t month, uint8_t day);

/* Fills *year, *month (1..12) and *day (1..31) with the date of days since 1970-01-01. */
void calendar_civil_from_days(int64_t days, int32_t *year, uint8_t *month, uint8_t *day);

/*
 * Checks every field of t (second 0..59). Returns 0, or -EINVAL for a
 * field out of range (month 13, February 30, hour 24, ...).
 */
int calendar_validate(const struct civil_time *t);

/* Returns true if days (since 1970-01-01) is the last day of its month. */
bool calendar_is_last_day_of_month(int64_t days);

/*
 * Returns seconds since 1970-01-01T00:00:00Z for a valid t. A leap second
 * (second 60) counts as second 0 of the next minute, as POSIX time does.
 */
int64_t calendar_to_unix(const struct civil_time *t);

/* Fills *t with the civil time (second 0..59) of seconds since 1970-01-01T00:00:00Z. */
void calendar_from_unix(int64_t unix_s, struct civil_time *t);

#endif /* LIB_CALENDAR_H */
