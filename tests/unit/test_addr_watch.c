/*
 * Address conflict detection (firmware/net/addr_watch.c): which ARP packets
 * claim our address, how often a claim is defended and logged, and the
 * probe sent for a new address, byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "net/addr_watch.h"

static const uint8_t ours[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t other[6] = { 0x02, 0x00, 0x5e, 0x00, 0x99, 0x99 };
static const uint8_t third[6] = { 0x02, 0x00, 0x5e, 0x00, 0x77, 0x77 };
#define OUR_IP 0xC000026Fu /* 192.0.2.111 */

/* An Ethernet/IPv4 ARP packet (60 bytes, padded), from sha/spa to tpa. */
static size_t arp(uint8_t *f, uint16_t oper, const uint8_t sha[6], uint32_t spa, uint32_t tpa)
{
    static const uint8_t head[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,    0,    0, 0,
                                    0,    0,    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4 };
    memset(f, 0, 60);
    memcpy(f, head, sizeof(head));
    memcpy(f + 6, sha, 6);
    f[20] = (uint8_t)(oper >> 8);
    f[21] = (uint8_t)oper;
    memcpy(f + 22, sha, 6);
    for (int i = 0; i < 4; i++) {
        f[28 + i] = (uint8_t)(spa >> (24 - 8 * i));
        f[38 + i] = (uint8_t)(tpa >> (24 - 8 * i));
    }
    return 60;
}

static void test_claims_are_found(void **unused)
{
    (void)unused;
    uint8_t f[64], who[6];
    /* A gratuitous ARP (request and reply forms) and a reply to someone's request. */
    assert_true(addr_watch_is_claim(f, arp(f, 1, other, OUR_IP, OUR_IP), ours, OUR_IP, who));
    assert_memory_equal(who, other, 6);
    memset(who, 0, sizeof(who));
    assert_true(addr_watch_is_claim(f, arp(f, 2, other, OUR_IP, OUR_IP), ours, OUR_IP, who));
    assert_memory_equal(who, other, 6);
    assert_true(addr_watch_is_claim(f, arp(f, 2, third, OUR_IP, 0xC0000201u), ours, OUR_IP, who));
    assert_memory_equal(who, third, 6);
    /* A request from our address for someone else's. */
    assert_true(addr_watch_is_claim(f, arp(f, 1, other, OUR_IP, 0xC0000201u), ours, OUR_IP, who));
    /* The 42 bytes an ARP packet needs, without padding. */
    assert_true(addr_watch_is_claim(f, 42, ours, OUR_IP, who));
}

static void test_other_packets_are_no_claims(void **unused)
{
    (void)unused;
    uint8_t f[64], who[6] = { 0 };
    /* Ours, a probe for our address, another host's own address, ours when we have none. */
    assert_false(addr_watch_is_claim(f, arp(f, 1, ours, OUR_IP, OUR_IP), ours, OUR_IP, who));
    assert_false(addr_watch_is_claim(f, arp(f, 1, other, 0, OUR_IP), ours, OUR_IP, who));
    assert_false(addr_watch_is_claim(f, arp(f, 2, other, 0xC0000201u, OUR_IP), ours, OUR_IP, who));
    assert_false(addr_watch_is_claim(f, arp(f, 1, other, 0, 0), ours, 0, who));
    /* Truncated, another ethertype, hardware or protocol type, lengths, operation. */
    size_t n = arp(f, 1, other, OUR_IP, OUR_IP);
    assert_false(addr_watch_is_claim(f, 41, ours, OUR_IP, who));
    assert_false(addr_watch_is_claim(NULL, n, ours, OUR_IP, who));
    static const struct {
        size_t at;
        uint8_t value;
    } spoil[] = { { 12, 0x86 }, { 13, 0x00 }, { 15, 0x06 }, { 16, 0x86 },
                  { 18, 8 },    { 19, 16 },   { 21, 3 },    { 21, 0 } };
    for (size_t i = 0; i < sizeof(spoil) / sizeof(spoil[0]); i++) {
        arp(f, 1, other, OUR_IP, OUR_IP);
        f[spoil[i].at] = spoil[i].value;
        assert_false(addr_watch_is_claim(f, n, ours, OUR_IP, who));
    }
    static const uint8_t zero[6] = { 0 };
    assert_memory_equal(who, zero, 6); /* never written for a non-claim */
}

static void test_defended_every_ten_seconds_logged_every_minute(void **unused)
{
    (void)unused;
    struct addr_watch w;
    memset(&w, 0, sizeof(w));
    uint64_t t = 5000;
    assert_int_equal(addr_watch_claim(&w, other, OUR_IP, t), ADDR_WATCH_DEFEND | ADDR_WATCH_LOG);
    /* A burst: counted, neither defended nor logged again. */
    for (int i = 1; i < 50; i++) {
        assert_int_equal(addr_watch_claim(&w, other, OUR_IP, t + (uint64_t)i * 100u), 0);
    }
    assert_int_equal(w.claims, 50);
    assert_int_equal(w.defences, 1);
    assert_int_equal(addr_watch_claim(&w, other, OUR_IP, t + ADDR_WATCH_DEFEND_MS - 1u), 0);
    assert_int_equal(addr_watch_claim(&w, other, OUR_IP, t + ADDR_WATCH_DEFEND_MS),
                     ADDR_WATCH_DEFEND);
    assert_int_equal(addr_watch_claim(&w, other, OUR_IP, t + ADDR_WATCH_LOG_MS - 1u),
                     ADDR_WATCH_DEFEND);
    assert_int_equal(addr_watch_claim(&w, other, OUR_IP, t + ADDR_WATCH_LOG_MS), ADDR_WATCH_LOG);
    /* Another claimant is told at once (the defence still waits its 10 s). */
    assert_int_equal(addr_watch_claim(&w, third, OUR_IP, t + ADDR_WATCH_LOG_MS + 1u),
                     ADDR_WATCH_LOG);
    assert_memory_equal(w.mac, third, 6);
    assert_int_equal(w.ip, OUR_IP);
    assert_int_equal(w.seen_ms, t + ADDR_WATCH_LOG_MS + 1u);
    assert_int_equal(w.claims, 55);
    assert_int_equal(w.defences, 3);
    /* A new address claimed by the same host is news too. */
    assert_int_equal(addr_watch_claim(&w, third, OUR_IP + 1u, t + ADDR_WATCH_LOG_MS + 2u),
                     ADDR_WATCH_LOG);
}

static void test_first_claim_at_time_zero(void **unused)
{
    (void)unused;
    struct addr_watch w;
    memset(&w, 0, sizeof(w));
    assert_int_equal(addr_watch_claim(&w, other, OUR_IP, 0), ADDR_WATCH_DEFEND | ADDR_WATCH_LOG);
    assert_int_equal(addr_watch_claim(&w, other, OUR_IP, 1), 0);
}

static void test_probe_bytes(void **unused)
{
    (void)unused;
    uint8_t f[ADDR_WATCH_PROBE_LEN];
    memset(f, 0xA5, sizeof(f));
    addr_watch_probe(f, ours, OUR_IP);
    static const uint8_t want[ADDR_WATCH_PROBE_LEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, /* Ethernet */
        0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,             /* request */
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0,    0,    0,    0,                /* sender, 0 */
        0,    0,    0,    0,    0,    0,    0xc0, 0x00, 0x02, 0x6f,             /* target */
    };
    assert_memory_equal(f, want, sizeof(want));
    /* Our own probe is no claim; a host that has the address answers with one. */
    uint8_t who[6];
    assert_false(addr_watch_is_claim(f, sizeof(f), ours, OUR_IP, who));
    uint8_t reply[64];
    assert_true(addr_watch_is_claim(reply, arp(reply, 2, other, OUR_IP, 0), ours, OUR_IP, who));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_are_found),
        cmocka_unit_test(test_other_packets_are_no_claims),
        cmocka_unit_test(test_defended_every_ten_seconds_logged_every_minute),
        cmocka_unit_test(test_first_claim_at_time_zero),
        cmocka_unit_test(test_probe_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
