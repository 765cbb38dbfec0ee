/*
 * Ethernet MAC interface.
 *
 * The receive interrupt reads the timestamp counter first, moves the frame
 * and its stamp into a single-producer/single-consumer ring (hal/rxring:
 * frames packed back to back, so a burst of small NTP requests fits) and
 * returns. The main loop looks at the oldest frame with eth_rx_take() and
 * frees it with eth_rx_release().
 *
 * Transmit: eth_send() copies a frame into the MAC. eth_send_stamped()
 * does the same for a frame whose last 8 bytes are a timestamp written at
 * the last moment (one-step stamping, as PTP hardware does it): the
 * counter is read after the rest of the frame is in the MAC, immediately
 * before the register write that starts transmission, and the frame's
 * checksum is completed for the stamp in the same few instructions. The
 * interrupt also stamps the MAC's transmit-complete event; the main loop
 * takes those with eth_tx_done_take().
 */
#ifndef HAL_ETH_H
#define HAL_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_FRAME_MAX 1518u /* without FCS */

struct eth_frame {
    uint64_t rx_ticks; /* timer_now() at the start of the RX interrupt */
    uint16_t len;      /* bytes in data, FCS stripped */
    uint8_t *data;     /* in the ring, (data + 2) word-aligned: the IP header is; the caller may
                          rewrite the frame in place (a reply) until eth_rx_release() */
};

struct eth_stats {
    uint32_t rx_frames;
    uint32_t rx_ring_full; /* frames dropped because the ring had no room */
    uint32_t rx_errors;    /* bad length from the MAC */
    uint32_t rx_throttled; /* interrupts that stopped at their frame bound */
    uint32_t tx_frames;
    uint32_t tx_errors;
    uint32_t tx_done;      /* transmit-complete events stamped */
    uint32_t tx_done_lost; /* events dropped: the main loop had not taken the older ones */
};

/* Bring up MAC and PHY with the given address. Returns 0 or a negative errno. */
int eth_init(const uint8_t mac[6]);

/* Fills *f with the oldest received frame. Returns 0, or -EAGAIN when none waits. */
int eth_rx_take(struct eth_frame *f);

/* Returns true when a received frame waits in the ring (safe with interrupts masked). */
bool eth_rx_pending(void);

/* Frees the frame eth_rx_take() returned. */
void eth_rx_release(void);

/*
 * Copies len bytes into the MAC and starts transmission. Returns 0,
 * -EAGAIN if the transmitter is busy past a bounded wait, -EINVAL for a bad
 * length.
 */
int eth_send(const uint8_t *frame, size_t len);

/*
 * The one-step transmit stamp. The frame's last 8 bytes are a big-endian
 * 64-bit value the driver writes into the MAC last, from a counter reading
 * taken immediately before the write that starts transmission (a few tens
 * of instructions: a MAC's FIFO is written in order and the checksum
 * precedes the stamp, so the checksum's word and those after it follow
 * the read):
 *     v = base + ((ticks - base_ticks) * per_tick_q16 >> 16)
 *     v = (v & ~low_mask) | low_bits           (in the low 32 bits)
 *     v >= min                                 (mod 2^64: when min is above the
 *                                              line already as the call begins,
 *                                              the line restarts there at
 *                                              min + low_mask)
 * and it completes the 16-bit one's-complement checksum (a UDP checksum)
 * at csum_off for it: csum_base is the caller's one's-complement sum, in
 * big-endian 16-bit words folded to 16 bits, of everything that checksum
 * covers except the 8 stamp bytes, the checksum field counting as 0. A
 * checksum that comes out 0 is sent as 0xFFFF (RFC 768). The increment
 * must fit 32 bits: (ticks - base_ticks) * per_tick_q16 below 2^48, which
 * for an NTP stamp (86 units a tick at 50 MHz) leaves a second between the
 * base and the send.
 */
struct eth_tx_stamp {
    uint64_t base_ticks;   /* a timer_now() reading taken shortly before the call */
    uint64_t base;         /* the stamp's value at base_ticks */
    uint32_t per_tick_q16; /* the stamp's units per counter tick, 16 fraction bits */
    uint32_t low_mask;
    uint32_t low_bits;
    uint64_t min;
    uint16_t csum_off;  /* a multiple of 4, before the stamp (a UDP checksum is: 40) */
    uint16_t csum_base; /* see above */
    /* Filled in by eth_send_stamped() when it returns 0: */
    uint64_t ticks; /* the counter reading the stamp was made from */
    uint64_t value; /* the stamp as sent */
};

/*
 * Sends frame with its last 8 bytes replaced by the stamp described in *st
 * (frame itself is not written). The frame must sit with (frame + 2)
 * word-aligned (as received frames do), be 2 bytes more than a multiple of
 * 4 long (a 48-byte NTP payload in UDP/IPv4 is: 90), and have the checksum
 * an even number of words, at most 12, before the stamp's first word (the
 * UDP checksum is 10 words before a 48-byte payload's last 8 bytes; longer
 * layouts are not needed and are refused). Returns 0, -EAGAIN if the
 * transmitter is busy past a bounded wait, -EINVAL for a frame or layout
 * the driver cannot stamp.
 */
int eth_send_stamped(const uint8_t *frame, size_t len, struct eth_tx_stamp *st);

/* Returns the number of the last frame handed to the MAC (counting from 1, wrapping). */
uint32_t eth_tx_seq(void);

/* A transmit-complete event: the MAC reported frame seq sent; ticks stamped in its interrupt. */
struct eth_tx_done {
    uint32_t seq;
    uint64_t ticks;
};

/*
 * Takes the oldest transmit-complete event not yet taken into *d. Returns
 * 0, or -EAGAIN when there is none (or the MAC gives no such event: see
 * the driver).
 */
int eth_tx_done_take(struct eth_tx_done *d);

/* The link as the PHY reports it. */
struct eth_link {
    bool up;
    bool full_duplex;
    bool is_negotiated;  /* autonegotiation completed (speed and duplex are its result) */
    bool has_bounced;    /* up, but went down and up again since the last poll */
    uint16_t speed_mbps; /* 10 or 100; 0 when the PHY does not say */
    uint32_t phy_id;     /* MII registers 2 and 3; 0 when no PHY answers with one */
};

/*
 * Reads the PHY into *l; when the link has come up, gives the MAC the
 * negotiated duplex. Main loop only (it waits on the MII).
 */
void eth_link_poll(struct eth_link *l);

/*
 * The main loop's part of the receive path, once a pass: re-arms a receive
 * interrupt that stopped at its bound of frames per interrupt.
 */
void eth_poll(void);

/* Returns the driver's counters. */
void eth_get_stats(struct eth_stats *st);

#endif /* HAL_ETH_H */
