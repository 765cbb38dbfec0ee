/*
 * Console UART interface: non-blocking on both sides, so a slow or absent
 * terminal never stalls the main loop.
 */
#ifndef HAL_UART_H
#define HAL_UART_H

#include <stddef.h>

/* Configure the console UART (115200 8N1). Returns 0 or a negative errno. */
int uart_init(void);

/* Returns the next received byte (0..255), or -EAGAIN when none is waiting. */
int uart_getc(void);

/*
 * Queue len bytes for transmission. Returns the number queued; bytes that do
 * not fit in the transmit buffer are dropped (counted), never waited for.
 */
size_t uart_write(const char *buf, size_t len);

/* Push queued bytes to the hardware FIFO; called from the main loop. */
void uart_poll(void);

/* Write everything queued, waiting for the hardware (fatal paths only). */
void uart_flush(void);

#endif /* HAL_UART_H */
