/*
 * Wide integer arithmetic (see wide.h): 128-bit intermediates from 32-bit
 * halves, division by shift and subtract. Used by the clock once per RTC
 * edge or less (and wide_mul_q32() on every timestamp), so plain loops are
 * fast enough and need no tables.
 */
#include "lib/wide.h"

#include <stdbool.h>
#include <stddef.h>

void wide_mul(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;

    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

uint64_t wide_div(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0;

    if (d == 0 || hi >= d) {
        if (rem)
            *rem = 0;
        return UINT64_MAX;
    }
    for (int i = 63; i >= 0; i--) {
        uint64_t carry = hi >> 63;
        hi = (hi << 1) | ((lo >> i) & 1);
        q <<= 1;
        if (carry || hi >= d) {
            hi -= d;
            q |= 1;
        }
    }
    if (rem)
        *rem = hi;
    return q;
}

uint64_t wide_muldiv_u64(uint64_t a, uint64_t b, uint64_t d)
{
    uint64_t hi, lo;

    wide_mul(a, b, &hi, &lo);
    return wide_div(hi, lo, d, NULL);
}

uint64_t wide_muldiv_u64_ceil(uint64_t a, uint64_t b, uint64_t d)
{
    uint64_t hi, lo, rem;
    uint64_t q;

    wide_mul(a, b, &hi, &lo);
    q = wide_div(hi, lo, d, &rem);
    return (rem != 0 && q != UINT64_MAX) ? q + 1 : q;
}

uint64_t wide_abs_u64(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static int64_t clamp_to_s64(uint64_t mag, bool is_negative)
{
    if (mag > (uint64_t)INT64_MAX)
        return is_negative ? INT64_MIN : INT64_MAX;
    return is_negative ? -(int64_t)mag : (int64_t)mag;
}

int64_t wide_muldiv_s64(int64_t a, int64_t b, int64_t d)
{
    bool is_negative = (a < 0) != (b < 0);

    return clamp_to_s64(wide_muldiv_u64(wide_abs_u64(a), wide_abs_u64(b), (uint64_t)d),
                        is_negative);
}

int64_t wide_muldiv_s64_floor(int64_t a, uint64_t b, uint64_t d)
{
    if (a >= 0)
        return clamp_to_s64(wide_muldiv_u64((uint64_t)a, b, d), false);
    return clamp_to_s64(wide_muldiv_u64_ceil(wide_abs_u64(a), b, d), true);
}

uint64_t wide_div_u64_u16(uint64_t n, uint16_t d, uint32_t *rem)
{
    /* Long division in 32-, 16- and 16-bit digits: every partial dividend fits 32 bits. */
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
    uint32_t q_hi = hi / d, r = hi % d;
    uint32_t part = (r << 16) | (lo >> 16);
    uint32_t q_mid = part / d;
    r = part % d;
    part = (r << 16) | (lo & 0xFFFFu);
    uint32_t q_lo = part / d;
    if (rem != NULL)
        *rem = part % d;
    return ((uint64_t)q_hi << 32) | ((uint64_t)q_mid << 16) | q_lo;
}

int64_t wide_floor_div_s64(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b) != 0 && (a < 0) != (b < 0))
        q--;
    return q;
}

uint64_t wide_isqrt_u64(uint64_t v)
{
    uint64_t r = 0;
    uint64_t bit = (uint64_t)1 << 62;

    while (bit > v)
        bit >>= 2;
    while (bit != 0) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

uint64_t wide_mul_q32(uint64_t d, uint64_t m)
{
    uint64_t d0 = (uint32_t)d, d1 = d >> 32, m0 = (uint32_t)m, m1 = m >> 32;

    return ((d1 * m1) << 32) + d1 * m0 + d0 * m1 + ((d0 * m0) >> 32);
}
