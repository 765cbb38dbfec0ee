/*
 * Internet checksums (RFC 1071) for the NTP frames the appliance handles
 * itself: sums of whole 32-bit words as they lie in memory, and the
 * incremental update of RFC 1624 for a transmit timestamp written into a
 * finished UDP frame.
 *
 * Sums are taken in the host's byte order: a one's-complement sum of
 * 16-bit words commutes with swapping the bytes of every word (RFC 1071
 * sec. 2(B)), so a field stored as the folded sum's complement, in host
 * order, holds the right bytes on any host.
 */
#ifndef FIRMWARE_NET_CSUM_H
#define FIRMWARE_NET_CSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns acc plus the n 32-bit words at p (4-byte aligned) as a 32-bit
 * one's-complement partial sum (end-around carries kept).
 */
uint32_t csum_add_words(uint32_t acc, const uint32_t *p, size_t n);

/* Returns acc + v with the end-around carry. */
static inline uint32_t csum_add32(uint32_t acc, uint32_t v)
{
    acc += v;
    return acc + (acc < v);
}

/*
 * Returns acc plus the four words at w (4-byte aligned). On the Cortex-M3/M4
 * a carry chain (two LDRD, ADDS, four ADCS, ADC): the compiler makes two
 * instructions of every 64-bit add from C.
 */
static inline uint32_t csum_add_4words(uint32_t acc, const uint32_t *w)
{
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    uint32_t a, b, c, d;
    __asm__("ldrd %[a], %[b], [%[w]]\n\t"
            "ldrd %[c], %[d], [%[w], #8]\n\t"
            "adds %[s], %[s], %[a]\n\t"
            "adcs %[s], %[s], %[b]\n\t"
            "adcs %[s], %[s], %[c]\n\t"
            "adcs %[s], %[s], %[d]\n\t"
            "adcs %[s], %[s], #0\n\t" /* a carry out of this one leaves 0: add it too */
            "adc %[s], %[s], #0"
            : [s] "+r"(acc), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d)
            : [w] "r"(w), "m"(*(const uint32_t(*)[4])w)
            : "cc");
    return acc;
#else
    for (unsigned i = 0; i < 4u; i++) {
        acc = csum_add32(acc, w[i]);
    }
    return acc;
#endif
}

/* Returns the 16-bit one's-complement sum a partial sum folds to (not complemented). */
static inline uint16_t csum_fold(uint32_t acc)
{
    /* Adding the halves swapped leaves their end-around sum in the upper half (ADD with ROR). */
    return (uint16_t)((acc + ((acc >> 16) | (acc << 16))) >> 16);
}

/* Returns the checksum field for a folded sum: its complement, 0xFFFF for 0 (RFC 768). */
static inline uint16_t csum_field(uint16_t folded)
{
    uint16_t c = (uint16_t)~folded;
    return c == 0 ? 0xFFFFu : c;
}

/* A 16-bit big-endian value as it reads from memory in host order. */
static inline uint16_t csum_host16(uint16_t be_value)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint16_t)((be_value >> 8) | (be_value << 8));
#else
    return be_value;
#endif
}

/*
 * Returns the UDP checksum field hc updated for 8 bytes (at an even offset)
 * that changed from old to now (RFC 1624, eqn. 3). A field of 0 means the
 * sender used no checksum and stays 0; a computed 0 is sent as 0xFFFF
 * (RFC 768).
 */
uint16_t csum_update8(uint16_t hc, const uint8_t old[8], const uint8_t now[8]);

#endif /* FIRMWARE_NET_CSUM_H */
