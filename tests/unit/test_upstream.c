/*
 * Tests of the upstream NTP client logic (firmware/ntp/upstream) with a
 * simulated server: a good server, bogus and refused replies (wrong
 * originate or source, LI 3, stratum 0 kiss codes, stratum 16, zero
 * timestamps, root distance, negative delay), lost replies, inconsistent
 * samples, the SET / STEP / SLEW / REFUSE decision, era 1 (after 2036),
 * the millisecond counter wrapping, and the summary text. With a key:
 * the signed request and a signed reply byte for byte against MACs
 * computed by Python (fakes/upstream_auth_vectors.h), rounds with each key
 * type, unsigned replies, crypto-NAKs, other key ids and bad digests
 * refused without using up the request, forged kiss codes ignored, and a
 * key that is missing (or removed mid-round) refusing the round with
 * nothing sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "fakes/upstream_auth_vectors.h"
#include "ntp/ntp_auth.h"
#include "ntp/ntp_time.h"
#include "ntp/upstream.h"

#define NS_PER_MS         1000000LL
#define NS_PER_S          1000000000LL
#define SERVER_ADDR       0x0A000001u /* compared as is */
#define STEP_MS           50u         /* simulation step */
#define OFF_TEST_TRANSMIT 40          /* transmit timestamp in the header */

#define T_2026_11_25_184000_S 1795632000LL
#define T_2040_01_01_S        2208988800LL
#define T_ERA1_START_S        2085978496LL /* 2036-02-07T06:28:16Z */

/* One simulated reply: how the server and the network behave for it. */
struct reply_plan {
    bool is_lost;
    int64_t offset_ns; /* server time minus local time */
    int64_t out_ns;    /* network delay to the server */
    int64_t back_ns;   /* network delay back */
    int64_t proc_ns;   /* server processing, T3 - T2 */
    uint8_t li, vn, mode, stratum;
    const char *refid;   /* 4 characters */
    uint32_t root_delay; /* NTP short format */
    uint32_t root_disp;
    bool is_bad_origin, is_zero_transmit, is_zero_receive;
    const struct ntp_key *sign_key; /* signs the reply (header, key id, digest), NULL: unsigned */
};

static struct upstream_config cfg;
static struct upstream up;
static uint32_t now_ms;
static int64_t now_ns; /* the local time of day */
static uint64_t rng_state;
static size_t sent_len; /* of the last request upstream_poll built */

static uint64_t next_random(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state;
}

static struct reply_plan good(int64_t offset_ns)
{
    return (struct reply_plan){
        .offset_ns = offset_ns,
        .out_ns = 400000,
        .back_ns = 400000,
        .proc_ns = 20000,
        .li = 0,
        .vn = 4,
        .mode = 4,
        .stratum = 2,
        .refid = "GPS\0",
        .root_delay = 0x00000100,
        .root_disp = 0x00000200,
    };
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * The server's answer to req sent at local time t1, in rep (room for
 * UPSTREAM_PACKET_MAX bytes if the plan signs); *t4 gets its local arrival
 * time. Returns its length.
 */
static size_t serve(const struct reply_plan *p, const uint8_t *req, int64_t t1, uint8_t *rep,
                    int64_t *t4)
{
    int64_t t2 = t1 + p->out_ns + p->offset_ns;
    int64_t t3 = t2 + p->proc_ns;
    *t4 = t1 + p->out_ns + p->proc_ns + p->back_ns;
    memset(rep, 0, UPSTREAM_PACKET_LEN);
    rep[0] = (uint8_t)(p->li << 6 | p->vn << 3 | p->mode);
    rep[1] = p->stratum;
    rep[2] = 6;
    rep[3] = (uint8_t)-20;
    put_be32(&rep[4], p->root_delay);
    put_be32(&rep[8], p->root_disp);
    memcpy(&rep[12], p->refid, 4);
    ntp_time_put_ts(&rep[16], ntp_time_ts_from_unix_ns(t2 - 16 * NS_PER_S));
    memcpy(&rep[24], &req[40], 8);
    if (p->is_bad_origin) {
        rep[31] ^= 0x01;
    }
    ntp_time_put_ts(&rep[32], p->is_zero_receive ? 0 : ntp_time_ts_from_unix_ns(t2));
    ntp_time_put_ts(&rep[40], p->is_zero_transmit ? 0 : ntp_time_ts_from_unix_ns(t3));
    size_t mac_len = 0;
    if (p->sign_key != NULL) {
        assert_int_equal(ntp_auth_sign(p->sign_key, rep, UPSTREAM_PACKET_LEN, &mac_len), 0);
    }
    return UPSTREAM_PACKET_LEN + mac_len;
}

static void advance_ms(uint32_t ms)
{
    now_ms += ms;
    now_ns += (int64_t)ms * NS_PER_MS;
}

static void start(bool is_enabled, uint32_t start_ms, int64_t start_ns)
{
    upstream_default_config(&cfg);
    cfg.is_enabled = is_enabled;
    cfg.server_addr = SERVER_ADDR;
    now_ms = start_ms;
    now_ns = start_ns;
    rng_state = 12345;
    upstream_init(&up, &cfg, now_ms);
}

/*
 * Runs the simulation until a round ends, answering request i with
 * plans[i]. Returns what upstream_take_result gave; *replies counts the
 * upstream_handle_reply results that were 0.
 */
static struct upstream_result run_round(const struct reply_plan *plans, bool is_clock_set)
{
    uint8_t req[UPSTREAM_PACKET_MAX];
    uint8_t rep[UPSTREAM_PACKET_MAX];
    struct upstream_result r;
    unsigned i = 0;
    for (int steps = 0; steps < 100000; steps++) {
        if (upstream_poll(&up, now_ms, now_ns, next_random(), req, sizeof(req), &sent_len) == 0) {
            assert_true(i < UPSTREAM_SAMPLES);
            const struct reply_plan *p = &plans[i++];
            if (!p->is_lost) {
                int64_t t4;
                size_t len = serve(p, req, now_ns, rep, &t4);
                /* The reply arrives within the current step. */
                upstream_handle_reply(&up, rep, len, SERVER_ADDR, UPSTREAM_NTP_PORT, t4,
                                      now_ms + (uint32_t)((t4 - now_ns) / NS_PER_MS));
            }
        }
        if (upstream_take_result(&up, is_clock_set, &r) == 0) {
            return r;
        }
        advance_ms(STEP_MS);
    }
    fail_msg("no result");
    return r;
}

static void plans_all(struct reply_plan *plans, struct reply_plan p)
{
    for (unsigned i = 0; i < UPSTREAM_SAMPLES; i++) {
        plans[i] = p;
    }
}

static void assert_near(int64_t got, int64_t want, int64_t tol)
{
    int64_t d = got - want;
    if (d < -tol || d > tol) {
        fail_msg("%lld not within %lld of %lld", (long long)got, (long long)tol, (long long)want);
    }
}

/* ------------------------------------------------------------ basics -- */

static void test_disabled_by_default(void **state)
{
    (void)state;
    start(false, 0, T_2026_11_25_184000_S * NS_PER_S);
    uint8_t pkt[UPSTREAM_PACKET_LEN];
    for (int i = 0; i < 100; i++) {
        assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len),
                         -EAGAIN);
        advance_ms(60000);
    }
    memset(pkt, 0, sizeof(pkt));
    pkt[0] = 0x24;
    assert_int_equal(upstream_handle_reply(&up, pkt, sizeof(pkt), SERVER_ADDR, 123, now_ns, now_ms),
                     -EINVAL);
    assert_false(cfg.is_enabled);
    assert_int_equal(cfg.jump_limit_s, 1000);
    assert_int_equal(cfg.server_port, 123);
}

static void test_request_format(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    uint8_t pkt[UPSTREAM_PACKET_LEN + 4];
    memset(pkt, 0xAA, sizeof(pkt));
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, UPSTREAM_PACKET_LEN - 1, &sent_len),
                     -EINVAL);
    assert_int_equal(
        upstream_poll(&up, now_ms, now_ns, 0x0123456789ABCDEFull, pkt, sizeof(pkt), &sent_len), 0);
    assert_int_equal(pkt[0], 0x23); /* LI 0, VN 4, mode 3 */
    for (int i = 1; i < 40; i++) {
        assert_int_equal(pkt[i], 0); /* nothing about us but the random transmit */
    }
    static const uint8_t xmt[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF };
    assert_memory_equal(&pkt[40], xmt, 8);
    assert_int_equal(pkt[48], 0xAA); /* only 48 bytes written */
    /* Waiting for the reply: nothing more to send. */
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 2, pkt, sizeof(pkt), &sent_len), -EAGAIN);
    /* After the reply timeout, the next request waits for the sample interval. */
    advance_ms(UPSTREAM_SAMPLE_INTERVAL_MS - 1);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 2, pkt, sizeof(pkt), &sent_len), -EAGAIN);
    advance_ms(1);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 0, pkt, sizeof(pkt), &sent_len), 0);
    static const uint8_t one[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    assert_memory_equal(&pkt[40], one, 8); /* never a zero transmit timestamp */
    assert_int_equal(up.n_timeouts, 1);
}

/* -------------------------------------------------------- decisions -- */

static void test_good_server_sets_unset_clock(void **state)
{
    (void)state;
    /* The local clock counts from boot: 5 s "since 1970". */
    start(true, 0, 5 * NS_PER_S);
    int64_t offset = T_2026_11_25_184000_S * NS_PER_S + 123456789 - 5 * NS_PER_S;
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(offset));
    struct upstream_result r = run_round(plans, false);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.action, UPSTREAM_ACTION_SET);
    assert_near(r.offset_ns, offset, 1);
    assert_near(r.delay_ns, 800000, 1);
    assert_int_equal(r.n_sent, 5);
    assert_int_equal(r.n_valid, 5);
    assert_int_equal(r.n_agreeing, 5);
    assert_int_equal(r.stratum, 2);
    assert_int_equal(r.refid, 0x47505300u); /* "GPS\0" */
    assert_int_equal(up.n_replies, 5);
}

static void test_asymmetric_path_gives_half_the_difference(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = good(0);
    p.out_ns = 3000000; /* 3 ms out, 1 ms back: the offset is off by half of 2 ms */
    p.back_ns = 1000000;
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, p);
    struct upstream_result r = run_round(plans, true);
    assert_near(r.offset_ns, 1000000, 1);
    assert_near(r.delay_ns, 4000000, 1);
    assert_int_equal(r.action, UPSTREAM_ACTION_SLEW);
}

static void check_decision(int64_t offset_ns, bool is_clock_set, enum upstream_action want)
{
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(offset_ns));
    struct upstream_result r = run_round(plans, is_clock_set);
    assert_int_equal(r.status, 0);
    assert_near(r.offset_ns, offset_ns, 1);
    if (r.action != want) {
        fail_msg("offset %lld ns: %s, expected %s", (long long)offset_ns,
                 upstream_action_name(r.action), upstream_action_name(want));
    }
}

static void test_decisions(void **state)
{
    (void)state;
    check_decision(3 * NS_PER_MS, true, UPSTREAM_ACTION_SLEW);
    check_decision(-3 * NS_PER_MS, true, UPSTREAM_ACTION_SLEW);
    check_decision(128 * NS_PER_MS, true, UPSTREAM_ACTION_SLEW);
    check_decision(129 * NS_PER_MS, true, UPSTREAM_ACTION_STEP);
    check_decision(5 * NS_PER_S, true, UPSTREAM_ACTION_STEP);
    check_decision(-5 * NS_PER_S, true, UPSTREAM_ACTION_STEP);
    check_decision(1000 * NS_PER_S, true, UPSTREAM_ACTION_STEP);
    check_decision(1000 * NS_PER_S + 1000, true, UPSTREAM_ACTION_REFUSE);
    check_decision(3 * NS_PER_MS, false, UPSTREAM_ACTION_SET);
}

static void test_huge_jump(void **state)
{
    (void)state;
    /* While synced: refused, reported, nothing changed. */
    check_decision(5000 * NS_PER_S, true, UPSTREAM_ACTION_REFUSE);
    check_decision(-86400 * NS_PER_S, true, UPSTREAM_ACTION_REFUSE);
    /* While unset: that is what the server is for. */
    check_decision(5000 * NS_PER_S, false, UPSTREAM_ACTION_SET);
    check_decision(-86400 * NS_PER_S, false, UPSTREAM_ACTION_SET);
}

static void test_configured_limits(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    cfg.jump_limit_s = 10;
    cfg.step_threshold_ns = 1 * NS_PER_S;
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(11 * NS_PER_S));
    assert_int_equal(run_round(plans, true).action, UPSTREAM_ACTION_REFUSE);
    upstream_init(&up, &cfg, now_ms);
    plans_all(plans, good(NS_PER_S / 2));
    assert_int_equal(run_round(plans, true).action, UPSTREAM_ACTION_SLEW);
    upstream_init(&up, &cfg, now_ms);
    cfg.jump_limit_s = INT64_MAX;
    plans_all(plans, good(100000 * NS_PER_S));
    assert_int_equal(run_round(plans, true).action, UPSTREAM_ACTION_STEP);
}

/* ------------------------------------------------- bogus and refused -- */

/* Sends one request and makes the reply the plan makes for it. Returns its length. */
static size_t one_exchange(const struct reply_plan *p, uint8_t *rep, int64_t *t4)
{
    uint8_t req[UPSTREAM_PACKET_MAX];
    for (int i = 0; i < 1000; i++) {
        if (upstream_poll(&up, now_ms, now_ns, next_random(), req, sizeof(req), &sent_len) == 0) {
            return serve(p, req, now_ns, rep, t4);
        }
        advance_ms(STEP_MS);
    }
    fail_msg("no request");
    return 0;
}

static void test_wrong_originate_is_ignored(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = good(0);
    uint8_t rep[UPSTREAM_PACKET_LEN];
    uint8_t bogus[UPSTREAM_PACKET_LEN];
    int64_t t4;
    one_exchange(&p, rep, &t4);
    memcpy(bogus, rep, sizeof(bogus));
    bogus[31] ^= 0x80;
    assert_int_equal(upstream_handle_reply(&up, bogus, sizeof(bogus), SERVER_ADDR,
                                           UPSTREAM_NTP_PORT, t4, now_ms),
                     -EINVAL);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_ORIGIN);
    /* The genuine reply still counts; a duplicate of it does not. */
    assert_int_equal(
        upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms),
        0);
    assert_int_equal(
        upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms),
        -EINVAL);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_UNEXPECTED);
    assert_int_equal(up.n_replies, 1);
}

static void test_a_whole_round_of_wrong_originates(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    struct reply_plan p = good(0);
    p.is_bad_origin = true;
    plans_all(plans, p);
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, -ENODATA);
    assert_int_equal(r.action, UPSTREAM_ACTION_NONE);
    assert_int_equal(r.n_valid, 0);
    assert_int_equal(up.n_timeouts, 5);
}

static void test_wrong_source_is_ignored(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = good(0);
    uint8_t rep[UPSTREAM_PACKET_LEN];
    int64_t t4;
    one_exchange(&p, rep, &t4);
    assert_int_equal(upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR + 1,
                                           UPSTREAM_NTP_PORT, t4, now_ms),
                     -EINVAL);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_SOURCE);
    assert_int_equal(upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, 1234, t4, now_ms),
                     -EINVAL);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_SOURCE);
    assert_int_equal(upstream_handle_reply(&up, rep, UPSTREAM_PACKET_LEN - 1, SERVER_ADDR,
                                           UPSTREAM_NTP_PORT, t4, now_ms),
                     -EINVAL);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_SHORT);
    rep[0] = (uint8_t)((rep[0] & ~7u) | 3u); /* a client request, e.g. reflected */
    assert_int_equal(
        upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms),
        -EINVAL);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_MODE);
    assert_int_equal(up.n_replies, 0);
}

/* One reply that is ours but must be refused. */
static void check_refused(struct reply_plan p, enum upstream_reject want)
{
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    uint8_t rep[UPSTREAM_PACKET_LEN];
    int64_t t4;
    one_exchange(&p, rep, &t4);
    assert_int_equal(
        upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms),
        -EPROTO);
    if (upstream_last_reject(&up) != want) {
        fail_msg("refused for \"%s\", expected \"%s\"",
                 upstream_reject_name(upstream_last_reject(&up)), upstream_reject_name(want));
    }
    /* The request is used up: the same reply again is unexpected. */
    assert_int_equal(
        upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms),
        -EINVAL);
    assert_int_equal(up.n_replies, 0);
}

static void test_refused_replies(void **state)
{
    (void)state;
    struct reply_plan p = good(0);
    p.li = 3;
    check_refused(p, UPSTREAM_REJECT_UNSYNCHRONIZED);
    p = good(0);
    p.stratum = 16;
    check_refused(p, UPSTREAM_REJECT_STRATUM);
    p = good(0);
    p.stratum = 0;
    p.li = 3;
    p.refid = "XYZW"; /* an unknown kiss code: refused, nothing more */
    check_refused(p, UPSTREAM_REJECT_KOD);
    assert_true(up.is_round_active);
    p = good(0);
    p.is_zero_transmit = true;
    check_refused(p, UPSTREAM_REJECT_ZERO_TIMESTAMP);
    p = good(0);
    p.is_zero_receive = true;
    check_refused(p, UPSTREAM_REJECT_ZERO_TIMESTAMP);
    p = good(0);
    p.root_disp = 2u << 16; /* 2 s */
    check_refused(p, UPSTREAM_REJECT_ROOT_DISTANCE);
    p = good(0);
    p.root_delay = 3u << 16; /* 3 s, half of it counts */
    check_refused(p, UPSTREAM_REJECT_ROOT_DISTANCE);
    p = good(0);
    p.proc_ns = -1000000; /* T3 before T2 */
    check_refused(p, UPSTREAM_REJECT_DELAY);
    p = good(0);
    p.out_ns = 2 * NS_PER_S; /* delay over the limit */
    check_refused(p, UPSTREAM_REJECT_DELAY);
    p = good(0);
    p.vn = 0;
    check_refused(p, UPSTREAM_REJECT_VERSION);
}

static void test_root_distance_just_under_limit(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    struct reply_plan p = good(0);
    p.root_delay = 0;
    p.root_disp = (1u << 16) + (1u << 15) - 100; /* 1.5 s less a little, with delay / 2 */
    plans_all(plans, p);
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, 0);
    assert_true(r.root_distance_ns <= 1500000000LL);
    assert_true(r.root_distance_ns > 1490000000LL);
}

static void test_li3_round_gives_nothing(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    struct reply_plan p = good(0);
    p.li = 3;
    plans_all(plans, p);
    struct upstream_result r = run_round(plans, false);
    assert_int_equal(r.status, -ENODATA);
    assert_int_equal(r.action, UPSTREAM_ACTION_NONE);
    assert_int_equal(up.n_rejected, 5);
}

static void test_kod_rate_backs_off(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(0));
    plans[1].stratum = 0;
    plans[1].li = 3;
    plans[1].refid = "RATE";
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, -EBUSY);
    assert_int_equal(r.action, UPSTREAM_ACTION_NONE);
    assert_string_equal(r.kiss, "RATE");
    assert_int_equal(r.n_sent, 2); /* the round stopped there */
    /* The next round comes after twice the normal interval. */
    uint8_t pkt[UPSTREAM_PACKET_LEN];
    uint32_t t0 = now_ms;
    while (upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len) != 0) {
        advance_ms(1000);
    }
    assert_true(now_ms - t0 >= 2 * UPSTREAM_ROUND_INTERVAL_S * 1000u - 1000u);
    assert_true(now_ms - t0 <= 2 * UPSTREAM_ROUND_INTERVAL_S * 1000u + 1000u);
}

static void test_kod_deny_stops(void **state)
{
    (void)state;
    static const char *const codes[] = { "DENY", "RSTR" };
    for (int c = 0; c < 2; c++) {
        start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
        struct reply_plan plans[UPSTREAM_SAMPLES];
        plans_all(plans, good(0));
        plans[0].stratum = 0;
        plans[0].refid = codes[c];
        struct upstream_result r = run_round(plans, true);
        assert_int_equal(r.status, -ECONNREFUSED);
        assert_string_equal(r.kiss, codes[c]);
        uint8_t pkt[UPSTREAM_PACKET_LEN];
        for (int i = 0; i < 100; i++) {
            advance_ms(3600u * 1000u);
            assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len),
                             -EAGAIN);
        }
        /* Reconfiguring starts again. */
        upstream_init(&up, &cfg, now_ms);
        assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), 0);
    }
}

/* --------------------------------------------------- lost and late -- */

static void test_no_replies(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    struct reply_plan lost = { .is_lost = true };
    plans_all(plans, lost);
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, -ENODATA);
    assert_int_equal(r.n_sent, 5);
    assert_int_equal(r.n_valid, 0);
    /* A failed round is retried sooner than a good one is repeated. */
    uint8_t pkt[UPSTREAM_PACKET_LEN];
    uint32_t t0 = now_ms;
    while (upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len) != 0) {
        advance_ms(1000);
    }
    assert_true(now_ms - t0 <= UPSTREAM_RETRY_INTERVAL_S * 1000u);
    assert_true(now_ms - t0 >= UPSTREAM_RETRY_INTERVAL_S * 1000u - 2000u);
}

static void test_too_few_replies(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(7 * NS_PER_MS));
    plans[0].is_lost = true;
    plans[3].is_lost = true;
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, -ENODATA);
    assert_int_equal(r.n_valid, 3);
    /* One lost reply is fine. */
    upstream_init(&up, &cfg, now_ms);
    plans[0].is_lost = false;
    r = run_round(plans, true);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.n_valid, 4);
    assert_near(r.offset_ns, 7 * NS_PER_MS, 1);
}

static void test_late_reply_is_unexpected(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = good(0);
    uint8_t rep[UPSTREAM_PACKET_LEN];
    int64_t t4;
    one_exchange(&p, rep, &t4);
    /* Handed over after the timeout, before any poll noticed it. */
    assert_int_equal(upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, UPSTREAM_NTP_PORT,
                                           t4, now_ms + UPSTREAM_REPLY_TIMEOUT_MS),
                     -EINVAL);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_UNEXPECTED);
    assert_int_equal(up.n_timeouts, 1);
}

/* ---------------------------------------------------- consistency -- */

static void test_inconsistent_samples(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    for (unsigned i = 0; i < UPSTREAM_SAMPLES; i++) {
        plans[i] = good((int64_t)i * 200 * NS_PER_MS);
    }
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, -ERANGE);
    assert_int_equal(r.action, UPSTREAM_ACTION_NONE);
    assert_int_equal(r.n_valid, 5);
    assert_int_equal(r.n_agreeing, 1);
    /* Three agreeing are not enough either. */
    upstream_init(&up, &cfg, now_ms);
    plans[0] = good(0);
    plans[1] = good(10 * NS_PER_MS);
    plans[2] = good(20 * NS_PER_MS);
    plans[3] = good(2 * NS_PER_S);
    plans[4] = good(-2 * NS_PER_S);
    r = run_round(plans, false);
    assert_int_equal(r.status, -ERANGE);
    assert_int_equal(r.n_agreeing, 3);
    assert_int_equal(r.action, UPSTREAM_ACTION_NONE);
}

static void test_outlier_dropped_lowest_delay_chosen(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans[0] = good(1000 * NS_PER_MS);
    plans[1] = good(1010 * NS_PER_MS);
    plans[2] = good(990 * NS_PER_MS);
    plans[3] = good(1005 * NS_PER_MS);
    plans[3].out_ns = plans[3].back_ns = 100000; /* the quickest of the agreeing ones */
    plans[4] = good(3 * NS_PER_S);
    plans[4].out_ns = plans[4].back_ns = 10000; /* quicker still, but an outlier */
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.n_agreeing, 4);
    assert_near(r.offset_ns, 1005 * NS_PER_MS, 1);
    assert_near(r.delay_ns, 200000, 1); /* out + back; server time excluded */
    assert_int_equal(r.action, UPSTREAM_ACTION_STEP);
}

/* ------------------------------------------------------------- eras -- */

static void test_era1_unset_clock(void **state)
{
    (void)state;
    start(true, 0, 5 * NS_PER_S);
    int64_t offset = (T_2040_01_01_S + 3600) * NS_PER_S + 250 * NS_PER_MS - 5 * NS_PER_S;
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(offset));
    struct upstream_result r = run_round(plans, false);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.action, UPSTREAM_ACTION_SET);
    assert_near(r.offset_ns, offset, 1);
    assert_near(r.delay_ns, 800000, 1);
}

static void test_far_future_unset_clock(void **state)
{
    (void)state;
    /* 2150 seen from a clock counting from 0: (T2 - T1) + (T3 - T4) exceeds int64. */
    start(true, 0, 0);
    int64_t offset = 5694582896LL * NS_PER_S; /* 2150-06-15T12:34:56Z */
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(offset));
    struct upstream_result r = run_round(plans, false);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.action, UPSTREAM_ACTION_SET);
    assert_near(r.offset_ns, offset, 1);
}

static void test_era1_synced_clock(void **state)
{
    (void)state;
    start(true, 0, (T_2040_01_01_S + 86400 * 365LL) * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(-2 * NS_PER_MS));
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.action, UPSTREAM_ACTION_SLEW);
    assert_near(r.offset_ns, -2 * NS_PER_MS, 1);
}

static void test_across_the_era_boundary(void **state)
{
    (void)state;
    /*
     * The third request leaves 4 s (two sample intervals) after the first,
     * 410 us before the wrap: the server's receive stamp (+400 us) is the
     * last of era 0, its transmit stamp (+20 us more) the first of era 1.
     */
    start(true, 0, (T_ERA1_START_S - 4) * NS_PER_S - 410000);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(0));
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(ntp_time_era(up.t1_ns), 1); /* the round ended in era 1 */
    assert_int_equal(r.status, 0);
    assert_int_equal(r.n_valid, 5);
    assert_near(r.offset_ns, 0, 1);
    assert_near(r.delay_ns, 800000, 1);
}

/* --------------------------------------------------- authentication -- */

/* The key store the client's lookup hook reads (as the app's key table). */
static struct ntp_key held[4];
static unsigned held_count;
static unsigned lookups;

static int lookup_key(void *ctx, uint32_t key_id, struct ntp_key *key)
{
    assert_ptr_equal(ctx, held);
    lookups++;
    for (unsigned i = 0; i < held_count; i++) {
        if (held[i].key_id == key_id) {
            *key = held[i];
            return 0;
        }
    }
    return -ENOENT;
}

static const struct ntp_key sha1_key = {
    5, NTP_KEY_SHA1, 20,
    "\x8a\x9b\x9f\x3e\xe6\xf9\xb7\xa1\xc4\xd2\xe0\xf1\xa2\xb3\xc4\xd5\xe6\xf7\x08\x12"
};
static const struct ntp_key cmac_key = {
    6, NTP_KEY_AES128_CMAC, 16, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff"
};

/* Starts a client that signs with key_id, the store holding keys[0..n-1]. */
static void start_keyed(uint32_t key_id, const struct ntp_key *keys, unsigned n, int64_t start_ns)
{
    start(true, 0, start_ns);
    cfg.key_id = key_id;
    cfg.key_lookup = lookup_key;
    cfg.key_ctx = held;
    memset(held, 0, sizeof(held));
    memcpy(held, keys, n * sizeof(keys[0]));
    held_count = n;
    lookups = 0;
}

static struct reply_plan signed_good(int64_t offset_ns, const struct ntp_key *key)
{
    struct reply_plan p = good(offset_ns);
    p.sign_key = key;
    return p;
}

/* The request and the reply of each key type, byte for byte against Python's MACs. */
static void test_signed_request_and_reply_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(upstream_vectors) / sizeof(upstream_vectors[0]); i++) {
        const struct upstream_vector *v = &upstream_vectors[i];
        start_keyed(v->key.key_id, &v->key, 1, UPSTREAM_VECTOR_T1_UNIX_NS);
        uint8_t pkt[UPSTREAM_PACKET_MAX + 4];
        memset(pkt, 0xAA, sizeof(pkt));
        assert_int_equal(
            upstream_poll(&up, now_ms, now_ns, UPSTREAM_VECTOR_XMT, pkt, sizeof(pkt), &sent_len),
            0);
        assert_int_equal(sent_len, v->request_len);
        assert_memory_equal(pkt, v->request, v->request_len);
        assert_int_equal(pkt[v->request_len], 0xAA); /* nothing written past the MAC */

        /* The reply with one bit of its digest flipped: refused, the request still waits. */
        uint8_t rep[UPSTREAM_PACKET_MAX];
        memcpy(rep, v->reply, v->reply_len);
        rep[v->reply_len - 1] ^= 0x01;
        int64_t t4 = UPSTREAM_VECTOR_T1_UNIX_NS + UPSTREAM_VECTOR_RTT_NS;
        assert_int_equal(upstream_handle_reply(&up, rep, v->reply_len, SERVER_ADDR,
                                               UPSTREAM_NTP_PORT, t4, now_ms),
                         -EACCES);
        assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_BAD_MAC);
        /* The genuine one is taken. */
        assert_int_equal(upstream_handle_reply(&up, v->reply, v->reply_len, SERVER_ADDR,
                                               UPSTREAM_NTP_PORT, t4, now_ms),
                         0);
        assert_int_equal(up.n_replies, 1);
        assert_int_equal(up.n_unauthenticated, 1);
        assert_near(up.samples[0].offset_ns, UPSTREAM_VECTOR_OFFSET_NS, 2);
        assert_near(up.samples[0].delay_ns, UPSTREAM_VECTOR_DELAY_NS, 2);
    }
}

static void test_signed_round_sets_the_clock(void **state)
{
    (void)state;
    const struct ntp_key *keys[] = { &sha1_key, &cmac_key, &upstream_vectors[0].key };
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        start_keyed(keys[k]->key_id, keys[k], 1, 5 * NS_PER_S);
        int64_t offset = T_2026_11_25_184000_S * NS_PER_S - 5 * NS_PER_S;
        struct reply_plan plans[UPSTREAM_SAMPLES];
        plans_all(plans, signed_good(offset, keys[k]));
        struct upstream_result r = run_round(plans, false);
        assert_int_equal(r.status, 0);
        assert_int_equal(r.action, UPSTREAM_ACTION_SET);
        assert_near(r.offset_ns, offset, 1);
        assert_int_equal(r.n_valid, 5);
        assert_int_equal(r.n_unauthenticated, 0);
        assert_int_equal(sent_len, UPSTREAM_PACKET_LEN + NTP_AUTH_KEYID_LEN +
                                       ntp_auth_digest_len(keys[k]->algorithm));
        assert_int_equal(lookups, 10); /* once per request, once per reply: never kept */
    }
}

/* One reply to our request that fails authentication (made by spoil), then the genuine one. */
static void check_unauthenticated(size_t (*spoil)(uint8_t *rep, size_t len),
                                  enum upstream_reject want)
{
    struct ntp_key other = sha1_key;
    other.key_id = 99; /* held too, but not the one configured */
    const struct ntp_key keys[] = { sha1_key, other };
    start_keyed(sha1_key.key_id, keys, 2, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = signed_good(0, &sha1_key);
    uint8_t rep[UPSTREAM_PACKET_MAX];
    uint8_t bad[UPSTREAM_PACKET_MAX];
    int64_t t4;
    size_t len = one_exchange(&p, rep, &t4);
    memcpy(bad, rep, sizeof(bad));
    size_t bad_len = spoil(bad, len);
    assert_int_equal(
        upstream_handle_reply(&up, bad, bad_len, SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms),
        -EACCES);
    if (upstream_last_reject(&up) != want) {
        fail_msg("refused for \"%s\", expected \"%s\"",
                 upstream_reject_name(upstream_last_reject(&up)), upstream_reject_name(want));
    }
    assert_int_equal(up.last_refused, want);
    assert_int_equal(up.n_rejected, 1);
    assert_int_equal(up.n_unauthenticated, 1);
    assert_true(up.is_waiting_reply);
    assert_int_equal(
        upstream_handle_reply(&up, rep, len, SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms), 0);
    assert_int_equal(up.n_replies, 1);
}

static size_t spoil_unsigned(uint8_t *rep, size_t len)
{
    (void)rep;
    (void)len;
    return UPSTREAM_PACKET_LEN;
}

static size_t spoil_crypto_nak(uint8_t *rep, size_t len)
{
    (void)len;
    memset(&rep[48], 0, 4); /* RFC 5905 sec. 7.4: key id 0 and no digest */
    return 52;
}

static size_t spoil_key_id(uint8_t *rep, size_t len)
{
    /* Signed properly, under key 99, which the store also holds. */
    struct ntp_key other = sha1_key;
    other.key_id = 99;
    size_t mac_len = 0;
    assert_int_equal(ntp_auth_sign(&other, rep, UPSTREAM_PACKET_LEN, &mac_len), 0);
    assert_int_equal(UPSTREAM_PACKET_LEN + mac_len, len);
    return len;
}

static size_t spoil_digest(uint8_t *rep, size_t len)
{
    rep[52] ^= 0x80;
    return len;
}

static size_t spoil_header(uint8_t *rep, size_t len)
{
    rep[OFF_TEST_TRANSMIT + 7] ^= 0x01; /* the MAC no longer covers the header */
    return len;
}

static size_t spoil_secret(uint8_t *rep, size_t len)
{
    struct ntp_key wrong = sha1_key; /* same id, another secret */
    wrong.secret[0] ^= 0x01;
    size_t mac_len = 0;
    assert_int_equal(ntp_auth_sign(&wrong, rep, UPSTREAM_PACKET_LEN, &mac_len), 0);
    return len;
}

static size_t spoil_short_digest(uint8_t *rep, size_t len)
{
    (void)rep;
    return len - 4; /* a 16-byte digest for a SHA-1 key */
}

static size_t spoil_truncated_key_id(uint8_t *rep, size_t len)
{
    (void)rep;
    (void)len;
    return UPSTREAM_PACKET_LEN + 2;
}

static size_t spoil_nak_with_digest(uint8_t *rep, size_t len)
{
    memset(&rep[48], 0, 4); /* key id 0 with a digest: no key of ours */
    return len;
}

static void test_unauthenticated_replies_refused(void **state)
{
    (void)state;
    check_unauthenticated(spoil_unsigned, UPSTREAM_REJECT_UNSIGNED);
    check_unauthenticated(spoil_crypto_nak, UPSTREAM_REJECT_CRYPTO_NAK);
    check_unauthenticated(spoil_key_id, UPSTREAM_REJECT_KEY_ID);
    check_unauthenticated(spoil_digest, UPSTREAM_REJECT_BAD_MAC);
    check_unauthenticated(spoil_header, UPSTREAM_REJECT_BAD_MAC);
    check_unauthenticated(spoil_secret, UPSTREAM_REJECT_BAD_MAC);
    check_unauthenticated(spoil_short_digest, UPSTREAM_REJECT_BAD_MAC);
    check_unauthenticated(spoil_truncated_key_id, UPSTREAM_REJECT_BAD_MAC);
    check_unauthenticated(spoil_nak_with_digest, UPSTREAM_REJECT_KEY_ID);
}

static void test_unsigned_server_gives_nothing(void **state)
{
    (void)state;
    start_keyed(cmac_key.key_id, &cmac_key, 1, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(0)); /* a server that does not sign */
    struct upstream_result r = run_round(plans, false);
    assert_int_equal(r.status, -ENODATA);
    assert_int_equal(r.action, UPSTREAM_ACTION_NONE);
    assert_int_equal(r.n_sent, 5);
    assert_int_equal(r.n_valid, 0);
    assert_int_equal(r.n_unauthenticated, 5);
    assert_int_equal(up.n_timeouts, 5); /* each request waited for a genuine reply */
    assert_int_equal(up.last_refused, UPSTREAM_REJECT_UNSIGNED);
}

static void test_forged_kiss_codes_ignored(void **state)
{
    (void)state;
    /* Unsigned DENY and RATE: refused before they are read as kiss codes. */
    start_keyed(cmac_key.key_id, &cmac_key, 1, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, signed_good(2 * NS_PER_MS, &cmac_key));
    plans[0] = good(0);
    plans[0].stratum = 0;
    plans[0].refid = "DENY";
    plans[1] = plans[0];
    plans[1].refid = "RATE";
    struct upstream_result r = run_round(plans, true);
    assert_false(up.is_denied);
    assert_int_equal(up.round_interval_s, UPSTREAM_ROUND_INTERVAL_S);
    assert_int_equal(r.status, -ENODATA); /* 3 good replies of 5 */
    assert_int_equal(r.n_valid, 3);
    assert_int_equal(r.n_unauthenticated, 2);
    /* Signed by the server, a DENY is obeyed. */
    start_keyed(cmac_key.key_id, &cmac_key, 1, T_2026_11_25_184000_S * NS_PER_S);
    plans_all(plans, signed_good(0, &cmac_key));
    plans[0].stratum = 0;
    plans[0].refid = "DENY";
    r = run_round(plans, true);
    assert_int_equal(r.status, -ECONNREFUSED);
    assert_true(up.is_denied);
}

static void test_key_missing_refuses_the_round(void **state)
{
    (void)state;
    start_keyed(9, &sha1_key, 1, T_2026_11_25_184000_S * NS_PER_S); /* key 9 not held */
    uint8_t pkt[UPSTREAM_PACKET_MAX];
    memset(pkt, 0xAA, sizeof(pkt));
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), -EAGAIN);
    for (size_t i = 0; i < sizeof(pkt); i++) {
        assert_int_equal(pkt[i], 0xAA); /* nothing built: never an unsigned request instead */
    }
    struct upstream_result r;
    assert_int_equal(upstream_take_result(&up, false, &r), 0);
    assert_int_equal(r.status, -ENOENT);
    assert_int_equal(r.action, UPSTREAM_ACTION_NONE);
    assert_int_equal(r.n_sent, 0);
    assert_string_equal(r.kiss, "");
    assert_int_equal(up.n_requests, 0);
    assert_int_equal(up.n_key_missing, 1);
    assert_int_equal(up.last_refused, UPSTREAM_REJECT_KEY_MISSING);
    /* Tried again after the retry interval: still missing, still nothing sent. */
    for (unsigned s = 0; s + 1 < UPSTREAM_RETRY_INTERVAL_S; s++) {
        advance_ms(1000);
        assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len),
                         -EAGAIN);
    }
    assert_int_equal(up.n_key_missing, 1);
    advance_ms(1000);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), -EAGAIN);
    assert_int_equal(up.n_key_missing, 2);
    /* Once the key is there, the next round signs with it. */
    held[1] = sha1_key;
    held[1].key_id = 9;
    held_count = 2;
    advance_ms(UPSTREAM_RETRY_INTERVAL_S * 1000u);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), 0);
    assert_int_equal(sent_len, 72);
    static const uint8_t key9[4] = { 0, 0, 0, 9 };
    assert_memory_equal(&pkt[48], key9, 4);
    /* No hook at all: the same refusal. */
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    cfg.key_id = 5;
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), -EAGAIN);
    assert_int_equal(upstream_take_result(&up, false, &r), 0);
    assert_int_equal(r.status, -ENOENT);
}

static void test_key_removed_mid_round(void **state)
{
    (void)state;
    start_keyed(sha1_key.key_id, &sha1_key, 1, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = signed_good(0, &sha1_key);
    uint8_t rep[UPSTREAM_PACKET_MAX];
    int64_t t4;
    size_t len = one_exchange(&p, rep, &t4);
    assert_int_equal(
        upstream_handle_reply(&up, rep, len, SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms), 0);
    len = one_exchange(&p, rep, &t4);
    held_count = 0; /* `ntp key remove 5` while the second request is out */
    assert_int_equal(
        upstream_handle_reply(&up, rep, len, SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms), -EACCES);
    assert_int_equal(upstream_last_reject(&up), UPSTREAM_REJECT_KEY_MISSING);
    /* The third request is not sent: the round ends without a result. */
    uint8_t pkt[UPSTREAM_PACKET_MAX];
    struct upstream_result r;
    for (int i = 0; i < 100 && upstream_take_result(&up, true, &r) != 0; i++) {
        assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len),
                         -EAGAIN);
        advance_ms(STEP_MS);
    }
    assert_int_equal(r.status, -ENOENT);
    assert_int_equal(r.n_sent, 2);
    assert_int_equal(up.n_requests, 2);
}

static void test_keyed_request_needs_room(void **state)
{
    (void)state;
    start_keyed(sha1_key.key_id, &sha1_key, 1, T_2026_11_25_184000_S * NS_PER_S);
    uint8_t pkt[UPSTREAM_PACKET_MAX];
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, UPSTREAM_PACKET_MAX - 1, &sent_len),
                     -EINVAL);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, UPSTREAM_PACKET_LEN, &sent_len),
                     -EINVAL);
    assert_int_equal(up.n_requests, 0);
    assert_int_equal(up.n_key_missing, 0);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), 0);
    assert_int_equal(sent_len, UPSTREAM_PACKET_MAX);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), NULL), -EINVAL);
}

static void test_unkeyed_client_ignores_a_mac(void **state)
{
    (void)state;
    /* Without a key the client sends 48 bytes and reads a reply's header only, as before. */
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = signed_good(0, &cmac_key);
    uint8_t rep[UPSTREAM_PACKET_MAX];
    int64_t t4;
    size_t len = one_exchange(&p, rep, &t4);
    assert_int_equal(sent_len, UPSTREAM_PACKET_LEN);
    assert_int_equal(
        upstream_handle_reply(&up, rep, len, SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms), 0);
}

/* --------------------------------------------------------- the rest -- */

static void test_ms_counter_wraps(void **state)
{
    (void)state;
    start(true, UINT32_MAX - 3000u, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(40 * NS_PER_MS));
    struct upstream_result r = run_round(plans, true);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.n_valid, 5);
    assert_true(now_ms < 20000u); /* it did wrap */
    /* The next round an interval later, across the wrap too. */
    uint8_t pkt[UPSTREAM_PACKET_LEN];
    advance_ms(UPSTREAM_ROUND_INTERVAL_S * 1000u - 10000u);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), -EAGAIN);
    advance_ms(10000u);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), 0);
}

static void test_note_transmit_time(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan p = good(0);
    uint8_t rep[UPSTREAM_PACKET_LEN];
    int64_t t4;
    one_exchange(&p, rep, &t4);
    /* The frame really left 100 us after the request was built. */
    assert_int_equal(upstream_note_transmit_time(&up, up.t1_ns + 100000), 0);
    assert_int_equal(
        upstream_handle_reply(&up, rep, sizeof(rep), SERVER_ADDR, UPSTREAM_NTP_PORT, t4, now_ms),
        0);
    assert_near(up.samples[0].offset_ns, -50000, 1);
    assert_near(up.samples[0].delay_ns, 700000, 1);
    assert_int_equal(upstream_note_transmit_time(&up, 0), -EAGAIN);
}

static void test_result_taken_once(void **state)
{
    (void)state;
    start(true, 0, T_2026_11_25_184000_S * NS_PER_S);
    struct reply_plan plans[UPSTREAM_SAMPLES];
    plans_all(plans, good(0));
    (void)run_round(plans, true);
    struct upstream_result r;
    assert_int_equal(upstream_take_result(&up, true, &r), -EAGAIN);
    /* The next round after the round interval. */
    uint8_t pkt[UPSTREAM_PACKET_LEN];
    advance_ms(UPSTREAM_ROUND_INTERVAL_S * 1000u - 1000u);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), -EAGAIN);
    advance_ms(1000u);
    assert_int_equal(upstream_poll(&up, now_ms, now_ns, 1, pkt, sizeof(pkt), &sent_len), 0);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(upstream_reject_name(UPSTREAM_REJECT_ORIGIN), "origin mismatch");
    assert_string_equal(upstream_action_name(UPSTREAM_ACTION_REFUSE), "refused");
    assert_string_equal(upstream_reject_name(UPSTREAM_REJECT_BAD_MAC), "bad MAC");
    assert_string_equal(upstream_reject_name(UPSTREAM_REJECT_KEY_MISSING), "key missing");
    for (int r = UPSTREAM_REJECT_NONE; r <= UPSTREAM_REJECT_KEY_MISSING; r++) {
        assert_true(upstream_reject_name((enum upstream_reject)r)[0] != '?');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disabled_by_default),
        cmocka_unit_test(test_request_format),
        cmocka_unit_test(test_good_server_sets_unset_clock),
        cmocka_unit_test(test_asymmetric_path_gives_half_the_difference),
        cmocka_unit_test(test_decisions),
        cmocka_unit_test(test_huge_jump),
        cmocka_unit_test(test_configured_limits),
        cmocka_unit_test(test_wrong_originate_is_ignored),
        cmocka_unit_test(test_a_whole_round_of_wrong_originates),
        cmocka_unit_test(test_wrong_source_is_ignored),
        cmocka_unit_test(test_refused_replies),
        cmocka_unit_test(test_root_distance_just_under_limit),
        cmocka_unit_test(test_li3_round_gives_nothing),
        cmocka_unit_test(test_kod_rate_backs_off),
        cmocka_unit_test(test_kod_deny_stops),
        cmocka_unit_test(test_no_replies),
        cmocka_unit_test(test_too_few_replies),
        cmocka_unit_test(test_late_reply_is_unexpected),
        cmocka_unit_test(test_inconsistent_samples),
        cmocka_unit_test(test_outlier_dropped_lowest_delay_chosen),
        cmocka_unit_test(test_era1_unset_clock),
        cmocka_unit_test(test_far_future_unset_clock),
        cmocka_unit_test(test_era1_synced_clock),
        cmocka_unit_test(test_across_the_era_boundary),
        cmocka_unit_test(test_ms_counter_wraps),
        cmocka_unit_test(test_note_transmit_time),
        cmocka_unit_test(test_signed_request_and_reply_vectors),
        cmocka_unit_test(test_signed_round_sets_the_clock),
        cmocka_unit_test(test_unauthenticated_replies_refused),
        cmocka_unit_test(test_unsigned_server_gives_nothing),
        cmocka_unit_test(test_forged_kiss_codes_ignored),
        cmocka_unit_test(test_key_missing_refuses_the_round),
        cmocka_unit_test(test_key_removed_mid_round),
        cmocka_unit_test(test_keyed_request_needs_room),
        cmocka_unit_test(test_unkeyed_client_ignores_a_mac),
        cmocka_unit_test(test_result_taken_once),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
