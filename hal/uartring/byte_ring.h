/*
 * Byte rings for UART drivers: one producer and one consumer each, no
 * locks. The receive ring is filled by the RX interrupt and emptied by the
 * main loop; the transmit ring is filled by the main loop and emptied by
 * whatever feeds the hardware (the main loop, or a TX interrupt with the
 * main loop's share done with interrupts masked).
 */
#ifndef HAL_BYTE_RING_H
#define HAL_BYTE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct byte_ring {
    volatile uint8_t *buf;
    uint32_t size;          /* bytes in buf; one stays free */
    volatile uint32_t head; /* producer's */
    volatile uint32_t tail; /* consumer's */
    uint32_t dropped;       /* bytes refused because the ring was full */
};

#define BYTE_RING_INIT(storage)                                                                    \
    {                                                                                              \
        (storage), sizeof(storage), 0, 0, 0                                                        \
    }

/* Producer: stores c. Returns false (and counts it) when the ring is full. */
bool byte_ring_put(struct byte_ring *r, uint8_t c);

/* Producer: stores what fits of buf; returns how many bytes (the rest are counted as dropped). */
size_t byte_ring_write(struct byte_ring *r, const void *buf, size_t len);

/* Consumer: returns the oldest byte (0..255), or -EAGAIN when the ring is empty. */
int byte_ring_get(struct byte_ring *r);

/* Returns true when nothing waits. */
bool byte_ring_is_empty(const struct byte_ring *r);

/* The console's rings (uart_rings.c): the UART driver's interrupt and hardware side. */
extern struct byte_ring uart_tx_ring;
extern struct byte_ring uart_rx_ring;

#endif /* HAL_BYTE_RING_H */
