/*
 * Ethernet MAC interface.
 *
 * The receive interrupt reads the timestamp counter first, moves the frame
 * and its stamp into a single-producer/single-consumer ring (hal/rxring:
 * frames packed back to back, so a burst of small NTP requests fits) and
 * returns. The main loop looks at the oldest frame with eth_rx_take() and
 * frees it with eth_rx_release().
 */
#ifndef HAL_ETH_H
#define HAL_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_FRAME_MAX 1518u /* without FCS */

struct eth_frame {
    uint64_t rx_ticks;   /* timer_now() at the start of the RX interrupt */
    uint16_t len;        /* bytes in data, FCS stripped */
    const uint8_t *data; /* in the ring, valid until eth_rx_release() */
};

struct eth_stats {
    uint32_t rx_frames;
    uint32_t rx_ring_full; /* frames dropped because the ring had no room */
    uint32_t rx_errors;    /* bad length from the MAC */
    uint32_t rx_throttled; /* interrupts that stopped at their frame bound */
    uint32_t tx_frames;
    uint32_t tx_errors;
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
