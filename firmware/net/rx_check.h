/*
 * A check on received frames that lwIP 2.1.3 leaves out: the UDP header's
 * own length field.
 *
 * lwIP takes a UDP datagram's length from the IPv4 header and never reads
 * the length field of the UDP header (RFC 768), so a datagram whose UDP
 * length claims fewer bytes than it carries (even less than its own 8-byte
 * header) or more would reach the NTP engine as if it were whole, and be
 * answered. net_poll() drops such frames before lwIP sees them.
 */
#ifndef FIRMWARE_NET_RX_CHECK_H
#define FIRMWARE_NET_RX_CHECK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Looks at an Ethernet frame (no FCS; padding allowed). Returns -EBADMSG
 * for an unfragmented IPv4 UDP datagram whose UDP length differs from the
 * length its IPv4 header gives it, and 0 for every other frame: frames
 * that are not IPv4 UDP, fragments, and frames too short or inconsistent
 * at the IP level are left to lwIP's own checks, which drop them.
 */
int rx_check_frame(const uint8_t *frame, size_t len);

#endif /* FIRMWARE_NET_RX_CHECK_H */
