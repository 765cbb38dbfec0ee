/*
 * libFuzzer harness: the NTP server engine (ntp_server.c, ntp_control.c,
 * ratelimit.c, acl.c) fed a sequence of datagrams, with what the engine
 * promises checked on every one.
 *
 * Input: a 7-byte setup (clock status, rate limit, access list,
 * management subnet, key hook, subnets that must authenticate), then
 * records, each a 4-byte head (source address and port choice,
 * milliseconds to advance, output buffer size and whether the harness
 * signs the datagram) and a 2-byte length before the datagram's bytes. A
 * record can be a flood: the datagram sent from that many addresses in
 * turn, which fills the rate limiter's table past its size.
 *
 * Keys: the hook knows every key id divisible by 3, its algorithm by id
 * (MD5, SHA-1, AES-128-CMAC, or one no MAC exists for), its secret made
 * from the id. A fuzzer cannot guess a digest, so the harness signs a
 * datagram itself when the record says so (the whole datagram is the
 * message, the MAC appended), or signs it and spoils one digest byte: the
 * engine's MAC path, signing included, runs on fuzzed requests.
 *
 * Invariants:
 *  - every datagram counted in received and in exactly one other counter;
 *  - no reply to mode 7, ever; no reply to a mode other than 1, 3, 6 and
 *    NTPv1's mode 0 (from a port other than 123);
 *  - a time reply is a valid 48-byte header, or a signed one (below), no
 *    larger than its request:
 *    mode 4 (to modes 3 and NTPv1's 0) or 2 (to mode 1), the request's
 *    version, its transmit timestamp as originate, stratum 0 only in a
 *    RATE kiss, LI 3 and stratum 16 while the clock is not trusted; none
 *    to a source the access list refuses;
 *  - a mode 6 reply goes only to a management source, is a response (R)
 *    of the request's version, opcode and sequence; an error response is
 *    12 bytes; data fragments are contiguous from offset 0, at most 468
 *    bytes, padded to 32-bit words, M set on all but the last;
 *  - a reply is signed only to a request whose trailing MAC verifies under
 *    a usable key the hook knows: 48 bytes and a MAC of that length, key id
 *    and key, that verifies, its transmit timestamp never before its
 *    receive timestamp; a request of exactly the header and a good MAC
 *    that gets a time reply gets a signed one; no unsigned time reply to a
 *    subnet that must authenticate;
 *  - nothing is written to the output past the reply, nor anything at all
 *    without one; the transmit stamp changes bytes 40..47 only and is
 *    never before the receive timestamp;
 *  - only a request with a known key's MAC and an output buffer too small
 *    for the signed reply is refused as bad arguments (and not counted);
 *  - the busiest-clients list is sorted, busiest first, and no longer
 *    than asked or than the clients seen.
 */
#include <errno.h>
#include <string.h>

#include "fuzz_util.h"
#include "ntp/ntp.h"
#include "ntp/ntp_auth.h"
#include "ntp/ntp_internal.h"
#include "ntp/ntp_time.h"

#define OUT_MAX    1500u
#define SENTINEL   0xA5u
#define MGMT_NET   0x0A000200u /* 10.0.2.0/24 */
#define DENIED_NET 0xC0A80000u /* 192.168.0.0/16 */
#define AUTH_NET   0x0A000000u /* 10.0.0.0/8: sources 0 and 1 */
#define APP_TOP    5           /* what status asks for */

static struct ntp_server srv;
static uint8_t out[OUT_MAX];
static uint8_t signed_dgram[OUT_MAX + NTP_AUTH_MAC_MAX];
static uint64_t clock_ts; /* what the clock hook reads; each read moves it on 10 us */

/* Keys the hook knows: ids divisible by 3. Algorithm by id, the secret made from it. */
static int key_lookup(void *ctx, uint32_t key_id, struct ntp_key *key)
{
    (void)ctx;
    if (key_id % 3u != 0u) {
        return -ENOENT;
    }
    memset(key, 0, sizeof(*key));
    key->key_id = key_id;
    key->algorithm = (uint8_t)((key_id / 3u) % 4u); /* 3: no such algorithm, unusable */
    key->secret_len = key->algorithm == NTP_KEY_AES128_CMAC ? 16 : (uint8_t)(1u + key_id % 32u);
    for (unsigned i = 0; i < key->secret_len; i++) {
        key->secret[i] = (uint8_t)(key_id * 7u + i);
    }
    return 0;
}

/* The keys the harness signs with, by the record's sign selector 4..7 (7: the digest spoilt). */
static const uint32_t sign_key_ids[4] = { 12, 3, 6, 6 }; /* MD5, SHA-1, CMAC, CMAC */

static uint64_t clock_now(void *ctx)
{
    (void)ctx;
    clock_ts += 42950; /* 10 us */
    return clock_ts;
}

static uint32_t fates(const struct ntp_counters *c)
{
    return c->replied_mode2 + c->replied_mode4 + c->kod_sent + c->drop_short + c->drop_bad_mode +
           c->drop_bad_version + c->drop_mssntp + c->drop_auth + c->drop_bad_mac + c->drop_unauth +
           c->drop_bad_format + c->drop_acl + c->drop_ratelimit + c->ctl_answered + c->ctl_errors +
           c->ctl_refused + c->ctl_ratelimited;
}

/*
 * The length of the MAC a time request ends in that verifies under a
 * usable key the hook knows (NTP_AUTH_KEYID_LEN + 16 or 20), or 0.
 */
static size_t good_mac_len(const struct ntp_request *rq)
{
    for (size_t mac_len = NTP_AUTH_MAC_LEN_16; mac_len <= NTP_AUTH_MAC_LEN_20; mac_len += 4) {
        if (rq->len < NTP_HEADER_LEN + mac_len) {
            continue;
        }
        const uint8_t *mac = rq->data + rq->len - mac_len;
        struct ntp_key key;
        if (key_lookup(NULL, ntp_get_be32(mac), &key) == 0 &&
            ntp_auth_verify(&key, rq->data, rq->len - mac_len, mac + NTP_AUTH_KEYID_LEN,
                            mac_len - NTP_AUTH_KEYID_LEN) == 0) {
            return mac_len;
        }
    }
    return 0;
}

/* The reply's MAC: the request's key id and length, verifying under that key. */
static void check_signature(const struct ntp_request *rq, const struct ntp_reply *rep,
                            size_t mac_len)
{
    FUZZ_CHECK(mac_len != 0, "a signed reply to a request without a good MAC");
    FUZZ_CHECK(rep->len == NTP_HEADER_LEN + mac_len, "signed reply of %zu bytes, MAC %zu", rep->len,
               mac_len);
    FUZZ_CHECK(!rep->stamp_tx, "a signed reply left to be stamped");
    FUZZ_CHECK(memcmp(out + NTP_HEADER_LEN, rq->data + rq->len - mac_len, 4) == 0,
               "reply key id is not the request's");
    struct ntp_key key;
    FUZZ_CHECK(key_lookup(NULL, ntp_get_be32(out + NTP_HEADER_LEN), &key) == 0, "key vanished");
    FUZZ_CHECK(ntp_auth_verify(&key, out, NTP_HEADER_LEN, out + NTP_HEADER_LEN + 4, mac_len - 4) ==
                   0,
               "the reply's MAC does not verify");
    FUZZ_CHECK((int64_t)(ntp_time_get_ts(out + NTP_OFF_TRANSMIT_TS) -
                         ntp_time_get_ts(out + NTP_OFF_RECEIVE_TS)) >= 0,
               "signed transmit before receive");
}

static bool is_untouched(size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (out[i] != SENTINEL) {
            return false;
        }
    }
    return true;
}

static void check_time_reply(const struct ntp_request *rq, const struct ntp_reply *rep,
                             const struct ntp_clock_info *ci, bool is_acl_refused)
{
    uint8_t vn = (rq->data[0] >> 3) & 7;
    uint8_t mode = rq->data[0] & 7;
    uint8_t r_li = out[0] >> 6, r_vn = (out[0] >> 3) & 7, r_mode = out[0] & 7;

    FUZZ_CHECK(!is_acl_refused, "time reply to a source the access list refuses");
    FUZZ_CHECK(rep->len <= rq->len, "reply %zu larger than request %zu", rep->len, rq->len);
    FUZZ_CHECK(!rep->more_fragments && !rep->is_interleaved, "time reply flags");
    size_t mac_len = good_mac_len(rq);
    if (rep->is_signed) {
        check_signature(rq, rep, mac_len);
    } else {
        FUZZ_CHECK(rep->len == NTP_HEADER_LEN && rep->stamp_tx, "time reply of %zu bytes",
                   rep->len);
        FUZZ_CHECK(!acl_is_allowed(&srv.auth_required, rq->src_ip),
                   "unsigned time reply to a subnet that must authenticate");
        FUZZ_CHECK(rq->len != NTP_HEADER_LEN + mac_len || mac_len == 0,
                   "an unsigned reply to a request with a good MAC");
    }
    FUZZ_CHECK(mode == NTP_MODE_CLIENT || mode == NTP_MODE_SYM_ACTIVE ||
                   (mode == NTP_MODE_RESERVED && vn == 1 && rq->src_port != NTP_PORT),
               "time reply to mode %u version %u", mode, vn);
    FUZZ_CHECK(r_mode == (mode == NTP_MODE_SYM_ACTIVE ? NTP_MODE_SYM_PASSIVE : NTP_MODE_SERVER),
               "reply mode %u to mode %u", r_mode, mode);
    FUZZ_CHECK(r_vn == vn && vn >= 1 && vn <= 4, "reply version %u to version %u", r_vn, vn);
    FUZZ_CHECK(memcmp(out + NTP_OFF_ORIGIN_TS, rq->data + NTP_OFF_TRANSMIT_TS, 8) == 0,
               "originate is not the request's transmit");
    bool is_kod = out[NTP_OFF_STRATUM] == 0;
    if (is_kod) {
        FUZZ_CHECK(r_li == NTP_LEAP_ALARM && memcmp(out + NTP_OFF_REFID, "RATE", 4) == 0,
                   "stratum 0 that is not a RATE kiss");
    } else if (!ci->synced) {
        FUZZ_CHECK(r_li == NTP_LEAP_ALARM && out[NTP_OFF_STRATUM] == NTP_STRATUM_UNSYNC,
                   "untrusted time served as li %u stratum %u", r_li, out[NTP_OFF_STRATUM]);
    } else {
        FUZZ_CHECK(out[NTP_OFF_STRATUM] >= 1 && out[NTP_OFF_STRATUM] <= 15, "stratum %u",
                   out[NTP_OFF_STRATUM]);
    }
    FUZZ_CHECK(rep->is_signed ||
                   memcmp(out + NTP_OFF_TRANSMIT_TS, out + NTP_OFF_RECEIVE_TS, 8) == 0,
               "provisional transmit is not the receive timestamp");
}

/* Checks one mode 6 fragment; *next_offset is where the next must start. */
static void check_control_fragment(const struct ntp_request *rq, const struct ntp_reply *rep,
                                   size_t out_cap, uint16_t *next_offset)
{
    const uint8_t *d = rq->data;
    FUZZ_CHECK(rep->len >= NTP_CONTROL_HEADER_LEN && rep->len <= out_cap && rep->len % 4 == 0,
               "mode 6 reply of %zu bytes (cap %zu)", rep->len, out_cap);
    FUZZ_CHECK(!rep->stamp_tx, "mode 6 reply asks for a transmit stamp");
    FUZZ_CHECK((out[0] & 7) == NTP_MODE_CONTROL, "mode 6 answered in mode %u", out[0] & 7);
    FUZZ_CHECK(((out[0] >> 3) & 7) == ((d[0] >> 3) & 7), "mode 6 reply version");
    FUZZ_CHECK((out[1] & 0x80) != 0, "mode 6 reply without R");
    FUZZ_CHECK((out[1] & 0x1F) == (d[1] & 0x1F), "mode 6 reply opcode");
    FUZZ_CHECK(memcmp(out + 2, d + 2, 2) == 0, "mode 6 reply sequence");
    uint16_t offset = ntp_get_be16(out + 8), count = ntp_get_be16(out + 10);
    bool is_error = (out[1] & 0x40) != 0, is_more = (out[1] & 0x20) != 0;
    if (is_error) {
        FUZZ_CHECK(rep->len == NTP_CONTROL_HEADER_LEN && rep->len <= rq->len && !is_more &&
                       !rep->more_fragments,
                   "mode 6 error response of %zu bytes", rep->len);
        return;
    }
    FUZZ_CHECK(count <= NTP_CONTROL_DATA_MAX, "fragment of %u bytes", count);
    FUZZ_CHECK(rep->len == NTP_CONTROL_HEADER_LEN + ((count + 3u) & ~3u),
               "fragment length %zu for count %u", rep->len, count);
    FUZZ_CHECK(offset == *next_offset, "fragment at %u, expected %u", offset, *next_offset);
    FUZZ_CHECK(is_more == rep->more_fragments, "M bit and more_fragments disagree");
    FUZZ_CHECK(count > 0 || !is_more, "an empty fragment that promises more");
    FUZZ_CHECK(is_untouched(rep->len, out_cap), "written past the fragment");
    *next_offset = (uint16_t)(offset + count);
}

static void check_stamp(const struct ntp_reply *rep, int64_t tx_ns)
{
    uint8_t before[NTP_HEADER_LEN];
    memcpy(before, out, sizeof(before));
    ntp_server_stamp_transmit(&srv, out, ntp_time_ts_from_unix_ns(tx_ns));
    FUZZ_CHECK(memcmp(before, out, NTP_OFF_TRANSMIT_TS) == 0, "stamp changed bytes before 40");
    FUZZ_CHECK(is_untouched(rep->len, sizeof(out)), "stamp wrote past the reply");
    uint64_t rx = ntp_time_get_ts(out + NTP_OFF_RECEIVE_TS);
    uint64_t tx = ntp_time_get_ts(out + NTP_OFF_TRANSMIT_TS);
    FUZZ_CHECK((int64_t)(tx - rx) >= 0, "transmit before receive");
}

/* Handles one datagram and checks everything the engine promises about it. */
static void serve_one(const struct ntp_request *rqp, const struct ntp_clock_info *ci,
                      size_t out_cap, int64_t tx_ns)
{
    struct ntp_request rq = *rqp;
    const uint8_t *dgram = rq.data;
    size_t len = rq.len;
    bool is_acl_refused = !acl_is_allowed(&srv.acl, rq.src_ip);
    bool is_mgmt = acl_is_allowed(&srv.mgmt, rq.src_ip);

    struct ntp_counters before, after;
    ntp_server_get_counters(&srv, &before);
    memset(out, SENTINEL, sizeof(out));
    struct ntp_reply rep;
    clock_ts = ntp_time_ts_from_unix_ns(tx_ns);
    int ret = ntp_server_handle(&srv, &rq, ci, out, out_cap, &rep);
    ntp_server_get_counters(&srv, &after);

    if (ret == -EINVAL) {
        /* Only a known key's MAC with no room for the signed reply; neither counted nor written. */
        FUZZ_CHECK(out_cap < NTP_HEADER_LEN + NTP_AUTH_MAC_MAX && len > NTP_HEADER_LEN,
                   "-EINVAL for a %zu-byte datagram, cap %zu", len, out_cap);
        FUZZ_CHECK(after.received == before.received && fates(&after) == fates(&before),
                   "refused arguments counted");
        FUZZ_CHECK(is_untouched(0, sizeof(out)), "output written for refused arguments");
        return;
    }
    FUZZ_CHECK(after.received == before.received + 1u, "not counted as received");
    FUZZ_CHECK(fates(&after) == fates(&before) + 1u, "counted in %u fates",
               fates(&after) - fates(&before));
    if (ret != 0) {
        FUZZ_CHECK(ret < 0 && rep.len == 0, "no reply but ret %d len %zu", ret, rep.len);
        FUZZ_CHECK(is_untouched(0, sizeof(out)), "output written without a reply (ret %d)", ret);
        return;
    }
    uint8_t mode = len > 0 ? dgram[0] & 7 : 0;
    FUZZ_CHECK(len > 0 && mode != NTP_MODE_PRIVATE, "a reply to mode 7");
    FUZZ_CHECK(rep.len > 0 && rep.len <= out_cap, "reply of %zu bytes, cap %zu", rep.len, out_cap);
    if (mode != NTP_MODE_CONTROL) {
        check_time_reply(&rq, &rep, ci, is_acl_refused);
        FUZZ_CHECK(is_untouched(rep.len, sizeof(out)), "written past the time reply");
        FUZZ_CHECK(after.replied_auth - before.replied_auth ==
                       (rep.is_signed && out[NTP_OFF_STRATUM] != 0 ? 1u : 0u),
                   "replied_auth counts what was not a signed reply");
        if (rep.stamp_tx) {
            check_stamp(&rep, tx_ns);
        }
        return;
    }
    FUZZ_CHECK(is_mgmt, "mode 6 answered outside the management subnet");
    uint16_t next_offset = 0;
    check_control_fragment(&rq, &rep, out_cap, &next_offset);
    for (int n = 0; rep.more_fragments; n++) {
        FUZZ_CHECK(n < 64, "endless fragments");
        memset(out, SENTINEL, sizeof(out));
        ret = ntp_server_next_fragment(&srv, out, out_cap, &rep);
        FUZZ_CHECK(ret == 0, "promised fragment missing: %d", ret);
        check_control_fragment(&rq, &rep, out_cap, &next_offset);
    }
    FUZZ_CHECK(ntp_server_next_fragment(&srv, out, out_cap, &rep) == -ENODATA,
               "a fragment after the last");
}

static void check_top_clients(void)
{
    struct ratelimit_client top[APP_TOP];
    size_t n = ntp_server_top_clients(&srv, top, APP_TOP);
    FUZZ_CHECK(n <= APP_TOP && n <= ratelimit_count(&srv.rl), "%zu top clients", n);
    for (size_t i = 1; i < n; i++) {
        FUZZ_CHECK(top[i - 1].requests > top[i].requests ||
                       (top[i - 1].requests == top[i].requests && top[i - 1].ip < top[i].ip),
                   "top clients out of order at %zu", i);
    }
    FUZZ_CHECK(ntp_server_top_clients(&srv, top, 0) == 0, "top clients into no room");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    uint8_t flags = fuzz_u8(&in);
    uint8_t prec = fuzz_u8(&in);
    struct ntp_clock_info ci = {
        .synced = (flags & 1u) != 0,
        .leap = (uint8_t)((flags >> 1) & 3u),
        .precision_log2 = (int8_t)(-(int)((prec & 0x7Fu) % 40u)),
        .ref_ns = (int64_t)(fuzz_u32(&in) & 0x7FFFFFFFu) * 1000000000LL,
        .root_disp_us = 0,
    };
    ci.root_disp_us = ci.synced ? 1000u : 16000000u;
    uint8_t rl = fuzz_u8(&in);

    ntp_server_init(&srv, 12345u);
    struct ratelimit_params p = {
        .enabled = (rl & 1u) != 0,
        .interval_log2 = (int8_t)((rl >> 1) % 16u) - 3,
        .burst = (uint16_t)(1u + (rl >> 4)),
        .leak_log2 = (uint8_t)(1u + (rl >> 6)),
    };
    (void)ntp_server_set_ratelimit(&srv, &p);
    if (flags & 0x08u) {
        (void)ntp_server_acl_add(&srv, DENIED_NET, 16, ACL_DENY);
    }
    if (flags & 0x10u) {
        (void)ntp_server_acl_add(&srv, 0x0A000000u, 8, ACL_ALLOW); /* 10/8 only */
    }
    if (flags & 0x20u) {
        (void)ntp_server_mgmt_add(&srv, MGMT_NET, 24);
    }
    if (flags & 0x40u) {
        ntp_server_set_key_lookup(&srv, key_lookup, NULL);
    }
    ntp_server_set_clock_now(&srv, clock_now, NULL);
    if (prec & 0x80u) {
        (void)ntp_server_auth_require_add(&srv, AUTH_NET, 8);
    }
    if (flags & 0x80u) {
        (void)ntp_server_set_stratum(&srv, 15);
    }

    uint64_t mono_ms = 1000;
    int64_t rx_ns = (int64_t)1764097200 * 1000000000LL;
    while (in.left > 0) {
        uint8_t head = fuzz_u8(&in);
        uint8_t advance = fuzz_u8(&in);
        uint16_t cap_sel = fuzz_u16(&in);
        const uint8_t *dgram;
        size_t len = fuzz_bytes(&in, fuzz_u16(&in) % (OUT_MAX + 1u), &dgram);
        unsigned sign = cap_sel >> 13; /* 4..7: the harness signs it (7: badly) */
        if (sign >= 4u) {
            struct ntp_key key;
            size_t mac_len = 0;
            (void)key_lookup(NULL, sign_key_ids[sign - 4u], &key);
            memcpy(signed_dgram, dgram, len);
            FUZZ_CHECK(ntp_auth_sign(&key, signed_dgram, len, &mac_len) == 0, "harness signing");
            if (sign == 7u) {
                signed_dgram[len + NTP_AUTH_KEYID_LEN + advance % 16u] ^= (uint8_t)(1u + head);
            }
            dgram = signed_dgram;
            len += mac_len;
        }

        static const uint32_t sources[4] = { 0x0A000202u, 0x0A000305u, 0xC0A80101u, 0x08080808u };
        struct ntp_request rq = {
            .data = dgram,
            .len = len,
            .src_ip = sources[head & 3u],
            .src_port = (head & 4u) ? NTP_PORT : (uint16_t)(1024u + head),
            .rx_ts = ntp_time_ts_from_unix_ns(rx_ns),
            .mono_ms = mono_ms,
        };
        size_t out_cap = NTP_HEADER_LEN + (cap_sel & 0x1FFFu) % (OUT_MAX - NTP_HEADER_LEN + 1u);
        int64_t tx_ns = rx_ns + (int64_t)(head >> 4) * 1000 - 8000;
        if (head & 0x80u) {
            /* a flood: from `advance` addresses in turn, all in the same millisecond */
            for (unsigned i = 0; i <= advance; i++) {
                rq.src_ip = sources[head & 3u] + i * 0x01010101u;
                serve_one(&rq, &ci, out_cap, tx_ns);
            }
        } else {
            serve_one(&rq, &ci, out_cap, tx_ns);
            mono_ms += (uint64_t)advance * ((head & 8u) ? 1000u : 1u);
            rx_ns += (int64_t)advance * 1000000LL;
        }
        check_top_clients();
    }
    return 0;
}
