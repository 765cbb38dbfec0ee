/*
 * The UDP length check lwIP 2.1.3 does not make (see rx_check.h).
 * Offsets are those of RFC 791 (IPv4 header) and RFC 768 (UDP header).
 */
#include "net/rx_check.h"

#include <errno.h>

#define ETH_HDR_LEN         14u
#define ETHTYPE_IPV4        0x0800u
#define IPV4_HDR_MIN        20u
#define IPV4_PROTO_UDP      17u
#define IPV4_MF_OFFSET_MASK 0x3FFFu /* More Fragments flag and fragment offset */
#define UDP_HDR_LEN         8u

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(((uint16_t)p[0] << 8) | p[1]);
}

int rx_check_frame(const uint8_t *frame, size_t len)
{
    if (len < ETH_HDR_LEN + IPV4_HDR_MIN || be16(frame + 12) != ETHTYPE_IPV4) {
        return 0;
    }
    const uint8_t *ip = frame + ETH_HDR_LEN;
    size_t ihl = (size_t)(ip[0] & 0x0Fu) * 4u;
    size_t tot_len = be16(ip + 2);
    if ((ip[0] >> 4) != 4u || ip[9] != IPV4_PROTO_UDP || ihl < IPV4_HDR_MIN ||
        (be16(ip + 6) & IPV4_MF_OFFSET_MASK) != 0u) {
        return 0;
    }
    /* An IP length past the frame, or too short for a UDP header: lwIP drops it. */
    if (tot_len < ihl + UDP_HDR_LEN || ETH_HDR_LEN + tot_len > len) {
        return 0;
    }
    size_t udp_len = be16(ip + ihl + 4);
    return udp_len == tot_len - ihl ? 0 : -EBADMSG;
}
