/*
 * Address conflict detection while the address is in use (RFC 5227
 * sec. 2.4), which lwIP 2.1.3 does not have: an ARP packet whose sender
 * protocol address is ours, sent from a hardware address that is not ours,
 * means another host on the LAN has our address (a mistyped static
 * address, a second DHCP server, a cloned VM). Its ARP packets teach the
 * other hosts to send our clients' time to it.
 *
 * What the appliance does (net.c), as a host that keeps its address
 * (RFC 5227's third policy, for servers whose address clients are
 * configured with): it drops the claiming packet (lwIP would put its own
 * address in its ARP table), defends with a broadcast announcement of its
 * own at most once per DEFEND_INTERVAL (10 s), so that the other hosts'
 * caches point back at it, and tells the operator (a log line at once for a
 * new claimant, then at most once a minute; `status` and `net stats`).
 * After each address assignment, and when the link comes back, it also
 * sends one ARP probe for its address (sender address 0, RFC 5227
 * sec. 2.1.1): a host that has the
 * address answers it, and the answer is a claim like any other.
 *
 * This file only decides; it sends and logs nothing.
 */
#ifndef FIRMWARE_NET_ADDR_WATCH_H
#define FIRMWARE_NET_ADDR_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_WATCH_DEFEND_MS 10000u /* RFC 5227 DEFEND_INTERVAL */
#define ADDR_WATCH_LOG_MS    60000u /* the same claimant logged again at most this often */

/* An ARP probe frame: Ethernet header and the 28-byte ARP packet, padded to the 60-byte minimum. */
#define ADDR_WATCH_PROBE_LEN 60u

struct addr_watch {
    uint32_t claims;   /* claiming ARP packets seen since boot */
    uint32_t defences; /* announcements sent to defend the address */
    uint8_t mac[6];    /* the last claimant's hardware address */
    uint32_t ip;       /* the address it claimed (host order) */
    uint64_t seen_ms;  /* when it was last seen (valid when claims != 0) */
    uint64_t defended_ms;
    uint64_t logged_ms;
    bool has_defended;
    bool has_logged;
};

/* What to do about a claim (addr_watch_claim()'s flags). */
#define ADDR_WATCH_DEFEND 1u /* announce our address (a gratuitous ARP) */
#define ADDR_WATCH_LOG    2u /* tell the operator */

/*
 * Looks at an Ethernet frame (no FCS; padding allowed). Returns true, with
 * the sender's hardware address in claimant, when it is an Ethernet/IPv4
 * ARP request or reply whose sender protocol address is ip (host order,
 * not 0) and whose sender hardware address is not mac (ours). A probe
 * (sender address 0) for our address is no claim: lwIP answers it.
 */
bool addr_watch_is_claim(const uint8_t *frame, size_t len, const uint8_t mac[6], uint32_t ip,
                         uint8_t claimant[6]);

/*
 * Records a claim of ip (host order) by claimant at now_ms (milliseconds
 * since boot) and returns the ADDR_WATCH_ flags for what to do now.
 */
unsigned addr_watch_claim(struct addr_watch *w, const uint8_t claimant[6], uint32_t ip,
                          uint64_t now_ms);

/* Writes the ARP probe for ip (host order) from mac into frame (ADDR_WATCH_PROBE_LEN bytes). */
void addr_watch_probe(uint8_t frame[ADDR_WATCH_PROBE_LEN], const uint8_t mac[6], uint32_t ip);

#endif /* FIRMWARE_NET_ADDR_WATCH_H */
