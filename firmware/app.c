/*
 * The console's backend (console/app.h) and the one place where settings
 * are pushed into the running modules: NTP engine, clock, network.
 *
 * appliance_apply() checks everything the modules could refuse before it
 * changes anything, so a refused setting leaves the appliance as it was.
 *
 * The symmetric keys live here too (appliance.keys, their own record in
 * the EEPROM: config/keys.h); the engine and the upstream client
 * (services.c) read them through the lookup hook, and the console sees
 * ids, types and lengths only. The log names a key by id and type, never
 * more.
 */
#include <errno.h>
#include <string.h>

#include "appliance.h"
#include "console/app.h"
#include "console/console.h"
#include "hal/board.h"
#include "hal/cpu.h"
#include "hal/eth.h"
#include "hal/i2c.h"
#include "hal/rtc.h"
#include "hal/sqw.h"
#include "hal/timer.h"
#include "hal/uart.h"
#include "hal/wdt.h"
#include "log.h"
#include "mac.h"
#include "net/net.h"
#include "rtctrim.h"
#include "net/ntp_udp.h"
#include "services.h"

_Static_assert((int)KEYS_TYPE_MD5 == (int)NTP_KEY_MD5 && (int)KEYS_TYPE_SHA1 == (int)NTP_KEY_SHA1 &&
                   (int)KEYS_TYPE_AES128 == (int)NTP_KEY_AES128_CMAC,
               "the key store's types are the engine's algorithms");
_Static_assert(KEYS_SECRET_MAX <= NTP_KEY_SECRET_MAX, "a secret must fit the engine's key");

int appliance_key_lookup(void *ctx, uint32_t key_id, struct ntp_key *key)
{
    const struct key *k = keys_find(ctx, key_id);
    if (k == NULL) {
        return -ENOENT;
    }
    key->key_id = k->id;
    key->algorithm = k->type;
    key->secret_len = k->secret_len;
    memset(key->secret, 0, sizeof(key->secret));
    memcpy(key->secret, k->secret, k->secret_len);
    return 0;
}

static void ntp_apply(struct ntp_server *srv, const struct settings *s)
{
    char refid[CONFIG_REFID_LEN + 1];
    memcpy(refid, s->refid, CONFIG_REFID_LEN);
    refid[CONFIG_REFID_LEN] = '\0';
    (void)ntp_server_set_stratum(srv, s->stratum);
    (void)ntp_server_set_refid(srv, refid);

    struct ratelimit_params rp = {
        .enabled = s->ratelimit_enabled,
        .interval_log2 = (int8_t)s->ratelimit_interval_log2,
        .burst = s->ratelimit_burst,
        .leak_log2 = s->ratelimit_leak_log2,
    };
    (void)ntp_server_set_ratelimit(srv, &rp);

    ntp_server_acl_clear(srv);
    for (unsigned i = 0; i < s->acl_count && i < CONFIG_ACL_MAX; i++) {
        const struct config_acl_entry *e = &s->acl[i];
        (void)ntp_server_acl_add(srv, e->addr, e->prefix,
                                 e->action == CONFIG_ACL_ALLOW ? ACL_ALLOW : ACL_DENY);
    }

    ntp_server_set_key_lookup(srv, appliance_key_lookup, &appliance.keys);
    ntp_server_auth_require_clear(srv);
    for (unsigned i = 0; i < s->auth_count && i < CONFIG_AUTH_MAX; i++) {
        (void)ntp_server_auth_require_add(srv, s->auth[i].addr, s->auth[i].prefix);
    }
}

void appliance_refresh_mgmt(void)
{
    struct appliance *a = &appliance;
    struct net_status ns;
    net_get_status(&ns);
    uint32_t net = ns.ip & ns.mask;
    ntp_server_mgmt_clear(&a->ntp);
    switch (a->settings.mgmt) {
    case CONFIG_MGMT_LOCAL:
        if (ns.ip != 0) {
            uint8_t prefix = 0;
            for (uint32_t m = ns.mask; m & 0x80000000u; m <<= 1) {
                prefix++;
            }
            (void)ntp_server_mgmt_add(&a->ntp, net, prefix);
        }
        break;
    case CONFIG_MGMT_SUBNET:
        (void)ntp_server_mgmt_add(&a->ntp, a->settings.mgmt_addr, a->settings.mgmt_prefix);
        break;
    default: break;
    }
    a->applied_local_net = net;
    a->applied_local_mask = ns.mask;
}

void appliance_clock_config(const struct settings *s, struct clock_config *cc)
{
    cc->tick_hz = timer_hz();
    cc->min_valid_unix_s = APPLIANCE_BUILD_UNIX_S;
    cc->rtc_drift_ppb = (uint32_t)s->rtc_drift_ppb;
    cc->trim_ppb = s->clock_trim_ppb;
    if (appliance.rtc_has_aging) {
        cc->trim_ppb = rtctrim_rest_ppb(s->clock_trim_ppb, rtctrim_aging_lsb(s->clock_trim_ppb));
    }
    cc->strict = s->strict_enabled;
    cc->strict_max_disp_us = s->strict_max_ms * 1000u;
}

static void net_config_from(const struct settings *s, struct net_config *nc)
{
    nc->dhcp = s->dhcp_enabled;
    nc->ip = s->ip_addr;
    nc->prefix_len = s->ip_prefix;
    nc->gw = s->gateway;
}

static const char *mac_from(const struct settings *s, uint8_t mac[6]);

void appliance_i2c_watch(void)
{
    struct appliance *a = &appliance;
    struct board_rtc_module m;
    struct i2c_stats bus;
    board_rtc_module_get(&m, &bus);
    if (bus.recoveries == a->i2c_recoveries_logged) {
        return;
    }
    a->i2c_recoveries_logged = bus.recoveries;
    log_event(LOG_WARNING, "i2c: bus recovered (%lu so far; SDA held low freed %lu, failed %lu)",
              (unsigned long)bus.recoveries, (unsigned long)bus.stuck_freed,
              (unsigned long)bus.stuck_failed);
}

static bool is_capture_wanted(const struct settings *s)
{
    switch (s->rtc_sqw) {
    case CONFIG_RTC_SQW_CAPTURE: return true;
    case CONFIG_RTC_SQW_POLL: return false;
    default: return board_sqw_capture_default();
    }
}

void appliance_apply_edges(void)
{
    struct appliance *a = &appliance;
    bool want = is_capture_wanted(&a->settings) && a->rtc != NULL;
    if (want == a->is_capture_on) {
        return;
    }
    if (!want) {
        sqw_capture_stop();
        (void)rtc_set_sqw_1hz(a->rtc, false);
        clock_set_edge_capture(&a->clock, false);
        a->is_capture_on = false;
        a->has_pending_edge = false;
        log_event(LOG_INFO, "rtc: edges polled (seconds register read around each edge)");
        return;
    }
    int err = sqw_capture_start();
    if (err != 0) {
        log_event(LOG_WARNING, "rtc: no capture input on this board: edges polled");
        return;
    }
    err = rtc_set_sqw_1hz(a->rtc, true);
    if (err != 0) {
        sqw_capture_stop();
        a->rtc_errors++;
        log_event(LOG_ERR, "rtc: square wave not turned on (%d): edges polled", err);
        return;
    }
    clock_set_edge_capture(&a->clock, true);
    a->is_capture_on = true;
    a->has_pending_edge = false;
    a->capture_on_tick = timer_now();
    a->was_capture_live = false;
    a->is_capture_missing_logged = false;
    log_event(LOG_INFO,
              "rtc: edges from the 1 Hz square wave on %s, numbered by the seconds "
              "register",
              sqw_capture_pin());
}

void appliance_apply_aging(void)
{
    struct appliance *a = &appliance;
    if (!a->rtc_has_aging || a->rtc == NULL) {
        return;
    }
    int8_t lsb = rtctrim_aging_lsb(a->settings.clock_trim_ppb);
    if (lsb == a->rtc_aging_lsb) {
        return;
    }
    int err = rtc_set_aging_offset(a->rtc, lsb);
    if (err == 0) {
        a->rtc_aging_lsb = lsb;
        log_event(LOG_INFO, "rtc: aging offset %d (clock trim %ld ppb)", lsb,
                  (long)a->settings.clock_trim_ppb);
    } else {
        a->rtc_errors++;
        log_event(LOG_ERR, "rtc: aging offset not written (%d)", err);
    }
}

static bool net_differs(const struct settings *a, const struct settings *b)
{
    return a->dhcp_enabled != b->dhcp_enabled || a->ip_addr != b->ip_addr ||
           a->ip_prefix != b->ip_prefix || a->gateway != b->gateway;
}

int appliance_apply(const struct settings *s, bool boot)
{
    struct appliance *a = &appliance;
    const char *why = NULL;
    if (config_validate(s, &why) != 0) {
        return -EINVAL;
    }
    struct clock_config cc;
    appliance_clock_config(s, &cc);
    if (!boot) {
        /* The only module that can still refuse: try it first. */
        int err = clock_update_config(&a->clock, timer_now(), &cc);
        if (err) {
            return err;
        }
    }
    bool net_changed = net_differs(&a->settings, s);
    if (!boot) {
        /* A new MAC takes effect at the next boot: say so while it differs. */
        uint8_t want[6];
        if (mac_from(s, want) == NULL) {
            memcpy(want, a->mac, sizeof(want)); /* one would be generated: keep this one */
        }
        a->reboot_needed = memcmp(want, a->mac, sizeof(want)) != 0;
    }
    if (!boot) {
        a->reboot_needed = a->reboot_needed || s->rtc_chip != a->booted_rtc_chip;
    }
    a->settings = *s;
    a->clock_cfg = cc;
    appliance_apply_aging();
    if (!boot) {
        appliance_apply_edges();
    }
    ntp_apply(&a->ntp, s);
    if (!boot) {
        if (net_changed) {
            struct net_config nc;
            net_config_from(s, &nc);
            (void)net_reconfigure(&nc);
        }
        appliance_refresh_mgmt();
    }
    return 0;
}

/* ------------------------------------------------------------- console/app.h -- */

void app_get_status(struct app_status *st)
{
    struct appliance *a = &appliance;
    memset(st, 0, sizeof(*st));
    uint64_t now = timer_now();
    struct clock_status cs;
    clock_get_status(&a->clock, now, &cs);
    st->now_ns = cs.now_ns;
    st->time_state = cs.state == CLOCK_STATE_SYNCED ? APP_TIME_SYNCED : APP_TIME_UNSET;
    st->last_set_unix_s = cs.last_set_unix_s;
    st->last_set_source = cs.last_set_source == CLOCK_SOURCE_OPERATOR ? CONFIG_TIME_SOURCE_OPERATOR
                          : cs.last_set_source == CLOCK_SOURCE_UPSTREAM
                              ? CONFIG_TIME_SOURCE_UPSTREAM
                              : CONFIG_TIME_SOURCE_NONE;
    st->root_dispersion_ns = (int64_t)cs.root_disp_us * 1000;
    st->freq_ppb = cs.freq_ppb;
    st->slew_left_ns = cs.slew_left_ns;
    st->leap = (enum app_leap)cs.leap;
    st->leap_at_unix_s = cs.leap_at_unix_s;

    struct board_rtc_module m;
    struct i2c_stats bus;
    board_rtc_module_get(&m, &bus);
    if (a->rtc != NULL) {
        struct rtc_status rs;
        st->rtc_addr = m.rtc_addr7;
        st->rtc_how = m.rtc_how;
        if (rtc_read_status(a->rtc, &rs) == 0) {
            st->rtc_chip = rs.chip_name;
            st->is_rtc_osc_stopped = rs.is_osf_set;
            st->is_rtc_halted = rs.is_halted;
            st->has_rtc_temp = rs.has_temp;
            st->rtc_temp_quarter_c = rs.temp_quarter_c;
        } else {
            st->rtc_chip = "not answering";
        }
    }
    if (a->is_capture_on) {
        st->rtc_edges = cs.is_capture_live ? "captured" : "polled, waiting for the square wave";
        st->rtc_edge_pin = sqw_capture_pin();
    } else {
        st->rtc_edges = a->rtc != NULL ? "polled" : NULL;
    }
    st->rtc_captured = cs.captured_edges;
    st->rtc_capture_rejected = cs.capture_rejected;
    st->has_rtc_aging = a->rtc_has_aging;
    st->rtc_aging_lsb = a->rtc_aging_lsb;
    st->rtc_trim_rest_ppb = a->clock_cfg.trim_ppb;
    st->rtc_errors = a->rtc_errors;
    st->eeprom_addr = m.eeprom_addr7;
    st->eeprom_how = m.eeprom_how;
    st->i2c_hz = bus.bus_hz;
    st->i2c_errors = bus.errors;
    st->i2c_recoveries = bus.recoveries;
    st->i2c_stuck_freed = bus.stuck_freed;
    st->i2c_stuck_failed = bus.stuck_failed;
    st->uptime_s = (uint32_t)(net_uptime_ms() / 1000u);
    st->reset_cause = wdt_reset_cause_name(wdt_reset_cause());
    st->stack_used = cpu_stack_high_water(&st->stack_size);
    st->irq_stack_used = cpu_handler_stack_high_water(&st->irq_stack_size);
    st->has_stack_guard = cpu_has_stack_guard();
    struct board_clock bc;
    board_get_clock(&bc);
    st->cpu_hz = bc.cpu_hz;
    st->cpu_nominal_hz = bc.nominal_hz;
    st->cpu_source = bc.source;

    struct net_status ns;
    net_get_status(&ns);
    memcpy(st->mac, a->mac, sizeof(st->mac));
    st->mac_how = a->mac_how;
    st->is_link_up = ns.link_up;
    st->is_link_full_duplex = ns.link_full_duplex;
    st->link_speed_mbps = ns.link_speed_mbps;
    st->is_dhcp = ns.dhcp_bound;
    st->net_addr = ns.ip;
    st->net_mask = ns.mask;
    st->net_gateway = ns.gw;
    st->dhcp_lease_s = ns.lease_s;
    st->dhcp_lease_left_s = ns.lease_left_s;
    st->conflict_claims = ns.conflict_claims;
    st->conflict_defences = ns.conflict_defences;
    memcpy(st->conflict_mac, ns.conflict_mac, sizeof(st->conflict_mac));
    st->conflict_addr = ns.conflict_ip;
    st->conflict_age_s = ns.conflict_age_s;

    struct ntp_counters c;
    ntp_server_get_counters(&a->ntp, &c);
    st->ntp.received = c.received;
    st->ntp.replied_mode2 = c.replied_mode2;
    st->ntp.replied_mode4 = c.replied_mode4;
    st->ntp.replied_xleave = c.replied_interleaved;
    for (unsigned v = 1; v <= 4; v++) {
        st->ntp.replied_v[v] = c.replied_version[v - 1];
    }
    st->ntp.drop_short = c.drop_short;
    st->ntp.drop_mode = c.drop_bad_mode;
    st->ntp.drop_version = c.drop_bad_version;
    st->ntp.drop_mssntp = c.drop_mssntp;
    st->ntp.drop_auth = c.drop_auth;
    st->ntp.drop_bad_mac = c.drop_bad_mac;
    st->ntp.drop_unauth = c.drop_unauth;
    st->ntp.replied_auth = c.replied_auth;
    st->ntp.drop_format = c.drop_bad_format;
    st->ntp.drop_acl = c.drop_acl;
    st->ntp.drop_ratelimit = c.drop_ratelimit;
    st->ntp.kod_sent = c.kod_sent;
    st->ntp.mode6_replied = c.ctl_answered + c.ctl_errors;
    st->ntp.fast_path = ntp_udp_fast_count();
    struct eth_stats es;
    eth_get_stats(&es);
    st->ntp.tx_done = es.tx_done;
    st->ntp.tx_done_lost = es.tx_done_lost;
    st->ntp.mode6_refused = c.ctl_refused + c.ctl_ratelimited;

    struct ratelimit_client top[APP_TOP_CLIENTS];
    size_t n = ntp_server_top_clients(&a->ntp, top, APP_TOP_CLIENTS);
    for (size_t i = 0; i < n; i++) {
        st->top_clients[i].addr = top[i].ip;
        st->top_clients[i].requests = top[i].requests;
    }
    st->top_client_count = (unsigned)n;
    st->store_status = a->store_state.status;
    st->key_count = a->keys.count;
    st->keys_status = a->keys_state.status;

    const struct upstream *up = services_upstream();
    st->upstream_requests = up->n_requests;
    st->upstream_accepted = up->n_replies;
    st->upstream_refused = up->n_rejected;
    st->upstream_unauthenticated = up->n_unauthenticated;
    st->upstream_lost = up->n_timeouts;
    st->upstream_key_missing = up->n_key_missing;
    st->upstream_last_refused =
        up->last_refused != UPSTREAM_REJECT_NONE ? upstream_reject_name(up->last_refused) : NULL;
}

void app_get_net_stats(struct app_net_stats *st)
{
    memset(st, 0, sizeof(*st));
    struct net_pool pools[NET_POOLS_MAX];
    size_t n = net_get_pools(pools, NET_POOLS_MAX);
    for (size_t i = 0; i < n && i < APP_POOLS_MAX; i++) {
        st->pools[i] = (struct app_pool){
            .name = pools[i].name,
            .is_bytes = pools[i].is_bytes,
            .used = pools[i].used,
            .size = pools[i].size,
            .peak = pools[i].peak,
            .refused = pools[i].refused,
        };
        st->pool_count++;
    }
    struct eth_stats es;
    eth_get_stats(&es);
    st->rx_frames = es.rx_frames;
    st->rx_ring_full = es.rx_ring_full;
    st->rx_errors = es.rx_errors;
    st->rx_malformed = net_rx_malformed();
    st->tx_frames = es.tx_frames;
    st->tx_errors = es.tx_errors;
    struct net_status ns;
    net_get_status(&ns);
    st->arp_claims = ns.conflict_claims;
    st->arp_defences = ns.conflict_defences;
}

void appliance_load_keys(void)
{
    struct appliance *a = &appliance;
    struct keys_load_report report;
    int err = keys_load(&a->keys_state, &a->store, &a->keys, &report);
    /* A damaged record, or one with entries left out: the next save rewrites it clean. */
    a->are_keys_changed = err == -EBADMSG || report.dropped > 0u;
    for (unsigned i = 0; i < report.dropped; i++) {
        log_event(LOG_ERR, "keys: entry %u (key id %lu) left out: %s", report.drop[i].index,
                  (unsigned long)report.drop[i].id, report.drop[i].why);
    }
    const char *text = keys_status_text(a->keys_state.status);
    if (err == 0) {
        log_event(report.dropped ? LOG_WARNING : LOG_INFO, "keys: %u loaded (record %s)",
                  a->keys.count, text);
    } else if (err == -ENODATA) {
        log_event(LOG_INFO, "keys: %s", text);
    } else {
        log_event(LOG_ERR, "keys: record %s; the settings are not affected: add the keys again",
                  text);
    }
}

unsigned app_get_keys(struct app_key_info out[KEYS_MAX])
{
    const struct keys *ks = &appliance.keys;
    unsigned n = 0;
    for (; n < ks->count && n < KEYS_MAX; n++) {
        out[n] = (struct app_key_info){ ks->key[n].id, ks->key[n].type, ks->key[n].secret_len };
    }
    return n;
}

int app_add_key(const struct key *k, bool *is_replaced)
{
    struct appliance *a = &appliance;
    bool is_old = false;
    int err = keys_add(&a->keys, k, &is_old);
    if (is_replaced != NULL) {
        *is_replaced = is_old;
    }
    if (err == 0) {
        a->are_keys_changed = true;
        log_event(LOG_NOTICE, "keys: key %lu (%s) %s", (unsigned long)k->id,
                  keys_type_name(k->type), is_old ? "replaced" : "added");
    }
    return err;
}

int app_remove_key(uint32_t id)
{
    struct appliance *a = &appliance;
    int err = keys_remove(&a->keys, id);
    if (err == 0) {
        a->are_keys_changed = true;
        log_event(LOG_NOTICE, "keys: key %lu removed", (unsigned long)id);
    }
    return err;
}

void app_get_settings(struct settings *s)
{
    *s = appliance.settings;
}

int app_apply_settings(const struct settings *s)
{
    return appliance_apply(s, false);
}

bool app_is_reboot_needed(void)
{
    return appliance.reboot_needed;
}

int app_save_settings(void)
{
    struct appliance *a = &appliance;
    int err = config_save(&a->store_state, &a->settings);
    if (err == 0) {
        a->stored = a->settings;
        a->can_persist = true;
        log_event(LOG_NOTICE, "config: settings saved");
    } else {
        log_event(LOG_ERR, "config: save failed (%d)", err);
        appliance_i2c_watch();
        return err;
    }
    if (!a->are_keys_changed) {
        return 0;
    }
    err = keys_save(&a->keys_state, &a->keys);
    if (err == 0 || err == -ENOTEMPTY) {
        a->are_keys_changed = false;
    }
    if (err == 0) {
        log_event(LOG_NOTICE, "keys: %u saved", a->keys.count);
    } else if (err == -ENOTEMPTY) {
        log_event(LOG_ERR, "keys: %u saved, but their previous record could not be erased",
                  a->keys.count);
    } else {
        log_event(LOG_ERR, "keys: save failed (%d)", err);
        appliance_i2c_watch();
    }
    return err;
}

int app_factory_reset(void)
{
    struct appliance *a = &appliance;
    struct settings d;
    config_defaults(&d);
    if (a->settings.mac_source == CONFIG_MAC_GENERATED) {
        /* The board's own address outlives a factory reset (DHCP reservations, ARP caches). */
        memcpy(d.mac, a->settings.mac, sizeof(d.mac));
        d.mac_source = CONFIG_MAC_GENERATED;
    }
    int err = appliance_apply(&d, false);
    if (err) {
        return err;
    }
    unsigned had_keys = a->keys.count;
    keys_clear(&a->keys);
    int keys_err = keys_erase(&a->keys_state);
    a->are_keys_changed = keys_err != 0; /* a save tries again */
    err = config_erase(&a->store_state);
    if (err == 0 && d.mac_source == CONFIG_MAC_GENERATED) {
        err = config_save(&a->store_state, &d);
    }
    if (err == 0) {
        a->stored = d;
        a->can_persist = true;
    }
    log_event(LOG_WARNING, "config: factory reset%s; %u keys removed%s",
              err ? " (erase failed)" : "", had_keys, keys_err ? " (their record not erased)" : "");
    return err != 0 ? err : keys_err;
}

/* splitmix64's finaliser: spreads every input bit over the output. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/*
 * What differs between two boards that lack a factory address: the RTC's
 * time, and where its second edge falls against the MCU's counter (two
 * free-running crystals). Waits for one edge, at most 1.1 s, once in the
 * life of such a board.
 */
static uint64_t board_entropy(void)
{
    struct appliance *a = &appliance;
    uint64_t h = mix64(timer_now());
    int64_t first = 0, now_s = 0;
    if (a->rtc != NULL && rtc_read_time(a->rtc, &first) == 0) {
        uint64_t deadline = timer_now() + (uint64_t)timer_hz() * 11u / 10u;
        while (timer_now() < deadline && rtc_read_time(a->rtc, &now_s) == 0 && now_s == first) {
        }
        h = mix64(h ^ (uint64_t)now_s);
    }
    return mix64(h ^ timer_now() ^ (uint64_t)net_rand());
}

/*
 * The address settings s give at boot without generating one. Returns how
 * it was chosen, or NULL when a new one must be generated.
 */
static const char *mac_from(const struct settings *s, uint8_t mac[6])
{
    uint8_t factory[6];
    bool has_factory = board_get_factory_mac(factory) == 0;
    switch (mac_choose(s, has_factory ? factory : NULL, mac)) {
    case MAC_FROM_OPERATOR: return "set with 'net mac'";
    case MAC_FROM_FACTORY: return "factory";
    case MAC_FROM_GENERATED: return "generated for this board: the chip has no factory address";
    default: return NULL;
    }
}

const char *appliance_choose_mac(uint8_t mac[6])
{
    struct appliance *a = &appliance;
    const char *how = mac_from(&a->settings, mac);
    if (how != NULL) {
        return how;
    }
    mac_generate(board_entropy(), mac);
    memcpy(a->settings.mac, mac, 6);
    a->settings.mac_source = CONFIG_MAC_GENERATED;
    if (!a->can_persist) {
        return "generated now: the chip has no factory address, and it could not be stored";
    }
    memcpy(a->stored.mac, mac, 6);
    a->stored.mac_source = CONFIG_MAC_GENERATED;
    if (config_save(&a->store_state, &a->stored) != 0) {
        return "generated now: the chip has no factory address, and storing it failed";
    }
    return "generated now and stored: the chip has no factory address";
}

void appliance_remember_set(enum config_time_source src, int64_t unix_s)
{
    struct appliance *a = &appliance;
    a->settings.last_set_unix_s = unix_s;
    a->settings.last_set_source = (uint8_t)src;
    if (!a->can_persist) {
        return; /* no EEPROM, or a damaged record kept for inspection */
    }
    a->stored.last_set_unix_s = unix_s;
    a->stored.last_set_source = (uint8_t)src;
    int err = config_save(&a->store_state, &a->stored);
    if (err) {
        log_event(LOG_ERR, "config: could not store the time of the set (%d)", err);
    }
}

int app_set_time(int64_t utc_ns)
{
    struct appliance *a = &appliance;
    if (utc_ns < CONFIG_UNIX_S_2000 * 1000000000LL || utc_ns >= CONFIG_UNIX_S_2100 * 1000000000LL) {
        return -EINVAL;
    }
    int err = clock_set_time(&a->clock, timer_now(), utc_ns, CLOCK_SOURCE_OPERATOR);
    if (err == 0) {
        appliance_remember_set(CONFIG_TIME_SOURCE_OPERATOR, utc_ns / 1000000000LL);
    }
    return err;
}

int app_adjust_time(int64_t offset_ns)
{
    struct appliance *a = &appliance;
    uint64_t now = timer_now();
    int err = clock_adjust_time(&a->clock, now, offset_ns, CLOCK_SOURCE_OPERATOR);
    if (err == 0) {
        appliance_remember_set(CONFIG_TIME_SOURCE_OPERATOR,
                               clock_ticks_to_ns(&a->clock, now) / 1000000000LL);
    }
    return err;
}

int app_set_leap(enum app_leap leap, int64_t at_unix_s)
{
    return clock_schedule_leap(&appliance.clock, timer_now(), (enum clock_leap)leap, at_unix_s);
}

void app_request_reboot(void)
{
    appliance.reboot_requested = true;
}

void app_watchdog_selftest(void)
{
    appliance.hang_requested = true;
}

void app_stack_selftest(void)
{
    appliance.overflow_requested = true;
}
