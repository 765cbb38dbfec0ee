/*
 * Tests of the packed receive ring: order, stamps, wrap-around, full ring,
 * a frame's placement (two bytes past a word boundary, with slack after it
 * for a driver's word copy), and a long randomized producer/consumer run
 * against a reference queue.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rxring/rxring.h"

static uint64_t storage[512]; /* 4 KiB, aligned */
static struct rxring ring;

static int setup(void **unused)
{
    (void)unused;
    memset(storage, 0xEE, sizeof(storage));
    return rxring_init(&ring, storage, sizeof(storage));
}

static int put(uint32_t len, uint8_t fill, uint64_t stamp)
{
    uint8_t *p = rxring_reserve(&ring, len);
    if (p == NULL) {
        return -ENOSPC;
    }
    /* The IP header (at 14) word-aligned; the lead and the slack are the driver's to write. */
    assert_int_equal((uintptr_t)(p + 2) % 4u, 0);
    memset(p - RXRING_LEAD, 0xA5, RXRING_LEAD);
    memset(p, fill, len + RXRING_TAIL_SLACK);
    rxring_commit(&ring, len, stamp);
    return 0;
}

static void expect(uint32_t len, uint8_t fill, uint64_t stamp)
{
    struct rxring_frame f;
    assert_int_equal(rxring_peek(&ring, &f), 0);
    assert_int_equal(f.len, len);
    assert_true(f.rx_ticks == stamp);
    for (uint32_t i = 0; i < len; i++) {
        assert_int_equal(f.data[i], fill);
    }
    rxring_release(&ring);
}

static void test_init_rejects_bad_buffers(void **unused)
{
    (void)unused;
    struct rxring r;
    assert_int_equal(rxring_init(&r, NULL, 64), -EINVAL);
    assert_int_equal(rxring_init(&r, (uint8_t *)storage + 4, 64), -EINVAL);
    assert_int_equal(rxring_init(&r, storage, 60), -EINVAL);
    assert_int_equal(rxring_init(&r, storage, 16), -EINVAL);
}

static void test_fifo_order_and_stamps(void **unused)
{
    (void)unused;
    struct rxring_frame f;
    assert_false(rxring_is_pending(&ring));
    assert_int_equal(rxring_peek(&ring, &f), -EAGAIN);
    assert_int_equal(put(90, 1, 1000), 0);
    assert_int_equal(put(60, 2, 2000), 0);
    assert_int_equal(put(1518, 3, 3000), 0);
    assert_true(rxring_is_pending(&ring));
    expect(90, 1, 1000);
    expect(60, 2, 2000);
    expect(1518, 3, 3000);
    assert_false(rxring_is_pending(&ring));
}

static void test_many_small_frames_fit(void **unused)
{
    (void)unused;
    /* 90-byte NTP frames take 16 + 2 + 90 + 7 rounded to 8: 120 bytes, 34 of them in 4 KiB. */
    int n = 0;
    while (put(90, (uint8_t)n, (uint64_t)n) == 0) {
        n++;
    }
    assert_int_equal(n, (int)((sizeof(storage) - RXRING_ALIGN) / 120u));
    for (int i = 0; i < n; i++) {
        expect(90, (uint8_t)i, (uint64_t)i);
    }
}

static void test_full_ring_refuses_then_recovers(void **unused)
{
    (void)unused;
    assert_int_equal(put(1518, 1, 1), 0);
    assert_int_equal(put(1518, 2, 2), 0);
    assert_int_equal(put(1518, 3, 3), -ENOSPC); /* 3 x 1544 > 4096 */
    expect(1518, 1, 1);
    /* 1544 bytes free at the start, one unit always kept: 1518 does not fit, 1400 does. */
    assert_int_equal(put(1518, 3, 3), -ENOSPC);
    assert_int_equal(put(1400, 3, 3), 0); /* wraps to the start */
    expect(1518, 2, 2);
    expect(1400, 3, 3);
    assert_int_equal(put(4096, 9, 9), -ENOSPC); /* never fits */
}

static void test_randomized_against_reference(void **unused)
{
    (void)unused;
    enum {
        QMAX = 64
    };
    uint32_t qlen[QMAX];
    uint64_t qstamp[QMAX];
    unsigned qh = 0, qt = 0;
    srand(1234);
    uint64_t stamp = 0;
    for (int step = 0; step < 200000; step++) {
        if (rand() % 2) {
            uint32_t len =
                (rand() % 4 == 0) ? 60u + (uint32_t)rand() % 1459u : 60u + (uint32_t)rand() % 64u;
            if (qh - qt < QMAX && put(len, (uint8_t)stamp, stamp) == 0) {
                qlen[qh % QMAX] = len;
                qstamp[qh % QMAX] = stamp;
                qh++;
            }
            stamp++;
        } else if (qt != qh) {
            expect(qlen[qt % QMAX], (uint8_t)qstamp[qt % QMAX], qstamp[qt % QMAX]);
            qt++;
        } else {
            assert_false(rxring_is_pending(&ring));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_rejects_bad_buffers, setup),
        cmocka_unit_test_setup(test_fifo_order_and_stamps, setup),
        cmocka_unit_test_setup(test_many_small_frames_fit, setup),
        cmocka_unit_test_setup(test_full_ring_refuses_then_recovers, setup),
        cmocka_unit_test_setup(test_randomized_against_reference, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
