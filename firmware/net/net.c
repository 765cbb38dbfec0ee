/*
 * lwIP netif on the Ethernet HAL, DHCP with a static fallback, and the
 * frame timestamps' path.
 *
 * Each received frame is first offered to the NTP fast path (ntp_udp.c,
 * NET_FASTPATH), which answers a request in the frame's own ring slot.
 * Every other frame is copied out of the driver's ring into a pool pbuf,
 * so the slot is free again as soon as lwIP has it. lwIP 2.1.3 has no
 * per-pbuf user data, so the receive stamp travels beside the frame:
 * net_rx() records it before netif->input(), and since lwIP delivers UDP
 * synchronously from there, a UDP callback reads the stamp of its own
 * frame (net_rx_ticks()).
 */
#include <errno.h>
#include <string.h>

#include "hal/eth.h"
#include "hal/timer.h"
#include "hal/wdt.h"
#include "log.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/dhcp.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/udp.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "addr_watch.h"
#include "csum.h"
#include "net.h"
#include "rx_check.h"
#include "netif/ethernet.h"

#ifndef NET_DHCP_FALLBACK_MS
#define NET_DHCP_FALLBACK_MS 15000u /* no lease by then: use the static address */
#endif
#define NET_LINK_CHECK_MS 500u
#define NET_TX_DONE_EVERY 8u /* frames of a burst between two takes of the departures (2^n) */
#define NET_HOSTNAME      "ntp-appliance"

static struct netif netif;
static struct net_config config;
static uint64_t rx_ticks;
static uint64_t dhcp_started_ms;
static uint64_t last_link_check_ms;
static struct eth_link link;
static bool fallback;
static const struct net_ntp_hooks *ntp_hooks;
static struct fastpath_self self; /* our addresses as the fast path compares them */
static uint32_t address_changes;
static uint32_t rx_malformed;
static struct addr_watch watch; /* other hosts claiming our address (addr_watch.h) */
static bool is_probe_due;       /* a new address: probe for it once (addr_watch.h) */
static uint64_t rand_state = 0x9E3779B97F4A7C15ull;

/*
 * Milliseconds since boot, counted on from the last call: the main loop
 * calls in every pass, far more often than every 2^32 ticks (85 s at
 * 50 MHz), so the step is a 32-bit division (one UDIV) and the idle pass
 * has no 64-bit division. Never backwards: a counter reading below the last
 * one (QEMU's SysTick can show a reload before its wrap interrupt is
 * pending, so timer_now() dips by 2^24 ticks for a moment) leaves the count
 * as it is. Main loop only.
 */
static uint64_t uptime_ms;
static uint64_t uptime_ticks; /* the tick count uptime_ms stands for */

uint64_t net_uptime_ms(void)
{
    uint32_t ticks_per_ms = timer_hz() / 1000u;
    uint64_t elapsed = timer_now() - uptime_ticks;
    if ((int64_t)elapsed <= 0) {
        return uptime_ms;
    }
    while ((elapsed >> 32) != 0) {
        /* A long stall (minutes): catch up in steps a 32-bit division can take. */
        uint32_t step_ms = 0x80000000u / ticks_per_ms;
        uint64_t step = (uint64_t)step_ms * ticks_per_ms;
        uptime_ticks += step;
        uptime_ms += step_ms;
        elapsed -= step;
    }
    uint32_t ms = (uint32_t)elapsed / ticks_per_ms;
    uptime_ticks += (uint64_t)ms * ticks_per_ms;
    uptime_ms += ms;
    return uptime_ms;
}

u32_t sys_now(void);
u32_t sys_now(void)
{
    return (u32_t)net_uptime_ms();
}

void net_rand_stir(uint64_t v)
{
    rand_state ^= v + 0x9E3779B97F4A7C15ull + (rand_state << 6) + (rand_state >> 2);
}

unsigned long net_rand(void)
{
    /* xorshift64*: fine for DHCP ids and timestamp fuzz, not for keys. */
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (unsigned long)((rand_state * 0x2545F4914F6CDD1Dull) >> 32);
}

uint64_t net_rx_ticks(void)
{
    return rx_ticks;
}

void net_set_ntp_hooks(const struct net_ntp_hooks *h)
{
    ntp_hooks = h;
}

/*
 * Frames lwIP builds here are single pbufs (PBUF_RAM replies with their
 * headers in front, pool pbufs as large as a frame), so they go to the MAC
 * from where they are; a chain is first joined into one heap pbuf.
 */
static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    if (p->tot_len > ETH_FRAME_MAX) {
        return ERR_BUF;
    }
    struct pbuf *one = p;
    if (p->next != NULL) {
        one = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
        if (one == NULL) {
            return ERR_MEM;
        }
    }
    int err = -ENOENT;
    if (ntp_hooks != NULL && ntp_hooks->link_tx != NULL) {
        err = ntp_hooks->link_tx(one->payload, one->len);
    }
    if (err == -ENOENT) {
        err = eth_send(one->payload, one->len);
    }
    if (one != p) {
        pbuf_free(one);
    }
    return err == 0 ? ERR_OK : ERR_IF;
}

static err_t netif_setup(struct netif *nif)
{
    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->output = etharp_output;
    nif->linkoutput = linkoutput;
    nif->mtu = 1500;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

uint32_t net_rx_malformed(void)
{
    return rx_malformed;
}

uint32_t net_address_changes(void)
{
    return address_changes;
}

/* Keeps the fast path's copy of our addresses (network order, as frames carry them). */
static void self_update(struct netif *nif)
{
    uint32_t ip = ip4_addr_get_u32(netif_ip4_addr(nif)); /* network order in memory */
    uint32_t mask = ip4_addr_get_u32(netif_ip4_netmask(nif));
    fastpath_self_set(&self, nif->hwaddr, (const uint8_t *)&ip, (const uint8_t *)&mask);
}

static void status_changed(struct netif *nif)
{
    address_changes++;
    self_update(nif);
    if (!ip4_addr_isany_val(*netif_ip4_addr(nif))) {
        is_probe_due = true;
        char ip[16], mask[16], gw[16];
        ip4addr_ntoa_r(netif_ip4_addr(nif), ip, sizeof(ip));
        ip4addr_ntoa_r(netif_ip4_netmask(nif), mask, sizeof(mask));
        ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof(gw));
        log_event(LOG_NOTICE, "net: address %s mask %s gw %s (%s)", ip, mask, gw,
                  dhcp_supplied_address(nif) ? "dhcp" : "static");
    }
}

static uint32_t prefix_to_mask(uint8_t prefix_len)
{
    return prefix_len == 0 ? 0u : 0xFFFFFFFFu << (32u - prefix_len);
}

static void set_static(void)
{
    ip4_addr_t ip, mask, gw;
    ip4_addr_set_u32(&ip, lwip_htonl(config.ip));
    ip4_addr_set_u32(&mask, lwip_htonl(prefix_to_mask(config.prefix_len)));
    ip4_addr_set_u32(&gw, lwip_htonl(config.gw));
    netif_set_addr(&netif, &ip, &mask, &gw);
}

static void apply_config(void)
{
    fallback = false;
    if (config.dhcp) {
        dhcp_started_ms = net_uptime_ms();
        dhcp_start(&netif);
    } else {
        dhcp_release_and_stop(&netif);
        set_static();
    }
}

/*
 * Follows the PHY. lwIP's netif_set_link_up() restarts DHCP (or re-checks
 * the lease) and announces the address with a gratuitous ARP; going down
 * stops using the link until it returns.
 */
static void poll_link(void)
{
    eth_link_poll(&link);
    if (link.up && link.has_bounced && netif_is_link_up(&netif)) {
        /* Down and up between two polls: tell lwIP both, so DHCP and ARP start over. */
        netif_set_link_down(&netif);
        log_event(LOG_WARNING, "net: link down (briefly)");
    }
    if (link.up == netif_is_link_up(&netif)) {
        return;
    }
    if (!link.up) {
        netif_set_link_down(&netif);
        log_event(LOG_WARNING, "net: link down");
        return;
    }
    netif_set_link_up(&netif);
    is_probe_due = true; /* another LAN, perhaps: is our address someone else's there? */
    if (link.speed_mbps != 0) {
        log_event(LOG_NOTICE, "net: link up, %u Mb/s %s duplex%s", (unsigned)link.speed_mbps,
                  link.full_duplex ? "full" : "half",
                  link.is_negotiated ? "" : " (not negotiated)");
    } else {
        log_event(LOG_NOTICE, "net: link up");
    }
}

int net_init(const uint8_t mac[6], const struct net_config *cfg)
{
    if (cfg->prefix_len > 32u) {
        return -EINVAL;
    }
    config = *cfg;
    net_rand_stir(timer_now());
    net_rand_stir(((uint64_t)mac[2] << 24) | ((uint64_t)mac[3] << 16) | ((uint64_t)mac[4] << 8) |
                  mac[5]);
    lwip_init();
    int err = eth_init(mac);
    if (err) {
        return err;
    }
    memcpy(netif.hwaddr, mac, 6);
    netif_add(&netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL, netif_setup,
              ethernet_input);
    netif_set_hostname(&netif, NET_HOSTNAME);
    netif_set_status_callback(&netif, status_changed);
    netif_set_default(&netif);
    netif_set_up(&netif);
    eth_link_poll(&link);
    if (link.phy_id != 0) {
        log_event(LOG_INFO, "net: PHY id 0x%08lx, link %s", (unsigned long)link.phy_id,
                  link.up ? "up" : "down (waiting for a cable)");
    } else {
        log_event(LOG_INFO, "net: no PHY identity (an emulator): link taken as up");
    }
    if (link.up) {
        netif_set_link_up(&netif);
    }
    apply_config();
    return 0;
}

int net_reconfigure(const struct net_config *cfg)
{
    if (cfg->prefix_len > 32u) {
        return -EINVAL;
    }
    config = *cfg;
    apply_config();
    return 0;
}

static uint32_t our_ip(void)
{
    return lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&netif)));
}

/* Defends the address and tells the operator, as often as addr_watch_claim() says. */
static void address_claimed(const uint8_t claimant[6], uint64_t now_ms)
{
    unsigned todo = addr_watch_claim(&watch, claimant, our_ip(), now_ms);
    if (todo & ADDR_WATCH_DEFEND) {
        etharp_gratuitous(&netif);
    }
    if (todo & ADDR_WATCH_LOG) {
        char ip[16];
        ip4addr_ntoa_r(netif_ip4_addr(&netif), ip, sizeof(ip));
        log_event(LOG_ERR,
                  "net: address conflict: %02x:%02x:%02x:%02x:%02x:%02x also uses %s "
                  "(%lu claims so far; this appliance keeps the address and announces it)",
                  claimant[0], claimant[1], claimant[2], claimant[3], claimant[4], claimant[5], ip,
                  (unsigned long)watch.claims);
    }
}

/* One ARP probe for a newly assigned address: a host that has it answers (addr_watch.h). */
static void probe_address(void)
{
    is_probe_due = false;
    if (!netif_is_link_up(&netif) || ip4_addr_isany_val(*netif_ip4_addr(&netif))) {
        return;
    }
    uint8_t frame[ADDR_WATCH_PROBE_LEN];
    addr_watch_probe(frame, netif.hwaddr, our_ip());
    (void)eth_send(frame, sizeof(frame));
}

/* Hands the MAC's transmit-complete events to the NTP glue (the driver keeps only a few). */
static void take_tx_done(void)
{
    struct eth_tx_done done;
    while (eth_tx_done_take(&done) == 0) {
        if (ntp_hooks != NULL && ntp_hooks->tx_done != NULL) {
            ntp_hooks->tx_done(&done);
        }
    }
}

void net_rx(void)
{
    take_tx_done();
    if (!eth_rx_pending()) {
        return;
    }
    uint64_t now_ms = uptime_ms; /* as of this pass's last reading: rate limits need no better */
    bool is_fast = NET_FASTPATH && ntp_hooks != NULL && ntp_hooks->fast_rx != NULL &&
                   !ip4_addr_isany_val(*netif_ip4_addr(&netif));
    struct eth_frame f;
    unsigned frames = 0;
    while (eth_rx_take(&f) == 0) {
        /*
         * A long burst's departures are taken on the way: the driver keeps
         * 16 (eth_ring.c), and a MAC that sends as fast as it is given
         * frames (the LAN9118) reports one for every reply.
         */
        if ((++frames & (NET_TX_DONE_EVERY - 1u)) == 0) {
            take_tx_done();
        }
        if (is_fast && ntp_hooks->fast_rx(&f, &self, now_ms) == 0) {
            eth_rx_release();
            continue;
        }
        /* What lwIP 2.1.3 would take although it is malformed (rx_check.h). */
        if (rx_check_frame(f.data, f.len) != 0) {
            rx_malformed++;
            eth_rx_release();
            continue;
        }
        /* Another host claiming our address: not for lwIP's ARP table (addr_watch.h). */
        uint8_t claimant[6];
        if (addr_watch_is_claim(f.data, f.len, netif.hwaddr, our_ip(), claimant)) {
            eth_rx_release();
            address_claimed(claimant, now_ms);
            continue;
        }
        struct pbuf *p = pbuf_alloc(PBUF_RAW, f.len, PBUF_POOL);
        if (p != NULL) {
            pbuf_take(p, f.data, f.len);
            rx_ticks = f.rx_ticks;
            eth_rx_release();
            if (netif.input(p, &netif) != ERR_OK) {
                pbuf_free(p);
            }
        } else {
            eth_rx_release();
        }
    }
    take_tx_done(); /* the replies' departures, once the burst is answered */
}

void net_poll(void)
{
    net_rx();
    sys_check_timeouts();
    if (is_probe_due) {
        probe_address();
    }

    eth_poll();
    uint64_t now = net_uptime_ms();
    if (now - last_link_check_ms >= NET_LINK_CHECK_MS) {
        last_link_check_ms = now;
        poll_link();
    }
    if (config.dhcp && !fallback && !dhcp_supplied_address(&netif) &&
        now - dhcp_started_ms >= NET_DHCP_FALLBACK_MS) {
        /* Keep asking DHCP; serve on the static address meanwhile. */
        fallback = true;
        if (config.ip != 0) {
            set_static();
            log_event(LOG_WARNING, "net: no DHCP lease after %u s, using the static address",
                      (unsigned)(NET_DHCP_FALLBACK_MS / 1000u));
        } else {
            log_event(LOG_WARNING,
                      "net: no DHCP lease after %u s and no static address "
                      "configured (net ip): still asking DHCP",
                      (unsigned)(NET_DHCP_FALLBACK_MS / 1000u));
        }
    }
}

/* lwIP's pool names, in its own order (the X-macro list that declares the pools). */
static const char *const pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};
_Static_assert(sizeof(pool_names) / sizeof(pool_names[0]) == MEMP_MAX, "one name per pool");
_Static_assert(MEMP_MAX + 1 <= NET_POOLS_MAX, "raise NET_POOLS_MAX");

static void pool_from(struct net_pool *p, const char *name, const struct stats_mem *m)
{
    p->name = name;
    p->used = m->used;
    p->size = m->avail;
    p->peak = m->max;
    p->refused = m->err;
}

size_t net_get_pools(struct net_pool *out, size_t max)
{
    size_t n = 0;
    if (n < max) {
        pool_from(&out[n], "heap", &lwip_stats.mem);
        out[n++].is_bytes = true;
    }
    for (size_t i = 0; i < MEMP_MAX && n < max; i++) {
        pool_from(&out[n], pool_names[i], lwip_stats.memp[i]);
        out[n++].is_bytes = false;
    }
    return n;
}

bool net_has_address(void)
{
    return !ip4_addr_isany_val(*netif_ip4_addr(&netif));
}

void net_get_status(struct net_status *st)
{
    memset(st, 0, sizeof(*st));
    st->link_up = netif_is_link_up(&netif);
    st->link_full_duplex = link.full_duplex;
    st->link_speed_mbps = link.speed_mbps;
    st->dhcp = config.dhcp;
    st->dhcp_bound = dhcp_supplied_address(&netif);
    st->fallback = fallback && !st->dhcp_bound;
    st->ip = lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&netif)));
    st->mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&netif)));
    st->gw = lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(&netif)));
    memcpy(st->mac, netif.hwaddr, 6);
    st->conflict_claims = watch.claims;
    st->conflict_defences = watch.defences;
    memcpy(st->conflict_mac, watch.mac, 6);
    st->conflict_ip = watch.ip;
    st->conflict_age_s = (uint32_t)((net_uptime_ms() - watch.seen_ms) / 1000u);
    struct dhcp *d = netif_dhcp_data(&netif);
    if (st->dhcp_bound && d != NULL) {
        st->lease_s = d->offered_t0_lease;
        /* lease_used counts coarse timer ticks (DHCP_COARSE_TIMER_SECS). */
        uint32_t used_s = (uint32_t)d->lease_used * DHCP_COARSE_TIMER_SECS;
        st->lease_left_s = used_s < st->lease_s ? st->lease_s - used_s : 0;
    }
}

void net_diag(const char *fmt, ...)
{
    (void)fmt; /* lwIP's debug output is compiled out (LWIP_DEBUG off) */
}

void net_assert(int line)
{
    log_event(LOG_ERR, "lwip assertion failed at line %d, called from 0x%08lx: resetting", line,
              (unsigned long)(uintptr_t)__builtin_return_address(0));
    wdt_system_reset();
}
