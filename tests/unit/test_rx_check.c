/*
 * The received-frame check lwIP lacks: an IPv4 UDP datagram whose UDP
 * length field disagrees with its IP length is refused; everything else,
 * including what lwIP drops by itself, passes to lwIP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "net/rx_check.h"

#define ETH 14u

/* Builds Ethernet + IPv4 (ihl_words * 4 bytes) + UDP + payload_len bytes; returns the frame length. */
static size_t build(uint8_t *f, unsigned ihl_words, size_t payload_len)
{
    size_t ihl = ihl_words * 4u;
    size_t ip_len = ihl + 8u + payload_len;
    memset(f, 0, ETH + ip_len);
    memcpy(f, "\x52\x54\x00\x12\x34\x56\x02\x00\x00\x00\x00\x01\x08\x00", ETH);
    uint8_t *ip = f + ETH;
    ip[0] = (uint8_t)(0x40u | ihl_words);
    ip[2] = (uint8_t)(ip_len >> 8);
    ip[3] = (uint8_t)ip_len;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\xc0\x00\x02\x3c\xc0\x00\x02\x6f", 8);
    uint8_t *udp = ip + ihl;
    udp[0] = 0x9c;
    udp[1] = 0xdb;
    udp[3] = 123;
    udp[4] = (uint8_t)((8u + payload_len) >> 8);
    udp[5] = (uint8_t)(8u + payload_len);
    return ETH + ip_len;
}

static void set_udp_len(uint8_t *f, unsigned ihl_words, unsigned udp_len)
{
    uint8_t *udp = f + ETH + ihl_words * 4u;
    udp[4] = (uint8_t)(udp_len >> 8);
    udp[5] = (uint8_t)udp_len;
}

static void test_consistent_datagrams_pass(void **unused)
{
    (void)unused;
    uint8_t f[1600];
    assert_int_equal(rx_check_frame(f, build(f, 5, 48)), 0);
    assert_int_equal(rx_check_frame(f, build(f, 5, 0)), 0);    /* empty datagram */
    assert_int_equal(rx_check_frame(f, build(f, 15, 48)), 0);  /* IP options */
    assert_int_equal(rx_check_frame(f, build(f, 5, 1472)), 0); /* full size */
    /* Ethernet padding after a short datagram (frames are at least 60 bytes) */
    size_t n = build(f, 5, 2);
    memset(f + n, 0xA5, 60 - n);
    assert_int_equal(rx_check_frame(f, 60), 0);
}

static void test_udp_length_disagreeing_is_refused(void **unused)
{
    (void)unused;
    uint8_t f[1600];
    static const unsigned bad[] = { 0, 1, 7, 8, 9, 55, 57, 200, 1500, 0xFFFF };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = build(f, 5, 48);
        set_udp_len(f, 5, bad[i]);
        assert_int_equal(rx_check_frame(f, n), -EBADMSG);
    }
    size_t n = build(f, 15, 48);
    set_udp_len(f, 15, 56 + 40); /* counted the options as UDP */
    assert_int_equal(rx_check_frame(f, n), -EBADMSG);
    /* padding does not make a short UDP length right */
    n = build(f, 5, 2);
    set_udp_len(f, 5, 60 - ETH - 20);
    assert_int_equal(rx_check_frame(f, 60), -EBADMSG);
}

static void test_left_to_lwip(void **unused)
{
    (void)unused;
    uint8_t f[1600];
    size_t n;

    /* not IPv4: ARP, IPv6 */
    n = build(f, 5, 48);
    set_udp_len(f, 5, 0);
    f[13] = 0x06;
    assert_int_equal(rx_check_frame(f, n), 0);
    f[12] = 0x86;
    f[13] = 0xDD;
    assert_int_equal(rx_check_frame(f, n), 0);
    /* version 6 in an IPv4 frame, and an IHL below 5 */
    n = build(f, 5, 48);
    set_udp_len(f, 5, 0);
    f[ETH] = 0x65;
    assert_int_equal(rx_check_frame(f, n), 0);
    f[ETH] = 0x44;
    assert_int_equal(rx_check_frame(f, n), 0);
    /* not UDP */
    n = build(f, 5, 48);
    set_udp_len(f, 5, 0);
    f[ETH + 9] = 1;
    assert_int_equal(rx_check_frame(f, n), 0);
    /* fragments: the first one's UDP length covers the whole datagram */
    n = build(f, 5, 48);
    set_udp_len(f, 5, 1000);
    f[ETH + 6] = 0x20; /* More Fragments */
    assert_int_equal(rx_check_frame(f, n), 0);
    f[ETH + 6] = 0x00;
    f[ETH + 7] = 0x03; /* offset 24 */
    assert_int_equal(rx_check_frame(f, n), 0);
    f[ETH + 6] = 0x40; /* Don't Fragment alone is no fragment */
    f[ETH + 7] = 0x00;
    assert_int_equal(rx_check_frame(f, n), -EBADMSG);
    /* IP length beyond the frame, or too short for a UDP header */
    n = build(f, 5, 48);
    set_udp_len(f, 5, 0);
    assert_int_equal(rx_check_frame(f, n - 1), 0);
    f[ETH + 2] = 0;
    f[ETH + 3] = 27;
    assert_int_equal(rx_check_frame(f, n), 0);
    /* frames too short to hold an IPv4 header */
    for (size_t len = 0; len < ETH + 20; len++) {
        assert_int_equal(rx_check_frame(f, len), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consistent_datagrams_pass),
        cmocka_unit_test(test_udp_length_disagreeing_is_refused),
        cmocka_unit_test(test_left_to_lwip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
