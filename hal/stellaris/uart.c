/*
 * Console UART driver for the Stellaris UART (PL011 compatible).
 *
 * Received bytes are moved by the interrupt into a small ring; transmitted
 * bytes wait in a ring that the main loop drains into the hardware FIFO
 * (uart_poll). Neither side ever blocks the main loop: a full transmit ring
 * drops output and counts it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers.h"
#include "hal/uart.h"
#include "stellaris.h"

#define UART_TX_RING 1024u /* the console buffers its own output beyond this */
#define UART_RX_RING 256u

static const struct stellaris_uart_config *cfg;
static char tx_ring[UART_TX_RING];
static volatile uint32_t tx_head, tx_tail;
static volatile uint8_t rx_ring[UART_RX_RING];
static volatile uint32_t rx_head, rx_tail;
uint32_t uart_tx_dropped, uart_rx_dropped;

void stellaris_uart_configure(const struct stellaris_uart_config *c)
{
    cfg = c;
}

int uart_init(void)
{
    uintptr_t b = cfg->base;
    SYSCTL_RCGC1 |= SYSCTL_RCGC1_UART0;
    SYSCTL_RCGC2 |= SYSCTL_RCGC2_GPIOA;
    UART_CTL(b) = 0;
    /* Divisor in 1/64ths: clock / (16 * baud), datasheet 12.3.2. */
    uint32_t div64 = (cfg->clock_hz * 4u + cfg->baud / 2u) / cfg->baud;
    UART_IBRD(b) = div64 / 64u;
    UART_FBRD(b) = div64 % 64u;
    UART_LCRH(b) = UART_LCRH_WLEN_8 | UART_LCRH_FEN;
    UART_IM(b) = UART_IM_RXIM | UART_IM_RTIM;
    UART_CTL(b) = UART_CTL_UARTEN | UART_CTL_TXE | UART_CTL_RXE;
    nvic_enable(cfg->irq, 0x80);
    return 0;
}

void stellaris_uart_isr(void)
{
    uintptr_t b = cfg->base;
    UART_ICR(b) = UART_MIS(b);
    while ((UART_FR(b) & UART_FR_RXFE) == 0) {
        uint8_t c = (uint8_t)UART_DR(b);
        uint32_t next = (rx_head + 1u) % UART_RX_RING;
        if (next == rx_tail) {
            uart_rx_dropped++;
        } else {
            rx_ring[rx_head] = c;
            rx_head = next;
        }
    }
}

int uart_getc(void)
{
    if (rx_tail == rx_head) {
        return -EAGAIN;
    }
    int c = rx_ring[rx_tail];
    rx_tail = (rx_tail + 1u) % UART_RX_RING;
    return c;
}

size_t uart_write(const char *buf, size_t len)
{
    size_t n = 0;
    uint32_t primask = irq_save();
    for (; n < len; n++) {
        uint32_t next = (tx_head + 1u) % UART_TX_RING;
        if (next == tx_tail) {
            uart_tx_dropped += (uint32_t)(len - n);
            break;
        }
        tx_ring[tx_head] = buf[n];
        tx_head = next;
    }
    irq_restore(primask);
    return n;
}

void uart_poll(void)
{
    uintptr_t b = cfg->base;
    while (tx_tail != tx_head && (UART_FR(b) & UART_FR_TXFF) == 0) {
        UART_DR(b) = (uint8_t)tx_ring[tx_tail];
        tx_tail = (tx_tail + 1u) % UART_TX_RING;
    }
}

void uart_flush(void)
{
    while (tx_tail != tx_head) {
        uart_poll();
    }
}
