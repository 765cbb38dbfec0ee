/*
 * Tests for the NTP engine's symmetric-key authentication (ntp_server.c
 * with ntp_auth.c): requests signed by a second implementation (the
 * MACs of fakes/ntp_auth_vectors.h, computed by Python) answered with
 * signed replies that verify, whose transmit timestamp is inside the signed
 * bytes and is the time signing ended; silence for wrong digests, unknown
 * keys and crypto-NAKs; the subnets that must authenticate; MS-SNTP;
 * interleaved mode and KoDs signed; the rate limit before any digest; and
 * every datagram counted once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fakes/ntp_auth_vectors.h"
#include "fakes/ntp_ref.h"
#include "fakes/ntp_requests.h"
#include "mbedtls/aes.h"
#include "mbedtls/cmac.h"
#include "ntp/mbedtls_config.h" /* ntp_auth_calloc(), ntp_auth_free() */
#include "ntp/ntp.h"
#include "ntp/ntp_auth.h"
#include "ntp/ntp_time.h"

#define NS             1000000000LL
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

#define T0_S      1764097200LL /* 2025-11-25T19:00:00Z */
#define CLIENT_IP IP(192, 168, 1, 50)
#define OUT_SIZE  512

static struct ntp_server srv;
static uint64_t now_ms;

/* Trusted clock, precision -20: the fuzz is below 2^-20 s (about 1 us). */
static const struct ntp_clock_info ci_ok = {
    .synced = true,
    .precision_log2 = -20,
    .ref_ns = (T0_S - 300) * NS,
    .root_disp_us = 1000,
};
/* The same at precision -29 (fuzz below 2 ns), where transmit stamps are checked to the ns. */
static const struct ntp_clock_info ci_fine = {
    .synced = true,
    .precision_log2 = -29,
    .ref_ns = (T0_S - 300) * NS,
    .root_disp_us = 1000,
};
static const struct ntp_clock_info *ci = &ci_ok;

/* ------------------------------------------------------------------ fakes -- */

/* The key store: every key of the vectors, plus one the engine must refuse to use. */
#define BAD_CMAC_KEY_ID 4242u
static struct {
    struct ntp_key keys[16];
    size_t n;
    int lookups;
} store;

static int store_lookup(void *ctx, uint32_t key_id, struct ntp_key *key)
{
    (void)ctx;
    store.lookups++;
    for (size_t i = 0; i < store.n; i++) {
        if (store.keys[i].key_id == key_id) {
            *key = store.keys[i];
            return 0;
        }
    }
    return -ENOENT;
}

static void store_fill(void)
{
    memset(&store, 0, sizeof(store));
    for (size_t i = 0; i < sizeof(auth_vectors) / sizeof(auth_vectors[0]); i++) {
        bool seen = false;
        for (size_t k = 0; k < store.n; k++)
            seen |= store.keys[k].key_id == auth_vectors[i].key.key_id;
        if (!seen)
            store.keys[store.n++] = auth_vectors[i].key;
    }
    /* A CMAC key of 15 bytes: held, but no AES-128 key. */
    struct ntp_key bad = { .key_id = BAD_CMAC_KEY_ID,
                           .algorithm = NTP_KEY_AES128_CMAC,
                           .secret_len = 15 };
    store.keys[store.n++] = bad;
}

/* The served time: each read advances it by step_ns (the time the code between reads takes). */
static struct {
    int64_t now_ns;
    int64_t step_ns;
    int reads;
} clk;

static uint64_t clock_now(void *ctx)
{
    (void)ctx;
    clk.reads++;
    uint64_t ts = ref_ts(clk.now_ns);
    clk.now_ns += clk.step_ns;
    return ts;
}

static int setup(void **state)
{
    (void)state;
    ntp_server_init(&srv, 777u);
    store_fill();
    ntp_server_set_key_lookup(&srv, store_lookup, NULL);
    clk.now_ns = T0_S * NS + 40000; /* 40 us after the requests' arrival */
    clk.step_ns = 25000;
    clk.reads = 0;
    ntp_server_set_clock_now(&srv, clock_now, NULL);
    now_ms = 1000;
    ci = &ci_ok;
    return 0;
}

/* ---------------------------------------------------------------- helpers -- */

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static const struct auth_vector *vec(const char *what)
{
    for (size_t i = 0; i < sizeof(auth_vectors) / sizeof(auth_vectors[0]); i++)
        if (strcmp(auth_vectors[i].what, what) == 0)
            return &auth_vectors[i];
    fail_msg("no vector %s", what);
    return NULL;
}

/* A request signed by Python: the vector's message and MAC. Returns its length. */
static size_t signed_request(const char *what, uint8_t *req)
{
    const struct auth_vector *v = vec(what);
    memcpy(req, v->msg, v->msg_len);
    memcpy(req + v->msg_len, v->mac, v->mac_len);
    return v->msg_len + v->mac_len;
}

static int serve_from(uint32_t ip, const uint8_t *req, size_t len, int64_t rx_ns, uint8_t *out,
                      size_t out_cap, struct ntp_reply *rep)
{
    struct ntp_request rq = {
        .data = req,
        .len = len,
        .src_ip = ip,
        .src_port = 49152,
        .rx_ts = ref_ts(rx_ns),
        .mono_ms = now_ms,
    };
    now_ms += 1000; /* one request a second: well inside the rate limit */
    if (out != req)
        memset(out, 0x5A, out_cap);
    int err = ntp_server_handle(&srv, &rq, ci, out, out_cap, rep);
    /* Whatever the outcome, no AES-CMAC key stays held (ntp_auth_hold()): the slots are free. */
    void *a = ntp_auth_calloc(1, sizeof(mbedtls_cmac_context_t));
    void *b = ntp_auth_calloc(1, sizeof(mbedtls_aes_context));
    assert_non_null(a);
    assert_non_null(b);
    ntp_auth_free(a);
    ntp_auth_free(b);
    return err;
}

static int serve(const uint8_t *req, size_t len, uint8_t *out, struct ntp_reply *rep)
{
    return serve_from(CLIENT_IP, req, len, T0_S * NS, out, OUT_SIZE, rep);
}

static struct ntp_key key_of(uint32_t key_id)
{
    struct ntp_key k;
    assert_int_equal(store_lookup(NULL, key_id, &k), 0);
    return k;
}

/* A signed reply: 48 bytes and a MAC as long as the request's, under its key, that verifies. */
static void assert_signed_reply(const uint8_t *req, size_t req_len, size_t mac_off,
                                const uint8_t *out, const struct ntp_reply *rep)
{
    size_t mac_len = req_len - mac_off;
    assert_true(rep->is_signed);
    assert_false(rep->stamp_tx);
    assert_false(rep->more_fragments);
    assert_int_equal(rep->len, NTP_HEADER_LEN + mac_len);
    assert_true(rep->len <= req_len);
    assert_memory_equal(out + NTP_HEADER_LEN, req + mac_off, 4); /* the request's key id */
    struct ntp_key k = key_of(be32(req + mac_off));
    assert_int_equal(
        ntp_auth_verify(&k, out, NTP_HEADER_LEN, out + NTP_HEADER_LEN + 4, mac_len - 4), 0);
    assert_memory_equal(out + 24, req + 40, 8); /* basic: originate = the request's transmit */
    assert_int_equal(out[1], 1);
    assert_int_equal(out[0] & 7, (req[0] & 7) == 1 ? 2 : 4);
    assert_int_equal((out[0] >> 3) & 7, (req[0] >> 3) & 7);
}

static uint64_t fuzz_mask(void)
{
    return (1ull << (32 + ci->precision_log2)) - 1;
}

/* A transmit stamp: want_ns with its bits below the precision fuzzed (and 1 unit of rounding). */
#define assert_stamp(tx, want_ns) assert_stamp_at(tx, want_ns, __LINE__)
static void assert_stamp_at(uint64_t tx, int64_t want_ns, int line)
{
    uint64_t want = ref_ts(want_ns);
    uint64_t dist = tx > want ? tx - want : want - tx;
    if (dist > fuzz_mask() + 1)
        fail_msg("line %d: stamp off by %llu units of 2^-32 s", line, (unsigned long long)dist);
}

static void assert_counted_once(void)
{
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    uint32_t fates = c.replied_mode2 + c.replied_mode4 + c.kod_sent + c.drop_short +
                     c.drop_bad_mode + c.drop_bad_version + c.drop_mssntp + c.drop_auth +
                     c.drop_bad_mac + c.drop_unauth + c.drop_bad_format + c.drop_acl +
                     c.drop_ratelimit + c.ctl_answered + c.ctl_errors + c.ctl_refused +
                     c.ctl_ratelimited;
    assert_int_equal(fates, c.received);
    assert_true(c.replied_auth <= c.replied_mode2 + c.replied_mode4);
}

/* ------------------------------------------------------------------ tests -- */

/* Every key of every algorithm, over a plain request and one with an extension field. */
static void test_signed_reply_per_algorithm(void **state)
{
    (void)state;
    static const char *const keys[] = { "md5_ascii",  "md5_hex20",  "sha1_hex20",
                                        "sha1_max32", "cmac_hex16", "cmac_big_id" };
    uint32_t signed_replies = 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char what[96];
        uint8_t req[256], out[OUT_SIZE];
        struct ntp_reply rep;
        snprintf(what, sizeof(what), "%s over chrony request", keys[i]);
        size_t len = signed_request(what, req);
        assert_int_equal(serve(req, len, out, &rep), 0);
        assert_signed_reply(req, len, 48, out, &rep);
        assert_int_equal(out[rep.len], 0x5A); /* nothing past the MAC */
        signed_replies++;

        /* An NTPv4 request with an extension field before its MAC: the MAC covers both. */
        snprintf(what, sizeof(what), "%s over NTPv4 request with an extension field", keys[i]);
        len = signed_request(what, req);
        assert_int_equal(serve(req, len, out, &rep), 0);
        assert_signed_reply(req, len, len - vec(what)->mac_len, out, &rep);
        assert_true(rep.len < len); /* the reply carries no extension field */
        signed_replies++;
    }
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_auth, signed_replies);
    assert_int_equal(c.replied_mode4, signed_replies);
    assert_counted_once();
}

/*
 * The transmit timestamp is inside the signed bytes: the engine reads the
 * clock, adds what signing takes, stamps, signs. With a clock that moves
 * 25 us between reads, the first reply under an algorithm is signed twice
 * (the first time to measure), and from then on the stamp is the clock
 * read just before signing plus the cost: the time signing ended.
 */
static void test_transmit_stamp_is_when_signing_ends(void **state)
{
    (void)state;
    ci = &ci_fine;
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    size_t len = signed_request("cmac_hex16 over chrony request", req);
    const int64_t d = clk.step_ns;

    int64_t t = clk.now_ns;
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_int_equal(clk.reads, 4); /* measure: read, sign, read; then stamp: read, sign, read */
    uint64_t tx = be64(out + 40);
    /* Stamped at the third read (t + 2d) plus the measured cost (d): the fourth read, t + 3d. */
    assert_stamp(tx, t + 3 * d);
    assert_true(tx >= be64(out + 32)); /* never before receive */

    /* Learnt: one pass from now on, and the stamp is again when signing ends. */
    for (int i = 0; i < 5; i++) {
        t = clk.now_ns;
        int reads = clk.reads;
        assert_int_equal(serve(req, len, out, &rep), 0);
        assert_int_equal(clk.reads - reads, 2);
        uint64_t tx2 = be64(out + 40);
        assert_stamp(tx2, t + d);
        assert_true(tx2 > tx);
        tx = tx2;
    }

    /* A slower signing (an interrupt inside it) raises the estimate by 1/16 of the excess... */
    clk.step_ns = d + 3200; /* 200 ns up */
    assert_int_equal(serve(req, len, out, &rep), 0);
    clk.step_ns = d;
    t = clk.now_ns;
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_stamp(be64(out + 40), t + d + 200);
    /* That reply's own sample (d) took it back to the minimum. A 10x longer sample moves it by
     * 1/64 of itself (1.6%), not by 1/16 of the excess (56%). */
    clk.step_ns = 10 * d;
    assert_int_equal(serve(req, len, out, &rep), 0);
    clk.step_ns = d;
    t = clk.now_ns;
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_stamp(be64(out + 40), t + d + d / 64);
    /* The next normal sample brings it back to the minimum. */
    t = clk.now_ns;
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_stamp(be64(out + 40), t + d);

    /* A clock stepped between the reads, back or forward, is no measurement. */
    static const int64_t steps_ns[] = { -2 * NS, NS };
    for (int i = 0; i < 2; i++) {
        int64_t before = clk.now_ns;
        clk.step_ns = steps_ns[i];
        assert_int_equal(serve(req, len, out, &rep), 0);
        clk.step_ns = d;
        clk.now_ns = before + NS / 1000; /* back where it was, and on */
        t = clk.now_ns;
        assert_int_equal(serve(req, len, out, &rep), 0);
        assert_stamp(be64(out + 40), t + d);
    }

    /* Each algorithm has its own estimate: SHA-1's is measured on its first reply. */
    int reads = clk.reads;
    len = signed_request("sha1_hex20 over chrony request", req);
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_int_equal(clk.reads - reads, 4);
}

/* Without a clock hook the stamp is the receive timestamp (never before it), and still signed. */
static void test_no_clock_hook(void **state)
{
    (void)state;
    ntp_server_set_clock_now(&srv, NULL, NULL);
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    size_t len = signed_request("sha1_hex20 over chrony request", req);
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_signed_reply(req, len, 48, out, &rep);
    assert_true(be64(out + 40) >= be64(out + 32));
    assert_int_equal(be64(out + 40) & ~fuzz_mask(), ref_ts(T0_S * NS) & ~fuzz_mask());
}

/* In place, as the fast path calls it: the same reply, and the request read before written. */
static void test_signed_reply_in_place(void **state)
{
    (void)state;
    struct ntp_server twin;
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep, rep2;
    size_t len = signed_request("md5_hex20 over chrony request", req);
    memcpy(&twin, &srv, sizeof(twin));
    int64_t t = clk.now_ns;
    assert_int_equal(serve(req, len, out, &rep), 0);
    memcpy(&srv, &twin, sizeof(srv));
    clk.now_ns = t;
    now_ms -= 1000;
    uint8_t buf[128];
    memcpy(buf, req, len);
    assert_int_equal(serve_from(CLIENT_IP, buf, len, T0_S * NS, buf, len, &rep2), 0);
    assert_int_equal(rep2.len, rep.len);
    assert_memory_equal(buf, out, rep.len);
    /* A buffer too small for the signed reply: refused as bad arguments, not counted. */
    struct ntp_counters before, after;
    ntp_server_get_counters(&srv, &before);
    len = signed_request("sha1_hex20 over chrony request", req);
    assert_int_equal(serve_from(CLIENT_IP, req, len, T0_S * NS, out, 71, &rep), -EINVAL);
    ntp_server_get_counters(&srv, &after);
    assert_int_equal(after.received, before.received);
}

static void expect_silence(const uint8_t *req, size_t len, int want_rc)
{
    uint8_t out[OUT_SIZE];
    struct ntp_reply rep;
    int rc = serve(req, len, out, &rep);
    if (rc != want_rc)
        fail_msg("len %zu: rc %d want %d", len, rc, want_rc);
    assert_int_equal(rep.len, 0);
    assert_false(rep.is_signed);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0x5A); /* nothing written: no crypto-NAK, no KoD */
}

static void test_bad_mac_is_silence(void **state)
{
    (void)state;
    uint8_t req[128];
    struct ntp_counters c;
    static const char *const whats[] = { "md5_ascii over chrony request",
                                         "sha1_hex20 over chrony request",
                                         "cmac_hex16 over chrony request" };
    for (size_t i = 0; i < 3; i++) {
        size_t len = signed_request(whats[i], req);
        /* A bit of the digest, of the header (after signing: a forged field), or of the key id
         * into another known key's. */
        req[len - 1] ^= 0x01;
        expect_silence(req, len, -EPERM);
        req[len - 1] ^= 0x01;
        req[40] ^= 0x80;
        expect_silence(req, len, -EPERM);
        req[40] ^= 0x80;
    }
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_bad_mac, 6);

    /* Key 7 is MD5 and key 1 SHA-1: the MD5 MAC relabelled key 1 is 4 bytes short of a SHA-1 one. */
    size_t len = signed_request("md5_ascii over chrony request", req);
    req[51] = 1;
    expect_silence(req, len, -EPERM);
    /* The SHA-1 MAC relabelled as key 10 (MD5): a digest MD5 cannot make. */
    len = signed_request("sha1_hex20 over chrony request", req);
    req[51] = 10;
    expect_silence(req, len, -EPERM);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_bad_mac, 8);
    assert_int_equal(c.replied_mode4, 0);
    assert_counted_once();
}

static void test_unknown_key_and_crypto_nak(void **state)
{
    (void)state;
    uint8_t req[128];
    struct ntp_counters c;
    size_t len = signed_request("sha1_hex20 over chrony request", req);
    req[51] = 99; /* key 99: nobody's */
    expect_silence(req, len, -EPERM);
    expect_silence(req_crypto_nak, sizeof(req_crypto_nak), -EPERM);
    /* Held but unusable (a 15-byte AES key): as if unknown. */
    len = signed_request("cmac_hex16 over chrony request", req);
    req[48] = 0;
    req[49] = 0;
    req[50] = BAD_CMAC_KEY_ID >> 8;
    req[51] = BAD_CMAC_KEY_ID & 0xFF;
    expect_silence(req, len, -EPERM);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_auth, 3);
    assert_int_equal(c.drop_bad_mac, 0);
    assert_counted_once();
}

/* A 68-byte request is an MD5 or CMAC MAC when its key id is ours, MS-SNTP when not. */
static void test_mssntp_rule(void **state)
{
    (void)state;
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    struct ntp_counters c;
    size_t len = signed_request("md5_ascii over chrony request", req);
    assert_int_equal(len, 68);
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_signed_reply(req, len, 48, out, &rep);
    assert_int_equal(rep.len, 68);
    len = signed_request("cmac_big_id over chrony request", req);
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_int_equal(rep.len, 68);
    expect_silence(req_mssntp_68, sizeof(req_mssntp_68), -EPROTO);
    expect_silence(req_mssntp_120, sizeof(req_mssntp_120), -EPROTO);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_mssntp, 2);
    assert_int_equal(c.replied_auth, 2);
    assert_counted_once();
}

static void test_auth_required(void **state)
{
    (void)state;
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    struct ntp_counters c;
    assert_int_equal(ntp_server_auth_require_add(&srv, IP(192, 168, 1, 0), 24), 0);

    /* No MAC from the listed subnet: dropped; from elsewhere: served as ever. */
    expect_silence(req_chrony, 48, -EACCES);
    assert_int_equal(serve_from(IP(192, 168, 2, 9), req_chrony, 48, T0_S * NS, out, OUT_SIZE, &rep),
                     0);
    assert_false(rep.is_signed);
    assert_true(rep.stamp_tx);
    /* A good MAC from the listed subnet: served, signed. A bad one: bad MAC, not unauth. */
    size_t len = signed_request("sha1_max32 over chrony request", req);
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_signed_reply(req, len, 48, out, &rep);
    req[60] ^= 4;
    expect_silence(req, len, -EPERM);
    /* MS-SNTP stays MS-SNTP. */
    expect_silence(req_mssntp_68, sizeof(req_mssntp_68), -EPROTO);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_unauth, 1);
    assert_int_equal(c.drop_bad_mac, 1);
    assert_int_equal(c.drop_mssntp, 1);

    /* 0.0.0.0/0: everyone authenticates; removing the entries serves everyone again. */
    assert_int_equal(ntp_server_auth_require_add(&srv, 0, 0), 0);
    assert_int_equal(serve_from(IP(10, 1, 2, 3), req_ntpd, 48, T0_S * NS, out, OUT_SIZE, &rep),
                     -EACCES);
    ntp_server_auth_require_clear(&srv);
    assert_int_equal(serve(req_chrony, 48, out, &rep), 0);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_unauth, 2);
    assert_counted_once();
}

/* chrony `xleave` with `key`: the interleaved reply carries the last departure, signed. */
static void test_interleaved_signed(void **state)
{
    (void)state;
    const uint32_t ip = IP(192, 168, 1, 77);
    struct ntp_key k = key_of(3); /* AES-128-CMAC */
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    int64_t t = T0_S * NS;

    /* 1: basic, signed; the glue reports when it left. */
    memcpy(req, req_chrony, 48);
    size_t mac_len;
    assert_int_equal(ntp_auth_sign(&k, req, 48, &mac_len), 0);
    assert_int_equal(serve_from(ip, req, 48 + mac_len, t, out, OUT_SIZE, &rep), 0);
    assert_true(rep.is_signed && !rep.is_interleaved && !rep.stamp_tx);
    uint64_t rx1 = be64(out + 32);
    uint64_t tx1 = be64(out + 40);
    ntp_server_transmit_time(&srv, ip, rx1, tx1);
    uint64_t tx1_done = tx1 + 12345; /* the MAC's transmit-complete event */
    ntp_server_transmit_time(&srv, ip, rx1, tx1_done);

    /* 2: interleaved request (originate = rx1, receive != transmit), signed by the client. */
    t += NS;
    memcpy(req, req_chrony, 48);
    for (int i = 0; i < 8; i++) {
        req[24 + i] = (uint8_t)(rx1 >> (56 - 8 * i));
        req[32 + i] = (uint8_t)(ref_ts(t - NS / 2) >> (56 - 8 * i));
        req[40 + i] = (uint8_t)(ref_ts(t) >> (56 - 8 * i));
    }
    assert_int_equal(ntp_auth_sign(&k, req, 48, &mac_len), 0);
    int reads = clk.reads;
    assert_int_equal(serve_from(ip, req, 48 + mac_len, t + 1000, out, OUT_SIZE, &rep), 0);
    assert_true(rep.is_signed && rep.is_interleaved && !rep.stamp_tx);
    assert_int_equal(clk.reads, reads); /* nothing to stamp: the clock is not read */
    assert_int_equal(rep.len, 48 + mac_len);
    assert_true(be64(out + 40) == tx1_done);    /* the previous reply's departure */
    assert_memory_equal(out + 24, req + 32, 8); /* originate: the request's receive */
    assert_memory_equal(out + 48, req + 48, 4); /* key id */
    assert_int_equal(ntp_auth_verify(&k, out, 48, out + 52, 16), 0);
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_interleaved, 1);
    assert_int_equal(c.replied_auth, 2);
    assert_counted_once();
}

/* Over the limit: a sampled request with a good MAC gets a signed RATE KoD; a bad MAC, nothing. */
static void test_kod_signed(void **state)
{
    (void)state;
    struct ratelimit_params p;
    ntp_server_get_ratelimit(&srv, &p);
    p.enabled = true;
    p.interval_log2 = 12; /* 4096 s between requests: the second one is over */
    p.burst = 1;
    p.leak_log2 = 0; /* every one over the limit a KoD */
    assert_int_equal(ntp_server_set_ratelimit(&srv, &p), 0);
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    size_t len = signed_request("sha1_hex20 over chrony request", req);
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_int_equal(out[1], 1); /* the first: a real reply */
    assert_int_equal(serve(req, len, out, &rep), 0);
    assert_true(rep.is_signed && !rep.stamp_tx);
    assert_int_equal(rep.len, len);
    assert_int_equal(out[1], 0);
    assert_memory_equal(out + 12, "RATE", 4);
    struct ntp_key k = key_of(1);
    assert_int_equal(ntp_auth_verify(&k, out, 48, out + 52, 20), 0);
    assert_true(be64(out + 40) >= be64(out + 32));
    /* A bad MAC over the limit: no KoD (it is not from who it claims). */
    req[len - 3] ^= 0x10;
    expect_silence(req, len, -EPERM);
    /* An unsigned request over the limit still gets its unsigned KoD. */
    assert_int_equal(serve(req_chrony, 48, out, &rep), 0);
    assert_true(rep.stamp_tx && !rep.is_signed);
    assert_int_equal(rep.len, 48);
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.kod_sent, 2);
    assert_int_equal(c.replied_auth, 1); /* KoDs are not replies */
    assert_int_equal(c.drop_bad_mac, 1);
    assert_counted_once();
}

/* A dropped request over the limit costs no digest: counted as rate-limited, even with a bad MAC. */
static void test_rate_limit_before_digest(void **state)
{
    (void)state;
    struct ratelimit_params p;
    ntp_server_get_ratelimit(&srv, &p);
    p.enabled = true;
    p.interval_log2 = 12;
    p.burst = 1;
    p.leak_log2 = RATELIMIT_LEAK_LOG2_MAX;
    assert_int_equal(ntp_server_set_ratelimit(&srv, &p), 0);
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    size_t len = signed_request("cmac_hex16 over chrony request", req);
    assert_int_equal(serve(req, len, out, &rep), 0);
    req[len - 1] ^= 1; /* forged from here on */
    int dropped = 0;
    for (int i = 0; i < 50; i++) {
        int rc = serve(req, len, out, &rep);
        assert_true(rc == -EAGAIN || rc == -EPERM);
        dropped += rc == -EAGAIN;
    }
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_ratelimit, (uint32_t)dropped);
    assert_true(dropped >= 45); /* a KoD sample (then a digest, and silence) is rare at leak 16 */
    assert_int_equal(c.drop_bad_mac, 50 - dropped);
    assert_counted_once();
}

/* Mode 1 (symmetric active, ntpd's `peer ... key N`) is answered in mode 2, signed. */
static void test_symmetric_signed(void **state)
{
    (void)state;
    uint8_t req[128], out[OUT_SIZE];
    struct ntp_reply rep;
    struct ntp_key k = key_of(10);
    memcpy(req, req_win_mode1_first, 48);
    size_t mac_len;
    assert_int_equal(ntp_auth_sign(&k, req, 48, &mac_len), 0);
    assert_int_equal(serve(req, 48 + mac_len, out, &rep), 0);
    assert_signed_reply(req, 48 + mac_len, 48, out, &rep);
    assert_int_equal(out[0] & 7, 2);
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_mode2, 1);
    assert_int_equal(c.replied_auth, 1);
}

/* Mode 6 with a MAC (ntpq's write requests carry one): unsigned, as before, management only. */
static void test_mode6_mac_ignored(void **state)
{
    (void)state;
    assert_int_equal(ntp_server_mgmt_add(&srv, IP(192, 168, 1, 0), 24), 0);
    uint8_t req[12 + 20], out[OUT_SIZE];
    struct ntp_reply rep;
    memcpy(req, req_ntpq_rv, 12);
    memcpy(req + 12, vec("md5_ascii over chrony request")->mac, 20);
    assert_int_equal(serve(req, sizeof(req), out, &rep), 0);
    assert_false(rep.is_signed);
    assert_int_equal(out[0] & 7, 6);
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_auth, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_signed_reply_per_algorithm, setup),
        cmocka_unit_test_setup(test_transmit_stamp_is_when_signing_ends, setup),
        cmocka_unit_test_setup(test_no_clock_hook, setup),
        cmocka_unit_test_setup(test_signed_reply_in_place, setup),
        cmocka_unit_test_setup(test_bad_mac_is_silence, setup),
        cmocka_unit_test_setup(test_unknown_key_and_crypto_nak, setup),
        cmocka_unit_test_setup(test_mssntp_rule, setup),
        cmocka_unit_test_setup(test_auth_required, setup),
        cmocka_unit_test_setup(test_interleaved_signed, setup),
        cmocka_unit_test_setup(test_kod_signed, setup),
        cmocka_unit_test_setup(test_rate_limit_before_digest, setup),
        cmocka_unit_test_setup(test_symmetric_signed, setup),
        cmocka_unit_test_setup(test_mode6_mac_ignored, setup),
    };
    return cmocka_run_group_tests_name("ntp_server_auth", tests, NULL, NULL);
}
