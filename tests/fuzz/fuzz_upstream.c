/*
 * libFuzzer harness: the upstream client (upstream.c), above all its reply
 * parser and its authentication, driven through rounds of polls, replies
 * and results.
 *
 * Input: one byte choosing the key (none; a SHA-1 or an AES-CMAC key the
 * store holds; a key id the store lacks), then operations, each one byte
 * and its arguments: poll (time passes, maybe a request goes out), a reply
 * datagram (its bytes from the input, its originate optionally our
 * outstanding transmit timestamp so that the parser gets past the origin
 * check, from the server or not, and signed with the key, with another
 * secret under the same id, a crypto-NAK, or as it is), a better transmit
 * time, taking the round's result, or the key leaving or coming back to
 * the store.
 *
 * Invariants:
 *  - a request is a 48-byte NTPv4 mode 3 header, zero but its transmit
 *    timestamp, which is the random value given (never zero); at most one
 *    is outstanding; with a key it is followed by a MAC under that key id
 *    that verifies, and while the store lacks the key nothing is sent;
 *  - a reply is taken (0) only from the server's address and port, in
 *    mode 4, version 1..4, stratum 1..15, LI not 3, with our transmit as
 *    its originate, and, with a key, with a MAC under our key id that
 *    verifies under the key held; every other is -EINVAL (ignored),
 *    -EPROTO (refused) or, with a key only, -EACCES (refused for its MAC,
 *    the request still waiting), with the reason recorded;
 *  - a round's result: SET/STEP/SLEW/REFUSE only with status 0, from at
 *    least UPSTREAM_MIN_AGREEING agreeing samples of at most
 *    UPSTREAM_SAMPLES sent, delay within 0..UPSTREAM_MAX_DELAY_NS, root
 *    distance within the limit, the action the one the offset calls for;
 *    -ENOENT only with a key that the store lacked.
 */
#include <errno.h>
#include <string.h>

#include "fuzz_util.h"
#include "ntp/ntp_auth.h"
#include "ntp/ntp_time.h"
#include "ntp/upstream.h"

#define SERVER   0x0A000202u
#define NS_PER_S 1000000000LL

static struct upstream u;
static struct upstream_config cfg;

/* The store: the one key, and whether it holds it now. */
static struct ntp_key key;
static bool is_key_held;
static bool was_key_missing; /* at some point since the start */

static const struct ntp_key sha1_key = { 70000, NTP_KEY_SHA1, 20,
                                         "\x8a\x9b\x9f\x3e\xe6\xf9\xb7\xa1\xc4\xd2"
                                         "\xe0\xf1\xa2\xb3\xc4\xd5\xe6\xf7\x08\x12" };
static const struct ntp_key cmac_key = { 3, NTP_KEY_AES128_CMAC, 16,
                                         "\x2b\x7e\x15\x16\x28\xae\xd2\xa6\xab\xf7\x15\x88\x09\xcf"
                                         "\x4f\x3c" };

static int lookup(void *ctx, uint32_t key_id, struct ntp_key *out)
{
    FUZZ_CHECK(ctx == &key, "lookup with another context");
    if (!is_key_held || key_id != key.key_id) {
        return -ENOENT;
    }
    *out = key;
    return 0;
}

static uint64_t get_ts(const uint8_t *p)
{
    return ntp_time_get_ts(p);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A MAC under our key that verifies follows the 48-byte header, and nothing else. */
static bool is_signed_by_key(const uint8_t *pkt, size_t len)
{
    size_t dl = ntp_auth_digest_len(key.algorithm);
    return len == UPSTREAM_PACKET_LEN + NTP_AUTH_KEYID_LEN + dl &&
           get_be32(pkt + UPSTREAM_PACKET_LEN) == key.key_id &&
           ntp_auth_verify(&key, pkt, UPSTREAM_PACKET_LEN,
                           pkt + UPSTREAM_PACKET_LEN + NTP_AUTH_KEYID_LEN, dl) == 0;
}

static void check_request(const uint8_t *pkt, size_t len, uint64_t random)
{
    FUZZ_CHECK(pkt[0] == 0x23, "request byte 0 is 0x%02x", pkt[0]);
    for (unsigned i = 1; i < 40; i++) {
        FUZZ_CHECK(pkt[i] == 0, "request byte %u is not zero", i);
    }
    FUZZ_CHECK(get_ts(pkt + 40) == (random != 0 ? random : 1u), "transmit is not the random value");
    if (cfg.key_id == 0) {
        FUZZ_CHECK(len == UPSTREAM_PACKET_LEN, "an unkeyed request of %zu bytes", len);
    } else {
        FUZZ_CHECK(is_key_held, "a request sent while the key is missing");
        FUZZ_CHECK(is_signed_by_key(pkt, len), "a request of %zu bytes not signed with the key",
                   len);
    }
}

static int64_t abs_ns(int64_t v)
{
    return v < 0 ? (v == INT64_MIN ? INT64_MAX : -v) : v;
}

static void check_result(const struct upstream_result *r, bool is_clock_set)
{
    FUZZ_CHECK(r->n_sent <= UPSTREAM_SAMPLES && r->n_valid <= r->n_sent &&
                   r->n_agreeing <= r->n_valid,
               "sent %u valid %u agreeing %u", r->n_sent, r->n_valid, r->n_agreeing);
    FUZZ_CHECK(cfg.key_id != 0 || r->n_unauthenticated == 0, "unauthenticated without a key");
    if (r->status != 0) {
        FUZZ_CHECK(r->action == UPSTREAM_ACTION_NONE, "action %d with status %d", r->action,
                   r->status);
        FUZZ_CHECK(r->status == -ENODATA || r->status == -ERANGE || r->status == -EBUSY ||
                       r->status == -ECONNREFUSED || (r->status == -ENOENT && was_key_missing),
                   "status %d", r->status);
        return;
    }
    FUZZ_CHECK(r->n_agreeing >= UPSTREAM_MIN_AGREEING, "a result from %u agreeing samples",
               r->n_agreeing);
    FUZZ_CHECK(r->delay_ns >= 0 && r->delay_ns <= UPSTREAM_MAX_DELAY_NS, "delay %lld",
               (long long)r->delay_ns);
    FUZZ_CHECK(r->root_distance_ns <= cfg.max_root_distance_ns, "root distance %lld",
               (long long)r->root_distance_ns);
    FUZZ_CHECK(r->stratum >= 1 && r->stratum <= 15, "stratum %u", r->stratum);
    int64_t size = abs_ns(r->offset_ns);
    enum upstream_action want = !is_clock_set                        ? UPSTREAM_ACTION_SET
                                : size > cfg.jump_limit_s * NS_PER_S ? UPSTREAM_ACTION_REFUSE
                                : size > cfg.step_threshold_ns       ? UPSTREAM_ACTION_STEP
                                                                     : UPSTREAM_ACTION_SLEW;
    FUZZ_CHECK(r->action == want, "action %d for offset %lld, want %d", r->action,
               (long long)r->offset_ns, want);
}

/* Signs pkt's header as sign says; returns the datagram's new length. */
static size_t sign_reply(uint8_t *pkt, size_t len, uint8_t sign)
{
    struct ntp_key k = key.key_id != 0 ? key : sha1_key;
    size_t mac_len = 0;
    switch (sign % 4u) {
    case 1: /* with the key */
        FUZZ_CHECK(ntp_auth_sign(&k, pkt, UPSTREAM_PACKET_LEN, &mac_len) == 0, "sign failed");
        return UPSTREAM_PACKET_LEN + mac_len;
    case 2: /* with another secret under the same id */
        k.secret[sign % k.secret_len] ^= (uint8_t)(sign | 1u);
        FUZZ_CHECK(ntp_auth_sign(&k, pkt, UPSTREAM_PACKET_LEN, &mac_len) == 0, "sign failed");
        return UPSTREAM_PACKET_LEN + mac_len;
    case 3: /* a crypto-NAK */
        memset(pkt + UPSTREAM_PACKET_LEN, 0, NTP_AUTH_KEYID_LEN);
        return UPSTREAM_PACKET_LEN + NTP_AUTH_KEYID_LEN;
    default: return len; /* as it came */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    upstream_default_config(&cfg);
    cfg.is_enabled = true;
    cfg.server_addr = SERVER;
    uint8_t key_mode = fuzz_u8(&in) % 4u;
    memset(&key, 0, sizeof(key));
    is_key_held = key_mode == 1u || key_mode == 2u;
    was_key_missing = !is_key_held;
    if (key_mode != 0u) {
        key = key_mode == 2u ? cmac_key : sha1_key;
        cfg.key_id = key.key_id;
        cfg.key_lookup = lookup;
        cfg.key_ctx = &key;
    }
    uint32_t now_ms = fuzz_u32(&in);
    int64_t now_ns = (int64_t)(fuzz_u64(&in) % (uint64_t)(4102444800LL * NS_PER_S));
    upstream_init(&u, &cfg, now_ms);
    bool is_waiting = false;
    uint64_t xmt = 0;

    while (in.left > 0) {
        uint8_t op = fuzz_u8(&in);
        switch (op % 5u) {
        case 0: { /* time passes; a request may go out */
            uint32_t step_ms = fuzz_u16(&in) * ((op & 0x80u) ? 1000u : 1u);
            now_ms += step_ms;
            now_ns += (int64_t)step_ms * 1000000LL + (int16_t)fuzz_u16(&in);
            uint64_t random = fuzz_u64(&in);
            uint8_t pkt[UPSTREAM_PACKET_MAX];
            size_t len = 0;
            int ret = upstream_poll(&u, now_ms, now_ns, random, pkt, sizeof(pkt), &len);
            FUZZ_CHECK(ret == 0 || ret == -EAGAIN, "poll returned %d", ret);
            if (ret == 0) {
                check_request(pkt, len, random);
                xmt = get_ts(pkt + 40);
                is_waiting = true;
            }
            break;
        }
        case 1: { /* a datagram on the client's port */
            uint8_t how = fuzz_u8(&in);
            uint8_t sign = fuzz_u8(&in);
            uint8_t pkt[96];
            memset(pkt, 0, sizeof(pkt));
            const uint8_t *bytes;
            size_t len = fuzz_bytes(&in, fuzz_u8(&in) % sizeof(pkt), &bytes);
            memcpy(pkt, bytes, len);
            if ((how & 1u) && len >= 32) {
                ntp_time_put_ts(pkt + 24, xmt); /* answers our request */
            }
            if ((how & 2u) && len >= 1) {
                pkt[0] = (uint8_t)((pkt[0] & ~7u) | 4u); /* mode 4 */
            }
            if (len >= UPSTREAM_PACKET_LEN) {
                len = sign_reply(pkt, len, sign);
            }
            uint32_t src = (how & 4u) ? SERVER + 1u : SERVER;
            uint16_t port = (how & 8u) ? 124 : UPSTREAM_NTP_PORT;
            int64_t rx_ns = now_ns + (int64_t)(how >> 4) * 50000000LL + (int16_t)fuzz_u16(&in);
            bool was_waiting = is_waiting;
            int ret = upstream_handle_reply(&u, pkt, len, src, port, rx_ns, now_ms);
            enum upstream_reject why = upstream_last_reject(&u);
            FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -EPROTO ||
                           (ret == -EACCES && cfg.key_id != 0),
                       "reply gave %d", ret);
            FUZZ_CHECK(upstream_reject_name(why)[0] != '?', "unnamed reject %d", why);
            if (ret == 0) {
                FUZZ_CHECK(was_waiting && len >= UPSTREAM_PACKET_LEN && src == SERVER &&
                               port == UPSTREAM_NTP_PORT && (pkt[0] & 7u) == 4u &&
                               get_ts(pkt + 24) == xmt,
                           "a reply taken that does not answer our request");
                unsigned li = pkt[0] >> 6, vn = (pkt[0] >> 3) & 7u;
                FUZZ_CHECK(li != 3 && vn >= 1 && vn <= 4 && pkt[1] >= 1 && pkt[1] <= 15,
                           "a reply taken with li %u vn %u stratum %u", li, vn, pkt[1]);
                FUZZ_CHECK(cfg.key_id == 0 || (is_key_held && is_signed_by_key(pkt, len)),
                           "a reply of %zu bytes taken without a good MAC under the key", len);
            }
            if (ret == -EACCES) {
                FUZZ_CHECK(u.is_waiting_reply, "a reply refused for its MAC used up the request");
            }
            if (ret == 0 || ret == -EPROTO) {
                is_waiting = false; /* answered, well or badly */
            }
            break;
        }
        case 2: { /* a better transmit time for the outstanding request */
            int ret = upstream_note_transmit_time(&u, now_ns + (int16_t)fuzz_u16(&in));
            FUZZ_CHECK(ret == 0 || ret == -EAGAIN, "note_transmit_time gave %d", ret);
            break;
        }
        case 3: { /* the round's result, if there is one */
            struct upstream_result r;
            bool is_set = (op & 0x80u) != 0;
            int ret = upstream_take_result(&u, is_set, &r);
            FUZZ_CHECK(ret == 0 || ret == -EAGAIN, "take_result gave %d", ret);
            if (ret == 0) {
                check_result(&r, is_set);
                FUZZ_CHECK(upstream_action_name(r.action)[0] != '?', "unnamed action");
            }
            break;
        }
        default: /* `ntp key remove`, `ntp key add` */
            if (cfg.key_id != 0) {
                is_key_held = !is_key_held;
                was_key_missing |= !is_key_held;
            }
            break;
        }
    }
    return 0;
}
