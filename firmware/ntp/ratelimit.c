/*
 * Per-client rate limiting table (see ratelimit.h).
 *
 * Lookup, insertion and eviction are O(1) apart from a hash-chain walk,
 * whose length the keyed hash keeps near one: the per-request cost stays
 * flat however many addresses an attacker cycles through.
 */
#include "ntp/ratelimit.h"

#include <errno.h>
#include <string.h>

_Static_assert(RATELIMIT_TABLE_SIZE >= 1 && RATELIMIT_TABLE_SIZE < RATELIMIT_NIL,
               "table indices are uint16_t with RATELIMIT_NIL reserved");
_Static_assert(RATELIMIT_HASH_BITS >= 1 && RATELIMIT_HASH_BITS <= 16, "hash bits 1..16");

static uint32_t hash_ip(const struct ratelimit *rl, uint32_t ip)
{
    /* Keyed integer mix (multiply-xorshift); the key hides chain membership. */
    uint32_t h = ip ^ rl->hash_key;

    h *= 0x9E3779B1u;
    h ^= h >> 15;
    h *= 0x85EBCA77u;
    h ^= h >> 13;
    return h >> (32 - RATELIMIT_HASH_BITS);
}

static uint64_t interval_ms(int8_t interval_log2)
{
    return interval_log2 >= 0 ? 1000ull << interval_log2 : 1000ull >> -interval_log2;
}

/* The interval and the burst in ms, for every request (4096 s * 1024 fits 32 bits). */
static void derive(struct ratelimit *rl)
{
    rl->t_ms = (uint32_t)interval_ms(rl->params.interval_log2);
    rl->tau_ms = (uint32_t)(rl->params.burst - 1u) * rl->t_ms;
}

static void lru_unlink(struct ratelimit *rl, uint16_t i)
{
    struct ratelimit_entry *e = &rl->entries[i];

    if (e->lru_prev != RATELIMIT_NIL)
        rl->entries[e->lru_prev].lru_next = e->lru_next;
    else
        rl->lru_head = e->lru_next;
    if (e->lru_next != RATELIMIT_NIL)
        rl->entries[e->lru_next].lru_prev = e->lru_prev;
    else
        rl->lru_tail = e->lru_prev;
}

static void lru_push_head(struct ratelimit *rl, uint16_t i)
{
    struct ratelimit_entry *e = &rl->entries[i];

    e->lru_prev = RATELIMIT_NIL;
    e->lru_next = rl->lru_head;
    if (rl->lru_head != RATELIMIT_NIL)
        rl->entries[rl->lru_head].lru_prev = i;
    rl->lru_head = i;
    if (rl->lru_tail == RATELIMIT_NIL)
        rl->lru_tail = i;
}

static void hash_unlink(struct ratelimit *rl, uint16_t i)
{
    uint16_t *link = &rl->heads[hash_ip(rl, rl->entries[i].ip)];

    while (*link != RATELIMIT_NIL) {
        if (*link == i) {
            *link = rl->entries[i].hash_next;
            return;
        }
        link = &rl->entries[*link].hash_next;
    }
}

/* Returns the entry for ip, most recently used, creating it (evicting the LRU one) if new. */
static struct ratelimit_entry *lookup(struct ratelimit *rl, uint32_t ip, uint64_t mono_ms)
{
    uint32_t h = hash_ip(rl, ip);
    uint16_t i;

    for (i = rl->heads[h]; i != RATELIMIT_NIL; i = rl->entries[i].hash_next) {
        if (rl->entries[i].ip == ip) {
            if (rl->lru_head != i) {
                lru_unlink(rl, i);
                lru_push_head(rl, i);
            }
            rl->last = i;
            return &rl->entries[i];
        }
    }

    if (rl->used < RATELIMIT_TABLE_SIZE) {
        i = rl->used++;
    } else {
        i = rl->lru_tail;
        hash_unlink(rl, i);
        lru_unlink(rl, i);
        rl->evictions++;
    }
    struct ratelimit_entry *e = &rl->entries[i];
    e->ip = ip;
    e->tat_ms = mono_ms; /* a new client starts with a full bucket */
    e->xl_rx_ts = 0;
    e->xl_tx_ts = 0;
    e->requests = 0;
    e->limited = 0;
    e->hash_next = rl->heads[h];
    rl->heads[h] = i;
    lru_push_head(rl, i);
    rl->last = i;
    return e;
}

struct ratelimit_entry *ratelimit_last_entry(struct ratelimit *rl)
{
    return &rl->entries[rl->last];
}

struct ratelimit_entry *ratelimit_find(struct ratelimit *rl, uint32_t ip)
{
    for (uint16_t i = rl->heads[hash_ip(rl, ip)]; i != RATELIMIT_NIL;
         i = rl->entries[i].hash_next) {
        if (rl->entries[i].ip == ip)
            return &rl->entries[i];
    }
    return NULL;
}

void ratelimit_clear(struct ratelimit *rl)
{
    rl->used = 0;
    rl->evictions = 0;
    rl->lru_head = RATELIMIT_NIL;
    rl->lru_tail = RATELIMIT_NIL;
    for (size_t i = 0; i < sizeof(rl->heads) / sizeof(rl->heads[0]); i++)
        rl->heads[i] = RATELIMIT_NIL;
}

void ratelimit_init(struct ratelimit *rl, uint32_t hash_key)
{
    memset(rl, 0, sizeof(*rl));
    rl->hash_key = hash_key;
    rl->params.enabled = true;
    rl->params.interval_log2 = RATELIMIT_DEFAULT_INTERVAL_LOG2;
    rl->params.burst = RATELIMIT_DEFAULT_BURST;
    rl->params.leak_log2 = RATELIMIT_DEFAULT_LEAK_LOG2;
    derive(rl);
    ratelimit_clear(rl);
}

int ratelimit_set_params(struct ratelimit *rl, const struct ratelimit_params *p)
{
    if (p->interval_log2 < RATELIMIT_INTERVAL_LOG2_MIN ||
        p->interval_log2 > RATELIMIT_INTERVAL_LOG2_MAX || p->burst < 1 ||
        p->burst > RATELIMIT_BURST_MAX || p->leak_log2 > RATELIMIT_LEAK_LOG2_MAX)
        return -EINVAL;
    rl->params = *p;
    derive(rl);
    return 0;
}

void ratelimit_get_params(const struct ratelimit *rl, struct ratelimit_params *p)
{
    *p = rl->params;
}

enum ratelimit_verdict ratelimit_check(struct ratelimit *rl, uint32_t ip, uint64_t mono_ms,
                                       uint32_t random)
{
    struct ratelimit_entry *e = lookup(rl, ip, mono_ms);

    e->requests++;
    if (!rl->params.enabled)
        return RATELIMIT_PASS;

    uint64_t t_ms = rl->t_ms;
    uint64_t tau_ms = rl->tau_ms;

    /* An idle client's bucket is full: it cannot save up more than burst. */
    if (e->tat_ms < mono_ms)
        e->tat_ms = mono_ms;
    if (e->tat_ms - mono_ms > tau_ms) {
        e->limited++;
        uint32_t mask =
            (rl->params.leak_log2 >= 32) ? 0xFFFFFFFFu : (1u << rl->params.leak_log2) - 1;
        return (random & mask) == 0 ? RATELIMIT_KOD : RATELIMIT_DROP;
    }
    e->tat_ms += t_ms;
    return RATELIMIT_PASS;
}

size_t ratelimit_count(const struct ratelimit *rl)
{
    return rl->used;
}

uint32_t ratelimit_evictions(const struct ratelimit *rl)
{
    return rl->evictions;
}

static bool is_busier(const struct ratelimit_entry *e, const struct ratelimit_client *c)
{
    return e->requests > c->requests || (e->requests == c->requests && e->ip < c->ip);
}

size_t ratelimit_top(const struct ratelimit *rl, struct ratelimit_client *out, size_t max)
{
    size_t n = 0;

    if (max == 0)
        return 0;
    for (uint16_t i = 0; i < rl->used; i++) {
        const struct ratelimit_entry *e = &rl->entries[i];
        /* Insertion into the sorted output; max is small (a console page). */
        size_t pos = n;
        while (pos > 0 && is_busier(e, &out[pos - 1]))
            pos--;
        if (pos >= max)
            continue;
        size_t last = n < max ? n : max - 1;
        memmove(&out[pos + 1], &out[pos], (last - pos) * sizeof(out[0]));
        out[pos].ip = e->ip;
        out[pos].requests = e->requests;
        out[pos].limited = e->limited;
        if (n < max)
            n++;
    }
    return n;
}
