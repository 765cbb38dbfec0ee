/*
 * The NTP fast path's frame work (firmware/net/fastpath.c): which frames it
 * takes (a well-formed IPv4/UDP datagram to port 123 of our address) and
 * which it leaves to lwIP (everything else: other protocols and ports, IP
 * options, fragments, bad checksums, lengths that do not add up, sources
 * that are no host), and the reply it makes in place: addresses and ports
 * swapped, IP and UDP checksums that verify, and the checksum base the
 * one-step transmit stamp needs. Also the word sums (csum.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/csum.h"
#include "net/fastpath.h"

static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t our_ip[4] = { 10, 0, 2, 15 };
static const uint8_t mask[4] = { 255, 255, 255, 0 };
static const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 };
static const uint8_t peer_ip[4] = { 10, 0, 2, 2 };

/* Frames as the receive ring holds them: (frame + 2) word-aligned, slack behind. */
static uint32_t buf[400];
static struct fastpath_self self;

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* Folded one's-complement sum of big-endian 16-bit words (an odd byte padded with 0). */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i < n; i += 2u) {
        s += ((uint32_t)p[i] << 8) | (i + 1u < n ? p[i + 1u] : 0u);
    }
    while (s >> 16) {
        s = (s & 0xFFFFu) + (s >> 16);
    }
    return s;
}

static uint32_t udp_sum(const uint8_t *ip)
{
    uint16_t len = be16(ip + 24);
    return sum16(ip + 20, len, sum16(ip + 12, 8, 17u + len));
}

/* A request frame from the peer to us, port 123, payload bytes of payload_len; returns it. */
static uint8_t *request(size_t payload_len, uint8_t seed, size_t *len)
{
    uint8_t *f = (uint8_t *)buf + 2;
    memset(buf, 0xEE, sizeof(buf));
    memcpy(f, our_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    uint8_t *ip = f + 14;
    uint16_t tot = (uint16_t)(28u + payload_len);
    const uint8_t hdr[20] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0xAB, 0xCD, 0x40, 0,
                              64,   17 };
    memcpy(ip, hdr, sizeof(hdr));
    memcpy(ip + 12, peer_ip, 4);
    memcpy(ip + 16, our_ip, 4);
    uint16_t c = (uint16_t)~sum16(ip, 20, 0);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    uint8_t *udp = ip + 20;
    udp[0] = 0xC3;
    udp[1] = 0x50; /* 50000 */
    udp[2] = 0;
    udp[3] = 123;
    udp[4] = (uint8_t)((8u + payload_len) >> 8);
    udp[5] = (uint8_t)(8u + payload_len);
    udp[6] = udp[7] = 0;
    for (size_t i = 0; i < payload_len; i++) {
        udp[8 + i] = (uint8_t)(seed + i * 13u);
    }
    udp[8] = 0x23; /* NTPv4 mode 3 */
    c = (uint16_t)~udp_sum(ip);
    udp[6] = (uint8_t)(c >> 8);
    udp[7] = (uint8_t)c;
    *len = 14u + tot;
    return f;
}

/* Puts the IP header checksum right again after a test changed the header. */
static void fix_ip_csum(uint8_t *f)
{
    uint8_t *ip = f + 14;
    ip[10] = ip[11] = 0;
    uint16_t c = (uint16_t)~sum16(ip, 20, 0);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
}

static void fix_udp_csum(uint8_t *f)
{
    uint8_t *ip = f + 14;
    ip[26] = ip[27] = 0;
    uint16_t c = (uint16_t)~udp_sum(ip);
    ip[26] = (uint8_t)(c >> 8);
    ip[27] = (uint8_t)c;
}

static int setup(void **unused)
{
    (void)unused;
    fastpath_self_set(&self, our_mac, our_ip, mask);
    return 0;
}

static void test_takes_a_request(void **unused)
{
    (void)unused;
    static const size_t lens[] = { 48, 49, 50, 51, 68, 120, 1024 };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        size_t len;
        uint8_t *f = request(lens[i], (uint8_t)i, &len);
        struct fastpath_udp u;
        assert_int_equal(fastpath_parse(f, len + 4u, &self, 123, &u), 0); /* FCS behind */
        assert_ptr_equal(u.payload, f + 42);
        assert_int_equal(u.len, lens[i]);
        assert_int_equal(u.src_ip, 0x0A000202u);
        assert_int_equal(u.src_port, 50000);
        /* A sender without a checksum (0) is taken too. */
        f[40] = f[41] = 0;
        assert_int_equal(fastpath_parse(f, len, &self, 123, &u), 0);
    }
}

static void test_leaves_the_rest_to_lwip(void **unused)
{
    (void)unused;
    size_t len;
    struct fastpath_udp u;
    uint8_t *f;
#define REFUSED(edit)                                                                              \
    do {                                                                                           \
        f = request(48, 1, &len);                                                                  \
        edit;                                                                                      \
        assert_int_equal(fastpath_parse(f, len, &self, 123, &u), -EINVAL);                         \
    } while (0)
    REFUSED(f[0] = 0xFF);                               /* broadcast */
    REFUSED(f[5] ^= 1);                                 /* another host's MAC */
    REFUSED(f[13] = 0x06);                              /* ARP */
    REFUSED((f[14] = 0x46, fix_ip_csum(f)));            /* IP options */
    REFUSED((f[14] = 0x65, fix_ip_csum(f)));            /* IPv6 version number */
    REFUSED((f[20] |= 0x20, fix_ip_csum(f)));           /* more fragments */
    REFUSED((f[21] = 1, fix_ip_csum(f)));               /* a fragment's offset */
    REFUSED((f[23] = 6, fix_ip_csum(f)));               /* TCP */
    REFUSED(f[24] ^= 0x10);                             /* bad IP checksum */
    REFUSED((f[33] = 16, fix_ip_csum(f)));              /* to another address */
    REFUSED((f[26] = 10, f[29] = 255, fix_ip_csum(f))); /* from our subnet's broadcast */
    REFUSED((f[26] = 224, fix_ip_csum(f)));             /* from a multicast address */
    REFUSED((memset(f + 26, 0, 4), fix_ip_csum(f)));    /* from 0.0.0.0 */
    REFUSED((f[37] = 124, fix_udp_csum(f)));            /* port 124 */
    REFUSED(f[45] ^= 1);                                /* bad UDP checksum */
    REFUSED((f[39] = 57, fix_udp_csum(f)));             /* UDP length > IP's */
    REFUSED((f[39] = 55, fix_udp_csum(f)));             /* UDP length < IP's */
    REFUSED((f[17] = 200, fix_ip_csum(f)));             /* IP length past the frame */
    REFUSED((f[16] = 0, f[17] = 27, fix_ip_csum(f)));   /* no room for UDP */
    REFUSED(len = 41);                                  /* a runt */
#undef REFUSED
}

static void test_reply_in_place(void **unused)
{
    (void)unused;
    /* A basic reply (48 bytes), and signed ones: a 16-byte digest (68), a 20-byte one (72). */
    static const size_t payloads[] = { FASTPATH_REPLY_PAYLOAD, 68, FASTPATH_REPLY_PAYLOAD_MAX };
    for (uint8_t seed = 0; seed < 60; seed++) {
        size_t pay = payloads[seed % 3u];
        size_t len;
        uint8_t *f = request(pay + 4u * (seed % 5u), seed, &len);
        struct fastpath_udp u;
        assert_int_equal(fastpath_parse(f, len, &self, 123, &u), 0);
        /* The engine writes its reply over the request. */
        for (unsigned i = 0; i < pay; i++) {
            u.payload[i] = (uint8_t)(0x80u + seed + i * 7u);
        }
        struct fastpath_reply r;
        fastpath_reply(f, &u, &self, (uint16_t)(0x1200u + seed), pay, &r);
        size_t flen = 42u + pay;
        assert_int_equal(r.len, flen);
        assert_memory_equal(f, peer_mac, 6);
        assert_memory_equal(f + 6, our_mac, 6);
        assert_int_equal(be16(f + 12), 0x0800);
        uint8_t *ip = f + 14;
        assert_int_equal(ip[0], 0x45);
        assert_int_equal(be16(ip + 2), 28u + pay);
        assert_int_equal(be16(ip + 4), 0x1200u + seed);
        assert_int_equal(be16(ip + 6), 0);
        assert_int_equal(ip[8], FASTPATH_TTL);
        assert_int_equal(ip[9], 17);
        assert_memory_equal(ip + 12, our_ip, 4);
        assert_memory_equal(ip + 16, peer_ip, 4);
        assert_int_equal(sum16(ip, 20, 0), 0xFFFF);
        assert_int_equal(be16(ip + 20), 123);
        assert_int_equal(be16(ip + 22), 50000);
        assert_int_equal(be16(ip + 24), 8u + pay);
        assert_int_equal(udp_sum(ip), 0xFFFF);
        assert_true(be16(ip + 26) != 0);
        /* The base: the sum with the stamp (the last 8 bytes) and the field taken out. */
        uint8_t copy[42 + FASTPATH_REPLY_PAYLOAD_MAX];
        memcpy(copy, f, flen);
        memset(copy + flen - 8u, 0, 8);
        copy[40] = copy[41] = 0;
        assert_int_equal(r.csum_base, udp_sum(copy + 14));
        /* and the reply parses as a datagram to the peer's port 50000 (as the peer sees it). */
        struct fastpath_self peer;
        fastpath_self_set(&peer, peer_mac, peer_ip, mask);
        struct fastpath_udp back;
        assert_int_equal(fastpath_parse(f, r.len, &peer, 50000, &back), 0);
    }
}

static void test_word_sums(void **unused)
{
    (void)unused;
    uint32_t w[64];
    srand(3);
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand() % 64);
        uint64_t ref = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = round % 7 == 0 ? 0xFFFFFFFFu : ((uint32_t)rand() << 1) ^ (uint32_t)rand();
            ref += (w[i] & 0xFFFFu) + (w[i] >> 16);
        }
        uint32_t acc = round % 5 == 0 ? 0xFFFFFFFFu : (uint32_t)rand();
        ref += (acc & 0xFFFFu) + (acc >> 16);
        while (ref >> 16) {
            ref = (ref & 0xFFFFu) + (ref >> 16);
        }
        uint32_t s = acc;
        size_t i = 0;
        for (; i + 4u <= n; i += 4u) {
            s = csum_add_4words(s, w + i);
        }
        for (; i < n; i++) {
            s = csum_add32(s, w[i]);
        }
        assert_int_equal(csum_fold(s), ref);
        assert_int_equal(csum_fold(csum_add_words(acc, w, n)), ref);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_takes_a_request, setup),
        cmocka_unit_test_setup(test_leaves_the_rest_to_lwip, setup),
        cmocka_unit_test_setup(test_reply_in_place, setup),
        cmocka_unit_test(test_word_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
