/*
 * Console UART driver for the CMSDK APB UART: 8N1 only, one-byte
 * transmit and receive buffers, separate TX and RX interrupts.
 *
 * Received bytes are moved by the RX interrupt into a small ring. Bytes to
 * send wait in a ring that uart_poll() starts draining and the TX
 * interrupt keeps draining, one byte each time the buffer empties: with a
 * one-byte buffer, polling from the main loop alone would send one byte
 * per wake-up. Neither side ever blocks the main loop: a full transmit
 * ring drops output and counts it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmsdk.h"
#include "drivers.h"
#include "hal/uart.h"
#include "uartring/byte_ring.h"

static const struct cmsdk_uart_config *cfg;

void cmsdk_uart_configure(const struct cmsdk_uart_config *c)
{
    cfg = c;
}

int uart_init(void)
{
    uintptr_t b = cfg->base;
    uint32_t div = (cfg->clock_hz + cfg->baud / 2u) / cfg->baud; /* baud = PCLK / BAUDDIV */
    if (div < UART_BAUDDIV_MIN) {
        return -EINVAL;
    }
    UART_CTRL(b) = 0;
    UART_BAUDDIV(b) = div;
    UART_STATE(b) = UART_STATE_TXOVERRUN | UART_STATE_RXOVERRUN;
    UART_INTCLEAR(b) = UART_INT_TX | UART_INT_RX;
    UART_CTRL(b) = UART_CTRL_TXEN | UART_CTRL_RXEN | UART_CTRL_RXINTEN | UART_CTRL_TXINTEN;
    nvic_enable(cfg->irq_rx, 0x80);
    nvic_enable(cfg->irq_tx, 0x80);
    return 0;
}

void cmsdk_uart_rx_isr(void)
{
    uintptr_t b = cfg->base;
    /* Acknowledge first: a byte arriving after the loop raises it again. */
    UART_INTCLEAR(b) = UART_INT_RX;
    if (UART_STATE(b) & UART_STATE_RXOVERRUN) {
        UART_STATE(b) = UART_STATE_RXOVERRUN;
        uart_rx_ring.dropped++;
    }
    while (UART_STATE(b) & UART_STATE_RXFULL) {
        (void)byte_ring_put(&uart_rx_ring, (uint8_t)UART_DATA(b));
    }
}

/*
 * Moves one queued byte into the transmit buffer if it has room. Returns
 * whether it did. Called with interrupts masked or from the TX interrupt.
 */
static bool tx_put(uintptr_t b)
{
    if ((UART_STATE(b) & UART_STATE_TXFULL) != 0) {
        return false;
    }
    int c = byte_ring_get(&uart_tx_ring);
    if (c < 0) {
        return false;
    }
    UART_DATA(b) = (uint32_t)c;
    return true;
}

void cmsdk_uart_tx_isr(void)
{
    uintptr_t b = cfg->base;
    UART_INTCLEAR(b) = UART_INT_TX;
    while (tx_put(b)) {
    }
}

void uart_poll(void)
{
    /*
     * One byte per masked section (the TX interrupt also advances
     * the ring's tail): where the buffer empties at once, as in QEMU, a long
     * report must not hold off the Ethernet interrupt and its stamp.
     */
    bool more;
    do {
        uint32_t primask = irq_save();
        more = tx_put(cfg->base);
        irq_restore(primask);
    } while (more);
}

void cmsdk_uart_write_polled(const struct cmsdk_uart_config *c, const char *buf, size_t len)
{
    uintptr_t b = c->base;
    if ((UART_CTRL(b) & UART_CTRL_TXEN) == 0) {
        UART_BAUDDIV(b) = (c->clock_hz + c->baud / 2u) / c->baud;
        UART_CTRL(b) = UART_CTRL_TXEN;
    }
    /* Bounded: a byte takes 87 us at 115200; 100k polls is well past that. */
    for (size_t i = 0; i < len; i++) {
        for (unsigned n = 0; n < 100000u && (UART_STATE(b) & UART_STATE_TXFULL); n++) {
        }
        UART_DATA(b) = (uint8_t)buf[i];
    }
    for (unsigned n = 0; n < 100000u && (UART_STATE(b) & UART_STATE_TXFULL); n++) {
    }
}

void uart_flush(void)
{
    /* Polled, so it also works from a fault handler with interrupts masked. */
    while (!byte_ring_is_empty(&uart_tx_ring)) {
        uart_poll();
    }
    while (UART_STATE(cfg->base) & UART_STATE_TXFULL) {
    }
}
