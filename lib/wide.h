/*
 * Wide integer arithmetic for fixed-point timekeeping: 64 x 64 -> 128-bit
 * products and 128 / 64-bit quotients done by hand, because the Cortex-M3
 * has neither 128-bit types nor an FPU (nor a 64-bit divide). Everything
 * saturates rather than wrapping. Hardware-free (lib/); the clock
 * (firmware/clock) is the user.
 */
#ifndef LIB_WIDE_H
#define LIB_WIDE_H

#include <stdint.h>

/* Fills *hi:*lo with the full 128-bit product a * b. */
void wide_mul(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo);

/*
 * Returns (hi:lo) / d, by shift and subtract, and the remainder in *rem
 * (if rem is not NULL). Returns UINT64_MAX (*rem 0) when the quotient does
 * not fit in 64 bits or d is 0.
 */
uint64_t wide_div(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem);

/* Returns floor(a * b / d), UINT64_MAX if it does not fit or d is 0. */
uint64_t wide_muldiv_u64(uint64_t a, uint64_t b, uint64_t d);

/* Returns ceil(a * b / d), UINT64_MAX if it does not fit or d is 0. */
uint64_t wide_muldiv_u64_ceil(uint64_t a, uint64_t b, uint64_t d);

/* Returns a * b / d rounded towards zero for d > 0, saturated to INT64_MIN..INT64_MAX. */
int64_t wide_muldiv_s64(int64_t a, int64_t b, int64_t d);

/* Returns floor(a * b / d) for b, d > 0, saturated to INT64_MIN..INT64_MAX. */
int64_t wide_muldiv_s64_floor(int64_t a, uint64_t b, uint64_t d);

/*
 * Returns n / d and the remainder in *rem (if not NULL) for a divisor below
 * 2^16, with three 32-bit divisions (the Cortex-M3's UDIV) instead of
 * the library's 64-bit division. d != 0.
 */
uint64_t wide_div_u64_u16(uint64_t n, uint16_t d, uint32_t *rem);

/* Returns floor(a / b) (C's division truncates towards zero), b != 0. */
int64_t wide_floor_div_s64(int64_t a, int64_t b);

/* Returns floor(sqrt(v)). */
uint64_t wide_isqrt_u64(uint64_t v);

/* Returns |v| as unsigned (also for INT64_MIN). */
uint64_t wide_abs_u64(int64_t v);

/*
 * Returns d * m / 2^32 for a tick count d and a rate m in ns per tick with
 * 32 fraction bits (m >> 32 < 2^32, true for any tick rate >= 1 Hz): four
 * 32 x 32 -> 64 multiplies, which the Cortex-M3 does with UMULL. Exact but
 * for the last fraction; the served time's hot path.
 */
uint64_t wide_mul_q32(uint64_t d, uint64_t m);

#endif /* LIB_WIDE_H */
