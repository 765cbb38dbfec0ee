/*
 * The NTP server on lwIP's raw UDP API: port 123, the receive stamp of
 * each request's own frame, the transmit stamp written as the reply frame
 * goes to the MAC.
 */
#ifndef FIRMWARE_NET_NTP_UDP_H
#define FIRMWARE_NET_NTP_UDP_H

#include <stdint.h>

#include "ntp/ntp.h"

/* Maps a timestamp-counter reading to served time of day (NTP timestamp). */
typedef uint64_t (*ntp_udp_ticks_to_ntp_fn)(uint64_t ticks);
/* Returns the clock's current state for a reply. */
typedef const struct ntp_clock_info *(*ntp_udp_clock_info_fn)(void);

/* Largest request accepted (header, extension fields and MAC); longer ones are dropped. */
#ifndef NTP_UDP_REQUEST_MAX
#define NTP_UDP_REQUEST_MAX 1024u
#endif

/*
 * Binds UDP port 123 and serves it with srv. Returns 0, or -ENOMEM/-EADDRINUSE
 * when lwIP cannot give the port.
 */
int ntp_udp_init(struct ntp_server *srv, ntp_udp_ticks_to_ntp_fn ticks_to_ntp,
                 ntp_udp_clock_info_fn clock_info);

/* Returns how many datagrams were refused before reaching the engine (too long, no buffer). */
uint32_t ntp_udp_dropped(void);

#endif /* FIRMWARE_NET_NTP_UDP_H */
