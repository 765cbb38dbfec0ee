/*
 * Stellaris Ethernet MAC driver (datasheet chapter 15) with the
 * interrupt-timestamped receive path.
 *
 * The RX interrupt reads the timestamp counter before anything else, then
 * moves the frames waiting in the MAC's FIFO into a single-producer /
 * single-consumer ring, each with that stamp, and returns. Each frame in
 * the FIFO starts with a 16-bit length that counts itself and the FCS
 * (datasheet 15.3.2, "Receive FIFO"). One interrupt moves at most
 * ETH_RX_FRAMES_PER_IRQ frames: with more waiting (a broadcast storm), it
 * masks itself and the main loop's eth_poll() re-arms it after one pass,
 * so the loop is never starved. Multicast frames are not accepted (AMUL
 * off): nothing in the appliance listens to a group.
 *
 * Receive copy: the ring keeps each frame two bytes past a word boundary
 * (hal/rxring), so the first FIFO word's upper half (frame bytes 0 and 1)
 * is one halfword store and every later FIFO word one aligned word store;
 * the FCS and the last word's padding land in the ring's slack.
 *
 * Transmit: the first FIFO word carries the payload length (frame length
 * less the 14-byte header) in its low half and the first two frame bytes in
 * its high half; MACTR.NEWTX starts the transmission. Copies go by words.
 * eth_send_stamped() writes everything up to the checksum word, reads the
 * counter, and writes the checksum word, the rest and the stamp right
 * before NEWTX (hal/ethstamp). TXEMP ("the packet was transmitted and the
 * TX FIFO is empty", datasheet 15.3.3) is the transmit-complete event: the
 * interrupt stamps it for the frame NEWTX started last (the MAC holds one).
 * QEMU's model raises it at the NEWTX write itself.
 *
 * The PHY's autonegotiation result (MR18) decides the MAC's duplex each
 * time the link comes up. QEMU models no PHY registers (every MII read is
 * 0): with no PHY identity, the link counts as up at full duplex.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cortexm/cortexm.h"
#include "drivers.h"
#include "ethstamp/ethstamp.h"
#include "hal/eth.h"
#include "hal/timer.h"
#include "rxring/rxring.h"
#include "stellaris.h"

/* Receive ring: 36 NTP requests, or two full-size frames. */
#ifndef ETH_RX_RING_BYTES
#define ETH_RX_RING_BYTES 4096u
#endif
/* Frames one receive interrupt moves before it yields to the main loop. */
#ifndef ETH_RX_FRAMES_PER_IRQ
#define ETH_RX_FRAMES_PER_IRQ 8u
#endif
#define ETH_HDR_LEN    14u
#define ETH_FCS_LEN    4u
#define ETH_TX_WAIT_US 2000u
#define PHY_WAIT_POLLS 10000u
#define RCTL_RUN       (MAC_RCTL_RXEN | MAC_RCTL_BADCRC)
#define IM_RX          (MAC_RIS_RXINT | MAC_RIS_FOV | MAC_RIS_RXER)
#define IM_RUN         (IM_RX | MAC_RIS_TXEMP)
/* Transmit-complete events kept for the main loop (a power of two): a burst's worth. */
/* Plain FIFO words a stamped frame may have between its checksum word and its stamp. */
#define STAMP_TAIL_MAX 12u

static const struct stellaris_eth_config *cfg;
static uint64_t ring_buf[ETH_RX_RING_BYTES / 8u];
static struct eth_stats stats;
static volatile bool rx_throttled;
static bool link_was_up;
static volatile uint32_t tx_seq; /* the frame NEWTX started last */

void stellaris_eth_configure(const struct stellaris_eth_config *c)
{
    cfg = c;
}

static int phy_read(unsigned reg, uint16_t *val)
{
    uintptr_t b = cfg->base;
    mmio_write32(MAC_MCTL(b), (reg << MAC_MCTL_REGADR_SHIFT) | MAC_MCTL_START);
    for (unsigned i = 0; i < PHY_WAIT_POLLS; i++) {
        if ((mmio_read32(MAC_MCTL(b)) & MAC_MCTL_START) == 0) {
            *val = (uint16_t)mmio_read32(MAC_MRXD(b));
            return 0;
        }
    }
    return -ETIMEDOUT;
}

int eth_init(const uint8_t mac[6])
{
    uintptr_t b = cfg->base;
    (void)rxring_init(&eth_rx_ring, ring_buf, sizeof(ring_buf));
    mmio_write32(MAC_IM(b), 0);
    mmio_write32(MAC_IACK(b), 0x7Fu);
    /* MDC at most 2.5 MHz: divider = clock / (2 * 2.5 MHz) (datasheet 15.6). */
    mmio_write32(MAC_MDV(b), cfg->clock_hz / 5000000u);
    mmio_write32(MAC_IA0(b), (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) | ((uint32_t)mac[2] << 16) |
                                 ((uint32_t)mac[3] << 24));
    mmio_write32(MAC_IA1(b), (uint32_t)mac[4] | ((uint32_t)mac[5] << 8));
    /* Half duplex until the PHY says otherwise (eth_link_poll). */
    mmio_write32(MAC_TCTL(b), MAC_TCTL_TXEN | MAC_TCTL_PADEN | MAC_TCTL_CRC);
    mmio_write32(MAC_RCTL(b), MAC_RCTL_RSTFIFO | MAC_RCTL_BADCRC);
    mmio_write32(MAC_RCTL(b), RCTL_RUN);
    mmio_write32(MAC_IM(b), IM_RUN);
    nvic_enable(cfg->irq, 0x20);
    return 0;
}

/* Sets the MAC's duplex; the transmitter is off while it changes. */
static void set_duplex(uintptr_t b, bool full)
{
    uint32_t tctl = mmio_read32(MAC_TCTL(b));
    uint32_t want = full ? (tctl | MAC_TCTL_DUPLEX) : (tctl & ~MAC_TCTL_DUPLEX);
    if (want != tctl) {
        mmio_write32(MAC_TCTL(b), tctl & ~MAC_TCTL_TXEN);
        mmio_write32(MAC_TCTL(b), want & ~MAC_TCTL_TXEN);
        mmio_write32(MAC_TCTL(b), want);
    }
}

void eth_link_poll(struct eth_link *l)
{
    uintptr_t b = cfg->base;
    memset(l, 0, sizeof(*l));
    uint16_t id = 0, id2 = 0, mr1 = 0, mr18 = 0;
    if (phy_read(PHY_MR2, &id) != 0 || phy_read(PHY_MR3, &id2) != 0) {
        return; /* no answer from the MII: down */
    }
    if (id == 0x0000u || id == 0xFFFFu) {
        /* No PHY identity (QEMU): nothing to ask; up, full duplex. */
        l->up = true;
        l->full_duplex = true;
        if (!link_was_up) {
            set_duplex(b, true);
        }
        link_was_up = true;
        return;
    }
    l->phy_id = ((uint32_t)id << 16) | id2;
    /*
     * MR1's link bit latches low (802.3 22.2.4.2.13): the first read says
     * whether the link dropped since the last poll, the second whether it
     * is up now. Down and up again in between is a new link: its duplex
     * may differ.
     */
    uint16_t latched = 0;
    (void)phy_read(PHY_MR1, &latched);
    if (phy_read(PHY_MR1, &mr1) != 0 || (mr1 & PHY_MR1_LINK) == 0) {
        link_was_up = false;
        return;
    }
    if (link_was_up && (latched & PHY_MR1_LINK) == 0) {
        l->has_bounced = true;
        link_was_up = false;
    }
    l->up = true;
    if (phy_read(PHY_MR18, &mr18) == 0 && (mr18 & PHY_MR18_ANEGF) == 0) {
        l->is_negotiated = (mr1 & PHY_MR1_ANEGC) != 0;
        l->full_duplex = (mr18 & PHY_MR18_DPLX) != 0;
        l->speed_mbps = (mr18 & PHY_MR18_RATE) ? 100u : 10u;
    }
    /* A failed negotiation leaves half duplex, as 802.3 parallel detection does. */
    if (!link_was_up) {
        set_duplex(b, l->full_duplex);
    }
    link_was_up = true;
}

/* Empties the MAC's receive FIFO after a length it cannot trust. */
static void rx_fifo_reset(uintptr_t b)
{
    mmio_write32(MAC_RCTL(b), RCTL_RUN & ~MAC_RCTL_RXEN);
    mmio_write32(MAC_RCTL(b), (RCTL_RUN & ~MAC_RCTL_RXEN) | MAC_RCTL_RSTFIFO);
    mmio_write32(MAC_RCTL(b), RCTL_RUN);
}

/* Interrupt: the transmit-complete event of the frame NEWTX started last. */
static void tx_done_stamp(uint64_t stamp)
{
    if (eth_tx_done_put(tx_seq, stamp) != 0) {
        stats.tx_done_lost++;
        return;
    }
    stats.tx_done++;
}

void stellaris_eth_isr(void)
{
    uint64_t stamp = timer_now();
    uintptr_t b = cfg->base;
    uint32_t ris = mmio_read32(MAC_RIS(b));
    mmio_write32(MAC_IACK(b), ris);
    if (ris & MAC_RIS_TXEMP) {
        tx_done_stamp(stamp);
    }
    if (ris & (MAC_RIS_FOV | MAC_RIS_RXER)) {
        stats.rx_errors++;
    }
    unsigned budget = ETH_RX_FRAMES_PER_IRQ;
    while ((mmio_read32(MAC_NP(b)) & 0x3Fu) != 0) {
        if (budget-- == 0) {
            /* More waiting: let the main loop run a pass first (eth_poll). */
            mmio_write32(MAC_IM(b), 0);
            rx_throttled = true;
            stats.rx_throttled++;
            break;
        }
        uint32_t w = mmio_read32(MAC_DATA(b));
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
                (void)mmio_read32(MAC_DATA(b));
            }
            continue;
        }
        /* The first word's upper half holds the first two frame bytes; dst + 2 is aligned. */
        *(uint16_t *)(void *)dst = (uint16_t)(w >> 16);
        uint32_t *out = (uint32_t *)(void *)(dst + 2);
        uintptr_t data = MAC_DATA(b);
        for (; words_left >= 4u; words_left -= 4u, out += 4) {
            out[0] = mmio_read32(data);
            out[1] = mmio_read32(data);
            out[2] = mmio_read32(data);
            out[3] = mmio_read32(data);
        }
        while (words_left--) {
            *out++ = mmio_read32(data);
        }
        rxring_commit(&eth_rx_ring, frame_len, stamp);
        stats.rx_frames++;
    }
}

void eth_poll(void)
{
    if (rx_throttled) {
        rx_throttled = false;
        mmio_write32(MAC_IM(cfg->base), IM_RUN);
        nvic_set_pending(cfg->irq); /* the frames still waiting raise no new edge */
    }
}

/* Waits, bounded, until the MAC has sent the previous frame. Returns 0 or -EAGAIN. */
static int tx_wait(uintptr_t b)
{
    if ((mmio_read32(MAC_TR(b)) & MAC_TR_NEWTX) == 0) {
        return 0;
    }
    uint64_t deadline = timer_now() + (uint64_t)ETH_TX_WAIT_US * (timer_hz() / 1000000u);
    while (mmio_read32(MAC_TR(b)) & MAC_TR_NEWTX) {
        if (timer_now() > deadline) {
            stats.tx_errors++;
            return -EAGAIN;
        }
    }
    return 0;
}

/* The first FIFO word: the payload length (frame less its header) and frame bytes 0 and 1. */
static uint32_t first_word(const uint8_t *frame, size_t len)
{
    return (uint32_t)(len - ETH_HDR_LEN) | ((uint32_t)frame[0] << 16) | ((uint32_t)frame[1] << 24);
}

int eth_send(const uint8_t *frame, size_t len)
{
    uintptr_t b = cfg->base;
    if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX) {
        return -EINVAL;
    }
    if (tx_wait(b) != 0) {
        return -EAGAIN;
    }
    mmio_write32(MAC_DATA(b), first_word(frame, len));
    size_t i = 2;
    for (; i + 4u <= len; i += 4u) {
        mmio_write32(MAC_DATA(b), frame_load_le32(frame + i));
    }
    if (i < len) {
        mmio_write32(MAC_DATA(b), frame_word_le(frame + i, len - i));
    }
    tx_seq = tx_seq + 1u;
    mmio_write32(MAC_TR(b), MAC_TR_NEWTX);
    stats.tx_frames++;
    return 0;
}

/*
 * Writes FIFO words `from` and `from + 1` (one LDRD on the M3: frames lie
 * with (frame + 2) aligned, so FIFO words are aligned words in memory).
 */
#define PUT_PAIR(from)                                                                             \
    do {                                                                                           \
        uint32_t p0_ = (from)[0], p1_ = (from)[1];                                                 \
        mmio_write32(data, p0_);                                                                   \
        mmio_write32(data, p1_);                                                                   \
    } while (0)

int eth_send_stamped(const uint8_t *frame, size_t len, struct eth_tx_stamp *st)
{
    uintptr_t b = cfg->base;
    uintptr_t data = MAC_DATA(b);
    /* FIFO word k >= 1 holds frame bytes 4k-2 .. 4k+1 (hal/ethstamp). */
    size_t words = (len - 2u) / 4u;
    size_t csum_word = ((size_t)st->csum_off + 2u) / 4u;
    size_t tail = words - csum_word - 2u; /* plain words between the checksum word and the stamp */
    if (len < ETH_HDR_LEN + 10u || len > ETH_FRAME_MAX || (len & 3u) != 2u ||
        (((uintptr_t)frame + 2u) & 3u) != 0 || (st->csum_off & 3u) != 0 || csum_word == 0 ||
        csum_word + 2u > words || tail > STAMP_TAIL_MAX || (tail & 1u) != 0) {
        return -EINVAL;
    }
    if (tx_wait(b) != 0) {
        return -EAGAIN;
    }
    const uint32_t *w = (const uint32_t *)(const void *)(frame + 2); /* w[k - 1]: word k */
    mmio_write32(data, first_word(frame, len));
    size_t k = 1;
    for (; k + 1u < csum_word; k += 2u) {
        PUT_PAIR(&w[k - 1u]);
    }
    if (k < csum_word) {
        mmio_write32(data, w[k - 1u]);
    }
    uint32_t ulen_w = w[csum_word - 1] & 0xFFFFu; /* the checksum field is its upper half */
    const uint32_t *end = &w[words - 2u];         /* the stamp's first word */
    /* Entry into the unrolled pairs below for this many plain words: no loop, no switch. */
    static const void *const pairs[STAMP_TAIL_MAX / 2u + 1u] = { &&put0, &&put1, &&put2, &&put3,
                                                                 &&put4, &&put5, &&put6 };
    const void *entry = pairs[tail / 2u];
    struct ethstamp p;
    ethstamp_prepare(&p, st);
    tx_seq = tx_seq + 1u;
    uint32_t rb = p.raw_base, rate = p.per_tick_q16, blo = p.base_lo, bhi = p.base_hi;
    uint32_t keep = p.keep_mask, bits = p.low_bits, sum = p.sum;
    ETHSTAMP_PIN("+r"(rb), "+r"(rate), "+r"(blo), "+r"(bhi), "+r"(keep), "+r"(bits), "+r"(sum),
                 "+r"(ulen_w), "+r"(end), "+r"(entry));
    uint32_t hi, lo, elapsed;

    /* From the counter read to NEWTX: the stamp, the checksum, the last FIFO words. */
    uint32_t raw = timer_raw();
    uint32_t csum_w =
        ethstamp_finish(rb, rate, blo, bhi, keep, bits, sum, raw, ulen_w, &hi, &lo, &elapsed);
    mmio_write32(data, csum_w);
    goto *entry;
put6:
    PUT_PAIR(end - 12);
put5:
    PUT_PAIR(end - 10);
put4:
    PUT_PAIR(end - 8);
put3:
    PUT_PAIR(end - 6);
put2:
    PUT_PAIR(end - 4);
put1:
    PUT_PAIR(end - 2);
put0:
    mmio_write32(data, hi);
    mmio_write32(data, lo);
    mmio_write32(MAC_TR(b), MAC_TR_NEWTX);

    st->ticks = st->base_ticks + p.anchor_ticks + elapsed;
    st->value = ethstamp_value(hi, lo);
    stats.tx_frames++;
    return 0;
}

uint32_t eth_tx_seq(void)
{
    return tx_seq;
}

void eth_get_stats(struct eth_stats *st)
{
    uint32_t primask = irq_save();
    *st = stats;
    irq_restore(primask);
}
