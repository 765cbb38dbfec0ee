/*
 * NTP timestamp and short-format conversions (see ntp_time.h).
 *
 * Relies only on 32x32->64 multiplies, which the Cortex-M3 does in one
 * UMULL; the 64-by-10^9 division is a reciprocal multiply whose result is
 * corrected against the exact remainder, so it is exact for every input.
 */
#include "ntp/ntp_time.h"

#include <stdint.h>

/*
 * floor(2^64 / 10^9) = 18446744073 = 4 * 2^32 + RECIP_1E9_LO. Multiplying by
 * it and keeping the top 64 bits of the 99-bit product underestimates
 * n / 10^9 by less than one, so one correction step makes it exact.
 */
#define RECIP_1E9_HI 4u
#define RECIP_1E9_LO 1266874889u

/*
 * 2^32 / 10^9 = 4.294967296 = 4 + FRAC_PER_NS_LO / 2^32 (FRAC_PER_NS_LO
 * rounded); the estimate is then corrected exactly, see frac_from_ns().
 */
#define FRAC_PER_NS_LO 1266874890u

/* Returns floor(n / 10^9) and stores the remainder; no 64-bit division. */
static uint64_t udiv_1e9(uint64_t n, uint32_t *rem)
{
    uint32_t nh = (uint32_t)(n >> 32);
    uint32_t nl = (uint32_t)n;
    /* floor(n * (4 * 2^32 + LO) / 2^64), split so no term exceeds 64 bits. */
    uint64_t mid =
        ((uint64_t)nl << 2) + (uint64_t)nh * RECIP_1E9_LO + (((uint64_t)nl * RECIP_1E9_LO) >> 32);
    uint64_t q = (uint64_t)nh * RECIP_1E9_HI + (mid >> 32);
    uint64_t r = n - q * NTP_TIME_NS_PER_S;

    while (r >= NTP_TIME_NS_PER_S) {
        q++;
        r -= NTP_TIME_NS_PER_S;
    }
    *rem = (uint32_t)r;
    return q;
}

int64_t ntp_time_split_ns(int64_t unix_ns, uint32_t *rem_ns)
{
    uint32_t r;

    if (unix_ns >= 0) {
        uint64_t q = udiv_1e9((uint64_t)unix_ns, &r);
        *rem_ns = r;
        return (int64_t)q;
    }
    /* Floor division for negative values: -(( -x - 1) / d) - 1. */
    uint64_t mag = (uint64_t)(-(unix_ns + 1));
    uint64_t q = udiv_1e9(mag, &r);
    *rem_ns = NTP_TIME_NS_PER_S - 1 - r;
    return -(int64_t)q - 1;
}

/*
 * Returns round(ns * 2^32 / 10^9) for ns < 10^9. The estimate is within one
 * unit; the error term decides exactly (a tie is impossible: ns * 2^32 is
 * a multiple of 2^32, 5 * 10^8 * odd is not).
 */
static uint32_t frac_from_ns(uint32_t ns)
{
    uint64_t f = ((uint64_t)ns << 2) + (((uint64_t)ns * FRAC_PER_NS_LO) >> 32);
    int64_t err = (int64_t)(f * NTP_TIME_NS_PER_S) - (int64_t)((uint64_t)ns << 32);

    while (err > NTP_TIME_NS_PER_S / 2) {
        f--;
        err -= NTP_TIME_NS_PER_S;
    }
    while (err < -(NTP_TIME_NS_PER_S / 2)) {
        f++;
        err += NTP_TIME_NS_PER_S;
    }
    return (uint32_t)f;
}

/* Returns round(frac * 10^9 / 2^32): 0..10^9 (10^9 only just below a whole second). */
static uint32_t ns_from_frac(uint32_t frac)
{
    return (uint32_t)(((uint64_t)frac * NTP_TIME_NS_PER_S + (1ull << 31)) >> 32);
}

uint64_t ntp_time_ts_from_unix_ns(int64_t unix_ns)
{
    uint32_t ns;
    int64_t s = ntp_time_split_ns(unix_ns, &ns);
    /* The seconds field is the count modulo 2^32: the era is implicit. */
    uint32_t sec = (uint32_t)(uint64_t)(s + NTP_TIME_UNIX_OFFSET_S);

    return ((uint64_t)sec << 32) | frac_from_ns(ns);
}

int32_t ntp_time_era(int64_t unix_ns)
{
    uint32_t ns;
    int64_t ntp_s = ntp_time_split_ns(unix_ns, &ns) + NTP_TIME_UNIX_OFFSET_S;

    /* Arithmetic shift (GCC defines it) is floor division by 2^32. */
    return (int32_t)(ntp_s >> 32);
}

int64_t ntp_time_ts_to_unix_ns(uint64_t ts, int64_t pivot_ns)
{
    uint32_t pivot_rem;
    int64_t pivot_ntp_s = ntp_time_split_ns(pivot_ns, &pivot_rem) + NTP_TIME_UNIX_OFFSET_S;
    uint32_t sec = (uint32_t)(ts >> 32);
    /* Signed distance modulo 2^32 from the pivot's seconds picks the nearest era. */
    int64_t diff = (int64_t)(uint32_t)(sec - (uint32_t)(uint64_t)pivot_ntp_s);

    if (diff >= (1LL << 31))
        diff -= 1LL << 32;
    int64_t unix_s = pivot_ntp_s + diff - NTP_TIME_UNIX_OFFSET_S;
    int64_t ns = ns_from_frac((uint32_t)ts);

    if (unix_s > INT64_MAX / NTP_TIME_NS_PER_S - 1)
        return INT64_MAX;
    if (unix_s < INT64_MIN / NTP_TIME_NS_PER_S)
        return INT64_MIN;
    int64_t base = unix_s * NTP_TIME_NS_PER_S;
    if (base > INT64_MAX - ns)
        return INT64_MAX;
    return base + ns;
}

uint32_t ntp_time_short_from_us(uint32_t us)
{
    /* us * 2^16 / 10^6 = us * 0.065536; 281474977 / 2^32 is that, rounded up. */
    uint64_t f = ((uint64_t)us * 281474977u) >> 32;
    int64_t err = (int64_t)(f * 1000000u) - (int64_t)((uint64_t)us << 16);

    /* Round up: the smallest f with f * 10^6 >= us * 2^16. */
    while (err < 0) {
        f++;
        err += 1000000;
    }
    while (err >= 1000000) {
        f--;
        err -= 1000000;
    }
    return (uint32_t)f;
}

uint32_t ntp_time_short_to_us(uint32_t short_fmt)
{
    uint64_t us = ((uint64_t)short_fmt * 1000000u + (1u << 15)) >> 16;

    return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}
