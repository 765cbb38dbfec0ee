/*
 * Network glue between the Ethernet HAL and lwIP (raw API, NO_SYS=1).
 *
 * net_poll() moves received frames from the driver's ring into lwIP, one
 * at a time; while a frame is inside lwIP (whose UDP callbacks run
 * synchronously within netif->input), net_rx_ticks() returns the timestamp
 * the receive interrupt took for that very frame.
 *
 * Frames lwIP would take although they are malformed (a UDP length that
 * disagrees with the IP length, rx_check.h) are dropped before it.
 *
 * NTP frames take their own way (ntp_udp.c, through the hooks below): a
 * received request to port 123 is answered by the fast path before lwIP
 * sees it (unless built with NET_FASTPATH 0, the baseline `make bench`
 * compares with), and a time reply lwIP sends is handed to the NTP glue
 * instead of the MAC, which sends it with the one-step transmit stamp.
 */
#ifndef FIRMWARE_NET_H
#define FIRMWARE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fastpath.h"
#include "hal/eth.h"

/*
 * 1: NTP requests are answered beside lwIP, in their receive buffer
 * (fastpath.h); 0: every frame goes through lwIP, the baseline for
 * `make bench` (`make NET_FASTPATH=0` builds it in build/<board>-baseline).
 */
#ifndef NET_FASTPATH
#define NET_FASTPATH 1
#endif

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
    /* Other hosts claiming our address (addr_watch.h): ARP packets seen since boot. */
    uint32_t conflict_claims;
    uint32_t conflict_defences; /* announcements sent to defend the address */
    uint8_t conflict_mac[6];    /* the last claimant (valid when conflict_claims != 0) */
    uint32_t conflict_ip;       /* the address it claimed, host order */
    uint32_t conflict_age_s;    /* seconds since it was last seen */
};

/* One of lwIP's memory pools, or its heap, as in use now (LWIP_STATS). */
struct net_pool {
    const char *name; /* lwIP's name of the pool ("UDP_PCB", "PBUF_POOL", ...), or "heap" */
    bool is_bytes;    /* the heap: counts are bytes, not elements */
    uint32_t used;    /* in use now */
    uint32_t size;    /* there are */
    uint32_t peak;    /* most in use at once since boot */
    uint32_t refused; /* allocations that failed since boot (all in use) */
};

/* The heap and every pool of this lwIP configuration fit in this many entries. */
#define NET_POOLS_MAX 8

/* The NTP glue's ways into the frame path (ntp_udp.c installs them). */
struct net_ntp_hooks {
    /*
     * A received frame, before lwIP, while the interface has an address:
     * returns 0 when it took the frame (answered or dropped it), anything
     * else to let lwIP have it. now_ms: net_uptime_ms() of this pass.
     */
    int (*fast_rx)(struct eth_frame *f, const struct fastpath_self *self, uint64_t now_ms);
    /*
     * A frame lwIP hands to the MAC: returns 0 when it sent the frame
     * itself, -ENOENT when the frame is not one of its own (net.c sends it),
     * another negative errno when sending failed.
     */
    int (*link_tx)(const uint8_t *frame, size_t len);
    /* A transmit-complete event from the MAC. */
    void (*tx_done)(const struct eth_tx_done *d);
};

/* Brings up the interface. Returns 0 or a negative errno. */
int net_init(const uint8_t mac[6], const struct net_config *cfg);

/* Applies a new address configuration at once (DHCP on/off, static address). Returns 0 or -EINVAL. */
int net_reconfigure(const struct net_config *cfg);

/*
 * Takes the frames received and the transmit-complete events since the
 * last call: NTP requests to the fast path, the rest to lwIP. A few
 * instructions when nothing waits; the main loop calls it first in every
 * pass, so a request that woke it is answered before anything else.
 */
void net_rx(void);

/* net_rx(), then lwIP's timers, the link and the DHCP fallback. */
void net_poll(void);

/* Returns the receive-interrupt timestamp of the frame lwIP is processing now. */
uint64_t net_rx_ticks(void);

/* Installs the NTP glue's hooks (h must outlive the interface). */
void net_set_ntp_hooks(const struct net_ntp_hooks *h);

/* Fills st with the interface's current state. */
void net_get_status(struct net_status *st);

/*
 * Fills out[0..max-1] with lwIP's heap, then each of its pools, in lwIP's
 * order (memp_std.h). Returns how many it filled.
 */
size_t net_get_pools(struct net_pool *out, size_t max);

/* Returns how many received frames net_poll() dropped before lwIP (rx_check.h). */
uint32_t net_rx_malformed(void);

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
