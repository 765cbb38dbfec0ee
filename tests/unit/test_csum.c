/*
 * The incremental UDP checksum update against a full recomputation over
 * the pseudo header and datagram, for random datagrams and for the
 * corner cases (no checksum, a result of zero).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net/csum.h"

/* Full UDP checksum (RFC 768) over pseudo header + UDP header + data; 0 -> 0xFFFF. */
static uint16_t full_udp_csum(const uint8_t src[4], const uint8_t dst[4], uint8_t *udp, size_t len)
{
    uint32_t s = 0;
    uint8_t pseudo[12] = { src[0],
                           src[1],
                           src[2],
                           src[3],
                           dst[0],
                           dst[1],
                           dst[2],
                           dst[3],
                           0,
                           17,
                           (uint8_t)(len >> 8),
                           (uint8_t)len };
    for (size_t i = 0; i < 12; i += 2) {
        s += ((uint32_t)pseudo[i] << 8) | pseudo[i + 1];
    }
    uint8_t saved[2] = { udp[6], udp[7] };
    udp[6] = udp[7] = 0;
    for (size_t i = 0; i < len; i += 2) {
        s += ((uint32_t)udp[i] << 8) | (i + 1 < len ? udp[i + 1] : 0);
    }
    udp[6] = saved[0];
    udp[7] = saved[1];
    while (s >> 16) {
        s = (s & 0xFFFF) + (s >> 16);
    }
    uint16_t c = (uint16_t)~s;
    return c == 0 ? 0xFFFF : c;
}

static void test_matches_full_recomputation(void **unused)
{
    (void)unused;
    srand(77);
    for (int round = 0; round < 20000; round++) {
        uint8_t src[4], dst[4], udp[56];
        for (int i = 0; i < 4; i++) {
            src[i] = (uint8_t)rand();
            dst[i] = (uint8_t)rand();
        }
        for (size_t i = 0; i < sizeof(udp); i++) {
            udp[i] = (uint8_t)rand();
        }
        udp[4] = 0;
        udp[5] = sizeof(udp);
        uint16_t c = full_udp_csum(src, dst, udp, sizeof(udp));
        udp[6] = (uint8_t)(c >> 8);
        udp[7] = (uint8_t)c;
        /* Rewrite the NTP transmit timestamp (payload bytes 40..47). */
        uint8_t old[8];
        memcpy(old, udp + 8 + 40, 8);
        for (int i = 0; i < 8; i++) {
            udp[8 + 40 + i] = (uint8_t)(round % 7 == 0 ? 0 : rand());
        }
        uint16_t inc = csum_update8(c, old, udp + 8 + 40);
        assert_int_equal(inc, full_udp_csum(src, dst, udp, sizeof(udp)));
    }
}

static void test_no_checksum_stays_off(void **unused)
{
    (void)unused;
    uint8_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
    assert_int_equal(csum_update8(0, a, b), 0);
}

static void test_zero_result_is_sent_as_ffff(void **unused)
{
    (void)unused;
    /* Sum of everything else 0xFFFF - 0x0001: changing 0x0000 to 0x0001 makes the sum 0xFFFF. */
    uint8_t old[8] = { 0 }, now[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
    uint16_t hc = 0x0001; /* ~hc = 0xFFFE: the rest sums to 0xFFFE */
    assert_int_equal(csum_update8(hc, old, now), 0xFFFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_full_recomputation),
        cmocka_unit_test(test_no_checksum_stays_off),
        cmocka_unit_test(test_zero_result_is_sent_as_ffff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
