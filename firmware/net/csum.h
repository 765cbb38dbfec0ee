/*
 * Incremental update of an Internet checksum (RFC 1624), for the transmit
 * timestamp written into a finished UDP frame.
 */
#ifndef FIRMWARE_NET_CSUM_H
#define FIRMWARE_NET_CSUM_H

#include <stdint.h>

/*
 * Returns the UDP checksum field hc updated for 8 bytes (at an even offset)
 * that changed from old to now (RFC 1624, eqn. 3). A field of 0 means the
 * sender used no checksum and stays 0; a computed 0 is sent as 0xFFFF
 * (RFC 768).
 */
uint16_t csum_update8(uint16_t hc, const uint8_t old[8], const uint8_t now[8]);

#endif /* FIRMWARE_NET_CSUM_H */
