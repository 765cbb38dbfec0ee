/*
 * Tests for mode 6 (ntp_control.c): every response parsed back per
 * RFC 9327 (R/E/M bits, opcode, sequence echo, status, association 0,
 * offset/count, padding), fragments reassembled, variables checked against
 * the clock info and counters; the management list and the rate limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakes/ntp_requests.h"
#include "ntp/ntp.h"
#include "ntp/ntp_time.h"

#define NS             1000000000LL
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define T0_S           1764097200LL
#define MGMT_IP        IP(192, 168, 1, 5)
#define OUTSIDE_IP     IP(192, 168, 2, 5)
#define MAX_FRAGS      64

static struct ntp_server srv;

static const struct ntp_clock_info ci_ok = {
    .synced = true,
    .leap = 0,
    .precision_log2 = -20,
    .ref_ns = (T0_S - 300) * NS + 250000000,
    .root_disp_us = 4567,
};

struct ctl_hdr {
    uint8_t li, vn, mode;
    bool r, e, m;
    uint8_t opcode;
    uint16_t sequence, status, assoc, offset, count;
};

/* The reassembled response. */
struct ctl_result {
    int rc;
    int frags;
    struct ctl_hdr first;
    struct ctl_hdr last;
    char text[4096];
    size_t text_len;
};

static int setup(void **state)
{
    (void)state;
    ntp_server_init(&srv, 4242);
    assert_int_equal(ntp_server_mgmt_add(&srv, IP(192, 168, 1, 0), 24), 0);
    return 0;
}

static uint64_t ref_ts(int64_t unix_ns)
{
    __int128 ns1900 = (__int128)unix_ns + (__int128)NTP_TIME_UNIX_OFFSET_S * NS;
    __int128 s = ns1900 / NS;
    __int128 r = ns1900 % NS;
    __int128 frac = (r * ((__int128)1 << 32) + NS / 2) / NS;
    return ((uint64_t)(uint32_t)(uint64_t)s << 32) + (uint64_t)frac;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* Parses and checks one response datagram's header and padding (RFC 9327 sec. 2). */
static void parse_hdr(const uint8_t *p, size_t len, struct ctl_hdr *h)
{
    assert_true(len >= 12);
    assert_int_equal(len % 4, 0);
    h->li = p[0] >> 6;
    h->vn = (p[0] >> 3) & 7;
    h->mode = p[0] & 7;
    h->r = (p[1] & 0x80) != 0;
    h->e = (p[1] & 0x40) != 0;
    h->m = (p[1] & 0x20) != 0;
    h->opcode = p[1] & 0x1F;
    h->sequence = be16(p + 2);
    h->status = be16(p + 4);
    h->assoc = be16(p + 6);
    h->offset = be16(p + 8);
    h->count = be16(p + 10);
    assert_int_equal(h->mode, 6);
    assert_true(h->r);
    assert_int_equal(len, 12 + ((h->count + 3u) & ~3u));
    for (size_t i = 12 + h->count; i < len; i++)
        assert_int_equal(p[i], 0);
}

/* Sends req from ip and collects every fragment, checking they fit together. */
static void query(uint32_t ip, const uint8_t *req, size_t len, const struct ntp_clock_info *ci,
                  size_t out_cap, uint64_t mono_ms, struct ctl_result *res)
{
    uint8_t out[600];
    struct ntp_reply rep;
    struct ntp_request rq = {
        .data = req,
        .len = len,
        .src_ip = ip,
        .src_port = 40000,
        .rx_ts = ref_ts(T0_S * NS + 750000000),
        .mono_ms = mono_ms,
    };

    memset(res, 0, sizeof(*res));
    memset(out, 0x5A, sizeof(out));
    res->rc = ntp_server_handle(&srv, &rq, ci, out, out_cap, &rep);
    if (res->rc != 0) {
        assert_int_equal(rep.len, 0);
        assert_int_equal(out[0], 0x5A);
        return;
    }
    for (;;) {
        struct ctl_hdr h;
        assert_true(rep.len <= out_cap);
        assert_true(rep.len <= 12 + NTP_CONTROL_DATA_MAX);
        assert_false(rep.stamp_tx);
        parse_hdr(out, rep.len, &h);
        if (res->frags == 0)
            res->first = h;
        assert_int_equal(h.sequence, be16(req + 2)); /* echoed */
        assert_int_equal(h.opcode, req[1] & 0x1F);
        assert_int_equal(h.vn, (req[0] >> 3) & 7);
        assert_int_equal(h.status, res->first.status);
        assert_int_equal(h.offset, res->text_len); /* contiguous */
        assert_int_equal(h.m, rep.more_fragments);
        memcpy(res->text + res->text_len, out + 12, h.count);
        res->text_len += h.count;
        res->last = h;
        res->frags++;
        assert_true(res->frags <= MAX_FRAGS);
        if (!rep.more_fragments)
            break;
        memset(out, 0x5A, sizeof(out));
        assert_int_equal(ntp_server_next_fragment(&srv, out, out_cap, &rep), 0);
    }
    res->text[res->text_len] = '\0';
    assert_int_equal(ntp_server_next_fragment(&srv, out, out_cap, &rep), -ENODATA);
}

/* Returns the value of name in a name=value list parsed as ntpq does, or NULL. */
static const char *var(const struct ctl_result *res, const char *name, char *buf, size_t cap)
{
    const char *p = res->text;

    while (*p) {
        const char *end = p;
        bool quoted = false;
        while (*end && (quoted || *end != ',')) {
            if (*end == '"')
                quoted = !quoted;
            end++;
        }
        while (p < end && (*p == ' ' || *p == '\r' || *p == '\n'))
            p++;
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq != NULL && (size_t)(eq - p) == strlen(name) && memcmp(p, name, strlen(name)) == 0) {
            size_t n = (size_t)(end - eq - 1);
            assert_true(n < cap);
            memcpy(buf, eq + 1, n);
            buf[n] = '\0';
            return buf;
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
}

static void assert_var(const struct ctl_result *res, const char *name, const char *want)
{
    char buf[128];
    const char *got = var(res, name, buf, sizeof(buf));

    if (got == NULL)
        fail_msg("variable %s missing from: %s", name, res->text);
    if (strcmp(got, want) != 0)
        fail_msg("%s=%s, want %s", name, got, want);
}

static void assert_var_u32(const struct ctl_result *res, const char *name, uint32_t want)
{
    char w[16];
    snprintf(w, sizeof(w), "%u", want);
    assert_var(res, name, w);
}

static size_t count_vars(const struct ctl_result *res)
{
    size_t n = res->text_len ? 1 : 0;
    for (size_t i = 0; i < res->text_len; i++)
        n += res->text[i] == ',';
    return n;
}

static void test_refused_outside_management(void **state)
{
    (void)state;
    struct ctl_result res;
    struct ntp_counters c;

    query(OUTSIDE_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EACCES);
    /* Default: no management subnet at all. */
    ntp_server_mgmt_clear(&srv);
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EACCES);
    query(MGMT_IP, req_ntpq_readstat, sizeof(req_ntpq_readstat), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EACCES);
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.ctl_refused, 3);
    assert_int_equal(c.ctl_answered, 0);
}

static void test_readvar_all(void **state)
{
    (void)state;
    struct ctl_result res;
    char want[64];

    srv.counters.kod_sent = 17; /* visible in the text */
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 512, 3723456, &res);
    assert_int_equal(res.rc, 0);
    assert_false(res.first.e);
    assert_int_equal(res.first.opcode, 2);
    assert_int_equal(res.first.assoc, 0);
    /* LI 0, clock source 5 (local), no events. */
    assert_int_equal(res.first.status, 0x0500);
    assert_int_equal(res.first.li, 0);
    /* The text is over one 468-byte fragment: at least two, cut between variables. */
    assert_true(res.text_len > NTP_CONTROL_DATA_MAX);
    assert_true(res.frags >= 2);
    assert_true(res.first.m);
    assert_false(res.last.m);
    assert_true(res.first.count <= NTP_CONTROL_DATA_MAX);
    assert_true(res.text[res.first.count] == ',');

    assert_var(&res, "version", "\"" NTP_SERVER_VERSION_STRING "\"");
    assert_var(&res, "leap", "0");
    assert_var(&res, "stratum", "1");
    assert_var(&res, "precision", "-20");
    assert_var(&res, "rootdelay", "0.000");
    assert_var(&res, "rootdisp", "4.567");
    assert_var(&res, "refid", "LOCL");
    uint64_t ref = ref_ts(ci_ok.ref_ns);
    snprintf(want, sizeof(want), "0x%08x.%08x", (uint32_t)(ref >> 32), (uint32_t)ref);
    assert_var(&res, "reftime", want);
    uint64_t clk = ref_ts(T0_S * NS + 750000000);
    snprintf(want, sizeof(want), "0x%08x.%08x", (uint32_t)(clk >> 32), (uint32_t)clk);
    assert_var(&res, "clock", want);
    assert_string_equal(want, "0xecd07b30.c0000000");
    assert_var(&res, "uptime", "3723");
    assert_var_u32(&res, "received", 1);
    assert_var_u32(&res, "kod_sent", 17);
    assert_var_u32(&res, "ctl_answered", 0); /* counted once sent */
    assert_var_u32(&res, "rl_clients", 1);
    const char *names[] = {
        "replied_mode2", "replied_mode4",   "replied_v1",   "replied_v2",     "replied_v3",
        "replied_v4",    "drop_short",      "drop_mode",    "drop_version",   "drop_mssntp",
        "drop_auth",     "drop_format",     "drop_acl",     "drop_ratelimit", "ctl_errors",
        "ctl_refused",   "ctl_ratelimited", "rl_evictions", "replied_xleave", "replied_auth",
        "drop_bad_mac",  "drop_unauth",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_var_u32(&res, names[i], 0);
    assert_int_equal(count_vars(&res), 36);

    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.ctl_answered, 1);
    assert_int_equal(c.received, 1);
}

static void test_readvar_unsynchronized(void **state)
{
    (void)state;
    struct ctl_result res;
    struct ntp_clock_info ci = ci_ok;
    ci.synced = false;
    ci.ref_ns = 0;

    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.first.status, 0xC000); /* LI 3, source unspecified */
    assert_int_equal(res.first.li, 3);
    assert_var(&res, "leap", "3");
    assert_var(&res, "stratum", "16");
    assert_var(&res, "reftime", "0x00000000.00000000");
}

static void test_readvar_named(void **state)
{
    (void)state;
    struct ctl_result res;

    query(MGMT_IP, req_ntpq_rv_named, sizeof(req_ntpq_rv_named), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.frags, 1);
    assert_false(res.first.m);
    assert_string_equal(res.text, "stratum=1, refid=LOCL");
    assert_int_equal(res.first.count, 21);

    /* Spaces, name=value forms and empty items are tolerated. */
    uint8_t req[64] = { 0xD6, 0x02, 0x00, 0x09, 0, 0, 0, 0, 0, 0 };
    const char *q = " leap , ,precision=5,\r\nrootdisp";
    memcpy(req + 12, q, strlen(q));
    req[11] = (uint8_t)strlen(q);
    query(MGMT_IP, req, 12 + ((strlen(q) + 3) & ~3u), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    assert_string_equal(res.text, "leap=0, precision=-20, rootdisp=4.567");
}

static void test_error_responses(void **state)
{
    (void)state;
    struct ctl_result res;
    uint8_t req[28];
    struct {
        const char *what;
        uint8_t opcode;
        uint16_t assoc;
        const char *data;
        uint8_t code;
    } cases[] = {
        { "unknown variable", 2, 0, "stratum,nonesuch", 5 },
        { "peer association", 2, 1, "", 4 },
        { "readstat of a peer", 1, 7, "", 4 },
        { "writevar", 3, 0, "stratum=2", 7 },
        { "writeclock", 5, 0, "", 7 },
        { "configure", 8, 0, "server x", 7 },
        { "saveconfig", 9, 0, "", 7 },
        { "readclock", 4, 0, "", 3 },
        { "read_mru", 10, 0, "", 3 },
        { "req_nonce", 12, 0, "", 3 },
        { "unset trap", 31, 0, "", 3 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].data);
        memset(req, 0, sizeof(req));
        req[0] = 0xD6;
        req[1] = cases[i].opcode;
        req[2] = 0x12;
        req[3] = (uint8_t)i;
        req[6] = (uint8_t)(cases[i].assoc >> 8);
        req[7] = (uint8_t)cases[i].assoc;
        req[11] = (uint8_t)n;
        memcpy(req + 12, cases[i].data, n);
        size_t len = 12 + ((n + 3) & ~3u);
        uint8_t out[512];
        struct ntp_reply rep;
        struct ntp_request rq = { .data = req, .len = len, .src_ip = MGMT_IP, .mono_ms = 1000 };
        if (ntp_server_handle(&srv, &rq, &ci_ok, out, sizeof(out), &rep) != 0)
            fail_msg("%s: no response", cases[i].what);
        struct ctl_hdr h;
        parse_hdr(out, rep.len, &h);
        assert_int_equal(rep.len, 12);
        assert_true(rep.len <= len);
        assert_false(rep.more_fragments);
        assert_true(h.e);
        assert_false(h.m);
        assert_int_equal(h.opcode, cases[i].opcode);
        assert_int_equal(h.sequence, 0x1200 + i);
        assert_int_equal(h.assoc, cases[i].assoc);
        assert_int_equal(h.count, 0);
        if (h.status != (uint16_t)(cases[i].code << 8))
            fail_msg("%s: status %04x, want error %u", cases[i].what, h.status, cases[i].code);
        assert_int_equal(ntp_server_next_fragment(&srv, out, sizeof(out), &rep), -ENODATA);
    }

    /* A count beyond the datagram: error 2 (bad format). */
    memcpy(req, req_ntpq_rv, 12);
    req[11] = 40;
    query(MGMT_IP, req, 12, &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    assert_true(res.first.e);
    assert_int_equal(res.first.status, 2 << 8);

    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.ctl_errors, 12);
    assert_int_equal(c.ctl_answered, 0);
}

static void test_readstat_empty(void **state)
{
    (void)state;
    struct ctl_result res;

    query(MGMT_IP, req_ntpq_readstat, sizeof(req_ntpq_readstat), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.frags, 1);
    assert_false(res.first.e);
    assert_false(res.first.m);
    assert_int_equal(res.first.opcode, 1);
    assert_int_equal(res.first.count, 0);
    assert_int_equal(res.first.status, 0x0500);
    assert_int_equal(res.first.sequence, 3);
}

static void test_small_buffer_gives_more_fragments(void **state)
{
    (void)state;
    static struct ctl_result big, small;

    ntp_server_init(&srv, 1);
    ntp_server_mgmt_add(&srv, IP(192, 168, 1, 0), 24);
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 512, 1000, &big);
    ntp_server_init(&srv, 1);
    ntp_server_mgmt_add(&srv, IP(192, 168, 1, 0), 24);
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 48, 1000, &small);
    assert_int_equal(small.rc, 0);
    assert_true(small.frags > big.frags);
    assert_int_equal(small.text_len, big.text_len);
    assert_memory_equal(small.text, big.text, big.text_len);
}

static void test_text_fits_with_largest_values(void **state)
{
    (void)state;
    static struct ctl_result res;
    struct ntp_clock_info ci = ci_ok;

    memset(&srv.counters, 0xFF, sizeof(srv.counters));
    srv.counters.received = 0xFFFFFFFEu; /* the request makes it 0xFFFFFFFF */
    ci.root_disp_us = UINT32_MAX;
    ci.precision_log2 = -128;
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci, 512, UINT64_C(4294967295000), &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(count_vars(&res), 36); /* nothing dropped for want of room */
    assert_true(res.text_len < NTP_CONTROL_TEXT_MAX);
    assert_var(&res, "received", "4294967295");
    assert_var(&res, "rootdisp", "4294967.295");
    assert_var(&res, "precision", "-128");
    assert_var(&res, "uptime", "4294967295");
}

static void test_mode6_rate_limited(void **state)
{
    (void)state;
    struct ctl_result res;
    struct ratelimit_params p = { .enabled = true, .interval_log2 = 6, .burst = 2, .leak_log2 = 0 };
    struct ntp_counters c;

    assert_int_equal(ntp_server_set_ratelimit(&srv, &p), 0);
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    query(MGMT_IP, req_ntpq_readstat, sizeof(req_ntpq_readstat), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    /* Over the limit: nothing, not even a KoD (leak 0 would kiss a time request). */
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EAGAIN);
    /* The limit is shared with time requests from the same address. */
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_request rq = { .data = req_chrony, .len = 48, .src_ip = MGMT_IP, .mono_ms = 1000 };
    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, out, sizeof(out), &rep), 0);
    assert_memory_equal(out + 12, "RATE", 4);
    /* A minute later, one token is back. */
    query(MGMT_IP, req_ntpq_rv, sizeof(req_ntpq_rv), &ci_ok, 512, 65000, &res);
    assert_int_equal(res.rc, 0);

    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.ctl_ratelimited, 1);
    assert_int_equal(c.ctl_answered, 3);
    assert_int_equal(c.kod_sent, 1);
    assert_int_equal(c.drop_ratelimit, 0);
}

static void test_malformed_mode6(void **state)
{
    (void)state;
    struct ctl_result res;
    uint8_t req[12];
    struct ntp_counters c;

    query(MGMT_IP, req_ntpq_rv, 11, &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EMSGSIZE);
    memcpy(req, req_ntpq_rv, 12);
    req[0] = 0xC6; /* version 0 */
    query(MGMT_IP, req, 12, &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EPROTONOSUPPORT);
    req[0] = 0xEE; /* version 5 */
    query(MGMT_IP, req, 12, &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EPROTONOSUPPORT);
    /* A response (R bit) is never answered. */
    memcpy(req, req_ntpq_rv, 12);
    req[1] |= 0x80;
    query(MGMT_IP, req, 12, &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EBADMSG);
    /* Mode 7 is never answered, not even to the management subnet. */
    query(MGMT_IP, req_monlist, sizeof(req_monlist), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EOPNOTSUPP);

    ntp_server_get_counters(&srv, &c);
    assert_int_equal(c.drop_short, 1);
    assert_int_equal(c.drop_bad_version, 2);
    assert_int_equal(c.drop_bad_format, 1);
    assert_int_equal(c.drop_bad_mode, 1);
    assert_int_equal(c.ctl_answered + c.ctl_errors + c.ctl_refused, 0);
}

static void test_ntp_acl_does_not_govern_mode6(void **state)
{
    (void)state;
    struct ctl_result res;

    /* Time service only for 10/8; management from 192.168.1/24 still works. */
    assert_int_equal(ntp_server_acl_add(&srv, IP(10, 0, 0, 0), 8, ACL_ALLOW), 0);
    query(MGMT_IP, req_ntpq_readstat, sizeof(req_ntpq_readstat), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, 0);
    uint8_t out[512];
    struct ntp_reply rep;
    struct ntp_request rq = { .data = req_chrony, .len = 48, .src_ip = MGMT_IP, .mono_ms = 1000 };
    assert_int_equal(ntp_server_handle(&srv, &rq, &ci_ok, out, sizeof(out), &rep), -EACCES);
}

static void test_mgmt_list(void **state)
{
    (void)state;
    struct acl_entry e;

    assert_int_equal(ntp_server_mgmt_add(&srv, IP(10, 20, 30, 40), 32), 0);
    assert_int_equal(ntp_server_mgmt_add(&srv, 0, 40), -EINVAL);
    assert_int_equal(ntp_server_mgmt_get(&srv, 0, &e), 0);
    assert_int_equal(e.net, IP(10, 20, 30, 40));
    assert_int_equal(e.prefix_len, 32);
    assert_int_equal(e.action, ACL_ALLOW);
    assert_int_equal(ntp_server_mgmt_get(&srv, 1, &e), 0);
    assert_int_equal(e.net, IP(192, 168, 1, 0));
    assert_int_equal(ntp_server_mgmt_get(&srv, 2, &e), -ENOENT);
    assert_int_equal(ntp_server_mgmt_remove(&srv, IP(192, 168, 1, 0), 24), 0);
    assert_int_equal(ntp_server_mgmt_remove(&srv, IP(192, 168, 1, 0), 24), -ENOENT);

    struct ctl_result res;
    query(MGMT_IP, req_ntpq_readstat, sizeof(req_ntpq_readstat), &ci_ok, 512, 1000, &res);
    assert_int_equal(res.rc, -EACCES);
    query(IP(10, 20, 30, 40), req_ntpq_readstat, sizeof(req_ntpq_readstat), &ci_ok, 512, 1000,
          &res);
    assert_int_equal(res.rc, 0);
}

static void test_no_pending_fragment(void **state)
{
    (void)state;
    uint8_t out[512];
    struct ntp_reply rep;

    assert_int_equal(ntp_server_next_fragment(&srv, out, sizeof(out), &rep), -ENODATA);
    assert_int_equal(ntp_server_next_fragment(&srv, out, 47, &rep), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_refused_outside_management, setup),
        cmocka_unit_test_setup(test_readvar_all, setup),
        cmocka_unit_test_setup(test_readvar_unsynchronized, setup),
        cmocka_unit_test_setup(test_readvar_named, setup),
        cmocka_unit_test_setup(test_error_responses, setup),
        cmocka_unit_test_setup(test_readstat_empty, setup),
        cmocka_unit_test_setup(test_small_buffer_gives_more_fragments, setup),
        cmocka_unit_test_setup(test_text_fits_with_largest_values, setup),
        cmocka_unit_test_setup(test_mode6_rate_limited, setup),
        cmocka_unit_test_setup(test_malformed_mode6, setup),
        cmocka_unit_test_setup(test_ntp_acl_does_not_govern_mode6, setup),
        cmocka_unit_test_setup(test_mgmt_list, setup),
        cmocka_unit_test_setup(test_no_pending_fragment, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
