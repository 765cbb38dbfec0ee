/*
 * Reference NTP timestamp conversion for the tests: exact 128-bit
 * arithmetic, independent of firmware/ntp/ntp_time.c, rounding half up
 * (ties cannot occur for whole nanoseconds).
 */
#ifndef TESTS_NTP_REF_H
#define TESTS_NTP_REF_H

#include <stdint.h>

#include "ntp/ntp_time.h"

static inline uint64_t ref_ts(int64_t unix_ns)
{
    const __int128 ns = 1000000000;
    __int128 ns1900 = (__int128)unix_ns + (__int128)NTP_TIME_UNIX_OFFSET_S * ns;
    __int128 s = ns1900 / ns;
    __int128 r = ns1900 % ns;
    if (r < 0) {
        r += ns;
        s -= 1;
    }
    __int128 frac = (r * ((__int128)1 << 32) + ns / 2) / ns;
    return ((uint64_t)(uint32_t)(uint64_t)s << 32) + (uint64_t)frac;
}

#endif /* TESTS_NTP_REF_H */
