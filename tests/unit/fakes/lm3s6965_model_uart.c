/*
 * LM3S6965 model: UART0 (datasheet chapter 12, PL011 compatible), base
 * 0x4000C000, its U0Tx pin (PA1) ending at a terminal and U0Rx (PA0) fed
 * by the test.
 *
 * Baud rate ("Baud-Rate Generation"): BRD = clock / (16 * baud), IBRD its integer part,
 * FBRD its fraction in 64ths; the divisor is latched by the LCRH write that
 * follows, which is when the model records the baud rate it gives at the
 * current clock. A character takes its frame's bits (start, 5-8 data,
 * parity, 1-2 stop) of 16 * BRD clocks each; the transmit FIFO holds 16
 * characters with LCRH.FEN, else 1. FR: TXFF, TXFE, BUSY (a character in
 * the FIFO or being sent), RXFE, RXFF. Reset: CTL 0x300 (TXE, RXE), FR
 * 0x90.
 *
 * Rules (violations): a byte written to DR while CTL.UARTEN is clear is
 * lost; a byte written while the FIFO is full is lost; a character sent
 * while PA1 is not muxed (AFSEL and DEN) is lost ("UART0 TX on an unmuxed
 * pin"); IBRD/FBRD/LCRH written while the UART is enabled, and CTL
 * reprogrammed while enabled ("Initialization and Configuration": disable
 * the UART first); reading DR
 * with the receive FIFO empty; enabling a UART whose divisor is 0.
 */
#include <inttypes.h>
#include <string.h>

#include "lm3s6965_model_priv.h"

#define FIFO_DEPTH 16u
#define CTL_UARTEN (1u << 0)
#define CTL_TXE    (1u << 8)
#define CTL_RXE    (1u << 9)
#define LCRH_PEN   (1u << 1)
#define LCRH_STP2  (1u << 3)
#define LCRH_FEN   (1u << 4)
#define FR_BUSY    (1u << 3)
#define FR_RXFE    (1u << 4)
#define FR_TXFF    (1u << 5)
#define FR_RXFF    (1u << 6)
#define FR_TXFE    (1u << 7)
#define RIS_RX     (1u << 4)
#define RIS_TX     (1u << 5)
#define RIS_RT     (1u << 6)
#define RIS_OE     (1u << 10)
#define PORT_A     0u
#define PIN_U0RX   0u
#define PIN_U0TX   1u

static struct {
    uint32_t ibrd, fbrd, lcrh, ctl, ifls, im, ris, ilpr;
    uint32_t div64; /* latched divisor, 64ths: 64 * IBRD + FBRD */
    uint8_t tx[FIFO_DEPTH];
    unsigned tx_n;
    bool shifting; /* a character is on the wire */
    uint8_t shift_byte;
    uint32_t shift_baud;
    uint64_t shift_done; /* clock it has been sent by */
    uint8_t rx[FIFO_DEPTH];
    unsigned rx_head, rx_n;
    uint32_t baud_at_lcrh;
    char terminal[MODEL_TERMINAL_MAX + 1u];
    size_t terminal_len;
    uint32_t term_baud_min, term_baud_max;
} u;

void uart_model_reset(void)
{
    memset(&u, 0, sizeof(u));
    u.ctl = CTL_TXE | CTL_RXE;
    u.ifls = 0x12u;
}

static unsigned fifo_depth(void)
{
    return (u.lcrh & LCRH_FEN) ? FIFO_DEPTH : 1u;
}

static unsigned frame_bits(void)
{
    unsigned data_bits = 5u + ((u.lcrh >> 5) & 3u);
    return 1u + data_bits + ((u.lcrh & LCRH_PEN) ? 1u : 0u) + ((u.lcrh & LCRH_STP2) ? 2u : 1u);
}

static uint32_t baud_now(void)
{
    return u.div64 == 0 ? 0 : (uint32_t)((uint64_t)sysctl_cpu_hz() * 4u / u.div64);
}

static void line_update(void)
{
    if (u.ris & u.im) {
        nvic_line_assert(MODEL_IRQ_UART0);
    }
}

/* The character on the wire has gone out of PA1. */
static void deliver(void)
{
    u.shifting = false;
    if (!gpio_is_muxed(PORT_A, PIN_U0TX)) {
        mdl_violation("UART0 TX on an unmuxed pin: byte 0x%02x lost (PA1 needs GPIOAFSEL and "
                      "GPIODEN)",
                      u.shift_byte);
        return;
    }
    if (u.terminal_len < MODEL_TERMINAL_MAX) {
        u.terminal[u.terminal_len++] = (char)u.shift_byte;
        u.terminal[u.terminal_len] = '\0';
    }
    if (u.term_baud_min == 0 || u.shift_baud < u.term_baud_min) {
        u.term_baud_min = u.shift_baud;
    }
    if (u.shift_baud > u.term_baud_max) {
        u.term_baud_max = u.shift_baud;
    }
}

/* Starts the next character if the transmitter may: returns true if it did. */
static bool start_next(uint64_t at)
{
    if (u.tx_n == 0 || (u.ctl & (CTL_UARTEN | CTL_TXE)) != (CTL_UARTEN | CTL_TXE) || u.div64 == 0) {
        return false;
    }
    u.shift_byte = u.tx[0];
    memmove(u.tx, u.tx + 1, --u.tx_n);
    u.shifting = true;
    u.shift_baud = baud_now();
    /* Each bit is 16 * BRD clocks = div64 / 4. */
    u.shift_done = at + (uint64_t)frame_bits() * u.div64 / 4u;
    if (u.tx_n <= fifo_depth() / 2u) {
        u.ris |= RIS_TX;
    }
    return true;
}

void uart_advance(uint64_t clocks)
{
    (void)clocks;
    uint64_t now = mdl_now();
    for (;;) {
        if (u.shifting) {
            if (now < u.shift_done) {
                break;
            }
            uint64_t done = u.shift_done;
            deliver();
            if (!start_next(done)) {
                break;
            }
        } else if (!start_next(now)) {
            break;
        }
    }
    line_update();
}

static uint32_t flags(void)
{
    uint32_t fr = 0;
    if (u.tx_n >= fifo_depth()) {
        fr |= FR_TXFF;
    }
    if (u.tx_n == 0) {
        fr |= FR_TXFE;
    }
    if (u.tx_n > 0 || u.shifting) {
        fr |= FR_BUSY;
    }
    if (u.rx_n == 0) {
        fr |= FR_RXFE;
    }
    if (u.rx_n >= fifo_depth()) {
        fr |= FR_RXFF;
    }
    return fr;
}

bool uart_read(unsigned unit, uint32_t off, uint32_t *val, bool peek)
{
    (void)unit;
    switch (off) {
    case 0x000:
        if (u.rx_n == 0) {
            if (!peek) {
                mdl_violation("UART0 DR read with the receive FIFO empty (FR.RXFE set)");
            }
            *val = 0;
        } else {
            *val = u.rx[u.rx_head];
            if (!peek) {
                u.rx_head = (u.rx_head + 1u) % FIFO_DEPTH;
                u.rx_n--;
            }
        }
        break;
    case 0x004: *val = 0; break; /* RSR: no errors modelled */
    case 0x018: *val = flags(); break;
    case 0x020: *val = u.ilpr; break;
    case 0x024: *val = u.ibrd; break;
    case 0x028: *val = u.fbrd; break;
    case 0x02C: *val = u.lcrh; break;
    case 0x030: *val = u.ctl; break;
    case 0x034: *val = u.ifls; break;
    case 0x038: *val = u.im; break;
    case 0x03C: *val = u.ris; break;
    case 0x040: *val = u.ris & u.im; break;
    default: return false;
    }
    return true;
}

static void check_disabled(const char *reg)
{
    if (u.ctl & CTL_UARTEN) {
        mdl_violation("UART0 %s written while the UART is enabled (datasheet: clear "
                      "UARTCTL.UARTEN before reprogramming it)",
                      reg);
    }
}

bool uart_write_reg(unsigned unit, uint32_t off, uint32_t val)
{
    (void)unit;
    switch (off) {
    case 0x000:
        if ((u.ctl & CTL_UARTEN) == 0) {
            mdl_violation("UART0 DR written (byte 0x%02" PRIx32 ") while UARTCTL.UARTEN is "
                          "clear: byte lost",
                          val & 0xFFu);
        } else if (u.tx_n >= fifo_depth()) {
            mdl_violation("UART0 DR written (byte 0x%02" PRIx32 ") with the transmit FIFO full "
                          "(FR.TXFF): byte lost",
                          val & 0xFFu);
        } else {
            u.tx[u.tx_n++] = (uint8_t)val;
            u.ris &= ~RIS_TX;
        }
        break;
    case 0x004: break; /* ECR: clears errors */
    case 0x020: u.ilpr = val & 0xFFu; break;
    case 0x024:
        check_disabled("IBRD");
        u.ibrd = val & 0xFFFFu;
        break;
    case 0x028:
        check_disabled("FBRD");
        u.fbrd = val & 0x3Fu;
        break;
    case 0x02C:
        check_disabled("LCRH");
        u.lcrh = val & 0xFFu;
        u.div64 = u.ibrd * 64u + u.fbrd;
        u.baud_at_lcrh = baud_now();
        break;
    case 0x030:
        val &= 0x387u; /* UARTEN SIREN SIRLP LBE TXE RXE */
        if ((u.ctl & CTL_UARTEN) && (val & CTL_UARTEN) && val != u.ctl) {
            mdl_violation("UART0 CTL changed from 0x%03" PRIx32 " to 0x%03" PRIx32 " while "
                          "enabled (datasheet: disable, wait, then reprogram)",
                          u.ctl, val);
        }
        if ((val & CTL_UARTEN) && !(u.ctl & CTL_UARTEN) && u.div64 == 0) {
            mdl_violation("UART0 enabled with no baud-rate divisor latched (IBRD/FBRD then LCRH)");
        }
        u.ctl = val;
        break;
    case 0x034: u.ifls = val & 0x3Fu; break;
    case 0x038: u.im = val & 0x7F0u; break;
    case 0x044: u.ris &= ~val; break;
    default: return false;
    }
    line_update();
    return true;
}

/* ---- test side ---- */

const char *model_uart_terminal(size_t *len)
{
    if (len != NULL) {
        *len = u.terminal_len;
    }
    return u.terminal;
}

void model_uart_terminal_clear(void)
{
    u.terminal_len = 0;
    u.terminal[0] = '\0';
    u.term_baud_min = u.term_baud_max = 0;
}

uint32_t model_uart_terminal_baud_min(void)
{
    return u.term_baud_min;
}

uint32_t model_uart_terminal_baud_max(void)
{
    return u.term_baud_max;
}

uint32_t model_uart_baud_at_lcrh(void)
{
    return u.baud_at_lcrh;
}

bool model_uart_rx(uint8_t byte)
{
    if ((u.ctl & (CTL_UARTEN | CTL_RXE)) != (CTL_UARTEN | CTL_RXE) ||
        !gpio_is_muxed(PORT_A, PIN_U0RX)) {
        return false;
    }
    if (u.rx_n >= fifo_depth()) {
        u.ris |= RIS_OE;
        line_update();
        return false;
    }
    u.rx[(u.rx_head + u.rx_n) % FIFO_DEPTH] = byte;
    u.rx_n++;
    /* At the FIFO level the interrupt is RX; below it, the receive time-out, raised at once. */
    u.ris |= u.rx_n >= fifo_depth() / 2u ? RIS_RX : RIS_RT;
    line_update();
    return true;
}
