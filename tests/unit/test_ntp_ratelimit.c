/*
 * Tests for ratelimit.c and its use by the server: simulated monotonic
 * time, the client patterns the defaults must never limit, an abuser, the
 * Kiss-o'-Death reply, LRU eviction under many addresses, top clients.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "fakes/ntp_requests.h"
#include "ntp/ntp.h"
#include "ntp/ntp_time.h"
#include "ntp/ratelimit.h"

#define NS             1000000000LL
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define T0_S           1764097200LL

static struct ratelimit rl;
static struct ntp_server srv;

static const struct ntp_clock_info ci_ok = {
    .synced = true,
    .leap = 0,
    .precision_log2 = -20,
    .ref_ns = (T0_S - 60) * NS,
    .root_disp_us = 500,
};

static uint32_t rng = 0xC0FFEE11u;

static uint32_t rand32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int setup(void **state)
{
    (void)state;
    ratelimit_init(&rl, 0x1234567u);
    ntp_server_init(&srv, 777);
    rng = 0xC0FFEE11u;
    return 0;
}

/* One request through the server from ip at mono_ms; returns handle()'s result. */
static int ask(uint32_t ip, uint64_t mono_ms, const uint8_t *req, size_t len, uint8_t *out,
               struct ntp_reply *rep)
{
    struct ntp_request rq = {
        .data = req,
        .len = len,
        .src_ip = ip,
        .src_port = 123,
        .rx_ts = ntp_time_ts_from_unix_ns(T0_S * NS + (int64_t)mono_ms * 1000000),
        .mono_ms = mono_ms,
    };
    return ntp_server_handle(&srv, &rq, &ci_ok, out, 512, rep);
}

static void test_defaults_and_validation(void **state)
{
    (void)state;
    struct ratelimit_params p;

    ratelimit_get_params(&rl, &p);
    assert_true(p.enabled);
    assert_int_equal(p.interval_log2, RATELIMIT_DEFAULT_INTERVAL_LOG2);
    assert_int_equal(p.interval_log2, -2);
    assert_int_equal(p.burst, 64);
    assert_int_equal(p.leak_log2, 2);

    struct ratelimit_params bad = p;
    bad.interval_log2 = -4;
    assert_int_equal(ratelimit_set_params(&rl, &bad), -EINVAL);
    bad.interval_log2 = 13;
    assert_int_equal(ratelimit_set_params(&rl, &bad), -EINVAL);
    bad = p;
    bad.burst = 0;
    assert_int_equal(ratelimit_set_params(&rl, &bad), -EINVAL);
    bad.burst = RATELIMIT_BURST_MAX + 1;
    assert_int_equal(ratelimit_set_params(&rl, &bad), -EINVAL);
    bad = p;
    bad.leak_log2 = RATELIMIT_LEAK_LOG2_MAX + 1;
    assert_int_equal(ratelimit_set_params(&rl, &bad), -EINVAL);
    assert_int_equal(ntp_server_set_ratelimit(&srv, &bad), -EINVAL);
    ratelimit_get_params(&rl, &p);
    assert_int_equal(p.burst, 64); /* unchanged */
    bad = p;
    bad.interval_log2 = 3;
    bad.burst = 8;
    assert_int_equal(ntp_server_set_ratelimit(&srv, &bad), 0);
    ntp_server_get_ratelimit(&srv, &p);
    assert_int_equal(p.interval_log2, 3);
    assert_int_equal(p.burst, 8);
}

static void test_exact_bucket(void **state)
{
    (void)state;
    struct ratelimit_params p = { .enabled = true, .interval_log2 = 0, .burst = 3, .leak_log2 = 0 };
    const uint32_t ip = IP(10, 0, 0, 1);

    assert_int_equal(ratelimit_set_params(&rl, &p), 0);
    /* Three back to back, the fourth is over; leak 0 makes every one a KoD. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_check(&rl, ip, 5000, rand32()), RATELIMIT_PASS);
    assert_int_equal(ratelimit_check(&rl, ip, 5000, rand32()), RATELIMIT_KOD);
    /* One token per second comes back, not earlier. */
    assert_int_equal(ratelimit_check(&rl, ip, 5999, rand32()), RATELIMIT_KOD);
    assert_int_equal(ratelimit_check(&rl, ip, 6000, rand32()), RATELIMIT_PASS);
    assert_int_equal(ratelimit_check(&rl, ip, 6000, rand32()), RATELIMIT_KOD);
    /* Idle for long: a full burst, never more. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_check(&rl, ip, 1000000, rand32()), RATELIMIT_PASS);
    assert_int_equal(ratelimit_check(&rl, ip, 1000000, rand32()), RATELIMIT_KOD);
    /* With leak 3, the sample is 1 in 8 by the random number's low bits. */
    p.leak_log2 = 3;
    assert_int_equal(ratelimit_set_params(&rl, &p), 0);
    assert_int_equal(ratelimit_check(&rl, ip, 1000000, 8), RATELIMIT_KOD);
    assert_int_equal(ratelimit_check(&rl, ip, 1000000, 9), RATELIMIT_DROP);

    struct ratelimit_client top[1];
    assert_int_equal(ratelimit_top(&rl, top, 1), 1);
    assert_int_equal(top[0].ip, ip);
    assert_int_equal(top[0].requests, 13);
    assert_int_equal(top[0].limited, 6);
}

static void test_stripchart_never_limited(void **state)
{
    (void)state;
    /* w32tm /stripchart: one request every 2 s, for 4 hours. */
    for (uint64_t t = 0; t < 4 * 3600 * 1000ull; t += 2000)
        assert_int_equal(ratelimit_check(&rl, IP(192, 168, 1, 20), 1000 + t, rand32()),
                         RATELIMIT_PASS);
}

static void test_bursts_never_limited(void **state)
{
    (void)state;
    const uint32_t ntpd = IP(192, 168, 1, 21), chrony = IP(192, 168, 1, 22),
                   w32tm = IP(192, 168, 1, 23);

    /* Restarted every 5 minutes for 2 hours: ntpd iburst (8 at 2 s, then 64 s polls),
     * chrony iburst (4 within 2 s, then 64 s), w32tm /resync (6 within 1 s, then 2 s polls). */
    for (uint64_t start = 0; start < 2 * 3600 * 1000ull; start += 300000) {
        for (int i = 0; i < 8; i++)
            assert_int_equal(ratelimit_check(&rl, ntpd, start + (uint64_t)i * 2000, rand32()),
                             RATELIMIT_PASS);
        for (uint64_t t = start + 16000; t < start + 300000; t += 64000)
            assert_int_equal(ratelimit_check(&rl, ntpd, t, rand32()), RATELIMIT_PASS);
        for (int i = 0; i < 4; i++)
            assert_int_equal(ratelimit_check(&rl, chrony, start + (uint64_t)i * 600, rand32()),
                             RATELIMIT_PASS);
        for (uint64_t t = start + 64000; t < start + 300000; t += 64000)
            assert_int_equal(ratelimit_check(&rl, chrony, t, rand32()), RATELIMIT_PASS);
        for (int i = 0; i < 6; i++)
            assert_int_equal(ratelimit_check(&rl, w32tm, start + (uint64_t)i * 150, rand32()),
                             RATELIMIT_PASS);
        for (uint64_t t = start + 2000; t < start + 300000; t += 2000)
            assert_int_equal(ratelimit_check(&rl, w32tm, t, rand32()), RATELIMIT_PASS);
    }
}

/* n clients behind one NAT address, each polling every 64 s with random phase and jitter. */
static void run_nat(int n, uint64_t duration_ms)
{
    uint64_t next[256];
    const uint32_t nat = IP(198, 51, 100, 7);
    uint32_t requests = 0;

    assert_true(n <= 256);
    for (int i = 0; i < n; i++)
        next[i] = rand32() % 64000;
    for (;;) {
        int k = 0;
        for (int i = 1; i < n; i++)
            if (next[i] < next[k])
                k = i;
        if (next[k] >= duration_ms)
            break;
        if (ratelimit_check(&rl, nat, next[k], rand32()) != RATELIMIT_PASS)
            fail_msg("%d NAT'd clients: limited at request %u, t=%llu ms", n, requests,
                     (unsigned long long)next[k]);
        requests++;
        /* 64 s +- 0.5 s: clients' clocks and scheduling drift apart. */
        next[k] += 63500 + rand32() % 1000;
    }
    assert_true(requests > (uint32_t)n * (duration_ms / 64000) * 9 / 10);
}

static void test_nat_100_clients_never_limited(void **state)
{
    (void)state;
    run_nat(100, 3 * 3600 * 1000ull);
}

static void test_nat_200_clients_never_limited(void **state)
{
    (void)state;
    run_nat(200, 3600 * 1000ull);
}

static void test_abuser_limited_with_kod_share(void **state)
{
    (void)state;
    const uint32_t abuser = IP(203, 0, 113, 9), neighbour = IP(203, 0, 113, 10);
    uint8_t out[512];
    struct ntp_reply rep;
    uint32_t replies = 0, kods = 0, drops = 0;

    /* 100 requests/s for 60 s, and a stripchart next door all the while. */
    for (uint64_t t = 0; t < 60000; t += 10) {
        int rc = ask(abuser, 1000 + t, req_chrony, sizeof(req_chrony), out, &rep);
        if (rc == 0 && out[1] == 0) {
            kods++;
            assert_int_equal(rep.len, 48);
            assert_true(rep.stamp_tx);
            assert_memory_equal(out + 12, "RATE", 4);
        } else if (rc == 0) {
            replies++;
        } else {
            assert_int_equal(rc, -EAGAIN);
            assert_int_equal(rep.len, 0);
            drops++;
        }
        if (t % 2000 == 0)
            assert_int_equal(ask(neighbour, 1000 + t, req_w32tm_stripchart, 48, out, &rep), 0);
    }
    /* Burst 64, then 4/s: 64 + 240 replies, give or take the first token. */
    assert_in_range(replies, 302, 305);
    uint32_t limited = kods + drops;
    assert_int_equal(limited, 6000 - replies);
    /* One in four sampled (leak 2): 1424 expected, sd 33. */
    assert_in_range(kods, limited / 4 - 150, limited / 4 + 150);

    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.kod_sent, kods);
    assert_int_equal(c.drop_ratelimit, drops);
    assert_int_equal(c.replied_mode4, replies + 30);

    struct ratelimit_client top[4];
    assert_int_equal(ntp_server_top_clients(&srv, top, 4), 2);
    assert_int_equal(top[0].ip, abuser);
    assert_int_equal(top[0].requests, 6000);
    assert_int_equal(top[0].limited, limited);
    assert_int_equal(top[1].ip, neighbour);
    assert_int_equal(top[1].requests, 30);
    assert_int_equal(top[1].limited, 0);

    /* Quiet for 16 s (64 tokens at 4/s): a whole burst again. */
    for (int i = 0; i < 64; i++)
        assert_int_equal(ask(abuser, 1000 + 60000 + 16000, req_chrony, 48, out, &rep), 0);
}

static void test_kod_literal(void **state)
{
    (void)state;
    struct ratelimit_params p = { .enabled = true, .interval_log2 = 4, .burst = 1, .leak_log2 = 0 };
    uint8_t out[512];
    struct ntp_reply rep;

    assert_int_equal(ntp_server_set_ratelimit(&srv, &p), 0);
    assert_int_equal(ask(IP(192, 0, 2, 1), 1000, req_chrony, 48, out, &rep), 0);
    assert_int_equal(out[1], 1);
    memset(out, 0x5A, sizeof(out));
    /* rx = T0 + 1.5 s (ask() maps mono_ms onto rx_ts). */
    assert_int_equal(ask(IP(192, 0, 2, 1), 1500, req_chrony, 48, out, &rep), 0);
    static const uint8_t
        want[48] = {
            0xE4, 0x00, 0x06, 0xEC, /* LI 3 VN 4 mode 4, stratum 0 (kiss), poll echoed, precision */
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 'R',  'A',
            'T',  'E',  0,    0,    0,    0,    0,    0,    0,    0,
            0x5C, 0x3A, 0x91, 0x07, 0xE2, 0x4D, 0x18, 0xB6, /* originate = chrony's random transmit */
            0xEC, 0xD0, 0x7B, 0x31, 0x80, 0x00, 0x00, 0x00, 0xEC, 0xD0,
            0x7B, 0x31, 0x80, 0x00, 0x00, 0x00,
        };
    static const uint8_t fuzz[48] = { [38] = 0x0F, [39] = 0xFF, [46] = 0x0F, [47] = 0xFF };
    assert_int_equal(rep.len, 48);
    assert_true(rep.stamp_tx);
    for (int i = 0; i < 48; i++)
        if ((out[i] & ~fuzz[i]) != want[i])
            fail_msg("byte %d: got %02x want %02x", i, out[i], want[i]);
    assert_int_equal(out[48], 0x5A);

    /* A symmetric active peer over the limit gets a mode 2 kiss, its own version. */
    assert_int_equal(ask(IP(192, 0, 2, 1), 1600, req_win_mode1_first, 48, out, &rep), 0);
    assert_int_equal(out[0], 0xDA);
    assert_int_equal(out[1], 0);
    assert_memory_equal(out + 12, "RATE", 4);
    assert_memory_equal(out + 24, req_win_mode1_first + 40, 8);
}

static void test_disabled_passes_but_counts(void **state)
{
    (void)state;
    struct ratelimit_params p;
    ratelimit_get_params(&rl, &p);
    p.enabled = false;
    assert_int_equal(ratelimit_set_params(&rl, &p), 0);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(ratelimit_check(&rl, IP(10, 9, 8, 7), 1000, rand32()), RATELIMIT_PASS);
    struct ratelimit_client top[1];
    assert_int_equal(ratelimit_top(&rl, top, 1), 1);
    assert_int_equal(top[0].requests, 10000);
    assert_int_equal(top[0].limited, 0);
}

static void test_eviction_keeps_table_bounded(void **state)
{
    (void)state;
    const uint32_t abuser = IP(203, 0, 113, 66);
    uint32_t abuser_passed = 0;

    /* 10000 distinct addresses at 1000/s, an abuser at 100/s in between. */
    for (uint32_t i = 0; i < 10000; i++) {
        uint64_t t = 1000 + i;
        assert_int_equal(ratelimit_check(&rl, IP(100, 64, 0, 0) + i, t, rand32()), RATELIMIT_PASS);
        assert_true(ratelimit_count(&rl) <= RATELIMIT_TABLE_SIZE);
        if (i % 10 == 0 && ratelimit_check(&rl, abuser, t, rand32()) == RATELIMIT_PASS)
            abuser_passed++;
    }
    assert_int_equal(ratelimit_count(&rl), RATELIMIT_TABLE_SIZE);
    /* The abuser stayed in the table (recently used) and stayed limited: 64 + 4/s * 10 s. */
    assert_in_range(abuser_passed, 100, 106);
    assert_int_equal(ratelimit_evictions(&rl), 10000 + 1 - RATELIMIT_TABLE_SIZE);

    struct ratelimit_client top[3];
    assert_int_equal(ratelimit_top(&rl, top, 3), 3);
    assert_int_equal(top[0].ip, abuser);
    assert_int_equal(top[0].requests, 1000);
    assert_int_equal(top[0].limited, 1000 - abuser_passed);
    /* Ties (one request each) in address order; only the newest 255 remain. */
    assert_int_equal(top[1].requests, 1);
    assert_int_equal(top[1].ip, IP(100, 64, 0, 0) + 10000 - (RATELIMIT_TABLE_SIZE - 1));
    assert_int_equal(top[2].ip, top[1].ip + 1);
}

static void test_lru_evicts_least_recent(void **state)
{
    (void)state;
    struct ratelimit_client top[RATELIMIT_TABLE_SIZE];

    for (uint32_t i = 0; i < RATELIMIT_TABLE_SIZE; i++)
        ratelimit_check(&rl, IP(10, 0, 0, 0) + i, 1000 + i, rand32());
    /* Address 0 is the oldest; touching it makes address 1 the oldest. */
    ratelimit_check(&rl, IP(10, 0, 0, 0), 5000, rand32());
    ratelimit_check(&rl, IP(10, 1, 0, 0), 5001, rand32());
    assert_int_equal(ratelimit_count(&rl), RATELIMIT_TABLE_SIZE);
    assert_int_equal(ratelimit_evictions(&rl), 1);
    size_t n = ratelimit_top(&rl, top, RATELIMIT_TABLE_SIZE);
    assert_int_equal(n, RATELIMIT_TABLE_SIZE);
    bool have0 = false, have1 = false, have_new = false;
    for (size_t i = 0; i < n; i++) {
        have0 |= top[i].ip == IP(10, 0, 0, 0);
        have1 |= top[i].ip == IP(10, 0, 0, 1);
        have_new |= top[i].ip == IP(10, 1, 0, 0);
    }
    assert_true(have0);
    assert_false(have1);
    assert_true(have_new);
    assert_int_equal(top[0].ip, IP(10, 0, 0, 0));
    assert_int_equal(top[0].requests, 2);

    /* A returning evicted client starts afresh with a full bucket. */
    assert_int_equal(ratelimit_check(&rl, IP(10, 0, 0, 1), 6000, rand32()), RATELIMIT_PASS);
    ratelimit_clear(&rl);
    assert_int_equal(ratelimit_count(&rl), 0);
    assert_int_equal(ratelimit_top(&rl, top, 4), 0);
}

static void test_top_ordering(void **state)
{
    (void)state;
    struct ratelimit_client top[3];
    const uint32_t counts[] = { 5, 9, 1, 9, 7 };

    for (uint32_t i = 0; i < 5; i++)
        for (uint32_t k = 0; k < counts[i]; k++)
            ratelimit_check(&rl, IP(172, 16, 0, 10 - i), 1000 + k * 1000, rand32());
    assert_int_equal(ratelimit_top(&rl, top, 0), 0);
    assert_int_equal(ratelimit_top(&rl, top, 3), 3);
    /* 9 (172.16.0.7), 9 (172.16.0.9), 7 (172.16.0.6) */
    assert_int_equal(top[0].ip, IP(172, 16, 0, 7));
    assert_int_equal(top[0].requests, 9);
    assert_int_equal(top[1].ip, IP(172, 16, 0, 9));
    assert_int_equal(top[1].requests, 9);
    assert_int_equal(top[2].ip, IP(172, 16, 0, 6));
    assert_int_equal(top[2].requests, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults_and_validation, setup),
        cmocka_unit_test_setup(test_exact_bucket, setup),
        cmocka_unit_test_setup(test_stripchart_never_limited, setup),
        cmocka_unit_test_setup(test_bursts_never_limited, setup),
        cmocka_unit_test_setup(test_nat_100_clients_never_limited, setup),
        cmocka_unit_test_setup(test_nat_200_clients_never_limited, setup),
        cmocka_unit_test_setup(test_abuser_limited_with_kod_share, setup),
        cmocka_unit_test_setup(test_kod_literal, setup),
        cmocka_unit_test_setup(test_disabled_passes_but_counts, setup),
        cmocka_unit_test_setup(test_eviction_keeps_table_bounded, setup),
        cmocka_unit_test_setup(test_lru_evicts_least_recent, setup),
        cmocka_unit_test_setup(test_top_ordering, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
