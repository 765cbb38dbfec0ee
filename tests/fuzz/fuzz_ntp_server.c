/*
 * libFuzzer harness: the NTP server engine (ntp_server.c, ntp_control.c,
 * ratelimit.c, acl.c) fed a sequence of datagrams, with what the engine
 * promises checked on every one.
 *
 * Input: a 7-byte setup (clock status, rate limit, access list,
 * management subnet, key hook), then records, each a 4-byte head (source
 * address and port choice, milliseconds to advance, output buffer size)
 * and a 2-byte length before the datagram's bytes. A record can be a
 * flood: the datagram sent from that many addresses in turn, which fills
 * the rate limiter's table past its size.
 *
 * Invariants:
 *  - every datagram counted in received and in exactly one other counter;
 *  - no reply to mode 7, ever; no reply to a mode other than 1, 3, 6 and
 *    NTPv1's mode 0 (from a port other than 123);
 *  - a time reply is a valid 48-byte header, no larger than its request:
 *    mode 4 (to modes 3 and NTPv1's 0) or 2 (to mode 1), the request's
 *    version, its transmit timestamp as originate, stratum 0 only in a
 *    RATE kiss, LI 3 and stratum 16 while the clock is not trusted; none
 *    to a source the access list refuses;
 *  - a mode 6 reply goes only to a management source, is a response (R)
 *    of the request's version, opcode and sequence; an error response is
 *    12 bytes; data fragments are contiguous from offset 0, at most 468
 *    bytes, padded to 32-bit words, M set on all but the last;
 *  - nothing is written to the output past the reply, nor anything at all
 *    without one; the transmit stamp changes bytes 40..47 only and is
 *    never before the receive timestamp;
 *  - the busiest-clients list is sorted, busiest first, and no longer
 *    than asked or than the clients seen.
 */
#include <errno.h>
#include <string.h>

#include "fuzz_util.h"
#include "ntp/ntp.h"
#include "ntp/ntp_internal.h"
#include "ntp/ntp_time.h"

#define OUT_MAX    1500u
#define SENTINEL   0xA5u
#define MGMT_NET   0x0A000200u /* 10.0.2.0/24 */
#define DENIED_NET 0xC0A80000u /* 192.168.0.0/16 */
#define APP_TOP    5           /* what status asks for */

static struct ntp_server srv;
static uint8_t out[OUT_MAX];

/* The key hook "knows" every key id divisible by 3. */
static int key_lookup(void *ctx, uint32_t key_id, struct ntp_key *key)
{
    (void)ctx;
    if (key_id % 3u != 0u) {
        return -ENOENT;
    }
    memset(key, 0, sizeof(*key));
    key->key_id = key_id;
    key->secret_len = 16;
    return 0;
}

static uint32_t fates(const struct ntp_counters *c)
{
    return c->replied_mode2 + c->replied_mode4 + c->kod_sent + c->drop_short + c->drop_bad_mode +
           c->drop_bad_version + c->drop_mssntp + c->drop_auth + c->drop_bad_format + c->drop_acl +
           c->drop_ratelimit + c->ctl_answered + c->ctl_errors + c->ctl_refused +
           c->ctl_ratelimited;
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
    FUZZ_CHECK(rep->len == NTP_HEADER_LEN, "time reply of %zu bytes", rep->len);
    FUZZ_CHECK(rep->len <= rq->len, "reply %zu larger than request %zu", rep->len, rq->len);
    FUZZ_CHECK(rep->stamp_tx && !rep->more_fragments, "time reply flags");
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
    FUZZ_CHECK(memcmp(out + NTP_OFF_TRANSMIT_TS, out + NTP_OFF_RECEIVE_TS, 8) == 0,
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
    int ret = ntp_server_handle(&srv, &rq, ci, out, out_cap, &rep);
    ntp_server_get_counters(&srv, &after);

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
        check_stamp(&rep, tx_ns);
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
    struct ntp_clock_info ci = {
        .synced = (flags & 1u) != 0,
        .leap = (uint8_t)((flags >> 1) & 3u),
        .precision_log2 = (int8_t)(-(int)(fuzz_u8(&in) % 40u)),
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

        static const uint32_t sources[4] = { 0x0A000202u, 0x0A000305u, 0xC0A80101u, 0x08080808u };
        struct ntp_request rq = {
            .data = dgram,
            .len = len,
            .src_ip = sources[head & 3u],
            .src_port = (head & 4u) ? NTP_PORT : (uint16_t)(1024u + head),
            .rx_ts = ntp_time_ts_from_unix_ns(rx_ns),
            .mono_ms = mono_ms,
        };
        size_t out_cap = NTP_HEADER_LEN + cap_sel % (OUT_MAX - NTP_HEADER_LEN + 1u);
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
