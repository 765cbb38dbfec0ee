/*
 * Tests for the NTP server engine (ntp_server.c): the byte-exact requests
 * of real clients in fakes/ntp_requests.h answered field by field, what is
 * dropped and why, the transmit stamp, the counters and the settings.
 * Rate limiting is in test_ntp_ratelimit.c, mode 6 in test_ntp_control.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "fakes/ntp_ref.h"
#include "fakes/ntp_requests.h"
#include "ntp/ntp.h"
#include "ntp/ntp_time.h"
#include "ntp/ratelimit.h"

#define NS             1000000000LL
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

#define T0_S      1764097200LL /* 2025-11-25T19:00:00Z = NTP 0xECD07B30 */
#define CLIENT_IP IP(192, 168, 1, 50)
#define SEED      12345u

static struct ntp_server srv;
/* Monotonic ms of the next request: one per simulated second, well inside the rate limit. */
static uint64_t now_ms;

/* Trusted clock: precision -20 (12 fuzz bits), last update 300 s ago, 1 ms dispersion. */
static const struct ntp_clock_info ci_ok = {
    .synced = true,
    .leap = 0,
    .precision_log2 = -20,
    .ref_ns = (T0_S - 300) * NS,
    .root_disp_us = 1000,
};

static int setup(void **state)
{
    (void)state;
    ntp_server_init(&srv, SEED);
    now_ms = 1000;
    return 0;
}


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

static uint64_t fuzz_mask(int8_t precision_log2)
{
    int bits = 32 + precision_log2;
    if (bits <= 0)
        return 0;
    return bits >= 32 ? 0xFFFFFFFFull : (1ull << bits) - 1;
}

static int serve_from_port(uint32_t ip, uint16_t port, const uint8_t *req, size_t len,
                           int64_t rx_ns, uint64_t mono_ms, const struct ntp_clock_info *ci,
                           uint8_t *out, struct ntp_reply *rep)
{
    struct ntp_request rq = {
        .data = req,
        .len = len,
        .src_ip = ip,
        .src_port = port,
        .rx_ts = ref_ts(rx_ns),
        .mono_ms = mono_ms,
    };
    memset(out, 0x5A, 512);
    return ntp_server_handle(&srv, &rq, ci, out, 512, rep);
}

static int serve_from(uint32_t ip, const uint8_t *req, size_t len, int64_t rx_ns, uint64_t mono_ms,
                      const struct ntp_clock_info *ci, uint8_t *out, struct ntp_reply *rep)
{
    return serve_from_port(ip, 49152, req, len, rx_ns, mono_ms, ci, out, rep);
}

static int serve(const uint8_t *req, size_t len, int64_t rx_ns, const struct ntp_clock_info *ci,
                 uint8_t *out, struct ntp_reply *rep)
{
    now_ms += 1000;
    return serve_from(CLIENT_IP, req, len, rx_ns, now_ms, ci, out, rep);
}

/*
 * Checks every field of a time reply against the request and clock info:
 * exact bytes everywhere except the fuzz bits of receive (and the
 * provisional transmit, equal to receive).
 */
static void assert_time_reply(const uint8_t *req, const uint8_t *out,
                              const struct ntp_clock_info *ci, uint8_t li, uint8_t stratum,
                              const char refid[4], int64_t rx_ns)
{
    uint8_t vn = (req[0] >> 3) & 7;
    /* Mode 1 is answered in mode 2; mode 3 and NTPv1's mode 0 in mode 4. */
    uint8_t reply_mode = (req[0] & 7) == 1 ? 2 : 4;

    assert_int_equal(out[0], (li << 6) | (vn << 3) | reply_mode);
    assert_int_equal(out[1], stratum);
    assert_int_equal(out[2], req[2]); /* poll echoed */
    assert_int_equal(out[3], (uint8_t)ci->precision_log2);
    assert_int_equal(be32(out + 4), 0); /* root delay */
    assert_int_equal(be32(out + 8), ((uint64_t)ci->root_disp_us * 65536 + 999999) / 1000000);
    assert_memory_equal(out + 12, refid, 4);
    assert_int_equal(be64(out + 16), ci->ref_ns ? ref_ts(ci->ref_ns) : 0);
    assert_memory_equal(out + 24, req + 40, 8); /* originate */
    uint64_t mask = fuzz_mask(ci->precision_log2);
    uint64_t rx = be64(out + 32);
    assert_int_equal(rx & ~mask, ref_ts(rx_ns) & ~mask);
    assert_memory_equal(out + 40, out + 32, 8); /* provisional transmit */
}

/* ------------------------------------------------------------- literals -- */

static void test_windows_mode3_first_literal(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    /* rx = T0 + 0.5 s exactly: receive 0xECD07B30.80000000 before fuzz. */
    int rc = serve(req_win_mode3_first, sizeof(req_win_mode3_first), T0_S * NS + NS / 2, &ci_ok,
                   out, &rep);
    static const uint8_t want[48] = {
        0x1C, 0x01, 0x11, 0xEC, /* LI 0 VN 3 mode 4, stratum 1, poll 17, precision -20 */
        0x00, 0x00, 0x00, 0x00, /* root delay 0 */
        0x00, 0x00, 0x00, 0x42, /* 1 ms = 65.536 units, rounded up */
        'L',  'O',  'C',  'L',  0xEC, 0xD0, 0x7A, 0x04,
        0x00, 0x00, 0x00, 0x00,                         /* reference T0 - 300 s */
        0xEC, 0xD0, 0x7B, 0x2F, 0xF3, 0x1C, 0x8A, 0x00, /* originate = request transmit */
        0xEC, 0xD0, 0x7B, 0x30, 0x80, 0x00, 0x00, 0x00, /* receive, low 12 bits fuzz */
        0xEC, 0xD0, 0x7B, 0x30, 0x80, 0x00, 0x00, 0x00, /* provisional transmit = receive */
    };
    static const uint8_t fuzz[48] = {
        [38] = 0x0F,
        [39] = 0xFF,
        [46] = 0x0F,
        [47] = 0xFF,
    };

    assert_int_equal(rc, 0);
    assert_int_equal(rep.len, 48);
    assert_true(rep.stamp_tx);
    assert_false(rep.more_fragments);
    for (int i = 0; i < 48; i++)
        if ((out[i] & ~fuzz[i]) != want[i])
            fail_msg("byte %d: got %02x want %02x (fuzz mask %02x)", i, out[i], want[i], fuzz[i]);
    assert_int_equal(out[48], 0x5A); /* nothing written past the reply */
}

static void test_windows_mode1_literal(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_clock_info ci = ci_ok;
    ci.precision_log2 = -23; /* 9 fuzz bits */
    ci.root_disp_us = 250000;

    int rc =
        serve(req_win_mode1_first, sizeof(req_win_mode1_first), T0_S * NS + NS / 4, &ci, out, &rep);
    static const uint8_t want[48] = {
        0x1A, 0x01, 0x0F, 0xE9, /* LI 0 VN 3 mode 2 (symmetric passive), stratum 1, poll 15, -23 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, /* 0.25 s */
        'L',  'O',  'C',  'L',  0xEC, 0xD0, 0x7A, 0x04, 0x00, 0x00, 0x00, 0x00,
        0xEC, 0xD0, 0x7B, 0x30, 0x01, 0x4F, 0x27, 0x80, 0xEC, 0xD0, 0x7B, 0x30,
        0x40, 0x00, 0x00, 0x00, 0xEC, 0xD0, 0x7B, 0x30, 0x40, 0x00, 0x00, 0x00,
    };
    static const uint8_t fuzz[48] = {
        [38] = 0x01,
        [39] = 0xFF,
        [46] = 0x01,
        [47] = 0xFF,
    };

    assert_int_equal(rc, 0);
    assert_int_equal(rep.len, 48);
    for (int i = 0; i < 48; i++)
        if ((out[i] & ~fuzz[i]) != want[i])
            fail_msg("byte %d: got %02x want %02x", i, out[i], want[i]);

    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_mode2, 1);
    assert_int_equal(c.replied_mode4, 0);
    assert_int_equal(c.replied_version[2], 1);
}

/* ------------------------------------------------------- every client -- */

struct client_case {
    const char *name;
    const uint8_t *req;
    size_t len;
};

static void test_every_client_served(void **state)
{
    (void)state;
    static uint8_t v3_pad1[49], v2_des[60], v4_pad2[50];
    memcpy(v3_pad1, req_win_mode3_synced, 48);
    memcpy(v2_des, req_ntpv2, 48);
    memcpy(v4_pad2, req_chrony, 48);
    /* NTPv2 (RFC 1119) authenticator: key id + 64-bit DES checksum, not ours to judge. */
    memcpy(v2_des + 48, "\x00\x00\x00\x05\x11\x22\x33\x44\x55\x66\x77\x88", 12);

    const struct client_case cases[] = {
        { "windows mode 3 first", req_win_mode3_first, sizeof(req_win_mode3_first) },
        { "windows mode 1 first", req_win_mode1_first, sizeof(req_win_mode1_first) },
        { "windows synced", req_win_mode3_synced, sizeof(req_win_mode3_synced) },
        { "w32tm stripchart", req_w32tm_stripchart, sizeof(req_w32tm_stripchart) },
        { "chrony", req_chrony, sizeof(req_chrony) },
        { "ntpd", req_ntpd, sizeof(req_ntpd) },
        { "ntpdig", req_ntpdig, sizeof(req_ntpdig) },
        { "busybox", req_busybox, sizeof(req_busybox) },
        { "systemd-timesyncd", req_timesyncd, sizeof(req_timesyncd) },
        { "ntpv2", req_ntpv2, sizeof(req_ntpv2) },
        { "ntpv1", req_ntpv1, sizeof(req_ntpv1) },
        { "ntpv1 without a mode", req_ntpv1_mode0, sizeof(req_ntpv1_mode0) },
        { "v4 extension field", req_v4_ef, sizeof(req_v4_ef) },
        { "v4 two extension fields", req_v4_two_efs, sizeof(req_v4_two_efs) },
        { "v3 + 1 byte", v3_pad1, sizeof(v3_pad1) },
        { "v2 + DES authenticator", v2_des, sizeof(v2_des) },
        { "v4 + 2 bytes", v4_pad2, sizeof(v4_pad2) },
    };
    uint32_t by_version[4] = { 0 };
    uint32_t mode2 = 0, mode4 = 0;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t out[512];
        struct ntp_reply rep;
        int64_t rx_ns = T0_S * NS + 987654321 + (int64_t)i * 1000;
        int rc = serve_from(CLIENT_IP + (uint32_t)i, cases[i].req, cases[i].len, rx_ns, 1000,
                            &ci_ok, out, &rep);
        if (rc != 0)
            fail_msg("%s: rc %d", cases[i].name, rc);
        assert_int_equal(rep.len, 48);
        assert_true(rep.len <= cases[i].len); /* never larger than the request */
        assert_true(rep.stamp_tx);
        assert_time_reply(cases[i].req, out, &ci_ok, 0, 1, "LOCL", rx_ns);
        by_version[((cases[i].req[0] >> 3) & 7) - 1]++;
        if ((cases[i].req[0] & 7) == 1)
            mode2++;
        else
            mode4++;
    }
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.received, sizeof(cases) / sizeof(cases[0]));
    assert_int_equal(c.replied_mode2, mode2);
    assert_int_equal(c.replied_mode4, mode4);
    assert_memory_equal(c.replied_version, by_version, sizeof(by_version));
}

/*
 * NTPv1 has no mode field (RFC 1059): a client's request carries 0 there
 * and comes from a port other than 123. It is answered in mode 4 with
 * version 1, as chrony does; from port 123 it would be an NTPv1 peer and
 * gets nothing. Mode 0 in any later version is still refused.
 */
static void test_ntpv1_without_mode(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_counters c;
    int64_t rx_ns = T0_S * NS + NS / 2;

    assert_int_equal(
        serve_from_port(CLIENT_IP, 1023, req_ntpv1_mode0, 48, rx_ns, 1000, &ci_ok, out, &rep), 0);
    assert_int_equal(rep.len, 48);
    assert_true(rep.stamp_tx);
    assert_int_equal(out[0], 0x0C); /* LI 0, VN 1, mode 4 */
    assert_time_reply(req_ntpv1_mode0, out, &ci_ok, 0, 1, "LOCL", rx_ns);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_mode4, 1);
    assert_int_equal(c.replied_version[0], 1);

    /* From port 123: an NTPv1 peer, not a client. */
    assert_int_equal(
        serve_from_port(CLIENT_IP, 123, req_ntpv1_mode0, 48, rx_ns, 2000, &ci_ok, out, &rep),
        -EOPNOTSUPP);
    assert_int_equal(rep.len, 0);
    /* Mode 0 from a client port in versions 2..4: reserved, refused. */
    uint8_t req[48];
    for (uint8_t vn = 2; vn <= 4; vn++) {
        memcpy(req, req_ntpv1_mode0, 48);
        req[0] = (uint8_t)(vn << 3);
        assert_int_equal(
            serve_from_port(CLIENT_IP, 1023, req, 48, rx_ns, 3000u + vn, &ci_ok, out, &rep),
            -EOPNOTSUPP);
    }
    /* Shorter than the header: short, whatever the version. */
    assert_int_equal(
        serve_from_port(CLIENT_IP, 1023, req_ntpv1_mode0, 47, rx_ns, 4000, &ci_ok, out, &rep),
        -EMSGSIZE);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_bad_mode, 4);
    assert_int_equal(c.drop_short, 1);
    assert_int_equal(c.replied_mode4, 1);

    /* Over the rate limit, the kiss is a mode 4 reply too. */
    struct ratelimit_params p = {
        .enabled = true, .interval_log2 = 12, .burst = 1, .leak_log2 = 1
    };
    assert_int_equal(ntp_server_set_ratelimit(&srv, &p), 0);
    bool is_kissed = false;
    for (int i = 0; i < 40 && !is_kissed; i++) {
        int rc = serve_from_port(IP(192, 168, 1, 77), 1023, req_ntpv1_mode0, 48, rx_ns, 5000,
                                 &ci_ok, out, &rep);
        if (rc == 0 && memcmp(out + 12, "RATE", 4) == 0) {
            assert_int_equal(out[0], 0xCC); /* LI 3, VN 1, mode 4 */
            is_kissed = true;
        }
    }
    assert_true(is_kissed);
}

static void test_unsynchronized(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_clock_info ci = ci_ok;
    ci.synced = false;
    ci.ref_ns = 0; /* never set */
    ci.root_disp_us = 16000000;

    assert_int_equal(serve(req_chrony, 48, T0_S * NS, &ci, out, &rep), 0);
    assert_time_reply(req_chrony, out, &ci, 3, 16, "LOCL", T0_S * NS);
    assert_int_equal(be64(out + 16), 0);
    assert_int_equal(be32(out + 8), 16u << 16);

    /* A leap warning is overridden by the alarm while untrusted. */
    ci.leap = 1;
    ci.ref_ns = ci_ok.ref_ns;
    assert_int_equal(serve(req_win_mode1_first, 48, T0_S * NS, &ci, out, &rep), 0);
    assert_time_reply(req_win_mode1_first, out, &ci, 3, 16, "LOCL", T0_S * NS);
}

static void test_leap_warning(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_clock_info ci = ci_ok;

    for (uint8_t leap = 0; leap <= 3; leap++) {
        ci.leap = leap;
        assert_int_equal(serve(req_ntpd, 48, T0_S * NS, &ci, out, &rep), 0);
        /* 3 from the clock is an alarm too; the stratum stays (the time is trusted). */
        assert_time_reply(req_ntpd, out, &ci, leap, 1, "LOCL", T0_S * NS);
    }
}

static void test_request_fields_never_copied(void **state)
{
    (void)state;
    uint8_t a[512], b[512];
    struct ntp_reply rep;
    uint8_t req[48];

    memcpy(req, req_win_mode3_synced, 48);
    ntp_server_init(&srv, SEED);
    assert_int_equal(serve(req, 48, T0_S * NS, &ci_ok, a, &rep), 0);

    /* Change every request field but the version, mode, poll and transmit. */
    req[0] = (uint8_t)((req[0] & 0x3F) | 0xC0); /* LI 3 */
    req[1] = 0;
    req[3] = 0x7F;
    for (int i = 4; i < 40; i++)
        req[i] ^= 0xA5;
    ntp_server_init(&srv, SEED); /* same fuzz sequence */
    assert_int_equal(serve(req, 48, T0_S * NS, &ci_ok, b, &rep), 0);
    assert_memory_equal(a, b, 48);
}

static void test_request_is_not_written(void **state)
{
    (void)state;
    uint8_t req[84], copy[84], out[512];
    struct ntp_reply rep;

    memcpy(req, req_v4_ef, sizeof(req));
    memcpy(copy, req, sizeof(req));
    assert_int_equal(serve(req, sizeof(req), T0_S * NS, &ci_ok, out, &rep), 0);
    ntp_server_stamp_transmit(&srv, out, ref_ts(T0_S * NS + 1000));
    assert_memory_equal(req, copy, sizeof(req));
}

/* ---------------------------------------------------------------- drops -- */

static void expect_drop(const uint8_t *req, size_t len, int want_rc)
{
    uint8_t out[512];
    struct ntp_reply rep;
    int rc = serve(req, len, T0_S * NS, &ci_ok, out, &rep);

    if (rc != want_rc)
        fail_msg("len %zu byte0 %02x: rc %d want %d", len, len ? req[0] : 0, rc, want_rc);
    assert_int_equal(rep.len, 0);
    assert_false(rep.stamp_tx);
    assert_int_equal(out[0], 0x5A); /* nothing written */
}

static void test_mssntp_ignored(void **state)
{
    (void)state;
    struct ntp_counters c;

    expect_drop(req_mssntp_68, sizeof(req_mssntp_68), -EPROTO);
    expect_drop(req_mssntp_120, sizeof(req_mssntp_120), -EPROTO);
    /* Indistinguishable from MS-SNTP: an MD5 MAC for a key we lack counts there too. */
    expect_drop(req_v4_mac_md5, sizeof(req_v4_mac_md5), -EPROTO);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_mssntp, 3);
    assert_int_equal(c.drop_auth, 0);
    assert_int_equal(c.replied_mode4, 0);
}

static void test_auth_unknown_key(void **state)
{
    (void)state;
    struct ntp_counters c;

    expect_drop(req_v4_mac_sha1, sizeof(req_v4_mac_sha1), -EPERM);
    expect_drop(req_v4_ef_mac, sizeof(req_v4_ef_mac), -EPERM);
    expect_drop(req_crypto_nak, sizeof(req_crypto_nak), -EPERM);

    /* NTPv3 with an MD5 MAC of a length other than 68 bytes cannot exist; a v3 SHA1 MAC can. */
    uint8_t v3_sha1[72];
    memcpy(v3_sha1, req_v4_mac_sha1, 72);
    v3_sha1[0] = 0x1B;
    expect_drop(v3_sha1, sizeof(v3_sha1), -EPERM);

    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_auth, 4);
    assert_int_equal(c.drop_mssntp, 0);
}

struct hook_log {
    int calls;
    uint32_t last_key_id;
    uint32_t known_key_id;
};

static int fake_key_lookup(void *ctx, uint32_t key_id, struct ntp_key *key)
{
    struct hook_log *log = ctx;

    log->calls++;
    log->last_key_id = key_id;
    if (key_id != log->known_key_id)
        return -ENOENT;
    memset(key, 0, sizeof(*key));
    key->key_id = key_id;
    key->algorithm = NTP_KEY_MD5;
    key->secret_len = 8;
    memcpy(key->secret, "appliance", 8);
    return 0;
}

static void test_key_lookup_hook(void **state)
{
    (void)state;
    struct hook_log log = { .known_key_id = 7 };
    struct ntp_counters c;

    ntp_server_set_key_lookup(&srv, fake_key_lookup, &log);

    /* Key 7 is known: a real MAC, not MS-SNTP, whose made-up digest does not verify. */
    expect_drop(req_v4_mac_md5, sizeof(req_v4_mac_md5), -EPERM);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.last_key_id, 7);

    /* MS-SNTP's little-endian RID read as an NTP key id: unknown, so MS-SNTP. */
    expect_drop(req_mssntp_68, sizeof(req_mssntp_68), -EPROTO);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.last_key_id, 0x50040000u);

    expect_drop(req_v4_ef_mac, sizeof(req_v4_ef_mac), -EPERM);
    assert_int_equal(log.last_key_id, 3);

    /* A plain request never asks the hook. */
    uint8_t out[512];
    struct ntp_reply rep;
    assert_int_equal(serve(req_chrony, 48, T0_S * NS, &ci_ok, out, &rep), 0);
    assert_int_equal(log.calls, 3);

    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_bad_mac, 1);
    assert_int_equal(c.drop_auth, 1);
    assert_int_equal(c.drop_mssntp, 1);
}

static void test_malformed(void **state)
{
    (void)state;
    uint8_t req[256];
    struct ntp_counters c;

    /* Short. */
    expect_drop(req_chrony, 47, -EMSGSIZE);
    expect_drop(req_chrony, 1, -EMSGSIZE);
    expect_drop(req_chrony, 0, -EMSGSIZE);

    /* Extension field lengths: unaligned, below 16, past the end, 8 bytes left over. */
    memcpy(req, req_v4_ef, sizeof(req_v4_ef));
    req[51] = 18;
    expect_drop(req, 84, -EBADMSG);
    req[51] = 8;
    expect_drop(req, 84, -EBADMSG);
    req[51] = 200;
    expect_drop(req, 84, -EBADMSG);
    req[51] = 36;
    memset(req + 84, 0, 8);
    expect_drop(req, 92, -EBADMSG);
    req[51] = 0;
    expect_drop(req, 84, -EBADMSG);

    /* Modes other than 1 and 3 (6 is mode 6's own test). */
    const uint8_t bad_modes[] = { 0, 2, 4, 5, 7 };
    for (size_t i = 0; i < sizeof(bad_modes); i++) {
        memcpy(req, req_chrony, 48);
        req[0] = (uint8_t)(0x20 | bad_modes[i]);
        expect_drop(req, 48, -EOPNOTSUPP);
    }
    /* Versions 0 and 5..7. */
    const uint8_t bad_versions[] = { 0, 5, 6, 7 };
    for (size_t i = 0; i < sizeof(bad_versions); i++) {
        memcpy(req, req_chrony, 48);
        req[0] = (uint8_t)((bad_versions[i] << 3) | 3);
        expect_drop(req, 48, -EPROTONOSUPPORT);
    }
    /* Mode 7 in any size, from anyone. */
    expect_drop(req_monlist, sizeof(req_monlist), -EOPNOTSUPP);

    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_short, 3);
    assert_int_equal(c.drop_bad_format, 5);
    assert_int_equal(c.drop_bad_mode, 6);
    assert_int_equal(c.drop_bad_version, 4);
    assert_int_equal(c.replied_mode4 + c.replied_mode2 + c.kod_sent, 0);
    assert_int_equal(c.received, 18);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_request rq = { .data = req_chrony, .len = 48, .src_ip = CLIENT_IP };
    struct ntp_counters c;

    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, out, 47, &rep), -EINVAL);
    assert_int_equal(ntp_server_handle(&srv, NULL, &ci_ok, out, 48, &rep), -EINVAL);
    assert_int_equal(ntp_server_handle(&srv, &rq, NULL, out, 48, &rep), -EINVAL);
    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, NULL, 48, &rep), -EINVAL);
    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, out, 48, NULL), -EINVAL);
    rq.data = NULL;
    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, out, 48, &rep), -EINVAL);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.received, 0);
    /* Exactly 48 bytes of room is enough. */
    rq.data = req_chrony;
    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, out, 48, &rep), 0);
}

static void test_acl_refuses(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_counters c;
    struct acl_entry e;

    assert_int_equal(ntp_server_acl_add(&srv, IP(192, 168, 1, 0), 24, ACL_ALLOW), 0);
    assert_int_equal(ntp_server_acl_add(&srv, IP(192, 168, 1, 64), 26, ACL_DENY), 0);
    assert_int_equal(ntp_server_acl_get(&srv, 0, &e), 0);
    assert_int_equal(e.prefix_len, 26);
    assert_int_equal(ntp_server_acl_get(&srv, 2, &e), -ENOENT);

    assert_int_equal(
        serve_from(IP(192, 168, 1, 10), req_chrony, 48, T0_S * NS, 0, &ci_ok, out, &rep), 0);
    assert_int_equal(
        serve_from(IP(192, 168, 1, 70), req_chrony, 48, T0_S * NS, 0, &ci_ok, out, &rep), -EACCES);
    assert_int_equal(serve_from(IP(10, 0, 0, 1), req_chrony, 48, T0_S * NS, 0, &ci_ok, out, &rep),
                     -EACCES);
    assert_int_equal(rep.len, 0);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_acl, 2);
    assert_int_equal(c.replied_mode4, 1);

    assert_int_equal(ntp_server_acl_remove(&srv, IP(192, 168, 1, 0), 24), 0);
    assert_int_equal(serve_from(IP(10, 0, 0, 1), req_chrony, 48, T0_S * NS, 0, &ci_ok, out, &rep),
                     0);
    ntp_server_acl_clear(&srv);
    assert_int_equal(
        serve_from(IP(192, 168, 1, 70), req_chrony, 48, T0_S * NS, 0, &ci_ok, out, &rep), 0);
}

/* ------------------------------------------------------ transmit stamp -- */

static void test_stamp_changes_only_transmit(void **state)
{
    (void)state;
    uint8_t out[512], before[512];
    struct ntp_reply rep;
    int64_t rx_ns = T0_S * NS + 100000000;
    int64_t tx_ns = rx_ns + 35000; /* 35 us later */

    assert_int_equal(serve(req_win_mode3_synced, 48, rx_ns, &ci_ok, out, &rep), 0);
    memcpy(before, out, sizeof(out));
    ntp_server_stamp_transmit(&srv, out, ref_ts(tx_ns));
    assert_memory_equal(out, before, 40);
    assert_memory_equal(out + 48, before + 48, sizeof(out) - 48);
    uint64_t mask = fuzz_mask(ci_ok.precision_log2);
    assert_int_equal(be64(out + 40) & ~mask, ref_ts(tx_ns) & ~mask);
    assert_true(be64(out + 40) > be64(out + 32));
}

static void test_stamp_not_before_receive(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    int64_t rx_ns = T0_S * NS + 100000000;

    assert_int_equal(serve(req_chrony, 48, rx_ns, &ci_ok, out, &rep), 0);
    ntp_server_stamp_transmit(&srv, out,
                              ref_ts(rx_ns - 50000000)); /* clock read earlier than rx?! */
    assert_true(be64(out + 40) >= be64(out + 32));
    assert_int_equal(be64(out + 40), be64(out + 32));
}

static void test_stamp_strictly_increasing(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    uint64_t last = 0;
    int64_t tx_ns = T0_S * NS;

    for (int i = 0; i < 2000; i++) {
        /* Equal, decreasing by 1 us, and increasing by less than the fuzz. */
        int64_t step = (i % 3 == 0) ? 0 : (i % 3 == 1) ? -1000 : 100;
        tx_ns += step;
        assert_int_equal(serve(req_chrony, 48, T0_S * NS - NS, &ci_ok, out, &rep), 0);
        ntp_server_stamp_transmit(&srv, out, ref_ts(tx_ns));
        uint64_t tx = be64(out + 40);
        if (i > 0 && tx <= last)
            fail_msg("reply %d: transmit %016llx not after %016llx", i, (unsigned long long)tx,
                     (unsigned long long)last);
        last = tx;
    }
    /* KoD replies share the same sequence: one more reply, then three kisses. */
    struct ratelimit_params p = {
        .enabled = true, .interval_log2 = 12, .burst = 1, .leak_log2 = 0
    };
    assert_int_equal(ntp_server_set_ratelimit(&srv, &p), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(serve(req_chrony, 48, T0_S * NS - NS, &ci_ok, out, &rep), 0);
        ntp_server_stamp_transmit(&srv, out, ref_ts(tx_ns));
        assert_true(be64(out + 40) > last);
        last = be64(out + 40);
    }
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.kod_sent, 3);
}

static void test_stamp_follows_operator_step_back(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    int64_t t = T0_S * NS;

    assert_int_equal(serve(req_chrony, 48, t, &ci_ok, out, &rep), 0);
    ntp_server_stamp_transmit(&srv, out, ref_ts(t + 1000));
    /* The operator steps the clock back by 10 s: the new time is served as it is. */
    int64_t stepped = t - 10 * NS;
    assert_int_equal(serve(req_chrony, 48, stepped, &ci_ok, out, &rep), 0);
    ntp_server_stamp_transmit(&srv, out, ref_ts(stepped + 1000));
    uint64_t mask = fuzz_mask(ci_ok.precision_log2);
    assert_int_equal(be64(out + 40) & ~mask, ref_ts(stepped + 1000) & ~mask);
    /* A step back within NTP_SERVER_TX_BACKSTEP_MAX_NS is held monotonic. */
    uint64_t last = be64(out + 40);
    assert_int_equal(serve(req_chrony, 48, stepped - 100000000, &ci_ok, out, &rep), 0);
    ntp_server_stamp_transmit(&srv, out, ref_ts(stepped - 100000000));
    assert_int_equal(be64(out + 40), last + 1);
}

static void test_stamp_across_era_wrap(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    int64_t era1 = 2085978496LL * NS; /* 2036-02-07T06:28:16Z */

    assert_int_equal(serve(req_chrony, 48, era1 - 2000, &ci_ok, out, &rep), 0);
    ntp_server_stamp_transmit(&srv, out, ref_ts(era1 - 1000));
    uint64_t before = be64(out + 40);
    assert_true(before >> 32 == 0xFFFFFFFFu);
    assert_int_equal(serve(req_chrony, 48, era1 + 1000, &ci_ok, out, &rep), 0);
    ntp_server_stamp_transmit(&srv, out, ref_ts(era1 + 2000));
    /* Era 1 starts again at 0 and is still taken as later (not bumped to before + 1). */
    uint64_t mask = fuzz_mask(ci_ok.precision_log2);
    assert_int_equal(be64(out + 40) & ~mask, ref_ts(era1 + 2000) & ~mask);
    assert_int_equal(be64(out + 32) >> 32, 0);
}

static void test_fuzz_is_random_below_precision(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    uint32_t seen_or = 0, seen_and = 0xFFFFFFFFu;
    unsigned distinct = 0;
    static uint8_t seen[4096];

    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < 256; i++) {
        assert_int_equal(serve(req_chrony, 48, T0_S * NS, &ci_ok, out, &rep), 0);
        uint32_t low = (uint32_t)be64(out + 32) & 0xFFF;
        assert_int_equal(be64(out + 32) & ~0xFFFull, ref_ts(T0_S * NS) & ~0xFFFull);
        seen_or |= low;
        seen_and &= low;
        if (!seen[low]++)
            distinct++;
    }
    assert_int_equal(seen_or, 0xFFF); /* every fuzz bit was set sometimes */
    assert_int_equal(seen_and, 0);    /* and clear sometimes */
    assert_true(distinct > 200);

    /* Precision finer than the timestamp: nothing to fuzz, the value is exact. */
    struct ntp_clock_info ci = ci_ok;
    ci.precision_log2 = -32;
    assert_int_equal(serve(req_chrony, 48, T0_S * NS + 123456789, &ci, out, &rep), 0);
    assert_int_equal(be64(out + 32), ref_ts(T0_S * NS + 123456789));
}

/* ------------------------------------------------------------ settings -- */

static void test_stratum_and_refid(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    char refid[5];

    assert_int_equal(ntp_server_get_stratum(&srv), 1);
    ntp_server_get_refid(&srv, refid);
    assert_string_equal(refid, "LOCL");
    assert_int_equal(ntp_server_set_stratum(&srv, 0), -EINVAL);
    assert_int_equal(ntp_server_set_stratum(&srv, 16), -EINVAL);
    assert_int_equal(ntp_server_set_stratum(&srv, 15), 0);
    assert_int_equal(ntp_server_set_refid(&srv, ""), -EINVAL);
    assert_int_equal(ntp_server_set_refid(&srv, "GNSS1"), -EINVAL);
    assert_int_equal(ntp_server_set_refid(&srv, "A B"), -EINVAL);
    assert_int_equal(ntp_server_set_refid(&srv, "\x01"), -EINVAL);
    assert_int_equal(ntp_server_set_refid(&srv, NULL), -EINVAL);
    ntp_server_get_refid(&srv, refid);
    assert_string_equal(refid, "LOCL"); /* unchanged by the failures */
    assert_int_equal(ntp_server_set_refid(&srv, "GPS"), 0);
    ntp_server_get_refid(&srv, refid);
    assert_string_equal(refid, "GPS");

    assert_int_equal(serve(req_ntpdig, 48, T0_S * NS, &ci_ok, out, &rep), 0);
    assert_time_reply(req_ntpdig, out, &ci_ok, 0, 15, "GPS\0", T0_S * NS);

    /* Untrusted overrides the configured stratum. */
    struct ntp_clock_info ci = ci_ok;
    ci.synced = false;
    assert_int_equal(serve(req_ntpdig, 48, T0_S * NS, &ci, out, &rep), 0);
    assert_int_equal(out[1], 16);
}

static void test_counters_partition(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_counters c;
    struct ratelimit_params p = {
        .enabled = true, .interval_log2 = 12, .burst = 2, .leak_log2 = 1
    };

    assert_int_equal(ntp_server_set_ratelimit(&srv, &p), 0);
    assert_int_equal(ntp_server_acl_add(&srv, IP(10, 0, 0, 0), 8, ACL_DENY), 0);
    for (int i = 0; i < 40; i++) {
        serve(req_chrony, 48, T0_S * NS, &ci_ok, out, &rep); /* limited after 2 */
        serve(req_mssntp_68, 68, T0_S * NS, &ci_ok, out, &rep);
        serve(req_v4_mac_sha1, 72, T0_S * NS, &ci_ok, out, &rep);
        serve(req_chrony, 20, T0_S * NS, &ci_ok, out, &rep);
        serve_from(IP(10, 1, 1, 1), req_chrony, 48, T0_S * NS, 0, &ci_ok, out, &rep);
        serve(req_monlist, 8, T0_S * NS, &ci_ok, out, &rep);
        serve(req_ntpq_rv, 12, T0_S * NS, &ci_ok, out, &rep); /* not management */
    }
    ntp_server_get_counters(&srv, &c);
    uint32_t fates = c.replied_mode2 + c.replied_mode4 + c.kod_sent + c.drop_short +
                     c.drop_bad_mode + c.drop_bad_version + c.drop_mssntp + c.drop_auth +
                     c.drop_bad_mac + c.drop_unauth + c.drop_bad_format + c.drop_acl +
                     c.drop_ratelimit + c.ctl_answered + c.ctl_errors + c.ctl_refused +
                     c.ctl_ratelimited;
    assert_int_equal(c.received, 280);
    assert_int_equal(fates, 280);
    assert_int_equal(c.replied_mode4, 2);
    assert_int_equal(c.kod_sent + c.drop_ratelimit, 38);
    assert_true(c.kod_sent > 5 && c.kod_sent < 33); /* about half at leak 1 */
    assert_int_equal(c.drop_mssntp, 40);
    assert_int_equal(c.drop_auth, 40);
    assert_int_equal(c.drop_short, 40);
    assert_int_equal(c.drop_acl, 40);
    assert_int_equal(c.drop_bad_mode, 40);
    assert_int_equal(c.ctl_refused, 40);
    uint32_t sum = 0;
    for (int v = 0; v < 4; v++)
        sum += c.replied_version[v];
    assert_int_equal(sum, c.replied_mode2 + c.replied_mode4);

    ntp_server_reset_counters(&srv);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.received, 0);
    assert_int_equal(c.drop_acl, 0);
}

/* ------------------------------------------------- last-moment stamp plan -- */

/* The plan for a stamp written elsewhere follows the same rules as ntp_server_stamp_transmit(). */
static void test_plan_matches_stamp_transmit(void **state)
{
    (void)state;
    struct ntp_server twin;
    uint8_t out[512], out2[512];
    struct ntp_reply rep;
    memcpy(&twin, &srv, sizeof(twin));
    for (int i = 0; i < 200; i++) {
        int64_t rx_ns = T0_S * NS + i * 1000000LL;
        /* Every third transmit reading is at or before the last one: the floor binds. */
        int64_t tx_ns = rx_ns + ((i % 3) == 0 ? -(int64_t)(i % 7) * 1000 : 40000);
        memcpy(&srv, &twin, sizeof(srv));
        assert_int_equal(serve(req_chrony, 48, rx_ns, &ci_ok, out, &rep), 0);
        memcpy(out2, out, sizeof(out));
        struct ntp_server after_handle;
        memcpy(&after_handle, &srv, sizeof(srv));
        ntp_server_stamp_transmit(&srv, out, ref_ts(tx_ns));
        struct ntp_server by_stamp;
        memcpy(&by_stamp, &srv, sizeof(srv));
        /* The same random state: the plan, applied as eth_send_stamped() does. */
        memcpy(&srv, &after_handle, sizeof(srv));
        struct ntp_tx_plan p;
        ntp_server_plan_transmit(&srv, out2, ref_ts(tx_ns), &p);
        assert_int_equal(p.fuzz_mask, fuzz_mask(ci_ok.precision_log2));
        assert_true((p.fuzz_bits & ~p.fuzz_mask) == 0);
        uint64_t v = (ref_ts(tx_ns) & ~(uint64_t)p.fuzz_mask) | p.fuzz_bits;
        if ((int64_t)(v - p.min_ts) < 0)
            v = p.min_ts;
        assert_true(v == be64(out + 40));
        ntp_server_transmitted(&srv, v);
        memcpy(&twin, &srv, sizeof(twin));
        assert_memory_equal(&twin, &by_stamp, sizeof(twin));
    }
}

/* ------------------------------------------------------ reply in place -- */

/* The fast path has the reply written over the request: the same reply as into a buffer. */
static void test_reply_in_place(void **state)
{
    (void)state;
    struct ntp_server twin;
    memcpy(&twin, &srv, sizeof(twin));
    uint8_t out[512];
    struct ntp_reply rep, rep2;
    const uint8_t *reqs[] = { req_chrony, req_win_mode1_first, req_win_mode3_first };
    for (size_t i = 0; i < 3; i++) {
        memcpy(&srv, &twin, sizeof(srv));
        assert_int_equal(serve(reqs[i], 48, T0_S * NS, &ci_ok, out, &rep), 0);
        memcpy(&srv, &twin, sizeof(srv));
        uint8_t buf[64];
        memcpy(buf, reqs[i], 48);
        now_ms -= 1000;
        struct ntp_request rq = {
            .data = buf,
            .len = 48,
            .src_ip = CLIENT_IP,
            .src_port = 49152,
            .rx_ts = ref_ts(T0_S * NS),
            .mono_ms = now_ms + 1000,
        };
        assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, buf, 48, &rep2), 0);
        assert_int_equal(rep2.len, rep.len);
        assert_memory_equal(buf, out, 48);
    }
    /* Mode 6 is built from the request as it goes: never in place. */
    uint8_t ctl[12] = { 0x16, 0x02, 0, 1 };
    struct ntp_request rq = { .data = ctl, .len = 12, .src_ip = CLIENT_IP, .src_port = 123 };
    struct ntp_counters before, after;
    ntp_server_get_counters(&srv, &before);
    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, ctl, 12, &rep), -EINVAL);
    ntp_server_get_counters(&srv, &after);
    assert_int_equal(after.received, before.received);
}

/* ------------------------------------------------------ interleaved mode -- */

/*
 * A request as chrony's client sends it in interleaved mode (ntp_core.c,
 * transmit_packet): originate = the receive timestamp of our last reply,
 * receive = when it got that reply, transmit = its own.
 */
static void xl_request(uint8_t *req, uint8_t mode, uint64_t org, uint64_t rx, uint64_t tx)
{
    memcpy(req, req_chrony, 48);
    req[0] = (uint8_t)((req[0] & ~7u) | mode);
    for (int i = 0; i < 8; i++) {
        req[24 + i] = (uint8_t)(org >> (56 - 8 * i));
        req[32 + i] = (uint8_t)(rx >> (56 - 8 * i));
        req[40 + i] = (uint8_t)(tx >> (56 - 8 * i));
    }
}

static void xl_exchange(uint8_t mode)
{
    const uint32_t ip = IP(192, 168, 1, 77);
    uint8_t req[48], out[512];
    struct ntp_reply rep;
    int64_t t = T0_S * NS;

    /* 1: a basic request (chrony's first has originate 0): a basic reply. */
    xl_request(req, mode, 0, 0, ref_ts(t));
    assert_int_equal(serve_from(ip, req, 48, t + 1000, 1000, &ci_ok, out, &rep), 0);
    assert_true(rep.stamp_tx && !rep.is_interleaved);
    ntp_server_stamp_transmit(&srv, out, ref_ts(t + 50000));
    uint64_t rx1 = be64(out + 32);
    uint64_t tx1_frame = be64(out + 40);
    /* The reply is reported gone: its stamp first, the MAC's transmit-complete later. */
    ntp_server_transmit_time(&srv, ip, rx1, tx1_frame);
    uint64_t tx1_done = ref_ts(t + 58000);
    ntp_server_transmit_time(&srv, ip, rx1, tx1_done);

    /* 2: asks for interleaved: originate = rx1. The reply carries reply 1's departure. */
    t += NS;
    uint64_t t4 = ref_ts(t - NS + 300000), t1 = ref_ts(t);
    xl_request(req, mode, rx1, t4, t1);
    assert_int_equal(serve_from(ip, req, 48, t + 1000, 2000, &ci_ok, out, &rep), 0);
    assert_true(!rep.stamp_tx && rep.is_interleaved);
    assert_true(be64(out + 24) == t4);       /* originate: the request's receive */
    assert_true(be64(out + 40) == tx1_done); /* transmit: the previous reply's */
    uint64_t rx2 = be64(out + 32);
    assert_true(rx2 > tx1_done && rx2 != rx1);
    assert_int_equal(out[0] & 7, mode == 3 ? 4 : 2);
    /* A report for an older reply is ignored; this reply's is not given yet. */
    ntp_server_transmit_time(&srv, ip, rx1, ref_ts(t + 99));

    /* 3: asks again, but reply 2's departure is not known: a basic reply. */
    t += NS;
    xl_request(req, mode, rx2, ref_ts(t - 500), ref_ts(t));
    assert_int_equal(serve_from(ip, req, 48, t + 1000, 3000, &ci_ok, out, &rep), 0);
    assert_true(rep.stamp_tx && !rep.is_interleaved);
    assert_true(be64(out + 24) == ref_ts(t)); /* basic: originate = the request's transmit */
    uint64_t rx3 = be64(out + 32);
    ntp_server_transmit_time(&srv, ip, rx3, ref_ts(t + 60000));

    /* 4: matching originate but receive == transmit: not chrony's interleaved request. */
    t += NS;
    xl_request(req, mode, rx3, ref_ts(t), ref_ts(t));
    assert_int_equal(serve_from(ip, req, 48, t + 1000, 4000, &ci_ok, out, &rep), 0);
    assert_true(!rep.is_interleaved);
    uint64_t rx4 = be64(out + 32);
    ntp_server_transmit_time(&srv, ip, rx4, ref_ts(t + 60000));

    /* 5: another client with the first one's originate gets a basic reply. */
    xl_request(req, mode, rx4, ref_ts(t + 5), ref_ts(t + 10));
    assert_int_equal(serve_from(ip + 1, req, 48, t + 2000, 4000, &ci_ok, out, &rep), 0);
    assert_true(!rep.is_interleaved);
    /* and the first client still can. */
    xl_request(req, mode, rx4, ref_ts(t + 5), ref_ts(t + 10));
    assert_int_equal(serve_from(ip, req, 48, t + 3000, 5000, &ci_ok, out, &rep), 0);
    assert_true(rep.is_interleaved);
    assert_true(be64(out + 40) == ref_ts(t + 60000));
}

static void test_interleaved_client(void **state)
{
    (void)state;
    xl_exchange(3);
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_interleaved, 2);
    assert_int_equal(c.replied_mode4, 6);
}

static void test_interleaved_symmetric(void **state)
{
    (void)state;
    xl_exchange(1);
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.replied_interleaved, 2);
    assert_int_equal(c.replied_mode2, 6);
}

/* A client the table evicted, or a KoD, starts over with basic replies. */
static void test_interleaved_forgotten(void **state)
{
    (void)state;
    const uint32_t ip = IP(10, 9, 8, 7);
    uint8_t req[48], out[512];
    struct ntp_reply rep;
    xl_request(req, 3, 0, 0, ref_ts(T0_S * NS));
    assert_int_equal(serve_from(ip, req, 48, T0_S * NS, 1000, &ci_ok, out, &rep), 0);
    uint64_t rx1 = be64(out + 32);
    ntp_server_transmit_time(&srv, ip, rx1, ref_ts(T0_S * NS + 50000));
    /* RATELIMIT_TABLE_SIZE other clients push it out of the table. */
    for (uint32_t i = 0; i < RATELIMIT_TABLE_SIZE; i++)
        assert_int_equal(serve_from(IP(172, 16, 0, 0) + i, req_chrony, 48, T0_S * NS, 1000 + i,
                                    &ci_ok, out, &rep),
                         0);
    xl_request(req, 3, rx1, ref_ts(T0_S * NS + 5), ref_ts(T0_S * NS + 10));
    assert_int_equal(serve_from(ip, req, 48, T0_S * NS + NS, 5000, &ci_ok, out, &rep), 0);
    assert_true(!rep.is_interleaved && rep.stamp_tx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_windows_mode3_first_literal, setup),
        cmocka_unit_test_setup(test_windows_mode1_literal, setup),
        cmocka_unit_test_setup(test_every_client_served, setup),
        cmocka_unit_test_setup(test_ntpv1_without_mode, setup),
        cmocka_unit_test_setup(test_unsynchronized, setup),
        cmocka_unit_test_setup(test_leap_warning, setup),
        cmocka_unit_test_setup(test_request_fields_never_copied, setup),
        cmocka_unit_test_setup(test_request_is_not_written, setup),
        cmocka_unit_test_setup(test_mssntp_ignored, setup),
        cmocka_unit_test_setup(test_auth_unknown_key, setup),
        cmocka_unit_test_setup(test_key_lookup_hook, setup),
        cmocka_unit_test_setup(test_malformed, setup),
        cmocka_unit_test_setup(test_invalid_arguments, setup),
        cmocka_unit_test_setup(test_acl_refuses, setup),
        cmocka_unit_test_setup(test_stamp_changes_only_transmit, setup),
        cmocka_unit_test_setup(test_stamp_not_before_receive, setup),
        cmocka_unit_test_setup(test_stamp_strictly_increasing, setup),
        cmocka_unit_test_setup(test_stamp_follows_operator_step_back, setup),
        cmocka_unit_test_setup(test_stamp_across_era_wrap, setup),
        cmocka_unit_test_setup(test_fuzz_is_random_below_precision, setup),
        cmocka_unit_test_setup(test_stratum_and_refid, setup),
        cmocka_unit_test_setup(test_counters_partition, setup),
        cmocka_unit_test_setup(test_plan_matches_stamp_transmit, setup),
        cmocka_unit_test_setup(test_reply_in_place, setup),
        cmocka_unit_test_setup(test_interleaved_client, setup),
        cmocka_unit_test_setup(test_interleaved_symmetric, setup),
        cmocka_unit_test_setup(test_interleaved_forgotten, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
