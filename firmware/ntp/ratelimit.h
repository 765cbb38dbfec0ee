/*
 * Per-client response rate limiting, in the manner of chrony's ratelimit.
 *
 * A fixed table of the RATELIMIT_TABLE_SIZE most recently seen IPv4
 * addresses (hash chains for lookup, a least-recently-used list for
 * eviction when the table is full; no heap). Each entry is a token bucket
 * written as a GCRA "theoretical arrival time": one reply per
 * 2^interval_log2 seconds on average, with up to `burst` replies back to
 * back. A request over the limit is answered with a Kiss-o'-Death RATE
 * with probability 2^-leak_log2 (so a client whose address is spoofed by an
 * attacker still learns to slow down, and a real client that ignores KoD
 * still gets an occasional answer it can act on), and dropped otherwise.
 * Requests over the limit do not consume tokens, so an abuser gets exactly
 * the configured rate plus the KoD share, never more.
 *
 * Time is the monotonic millisecond count since boot, never time of day,
 * which an operator can step.
 *
 * The table is the server's client table: each entry also holds the NTP
 * engine's interleaved-mode state for its client (ntp.h), which the rate
 * limiter itself never reads.
 *
 * Defaults (why):
 *   interval_log2 = -2: 4 replies/s sustained per address. 100 clients
 *       behind one NAT polling every 64 s send 1.6/s; the limit leaves room
 *       for 256 of them, or 4096 at the 1024 s poll ntpd and chrony reach.
 *   burst = 64: iburst (8 requests 2 s apart; chrony's 4 in about 2 s),
 *       w32tm /resync bursts and a NAT's clients polling in step all fit.
 *   leak_log2 = 2: one over-limit request in 4 gets a KoD. A client
 *       sending 100 requests/s gets 4 replies/s plus about 24 KoD/s, each
 *       48 bytes for a request of at least 48: no amplification.
 * w32tm /stripchart (one request per 2 s) is 1/8 of the sustained rate.
 */
#ifndef NTP_RATELIMIT_H
#define NTP_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Clients remembered; 48 bytes of RAM each. At most 65534. */
#ifndef RATELIMIT_TABLE_SIZE
#define RATELIMIT_TABLE_SIZE 192
#endif

/* log2 of the number of hash chains; 2^bits >= table size keeps chains short. */
#ifndef RATELIMIT_HASH_BITS
#define RATELIMIT_HASH_BITS 8
#endif

#ifndef RATELIMIT_DEFAULT_INTERVAL_LOG2
#define RATELIMIT_DEFAULT_INTERVAL_LOG2 (-2)
#endif

#ifndef RATELIMIT_DEFAULT_BURST
#define RATELIMIT_DEFAULT_BURST 64
#endif

#ifndef RATELIMIT_DEFAULT_LEAK_LOG2
#define RATELIMIT_DEFAULT_LEAK_LOG2 2
#endif

/* Accepted ranges: 125 ms .. 4096 s between replies (whole milliseconds). */
#define RATELIMIT_INTERVAL_LOG2_MIN (-3)
#define RATELIMIT_INTERVAL_LOG2_MAX 12
#define RATELIMIT_BURST_MAX         1024
#define RATELIMIT_LEAK_LOG2_MAX     16

struct ratelimit_params {
    bool enabled;         /* false: every request passes (still counted per client) */
    int8_t interval_log2; /* mean interval between replies, log2 s */
    uint16_t burst;       /* replies allowed back to back, 1..RATELIMIT_BURST_MAX */
    uint8_t leak_log2;    /* over the limit, 1 in 2^leak_log2 requests gets a KoD */
};

enum ratelimit_verdict {
    RATELIMIT_PASS = 0, /* within the limit: answer normally */
    RATELIMIT_KOD = 1,  /* over the limit, sampled: answer with a RATE kiss */
    RATELIMIT_DROP = 2, /* over the limit: no answer */
};

/* What the console shows for one client. */
struct ratelimit_client {
    uint32_t ip;       /* host order */
    uint32_t requests; /* since the address entered the table */
    uint32_t limited;  /* of those, over the limit (KoD or dropped) */
};

#define RATELIMIT_NIL 0xFFFFu

struct ratelimit_entry {
    uint64_t tat_ms; /* theoretical arrival time of the next conforming request */
    /* Interleaved mode (the engine's): its last time reply to this client. */
    uint64_t xl_rx_ts; /* that reply's receive timestamp, 0 = none */
    uint64_t xl_tx_ts; /* when that reply left (NTP format), 0 = not known yet */
    uint32_t ip;
    uint32_t requests;
    uint32_t limited;
    uint16_t hash_next;
    uint16_t lru_prev; /* towards the most recently used */
    uint16_t lru_next; /* towards the least recently used */
};

struct ratelimit {
    struct ratelimit_params params;
    uint32_t t_ms;   /* params' interval, ms */
    uint32_t tau_ms; /* params' burst less one interval, ms */
    uint32_t hash_key;
    uint32_t evictions;
    uint16_t used;
    uint16_t lru_head; /* most recently used */
    uint16_t lru_tail; /* least recently used: evicted first */
    uint16_t last;     /* the entry of the client ratelimit_check() saw last */
    uint16_t heads[1u << RATELIMIT_HASH_BITS];
    struct ratelimit_entry entries[RATELIMIT_TABLE_SIZE];
};

/*
 * Empties the table and sets the defaults above. hash_key should be
 * random (the caller's seed) so that nobody can pick addresses that share
 * a hash chain.
 */
void ratelimit_init(struct ratelimit *rl, uint32_t hash_key);

/*
 * Sets the limits; existing clients keep their state. Returns 0, or
 * -EINVAL for a field out of its range (see RATELIMIT_*_MIN/MAX).
 */
int ratelimit_set_params(struct ratelimit *rl, const struct ratelimit_params *p);

/* Copies the current limits to *p. */
void ratelimit_get_params(const struct ratelimit *rl, struct ratelimit_params *p);

/*
 * Accounts one request from ip at mono_ms. random is a fresh random number
 * used to sample the KoD share. Returns the verdict.
 */
enum ratelimit_verdict ratelimit_check(struct ratelimit *rl, uint32_t ip, uint64_t mono_ms,
                                       uint32_t random);

/*
 * Returns the entry of the client the last ratelimit_check() accounted
 * (created then if new; valid until the next check).
 */
struct ratelimit_entry *ratelimit_last_entry(struct ratelimit *rl);

/* Returns ip's entry without touching its state or its place, or NULL if ip is not in the table. */
struct ratelimit_entry *ratelimit_find(struct ratelimit *rl, uint32_t ip);

/* Returns the number of clients in the table (at most RATELIMIT_TABLE_SIZE). */
size_t ratelimit_count(const struct ratelimit *rl);

/* Returns how many clients were evicted to make room since init. */
uint32_t ratelimit_evictions(const struct ratelimit *rl);

/*
 * Fills out[0..max-1] with the clients with the most requests, busiest
 * first (ties: lower address first). Returns how many were filled.
 */
size_t ratelimit_top(const struct ratelimit *rl, struct ratelimit_client *out, size_t max);

/* Forgets every client (the limits stay). */
void ratelimit_clear(struct ratelimit *rl);

#endif /* NTP_RATELIMIT_H */
