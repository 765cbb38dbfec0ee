/*
 * Packed receive ring (see rxring.h).
 *
 * Layout of a record at an RXRING_ALIGN-aligned offset:
 *   uint32_t len      frame bytes, or RXRING_WRAP: "continue at offset 0"
 *   uint32_t pad
 *   uint64_t rx_ticks
 *   uint8_t  lead[RXRING_LEAD], data[len], slack[RXRING_TAIL_SLACK],
 *            padded to RXRING_ALIGN
 * A record never straddles the end of the buffer: when it would, a wrap
 * marker is left and the record goes to offset 0. One alignment unit always
 * stays free, so head == tail means empty.
 *
 * Ordering: the producer writes the record, then publishes head; the
 * consumer reads head, then the record. On a single-core Cortex-M the
 * compiler barrier below is all the ordering needed.
 */
#include <errno.h>
#include <string.h>

#include "rxring.h"

#define RXRING_HDR  16u
#define RXRING_WRAP 0xFFFFFFFFu

#define barrier() __asm__ volatile("" ::: "memory")

struct rec {
    uint32_t len;
    uint32_t pad;
    uint64_t rx_ticks;
};

static uint32_t round_up(uint32_t n)
{
    return (n + RXRING_ALIGN - 1u) & ~(RXRING_ALIGN - 1u);
}

/* Bytes a record of a len-byte frame takes. */
static uint32_t record_size(uint32_t len)
{
    return RXRING_HDR + round_up(RXRING_LEAD + len + RXRING_TAIL_SLACK);
}

int rxring_init(struct rxring *r, void *buf, uint32_t size)
{
    if (buf == NULL || size < 2u * RXRING_HDR || size % RXRING_ALIGN != 0 ||
        ((uintptr_t)buf % RXRING_ALIGN) != 0) {
        return -EINVAL;
    }
    r->buf = buf;
    r->size = size;
    r->head = 0;
    r->tail = 0;
    r->reserved_at = 0;
    return 0;
}

uint8_t *rxring_reserve(struct rxring *r, uint32_t len)
{
    uint32_t need = record_size(len);
    uint32_t head = r->head;
    uint32_t tail = r->tail;
    barrier();
    if (tail > head) {
        /* Free: [head, tail). One unit stays free so head never meets tail. */
        if (need + RXRING_ALIGN > tail - head) {
            return NULL;
        }
    } else if (need + (tail == 0 ? RXRING_ALIGN : 0u) <= r->size - head) {
        /* Fits before the end (and, ending at the end, does not land on tail). */
    } else {
        /* Wrap: a marker at head, the record at offset 0, before tail. */
        if (need + RXRING_ALIGN > tail) {
            return NULL;
        }
        ((struct rec *)(void *)(r->buf + head))->len = RXRING_WRAP;
        head = 0;
    }
    r->reserved_at = head;
    return r->buf + head + RXRING_HDR + RXRING_LEAD;
}

void rxring_commit(struct rxring *r, uint32_t len, uint64_t rx_ticks)
{
    struct rec *rec = (struct rec *)(void *)(r->buf + r->reserved_at);
    rec->len = len;
    rec->rx_ticks = rx_ticks;
    uint32_t next = r->reserved_at + record_size(len);
    if (next >= r->size) {
        next = 0;
    }
    barrier();
    r->head = next;
}

/* Skips a wrap marker at tail. */
static uint32_t tail_record(const struct rxring *r, uint32_t tail)
{
    const struct rec *rec = (const struct rec *)(const void *)(r->buf + tail);
    return rec->len == RXRING_WRAP ? 0u : tail;
}

int rxring_peek(struct rxring *r, struct rxring_frame *f)
{
    uint32_t head = r->head;
    barrier();
    uint32_t tail = r->tail;
    if (tail == head) {
        return -EAGAIN;
    }
    tail = tail_record(r, tail);
    const struct rec *rec = (const struct rec *)(const void *)(r->buf + tail);
    f->rx_ticks = rec->rx_ticks;
    f->len = (uint16_t)rec->len;
    f->data = r->buf + tail + RXRING_HDR + RXRING_LEAD;
    return 0;
}

void rxring_release(struct rxring *r)
{
    uint32_t head = r->head;
    barrier();
    uint32_t tail = r->tail;
    if (tail == head) {
        return;
    }
    tail = tail_record(r, tail);
    const struct rec *rec = (const struct rec *)(const void *)(r->buf + tail);
    uint32_t next = tail + record_size(rec->len);
    if (next >= r->size) {
        next = 0;
    }
    barrier();
    r->tail = next;
}

bool rxring_is_pending(const struct rxring *r)
{
    return r->tail != r->head;
}
