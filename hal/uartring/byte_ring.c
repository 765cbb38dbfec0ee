/*
 * Single-producer / single-consumer byte ring (see byte_ring.h).
 */
#include <errno.h>

#include "byte_ring.h"

#define barrier() __asm__ volatile("" ::: "memory")

bool byte_ring_put(struct byte_ring *r, uint8_t c)
{
    uint32_t head = r->head;
    uint32_t next = head + 1u == r->size ? 0u : head + 1u;
    if (next == r->tail) {
        r->dropped++;
        return false;
    }
    r->buf[head] = c;
    barrier();
    r->head = next;
    return true;
}

size_t byte_ring_write(struct byte_ring *r, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t n = 0;
    while (n < len && byte_ring_put(r, p[n])) {
        n++;
    }
    if (n < len) {
        r->dropped += (uint32_t)(len - n - 1u); /* the refused put counted one */
    }
    return n;
}

int byte_ring_get(struct byte_ring *r)
{
    uint32_t tail = r->tail;
    if (tail == r->head) {
        return -EAGAIN;
    }
    barrier();
    int c = r->buf[tail];
    barrier();
    r->tail = tail + 1u == r->size ? 0u : tail + 1u;
    return c;
}

bool byte_ring_is_empty(const struct byte_ring *r)
{
    return r->tail == r->head;
}
