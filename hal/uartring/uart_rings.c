/*
 * The console's two byte rings and the hal/uart.h calls that only touch
 * them: every UART driver fills uart_rx_ring from its receive interrupt,
 * drains uart_tx_ring into its hardware, and links this file (as the
 * Ethernet drivers do with hal/rxring/eth_ring.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "byte_ring.h"
#include "hal/uart.h"

#define UART_TX_RING 1024u /* the console buffers its own output beyond this */
#define UART_RX_RING 256u

static uint8_t tx_buf[UART_TX_RING];
static uint8_t rx_buf[UART_RX_RING];
struct byte_ring uart_tx_ring = BYTE_RING_INIT(tx_buf);
struct byte_ring uart_rx_ring = BYTE_RING_INIT(rx_buf);

int uart_getc(void)
{
    return byte_ring_get(&uart_rx_ring);
}

size_t uart_write(const char *buf, size_t len)
{
    return byte_ring_write(&uart_tx_ring, buf, len);
}
