/*
 * SMSC LAN9118 / LAN9220 Ethernet driver (the datasheet's TX and RX data
 * paths, host-driven through the FIFO ports, no DMA) with the
 * interrupt-timestamped receive path of hal/eth.h.
 *
 * The RX interrupt reads the timestamp counter before anything else,
 * acknowledges the chip, then moves every frame the RX status FIFO
 * announces into a single-producer / single-consumer ring, each with that
 * stamp, and returns. A status word gives the frame's length including
 * the FCS; the data FIFO holds the frame in ceil(length / 4) words, first
 * byte in the low bits of the first word.
 *
 * The frame lands in the ring two bytes past a word boundary (hal/rxring):
 * RX_CFG's data offset of 2 puts two bytes of padding in front of it in
 * the FIFO, so every FIFO word is one aligned store.
 *
 * Transmit: command words A and B (one segment holding the whole frame,
 * tagged with its number), then the frame's words; the chip adds padding
 * and the FCS, and starts once the segment's last word is in.
 * eth_send_stamped() gives command A a data start offset of 2, so the
 * frame's words fall as on the Stellaris MAC (hal/ethstamp): everything up
 * to the checksum word goes in, the counter is read, and the checksum
 * word, the rest and the stamp follow, the last write starting the frame.
 *
 * Transmit-complete: the chip pushes a status word (with the frame's tag)
 * into its TX status FIFO when a frame has been sent; TSFL at level 0
 * interrupts on it, and the interrupt stamps the event for that tag.
 * QEMU's model (7.2) sets TSFL when it sends the frame, at the last TX
 * FIFO write, but its TX FIFO writes skip the update of its interrupt
 * line: left alone, the interrupt would come with the next frame received,
 * and the event would be stamped that late. So every send ends with a
 * write of INT_EN's own value, which makes the model look at its line (on
 * the chip the write changes nothing, and TSFL comes when the frame has
 * gone). Statuses the interrupt has not taken are read by the next
 * eth_send*() for their error bits (the TX status FIFO may overrun, TXSAO).
 *
 * The MAC and PHY registers sit behind MAC_CSR_CMD/MAC_CSR_DATA; only the
 * main loop uses them, never the interrupt.
 *
 * QEMU (hw/net/lan9118.c) drives its interrupt line high, as the NVIC
 * needs it, only with IRQ_CFG set to push-pull, active high: that is what
 * this driver sets. Its PHY always reports link and full duplex; its MII
 * and MAC CSR accesses complete at once.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers.h"
#include "ethstamp/ethstamp.h"
#include "hal/eth.h"
#include "hal/timer.h"
#include "rxring/rxring.h"
#include "lan9118.h"

/* Receive ring: 36 NTP requests, or two full-size frames. */
#ifndef ETH_RX_RING_BYTES
#define ETH_RX_RING_BYTES 4096u
#endif
#define ETH_HDR_LEN       14u
#define ETH_FCS_LEN       4u
#define ETH_TX_WAIT_US    2000u
#define LAN_RESET_WAIT_US 100000u /* soft reset to READY */
#define LAN_CSR_WAIT_US   1000u   /* one MAC CSR or MII access */
#define TX_CMD_WORDS_LEN  8u      /* command words A and B, in the TX data FIFO */
/*
 * Reads of BYTE_TEST, which have no side effect, wait out the chip's
 * minimum delays between a write or FIFO pop and a dependent read (the
 * datasheet's host interface timing): each is a full bus cycle on the chip.
 */
#define LAN_SETTLE_READS 3u
/* The interrupts the driver runs on: a received frame's status, a receive error, a frame sent. */
#define INT_EN_RUN (INT_RSFL | INT_RXE | INT_TSFL)
/* Transmit-complete events kept for the main loop (a power of two): a burst's worth. */
/* Plain FIFO words a stamped frame may have between its checksum word and its stamp. */
#define STAMP_TAIL_MAX 12u

static const struct lan9118_config *cfg;
static uint64_t ring_buf[ETH_RX_RING_BYTES / 8u];
static struct eth_stats stats;
static uint32_t tx_seq; /* the last frame handed to the chip, its tag's low 16 bits */

void lan9118_configure(const struct lan9118_config *c)
{
    cfg = c;
}

static void settle(uintptr_t b)
{
    for (unsigned i = 0; i < LAN_SETTLE_READS; i++) {
        (void)LAN_BYTE_TEST(b);
    }
}

/* Waits until (*reg & mask) == want, at most us. Returns 0 or -ETIMEDOUT. */
static int wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t want, uint32_t us)
{
    uint64_t deadline = timer_now() + (uint64_t)us * (timer_hz() / 1000000u);
    while ((*reg & mask) != want) {
        if (timer_now() > deadline) {
            return -ETIMEDOUT;
        }
    }
    return 0;
}

static int mac_csr_read(uintptr_t b, uint32_t index, uint32_t *val)
{
    if (wait_reg(&LAN_MAC_CSR_CMD(b), MAC_CSR_CMD_BUSY, 0, LAN_CSR_WAIT_US) != 0) {
        return -ETIMEDOUT;
    }
    LAN_MAC_CSR_CMD(b) = MAC_CSR_CMD_BUSY | MAC_CSR_CMD_READ | index;
    settle(b);
    if (wait_reg(&LAN_MAC_CSR_CMD(b), MAC_CSR_CMD_BUSY, 0, LAN_CSR_WAIT_US) != 0) {
        return -ETIMEDOUT;
    }
    *val = LAN_MAC_CSR_DATA(b);
    return 0;
}

static int mac_csr_write(uintptr_t b, uint32_t index, uint32_t val)
{
    if (wait_reg(&LAN_MAC_CSR_CMD(b), MAC_CSR_CMD_BUSY, 0, LAN_CSR_WAIT_US) != 0) {
        return -ETIMEDOUT;
    }
    LAN_MAC_CSR_DATA(b) = val;
    LAN_MAC_CSR_CMD(b) = MAC_CSR_CMD_BUSY | index;
    settle(b);
    return wait_reg(&LAN_MAC_CSR_CMD(b), MAC_CSR_CMD_BUSY, 0, LAN_CSR_WAIT_US);
}

/* Waits for the MII management interface to finish. Returns 0 or -ETIMEDOUT. */
static int mii_wait(uintptr_t b)
{
    uint64_t deadline = timer_now() + (uint64_t)LAN_CSR_WAIT_US * (timer_hz() / 1000000u);
    for (;;) {
        uint32_t acc;
        if (mac_csr_read(b, MAC_MII_ACC, &acc) != 0) {
            return -ETIMEDOUT;
        }
        if ((acc & MII_ACC_MIIBZY) == 0) {
            return 0;
        }
        if (timer_now() > deadline) {
            return -ETIMEDOUT;
        }
    }
}

static int phy_read(uintptr_t b, unsigned reg, uint16_t *val)
{
    uint32_t data;
    if (mii_wait(b) != 0 ||
        mac_csr_write(b, MAC_MII_ACC,
                      MII_ACC_PHY(LAN_PHY_ADDR) | MII_ACC_REG(reg) | MII_ACC_MIIBZY) != 0 ||
        mii_wait(b) != 0 || mac_csr_read(b, MAC_MII_DATA, &data) != 0) {
        return -ETIMEDOUT;
    }
    *val = (uint16_t)data;
    return 0;
}

static int phy_write(uintptr_t b, unsigned reg, uint16_t val)
{
    if (mii_wait(b) != 0 || mac_csr_write(b, MAC_MII_DATA, val) != 0 ||
        mac_csr_write(b, MAC_MII_ACC,
                      MII_ACC_PHY(LAN_PHY_ADDR) | MII_ACC_REG(reg) | MII_ACC_MIIWNR |
                          MII_ACC_MIIBZY) != 0) {
        return -ETIMEDOUT;
    }
    return mii_wait(b);
}

/* The chip answers and has left reset. Returns 0 or -ENODEV. */
static int chip_ready(uintptr_t b)
{
    /* BYTE_TEST is the one register the datasheet lets the host read before READY. */
    if (LAN_BYTE_TEST(b) != LAN_BYTE_TEST_VALUE) {
        return -ENODEV;
    }
    if (wait_reg(&LAN_PMT_CTRL(b), PMT_CTRL_READY, PMT_CTRL_READY, LAN_RESET_WAIT_US) != 0) {
        return -ENODEV;
    }
    return 0;
}

int lan9118_read_mac(uint8_t mac[6])
{
    uintptr_t b = cfg->base;
    uint32_t lo, hi;
    if (chip_ready(b) != 0 || mac_csr_read(b, MAC_ADDRL, &lo) != 0 ||
        mac_csr_read(b, MAC_ADDRH, &hi) != 0) {
        return -ENODEV;
    }
    mac[0] = (uint8_t)lo;
    mac[1] = (uint8_t)(lo >> 8);
    mac[2] = (uint8_t)(lo >> 16);
    mac[3] = (uint8_t)(lo >> 24);
    mac[4] = (uint8_t)hi;
    mac[5] = (uint8_t)(hi >> 8);
    bool all_zero = true, all_ones = true;
    for (unsigned i = 0; i < 6u; i++) {
        all_zero = all_zero && mac[i] == 0x00u;
        all_ones = all_ones && mac[i] == 0xFFu;
    }
    if (all_zero || all_ones || (mac[0] & 0x01u) != 0) {
        return -ENODATA;
    }
    return 0;
}

int eth_init(const uint8_t mac[6])
{
    uintptr_t b = cfg->base;
    if (LAN_BYTE_TEST(b) != LAN_BYTE_TEST_VALUE) {
        return -ENODEV;
    }
    LAN_HW_CFG(b) = HW_CFG_SRST;
    if (wait_reg(&LAN_HW_CFG(b), HW_CFG_SRST, 0, LAN_RESET_WAIT_US) != 0 || chip_ready(b) != 0) {
        return -ETIMEDOUT;
    }
    LAN_IRQ_CFG(b) = 0;
    LAN_INT_EN(b) = 0;
    LAN_INT_STS(b) = 0xFFFFFFFFu;

    uint32_t lo = (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) | ((uint32_t)mac[2] << 16) |
                  ((uint32_t)mac[3] << 24);
    uint32_t hi = (uint32_t)mac[4] | ((uint32_t)mac[5] << 8);
    if (mac_csr_write(b, MAC_ADDRL, lo) != 0 || mac_csr_write(b, MAC_ADDRH, hi) != 0) {
        return -ETIMEDOUT;
    }
    /* Autonegotiation; the duplex is taken over when the link comes up. */
    (void)phy_write(b, PHY_BMCR, PHY_BMCR_ANENABLE | PHY_BMCR_ANRESTART);

    /* RSFL and TSFL as soon as one status word waits; the TX data level is the reset default. */
    LAN_FIFO_INT(b) =
        FIFO_INT_TX_DATA_LEVEL(0x48u) | FIFO_INT_TX_STS_LEVEL(0u) | FIFO_INT_RX_STS_LEVEL(0u);
    LAN_RX_CFG(b) = RX_CFG_RXDOFF(2u); /* 4-byte end alignment; the IP header word-aligned */
    LAN_TX_CFG(b) = TX_CFG_TX_ON | TX_CFG_TXSAO;
    if (mac_csr_write(b, MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN) != 0) {
        return -ETIMEDOUT;
    }

    (void)rxring_init(&eth_rx_ring, ring_buf, sizeof(ring_buf));
    LAN_INT_STS(b) = 0xFFFFFFFFu;
    LAN_INT_EN(b) = INT_EN_RUN;
    LAN_IRQ_CFG(b) = IRQ_CFG_IRQ_EN | IRQ_CFG_IRQ_POL | IRQ_CFG_IRQ_TYPE;
    nvic_enable(cfg->irq, 0x20);
    return 0;
}

/*
 * Sets the MAC's duplex to what autonegotiation settled on (802.3
 * priority: 100FD, 100HD, 10FD, 10HD) and describes it in *l.
 */
static void take_duplex(uintptr_t b, struct eth_link *l)
{
    uint16_t anar, anlpar;
    uint32_t cr;
    if (phy_read(b, PHY_ANAR, &anar) != 0 || phy_read(b, PHY_ANLPAR, &anlpar) != 0 ||
        mac_csr_read(b, MAC_CR, &cr) != 0) {
        return;
    }
    uint16_t common = anar & anlpar;
    l->is_negotiated = common != 0;
    if (common & PHY_AN_100FD) {
        l->full_duplex = true;
        l->speed_mbps = 100u;
    } else if (common & PHY_AN_100HD) {
        l->speed_mbps = 100u;
    } else if (common != 0) {
        l->full_duplex = (common & PHY_AN_10FD) != 0;
        l->speed_mbps = 10u;
    }
    uint32_t want = l->full_duplex ? (cr | MAC_CR_FDPX) : (cr & ~MAC_CR_FDPX);
    if (want != cr) {
        (void)mac_csr_write(b, MAC_CR, want);
    }
}

void eth_link_poll(struct eth_link *l)
{
    uintptr_t b = cfg->base;
    uint16_t bmsr = 0, id1 = 0, id2 = 0;
    memset(l, 0, sizeof(*l));
    if (phy_read(b, PHY_ID1, &id1) == 0 && phy_read(b, PHY_ID2, &id2) == 0) {
        l->phy_id = ((uint32_t)id1 << 16) | id2;
    }
    /* BMSR's link bit latches low: the first read says whether it dropped, the second if it is up. */
    uint16_t latched = 0;
    (void)phy_read(b, PHY_BMSR, &latched);
    if (phy_read(b, PHY_BMSR, &bmsr) != 0 || (bmsr & PHY_BMSR_LINK) == 0) {
        return;
    }
    l->has_bounced = (latched & PHY_BMSR_LINK) == 0;
    l->up = true;
    take_duplex(b, l);
}

void eth_poll(void)
{
    /* Nothing deferred: each interrupt moves only the frames its status FIFO announced. */
}

/* Reads and drops words of the RX data FIFO. */
static void rx_discard(uintptr_t b, uint32_t words)
{
    while (words--) {
        (void)LAN_RX_DATA_FIFO(b);
    }
}

/*
 * Takes the TX status words waiting: their error bits and, from the
 * interrupt (is_event), the transmit-complete events, stamped with stamp.
 */
static void tx_status_take(uintptr_t b, bool is_event, uint64_t stamp)
{
    for (uint32_t n = TX_FIFO_INF_TXSUSED(LAN_TX_FIFO_INF(b)); n > 0; n--) {
        uint32_t st = LAN_TX_STATUS_FIFO(b);
        if (st & TX_STS_ES) {
            stats.tx_errors++;
            continue;
        }
        if (!is_event) {
            continue;
        }
        /* The tag is the frame number's low half: the frame is at most 2^16 frames old. */
        if (eth_tx_done_put(tx_seq - ((tx_seq - TX_STS_TAG(st)) & 0xFFFFu), stamp) != 0) {
            stats.tx_done_lost++;
            continue;
        }
        stats.tx_done++;
    }
}

void lan9118_eth_isr(void)
{
    uint64_t stamp = timer_now();
    uintptr_t b = cfg->base;
    uint32_t sts = LAN_INT_STS(b);
    /* Acknowledge first: a frame arriving while the FIFO drains raises RSFL again. */
    LAN_INT_STS(b) = sts;
    if (sts & INT_RXE) {
        stats.rx_errors++;
    }
    settle(b);
    if (sts & INT_TSFL) {
        tx_status_take(b, true, stamp);
    }
    /* The frames waiting now, and no more: each pass is bounded. */
    uint32_t frames = RX_FIFO_INF_RXSUSED(LAN_RX_FIFO_INF(b));
    while (frames--) {
        uint32_t st = LAN_RX_STATUS_FIFO(b);
        uint32_t fifo_len = RX_STS_LENGTH(st);      /* frame + FCS */
        uint32_t words = (fifo_len + 2u + 3u) / 4u; /* behind the 2-byte data offset */
        /* A bad frame, or one too long for a slot (a tagged full-size one). */
        if ((st & RX_STS_ES) != 0 || fifo_len < ETH_HDR_LEN + ETH_FCS_LEN ||
            fifo_len > ETH_FRAME_MAX + ETH_FCS_LEN) {
            stats.rx_errors++;
            rx_discard(b, words);
            continue;
        }
        uint32_t frame_len = fifo_len - ETH_FCS_LEN;
        uint8_t *dst = rxring_reserve(&eth_rx_ring, frame_len);
        if (dst == NULL) {
            stats.rx_ring_full++;
            rx_discard(b, words);
            continue;
        }
        /* dst - 2 is word-aligned and inside the ring's record: the offset bytes go there. */
        uint32_t *out = (uint32_t *)(void *)(dst - 2);
        while (words--) {
            *out++ = LAN_RX_DATA_FIFO(b);
        }
        rxring_commit(&eth_rx_ring, frame_len, stamp);
        stats.rx_frames++;
    }
}

/*
 * Reads the TX statuses the interrupt has not taken for
 * their error bits, then waits, bounded, for FIFO room. Returns 0 or -EAGAIN.
 */
static int tx_room(uintptr_t b, size_t len)
{
    uint32_t primask = irq_save();
    tx_status_take(b, false, 0);
    irq_restore(primask);
    uint32_t need = TX_CMD_WORDS_LEN + (((uint32_t)len + 2u + 3u) & ~3u);
    if (TX_FIFO_INF_TDFREE(LAN_TX_FIFO_INF(b)) >= need) {
        return 0;
    }
    uint64_t deadline = timer_now() + (uint64_t)ETH_TX_WAIT_US * (timer_hz() / 1000000u);
    while (TX_FIFO_INF_TDFREE(LAN_TX_FIFO_INF(b)) < need) {
        if (timer_now() > deadline) {
            stats.tx_errors++;
            return -EAGAIN;
        }
    }
    return 0;
}

int eth_send(const uint8_t *frame, size_t len)
{
    uintptr_t b = cfg->base;
    if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX) {
        return -EINVAL;
    }
    if (tx_room(b, len) != 0) {
        return -EAGAIN;
    }
    tx_seq++;
    LAN_TX_DATA_FIFO(b) = TX_CMD_A_FIRST_SEG | TX_CMD_A_LAST_SEG | TX_CMD_A_SIZE(len);
    LAN_TX_DATA_FIFO(b) = TX_CMD_B_TAG(tx_seq & 0xFFFFu) | TX_CMD_B_LENGTH(len);
    size_t i = 0;
    for (; i + 4u <= len; i += 4u) {
        LAN_TX_DATA_FIFO(b) = frame_load_le32(frame + i);
    }
    if (i < len) {
        LAN_TX_DATA_FIFO(b) = frame_word_le(frame + i, len - i);
    }
    LAN_INT_EN(b) = INT_EN_RUN; /* QEMU: look at the interrupt line now (see the top) */
    stats.tx_frames++;
    return 0;
}

/* Writes FIFO words `from` and `from + 1` (aligned in memory: one LDRD). */
#define PUT_PAIR(from)                                                                             \
    do {                                                                                           \
        uint32_t p0_ = (from)[0], p1_ = (from)[1];                                                 \
        *fifo = p0_;                                                                               \
        *fifo = p1_;                                                                               \
    } while (0)

int eth_send_stamped(const uint8_t *frame, size_t len, struct eth_tx_stamp *st)
{
    uintptr_t b = cfg->base;
    /* With a data start offset of 2, FIFO word k >= 1 holds frame bytes 4k-2 .. 4k+1. */
    size_t words = (len - 2u) / 4u;
    size_t csum_word = ((size_t)st->csum_off + 2u) / 4u;
    size_t tail = words - csum_word - 2u; /* plain words between the checksum word and the stamp */
    if (len < ETH_HDR_LEN + 10u || len > ETH_FRAME_MAX || (len & 3u) != 2u ||
        (((uintptr_t)frame + 2u) & 3u) != 0 || (st->csum_off & 3u) != 0 || csum_word == 0 ||
        csum_word + 2u > words || tail > STAMP_TAIL_MAX || (tail & 1u) != 0) {
        return -EINVAL;
    }
    if (tx_room(b, len) != 0) {
        return -EAGAIN;
    }
    tx_seq++;
    volatile uint32_t *fifo = &LAN_TX_DATA_FIFO(b);
    *fifo = TX_CMD_A_FIRST_SEG | TX_CMD_A_LAST_SEG | TX_CMD_A_OFFSET(2u) | TX_CMD_A_SIZE(len);
    *fifo = TX_CMD_B_TAG(tx_seq & 0xFFFFu) | TX_CMD_B_LENGTH(len);
    const uint32_t *w = (const uint32_t *)(const void *)(frame + 2); /* w[k - 1]: word k */
    *fifo = ((uint32_t)frame[0] << 16) | ((uint32_t)frame[1] << 24);
    for (size_t k = 1; k < csum_word; k++) {
        *fifo = w[k - 1];
    }
    uint32_t ulen_w = w[csum_word - 1] & 0xFFFFu; /* the checksum field is its upper half */
    const uint32_t *end = &w[words - 2u];
    static const void *const pairs[STAMP_TAIL_MAX / 2u + 1u] = { &&put0, &&put1, &&put2, &&put3,
                                                                 &&put4, &&put5, &&put6 };
    const void *entry = pairs[tail / 2u];
    struct ethstamp p;
    ethstamp_prepare(&p, st);
    uint32_t rb = p.raw_base, rate = p.per_tick_q16, blo = p.base_lo, bhi = p.base_hi;
    uint32_t keep = p.keep_mask, bits = p.low_bits, sum = p.sum;
    ETHSTAMP_PIN("+r"(rb), "+r"(rate), "+r"(blo), "+r"(bhi), "+r"(keep), "+r"(bits), "+r"(sum),
                 "+r"(ulen_w), "+r"(end), "+r"(entry));
    uint32_t hi, lo, elapsed;

    /* From the counter read to the last word, which starts the frame. */
    uint32_t raw = timer_raw();
    *fifo = ethstamp_finish(rb, rate, blo, bhi, keep, bits, sum, raw, ulen_w, &hi, &lo, &elapsed);
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
    *fifo = hi;
    *fifo = lo;
    LAN_INT_EN(b) = INT_EN_RUN; /* QEMU: look at the interrupt line now (see the top) */

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
