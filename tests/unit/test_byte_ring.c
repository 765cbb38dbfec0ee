/*
 * Tests of the UART byte ring: order, full ring and drop count, wrap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "uartring/byte_ring.h"

static void test_order_full_and_drops(void **unused)
{
    (void)unused;
    static uint8_t storage[8];
    struct byte_ring r = BYTE_RING_INIT(storage);
    assert_true(byte_ring_is_empty(&r));
    assert_int_equal(byte_ring_get(&r), -EAGAIN);
    assert_int_equal(byte_ring_write(&r, "abcdefghij", 10), 7); /* one slot stays free */
    assert_int_equal(r.dropped, 3);
    for (const char *p = "abcdefg"; *p; p++) {
        assert_int_equal(byte_ring_get(&r), *p);
    }
    assert_true(byte_ring_is_empty(&r));
}

static void test_wraps_many_times(void **unused)
{
    (void)unused;
    static uint8_t storage[5];
    struct byte_ring r = BYTE_RING_INIT(storage);
    for (int i = 0; i < 1000; i++) {
        assert_true(byte_ring_put(&r, (uint8_t)i));
        assert_true(byte_ring_put(&r, (uint8_t)(i + 1)));
        assert_int_equal(byte_ring_get(&r), (uint8_t)i);
        assert_int_equal(byte_ring_get(&r), (uint8_t)(i + 1));
    }
    assert_int_equal(r.dropped, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_full_and_drops),
        cmocka_unit_test(test_wraps_many_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
