/*
 * Stellaris Ethernet MAC driver (datasheet chapter 15) with the
 * interrupt-timestamped receive path.
 *
 * The RX interrupt reads the timestamp counter before anything else, then
 * moves every frame waiting in the MAC's FIFO into a single-producer /
 * single-consumer ring, each with that stamp, and returns. Each frame in
 * the FIFO starts with a 16-bit length that counts itself and the FCS
 * (datasheet 15.3.2, "Receive FIFO").
 *
 * Transmit: the first FIFO word carries the payload length (frame length
 * less the 14-byte header) in its low half and the first two frame bytes in
 * its high half; MACTR.NEWTX starts the transmission.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers.h"
#include "hal/eth.h"
#include "hal/timer.h"
#include "rxring/rxring.h"
#include "stellaris.h"

/* Receive ring: 36 NTP requests, or two full-size frames. */
#ifndef ETH_RX_RING_BYTES
#define ETH_RX_RING_BYTES 4096u
#endif
#define ETH_HDR_LEN 14u
#define ETH_FCS_LEN 4u
#define ETH_TX_WAIT_US 2000u
/* PHY registers, IEEE 802.3 clause 22 (datasheet 15.5 "MII management"). */
#define PHY_BMSR 1u
#define PHY_BMSR_LINK (1u << 2)
#define PHY_ID1 2u

static const struct stellaris_eth_config *cfg;
static uint64_t ring_buf[ETH_RX_RING_BYTES / 8u];
static struct eth_stats stats;

void stellaris_eth_configure(const struct stellaris_eth_config *c)
{
    cfg = c;
}

static int phy_read(unsigned reg, uint16_t *val)
{
    uintptr_t b = cfg->base;
    MAC_MCTL(b) = (reg << MAC_MCTL_REGADR_SHIFT) | MAC_MCTL_START;
    for (unsigned i = 0; i < 10000u; i++) {
        if ((MAC_MCTL(b) & MAC_MCTL_START) == 0) {
            *val = (uint16_t)MAC_MRXD(b);
            return 0;
        }
    }
    return -ETIMEDOUT;
}

int eth_init(const uint8_t mac[6])
{
    uintptr_t b = cfg->base;
    (void)rxring_init(&eth_rx_ring, ring_buf, sizeof(ring_buf));
    SYSCTL_RCGC2 |= SYSCTL_RCGC2_EMAC0 | SYSCTL_RCGC2_EPHY0 | SYSCTL_RCGC2_GPIOF;
    MAC_IM(b) = 0;
    MAC_IACK(b) = 0xFFu;
    /* MDC at most 2.5 MHz: divider = clock / (2 * 2.5 MHz) (datasheet 15.6). */
    MAC_MDV(b) = cfg->clock_hz / 5000000u;
    MAC_IA0(b) = (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) | ((uint32_t)mac[2] << 16) |
                 ((uint32_t)mac[3] << 24);
    MAC_IA1(b) = (uint32_t)mac[4] | ((uint32_t)mac[5] << 8);
    MAC_TCTL(b) = MAC_TCTL_TXEN | MAC_TCTL_PADEN | MAC_TCTL_CRC | MAC_TCTL_DUPLEX;
    MAC_RCTL(b) = MAC_RCTL_RSTFIFO | MAC_RCTL_BADCRC;
    MAC_RCTL(b) = MAC_RCTL_RXEN | MAC_RCTL_AMUL | MAC_RCTL_BADCRC;
    MAC_IM(b) = MAC_RIS_RXINT | MAC_RIS_FOV | MAC_RIS_RXER;
    nvic_enable(cfg->irq, 0x20);
    return 0;
}

bool eth_link_up(void)
{
    uint16_t id = 0, bmsr = 0;
    if (phy_read(PHY_ID1, &id) != 0) {
        return false;
    }
    /*
     * QEMU models no PHY registers (every MII read is 0): with no PHY
     * identity there is no link state to ask, so the link counts as up.
     */
    if (id == 0x0000u || id == 0xFFFFu) {
        return true;
    }
    /* BMSR's link bit latches low: read twice for the current state. */
    (void)phy_read(PHY_BMSR, &bmsr);
    if (phy_read(PHY_BMSR, &bmsr) != 0) {
        return false;
    }
    return (bmsr & PHY_BMSR_LINK) != 0;
}

/* Empties the MAC's receive FIFO after a length it cannot trust. */
static void rx_fifo_reset(uintptr_t b)
{
    MAC_RCTL(b) &= ~MAC_RCTL_RXEN;
    MAC_RCTL(b) |= MAC_RCTL_RSTFIFO;
    MAC_RCTL(b) = MAC_RCTL_RXEN | MAC_RCTL_AMUL | MAC_RCTL_BADCRC;
}

void stellaris_eth_isr(void)
{
    uint64_t stamp = timer_now();
    uintptr_t b = cfg->base;
    uint32_t ris = MAC_RIS(b);
    MAC_IACK(b) = ris;
    if (ris & (MAC_RIS_FOV | MAC_RIS_RXER)) {
        stats.rx_errors++;
    }
    while ((MAC_NP(b) & 0x3Fu) != 0) {
        uint32_t w = MAC_DATA(b);
        uint32_t fifo_len = w & 0xFFFFu; /* length field + frame + FCS */
        if (fifo_len < 2u + ETH_HDR_LEN + ETH_FCS_LEN ||
            fifo_len > 2u + ETH_FRAME_MAX + ETH_FCS_LEN) {
            stats.rx_errors++;
            rx_fifo_reset(b);
            break;
        }
        uint32_t frame_len = fifo_len - 2u - ETH_FCS_LEN;
        uint32_t words_left = (fifo_len + 3u) / 4u - 1u;
        uint8_t *dst = rxring_reserve(&eth_rx_ring, frame_len);
        if (dst == NULL) {
            stats.rx_ring_full++;
            while (words_left--) {
                (void)MAC_DATA(b);
            }
            continue;
        }
        uint32_t copied = 0;
        /* The first word's upper half holds the first two frame bytes. */
        dst[copied++] = (uint8_t)(w >> 16);
        dst[copied++] = (uint8_t)(w >> 24);
        while (words_left--) {
            copied = rxring_put_word(dst, copied, frame_len, MAC_DATA(b));
        }
        rxring_commit(&eth_rx_ring, frame_len, stamp);
        stats.rx_frames++;
    }
}

int eth_send(const uint8_t *frame, size_t len)
{
    uintptr_t b = cfg->base;
    if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX) {
        return -EINVAL;
    }
    uint64_t deadline = timer_now() + (uint64_t)ETH_TX_WAIT_US * (timer_hz() / 1000000u);
    while (MAC_TR(b) & MAC_TR_NEWTX) {
        if (timer_now() > deadline) {
            stats.tx_errors++;
            return -EAGAIN;
        }
    }
    uint32_t w = (uint32_t)(len - ETH_HDR_LEN) | ((uint32_t)frame[0] << 16) |
                 ((uint32_t)frame[1] << 24);
    MAC_DATA(b) = w;
    size_t i = 2;
    for (; i + 4u <= len; i += 4u) {
        MAC_DATA(b) = (uint32_t)frame[i] | ((uint32_t)frame[i + 1] << 8) |
                      ((uint32_t)frame[i + 2] << 16) | ((uint32_t)frame[i + 3] << 24);
    }
    if (i < len) {
        w = 0;
        for (unsigned s = 0; i < len; i++, s += 8u) {
            w |= (uint32_t)frame[i] << s;
        }
        MAC_DATA(b) = w;
    }
    MAC_TR(b) = MAC_TR_NEWTX;
    stats.tx_frames++;
    return 0;
}

void eth_get_stats(struct eth_stats *st)
{
    uint32_t primask = irq_save();
    *st = stats;
    irq_restore(primask);
}
