/*
 * LM3S6965 model: the Ethernet controller (datasheet chapter 15), base
 * 0x40048000: the MAC's registers and FIFOs, and the internal PHY behind
 * the MII management interface.
 *
 * Receive FIFO ("Receive FIFO"): 2 KB; each frame starts on a word boundary with a
 * 16-bit length that counts itself, the frame and its FCS, then the frame
 * and the FCS, least significant byte first; MACNP counts the frames in the
 * FIFO; RXINT is raised for each frame received and stays until
 * acknowledged. Transmit FIFO ("Transmit FIFO"): the first word carries the payload
 * length (frame less its 14-byte header) in its low half and the first two
 * frame bytes in its high half; MACTR.NEWTX sends the frame and stays set
 * until it has gone, then TXEMP is raised. Each MACDATA write is timed
 * against the last read of the timestamp counter (SysTick's value), so a
 * test sees which words went in after it and how many bus accesses lay
 * between that read and NEWTX (the one-step transmit stamp).
 * MII management: MACMCTL.START with REGADR runs a management frame of 64
 * MDC cycles, MDC = clock / (2 * (MACMDV + 1)). The PHY's registers
 * ("PHY Register Descriptions"): MR0 control, MR1 status (LINK latches low until read, IEEE 802.3
 * 22.2.4.2.13; ANEGC), MR2/MR3 identifier (0x0161/0xB410 in the datasheet's
 * reset values), MR4/MR5 advertisement, MR18 the negotiated result (ANEGF
 * bit 12, DPLX bit 11, RATE bit 10). With identifier 0/0 every PHY
 * register reads 0, as in QEMU's model.
 *
 * Rules (violations): MACTCTL.DUPLEX changed while TXEN is set (change the
 * duplex with the transmitter disabled); MACRCTL.RSTFIFO while the
 * receiver is enabled (register description: clear RXEN first);
 * MACDATA read with the receive FIFO empty; MACDATA written while NEWTX is
 * set; NEWTX with the transmitter disabled or an incomplete frame; an MII
 * transaction started while one runs, faster than MDC's 2.5 MHz, or with
 * the PHY's clock gated (RCGC2.EPHY0).
 */
#include <inttypes.h>
#include <string.h>

#include "lm3s6965_model_priv.h"

#define FIFO_WORDS   512u /* 2 KB */
#define FRAMES_MAX   63u  /* MACNP is 6 bits */
#define FRAME_MAX    1518u
#define RIS_RXINT    (1u << 0)
#define RIS_TXEMP    (1u << 2)
#define RIS_FOV      (1u << 3)
#define RCTL_RXEN    (1u << 0)
#define RCTL_RSTFIFO (1u << 4)
#define TCTL_TXEN    (1u << 0)
#define TCTL_DUPLEX  (1u << 4)
#define TR_NEWTX     (1u << 0)
#define MCTL_START   (1u << 0)
#define MCTL_WRITE   (1u << 1)
#define MDC_MAX_HZ   2500000u
#define MR1_BASE     0x7849u /* 100/10 full/half, MF preamble suppr., AN able, ext. regs */
#define MR1_LINK     (1u << 2)
#define MR1_ANEGC    (1u << 5)
#define MR18_RATE    (1u << 10)

static struct {
    uint32_t ris, im, rctl, tctl, ia0, ia1, thr, mctl, mdv, mtxd, mrxd;
    uint32_t rx[FIFO_WORDS];
    unsigned rx_head, rx_n; /* words */
    unsigned frame_words[FRAMES_MAX];
    unsigned fr_head, fr_n;
    uint32_t tx[FIFO_WORDS];
    uint64_t tx_at[FIFO_WORDS]; /* model clock of each MACDATA write */
    unsigned tx_n;
    unsigned last_after_read; /* FIFO words written after the last counter read */
    uint64_t last_read_to_go; /* clocks (bus accesses) from that read to NEWTX */
    bool tx_busy;
    uint64_t tx_done;
    uint8_t last_frame[FRAME_MAX + 2u];
    size_t last_len;
    uint32_t last_words[FIFO_WORDS];
    size_t last_n;
    unsigned tx_count;
    bool mii_busy;
    uint64_t mii_done;
    uint16_t mr0, mr4, mr16, mr17, mr19, mr23, mr24, mr2, mr3, mr18;
    bool link_up, link_latched_low, negotiated;
} e;

void eth_model_reset(void)
{
    memset(&e, 0, sizeof(e));
    e.im = 0x7Fu;
    e.rctl = 0x08u;
    e.thr = 0x3Fu;
    e.mdv = 0x80u;
    e.mr0 = 0x3100u;
    e.mr4 = 0x01E1u;
    e.mr2 = 0x0161u;
    e.mr3 = 0xB410u;
    e.link_latched_low = true;
}

static void line_update(void)
{
    if (e.ris & e.im & 0x7Fu) {
        nvic_line_assert(MODEL_IRQ_ETH);
    }
}

static void rx_fifo_reset(void)
{
    e.rx_head = e.rx_n = 0;
    e.fr_head = e.fr_n = 0;
}

/* ---- the PHY ---- */

static bool phy_absent(void)
{
    return e.mr2 == 0 && e.mr3 == 0;
}

static uint16_t phy_read(unsigned reg)
{
    if (phy_absent()) {
        return 0;
    }
    switch (reg) {
    case 0: return e.mr0;
    case 1: {
        uint16_t v = MR1_BASE;
        if (e.link_up && !e.link_latched_low) {
            v |= MR1_LINK;
        }
        if (e.link_up && e.negotiated) {
            v |= MR1_ANEGC;
        }
        e.link_latched_low = !e.link_up; /* the read releases the latch */
        return v;
    }
    case 2: return e.mr2;
    case 3: return e.mr3;
    case 4: return e.mr4;
    case 5: return e.link_up && e.negotiated ? 0x45E1u : 0; /* partner: 10/100 full/half */
    case 16: return e.mr16;
    case 17: return e.mr17;
    case 18: return e.link_up ? e.mr18 : 0;
    case 19: return e.mr19;
    case 23: return e.mr23;
    case 24: return e.mr24;
    default: return 0;
    }
}

static void phy_write(unsigned reg, uint16_t v)
{
    switch (reg) {
    case 0: e.mr0 = v & (uint16_t) ~((1u << 15) | (1u << 9)); break; /* RESET, RANEG self-clear */
    case 4: e.mr4 = v; break;
    case 16: e.mr16 = v; break;
    case 17: e.mr17 = v; break;
    case 19: e.mr19 = v; break;
    case 23: e.mr23 = v; break;
    case 24: e.mr24 = v; break;
    default: break;
    }
}

static void mii_start(uint32_t val)
{
    if (e.mii_busy) {
        mdl_violation("Ethernet MACMCTL written (0x%02" PRIx32 ") while an MII transaction runs "
                      "(START still set)",
                      val);
        return;
    }
    e.mctl = val & 0xFBu;
    if ((val & MCTL_START) == 0) {
        return;
    }
    uint32_t mdc = sysctl_cpu_hz() / (2u * (e.mdv + 1u));
    if (mdc > MDC_MAX_HZ) {
        mdl_violation("Ethernet MII transaction with MDC at %" PRIu32 " Hz (MACMDV %" PRIu32 "): "
                      "the PHY allows 2.5 MHz at most",
                      mdc, e.mdv);
    }
    unsigned reg = (val >> 3) & 0x1Fu;
    char why[160];
    if (sysctl_gate_check(GATE_EPHY0, why, sizeof(why)) != 0) {
        mdl_violation("Ethernet MII transaction to MR%u with the PHY not clocked: %s", reg, why);
        e.mrxd = 0xFFFFu;
    } else if (val & MCTL_WRITE) {
        phy_write(reg, (uint16_t)e.mtxd);
    } else {
        e.mrxd = phy_read(reg);
    }
    e.mii_busy = true;
    e.mii_done = mdl_now() + 64ull * 2u * (e.mdv + 1u);
}

/* ---- transmit ---- */

static void tx_send(void)
{
    if (e.tx_busy) {
        mdl_violation("Ethernet NEWTX set while the previous frame is still being sent");
        return;
    }
    if ((e.tctl & TCTL_TXEN) == 0) {
        mdl_violation("Ethernet NEWTX with the transmitter disabled (MACTCTL.TXEN clear): "
                      "the frame stays in the FIFO");
        return;
    }
    if (e.tx_n == 0) {
        mdl_violation("Ethernet NEWTX with an empty transmit FIFO");
        return;
    }
    uint32_t total = (e.tx[0] & 0xFFFFu) + 14u;
    uint32_t need = 1u + (total - 2u + 3u) / 4u;
    if (total > FRAME_MAX || e.tx_n < need) {
        mdl_violation("Ethernet NEWTX with an incomplete frame: length word says %" PRIu32
                      " bytes (%" PRIu32 " FIFO words), the FIFO holds %u words",
                      total, need, e.tx_n);
        e.tx_n = 0;
        return;
    }
    memcpy(e.last_words, e.tx, e.tx_n * sizeof(uint32_t));
    e.last_n = e.tx_n;
    uint64_t read_at = scs_last_counter_read();
    e.last_after_read = 0;
    for (unsigned i = 0; i < e.tx_n; i++) {
        e.last_after_read += e.tx_at[i] > read_at;
    }
    e.last_read_to_go = mdl_now() - read_at;
    e.last_frame[0] = (uint8_t)(e.tx[0] >> 16);
    e.last_frame[1] = (uint8_t)(e.tx[0] >> 24);
    for (uint32_t i = 2; i < total; i++) {
        e.last_frame[i] = (uint8_t)(e.tx[1u + (i - 2u) / 4u] >> (8u * ((i - 2u) % 4u)));
    }
    e.last_len = total;
    e.tx_count++;
    e.tx_n = 0;
    /* On the wire: the frame padded to 60, FCS, preamble, gap; at the negotiated rate. */
    uint64_t bits = 8ull * ((total < 60u ? 60u : total) + 4u + 8u + 12u);
    uint64_t bps = (e.mr18 & MR18_RATE) || phy_absent() ? 100000000ull : 10000000ull;
    e.tx_busy = true;
    e.tx_done = mdl_now() + bits * sysctl_cpu_hz() / bps + 1u;
}

void eth_advance(uint64_t clocks)
{
    (void)clocks;
    if (e.tx_busy && mdl_now() >= e.tx_done) {
        e.tx_busy = false;
        e.ris |= RIS_TXEMP;
    }
    if (e.mii_busy && mdl_now() >= e.mii_done) {
        e.mii_busy = false;
        e.mctl &= ~MCTL_START;
    }
    line_update();
}

/* ---- registers ---- */

bool eth_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)unit;
    switch (off) {
    case 0x000: *val = e.ris; break;
    case 0x004: *val = e.im; break;
    case 0x008: *val = e.rctl; break;
    case 0x00C: *val = e.tctl; break;
    case 0x010:
        if (e.rx_n == 0) {
            if (!peek) {
                mdl_violation("Ethernet MACDATA read with the receive FIFO empty (MACNP 0)");
            }
            *val = 0;
            break;
        }
        *val = e.rx[e.rx_head];
        if (!peek) {
            e.rx_head = (e.rx_head + 1u) % FIFO_WORDS;
            e.rx_n--;
            if (--e.frame_words[e.fr_head] == 0) {
                e.fr_head = (e.fr_head + 1u) % FRAMES_MAX;
                e.fr_n--;
            }
        }
        break;
    case 0x014: *val = e.ia0; break;
    case 0x018: *val = e.ia1; break;
    case 0x01C: *val = e.thr; break;
    case 0x020: *val = e.mctl; break;
    case 0x024: *val = e.mdv; break;
    case 0x02C: *val = e.mtxd; break;
    case 0x030: *val = e.mrxd; break;
    case 0x034: *val = e.fr_n & 0x3Fu; break;
    case 0x038: *val = e.tx_busy ? TR_NEWTX : 0; break;
    default: return false;
    }
    return true;
}

bool eth_write_reg(unsigned unit, uint32_t off, uint32_t val)
{
    (void)unit;
    switch (off) {
    case 0x000: e.ris &= ~val; break; /* MACIACK */
    case 0x004: e.im = val & 0x7Fu; break;
    case 0x008:
        if ((val & RCTL_RSTFIFO) && ((e.rctl | val) & RCTL_RXEN)) {
            mdl_violation("Ethernet MACRCTL.RSTFIFO with the receiver enabled (RXEN): disable "
                          "the receiver before resetting its FIFO");
        }
        if (val & RCTL_RSTFIFO) {
            rx_fifo_reset();
        }
        e.rctl = val & 0x0Fu;
        break;
    case 0x00C:
        if ((e.tctl & TCTL_TXEN) && ((e.tctl ^ val) & TCTL_DUPLEX)) {
            mdl_violation("Ethernet MACTCTL.DUPLEX changed (to %s) while the transmitter is "
                          "enabled (TXEN): disable it first",
                          (val & TCTL_DUPLEX) ? "full" : "half");
        }
        e.tctl = val & 0x17u;
        break;
    case 0x010:
        if (e.tx_busy) {
            mdl_violation("Ethernet MACDATA written while a frame is being sent (MACTR.NEWTX set)");
        } else if (e.tx_n >= FIFO_WORDS) {
            mdl_violation("Ethernet MACDATA written with the transmit FIFO full");
        } else {
            e.tx_at[e.tx_n] = mdl_now();
            e.tx[e.tx_n++] = val;
        }
        break;
    case 0x014: e.ia0 = val; break;
    case 0x018: e.ia1 = val & 0xFFFFu; break;
    case 0x01C: e.thr = val & 0x3Fu; break;
    case 0x020: mii_start(val); break;
    case 0x024: e.mdv = val & 0xFFu; break;
    case 0x02C: e.mtxd = val & 0xFFFFu; break;
    case 0x038:
        if (val & TR_NEWTX) {
            tx_send();
        }
        break;
    default: return false;
    }
    line_update();
    return true;
}

/* ---- test side ---- */

void model_eth_set_phy_id(uint16_t mr2, uint16_t mr3)
{
    e.mr2 = mr2;
    e.mr3 = mr3;
}

void model_eth_set_link(bool up, bool is_negotiated)
{
    if (e.link_up && !up) {
        e.link_latched_low = true;
    }
    e.link_up = up;
    e.negotiated = is_negotiated;
}

void model_eth_set_mr18(uint16_t mr18)
{
    e.mr18 = mr18;
}

/* IEEE 802.3 CRC-32, the frame check sequence. */
static uint32_t fcs_of(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (unsigned b = 0; b < 8u; b++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

int model_eth_rx_frame(const uint8_t *frame, size_t len)
{
    if ((e.rctl & RCTL_RXEN) == 0 || len > FRAME_MAX) {
        return -1;
    }
    size_t fifo_len = len + 2u + 4u;
    unsigned words = (unsigned)((fifo_len + 3u) / 4u);
    if (e.fr_n == FRAMES_MAX || e.rx_n + words > FIFO_WORDS) {
        e.ris |= RIS_FOV;
        line_update();
        return -1;
    }
    uint32_t fcs = fcs_of(frame, len);
    uint8_t bytes[FRAME_MAX + 6u + 3u] = { 0 };
    bytes[0] = (uint8_t)fifo_len;
    bytes[1] = (uint8_t)(fifo_len >> 8);
    memcpy(bytes + 2, frame, len);
    for (unsigned i = 0; i < 4u; i++) {
        bytes[2u + len + i] = (uint8_t)(fcs >> (8u * i));
    }
    for (unsigned w = 0; w < words; w++) {
        const uint8_t *b = bytes + 4u * w;
        e.rx[(e.rx_head + e.rx_n) % FIFO_WORDS] = (uint32_t)b[0] | ((uint32_t)b[1] << 8) |
                                                  ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
        e.rx_n++;
    }
    e.frame_words[(e.fr_head + e.fr_n) % FRAMES_MAX] = words;
    e.fr_n++;
    e.ris |= RIS_RXINT;
    line_update();
    return 0;
}

unsigned model_eth_tx_count(void)
{
    return e.tx_count;
}

const uint8_t *model_eth_tx_frame(size_t *len)
{
    *len = e.last_len;
    return e.last_frame;
}

const uint32_t *model_eth_tx_words(size_t *n)
{
    *n = e.last_n;
    return e.last_words;
}

void model_eth_tx_after_counter_read(unsigned *words, uint64_t *accesses)
{
    *words = e.last_after_read;
    *accesses = e.last_read_to_go;
}

bool model_eth_tx_is_busy(void)
{
    return e.tx_busy;
}
