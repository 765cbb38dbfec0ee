/*
 * NTP server engine: one datagram in, at most one reply out, no hardware.
 *
 * The caller (the lwIP glue) hands over each UDP datagram that arrived on
 * port 123 with its source, its arrival timestamp (taken in the receive
 * interrupt) and the clock module's current status. The engine validates
 * it, applies access control and rate limiting, and writes the reply into
 * the caller's buffer; the caller sends it back to the source address and
 * port. Nothing here touches the clock: a request can never set the time.
 *
 * Served: mode 3 (client) -> mode 4, mode 1 (symmetric active) -> mode 2
 * without an association, NTP versions 1..4 (echoed), an NTPv1 request
 * (which has no mode field: mode 0) from a port other than 123 -> mode 4,
 * and mode 6 READSTAT and READVAR for association 0 to the management
 * subnets only. A time request with a valid MAC (RFC 5905 sec. 7.3,
 * RFC 8573: MD5, SHA-1, AES-128-CMAC; ntp_auth.h) under a key the lookup
 * hook knows gets a reply signed with the same key. Never answered: mode 7
 * (the monlist amplifier; BCP 223, RFC 8633), modes 0 (but NTPv1's), 2, 4,
 * 5, versions 0 and 5..7, MS-SNTP requests, requests with a MAC for a key
 * the appliance does not have or with a wrong digest, crypto-NAKs, and
 * requests without a MAC from a subnet that must authenticate. A time reply
 * is 48 bytes, or 48 plus the request's own MAC length when signed, and a
 * time request at least as long, so the server never amplifies.
 *
 * Call order, per datagram:
 *   1. ntp_server_handle(). A negative return means: send nothing.
 *   2. On 0, if rep.stamp_tx (an unsigned basic-mode time reply): build the frame
 *      around out[0..rep.len-1] and write the transmit timestamp
 *      out[40..47] immediately before the frame goes to the MAC: either
 *      read the clock and call ntp_server_stamp_transmit(), or, for a stamp
 *      written by the MAC driver itself after the rest of the frame (eth.h's
 *      one-step stamp), take the rules from ntp_server_plan_transmit() and
 *      report the stamp written with ntp_server_transmitted(). Only
 *      out[40..47] changes, so the UDP checksum can be patched
 *      incrementally (RFC 1624). An interleaved reply (rep.is_interleaved)
 *      is complete as it is: its transmit timestamp is the previous reply's.
 *      So is a signed reply (rep.is_signed): a MAC covers its transmit
 *      timestamp, so the engine wrote it before signing, from the clock
 *      hook (ntp_server_set_clock_now()) read just before, plus the time
 *      signing is measured to take; it must leave byte for byte as built.
 *   3. Send. For every time reply (mode 2 and 4) sent, report when it left
 *      with ntp_server_transmit_time(), as precisely as known (the MAC's
 *      transmit-complete event; the stamp in the frame until then): the
 *      next interleaved reply to that client carries it.
 *      If rep.more_fragments (mode 6 only): call
 *      ntp_server_next_fragment() and send each fragment in turn until it
 *      returns -ENODATA. Fragments carry no timestamp to patch.
 *
 * Interleaved mode (RFC 5905 sec. 9 and appendix A.5.1.1's interleaved
 * variant; chrony's `xleave`, client and symmetric mode): a client asks for
 * it by sending as its originate timestamp the receive timestamp of the
 * server's previous reply to it (and a receive timestamp different from its
 * transmit timestamp). The server keeps, per client in the rate-limit table,
 * the receive timestamp of its last reply and when that reply really left;
 * when a request matches, the reply's originate is the request's receive
 * timestamp and its transmit timestamp is that departure time. Anything
 * else, and a client the table has forgotten, gets a basic reply.
 *
 * Not reentrant: one struct ntp_server per main loop.
 */
#ifndef NTP_NTP_H
#define NTP_NTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntp/acl.h"
#include "ntp/ratelimit.h"

#define NTP_PORT 123

/* The fixed NTP header (RFC 5905 sec. 7.3); the smallest request served and the only reply size. */
#define NTP_HEADER_LEN 48

/* Mode 6 header (RFC 9327 sec. 2) and its largest data field (RFC 1305 appendix B). */
#define NTP_CONTROL_HEADER_LEN 12
#ifndef NTP_CONTROL_DATA_MAX
#define NTP_CONTROL_DATA_MAX 468
#endif

/* Default stratum while the clock is trusted (1: the appliance is a primary server). */
#ifndef NTP_SERVER_DEFAULT_STRATUM
#define NTP_SERVER_DEFAULT_STRATUM 1
#endif

/* Default reference id: an uncalibrated local clock (RFC 4330 sec. 4). */
#ifndef NTP_SERVER_DEFAULT_REFID
#define NTP_SERVER_DEFAULT_REFID "LOCL"
#endif

/*
 * The transmit timestamp is kept strictly increasing, but a backward jump
 * larger than this is an operator's step of the clock and is taken as it
 * is: pinning every later timestamp to the old, wrong time would be worse.
 * Smaller steps never reach a well-behaved clock: RFC 5905 steps only past
 * STEPT = 128 ms (appendix A.1.1), and slews below it.
 */
#ifndef NTP_SERVER_TX_BACKSTEP_MAX_NS
#define NTP_SERVER_TX_BACKSTEP_MAX_NS 128000000
#endif

/* Reported as version="..." in mode 6. */
#ifndef NTP_SERVER_VERSION_STRING
#define NTP_SERVER_VERSION_STRING "ntp-appliance 1.0"
#endif

/* Buffer for the mode 6 variable text; the full system variable list takes about 700 bytes. */
#ifndef NTP_CONTROL_TEXT_MAX
#define NTP_CONTROL_TEXT_MAX 1024
#endif

/* Variables one mode 6 reply can hold; fragments are cut between them. */
#define NTP_CONTROL_MAX_ITEMS 40

/* Longest symmetric key secret the lookup hook may return. */
#define NTP_KEY_SECRET_MAX 32

/* What the clock module says about the time it keeps. */
struct ntp_clock_info {
    bool synced;           /* false: not trusted (RTC lost power, never set, ...) */
    uint8_t leap;          /* 0 none, 1 insert, 2 delete a second at the end of the month */
    int8_t precision_log2; /* timestamp resolution, log2 s (-30..-3 keeps Windows happy) */
    int64_t ref_ns;        /* unix ns of the last set or discipline update; 0 = never */
    uint32_t root_disp_us; /* root dispersion now, microseconds */
};

/* The wire forms of ntp_clock_info's slow fields, converted once per change (ntp_server.c). */
struct ntp_info_cache {
    int64_t ref_ns;
    uint32_t root_disp_us;
    uint64_t ref_ts;          /* NTP timestamp of ref_ns, 0 = never */
    uint32_t root_disp_short; /* NTP short format, rounded up */
};

/* One received datagram. */
struct ntp_request {
    const uint8_t *data;
    size_t len;
    uint32_t src_ip;   /* host order */
    uint16_t src_port; /* host order; the reply goes back to it, whatever it is */
    uint64_t rx_ts;    /* arrival: NTP timestamp of the receive interrupt's stamp */
    uint64_t mono_ms;  /* monotonic ms since boot at arrival (rate limiting) */
};

struct ntp_reply {
    size_t len;          /* bytes of out to send */
    bool stamp_tx;       /* basic mode: the transmit timestamp is written just before sending */
    bool is_interleaved; /* interleaved mode: out[40..47] is the previous reply's departure */
    bool is_signed;      /* a MAC follows the 48-byte header: sent exactly as built */
    bool more_fragments; /* mode 6: ntp_server_next_fragment() has more to send */
};

/*
 * The rules for a basic reply's transmit timestamp, for a stamp written at
 * the last moment by someone else (ntp_server_plan_transmit()): the value
 * v read from the clock is fuzzed below the reply's precision,
 *     v = (v & ~fuzz_mask) | fuzz_bits     (low 32 bits),
 * and raised to min_ts if below it (differences modulo 2^64).
 */
struct ntp_tx_plan {
    uint64_t min_ts;
    uint32_t fuzz_mask;
    uint32_t fuzz_bits;
};

/*
 * Every datagram handed to ntp_server_handle() (with valid arguments) is
 * counted in received and in exactly one other counter except
 * replied_version, which splits replied_mode2 + replied_mode4 by version,
 * and replied_interleaved and replied_auth, the interleaved and the signed
 * ones among them.
 */
struct ntp_counters {
    uint32_t received;
    uint32_t replied_mode2;       /* time replies to mode 1 */
    uint32_t replied_mode4;       /* time replies to mode 3 (and NTPv1's mode 0) */
    uint32_t replied_version[4];  /* time replies by version, [vn - 1] */
    uint32_t replied_interleaved; /* time replies in interleaved mode */
    uint32_t replied_auth;        /* time replies signed with the request's key */
    uint32_t kod_sent;            /* over the rate limit, answered with RATE */
    uint32_t drop_short;          /* shorter than the header of its mode */
    uint32_t drop_bad_mode;       /* modes 0 (but NTPv1 clients'), 2, 4, 5, 7 */
    uint32_t drop_bad_version;    /* versions 0, 5, 6, 7 */
    uint32_t drop_mssntp;         /* 68 or 120 bytes and no key of ours: MS-SNTP */
    uint32_t drop_auth;           /* MAC with a key we lack, crypto-NAK */
    uint32_t drop_bad_mac;        /* MAC with a key we hold whose digest is wrong */
    uint32_t drop_unauth;         /* no MAC, from a subnet that must authenticate */
    uint32_t drop_bad_format;     /* malformed extension fields; mode 6 responses */
    uint32_t drop_acl;            /* refused by the access list */
    uint32_t drop_ratelimit;      /* over the rate limit, not sampled for a KoD */
    uint32_t ctl_answered;        /* mode 6 answered with data (once per request) */
    uint32_t ctl_errors;          /* mode 6 answered with an error response */
    uint32_t ctl_refused;         /* mode 6 from outside the management list */
    uint32_t ctl_ratelimited;     /* mode 6 over the rate limit (never a KoD) */
};

/* MAC algorithms a key can use (RFC 5905 sec. 7.3 MD5, RFC 8573 AES-CMAC, ntpd SHA1). */
enum ntp_key_algorithm {
    NTP_KEY_MD5 = 0,         /* 16-byte digest */
    NTP_KEY_SHA1 = 1,        /* 20-byte digest */
    NTP_KEY_AES128_CMAC = 2, /* 16-byte digest */
};
#define NTP_KEY_ALGORITHMS 3

struct ntp_key {
    uint32_t key_id;
    uint8_t algorithm; /* enum ntp_key_algorithm */
    uint8_t secret_len;
    uint8_t secret[NTP_KEY_SECRET_MAX];
};

/*
 * Symmetric key lookup hook. Returns 0 and fills *key if the appliance has
 * key_id, or -ENOENT. Called once per request that carries a MAC, before
 * the rate limit, so it must be cheap (a table scan, no EEPROM access).
 */
typedef int (*ntp_key_lookup_fn)(void *ctx, uint32_t key_id, struct ntp_key *key);

/* Clock hook: returns the served time now, NTP format (ntp_server_set_clock_now()). */
typedef uint64_t (*ntp_clock_now_fn)(void *ctx);

/* Internal: the mode 6 reply being sent in fragments. */
struct ntp_control_pending {
    bool active;
    uint8_t version;
    uint8_t opcode;
    uint8_t leap;
    uint8_t item_count;
    uint16_t sequence;
    uint16_t status;
    uint16_t text_len;
    uint16_t offset; /* first byte not yet sent */
    uint16_t item_end[NTP_CONTROL_MAX_ITEMS];
    char text[NTP_CONTROL_TEXT_MAX];
};

/* The whole server state, caller-owned (static); fields are private. */
struct ntp_server {
    uint8_t stratum;
    uint8_t refid[4];
    bool have_last_tx;
    uint32_t prng;
    uint64_t last_tx_ts; /* NTP timestamp of the last transmit stamp */
    struct ntp_info_cache info;
    ntp_key_lookup_fn key_lookup;
    void *key_ctx;
    ntp_clock_now_fn clock_now;
    void *clock_ctx;
    /* What signing a basic reply takes, by algorithm, 2^-32 s; 0 until measured. */
    uint32_t sign_cost_ts[NTP_KEY_ALGORITHMS];
    struct ntp_counters counters;
    struct acl acl;
    struct acl mgmt;
    struct acl auth_required;
    struct ratelimit rl;
    struct ntp_control_pending ctl;
};

/*
 * Sets every default: stratum 1, refid LOCL, serve everyone, no management
 * subnet (mode 6 refused to all), rate limits as in ratelimit.h, no keys.
 * seed feeds the timestamp fuzz, the KoD sampling and the rate table's
 * hash key; give it something unpredictable (timer and MAC bits).
 */
void ntp_server_init(struct ntp_server *s, uint32_t seed);

/*
 * Converts ci's slow fields (reference time, root dispersion) into their
 * wire forms now, so that requests find them ready: call after refreshing
 * them (ntp_server_handle() converts whatever changed itself otherwise).
 */
void ntp_server_note_clock_info(struct ntp_server *s, const struct ntp_clock_info *ci);

/*
 * Handles one datagram and writes the reply, if any, to out (out_cap must
 * be at least NTP_HEADER_LEN; mode 6 fragments use up to
 * NTP_CONTROL_HEADER_LEN + NTP_CONTROL_DATA_MAX = 480 bytes when there is
 * room, less otherwise). For modes 1 and 3 out may be rq->data itself (a
 * reply built in place: every request field is read before the reply is
 * written); mode 6 needs a buffer of its own. Returns 0 with *rep filled:
 * send rep->len bytes to the source. Otherwise no reply, and the reason:
 *   -EINVAL           bad arguments (not counted), mode 6 in place
 *   -EMSGSIZE         shorter than the header
 *   -EPROTONOSUPPORT  version 0 or 5..7
 *   -EOPNOTSUPP       mode 0 (but an NTPv1 client's), 2, 4, 5 or 7
 *   -EPROTO           MS-SNTP request (68 or 120 bytes, see ntp_server.c)
 *   -EPERM            MAC for a key the appliance lacks, a crypto-NAK, or a
 *                     MAC under a known key whose digest is wrong
 *   -EBADMSG          malformed extension fields, or a mode 6 response
 *   -EACCES           refused by the access list (mode 6: management list),
 *                     or no MAC from a subnet that must authenticate
 *   -EAGAIN           over the rate limit, not sampled for a KoD
 * A request with a MAC under a known key is answered in out[0..47 + its
 * MAC length]: with out_cap below that, -EINVAL (not counted).
 */
int ntp_server_handle(struct ntp_server *s, const struct ntp_request *rq,
                      const struct ntp_clock_info *ci, uint8_t *out, size_t out_cap,
                      struct ntp_reply *rep);

/*
 * Writes the transmit timestamp for tx_ts (the clock read now, NTP format)
 * into out[40..47] of a reply for which rep.stamp_tx was set, and nothing
 * else. The value is fuzzed below the reply's precision, at least its
 * receive timestamp, and strictly greater than the previous transmit
 * stamp, unless the clock was stepped back by more than
 * NTP_SERVER_TX_BACKSTEP_MAX_NS.
 */
void ntp_server_stamp_transmit(struct ntp_server *s, uint8_t *out, uint64_t tx_ts);

/*
 * The same rules for a stamp someone else writes at the last moment:
 * fills *p for the reply in out (rep.stamp_tx set), now_ts being the clock
 * read shortly before. Once the stamp v is written, call
 * ntp_server_transmitted(s, v): the next transmit stamp must be above it.
 */
void ntp_server_plan_transmit(struct ntp_server *s, const uint8_t *out, uint64_t now_ts,
                              struct ntp_tx_plan *p);

/* Records the transmit timestamp written into the last basic reply. */
void ntp_server_transmitted(struct ntp_server *s, uint64_t tx_ts);

/*
 * Records when the time reply to ip whose receive timestamp (out[32..39])
 * is rx_ts left (tx_ts, NTP format), for the client's next interleaved
 * reply. A later call for the same reply (the MAC's transmit-complete
 * event after the stamp in the frame) replaces the earlier value; a call
 * for any other reply than the client's last is ignored.
 */
void ntp_server_transmit_time(struct ntp_server *s, uint32_t ip, uint64_t rx_ts, uint64_t tx_ts);

/*
 * Writes the next fragment of the mode 6 reply begun by the last
 * ntp_server_handle(). Returns 0 with *rep filled, or -ENODATA when every
 * fragment has been written (or none is pending), -EINVAL for out_cap
 * below NTP_HEADER_LEN.
 */
int ntp_server_next_fragment(struct ntp_server *s, uint8_t *out, size_t out_cap,
                             struct ntp_reply *rep);

/* Sets the stratum served while the clock is trusted. Returns 0, or -EINVAL outside 1..15. */
int ntp_server_set_stratum(struct ntp_server *s, uint8_t stratum);

/* Returns the configured stratum. */
uint8_t ntp_server_get_stratum(const struct ntp_server *s);

/*
 * Sets the reference id: 1..4 printable ASCII characters (no space),
 * zero padded on the wire. Returns 0, or -EINVAL.
 */
int ntp_server_set_refid(struct ntp_server *s, const char *refid);

/* Copies the refid as a C string into out[0..4]. */
void ntp_server_get_refid(const struct ntp_server *s, char out[5]);

/* Sets the rate limits (shared by time and mode 6 requests). Returns 0, or -EINVAL (see ratelimit.h). */
int ntp_server_set_ratelimit(struct ntp_server *s, const struct ratelimit_params *p);

/* Copies the rate limits to *p. */
void ntp_server_get_ratelimit(const struct ntp_server *s, struct ratelimit_params *p);

/*
 * Access list for time requests (modes 1 and 3), ACL_POLICY_OPEN: longest
 * prefix wins; with no entry everyone is served; once any allow entry
 * exists, addresses no entry matches are refused. Mode 6 is governed by
 * the management list alone. Return as acl_add/acl_remove/acl_get.
 */
int ntp_server_acl_add(struct ntp_server *s, uint32_t net, uint8_t prefix_len,
                       enum acl_action action);
int ntp_server_acl_remove(struct ntp_server *s, uint32_t net, uint8_t prefix_len);
void ntp_server_acl_clear(struct ntp_server *s);
int ntp_server_acl_get(const struct ntp_server *s, size_t index, struct acl_entry *out);

/*
 * Management subnets: the only sources mode 6 is answered to
 * (ACL_POLICY_CLOSED, empty by default). Return as acl_add/acl_remove/acl_get.
 */
int ntp_server_mgmt_add(struct ntp_server *s, uint32_t net, uint8_t prefix_len);
int ntp_server_mgmt_remove(struct ntp_server *s, uint32_t net, uint8_t prefix_len);
void ntp_server_mgmt_clear(struct ntp_server *s);
int ntp_server_mgmt_get(const struct ntp_server *s, size_t index, struct acl_entry *out);

/*
 * Subnets whose clients must authenticate (ACL_POLICY_CLOSED, empty by
 * default: keys are optional everywhere). A time request without a MAC
 * from a listed subnet is dropped (drop_unauth). 0.0.0.0/0 makes every
 * client authenticate. Return as acl_add/acl_remove/acl_get.
 */
int ntp_server_auth_require_add(struct ntp_server *s, uint32_t net, uint8_t prefix_len);
int ntp_server_auth_require_remove(struct ntp_server *s, uint32_t net, uint8_t prefix_len);
void ntp_server_auth_require_clear(struct ntp_server *s);
int ntp_server_auth_require_get(const struct ntp_server *s, size_t index, struct acl_entry *out);

/*
 * Installs the symmetric key lookup hook (NULL: no keys, the default).
 * ctx is passed back to it.
 */
void ntp_server_set_key_lookup(struct ntp_server *s, ntp_key_lookup_fn fn, void *ctx);

/*
 * Installs the clock hook a signed basic reply reads its transmit
 * timestamp from (NULL, the default: the reply's receive timestamp is
 * used). ctx is passed back to it.
 */
void ntp_server_set_clock_now(struct ntp_server *s, ntp_clock_now_fn fn, void *ctx);

/* Copies the counters to *out. */
void ntp_server_get_counters(const struct ntp_server *s, struct ntp_counters *out);

/* Zeroes the counters. */
void ntp_server_reset_counters(struct ntp_server *s);

/* Fills out with the busiest clients in the rate table, busiest first. Returns how many. */
size_t ntp_server_top_clients(const struct ntp_server *s, struct ratelimit_client *out, size_t max);

#endif /* NTP_NTP_H */
