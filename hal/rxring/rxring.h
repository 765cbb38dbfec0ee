/*
 * Receive ring for Ethernet drivers: frames of any length packed one after
 * another in a byte buffer, each with its receive timestamp, single
 * producer (the RX interrupt) and single consumer (the main loop), no locks.
 *
 * Packing instead of fixed 1518-byte slots lets a few KiB hold dozens of
 * NTP requests (90-byte frames), so a burst that arrives while the main
 * loop is busy is stamped and kept rather than dropped, and still takes a
 * full-size frame when one comes.
 *
 * Producer:  p = rxring_reserve(r, len); copy the frame to p;
 *            rxring_commit(r, len, stamp)      (or nothing, to abandon it)
 * Consumer:  rxring_peek(r, &f) ... rxring_release(r)
 */
#ifndef HAL_RXRING_H
#define HAL_RXRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every record starts on this alignment, so frames can be copied in words. */
#define RXRING_ALIGN 8u

/*
 * A frame starts RXRING_LEAD bytes into its record's data area, so that
 * its IP header (at 14) is word-aligned: a driver stores the frame's first
 * two bytes as a halfword and the rest as aligned words, and the consumer
 * reads the headers in words.
 */
#define RXRING_LEAD 2u

/*
 * Bytes a word-wise copy may write past the frame's end: the FCS and the
 * rest of the FIFO's last word. Reserved with every frame.
 */
#define RXRING_TAIL_SLACK 7u

/* A frame as the consumer sees it, in place in the ring. */
struct rxring_frame {
    uint64_t rx_ticks; /* the receive interrupt's timestamp */
    uint16_t len;
    uint8_t *data; /* (data + 2) word-aligned; the consumer's to read and rewrite until
                      rxring_release() */
};

struct rxring {
    uint8_t *buf;           /* size bytes, RXRING_ALIGN-aligned */
    uint32_t size;          /* a multiple of RXRING_ALIGN */
    volatile uint32_t head; /* producer's next write offset, 0..size-1 */
    volatile uint32_t tail; /* consumer's next read offset */
    uint32_t reserved_at;   /* where the reserved record starts */
};

/* Sets up r over buf (size bytes, aligned; size a multiple of RXRING_ALIGN). Returns 0 or -EINVAL. */
int rxring_init(struct rxring *r, void *buf, uint32_t size);

/*
 * Producer: returns where len frame bytes may be written, RXRING_LEAD bytes
 * after a word boundary, with RXRING_TAIL_SLACK more writable after them;
 * or NULL when they do not fit now (the caller drops the frame and counts it).
 */
uint8_t *rxring_reserve(struct rxring *r, uint32_t len);

/* Producer: publishes the reserved frame of len bytes with its stamp. */
void rxring_commit(struct rxring *r, uint32_t len, uint64_t rx_ticks);

/* Consumer: returns 0 and the oldest frame in *f, or -EAGAIN when the ring is empty. */
int rxring_peek(struct rxring *r, struct rxring_frame *f);

/* Consumer: frees the frame rxring_peek() returned. */
void rxring_release(struct rxring *r);

/* Returns true when a frame is waiting. */
bool rxring_is_pending(const struct rxring *r);

/*
 * The 32-bit little-endian FIFO word holding src[0..3] (first byte in the
 * low bits), of which only the first left bytes exist (the rest read as
 * 0): a frame's last, partial word in both Ethernet drivers' transmit
 * copies.
 */
static inline uint32_t frame_word_le(const uint8_t *src, size_t left)
{
    if (left >= 4u) {
        return (uint32_t)src[0] | ((uint32_t)src[1] << 8) | ((uint32_t)src[2] << 16) |
               ((uint32_t)src[3] << 24);
    }
    uint32_t w = 0;
    for (unsigned i = 0; i < left; i++) {
        w |= (uint32_t)src[i] << (8u * i);
    }
    return w;
}

/* A 32-bit little-endian word at any alignment (one LDR on the Cortex-M3/M4). */
static inline uint32_t frame_load_le32(const uint8_t *src)
{
    uint32_t w;
    __builtin_memcpy(&w, src, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    return w;
}

/* The ring an Ethernet driver fills; eth_ring.c serves eth.h's receive calls from it. */
extern struct rxring eth_rx_ring;

/*
 * Producer (the driver's interrupt): queues the transmit-complete event of
 * frame seq, stamped at ticks, for eth_tx_done_take() (eth_ring.c). Returns
 * 0, or -ENOSPC when the main loop has not taken the older events (the
 * driver counts it as lost).
 */
int eth_tx_done_put(uint32_t seq, uint64_t ticks);

#endif /* HAL_RXRING_H */
