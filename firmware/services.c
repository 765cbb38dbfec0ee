/*
 * Syslog and upstream NTP on lwIP's raw UDP API.
 *
 * Syslog: every event the log module records is also sent, formatted per
 * RFC 5424, to the configured collector (UDP 514), with the time stamp
 * left out ("-") while the time is not trusted. Events from before the
 * network was up (boot, reset cause, the state of the stored settings) are
 * summed up in one message once the collector can be reached. The rate
 * limiter's activity is watched here too: "started" when clients are being
 * limited, "stopped" after a quiet minute.
 *
 * Upstream: the hardware-free client in ntp/upstream.c decides when to
 * send and what a round of replies means; here its requests go out from an
 * ephemeral port, replies come back with their receive-interrupt stamp, and
 * its decision becomes a clock set, step or slew (written to the RTC by
 * the clock module), or a refusal in the log. With `upstream ADDR key N`
 * it signs and verifies with key N of the key store (appliance.keys,
 * through appliance_key_lookup()); it is restarted when the server, the
 * key id or whether that key is held changes, so that adding a missing
 * key takes effect at once. A reply refused for its MAC is logged once
 * per request: a forger cannot fill the log faster than we ask.
 */
#include <errno.h>
#include <string.h>

#include "appliance.h"
#include "hal/board.h"
#include "hal/timer.h"
#include "hal/wdt.h"
#include "log.h"
#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "net/net.h"
#include "net/syslog.h"
#include "ntp/upstream.h"
#include "services.h"

static struct udp_pcb *syslog_pcb;
static struct udp_pcb *upstream_pcb;
static struct upstream upstream;
static struct upstream_config upstream_cfg;
static uint32_t upstream_applied;     /* address the client runs with, 0 = off */
static uint32_t upstream_applied_key; /* key id it runs with, 0 = none */
static bool upstream_key_held;        /* ... and whether the store held it then */
static uint32_t auth_refusal_logged;  /* the request whose MAC refusal is in the log */
static bool in_syslog;
static bool boot_reported;
static bool limiting;
static uint32_t limited_seen; /* drops + kisses for the rate limit, last look */
static uint64_t limit_checked_ms, limit_quiet_since_ms;

#define RATELIMIT_CHECK_MS 5000u
#define RATELIMIT_QUIET_MS 60000u

static void send_udp(struct udp_pcb *pcb, uint32_t addr, uint16_t port, const void *buf, size_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (p == NULL) {
        return;
    }
    pbuf_take(p, buf, (u16_t)len);
    ip_addr_t dst;
    ip_addr_set_ip4_u32(&dst, lwip_htonl(addr));
    udp_sendto(pcb, p, &dst, port);
    pbuf_free(p);
}

static void syslog_sink(enum log_severity sev, const char *msg)
{
    uint32_t addr = appliance.settings.syslog_addr;
    if (addr == 0 || syslog_pcb == NULL || !net_has_address() || in_syslog) {
        return;
    }
    in_syslog = true; /* lwIP could log while sending: no recursion */
    struct net_status ns;
    net_get_status(&ns);
    char host[16];
    uint8_t ip[4] = { (uint8_t)(ns.ip >> 24), (uint8_t)(ns.ip >> 16), (uint8_t)(ns.ip >> 8),
                      (uint8_t)ns.ip };
    syslog_format_ipv4(host, sizeof(host), ip);
    struct syslog_origin origin = { .facility = SYSLOG_FACILITY_DAEMON, .hostname = host };
    int64_t t = appliance.ntp_info.synced ? clock_ticks_to_ns(&appliance.clock, timer_now())
                                          : SYSLOG_TIME_UNKNOWN;
    char buf[SYSLOG_MSG_LEN_MAX];
    int n = syslog_format(buf, sizeof(buf), &origin, (enum syslog_severity)sev, NULL, t, msg);
    if (n > 0) {
        send_udp(syslog_pcb, addr, SYSLOG_UDP_PORT, buf, (size_t)n);
    }
    in_syslog = false;
}

static void upstream_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                          u16_t port)
{
    (void)arg;
    (void)pcb;
    int64_t rx_ns = clock_ticks_to_ns(&appliance.clock, net_rx_ticks());
    uint8_t buf[UPSTREAM_PACKET_MAX];
    size_t len = pbuf_copy_partial(p, buf, sizeof(buf), 0);
    if (p->tot_len > sizeof(buf)) {
        len = 0; /* longer than a signed reply: not one of ours */
    }
    pbuf_free(p);
    if (len == 0) {
        return;
    }
    int err = upstream_handle_reply(&upstream, buf, len, ip4_addr_get_u32(ip_2_ip4(addr)), port,
                                    rx_ns, (uint32_t)net_uptime_ms());
    if (err == -EACCES && auth_refusal_logged == upstream.n_requests) {
        return; /* this request's first one is in the log already */
    }
    if (err == -EACCES) {
        auth_refusal_logged = upstream.n_requests;
    }
    if (err == -EPROTO || err == -EACCES) {
        log_event(LOG_WARNING, "upstream: reply refused (%s)",
                  upstream_reject_name(upstream_last_reject(&upstream)));
    }
}

static void upstream_apply_result(void)
{
    struct appliance *a = &appliance;
    struct upstream_result r;
    if (upstream_take_result(&upstream, a->ntp_info.synced, &r) != 0) {
        return;
    }
    uint64_t now = timer_now();
    int64_t off_ms = r.offset_ns / 1000000;
    int err = 0;
    switch (r.action) {
    case UPSTREAM_ACTION_SET:
    case UPSTREAM_ACTION_STEP:
        err = clock_set_time(&a->clock, now, clock_ticks_to_ns(&a->clock, now) + r.offset_ns,
                             CLOCK_SOURCE_UPSTREAM);
        break;
    case UPSTREAM_ACTION_SLEW:
        err = clock_adjust_time(&a->clock, now, r.offset_ns, CLOCK_SOURCE_UPSTREAM);
        break;
    case UPSTREAM_ACTION_REFUSE:
        log_event(LOG_ERR, "upstream: offset %ld ms is beyond the jump limit: time not changed",
                  (long)off_ms);
        return;
    default:
        if (r.status == -ENOENT || r.status == -EINVAL) {
            log_event(LOG_ERR, "upstream: key %lu %s: round refused, nothing sent",
                      (unsigned long)upstream_cfg.key_id,
                      r.status == -ENOENT ? "is not in the key store" : "cannot sign");
        } else {
            log_event(LOG_WARNING,
                      "upstream: no usable result (%d, %u of %u replies agree, %u unauthenticated)",
                      r.status, r.n_agreeing, r.n_sent, r.n_unauthenticated);
        }
        return;
    }
    if (err == 0) {
        appliance_remember_set(CONFIG_TIME_SOURCE_UPSTREAM,
                               clock_ticks_to_ns(&a->clock, timer_now()) / 1000000000LL);
    }
    log_event(err ? LOG_ERR : LOG_NOTICE, "upstream: %s by %ld ms (stratum %u, delay %ld us)%s",
              upstream_action_name(r.action), (long)off_ms, r.stratum, (long)(r.delay_ns / 1000),
              err ? ": refused by the clock" : "");
}

static void upstream_follow_settings(void)
{
    const struct settings *s = &appliance.settings;
    uint32_t want = s->upstream_addr;
    uint32_t key_id = want != 0u ? s->upstream_key_id : 0u;
    bool is_held = key_id != 0u && keys_find(&appliance.keys, key_id) != NULL;
    if (want == upstream_applied && key_id == upstream_applied_key &&
        is_held == upstream_key_held) {
        return;
    }
    upstream_default_config(&upstream_cfg);
    upstream_cfg.is_enabled = want != 0;
    upstream_cfg.server_addr = lwip_htonl(want);
    upstream_cfg.key_id = key_id;
    upstream_cfg.key_lookup = appliance_key_lookup;
    upstream_cfg.key_ctx = &appliance.keys;
    upstream_init(&upstream, &upstream_cfg, (uint32_t)net_uptime_ms());
    upstream_applied = want;
    upstream_applied_key = key_id;
    upstream_key_held = is_held;
    auth_refusal_logged = 0;
}

/* Once the collector is reachable: what happened before the network was up. */
static void report_boot(void)
{
    if (boot_reported || appliance.settings.syslog_addr == 0 || !net_has_address()) {
        return;
    }
    boot_reported = true;
    log_event(LOG_NOTICE, "boot: ntp-appliance on %s, reset cause: %s, settings: %s", board_name(),
              wdt_reset_cause_name(wdt_reset_cause()),
              config_status_text(appliance.store_state.status));
}

/* Logs when the rate limiter starts and stops turning clients away. */
static void watch_ratelimit(void)
{
    uint64_t now = net_uptime_ms();
    if (now - limit_checked_ms < RATELIMIT_CHECK_MS) {
        return;
    }
    limit_checked_ms = now;
    struct ntp_counters c;
    ntp_server_get_counters(&appliance.ntp, &c);
    uint32_t limited = c.drop_ratelimit + c.kod_sent;
    if (limited != limited_seen) {
        if (!limiting) {
            struct ratelimit_client top;
            char who[16] = "?";
            if (ntp_server_top_clients(&appliance.ntp, &top, 1) == 1) {
                ip4_addr_t ip;
                ip4_addr_set_u32(&ip, lwip_htonl(top.ip));
                ip4addr_ntoa_r(&ip, who, sizeof(who));
            }
            log_event(LOG_WARNING, "ntp: rate limiting started (busiest client %s)", who);
            limiting = true;
        }
        limited_seen = limited;
        limit_quiet_since_ms = now;
    } else if (limiting && now - limit_quiet_since_ms >= RATELIMIT_QUIET_MS) {
        log_event(LOG_NOTICE, "ntp: rate limiting stopped");
        limiting = false;
    }
}

void services_init(void)
{
    syslog_pcb = udp_new();
    upstream_pcb = udp_new();
    if (upstream_pcb != NULL && udp_bind(upstream_pcb, IP4_ADDR_ANY, 0) == ERR_OK) {
        udp_recv(upstream_pcb, upstream_recv, NULL);
    }
    upstream_default_config(&upstream_cfg);
    upstream_init(&upstream, &upstream_cfg, (uint32_t)net_uptime_ms());
    log_set_event_sink(syslog_sink);
}

void services_poll(void)
{
    report_boot();
    watch_ratelimit();
    upstream_follow_settings();
    if (upstream_applied == 0 || !net_has_address() || upstream_pcb == NULL) {
        return;
    }
    uint8_t pkt[UPSTREAM_PACKET_MAX];
    size_t len = 0;
    uint64_t rnd = ((uint64_t)net_rand() << 32) | (uint32_t)net_rand();
    uint64_t now = timer_now();
    if (upstream_poll(&upstream, (uint32_t)net_uptime_ms(),
                      clock_ticks_to_ns(&appliance.clock, now), rnd, pkt, sizeof(pkt), &len) == 0) {
        (void)upstream_note_transmit_time(&upstream,
                                          clock_ticks_to_ns(&appliance.clock, timer_now()));
        send_udp(upstream_pcb, upstream_applied, UPSTREAM_NTP_PORT, pkt, len);
    }
    upstream_apply_result();
}

const struct upstream *services_upstream(void)
{
    return &upstream;
}
