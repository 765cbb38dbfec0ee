/*
 * Console UART driver for the Stellaris UART (PL011 compatible).
 *
 * Received bytes are moved by the interrupt into a small ring; transmitted
 * bytes wait in a ring that the main loop drains into the hardware FIFO
 * (uart_poll). Neither side ever blocks the main loop: a full transmit ring
 * drops output and counts it. Both rings have one producer and one
 * consumer, so nothing here masks interrupts: a long console report never
 * delays the Ethernet interrupt's timestamp.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers.h"
#include "hal/uart.h"
#include "stellaris.h"
#include "uartring/byte_ring.h"

static const struct stellaris_uart_config *cfg;

void stellaris_uart_configure(const struct stellaris_uart_config *c)
{
    cfg = c;
}

/* Disabled, 8N1 with FIFOs at c->baud (datasheet 12.4 "Initialization and Configuration"). */
static void setup(const struct stellaris_uart_config *c)
{
    uintptr_t b = c->base;
    mmio_write32(UART_CTL(b), 0);
    /* Divisor in 1/64ths: clock / (16 * baud), datasheet 12.3.2. */
    uint32_t div64 = (c->clock_hz * 4u + c->baud / 2u) / c->baud;
    mmio_write32(UART_IBRD(b), div64 / 64u);
    mmio_write32(UART_FBRD(b), div64 % 64u);
    /* LCRH last: it latches the divisor. */
    mmio_write32(UART_LCRH(b), UART_LCRH_WLEN_8 | UART_LCRH_FEN);
}

int uart_init(void)
{
    uintptr_t b = cfg->base;
    setup(cfg);
    mmio_write32(UART_IM(b), UART_IM_RXIM | UART_IM_RTIM);
    mmio_write32(UART_CTL(b), UART_CTL_UARTEN | UART_CTL_TXE | UART_CTL_RXE);
    nvic_enable(cfg->irq, 0x80);
    return 0;
}

void stellaris_uart_write_polled(const struct stellaris_uart_config *c, const char *buf, size_t len)
{
    uintptr_t b = c->base;
    if ((mmio_read32(UART_CTL(b)) & UART_CTL_UARTEN) == 0) {
        setup(c);
        mmio_write32(UART_CTL(b), UART_CTL_UARTEN | UART_CTL_TXE | UART_CTL_RXE);
    }
    /* Bounded: a byte takes 87 us at 115200; 100k polls is well past that at any clock. */
    for (size_t i = 0; i < len; i++) {
        for (unsigned n = 0; n < 100000u && (mmio_read32(UART_FR(b)) & UART_FR_TXFF); n++) {
        }
        mmio_write32(UART_DR(b), (uint8_t)buf[i]);
    }
    for (unsigned n = 0; n < 2000000u && (mmio_read32(UART_FR(b)) & UART_FR_BUSY); n++) {
    }
}

void stellaris_uart_isr(void)
{
    uintptr_t b = cfg->base;
    mmio_write32(UART_ICR(b), mmio_read32(UART_MIS(b)));
    while ((mmio_read32(UART_FR(b)) & UART_FR_RXFE) == 0) {
        (void)byte_ring_put(&uart_rx_ring, (uint8_t)mmio_read32(UART_DR(b)));
    }
}

void uart_poll(void)
{
    uintptr_t b = cfg->base;
    while ((mmio_read32(UART_FR(b)) & UART_FR_TXFF) == 0) {
        int c = byte_ring_get(&uart_tx_ring);
        if (c < 0) {
            break;
        }
        mmio_write32(UART_DR(b), (uint32_t)c);
    }
}

void uart_flush(void)
{
    while (!byte_ring_is_empty(&uart_tx_ring)) {
        uart_poll();
    }
}
