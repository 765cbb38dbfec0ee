/*
 * The eth.h receive calls over the driver's packed ring, and the queue of
 * transmit-complete events: every Ethernet driver fills both from its
 * interrupt and links this file.
 */
#include <errno.h>

#include "hal/eth.h"
#include "rxring.h"

/* Transmit-complete events kept until the main loop takes them. */
#ifndef ETH_TX_DONE_SLOTS
#define ETH_TX_DONE_SLOTS 16u
#endif

struct rxring eth_rx_ring;
static struct eth_tx_done tx_done[ETH_TX_DONE_SLOTS];
static volatile uint32_t tx_done_head, tx_done_tail; /* ISR writes head, main loop tail */

int eth_tx_done_put(uint32_t seq, uint64_t ticks)
{
    uint32_t head = tx_done_head;
    if (head - tx_done_tail >= ETH_TX_DONE_SLOTS) {
        return -ENOSPC;
    }
    struct eth_tx_done *d = &tx_done[head % ETH_TX_DONE_SLOTS];
    d->seq = seq;
    d->ticks = ticks;
    tx_done_head = head + 1u;
    return 0;
}

int eth_tx_done_take(struct eth_tx_done *d)
{
    uint32_t tail = tx_done_tail;
    if (tail == tx_done_head) {
        return -EAGAIN;
    }
    *d = tx_done[tail % ETH_TX_DONE_SLOTS];
    tx_done_tail = tail + 1u;
    return 0;
}

int eth_rx_take(struct eth_frame *f)
{
    struct rxring_frame rf;
    int err = rxring_peek(&eth_rx_ring, &rf);
    if (err == 0) {
        f->rx_ticks = rf.rx_ticks;
        f->len = rf.len;
        f->data = rf.data;
    }
    return err;
}

bool eth_rx_pending(void)
{
    return rxring_is_pending(&eth_rx_ring);
}

void eth_rx_release(void)
{
    rxring_release(&eth_rx_ring);
}
