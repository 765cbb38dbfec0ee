/*
 * Wide arithmetic (lib/wide.c) against the host compiler's 128-bit
 * integers, for random operands of every size and for the limits
 * (saturation, rounding direction, negative operands).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/wide.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* xorshift64*, then cut to a random bit length so small and large values both come up. */
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t v = rng_state * 2685821657736338717u;
    unsigned bits = (unsigned)(v >> 58) + 1u; /* 1..64 */
    return bits >= 64u ? v : v & (((uint64_t)1 << bits) - 1u);
}

static uint64_t sat_u(u128 v)
{
    return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static int64_t sat_s(s128 v)
{
    if (v > INT64_MAX)
        return INT64_MAX;
    if (v < INT64_MIN)
        return INT64_MIN;
    return (int64_t)v;
}

static void test_mul_and_div(void **unused)
{
    (void)unused;
    for (int i = 0; i < 20000; i++) {
        uint64_t a = rnd(), b = rnd(), d = rnd(), hi, lo, rem;
        u128 p = (u128)a * b;

        wide_mul(a, b, &hi, &lo);
        assert_true(hi == (uint64_t)(p >> 64) && lo == (uint64_t)p);
        if (d == 0)
            d = 1;
        uint64_t q = wide_div(hi, lo, d, &rem);
        if (p / d > UINT64_MAX) {
            assert_true(q == UINT64_MAX && rem == 0);
        } else {
            assert_true(q == (uint64_t)(p / d) && rem == (uint64_t)(p % d));
        }
        assert_true(wide_muldiv_u64(a, b, d) == sat_u(p / d));
        assert_true(wide_muldiv_u64_ceil(a, b, d) == sat_u((p + d - 1u) / d));
    }
    assert_true(wide_div(0, 5, 0, NULL) == UINT64_MAX);
}

static void test_signed(void **unused)
{
    (void)unused;
    for (int i = 0; i < 20000; i++) {
        int64_t a = (int64_t)rnd(), b = (int64_t)rnd();
        uint64_t ub = rnd() | 1u, d = rnd() | 1u;

        if (i & 1)
            a = -a;
        if (i & 2)
            b = -b;
        s128 p = (s128)a * b;
        assert_true(wide_muldiv_s64(a, b, (int64_t)(d >> 1) | 1) ==
                    sat_s(p / (s128)((d >> 1) | 1)));

        s128 pf = (s128)a * (s128)ub;
        s128 qf = pf / (s128)d;
        if (pf % (s128)d != 0 && pf < 0)
            qf--;
        assert_true(wide_muldiv_s64_floor(a, ub, d) == sat_s(qf));
    }
    assert_true(wide_muldiv_s64(INT64_MIN, 1, 1) == INT64_MIN);
    assert_true(wide_muldiv_s64(INT64_MAX, 4, 2) == INT64_MAX);
    assert_true(wide_muldiv_s64(-7, 1, 2) == -3);
    assert_true(wide_muldiv_s64_floor(-7, 1, 2) == -4);
}

static void test_small_helpers(void **unused)
{
    (void)unused;
    assert_true(wide_floor_div_s64(7, 2) == 3);
    assert_true(wide_floor_div_s64(-7, 2) == -4);
    assert_true(wide_floor_div_s64(-8, 2) == -4);
    assert_true(wide_floor_div_s64(7, -2) == -4);
    assert_true(wide_abs_u64(INT64_MIN) == (uint64_t)1 << 63);
    assert_true(wide_abs_u64(-5) == 5u);
    for (int i = 0; i < 20000; i++) {
        uint64_t v = rnd();
        uint64_t r = wide_isqrt_u64(v);
        assert_true((u128)r * r <= v && (u128)(r + 1u) * (r + 1u) > v);
    }
    assert_true(wide_isqrt_u64(UINT64_MAX) == UINT32_MAX);
    for (int i = 0; i < 20000; i++) {
        uint64_t d = rnd(), m = rnd() & 0xFFFFFFFFFFFFFFu; /* m >> 32 < 2^32 */
        u128 exact = ((u128)d * m) >> 32;
        uint64_t got = wide_mul_q32(d, m);
        if (exact <= UINT64_MAX)
            assert_true(got <= (uint64_t)exact && (uint64_t)exact - got <= 2u);
    }
}

/* The 64 / 16-bit division the main loop's passes use instead of the library's (no __aeabi call). */
static void test_div_u64_u16(void **unused)
{
    (void)unused;
    static const uint16_t ds[] = { 1, 2, 3, 7, 1000, 0x8000, 0xFFFF };
    for (size_t k = 0; k < sizeof(ds) / sizeof(ds[0]); k++) {
        uint32_t rem;
        assert_true(wide_div_u64_u16(UINT64_MAX, ds[k], &rem) == UINT64_MAX / ds[k]);
        assert_true(rem == UINT64_MAX % ds[k]);
        assert_true(wide_div_u64_u16(0, ds[k], NULL) == 0);
        for (int i = 0; i < 20000; i++) {
            uint64_t n = rnd() >> (i % 64);
            assert_true(wide_div_u64_u16(n, ds[k], &rem) == n / ds[k]);
            assert_true(rem == n % ds[k]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mul_and_div),
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_small_helpers),
        cmocka_unit_test(test_div_u64_u16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
