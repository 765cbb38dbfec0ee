/*
 * Internet checksum sums and the RFC 1624 incremental update (see csum.h).
 */
#include <stddef.h>

#include "csum.h"

/* One's-complement sum of the four 16-bit big-endian words in p, unfolded. */
static uint32_t sum4(const uint8_t p[8])
{
    uint32_t s = 0;
    for (size_t i = 0; i < 8u; i += 2u) {
        s += ((uint32_t)p[i] << 8) | p[i + 1u];
    }
    return s;
}

uint16_t csum_update8(uint16_t hc, const uint8_t old[8], const uint8_t now[8])
{
    if (hc == 0) {
        return 0;
    }
    /* HC' = ~(~HC + ~m + m'), summed over the changed words; ~m = 0xFFFF - m. */
    uint32_t s = (uint16_t)~hc;
    s += 4u * 0xFFFFu - sum4(old);
    s += sum4(now);
    while (s >> 16) {
        s = (s & 0xFFFFu) + (s >> 16);
    }
    uint16_t nc = (uint16_t)~s;
    return nc == 0 ? 0xFFFFu : nc;
}

uint32_t csum_add_words(uint32_t acc, const uint32_t *p, size_t n)
{
    /* Four words a round: the 64-bit accumulator takes the carries (ADDS/ADC on the M3). */
    uint64_t s = acc;
    for (; n >= 4u; n -= 4u, p += 4) {
        s += (uint64_t)p[0] + p[1] + p[2] + p[3];
    }
    while (n--) {
        s += *p++;
    }
    uint32_t lo = (uint32_t)s, hi = (uint32_t)(s >> 32);
    return csum_add32(lo, hi);
}
