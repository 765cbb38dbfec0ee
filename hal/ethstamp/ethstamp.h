/*
 * The one-step transmit stamp's arithmetic (hal/eth.h, eth_send_stamped),
 * shared by the Ethernet drivers. ethstamp_prepare() does everything that
 * can be done before the counter is read; after the read,
 * ethstamp_finish() is a few instructions: the stamp, its two FIFO words,
 * the checksum field. Both drivers feed the frame to their FIFO as
 * little-endian words with the first word carrying frame bytes 0 and 1 in
 * its upper half, so FIFO word k (k >= 1) holds frame bytes 4k-2 .. 4k+1
 * and the stamp (the last 8 bytes of a frame 2 bytes over a multiple of 4
 * long) is exactly the last two words.
 *
 * The checksum is summed in that byte order: a one's-complement sum of
 * 16-bit words commutes with swapping the bytes of every word (RFC 1071
 * sec. 2(B)), so summing little-endian loads gives the byte-swapped sum,
 * and its complement is the field as the FIFO word carries it.
 */
#ifndef HAL_ETHSTAMP_H
#define HAL_ETHSTAMP_H

#include <stdint.h>

#include "hal/eth.h"
#include "hal/timer.h"

/* Everything the stamp needs after the counter read, ready in registers. */
struct ethstamp {
    uint32_t raw_base;     /* the raw counter reading the line is anchored at */
    uint32_t anchor_ticks; /* ticks from base_ticks to that anchor */
    uint32_t per_tick_q16;
    uint32_t base_lo, base_hi; /* the stamp's value at the anchor */
    uint32_t keep_mask;        /* ~low_mask */
    uint32_t low_bits;
    uint32_t sum; /* csum_base with its bytes swapped: the sum in FIFO byte order */
};

/* The line's value e ticks past a point worth base (the arithmetic of eth.h). */
static inline uint64_t ethstamp_at(uint64_t base, uint32_t e, uint32_t per_tick_q16)
{
    return base + (uint32_t)(((uint64_t)e * per_tick_q16) >> 16);
}

/*
 * The floor (min) is settled here, not after the read: the counter is
 * read now (cheaply), and if the lowest stamp the final read can give
 * (the line's value now, its low bits cleared) is not below min, min
 * cannot bind. Otherwise (the previous stamp came within the fuzz interval
 * of now: rare) the line is anchored now at min + low_mask, whose low bits
 * cleared are at least min: the stamp then exceeds the floor rule's by at
 * most low_mask plus the few instructions to the final read.
 */
static inline void ethstamp_prepare(struct ethstamp *p, const struct eth_tx_stamp *st)
{
    uint32_t raw_base = timer_raw_at(st->base_ticks);
    uint32_t raw_now = timer_raw();
    uint32_t e = timer_raw_elapsed(raw_base, raw_now);
    uint64_t base = st->base;
    p->anchor_ticks = 0;
    if ((int64_t)((ethstamp_at(base, e, st->per_tick_q16) & ~(uint64_t)st->low_mask) - st->min) <
        0) {
        base = st->min + st->low_mask;
        raw_base = raw_now;
        p->anchor_ticks = e;
    }
    p->raw_base = raw_base;
    p->per_tick_q16 = st->per_tick_q16;
    p->base_lo = (uint32_t)base;
    p->base_hi = (uint32_t)(base >> 32);
    p->keep_mask = ~st->low_mask;
    p->low_bits = st->low_bits & st->low_mask;
    p->sum = (uint32_t)(uint16_t)((st->csum_base >> 8) | (st->csum_base << 8));
}

/* s + a + b with every carry wrapped around (one's complement), exact. */
static inline uint32_t ethstamp_add3(uint32_t s, uint32_t a, uint32_t b)
{
#if defined(__arm__) && !defined(MMIO_MODEL)
    uint32_t r;
    __asm__("adds %0, %1, %2\n\t"
            "adcs %0, %0, %3\n\t"
            "adcs %0, %0, #0\n\t"
            "adc %0, %0, #0"
            : "=&r"(r)
            : "r"(s), "r"(a), "r"(b)
            : "cc");
    return r;
#else
    uint64_t t = (uint64_t)s + a + b;
    uint32_t r = (uint32_t)t + (uint32_t)(t >> 32);
    return r < (uint32_t)(t >> 32) ? r + 1u : r;
#endif
}

/*
 * Pins everything the stamp needs after the counter read in registers, so
 * that the compiler neither reloads it nor moves its arithmetic past the
 * read: call right before timer_raw() with the struct's fields as locals.
 */
#define ETHSTAMP_PIN(...) __asm__ volatile("" : __VA_ARGS__)

/*
 * From the counter's raw reading: returns the FIFO word that carries the
 * checksum, ulen_w (that word with the field 0) with the field in its
 * upper half, and sets *w_hi, *w_lo to the stamp's two FIFO words and *d to
 * the ticks since the anchor. The arguments are struct ethstamp's fields.
 */
static inline uint32_t ethstamp_finish(uint32_t raw_base, uint32_t per_tick_q16, uint32_t base_lo,
                                       uint32_t base_hi, uint32_t keep_mask, uint32_t low_bits,
                                       uint32_t sum, uint32_t raw, uint32_t ulen_w, uint32_t *w_hi,
                                       uint32_t *w_lo, uint32_t *d)
{
    uint32_t e = timer_raw_elapsed(raw_base, raw);
    uint32_t inc = (uint32_t)(((uint64_t)e * per_tick_q16) >> 16);
    uint64_t v = (((uint64_t)base_hi << 32) | base_lo) + inc;
    uint32_t lo = ((uint32_t)v & keep_mask) | low_bits;
    uint32_t hi = __builtin_bswap32((uint32_t)(v >> 32));
    lo = __builtin_bswap32(lo);
    uint32_t s = ethstamp_add3(sum, hi, lo);
    /* Folded by adding its halves swapped: the upper half is the 16-bit sum. */
    s += (s >> 16) | (s << 16);
    uint32_t w = ulen_w | ~(s | 0xFFFFu);
    if (w < 0x10000u) {
        w |= 0xFFFF0000u; /* RFC 768: a computed 0 goes as all ones */
    }
    *w_hi = hi;
    *w_lo = lo;
    *d = e;
    return w;
}

/* The stamp's value from its two FIFO words. */
static inline uint64_t ethstamp_value(uint32_t w_hi, uint32_t w_lo)
{
    return ((uint64_t)__builtin_bswap32(w_hi) << 32) | __builtin_bswap32(w_lo);
}

#endif /* HAL_ETHSTAMP_H */
