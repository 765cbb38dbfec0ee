/*
 * Network glue between the Ethernet HAL and lwIP (raw API, NO_SYS=1).
 *
 * net_poll() moves received frames from the driver's ring into lwIP, one
 * at a time; while a frame is inside lwIP (whose UDP callbacks run
 * synchronously within netif->input), net_rx_ticks() returns the timestamp
 * the receive interrupt took for that very frame.
 *
 * Outgoing frames pass a UDP transmit hook immediately before they are
 * copied into the MAC: the NTP server writes its transmit timestamp there,
 * and the UDP checksum is then patched incrementally (RFC 1624).
 */
#ifndef FIRMWARE_NET_H
#define FIRMWARE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IPv4 addresses in this interface are in host byte order. */
struct net_config {
    bool dhcp;
    uint32_t ip;
    uint8_t prefix_len;
    uint32_t gw;
};

struct net_status {
    bool link_up;
    bool link_full_duplex;
    uint16_t link_speed_mbps; /* 0 when the PHY does not say */
    bool dhcp;                /* DHCP client enabled */
    bool dhcp_bound;          /* address came from a DHCP lease */
    bool fallback;            /* DHCP gave nothing: running on the static address */
    uint32_t ip, mask, gw;
    uint32_t lease_s; /* lease time granted, 0 when none */
    uint32_t lease_left_s;
    uint8_t mac[6];
};

/*
 * Called for each outgoing UDP datagram from local port `port` (see
 * net_set_udp_tx_hook) just before the frame goes to the MAC. It may
 * rewrite 8 bytes of the payload: it copies the old 8 bytes into old and
 * returns their offset in the payload, or returns -1 when it changed nothing.
 */
typedef int (*net_udp_tx_hook)(uint8_t *payload, size_t len, uint8_t old[8]);

/* Brings up the interface. Returns 0 or a negative errno. */
int net_init(const uint8_t mac[6], const struct net_config *cfg);

/* Applies a new address configuration at once (DHCP on/off, static address). Returns 0 or -EINVAL. */
int net_reconfigure(const struct net_config *cfg);

/* Feeds every received frame to lwIP, runs lwIP's timers and the DHCP fallback. */
void net_poll(void);

/* Returns the receive-interrupt timestamp of the frame lwIP is processing now. */
uint64_t net_rx_ticks(void);

/* Registers the transmit hook for datagrams sent from local UDP port `port`. */
void net_set_udp_tx_hook(uint16_t port, net_udp_tx_hook hook);

/* Fills st with the interface's current state. */
void net_get_status(struct net_status *st);

/* Returns a count that changes whenever the interface's address changes. */
uint32_t net_address_changes(void);

/* Returns true once the interface has an address (lease or static). */
bool net_has_address(void);

/* Returns a pseudo-random 32-bit value (lwIP's LWIP_RAND, DHCP xid, NTP fuzz seed). */
unsigned long net_rand(void);

/* Mixes entropy (timer jitter, frame stamps) into net_rand()'s state. */
void net_rand_stir(uint64_t v);

/* Milliseconds since boot (lwIP's sys_now() is built on it). */
uint64_t net_uptime_ms(void);

#endif /* FIRMWARE_NET_H */
