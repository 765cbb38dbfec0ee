/*
 * Core NTP server engine: request validation, classification of what
 * follows the header, access control, rate limiting and the reply.
 *
 * Relies on ntp_time.c for timestamps, acl.c and ratelimit.c for policy,
 * ntp_auth.c for MACs, ntp_control.c for mode 6. The request is read, never written, and never
 * reaches the clock; its LI, stratum, poll, precision, root delay and
 * dispersion and reference timestamp are neither checked nor copied
 * (Windows sends LI 3, stratum 0, poll 17 and a 0xAAAAAAAA dispersion as a
 * matter of course). Only its poll (echoed) and transmit timestamp (our
 * originate) appear in the reply.
 *
 * What follows the 48-byte header, classified before any reply is built:
 *  - nothing: served.
 *  - a length that is not a multiple of 4: no RFC 7822 layout, padding or
 *    a trailer of some other protocol: served (the server never insists
 *    on exactly 48 bytes).
 *  - 4 bytes: a crypto-NAK (RFC 5905: a key id and no digest): no reply,
 *    counted as auth.
 *  - 20 or 24 bytes, possibly after NTPv4 extension fields: a MAC (key id
 *    plus 16-byte MD5/AES-CMAC or 20-byte SHA1 digest). Its key id goes to
 *    the key lookup hook; an unknown key means no reply (auth), a known one
 *    is checked and answered as below.
 *  - NTPv4: extension fields (RFC 7822 sec. 3: 16-bit type, 16-bit length,
 *    length >= 16 and a multiple of 4), skipped whatever their type, then
 *    nothing or a MAC as above. A length that is short, unaligned or runs
 *    past the datagram, or 8 or 12 bytes left over: bad format, no reply.
 *  - NTPv1..3 have no extension fields: any other trailer is served.
 *  - MS-SNTP: Windows domain members send 68 bytes (48 + 4-byte key id +
 *    16-byte digest, [MS-SNTP] sec. 2.2) or 120 bytes (48 + 72-byte
 *    extended authenticator, sec. 2.2.3). A 68-byte request is, byte for
 *    byte, also an NTPv3/v4 request with an MD5 MAC. Rule: a 68- or
 *    120-byte request that does not resolve to a key the hook knows is
 *    counted as MS-SNTP (drop_mssntp), never as auth; either way there is
 *    no reply, as [MS-SNTP] prescribes for a server that is not a domain
 *    controller. A 120-byte NTPv4 request made of valid extension fields
 *    only is served: the MS-SNTP authenticator cannot parse as one (its
 *    little-endian key id would have to make an extension length of 72).
 *
 * Authentication (symmetric keys: RFC 5905 sec. 7.3, RFC 8573; ntp_auth.h):
 *  - Cheap checks first: mode, version, access list, the trailer's layout
 *    and the key lookup, then the rate limit; only a request that passes
 *    it, or is sampled for a KoD, costs a digest. A flood of forged MACs
 *    costs what any flood costs.
 *  - Known key, wrong digest (or a digest of another length than the key's
 *    algorithm makes): silence, drop_bad_mac. Unknown key, a key the
 *    lookup returns but ntp_auth_check_key() refuses, or a crypto-NAK:
 *    silence, drop_auth. The server never sends a crypto-NAK: it is
 *    unauthenticated by construction, so a client cannot act on it safely
 *    (ntpd acting on them let a forged one bypass symmetric-key
 *    authentication: CVE-2015-7871), and anyone can forge one for nothing.
 *    chrony's server is silent too (ntp_core.c, NCR_ProcessRxUnknown():
 *    a request that fails symmetric authentication is discarded).
 *  - A good MAC: the reply, basic or interleaved, is signed with the same
 *    key (replied_auth): the 48-byte header and a MAC as long as the
 *    request's, so never larger than the request. A RATE KoD to such a
 *    request is signed too, as chrony's NAU_GenerateResponseAuth() signs
 *    whatever it answers: a client that authenticates discards an unsigned
 *    reply, KoD or not, so an unsigned one would be wasted; KoDs are
 *    sampled (ratelimit.h), which bounds the digests they cost.
 *  - The transmit timestamp of a signed basic reply (and KoD) is in the
 *    signed bytes, so the engine writes it itself before signing
 *    (ntp_server_stamp_transmit()'s rules: fuzz, never before receive,
 *    increasing): the clock hook read just before, plus what signing takes
 *    under that algorithm, as chrony adds its KEY_GetAuthDelay(). That
 *    duration is measured on every signed basic reply, from the clock read
 *    to the end of the MAC, and kept as a running minimum: signing 48 bytes
 *    takes the same instructions every time, and only an interrupt makes a
 *    sample longer. A longer sample raises it by 1/16 of the excess, at
 *    most 1/64 of itself, so that a sustained change is followed in a
 *    hundred replies or so and no single sample moves it much; a clock step
 *    between the two reads (a sample of 0 or over 10 ms) is no sample.
 *    The first reply signed under an algorithm is signed twice, the first
 *    time only to measure. What follows signing (the frame built around the
 *    reply and copied into the MAC, a few microseconds) is not compensated;
 *    interleaved mode carries the real departure.
 *  - Subnets in the auth_required list: a time request without a MAC is
 *    dropped (drop_unauth); one with a MAC is handled as above.
 *  - MS-SNTP: unchanged (above). Mode 6: a MAC after a control message is
 *    ignored and replies are never signed (ntp_control.c): read-only, and to
 *    the management subnets only; ntpq signs only its write requests, which
 *    are refused anyway.
 */
#include "ntp/ntp.h"

#include <errno.h>
#include <string.h>

#include "ntp/ntp_auth.h"
#include "ntp/ntp_internal.h"
#include "ntp/ntp_time.h"

/* RFC 7822 sec. 3: an extension field is at least 16 bytes, in 4-byte words. */
#define EF_MIN_LEN 16

/* A crypto-NAK: a MAC's key id without a digest (MAC lengths: ntp_auth.h). */
#define CRYPTO_NAK_LEN NTP_AUTH_KEYID_LEN

/* [MS-SNTP] sec. 2.2 request sizes: authenticator, extended authenticator (2.2.3). */
#define MSSNTP_AUTH_LEN     (NTP_HEADER_LEN + 4 + 16)
#define MSSNTP_EXT_AUTH_LEN (NTP_HEADER_LEN + 72)

/* A signing that seems to take longer is a clock step between the two reads: not a sample. */
#define SIGN_COST_MAX_TS ((uint32_t)((1ull << 32) / 100u)) /* 10 ms */

/* The backstep window in NTP timestamp units (2^-32 s). */
#define TX_BACKSTEP_MAX_TS                                                                         \
    ((int64_t)(((uint64_t)NTP_SERVER_TX_BACKSTEP_MAX_NS << 32) / NTP_TIME_NS_PER_S))

enum trailer_verdict {
    TRAILER_SERVE,
    TRAILER_MAC, /* a MAC under a key the hook knows: check it */
    TRAILER_MSSNTP,
    TRAILER_AUTH,
    TRAILER_BAD_FORMAT,
};

/* A request's MAC under a known key. */
struct mac_found {
    size_t offset; /* of the key id: the digest covers data[0..offset-1] */
    size_t len;    /* key id + digest */
    struct ntp_key key;
};

uint32_t ntp_server_random(struct ntp_server *s)
{
    /* xorshift32 (Marsaglia 2003): fuzz and sampling need spread, not secrecy. */
    uint32_t x = s->prng;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s->prng = x;
    return x;
}

/*
 * Returns ts with the fraction bits below 2^precision_log2 s replaced by
 * random ones (RFC 5905 sec. 6): the bits a clock of that resolution
 * cannot know, made unbiased instead of zero.
 */
static uint64_t fuzz_ts(struct ntp_server *s, uint64_t ts, int8_t precision_log2)
{
    int bits = 32 + precision_log2;

    if (bits <= 0)
        return ts;
    uint64_t mask = bits >= 32 ? 0xFFFFFFFFull : (1ull << bits) - 1;
    return (ts & ~mask) | (ntp_server_random(s) & mask);
}

/* Classifies the MAC at d + p, to the end (see the top of this file); fills *m for a known key. */
static enum trailer_verdict check_mac(struct ntp_server *s, const uint8_t *d, size_t p, size_t len,
                                      bool mssntp_len, struct mac_found *m)
{
    uint32_t key_id = ntp_get_be32(d + p);

    if (s->key_lookup != NULL && s->key_lookup(s->key_ctx, key_id, &m->key) == 0) {
        m->offset = p;
        m->len = len - p;
        return TRAILER_MAC;
    }
    return mssntp_len ? TRAILER_MSSNTP : TRAILER_AUTH;
}

static enum trailer_verdict classify_trailer(struct ntp_server *s, const uint8_t *d, size_t len,
                                             uint8_t vn, struct mac_found *m)
{
    bool mssntp_len = len == MSSNTP_AUTH_LEN || len == MSSNTP_EXT_AUTH_LEN;
    size_t p = NTP_HEADER_LEN;

    if (len == p)
        return TRAILER_SERVE;
    if ((len - p) % 4 != 0)
        return TRAILER_SERVE;

    if (vn == 4) {
        while (p < len) {
            size_t rem = len - p;
            /* RFC 7822 sec. 3 (updating RFC 5905 sec. 7.5): these lengths are a MAC. */
            if (rem == CRYPTO_NAK_LEN || rem == NTP_AUTH_MAC_LEN_16 || rem == NTP_AUTH_MAC_LEN_20)
                break;
            uint16_t ef_len = rem >= EF_MIN_LEN ? ntp_get_be16(d + p + 2) : 0;
            if (ef_len < EF_MIN_LEN || ef_len % 4 != 0 || ef_len > rem)
                return mssntp_len ? TRAILER_MSSNTP : TRAILER_BAD_FORMAT;
            p += ef_len;
        }
        if (p == len)
            return TRAILER_SERVE;
    }

    size_t rem = len - p;
    if (rem == CRYPTO_NAK_LEN)
        return mssntp_len ? TRAILER_MSSNTP : TRAILER_AUTH;
    if (rem == NTP_AUTH_MAC_LEN_16 || rem == NTP_AUTH_MAC_LEN_20)
        return check_mac(s, d, p, len, mssntp_len, m);
    /* NTPv1..3 only: not a layout this server knows (NTPv2's 12-byte DES authenticator, ...). */
    return mssntp_len ? TRAILER_MSSNTP : TRAILER_SERVE;
}

/* The request fields a reply echoes, read before out (which may be the request) is written. */
struct echo {
    uint8_t poll;
    uint8_t origin[8]; /* the request's transmit (basic) or receive (interleaved) timestamp */
};

/* Returns the wire forms of ci's slow fields, converted again only when they change. */
static const struct ntp_info_cache *info_wire(struct ntp_server *s, const struct ntp_clock_info *ci)
{
    struct ntp_info_cache *w = &s->info;

    if (w->ref_ns != ci->ref_ns) {
        w->ref_ns = ci->ref_ns;
        /* Reference timestamp 0 means never synchronized (RFC 5905 sec. 7.3). */
        w->ref_ts = ci->ref_ns != 0 ? ntp_time_ts_from_unix_ns(ci->ref_ns) : 0;
    }
    if (w->root_disp_us != ci->root_disp_us) {
        w->root_disp_us = ci->root_disp_us;
        w->root_disp_short = ntp_time_short_from_us(ci->root_disp_us);
    }
    return w;
}

void ntp_server_note_clock_info(struct ntp_server *s, const struct ntp_clock_info *ci)
{
    (void)info_wire(s, ci);
}

/*
 * Writes a 48-byte reply, word by word: header word, root delay, root
 * dispersion, refid, reference, originate (echo), receive (fuzzed rx_ts)
 * and transmit timestamps. The transmit timestamp is the provisional
 * receive timestamp (a frame is valid even before the stamp) unless
 * tx_ts is given (interleaved: the previous reply's departure).
 * Returns the receive timestamp written.
 */
static uint64_t put_reply(struct ntp_server *s, uint32_t head, uint32_t root_disp,
                          const uint8_t refid[4], uint64_t ref_ts, const struct echo *e,
                          uint64_t rx_ts, int8_t precision_log2, const uint64_t *tx_ts,
                          uint8_t *out)
{
    uint64_t rx = fuzz_ts(s, rx_ts, precision_log2);

    ntp_put_be32(out + NTP_OFF_LI_VN_MODE, head | ((uint32_t)e->poll << 8));
    /* Root delay 0: the appliance is its own reference. */
    ntp_put_be32(out + NTP_OFF_ROOT_DELAY, 0);
    ntp_put_be32(out + NTP_OFF_ROOT_DISP, root_disp);
    memcpy(out + NTP_OFF_REFID, refid, 4);
    ntp_time_put_ts(out + NTP_OFF_REF_TS, ref_ts);
    /* Originate: the client's timestamp, byte for byte (RFC 5905 sec. 8). */
    memcpy(out + NTP_OFF_ORIGIN_TS, e->origin, 8);
    ntp_time_put_ts(out + NTP_OFF_RECEIVE_TS, rx);
    ntp_time_put_ts(out + NTP_OFF_TRANSMIT_TS, tx_ts != NULL ? *tx_ts : rx);
    return rx;
}

/* The first header word: LI, VN, mode, stratum, and precision (poll is the request's). */
static uint32_t head_word(uint8_t li, uint8_t vn, uint8_t mode, uint8_t stratum,
                          int8_t precision_log2)
{
    return ((uint32_t)ntp_li_vn_mode(li, vn, mode) << 24) | ((uint32_t)stratum << 16) |
           (uint8_t)precision_log2;
}

/* Kiss-o'-Death RATE (RFC 5905 sec. 7.4): LI 3, stratum 0, the kiss code as refid. */
static void build_kod(struct ntp_server *s, const struct ntp_request *rq,
                      const struct ntp_clock_info *ci, uint8_t vn, uint8_t mode,
                      const struct echo *e, uint8_t *out)
{
    static const uint8_t rate[4] = { 'R', 'A', 'T', 'E' };

    (void)put_reply(s, head_word(NTP_LEAP_ALARM, vn, mode, 0, ci->precision_log2), 0, rate, 0, e,
                    rq->rx_ts, ci->precision_log2, NULL, out);
}

/* Forward: ntp_server_handle()'s rare paths, apart from it (see there). */
static int check_known_key(struct ntp_server *s, const struct mac_found *m, size_t out_cap);
static int reply_kod(struct ntp_server *s, const struct ntp_request *rq,
                     const struct ntp_clock_info *ci, uint8_t vn, uint8_t mode,
                     const struct ntp_key *key, uint8_t *out, struct ntp_reply *rep);

/*
 * True when the request asks for an interleaved reply and one can be
 * given: its originate timestamp is the receive timestamp of our last
 * reply to this client, its receive and transmit timestamps differ (as
 * chrony's server requires), and that reply's departure is known.
 */
static bool wants_interleaved(const struct ratelimit_entry *c, const uint8_t *d)
{
    return c->xl_rx_ts != 0 && c->xl_tx_ts != 0 &&
           ntp_time_get_ts(d + NTP_OFF_ORIGIN_TS) == c->xl_rx_ts &&
           ntp_time_get_ts(d + NTP_OFF_RECEIVE_TS) != ntp_time_get_ts(d + NTP_OFF_TRANSMIT_TS);
}

/* The served time now from the clock hook, or fallback without one. */
static uint64_t clock_read(const struct ntp_server *s, uint64_t fallback)
{
    return s->clock_now != NULL ? s->clock_now(s->clock_ctx) : fallback;
}

/* Takes one measurement of what signing under algorithm took (see the top of this file). */
static void learn_sign_cost(struct ntp_server *s, uint8_t algorithm, uint64_t took_ts)
{
    uint32_t *cost = &s->sign_cost_ts[algorithm];

    if (took_ts == 0 || took_ts > SIGN_COST_MAX_TS)
        return; /* no clock hook, or the clock stepped between the reads */
    if (*cost == 0 || took_ts < *cost) {
        *cost = (uint32_t)took_ts;
    } else {
        /* Up by 1/16 of the excess, but never by more than 1/64 of itself per sample. */
        uint32_t rise = ((uint32_t)took_ts - *cost) / 16u;
        uint32_t cap = *cost / 64u + 1u;
        *cost += rise < cap ? rise : cap;
    }
}

/*
 * Appends the MAC under key to the 48-byte reply in out. A basic reply
 * (is_stamped) first gets its transmit timestamp: the clock read now, plus
 * what signing takes (fallback_ts, the receive time, without a clock hook).
 * Returns 0 with *mac_len set, or ntp_auth_sign()'s error.
 */
static int sign_reply(struct ntp_server *s, const struct ntp_key *key, bool is_stamped,
                      uint64_t fallback_ts, uint8_t *out, size_t *mac_len)
{
    if (!is_stamped)
        return ntp_auth_sign(key, out, NTP_HEADER_LEN, mac_len);
    /* The first signature under an algorithm only measures the cost; the second is sent. */
    int passes = s->sign_cost_ts[key->algorithm] == 0 && s->clock_now != NULL ? 2 : 1;
    int err = 0;
    for (int i = 0; i < passes && err == 0; i++) {
        uint64_t t0 = clock_read(s, fallback_ts);
        ntp_server_stamp_transmit(s, out, t0 + s->sign_cost_ts[key->algorithm]);
        err = ntp_auth_sign(key, out, NTP_HEADER_LEN, mac_len);
        learn_sign_cost(s, key->algorithm, clock_read(s, fallback_ts) - t0);
    }
    return err;
}

/*
 * A MAC under a key the hook knows: what can be checked without a digest.
 * Returns 0, -EPERM (counted: a key that cannot be used as auth, a digest
 * of another length than its algorithm's as a bad MAC), or -EINVAL when
 * out_cap has no room for the signed reply (not counted). Out of line, as
 * reply_kod(): the common path keeps its registers.
 */
static __attribute__((noinline)) int check_known_key(struct ntp_server *s,
                                                     const struct mac_found *m, size_t out_cap)
{
    if (ntp_auth_check_key(&m->key) != 0) {
        s->counters.drop_auth++; /* held, but unusable: as if unknown */
        return -EPERM;
    }
    if (m->len != NTP_AUTH_KEYID_LEN + ntp_auth_digest_len(m->key.algorithm)) {
        s->counters.drop_bad_mac++; /* a digest no key of that algorithm makes */
        return -EPERM;
    }
    if (out_cap < NTP_HEADER_LEN + m->len) {
        s->counters.received--;
        return -EINVAL;
    }
    return 0;
}

/* Writes the RATE KoD to rq, signed under key (NULL: unsigned). Returns 0 with *rep filled. */
static __attribute__((noinline)) int reply_kod(struct ntp_server *s, const struct ntp_request *rq,
                                               const struct ntp_clock_info *ci, uint8_t vn,
                                               uint8_t mode, const struct ntp_key *key,
                                               uint8_t *out, struct ntp_reply *rep)
{
    struct echo e;
    size_t mac_len = 0;

    e.poll = rq->data[NTP_OFF_POLL];
    memcpy(e.origin, rq->data + NTP_OFF_TRANSMIT_TS, 8);
    build_kod(s, rq, ci, vn, mode, &e, out);
    if (key != NULL && sign_reply(s, key, true, rq->rx_ts, out, &mac_len) != 0) {
        s->counters.drop_auth++; /* cannot happen: the key has just verified */
        return -EPERM;
    }
    s->counters.kod_sent++;
    rep->len = NTP_HEADER_LEN + mac_len;
    rep->stamp_tx = key == NULL;
    rep->is_signed = key != NULL;
    return 0;
}

int ntp_server_handle(struct ntp_server *s, const struct ntp_request *rq,
                      const struct ntp_clock_info *ci, uint8_t *out, size_t out_cap,
                      struct ntp_reply *rep)
{
    if (s == NULL || rq == NULL || ci == NULL || out == NULL || rep == NULL ||
        (rq->data == NULL && rq->len != 0) || out_cap < NTP_HEADER_LEN)
        return -EINVAL;
    rep->len = 0;
    rep->stamp_tx = false;
    rep->is_interleaved = false;
    rep->is_signed = false;
    rep->more_fragments = false;
    s->counters.received++;

    if (rq->len < 1) {
        s->counters.drop_short++;
        return -EMSGSIZE;
    }
    uint8_t vn = (rq->data[0] >> 3) & 7;
    uint8_t mode = rq->data[0] & 7;

    if (mode == NTP_MODE_CONTROL) {
        if (out == rq->data) {
            s->counters.received--;
            return -EINVAL; /* a mode 6 reply is built from the request as it goes */
        }
        return ntp_control_handle(s, rq, ci, out, out_cap, rep);
    }
    if (mode == NTP_MODE_PRIVATE) {
        /* Never answered, whatever it holds (BCP 223). */
        s->counters.drop_bad_mode++;
        return -EOPNOTSUPP;
    }
    if (rq->len < NTP_HEADER_LEN) {
        s->counters.drop_short++;
        return -EMSGSIZE;
    }
    if (vn < 1 || vn > 4) {
        s->counters.drop_bad_version++;
        return -EPROTONOSUPPORT;
    }
    /*
     * NTPv1 (RFC 1059 sec. 3.2) has no mode field: those three bits are
     * reserved, zero, and the role follows from the ports. A request from a
     * port other than 123 is a client's and is answered in mode 4 (with
     * version 1 echoed, as every reply is); one from port 123 would be an
     * NTPv1 peer, which a server without associations drops. This is what
     * chrony does (ntp_core.c, NCR_ProcessRxUnknown(), case MODE_UNDEFINED:
     * "Don't ever respond with a mode 0 packet"); ntpd's receive() takes
     * mode 0 with version 1 as a client too.
     */
    if (mode == NTP_MODE_RESERVED && vn == 1 && rq->src_port != NTP_PORT)
        mode = NTP_MODE_CLIENT;
    if (mode != NTP_MODE_CLIENT && mode != NTP_MODE_SYM_ACTIVE) {
        s->counters.drop_bad_mode++;
        return -EOPNOTSUPP;
    }
    if (!acl_is_allowed(&s->acl, rq->src_ip)) {
        s->counters.drop_acl++;
        return -EACCES;
    }

    struct mac_found mac;
    size_t rq_mac_len = 0; /* the request's MAC under a known key, 0 for none */
    switch (classify_trailer(s, rq->data, rq->len, vn, &mac)) {
    case TRAILER_SERVE:
        if (!acl_is_empty(&s->auth_required) && acl_is_allowed(&s->auth_required, rq->src_ip)) {
            s->counters.drop_unauth++;
            return -EACCES;
        }
        break;
    case TRAILER_MAC: {
        int err = check_known_key(s, &mac, out_cap);
        if (err != 0)
            return err;
        rq_mac_len = mac.len;
        break;
    }
    case TRAILER_MSSNTP: s->counters.drop_mssntp++; return -EPROTO;
    case TRAILER_AUTH: s->counters.drop_auth++; return -EPERM;
    case TRAILER_BAD_FORMAT:
    default: s->counters.drop_bad_format++; return -EBADMSG;
    }

    uint8_t reply_mode = mode == NTP_MODE_CLIENT ? NTP_MODE_SERVER : NTP_MODE_SYM_PASSIVE;
    struct echo e;
    e.poll = rq->data[NTP_OFF_POLL];
    enum ratelimit_verdict rl =
        ratelimit_check(&s->rl, rq->src_ip, rq->mono_ms, ntp_server_random(s));
    if (rl != RATELIMIT_PASS && rl != RATELIMIT_KOD) {
        s->counters.drop_ratelimit++;
        return -EAGAIN;
    }
    /* Past the rate limit: worth a digest. Before out is written (it may be the request). */
    if (rq_mac_len != 0) {
        /* One AES key schedule for the request's digest and the reply's; released below. */
        (void)ntp_auth_hold(&mac.key);
        if (ntp_auth_verify(&mac.key, rq->data, mac.offset,
                            rq->data + mac.offset + NTP_AUTH_KEYID_LEN,
                            mac.len - NTP_AUTH_KEYID_LEN) != 0) {
            ntp_auth_release();
            s->counters.drop_bad_mac++;
            return -EPERM;
        }
    }
    if (rl == RATELIMIT_KOD) {
        int err = reply_kod(s, rq, ci, vn, reply_mode, rq_mac_len != 0 ? &mac.key : NULL, out, rep);
        ntp_auth_release();
        return err;
    }
    size_t mac_len = 0;

    struct ratelimit_entry *client = ratelimit_last_entry(&s->rl);
    bool interleaved = wants_interleaved(client, rq->data);
    uint64_t tx_ts = client->xl_tx_ts;
    /* Interleaved: the originate is the request's receive timestamp (RFC 5905 appendix A). */
    memcpy(e.origin, rq->data + (interleaved ? NTP_OFF_RECEIVE_TS : NTP_OFF_TRANSMIT_TS), 8);
    const struct ntp_info_cache *w = info_wire(s, ci);
    client->xl_rx_ts = put_reply(s,
                                 head_word(ntp_effective_leap(ci), vn, reply_mode,
                                           ntp_effective_stratum(s, ci), ci->precision_log2),
                                 w->root_disp_short, s->refid, w->ref_ts, &e, rq->rx_ts,
                                 ci->precision_log2, interleaved ? &tx_ts : NULL, out);
    client->xl_tx_ts = 0; /* until this reply has left (ntp_server_transmit_time) */
    if (rq_mac_len != 0) {
        int err = sign_reply(s, &mac.key, !interleaved, rq->rx_ts, out, &mac_len);
        ntp_auth_release();
        if (err != 0) {
            s->counters.drop_auth++; /* cannot happen: the key has just verified */
            return -EPERM;
        }
    }
    if (reply_mode == NTP_MODE_SERVER)
        s->counters.replied_mode4++;
    else
        s->counters.replied_mode2++;
    s->counters.replied_version[vn - 1]++;
    if (interleaved)
        s->counters.replied_interleaved++;
    if (rq_mac_len != 0)
        s->counters.replied_auth++;
    rep->len = NTP_HEADER_LEN + mac_len;
    rep->stamp_tx = !interleaved && rq_mac_len == 0;
    rep->is_interleaved = interleaved;
    rep->is_signed = rq_mac_len != 0;
    return 0;
}

void ntp_server_plan_transmit(struct ntp_server *s, const uint8_t *out, uint64_t now_ts,
                              struct ntp_tx_plan *p)
{
    /* The reply carries its own precision: the fuzz matches what it claims. */
    int bits = 32 + (int8_t)out[NTP_OFF_PRECISION];

    p->fuzz_mask = bits <= 0 ? 0 : bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
    p->fuzz_bits = ntp_server_random(s) & p->fuzz_mask;
    /* Never before the receive timestamp; differences modulo 2^64 survive the 2036 wrap. */
    p->min_ts = ntp_time_get_ts(out + NTP_OFF_RECEIVE_TS);
    /* Strictly after the previous stamp, unless the clock was stepped back (see ntp.h). */
    if (s->have_last_tx && (int64_t)(now_ts - s->last_tx_ts) > -TX_BACKSTEP_MAX_TS &&
        (int64_t)(s->last_tx_ts + 1 - p->min_ts) > 0)
        p->min_ts = s->last_tx_ts + 1;
}

void ntp_server_transmitted(struct ntp_server *s, uint64_t tx_ts)
{
    s->last_tx_ts = tx_ts;
    s->have_last_tx = true;
}

void ntp_server_stamp_transmit(struct ntp_server *s, uint8_t *out, uint64_t tx_ts)
{
    struct ntp_tx_plan p;

    ntp_server_plan_transmit(s, out, tx_ts, &p);
    uint64_t tx = (tx_ts & ~(uint64_t)p.fuzz_mask) | p.fuzz_bits;
    if ((int64_t)(tx - p.min_ts) < 0)
        tx = p.min_ts;
    ntp_time_put_ts(out + NTP_OFF_TRANSMIT_TS, tx);
    ntp_server_transmitted(s, tx);
}

void ntp_server_transmit_time(struct ntp_server *s, uint32_t ip, uint64_t rx_ts, uint64_t tx_ts)
{
    struct ratelimit_entry *c = ratelimit_find(&s->rl, ip);

    if (c != NULL && c->xl_rx_ts == rx_ts && rx_ts != 0)
        c->xl_tx_ts = tx_ts;
}

int ntp_server_next_fragment(struct ntp_server *s, uint8_t *out, size_t out_cap,
                             struct ntp_reply *rep)
{
    if (s == NULL || out == NULL || rep == NULL || out_cap < NTP_HEADER_LEN)
        return -EINVAL;
    return ntp_control_next_fragment(s, out, out_cap, rep);
}

void ntp_server_init(struct ntp_server *s, uint32_t seed)
{
    memset(s, 0, sizeof(*s));
    s->stratum = NTP_SERVER_DEFAULT_STRATUM;
    /* Converted as if reported (the first request converts what the clock really says). */
    s->info.ref_ns = INT64_MIN;
    s->info.ref_ts = ntp_time_ts_from_unix_ns(INT64_MIN);
    s->info.root_disp_us = UINT32_MAX;
    s->info.root_disp_short = ntp_time_short_from_us(UINT32_MAX);
    /* xorshift32 must not start at zero; mix the seed so nearby seeds diverge. */
    s->prng = (seed ^ 0x6D2B79F5u) * 0x9E3779B1u;
    if (s->prng == 0)
        s->prng = 0x6D2B79F5u;
    (void)ntp_server_set_refid(s, NTP_SERVER_DEFAULT_REFID);
    acl_init(&s->acl, ACL_POLICY_OPEN);
    acl_init(&s->mgmt, ACL_POLICY_CLOSED);
    acl_init(&s->auth_required, ACL_POLICY_CLOSED);
    ratelimit_init(&s->rl, ntp_server_random(s));
}

int ntp_server_set_stratum(struct ntp_server *s, uint8_t stratum)
{
    if (stratum < 1 || stratum > 15)
        return -EINVAL;
    s->stratum = stratum;
    return 0;
}

uint8_t ntp_server_get_stratum(const struct ntp_server *s)
{
    return s->stratum;
}

int ntp_server_set_refid(struct ntp_server *s, const char *refid)
{
    size_t n = 0;

    if (refid == NULL)
        return -EINVAL;
    while (n < 5 && refid[n] != '\0')
        n++;
    if (n < 1 || n > 4)
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (refid[i] <= ' ' || refid[i] > '~')
            return -EINVAL;
    memset(s->refid, 0, sizeof(s->refid));
    memcpy(s->refid, refid, n);
    return 0;
}

void ntp_server_get_refid(const struct ntp_server *s, char out[5])
{
    memcpy(out, s->refid, 4);
    out[4] = '\0';
}

int ntp_server_set_ratelimit(struct ntp_server *s, const struct ratelimit_params *p)
{
    return ratelimit_set_params(&s->rl, p);
}

void ntp_server_get_ratelimit(const struct ntp_server *s, struct ratelimit_params *p)
{
    ratelimit_get_params(&s->rl, p);
}

int ntp_server_acl_add(struct ntp_server *s, uint32_t net, uint8_t prefix_len,
                       enum acl_action action)
{
    return acl_add(&s->acl, net, prefix_len, action);
}

int ntp_server_acl_remove(struct ntp_server *s, uint32_t net, uint8_t prefix_len)
{
    return acl_remove(&s->acl, net, prefix_len);
}

void ntp_server_acl_clear(struct ntp_server *s)
{
    acl_clear(&s->acl);
}

int ntp_server_acl_get(const struct ntp_server *s, size_t index, struct acl_entry *out)
{
    return acl_get(&s->acl, index, out);
}

int ntp_server_mgmt_add(struct ntp_server *s, uint32_t net, uint8_t prefix_len)
{
    return acl_add(&s->mgmt, net, prefix_len, ACL_ALLOW);
}

int ntp_server_mgmt_remove(struct ntp_server *s, uint32_t net, uint8_t prefix_len)
{
    return acl_remove(&s->mgmt, net, prefix_len);
}

void ntp_server_mgmt_clear(struct ntp_server *s)
{
    acl_clear(&s->mgmt);
}

int ntp_server_mgmt_get(const struct ntp_server *s, size_t index, struct acl_entry *out)
{
    return acl_get(&s->mgmt, index, out);
}

int ntp_server_auth_require_add(struct ntp_server *s, uint32_t net, uint8_t prefix_len)
{
    return acl_add(&s->auth_required, net, prefix_len, ACL_ALLOW);
}

int ntp_server_auth_require_remove(struct ntp_server *s, uint32_t net, uint8_t prefix_len)
{
    return acl_remove(&s->auth_required, net, prefix_len);
}

void ntp_server_auth_require_clear(struct ntp_server *s)
{
    acl_clear(&s->auth_required);
}

int ntp_server_auth_require_get(const struct ntp_server *s, size_t index, struct acl_entry *out)
{
    return acl_get(&s->auth_required, index, out);
}

void ntp_server_set_key_lookup(struct ntp_server *s, ntp_key_lookup_fn fn, void *ctx)
{
    s->key_lookup = fn;
    s->key_ctx = ctx;
}

void ntp_server_set_clock_now(struct ntp_server *s, ntp_clock_now_fn fn, void *ctx)
{
    s->clock_now = fn;
    s->clock_ctx = ctx;
}

void ntp_server_get_counters(const struct ntp_server *s, struct ntp_counters *out)
{
    *out = s->counters;
}

void ntp_server_reset_counters(struct ntp_server *s)
{
    memset(&s->counters, 0, sizeof(s->counters));
}

size_t ntp_server_top_clients(const struct ntp_server *s, struct ratelimit_client *out, size_t max)
{
    return ratelimit_top(&s->rl, out, max);
}
