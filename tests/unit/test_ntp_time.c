/*
 * Tests for ntp_time.c: era handling around 2036-02-07 and 2038-01-19,
 * exact rounding against 128-bit reference arithmetic, short format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fakes/ntp_ref.h"
#include "ntp/ntp_time.h"

#define NS 1000000000LL

/* 2036-02-07T06:28:16Z, the first second of NTP era 1. */
#define ERA1_UNIX_S 2085978496LL
/* 2038-01-19T03:14:08Z, the first second a signed 32-bit time_t cannot hold. */
#define Y2038_UNIX_S 2147483648LL


static uint64_t rng_state = 0x243F6A8885A308D3ull;

static uint64_t rng64(void)
{
    /* splitmix64: deterministic test inputs */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void test_unix_epoch(void **state)
{
    (void)state;
    assert_int_equal(ntp_time_ts_from_unix_ns(0), (uint64_t)2208988800u << 32);
    assert_int_equal(ntp_time_ts_from_unix_ns(500000000),
                     ((uint64_t)2208988800u << 32) | 0x80000000u);
    assert_int_equal(ntp_time_era(0), 0);
}

static void test_era_boundary_2036(void **state)
{
    (void)state;
    int64_t t = ERA1_UNIX_S * NS;

    /* The last nanosecond of era 0 rounds to the top of the fraction, not over it. */
    assert_int_equal(ntp_time_ts_from_unix_ns(t - 1), 0xFFFFFFFFFFFFFFFCull);
    assert_int_equal(ntp_time_era(t - 1), 0);
    assert_int_equal(ntp_time_ts_from_unix_ns(t), 0);
    assert_int_equal(ntp_time_era(t), 1);
    assert_int_equal(ntp_time_ts_from_unix_ns(t + NS + NS / 4), (1ull << 32) | 0x40000000u);

    /* Back to unix ns: the era follows the pivot. */
    int64_t pivot_2030 = (ERA1_UNIX_S - 6LL * 365 * 86400) * NS;
    int64_t pivot_2040 = (ERA1_UNIX_S + 4LL * 365 * 86400) * NS;
    assert_int_equal(ntp_time_ts_to_unix_ns(0, pivot_2030), t);
    assert_int_equal(ntp_time_ts_to_unix_ns(0, pivot_2040), t);
    assert_int_equal(ntp_time_ts_to_unix_ns(0xFFFFFFFFFFFFFFFCull, pivot_2040), t - 1);
    assert_int_equal(ntp_time_ts_to_unix_ns((1ull << 32) | 0x40000000u, pivot_2030),
                     t + NS + NS / 4);
    /* A pivot in 1950 is nearer 1900 than 2036: era 0's start. */
    assert_int_equal(ntp_time_ts_to_unix_ns(0, -20LL * 365 * 86400 * NS),
                     -NTP_TIME_UNIX_OFFSET_S * NS);
}

static void test_y2038(void **state)
{
    (void)state;
    int64_t t = Y2038_UNIX_S * NS;
    uint64_t ts = ntp_time_ts_from_unix_ns(t);

    /* 2147483648 + 2208988800 - 2^32 = 61505152 = 0x03AA7E80, era 1. */
    assert_int_equal(ts, 0x03AA7E8000000000ull);
    assert_int_equal(ntp_time_era(t), 1);
    assert_int_equal(ntp_time_ts_to_unix_ns(ts, 1764097200LL * NS), t);
    assert_int_equal(ntp_time_ts_to_unix_ns(ntp_time_ts_from_unix_ns(t - 1), t), t - 1);
}

static void test_pivot_nearest(void **state)
{
    (void)state;
    int64_t now = 1764097200LL * NS;
    uint64_t ts = ntp_time_ts_from_unix_ns(now);

    /* 60 years either side of the true time still resolves to it. */
    assert_int_equal(ntp_time_ts_to_unix_ns(ts, now - 60LL * 365 * 86400 * NS), now);
    assert_int_equal(ntp_time_ts_to_unix_ns(ts, now + 60LL * 365 * 86400 * NS), now);
    /* 70 years later the nearer candidate is one era on. */
    assert_int_equal(ntp_time_ts_to_unix_ns(ts, now + 70LL * 365 * 86400 * NS),
                     now + (1LL << 32) * NS);
}

static void test_exact_random(void **state)
{
    (void)state;
    /* 1900-01-01 .. 2180 in unix ns (int64 ns ends in 2262) */
    const int64_t lo = -NTP_TIME_UNIX_OFFSET_S * NS;
    const int64_t span = (int64_t)280 * 365 * 86400 * NS;

    for (int i = 0; i < 200000; i++) {
        int64_t t = lo + (int64_t)(rng64() % (uint64_t)span);
        uint64_t ts = ntp_time_ts_from_unix_ns(t);
        if (ts != ref_ts(t))
            fail_msg("t=%lld got %016llx want %016llx", (long long)t, (unsigned long long)ts,
                     (unsigned long long)ref_ts(t));
        int64_t pivot =
            t + (int64_t)(rng64() % (60ull * 365 * 86400 * NS)) - 30LL * 365 * 86400 * NS;
        int64_t back = ntp_time_ts_to_unix_ns(ts, pivot);
        if (back != t)
            fail_msg("round trip t=%lld back=%lld", (long long)t, (long long)back);
    }
    /* Every nanosecond value of one second boundary region and fraction edges. */
    for (int64_t ns = 0; ns < 2000; ns++) {
        int64_t t = 1764097200LL * NS + ns;
        assert_int_equal(ntp_time_ts_from_unix_ns(t), ref_ts(t));
        t = 1764097200LL * NS + NS - 1 - ns;
        assert_int_equal(ntp_time_ts_from_unix_ns(t), ref_ts(t));
    }
}

static void test_split_ns(void **state)
{
    (void)state;
    uint32_t rem;

    assert_int_equal(ntp_time_split_ns(0, &rem), 0);
    assert_int_equal(rem, 0);
    assert_int_equal(ntp_time_split_ns(NS - 1, &rem), 0);
    assert_int_equal(rem, NS - 1);
    assert_int_equal(ntp_time_split_ns(NS, &rem), 1);
    assert_int_equal(rem, 0);
    assert_int_equal(ntp_time_split_ns(-1, &rem), -1);
    assert_int_equal(rem, NS - 1);
    assert_int_equal(ntp_time_split_ns(-NS, &rem), -1);
    assert_int_equal(rem, 0);
    assert_int_equal(ntp_time_split_ns(-NS - 1, &rem), -2);
    assert_int_equal(rem, NS - 1);
    assert_int_equal(ntp_time_split_ns(INT64_MAX, &rem), INT64_MAX / NS);
    assert_int_equal(rem, INT64_MAX % NS);
    assert_int_equal(ntp_time_split_ns(INT64_MIN, &rem), INT64_MIN / NS - 1);
    assert_int_equal(rem, NS + INT64_MIN % NS);
    for (int i = 0; i < 100000; i++) {
        int64_t t = (int64_t)rng64();
        int64_t s = ntp_time_split_ns(t, &rem);
        __int128 recon = (__int128)s * NS + rem;
        assert_true(recon == t);
        assert_true(rem < NS);
    }
}

static void test_saturation(void **state)
{
    (void)state;
    /* A timestamp resolved far beyond 2262 cannot be held in int64 ns. */
    int64_t pivot_max = INT64_MAX - 1;
    uint64_t ts = ntp_time_ts_from_unix_ns(pivot_max) + (0x70000000ull << 32);
    assert_int_equal(ntp_time_ts_to_unix_ns(ts, pivot_max), INT64_MAX);
    int64_t pivot_min = INT64_MIN + 1;
    ts = ntp_time_ts_from_unix_ns(pivot_min) - (0x70000000ull << 32);
    assert_int_equal(ntp_time_ts_to_unix_ns(ts, pivot_min), INT64_MIN);
}

static uint32_t ref_short_ceil(uint32_t us)
{
    return (uint32_t)(((uint64_t)us * 65536 + 999999) / 1000000);
}

static void test_short_format(void **state)
{
    (void)state;
    assert_int_equal(ntp_time_short_from_us(0), 0);
    assert_int_equal(ntp_time_short_from_us(1), 1); /* rounds up, never to zero */
    assert_int_equal(ntp_time_short_from_us(1000000), 0x00010000);
    assert_int_equal(ntp_time_short_from_us(500000), 0x00008000);
    assert_int_equal(ntp_time_short_from_us(15625), 0x00000400); /* exactly 1/64 s */
    assert_int_equal(ntp_time_short_from_us(UINT32_MAX), ref_short_ceil(UINT32_MAX));
    for (int i = 0; i < 200000; i++) {
        uint32_t us = (uint32_t)rng64();
        if (i < 1000)
            us = (uint32_t)i * 7;
        assert_int_equal(ntp_time_short_from_us(us), ref_short_ceil(us));
    }
    assert_int_equal(ntp_time_short_to_us(0x00010000), 1000000);
    assert_int_equal(ntp_time_short_to_us(0x00008000), 500000);
    assert_int_equal(ntp_time_short_to_us(1), 15);                  /* 15.26 us */
    assert_int_equal(ntp_time_short_to_us(0xFFFFFFFF), UINT32_MAX); /* 65536 s saturates */
    for (uint32_t us = 0; us < 2000000; us += 997)
        assert_true(ntp_time_short_to_us(ntp_time_short_from_us(us)) - us <= 15);
}

static void test_put_get(void **state)
{
    (void)state;
    uint8_t b[10];

    memset(b, 0xEE, sizeof(b));
    ntp_time_put_ts(b + 1, 0x0123456789ABCDEFull);
    const uint8_t want[10] = { 0xEE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xEE };
    assert_memory_equal(b, want, sizeof(want));
    assert_int_equal(ntp_time_get_ts(b + 1), 0x0123456789ABCDEFull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_epoch),   cmocka_unit_test(test_era_boundary_2036),
        cmocka_unit_test(test_y2038),        cmocka_unit_test(test_pivot_nearest),
        cmocka_unit_test(test_exact_random), cmocka_unit_test(test_split_ns),
        cmocka_unit_test(test_saturation),   cmocka_unit_test(test_short_format),
        cmocka_unit_test(test_put_get),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
