/*
 * The NTP server on the network: port 123 through the fast path beside
 * lwIP (fastpath.h) or lwIP's raw UDP API, the receive stamp of each
 * request's own frame, the transmit stamp written by the MAC driver at the
 * last moment (eth.h's one-step stamp), and each reply's departure, from
 * the MAC's transmit-complete event, handed to the engine for interleaved
 * mode.
 */
#ifndef FIRMWARE_NET_NTP_UDP_H
#define FIRMWARE_NET_NTP_UDP_H

#include <stdint.h>

#include "ntp/ntp.h"

/* What the NTP glue needs from the clock; every function returns NTP timestamps (32.32). */
struct ntp_udp_clock {
    /* The served time at a counter value. */
    uint64_t (*ticks_to_ntp)(uint64_t ticks);
    /* The same, and the served time's rate there in NTP units per tick (16 fraction bits). */
    uint64_t (*ticks_to_ntp_rate)(uint64_t ticks, uint32_t *per_tick_q16);
    /* The clock's current state for a reply (valid until the next main-loop pass). */
    const struct ntp_clock_info *(*info)(void);
};

/* Largest request accepted (header, extension fields and MAC); longer ones are dropped. */
#ifndef NTP_UDP_REQUEST_MAX
#define NTP_UDP_REQUEST_MAX 1024u
#endif

/*
 * Binds UDP port 123 in lwIP, serves it with srv, installs the fast path
 * and the transmit hooks in net.c, and srv's clock hook (the transmit
 * timestamp of a signed reply, ntp.h). Returns 0, or -ENOMEM/-EADDRINUSE
 * when lwIP cannot give the port.
 */
int ntp_udp_init(struct ntp_server *srv, const struct ntp_udp_clock *clock);

/* Returns how many datagrams were refused before reaching the engine (too long, no buffer). */
uint32_t ntp_udp_dropped(void);

/* Returns how many requests the fast path answered (or dropped) without lwIP. */
uint32_t ntp_udp_fast_count(void);

#endif /* FIRMWARE_NET_NTP_UDP_H */
