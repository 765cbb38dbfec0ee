/*
 * The one-step transmit stamp's arithmetic (hal/ethstamp/ethstamp.h), the
 * part both Ethernet drivers run between the counter read and the write
 * that starts transmission: the stamp's value from the raw reading, its
 * FIFO words, and the UDP checksum completed for it, against a plain
 * reference (RFC 768 / RFC 1071 in big-endian 16-bit words), including the
 * checksum that comes out 0 and the floor. The drivers' FIFO handling is
 * tested on the chip model (test_lm3s6965_bringup.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "ethstamp/ethstamp.h"

/* The SysTick semantics of hal/cortexm/systick.c: a 24-bit down counter; "now" is set by tests. */
static uint64_t now_ticks;

uint32_t timer_raw_at(uint64_t ticks)
{
    return ~(uint32_t)ticks & 0x00FFFFFFu;
}

uint32_t timer_raw_elapsed(uint32_t from, uint32_t to)
{
    return (from - to) & 0x00FFFFFFu;
}

uint32_t timer_raw(void)
{
    return timer_raw_at(now_ticks);
}

static uint64_t rnd64(void)
{
    return ((uint64_t)(uint32_t)rand() << 33) ^ ((uint64_t)(uint32_t)rand() << 11) ^
           (uint32_t)rand();
}

static uint16_t ones_add(uint16_t a, uint16_t b)
{
    uint32_t s = (uint32_t)a + b;
    return (uint16_t)((s & 0xFFFFu) + (s >> 16));
}

static uint16_t swap16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

/*
 * Runs prepare (at prep_ticks) and finish (at read_ticks) as a driver does; returns the stamp
 * and fills the FIFO words.
 */
static uint64_t run_at(const struct eth_tx_stamp *st, uint32_t ulen_w, uint64_t prep_ticks,
                       uint64_t read_ticks, uint32_t *w_csum, uint32_t *w_hi, uint32_t *w_lo)
{
    struct ethstamp p;
    uint32_t d;
    now_ticks = prep_ticks;
    ethstamp_prepare(&p, st);
    *w_csum = ethstamp_finish(p.raw_base, p.per_tick_q16, p.base_lo, p.base_hi, p.keep_mask,
                              p.low_bits, p.sum, timer_raw_at(read_ticks), ulen_w, w_hi, w_lo, &d);
    assert_true(p.anchor_ticks + d == (uint32_t)(read_ticks - st->base_ticks));
    uint64_t v = ethstamp_value(*w_hi, *w_lo);
    /* The FIFO words are the stamp's big-endian bytes as a little-endian host loads them. */
    assert_true(*w_hi == __builtin_bswap32((uint32_t)(v >> 32)));
    assert_true(*w_lo == __builtin_bswap32((uint32_t)v));
    return v;
}

/* As run_at(), prepared at base_ticks. */
static uint64_t run(const struct eth_tx_stamp *st, uint32_t ulen_w, uint64_t read_ticks,
                    uint32_t *w_csum, uint32_t *w_hi, uint32_t *w_lo)
{
    return run_at(st, ulen_w, st->base_ticks, read_ticks, w_csum, w_hi, w_lo);
}

/* The checksum field (big-endian) for csum_base and the stamp v, 0 sent as 0xFFFF. */
static uint16_t ref_field(uint16_t csum_base, uint64_t v)
{
    uint16_t s = csum_base;
    for (int sh = 48; sh >= 0; sh -= 16) {
        s = ones_add(s, (uint16_t)(v >> sh));
    }
    uint16_t c = (uint16_t)~s;
    return c == 0 ? 0xFFFFu : c;
}

static void test_matches_reference(void **unused)
{
    (void)unused;
    srand(7);
    for (int i = 0; i < 200000; i++) {
        struct eth_tx_stamp st = { 0 };
        st.base_ticks = rnd64();
        st.base = rnd64();
        st.per_tick_q16 = (uint32_t)rand() & 0x00FFFFFFu; /* up to 256 units a tick */
        int bits = rand() % 33;
        st.low_mask = bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
        st.low_bits = (uint32_t)rand();
        st.min = st.base - (rnd64() >> 1); /* below: it never binds here */
        st.csum_base = (uint16_t)rand();
        uint64_t read = st.base_ticks + ((uint32_t)rand() & 0x7FFFFFu);
        uint32_t ulen_w = (uint32_t)rand() & 0xFFFFu, wc, hi, lo;
        uint64_t v =
            run_at(&st, ulen_w, st.base_ticks + (read - st.base_ticks) / 2u, read, &wc, &hi, &lo);
        uint64_t want = st.base + ((((read - st.base_ticks) & 0xFFFFFFu) * st.per_tick_q16) >> 16);
        want = (want & ~(uint64_t)st.low_mask) | (st.low_bits & st.low_mask);
        assert_true(v == want);
        assert_int_equal(wc & 0xFFFFu, ulen_w);
        assert_int_equal(swap16((uint16_t)(wc >> 16)), ref_field(st.csum_base, v));
    }
}

static void test_zero_checksum_goes_as_all_ones(void **unused)
{
    (void)unused;
    srand(11);
    for (int i = 0; i < 2000; i++) {
        struct eth_tx_stamp st = { 0 };
        st.base_ticks = rnd64();
        st.base = rnd64();
        st.per_tick_q16 = 5629500u;
        st.min = st.base - 1000u;
        uint64_t read = st.base_ticks + (uint32_t)(rand() % 100000);
        uint32_t wc, hi, lo;
        uint64_t v = run(&st, 0, read, &wc, &hi, &lo);
        /* A base that makes the whole sum 0xFFFF: the complement 0 goes as 0xFFFF. */
        uint16_t s = 0;
        for (int sh = 48; sh >= 0; sh -= 16) {
            s = ones_add(s, (uint16_t)(v >> sh));
        }
        st.csum_base = (uint16_t)~s;
        assert_true(run(&st, 0, read, &wc, &hi, &lo) == v);
        assert_int_equal(wc >> 16, 0xFFFFu);
    }
}

static void test_floor(void **unused)
{
    (void)unused;
    struct eth_tx_stamp st = {
        .base_ticks = 1000,
        .base = 0xECD07B3000001000ull,
        .per_tick_q16 = 5629500u, /* 85.9 units a tick */
        .low_mask = 0x7Fu,
        .low_bits = 0x00u,
        .min = 0xECD07B3000001234ull, /* the previous stamp + 1, above what the read gives */
    };
    uint32_t wc, hi, lo;
    uint64_t v = run(&st, 0, 1001, &wc, &hi, &lo);
    assert_true(v >= st.min && v - st.min < 0x100u);
    /* A line anchored at the request's arrival (the fast path) with a floor from a stamp made
     * since: the floor does not bind where the time has passed it by the read ... */
    st.min = st.base + 100u * 86u; /* 100 ticks after base_ticks */
    v = run_at(&st, 0, 1000 + 200, 1000 + 250, &wc, &hi, &lo);
    assert_true(v == ((st.base + ((250u * 5629500ull) >> 16)) & ~0x7Full));
    /* ... and where it does, the stamp is the floor plus the time from prepare to read, not
     * the floor plus the time since the line's anchor. */
    st.min = st.base + 300u * 86u;
    v = run_at(&st, 0, 1000 + 200, 1000 + 250, &wc, &hi, &lo);
    assert_true(v >= st.min && v - st.min <= 0x7Fu + ((50u * 5629500ull) >> 16));
    /* Across the 2036 era wrap the comparison is modulo 2^64: a floor just below 2^64 and a
     * stamp just after the wrap do not bind. */
    st.base = 0x10u;
    st.min = 0xFFFFFFFFFFFFFF00ull;
    v = run(&st, 0, 1001, &wc, &hi, &lo);
    assert_true(v < 0x1000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_zero_checksum_goes_as_all_ones),
        cmocka_unit_test(test_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
