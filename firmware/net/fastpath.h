/*
 * The NTP fast path's frame work, beside lwIP: recognise a well-formed
 * IPv4/UDP datagram to one port of our address in a received Ethernet
 * frame, and turn that frame, in place, into the reply: Ethernet addresses
 * swapped (the requester's MAC from the request itself, no ARP), a fresh
 * IPv4 header, ports swapped, UDP length and checksum. Nothing here decides
 * what to answer (the NTP engine does) and nothing touches lwIP: anything
 * that is not plainly such a datagram (IP options, a fragment, a bad
 * checksum, a length that does not add up, a source that is no host) is
 * refused, and the caller hands the frame to lwIP as before.
 *
 * Frames lie with (frame + 2) word-aligned, as the receive ring keeps
 * them, so the IP and UDP headers and the payload are read and written in
 * words.
 */
#ifndef FIRMWARE_NET_FASTPATH_H
#define FIRMWARE_NET_FASTPATH_H

#include <stddef.h>
#include <stdint.h>

#define FASTPATH_ETH_HDR 14u
#define FASTPATH_IP_HDR  20u
#define FASTPATH_UDP_HDR 8u
#define FASTPATH_HDRS    (FASTPATH_ETH_HDR + FASTPATH_IP_HDR + FASTPATH_UDP_HDR)
/* The UDP checksum's offset in the frame. */
#define FASTPATH_UDP_CSUM_OFF (FASTPATH_ETH_HDR + FASTPATH_IP_HDR + 6u)
/* The TTL of replies (lwIP's IP_DEFAULT_TTL). */
#define FASTPATH_TTL 255u
/*
 * The reply payload's size: an NTP header, and with a MAC (a key id and a
 * 16- or 20-byte digest) at most 72 bytes; never larger than its request.
 */
#define FASTPATH_REPLY_PAYLOAD     48u
#define FASTPATH_REPLY_PAYLOAD_MAX 72u

/*
 * Our addresses as they lie in a frame, read in host order
 * (fastpath_self_set() fills them), so they compare in one access.
 */
struct fastpath_self {
    uint16_t mac01; /* MAC bytes 0, 1 */
    uint32_t mac25; /* MAC bytes 2..5 */
    uint32_t ip;    /* our IPv4 address */
    uint32_t bcast; /* the subnet's broadcast address */
};

/* Fills *self from a MAC address and IPv4 address and mask (network byte order, as on the wire). */
void fastpath_self_set(struct fastpath_self *self, const uint8_t mac[6], const uint8_t ip[4],
                       const uint8_t mask[4]);

/* A datagram found in a frame. */
struct fastpath_udp {
    uint8_t *payload;  /* in the frame, word-aligned */
    uint16_t len;      /* payload bytes */
    uint32_t src_ip;   /* host order */
    uint16_t src_port; /* host order */
    uint32_t addr_sum; /* source + destination address, one's-complement partial sum */
};

/*
 * Returns 0 and fills *u when frame (len bytes) is an IPv4/UDP datagram to
 * port of self: unicast to self's MAC, a 20-byte IP header with a valid
 * checksum, not a fragment, total length within the frame, UDP length
 * equal to what the IP header leaves, UDP checksum 0 or valid, from a
 * source that is not 0, a broadcast or a multicast address. Otherwise
 * -EINVAL.
 */
int fastpath_parse(uint8_t *frame, size_t len, const struct fastpath_self *self, uint16_t port,
                   struct fastpath_udp *u);

/* The reply frame fastpath_reply() made. */
struct fastpath_reply {
    size_t len;         /* frame bytes */
    uint16_t csum_base; /* UDP checksum base without the payload's last 8 bytes (eth.h) */
};

/*
 * Turns the request frame u was parsed from into the reply carrying the
 * payload_len bytes written at u->payload (an NTP header, 48 bytes, or one
 * with its MAC: a multiple of 4 up to FASTPATH_REPLY_PAYLOAD_MAX, at most
 * u->len), sent from self to the requester's MAC, address and port; ip_id
 * is the IP identification. The UDP checksum is written complete;
 * r->csum_base is the sum eth_send_stamped() needs to complete it again
 * for a new stamp in the payload's last 8 bytes.
 */
void fastpath_reply(uint8_t *frame, const struct fastpath_udp *u, const struct fastpath_self *self,
                    uint16_t ip_id, size_t payload_len, struct fastpath_reply *r);

#endif /* FIRMWARE_NET_FASTPATH_H */
