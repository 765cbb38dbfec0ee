/*
 * The eth.h receive calls over the driver's packed ring: every Ethernet
 * driver fills eth_rx_ring from its interrupt and links this file.
 */
#include "hal/eth.h"
#include "rxring.h"

struct rxring eth_rx_ring;

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
