/*
 * The NTP fast path's frame work (see fastpath.h): parse a request frame,
 * rewrite it into the reply. Header layouts: RFC 894 (Ethernet), RFC 791
 * (IPv4), RFC 768 (UDP); checksums RFC 1071 (csum.h), summed in host byte
 * order over the headers' aligned words. The reply's addresses are the
 * request's swapped, so their sum, taken once while the request is
 * checked, serves the reply's IP header and pseudo header too.
 */
#include "fastpath.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "csum.h"

#define ETHERTYPE_IPV4 0x0800u
#define IP_PROTO_UDP   17u

/* Where a checksum field lands in the word read in host order: the upper half on little-endian. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FASTPATH_LITTLE_ENDIAN 0
#else
#define FASTPATH_LITTLE_ENDIAN 1
#endif

static inline uint32_t ld32(const uint8_t *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

static inline uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static inline void st32(uint8_t *p, uint32_t w)
{
    memcpy(p, &w, 4);
}

static inline void st16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

/*
 * Two 16-bit big-endian values as the 32-bit word they make in memory, read
 * in host order; in shifts and byte swaps (REV16), so that a value known
 * only at run time (a signed reply's length) costs a few instructions.
 */
static inline uint32_t host_pair(uint16_t first, uint16_t second)
{
#if FASTPATH_LITTLE_ENDIAN
    return (uint32_t)__builtin_bswap16(first) | ((uint32_t)__builtin_bswap16(second) << 16);
#else
    return ((uint32_t)first << 16) | second;
#endif
}

void fastpath_self_set(struct fastpath_self *self, const uint8_t mac[6], const uint8_t ip[4],
                       const uint8_t mask[4])
{
    uint8_t bcast[4];
    for (unsigned i = 0; i < 4u; i++) {
        bcast[i] = (uint8_t)(ip[i] | (uint8_t)~mask[i]);
    }
    self->mac01 = ld16(mac);
    self->mac25 = ld32(mac + 2);
    self->ip = ld32(ip);
    self->bcast = ld32(bcast);
}

/* One's-complement partial sum of n words at p (word-aligned), four a round. */
static uint32_t sum_words(uint32_t acc, const uint8_t *p, size_t n)
{
    const uint32_t *w = (const uint32_t *)(const void *)p;
    for (; n >= 4u; n -= 4u, w += 4) {
        acc = csum_add_4words(acc, w);
    }
    while (n--) {
        acc = csum_add32(acc, *w++);
    }
    return acc;
}

/* Not 0.0.0.0, not 224.0.0.0/4 (multicast) or above, not our subnet's broadcast. */
static inline bool is_host_source(const uint8_t *src, uint32_t src_w,
                                  const struct fastpath_self *self)
{
    return src_w != 0 && src[0] < 0xE0u && src_w != self->bcast;
}

int fastpath_parse(uint8_t *frame, size_t len, const struct fastpath_self *self, uint16_t port,
                   struct fastpath_udp *u)
{
    if (len < FASTPATH_HDRS || ld16(frame) != self->mac01 || ld32(frame + 2) != self->mac25 ||
        ld16(frame + 12) != csum_host16(ETHERTYPE_IPV4)) {
        return -EINVAL;
    }
    uint8_t *ip = frame + FASTPATH_ETH_HDR;
    uint16_t tot = (uint16_t)((ip[2] << 8) | ip[3]);
    uint32_t src = ld32(ip + 12), dst = ld32(ip + 16);
    /* IPv4, a 20-byte header; no fragment (MF clear, offset 0: DF may be set); UDP. */
    if (ip[0] != 0x45u || (ip[6] & 0x3Fu) != 0 || ip[7] != 0 || ip[9] != IP_PROTO_UDP ||
        tot < FASTPATH_IP_HDR + FASTPATH_UDP_HDR || FASTPATH_ETH_HDR + (size_t)tot > len ||
        dst != self->ip || !is_host_source(ip + 12, src, self)) {
        return -EINVAL;
    }
    uint32_t addr_sum = csum_add32(src, dst);
    uint32_t hdr_sum = csum_add32(csum_add32(addr_sum, ld32(ip)), ld32(ip + 4));
    if (csum_fold(csum_add32(hdr_sum, ld32(ip + 8))) != 0xFFFFu) {
        return -EINVAL; /* a header checksum that does not verify */
    }
    uint8_t *udp = ip + FASTPATH_IP_HDR;
    uint16_t udp_len = (uint16_t)((udp[4] << 8) | udp[5]);
    if (ld16(udp + 2) != csum_host16(port) || udp_len != tot - FASTPATH_IP_HDR) {
        return -EINVAL;
    }
    if (ld16(udp + 6) != 0) {
        /* Pseudo header, UDP header and payload; an odd last byte is padded with 0. */
        uint32_t s = csum_add32(addr_sum, host_pair(IP_PROTO_UDP, udp_len));
        size_t words = udp_len / 4u;
        if (udp_len == FASTPATH_UDP_HDR + 48u) {
            /* A plain NTP request (the common case): the 14 words unrolled. */
            const uint32_t *w = (const uint32_t *)(const void *)udp;
            s = csum_add_4words(csum_add_4words(csum_add_4words(s, w), w + 4), w + 8);
            s = csum_add32(csum_add32(s, w[12]), w[13]);
        } else {
            s = sum_words(s, udp, words);
        }
        if (udp_len & 3u) {
            uint8_t last[4] = { 0, 0, 0, 0 };
            memcpy(last, udp + 4u * words, udp_len & 3u);
            s = csum_add32(s, ld32(last));
        }
        if (csum_fold(s) != 0xFFFFu) {
            return -EINVAL;
        }
    }
    u->payload = udp + FASTPATH_UDP_HDR;
    u->len = (uint16_t)(udp_len - FASTPATH_UDP_HDR);
    u->src_ip =
        ((uint32_t)ip[12] << 24) | ((uint32_t)ip[13] << 16) | ((uint32_t)ip[14] << 8) | ip[15];
    u->src_port = (uint16_t)((udp[0] << 8) | udp[1]);
    u->addr_sum = addr_sum;
    return 0;
}

void fastpath_reply(uint8_t *frame, const struct fastpath_udp *u, const struct fastpath_self *self,
                    uint16_t ip_id, size_t payload_len, struct fastpath_reply *r)
{
    uint8_t *ip = frame + FASTPATH_ETH_HDR;
    uint8_t *udp = ip + FASTPATH_IP_HDR;
    const uint16_t udp_len = (uint16_t)(FASTPATH_UDP_HDR + payload_len);

    /* Ethernet: back to where the request came from. */
    uint16_t src01 = ld16(frame + 6);
    uint32_t src25 = ld32(frame + 8);
    st16(frame, src01);
    st32(frame + 2, src25);
    st16(frame + 6, self->mac01);
    st32(frame + 8, self->mac25);
    /* IPv4: a 20-byte header, no TOS, no fragmenting flags, TTL 255, as lwIP sends. */
    uint32_t w0 = host_pair(0x4500u, FASTPATH_IP_HDR + udp_len);
    uint32_t w1 = host_pair(ip_id, 0);
    uint32_t w2 = host_pair((FASTPATH_TTL << 8) | IP_PROTO_UDP, 0);
    uint32_t s = csum_add32(csum_add32(csum_add32(u->addr_sum, w0), w1), w2);
    st32(ip, w0);
    st32(ip + 4, w1);
    st32(ip + 8, w2 | ((uint32_t)(uint16_t)~csum_fold(s) << (FASTPATH_LITTLE_ENDIAN ? 16 : 0)));
    st32(ip + 16, ld32(ip + 12));
    st32(ip + 12, self->ip);
    /* UDP: the ports swapped (the halves of their word), our length; the sum over the pseudo
     * header, the header and the payload: the base without the payload's last 8 bytes first. */
    uint32_t ports = ld32(udp);
    ports = (ports >> 16) | (ports << 16);
    st32(udp, ports);
    uint32_t len_w = host_pair(udp_len, 0);
    const uint32_t *pay = (const uint32_t *)(const void *)(udp + FASTPATH_UDP_HDR);
    size_t last = payload_len / 4u - 2u; /* the word where the last 8 bytes begin */
    s = csum_add32(csum_add32(u->addr_sum, host_pair(IP_PROTO_UDP, udp_len)), ports);
    s = csum_add32(s, len_w);
    if (payload_len == FASTPATH_REPLY_PAYLOAD) {
        /* A basic reply (the common case): the first 10 words unrolled. */
        s = csum_add_4words(csum_add_4words(s, pay), pay + 4);
        s = csum_add32(csum_add32(s, pay[8]), pay[9]);
    } else {
        s = sum_words(s, udp + FASTPATH_UDP_HDR, last); /* a signed reply */
    }
    r->csum_base = csum_host16(csum_fold(s)); /* big-endian, as eth.h wants it */
    s = csum_add32(csum_add32(s, pay[last]), pay[last + 1u]);
    st32(udp + 4,
         len_w | ((uint32_t)csum_field(csum_fold(s)) << (FASTPATH_LITTLE_ENDIAN ? 16 : 0)));
    r->len = FASTPATH_ETH_HDR + FASTPATH_IP_HDR + udp_len;
}
