/*
 * NTP time formats at the edge of the appliance.
 *
 * Inside the firmware, time of day is int64_t nanoseconds since
 * 1970-01-01T00:00:00Z (unix_ns), which covers 1678..2262 without a wrap.
 * On the wire NTP uses a 64-bit timestamp (32-bit seconds since 1900 plus a
 * 32-bit binary fraction) whose seconds wrap every 2^32 s: era 0 ends and
 * era 1 begins at 2036-02-07T06:28:16Z (RFC 5905 sec. 6, figure 4). This
 * module converts between the two, resolving the era of an incoming
 * timestamp against a pivot, and handles the 16.16 NTP short format.
 *
 * The Cortex-M3 has a 32-bit divider only, and these conversions run three
 * times per request, so nothing here divides a 64-bit value: division by
 * 10^9 is a reciprocal multiply with an exact remainder correction, and
 * fractions are scaled by multiplying. Conversions round to the nearest
 * representable value, so unix_ns -> timestamp -> unix_ns is exact.
 */
#ifndef NTP_NTP_TIME_H
#define NTP_NTP_TIME_H

#include <stdint.h>

/* Seconds from 1900-01-01 (NTP era 0 prime epoch) to 1970-01-01 (RFC 5905 sec. 6). */
#define NTP_TIME_UNIX_OFFSET_S 2208988800LL

#define NTP_TIME_NS_PER_S 1000000000

/*
 * Splits unix_ns into whole seconds (rounded towards minus infinity) and the
 * nanoseconds left over. Returns the seconds; *rem_ns gets 0..999999999.
 */
int64_t ntp_time_split_ns(int64_t unix_ns, uint32_t *rem_ns);

/*
 * Returns the 64-bit NTP timestamp (seconds since the start of the era in
 * the high 32 bits, 2^-32 s units in the low 32 bits) nearest to unix_ns.
 * The era itself is not representable and is dropped (see ntp_time_era).
 */
uint64_t ntp_time_ts_from_unix_ns(int64_t unix_ns);

/*
 * Returns unix nanoseconds for an NTP timestamp, choosing the era that puts
 * the result nearest to pivot_ns (within 2^31 s, about 68 years), rounded
 * to the nearest nanosecond. Saturates at INT64_MIN/INT64_MAX outside the
 * int64 nanosecond range.
 */
int64_t ntp_time_ts_to_unix_ns(uint64_t ts, int64_t pivot_ns);

/* Returns the NTP era of unix_ns: 0 for 1900..2036-02-07T06:28:15Z, 1 after, -1 before 1900. */
int32_t ntp_time_era(int64_t unix_ns);

/*
 * Returns the NTP short format (16.16 seconds, RFC 5905 sec. 6) for a
 * duration in microseconds, rounded up: dispersions must never be
 * understated.
 */
uint32_t ntp_time_short_from_us(uint32_t us);

/* Returns microseconds for an NTP short format value, rounded to nearest, saturated at UINT32_MAX. */
uint32_t ntp_time_short_to_us(uint32_t short_fmt);

/*
 * Big-endian 32-bit words at any alignment: a byte swap and one word
 * access where the target is little-endian (the Cortex-M3/M4 allow
 * unaligned word accesses to RAM), bytes elsewhere.
 */
static inline void ntp_time_put_be32(uint8_t *p, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
    __builtin_memcpy(p, &v, 4);
#else
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
#endif
}

static inline uint32_t ntp_time_get_be32(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return __builtin_bswap32(v);
#else
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
#endif
}

/* Stores ts big-endian at p[0..7]. */
static inline void ntp_time_put_ts(uint8_t *p, uint64_t ts)
{
    ntp_time_put_be32(p, (uint32_t)(ts >> 32));
    ntp_time_put_be32(p + 4, (uint32_t)ts);
}

/* Returns the big-endian timestamp at p[0..7]. */
static inline uint64_t ntp_time_get_ts(const uint8_t *p)
{
    return ((uint64_t)ntp_time_get_be32(p) << 32) | ntp_time_get_be32(p + 4);
}

#endif /* NTP_NTP_TIME_H */
