/*
 * Upstream NTP client logic: request building and signing, reply
 * validation and authentication, the on-wire offset and delay (RFC 5905
 * section 8), the round of samples and the decision that ends it (see
 * upstream.h). No I/O and no clock reads: every time comes from the
 * caller, the key from its lookup hook.
 */
#include "ntp/upstream.h"

#include <errno.h>
#include <string.h>

#include "lib/wipe.h"
#include "ntp/ntp_time.h"

#define NS_PER_US 1000LL
#define NS_PER_S  1000000000LL
#define MS_PER_S  1000u

/* Header fields (RFC 5905 figure 8). */
#define LI_SHIFT       6
#define VN_SHIFT       3
#define MODE_MASK      0x07u
#define VN_MASK        0x07u
#define LI_ALARM       3u /* clock unsynchronized */
#define VN_CLIENT      4u
#define MODE_CLIENT    3u
#define MODE_SERVER    4u
#define STRATUM_KOD    0u
#define STRATUM_MAX    15u
#define OFF_STRATUM    1
#define OFF_ROOT_DELAY 4
#define OFF_ROOT_DISP  8
#define OFF_REFID      12
#define OFF_ORIGIN     24
#define OFF_RECEIVE    32
#define OFF_TRANSMIT   40
#define OFF_MAC        48 /* the MAC follows the header: our requests carry no extension field */

/* Defaults documented in upstream.h. */
#define DEFAULT_JUMP_LIMIT_S         1000
#define DEFAULT_STEP_THRESHOLD_NS    128000000LL
#define DEFAULT_AGREE_NS             50000000LL
#define DEFAULT_MAX_ROOT_DISTANCE_NS 1500000000LL /* NTPsec's limit */

_Static_assert(UPSTREAM_MIN_AGREEING >= 1 && UPSTREAM_MIN_AGREEING <= UPSTREAM_SAMPLES,
               "need 1 <= UPSTREAM_MIN_AGREEING <= UPSTREAM_SAMPLES");
_Static_assert(UPSTREAM_SAMPLES <= 255, "counts are uint8_t");
_Static_assert((uint64_t)UPSTREAM_ROUND_INTERVAL_MAX_S *MS_PER_S < 0x80000000u,
               "intervals must stay below 2^31 ms for wrapping comparisons");
_Static_assert(UPSTREAM_PACKET_MAX == OFF_MAC + NTP_AUTH_MAC_MAX, "room for the longest MAC");

void upstream_default_config(struct upstream_config *cfg)
{
    *cfg = (struct upstream_config){
        .is_enabled = false,
        .server_addr = 0,
        .server_port = UPSTREAM_NTP_PORT,
        .jump_limit_s = DEFAULT_JUMP_LIMIT_S,
        .step_threshold_ns = DEFAULT_STEP_THRESHOLD_NS,
        .agree_ns = DEFAULT_AGREE_NS,
        .max_root_distance_ns = DEFAULT_MAX_ROOT_DISTANCE_NS,
        .key_id = 0,
        .key_lookup = NULL,
        .key_ctx = NULL,
    };
}

/* Returns true once now_ms has reached when_ms (counter wrap-safe). */
static bool is_due(uint32_t now_ms, uint32_t when_ms)
{
    return (int32_t)(now_ms - when_ms) >= 0;
}

static bool is_enabled(const struct upstream *u)
{
    return u->cfg != NULL && u->cfg->is_enabled && !u->is_denied;
}

void upstream_init(struct upstream *u, const struct upstream_config *cfg, uint32_t now_ms)
{
    memset(u, 0, sizeof(*u));
    u->cfg = cfg;
    u->round_interval_s = UPSTREAM_ROUND_INTERVAL_S;
    u->next_send_ms = now_ms;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/*
 * Fetches the configured key into *key. Returns 0, -ENOENT (the hook does
 * not find it, or there is no hook) or -EINVAL (it cannot sign: a bug in
 * the key store, refused all the same).
 */
static int get_key(const struct upstream *u, struct ntp_key *key)
{
    memset(key, 0, sizeof(*key));
    if (u->cfg->key_lookup == NULL ||
        u->cfg->key_lookup(u->cfg->key_ctx, u->cfg->key_id, key) != 0) {
        return -ENOENT;
    }
    if (key->key_id != u->cfg->key_id || ntp_auth_check_key(key) != 0) {
        return -EINVAL;
    }
    return 0;
}

/*
 * Finds the largest group of samples whose offsets lie within agree_ns of
 * each other and, in it, the sample with the lowest delay. Returns the
 * group's size; *best gets that sample's index.
 */
static unsigned pick_sample(const struct upstream *u, unsigned *best)
{
    unsigned order[UPSTREAM_SAMPLES];
    unsigned n = u->n_samples;
    for (unsigned i = 0; i < n; i++) {
        unsigned j = i;
        for (; j > 0 && u->samples[order[j - 1]].offset_ns > u->samples[i].offset_ns; j--) {
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
    unsigned group = 0;
    for (unsigned lo = 0; lo < n; lo++) {
        unsigned hi = lo;
        int64_t spread;
        while (hi + 1 < n &&
               !__builtin_sub_overflow(u->samples[order[hi + 1]].offset_ns,
                                       u->samples[order[lo]].offset_ns, &spread) &&
               spread <= u->cfg->agree_ns) {
            hi++;
        }
        if (hi - lo + 1 > group) {
            group = hi - lo + 1;
            *best = order[lo];
            for (unsigned k = lo; k <= hi; k++) {
                if (u->samples[order[k]].delay_ns < u->samples[*best].delay_ns) {
                    *best = order[k];
                }
            }
        }
    }
    return group;
}

/*
 * The round is over: work out its result and schedule the next one.
 * cut_status: what ended it early (a kiss code, the key), else 0.
 */
static void end_round(struct upstream *u, uint32_t now_ms, int cut_status)
{
    struct upstream_result *r = &u->result;
    memset(r, 0, sizeof(*r));
    r->n_sent = u->n_sent;
    r->n_valid = u->n_samples;
    r->n_unauthenticated = u->round_unauthenticated;
    if (cut_status != 0) {
        r->status = cut_status;
        if (cut_status == -EBUSY || cut_status == -ECONNREFUSED) {
            memcpy(r->kiss, u->last_kiss, sizeof(r->kiss));
        }
    } else if (u->n_samples < UPSTREAM_MIN_AGREEING) {
        r->status = -ENODATA;
    } else {
        unsigned best = 0;
        r->n_agreeing = (uint8_t)pick_sample(u, &best);
        if (r->n_agreeing < UPSTREAM_MIN_AGREEING) {
            r->status = -ERANGE;
        } else {
            const struct upstream_sample *s = &u->samples[best];
            r->offset_ns = s->offset_ns;
            r->delay_ns = s->delay_ns;
            r->root_distance_ns = s->root_distance_ns;
            r->stratum = s->stratum;
            r->refid = s->refid;
        }
    }
    /* A failed round retries sooner, but never sooner than a RATE kiss asked. */
    uint32_t next_s = u->round_interval_s;
    if (r->status != 0 && u->round_interval_s <= UPSTREAM_ROUND_INTERVAL_S) {
        next_s = UPSTREAM_RETRY_INTERVAL_S;
    }
    u->next_send_ms = now_ms + next_s * MS_PER_S;
    u->is_round_active = false;
    u->is_waiting_reply = false;
    u->has_result = true;
}

/* A request whose reply is overdue is a lost sample. */
static void check_timeout(struct upstream *u, uint32_t now_ms)
{
    if (!u->is_waiting_reply || !is_due(now_ms, u->reply_deadline_ms)) {
        return;
    }
    u->is_waiting_reply = false;
    u->n_timeouts++;
    if (u->n_sent >= UPSTREAM_SAMPLES) {
        end_round(u, now_ms, 0);
    }
}

int upstream_poll(struct upstream *u, uint32_t now_ms, int64_t now_ns, uint64_t random,
                  uint8_t *pkt, size_t len, size_t *pkt_len)
{
    if (pkt == NULL || pkt_len == NULL || len < UPSTREAM_PACKET_LEN) {
        return -EINVAL;
    }
    if (!is_enabled(u)) {
        return -EAGAIN;
    }
    check_timeout(u, now_ms);
    if (u->is_waiting_reply || !is_due(now_ms, u->next_send_ms)) {
        return -EAGAIN;
    }
    struct ntp_key key;
    int key_err = 0;
    size_t need = UPSTREAM_PACKET_LEN;
    if (u->cfg->key_id != 0) {
        key_err = get_key(u, &key);
        need += key_err == 0 ? NTP_AUTH_KEYID_LEN + ntp_auth_digest_len(key.algorithm) : 0;
    }
    if (len < need) {
        wipe_memory(&key, sizeof(key));
        return -EINVAL;
    }
    if (!u->is_round_active) {
        u->is_round_active = true;
        u->n_sent = 0;
        u->n_samples = 0;
        u->round_unauthenticated = 0;
    }
    /* Client request: LI 0, VN 4, mode 3, every other field zero but transmit. */
    uint8_t req[UPSTREAM_PACKET_MAX];
    memset(req, 0, UPSTREAM_PACKET_LEN);
    req[0] = (uint8_t)(VN_CLIENT << VN_SHIFT | MODE_CLIENT);
    uint64_t xmt = random != 0 ? random : 1; /* zero would match a zero originate */
    ntp_time_put_ts(&req[OFF_TRANSMIT], xmt);
    size_t mac_len = 0;
    if (u->cfg->key_id != 0 && key_err == 0) {
        key_err = ntp_auth_sign(&key, req, UPSTREAM_PACKET_LEN, &mac_len);
    }
    wipe_memory(&key, sizeof(key));
    if (key_err != 0) {
        /* Never unauthenticated instead: the round is refused, nothing goes out. */
        u->last_refused = UPSTREAM_REJECT_KEY_MISSING;
        u->n_key_missing++;
        end_round(u, now_ms, key_err == -ENOENT ? -ENOENT : -EINVAL);
        return -EAGAIN;
    }
    *pkt_len = UPSTREAM_PACKET_LEN + mac_len;
    memcpy(pkt, req, *pkt_len);
    u->xmt = xmt;
    u->t1_ns = now_ns;
    u->n_sent++;
    u->n_requests++;
    u->is_waiting_reply = true;
    u->reply_deadline_ms = now_ms + UPSTREAM_REPLY_TIMEOUT_MS;
    u->next_send_ms = now_ms + UPSTREAM_SAMPLE_INTERVAL_MS;
    return 0;
}

int upstream_note_transmit_time(struct upstream *u, int64_t t1_ns)
{
    if (!u->is_waiting_reply) {
        return -EAGAIN;
    }
    u->t1_ns = t1_ns;
    return 0;
}

static int ignore(struct upstream *u, enum upstream_reject reason)
{
    u->last_reject = reason;
    return -EINVAL;
}

/*
 * Our reply by its originate, with a key configured: checks that the MAC
 * after the header is under our key id and verifies. Returns
 * UPSTREAM_REJECT_NONE or the reason to refuse it.
 */
static enum upstream_reject check_mac(const struct upstream *u, const uint8_t *pkt, size_t len)
{
    if (len == UPSTREAM_PACKET_LEN) {
        return UPSTREAM_REJECT_UNSIGNED;
    }
    if (len < OFF_MAC + NTP_AUTH_KEYID_LEN) {
        return UPSTREAM_REJECT_BAD_MAC;
    }
    uint32_t key_id = get_be32(&pkt[OFF_MAC]);
    if (key_id == 0 && len == OFF_MAC + NTP_AUTH_KEYID_LEN) {
        return UPSTREAM_REJECT_CRYPTO_NAK; /* RFC 5905 section 7.4 */
    }
    if (key_id != u->cfg->key_id) {
        return UPSTREAM_REJECT_KEY_ID;
    }
    struct ntp_key key;
    int err = get_key(u, &key);
    if (err == 0) {
        const size_t at = OFF_MAC + NTP_AUTH_KEYID_LEN;
        err = ntp_auth_verify(&key, pkt, OFF_MAC, &pkt[at], len - at);
    }
    wipe_memory(&key, sizeof(key));
    return err == -ENOENT ? UPSTREAM_REJECT_KEY_MISSING
           : err != 0     ? UPSTREAM_REJECT_BAD_MAC
                          : UPSTREAM_REJECT_NONE;
}

/*
 * Our reply (originate matched): checks it and computes the sample.
 * Returns UPSTREAM_REJECT_NONE with *s filled, or the reason to refuse it.
 */
static enum upstream_reject make_sample(struct upstream *u, const uint8_t *pkt, int64_t t4,
                                        struct upstream_sample *s)
{
    unsigned li = pkt[0] >> LI_SHIFT;
    unsigned vn = (pkt[0] >> VN_SHIFT) & VN_MASK;
    uint8_t stratum = pkt[OFF_STRATUM];
    if (vn < 1 || vn > 4) {
        return UPSTREAM_REJECT_VERSION;
    }
    if (stratum == STRATUM_KOD) {
        memcpy(u->last_kiss, &pkt[OFF_REFID], 4);
        u->last_kiss[4] = '\0';
        return UPSTREAM_REJECT_KOD;
    }
    if (li == LI_ALARM) {
        return UPSTREAM_REJECT_UNSYNCHRONIZED;
    }
    if (stratum > STRATUM_MAX) {
        return UPSTREAM_REJECT_STRATUM;
    }
    uint64_t rec = ntp_time_get_ts(&pkt[OFF_RECEIVE]);
    uint64_t xmt = ntp_time_get_ts(&pkt[OFF_TRANSMIT]);
    if (rec == 0 || xmt == 0) {
        return UPSTREAM_REJECT_ZERO_TIMESTAMP;
    }
    /* RFC 5905 section 8: T1 sent, T2 server receive, T3 server transmit, T4 back. */
    const int64_t pivot_ns = UPSTREAM_ERA_PIVOT_UNIX_S * NS_PER_S;
    int64_t t1 = u->t1_ns;
    int64_t t2 = ntp_time_ts_to_unix_ns(rec, pivot_ns);
    int64_t t3 = ntp_time_ts_to_unix_ns(xmt, pivot_ns);
    int64_t out, back, round_trip, in_server, delay;
    if (__builtin_sub_overflow(t2, t1, &out) || __builtin_sub_overflow(t3, t4, &back) ||
        __builtin_sub_overflow(t4, t1, &round_trip) || __builtin_sub_overflow(t3, t2, &in_server) ||
        __builtin_sub_overflow(round_trip, in_server, &delay) || in_server < 0 || delay < 0 ||
        delay > UPSTREAM_MAX_DELAY_NS) {
        return UPSTREAM_REJECT_DELAY;
    }
    /* ((T2 - T1) + (T3 - T4)) / 2 without overflowing the sum. */
    s->offset_ns = out / 2 + back / 2 + (out % 2 + back % 2) / 2;
    s->delay_ns = delay;
    s->root_distance_ns =
        (int64_t)ntp_time_short_to_us(get_be32(&pkt[OFF_ROOT_DELAY])) * NS_PER_US / 2 +
        (int64_t)ntp_time_short_to_us(get_be32(&pkt[OFF_ROOT_DISP])) * NS_PER_US + delay / 2;
    if (s->root_distance_ns > u->cfg->max_root_distance_ns) {
        return UPSTREAM_REJECT_ROOT_DISTANCE;
    }
    s->stratum = stratum;
    s->refid = get_be32(&pkt[OFF_REFID]);
    return UPSTREAM_REJECT_NONE;
}

int upstream_handle_reply(struct upstream *u, const uint8_t *pkt, size_t len, uint32_t src_addr,
                          uint16_t src_port, int64_t rx_ns, uint32_t now_ms)
{
    if (!is_enabled(u)) {
        return ignore(u, UPSTREAM_REJECT_UNEXPECTED);
    }
    if (pkt == NULL || len < UPSTREAM_PACKET_LEN) {
        return ignore(u, UPSTREAM_REJECT_SHORT);
    }
    if (src_addr != u->cfg->server_addr || src_port != u->cfg->server_port) {
        return ignore(u, UPSTREAM_REJECT_SOURCE);
    }
    if ((pkt[0] & MODE_MASK) != MODE_SERVER) {
        return ignore(u, UPSTREAM_REJECT_MODE);
    }
    check_timeout(u, now_ms);
    if (!u->is_waiting_reply) {
        return ignore(u, UPSTREAM_REJECT_UNEXPECTED);
    }
    if (ntp_time_get_ts(&pkt[OFF_ORIGIN]) != u->xmt) {
        return ignore(u, UPSTREAM_REJECT_ORIGIN); /* bogus: keep waiting for ours */
    }
    if (u->cfg->key_id != 0) {
        enum upstream_reject auth = check_mac(u, pkt, len);
        if (auth != UPSTREAM_REJECT_NONE) {
            /* Anyone who saw the request could send this: refused, ours still awaited. */
            u->last_reject = auth;
            u->last_refused = auth;
            u->n_rejected++;
            u->n_unauthenticated++;
            if (u->round_unauthenticated < UINT8_MAX) {
                u->round_unauthenticated++;
            }
            return -EACCES;
        }
    }

    /* Our reply: the request is answered, whatever the answer is worth. */
    u->is_waiting_reply = false;
    struct upstream_sample s;
    enum upstream_reject reason = make_sample(u, pkt, rx_ns, &s);
    int kiss_status = 0;
    if (reason == UPSTREAM_REJECT_KOD) {
        if (memcmp(u->last_kiss, "RATE", 4) == 0) {
            /* RFC 5905 section 7.4: poll less often. */
            u->round_interval_s = u->round_interval_s * 2 > UPSTREAM_ROUND_INTERVAL_MAX_S
                                      ? UPSTREAM_ROUND_INTERVAL_MAX_S
                                      : u->round_interval_s * 2;
            kiss_status = -EBUSY;
        } else if (memcmp(u->last_kiss, "DENY", 4) == 0 || memcmp(u->last_kiss, "RSTR", 4) == 0) {
            /* RFC 5905 section 7.4: stop sending to this server. */
            u->is_denied = true;
            kiss_status = -ECONNREFUSED;
        }
    }
    if (reason == UPSTREAM_REJECT_NONE) {
        u->samples[u->n_samples++] = s;
        u->n_replies++;
    } else {
        u->last_reject = reason;
        u->last_refused = reason;
        u->n_rejected++;
    }
    if (kiss_status != 0 || u->n_sent >= UPSTREAM_SAMPLES) {
        end_round(u, now_ms, kiss_status);
    }
    return reason == UPSTREAM_REJECT_NONE ? 0 : -EPROTO;
}

int upstream_take_result(struct upstream *u, bool is_clock_set, struct upstream_result *r)
{
    if (!u->has_result) {
        return -EAGAIN;
    }
    u->has_result = false;
    *r = u->result;
    if (r->status != 0) {
        r->action = UPSTREAM_ACTION_NONE;
        return 0;
    }
    int64_t size_ns = abs64(r->offset_ns);
    int64_t jump_limit_ns =
        u->cfg->jump_limit_s > INT64_MAX / NS_PER_S ? INT64_MAX : u->cfg->jump_limit_s * NS_PER_S;
    if (!is_clock_set) {
        r->action = UPSTREAM_ACTION_SET;
    } else if (size_ns > jump_limit_ns) {
        r->action = UPSTREAM_ACTION_REFUSE;
    } else if (size_ns > u->cfg->step_threshold_ns) {
        r->action = UPSTREAM_ACTION_STEP;
    } else {
        r->action = UPSTREAM_ACTION_SLEW;
    }
    return 0;
}

enum upstream_reject upstream_last_reject(const struct upstream *u)
{
    return u->last_reject;
}

const char *upstream_reject_name(enum upstream_reject reason)
{
    static const char *const names[] = {
        [UPSTREAM_REJECT_NONE] = "none",
        [UPSTREAM_REJECT_SHORT] = "short packet",
        [UPSTREAM_REJECT_SOURCE] = "wrong source",
        [UPSTREAM_REJECT_MODE] = "not a server reply",
        [UPSTREAM_REJECT_UNEXPECTED] = "unexpected reply",
        [UPSTREAM_REJECT_ORIGIN] = "origin mismatch",
        [UPSTREAM_REJECT_VERSION] = "bad version",
        [UPSTREAM_REJECT_KOD] = "kiss-o'-death",
        [UPSTREAM_REJECT_UNSYNCHRONIZED] = "server unsynchronized",
        [UPSTREAM_REJECT_STRATUM] = "bad stratum",
        [UPSTREAM_REJECT_ZERO_TIMESTAMP] = "zero timestamp",
        [UPSTREAM_REJECT_ROOT_DISTANCE] = "root distance too large",
        [UPSTREAM_REJECT_DELAY] = "bad delay",
        [UPSTREAM_REJECT_UNSIGNED] = "unsigned",
        [UPSTREAM_REJECT_CRYPTO_NAK] = "crypto-NAK",
        [UPSTREAM_REJECT_KEY_ID] = "another key id",
        [UPSTREAM_REJECT_BAD_MAC] = "bad MAC",
        [UPSTREAM_REJECT_KEY_MISSING] = "key missing",
    };
    if ((unsigned)reason >= sizeof(names) / sizeof(names[0])) {
        return "?";
    }
    return names[reason];
}

const char *upstream_action_name(enum upstream_action action)
{
    static const char *const names[] = {
        [UPSTREAM_ACTION_NONE] = "none",      [UPSTREAM_ACTION_SET] = "set",
        [UPSTREAM_ACTION_STEP] = "step",      [UPSTREAM_ACTION_SLEW] = "slew",
        [UPSTREAM_ACTION_REFUSE] = "refused",
    };
    if ((unsigned)action >= sizeof(names) / sizeof(names[0])) {
        return "?";
    }
    return names[action];
}
