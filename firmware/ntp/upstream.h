/*
 * Optional upstream NTP client: takes the time from one configured server
 * (off by default) so that the appliance can set its battery clock.
 *
 * Hardware-free. The caller supplies the local time of day (int64 ns since
 * 1970, the same scale for sending, receiving and applying), a monotonic
 * millisecond counter (wrapping uint32 is fine), and 64 random bits per
 * request; it sends the 48-byte requests this module builds, hands back
 * every datagram from the server with its receive timestamp, and acts on
 * the decision that ends each round.
 *
 * A round is UPSTREAM_SAMPLES requests, UPSTREAM_SAMPLE_INTERVAL_MS apart.
 * Each request carries a random transmit timestamp (RFC 9109 style: the
 * local time never goes on the wire); a reply counts only if it comes from
 * the server's address and port, is mode 4, and echoes that value as its
 * originate timestamp. Replies with LI 3, stratum 0 (kiss-o'-death) or
 * 16+, a zero transmit or receive timestamp, or a root distance over the
 * limit are refused. Offset and delay come from the four timestamps (RFC
 * 5905 section 8). At the end of the round at least UPSTREAM_MIN_AGREEING
 * samples must agree within agree_ns; the one with the lowest delay among
 * them gives the offset, and the decision is: clock not set -> SET; offset
 * beyond jump_limit_s -> REFUSE (report it, change nothing); beyond
 * step_threshold_ns -> STEP; otherwise SLEW.
 *
 * With a symmetric key configured (key_id, as chrony's and ntpd's `server
 * ADDR key N`), each request carries a MAC under that key (RFC 5905
 * section 7.3, RFC 8573: 48 + 4 + digest bytes), and a reply counts only
 * if the MAC that follows its header is under the same key id and
 * verifies (constant-time compare). An unsigned reply, a crypto-NAK, a MAC
 * under another key id or a wrong digest is refused, and leaves the
 * request waiting: anyone who saw the request could have sent it, so it
 * must not use up the genuine reply's place (nor, as a forged kiss code,
 * stop the client). The key comes from the caller's lookup hook at each
 * request and each reply, never kept here; while it is not found, rounds
 * are refused (result status -ENOENT) and nothing is sent: there is no
 * falling back to unauthenticated time.
 *
 * NTP timestamps are placed in the era that puts them within 2^31 s of
 * UPSTREAM_ERA_PIVOT_UNIX_S (default: 2026-01-01 + 2^31 s, so 2026..2162),
 * which needs no trusted local clock. Relies on ntp/ntp_time.h and, for
 * the MACs, ntp/ntp_auth.h.
 */
#ifndef NTP_UPSTREAM_H
#define NTP_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntp/ntp.h"
#include "ntp/ntp_auth.h"

#define UPSTREAM_PACKET_LEN 48u /* NTP header, RFC 5905 figure 8 */
/* Longest request or reply: the header and a MAC (key id, SHA-1 digest). */
#define UPSTREAM_PACKET_MAX (UPSTREAM_PACKET_LEN + NTP_AUTH_MAC_MAX)
#define UPSTREAM_NTP_PORT   123u

/* Options: documented defaults, overridable per build (lwIP style). */

/* Requests per round. */
#ifndef UPSTREAM_SAMPLES
#define UPSTREAM_SAMPLES 5
#endif
/* Samples that must agree for a round to count. */
#ifndef UPSTREAM_MIN_AGREEING
#define UPSTREAM_MIN_AGREEING 4
#endif
/* Spacing of the requests in a round (RFC 4330: no more than one per 15 s in steady state;
 * a short burst of 5 at startup is what ntpd's iburst does at 2 s). */
#ifndef UPSTREAM_SAMPLE_INTERVAL_MS
#define UPSTREAM_SAMPLE_INTERVAL_MS 2000u
#endif
/* A reply later than this after its request is a lost sample (less than the interval). */
#ifndef UPSTREAM_REPLY_TIMEOUT_MS
#define UPSTREAM_REPLY_TIMEOUT_MS 1000u
#endif
/* Between the end of a good round and the next one. */
#ifndef UPSTREAM_ROUND_INTERVAL_S
#define UPSTREAM_ROUND_INTERVAL_S 3600u
#endif
/* After a round without a usable result. */
#ifndef UPSTREAM_RETRY_INTERVAL_S
#define UPSTREAM_RETRY_INTERVAL_S 300u
#endif
/* Ceiling of the interval as it doubles on kiss code RATE (< 2^31 ms). */
#ifndef UPSTREAM_ROUND_INTERVAL_MAX_S
#define UPSTREAM_ROUND_INTERVAL_MAX_S 86400u
#endif
/* Round-trip delays above this are refused (ns). */
#ifndef UPSTREAM_MAX_DELAY_NS
#define UPSTREAM_MAX_DELAY_NS 1000000000LL
#endif
/* Era pivot: 2026-01-01T00:00:00Z + 2^31 s. */
#ifndef UPSTREAM_ERA_PIVOT_UNIX_S
#define UPSTREAM_ERA_PIVOT_UNIX_S (1767225600LL + 2147483648LL)
#endif

struct upstream_config {
    bool is_enabled;              /* false: the module never sends */
    uint32_t server_addr;         /* IPv4, compared as is (lwIP ip4_addr_get_u32) */
    uint16_t server_port;         /* UPSTREAM_NTP_PORT */
    int64_t jump_limit_s;         /* larger offsets are refused once the clock is set (1000) */
    int64_t step_threshold_ns;    /* larger offsets are stepped, smaller slewed (128 ms) */
    int64_t agree_ns;             /* samples agree when their offsets are this close (50 ms) */
    int64_t max_root_distance_ns; /* root delay / 2 + root dispersion + delay / 2 (1.5 s) */
    uint32_t key_id;              /* symmetric key requests and replies are signed with, 0 = none */
    ntp_key_lookup_fn key_lookup; /* finds key_id (ntp.h); NULL: the key is never found */
    void *key_ctx;
};

enum upstream_action {
    UPSTREAM_ACTION_NONE,   /* no usable result (see status) */
    UPSTREAM_ACTION_SET,    /* the clock was not set: set it to local + offset_ns */
    UPSTREAM_ACTION_STEP,   /* step by offset_ns */
    UPSTREAM_ACTION_SLEW,   /* slew by offset_ns */
    UPSTREAM_ACTION_REFUSE, /* |offset| above the jump limit: change nothing, report */
};

/* Why the last reply was not used (upstream_handle_reply). */
enum upstream_reject {
    UPSTREAM_REJECT_NONE,
    UPSTREAM_REJECT_SHORT,          /* under 48 bytes */
    UPSTREAM_REJECT_SOURCE,         /* not from the server's address and port */
    UPSTREAM_REJECT_MODE,           /* not mode 4 */
    UPSTREAM_REJECT_UNEXPECTED,     /* no request outstanding (late or duplicate) */
    UPSTREAM_REJECT_ORIGIN,         /* originate is not our transmit */
    UPSTREAM_REJECT_VERSION,        /* VN not 1..4 */
    UPSTREAM_REJECT_KOD,            /* stratum 0: kiss code in kiss[] */
    UPSTREAM_REJECT_UNSYNCHRONIZED, /* LI 3 */
    UPSTREAM_REJECT_STRATUM,        /* stratum 16 or more */
    UPSTREAM_REJECT_ZERO_TIMESTAMP, /* transmit or receive timestamp zero */
    UPSTREAM_REJECT_ROOT_DISTANCE,  /* above max_root_distance_ns */
    UPSTREAM_REJECT_DELAY,          /* negative or above UPSTREAM_MAX_DELAY_NS, or overflow */
    /* With a key (the request still waits; upstream_handle_reply() returns -EACCES): */
    UPSTREAM_REJECT_UNSIGNED,    /* no MAC */
    UPSTREAM_REJECT_CRYPTO_NAK,  /* a crypto-NAK (key id 0, no digest): our MAC was refused */
    UPSTREAM_REJECT_KEY_ID,      /* a MAC under another key id */
    UPSTREAM_REJECT_BAD_MAC,     /* wrong digest, or a MAC of the wrong length for the key */
    UPSTREAM_REJECT_KEY_MISSING, /* the key is not (or no longer) found: nothing verifies */
};

struct upstream_sample {
    int64_t offset_ns;
    int64_t delay_ns;
    int64_t root_distance_ns;
    uint8_t stratum;
    uint32_t refid; /* as on the wire, big-endian */
};

struct upstream_result {
    enum upstream_action action;
    int status;               /* 0, -ENODATA (too few replies), -ERANGE (they disagree),
                                     -EBUSY (kiss RATE: backing off),
                                     -ECONNREFUSED (kiss DENY/RSTR: stopped),
                                     -ENOENT (the key is not found: refused, nothing sent),
                                     -EINVAL (the key found cannot sign: refused) */
    int64_t offset_ns;        /* server time minus local time */
    int64_t delay_ns;         /* round trip of the chosen sample */
    int64_t root_distance_ns; /* of the chosen sample */
    uint8_t stratum;
    uint32_t refid;
    uint8_t n_sent;
    uint8_t n_valid;
    uint8_t n_agreeing;
    uint8_t n_unauthenticated; /* replies refused for their MAC (or its lack) */
    char kiss[5];              /* kiss code, NUL-terminated, if one ended the round */
};

/* Caller-owned state; fill it with upstream_init. Counters are for the console. */
struct upstream {
    const struct upstream_config *cfg;
    bool is_round_active;
    bool is_waiting_reply;
    bool is_denied; /* kiss DENY/RSTR: silent until upstream_init */
    bool has_result;
    uint32_t next_send_ms;
    uint32_t reply_deadline_ms;
    uint32_t round_interval_s; /* grows on kiss RATE */
    uint64_t xmt;              /* transmit timestamp of the outstanding request */
    int64_t t1_ns;             /* local time it was sent */
    uint8_t n_sent;
    uint8_t n_samples;
    uint8_t round_unauthenticated; /* replies refused for their MAC in this round */
    struct upstream_sample samples[UPSTREAM_SAMPLES];
    struct upstream_result result;
    enum upstream_reject last_reject;  /* of any datagram not taken */
    enum upstream_reject last_refused; /* of the last reply refused (or round, key missing) */
    char last_kiss[5];
    uint32_t n_requests;
    uint32_t n_replies;         /* accepted samples */
    uint32_t n_rejected;        /* our replies refused, unauthenticated ones included */
    uint32_t n_unauthenticated; /* ... of which for their MAC or its lack */
    uint32_t n_timeouts;
    uint32_t n_key_missing; /* rounds refused: the key was not found */
};

/* Fills cfg with the defaults: disabled, port 123, limits as documented above. */
void upstream_default_config(struct upstream_config *cfg);

/*
 * Binds u to cfg (kept by pointer) and, if enabled, starts a round now.
 * Also the way to apply a changed configuration or to retry after DENY.
 */
void upstream_init(struct upstream *u, const struct upstream_config *cfg, uint32_t now_ms);

/*
 * Call every main-loop pass. When a request is due, builds it in pkt (len
 * bytes of room, UPSTREAM_PACKET_MAX always enough) with random as its
 * transmit timestamp and now_ns as its local send time, signed when a key
 * is configured, sets *pkt_len to its length (48, or 48 + the MAC) and
 * returns 0: send it to the server now. Also notices lost replies and
 * ends rounds; a round whose key is not found ends at once (-ENOENT in its
 * result) without sending anything.
 * Returns 0 (send pkt[0..*pkt_len-1]), -EAGAIN (nothing to send now),
 * -EINVAL (pkt too small for the request: nothing changed).
 */
int upstream_poll(struct upstream *u, uint32_t now_ms, int64_t now_ns, uint64_t random,
                  uint8_t *pkt, size_t len, size_t *pkt_len);

/*
 * Optional: replaces the local send time of the outstanding request with a
 * better one (taken right before the frame left). Returns 0 or -EAGAIN
 * (nothing outstanding).
 */
int upstream_note_transmit_time(struct upstream *u, int64_t t1_ns);

/*
 * Takes one datagram that arrived on the client's port: src_addr/src_port
 * as it came, rx_ns the local time of day of its arrival.
 * Returns 0 (sample taken), -EINVAL (not a reply to our request: ignored,
 * the request still waits), -EPROTO (our reply, refused: the request is
 * used up), -EACCES (a reply to our request that fails authentication:
 * refused, the request still waits). upstream_last_reject() says why.
 */
int upstream_handle_reply(struct upstream *u, const uint8_t *pkt, size_t len, uint32_t src_addr,
                          uint16_t src_port, int64_t rx_ns, uint32_t now_ms);

/*
 * After a round has ended, fills *r with its decision once. is_clock_set
 * says whether the local time of day is already trusted (SET versus
 * STEP/SLEW/REFUSE). Returns 0, or -EAGAIN while no new result is there.
 */
int upstream_take_result(struct upstream *u, bool is_clock_set, struct upstream_result *r);

/* Returns why the last datagram not taken (ignored or refused) was not taken. */
enum upstream_reject upstream_last_reject(const struct upstream *u);

/* Returns a short name for a reject reason ("origin mismatch"). */
const char *upstream_reject_name(enum upstream_reject reason);

/* Returns a short name for an action ("step"). */
const char *upstream_action_name(enum upstream_action action);

#endif /* NTP_UPSTREAM_H */
