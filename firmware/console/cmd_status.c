/*
 * The console's reports: status (time, RTC, system, network, NTP counters,
 * settings store) and config show (every setting, as the commands that
 * set it, so that its output can be pasted back). Both are long, so they
 * are printed a line per step as the UART drains (console_start_report).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "config/config.h"
#include "config/keys.h"
#include "console/app.h"
#include "console/commands.h"
#include "console/console.h"
#include "console/text.h"

#define S_PER_DAY 86400LL

static const char *source_name(enum config_time_source src)
{
    switch (src) {
    case CONFIG_TIME_SOURCE_OPERATOR: return "operator";
    case CONFIG_TIME_SOURCE_UPSTREAM: return "upstream";
    default: return "nobody";
    }
}

/*
 * Both reports print from the snapshot their command read into the
 * commands' shared buffers (commands_read_status/_settings): nothing else
 * runs on the console until a report has ended, so it stays as read.
 */
static const struct app_status *st;
static const struct settings *cfg;

/* The keys held (ids and types: the console never sees a secret). */
static const struct app_key_info *keys;
static unsigned key_count;

/* Returns the type name of key id if it is held, else NULL. */
static const char *held_key_type(uint32_t id)
{
    for (unsigned i = 0; i < key_count; i++) {
        if (keys[i].id == id) {
            return keys_type_name(keys[i].type);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------- status -- */

static void line_time(void)
{
    char a[TEXT_TIME_SIZE];
    console_printf("time: %s\n", text_fmt_time_ms(a, st->now_ns));
}

static void line_state(void)
{
    console_printf("state: %s\n", st->time_state == APP_TIME_SYNCED ? "SYNCED" : "UNSET");
}

static void line_last_set(void)
{
    char a[TEXT_TIME_SIZE], b[TEXT_TIME_SIZE];
    if (st->last_set_source == CONFIG_TIME_SOURCE_NONE || st->last_set_unix_s == 0) {
        console_puts("last set: never\n");
    } else {
        int64_t age_s = text_unix_s(st->now_ns) - st->last_set_unix_s;
        uint64_t age_mag = age_s < 0 ? 0u - (uint64_t)age_s : (uint64_t)age_s;
        console_printf("last set: %s by %s, %s%s\n", text_fmt_time_s(a, st->last_set_unix_s),
                       source_name(st->last_set_source), text_fmt_duration(b, age_mag),
                       age_s >= 0 ? " ago" : " in the future");
    }
}

static void line_dispersion(void)
{
    char a[TEXT_TIME_SIZE];
    console_printf("root dispersion: %s ms\n",
                   text_fmt_fixed(a, st->root_dispersion_ns, 6, 3, false));
}

static void line_frequency(void)
{
    console_printf("frequency: %ld ppb\n", (long)st->freq_ppb);
}

static void line_adjusting(void)
{
    char a[TEXT_TIME_SIZE];
    if (st->slew_left_ns != 0) {
        console_printf("adjusting: %s s left\n", text_fmt_fixed(a, st->slew_left_ns, 9, 9, true));
    }
}

static void line_leap(void)
{
    char a[TEXT_TIME_SIZE];
    if (st->leap == APP_LEAP_NONE) {
        console_puts("leap second: none pending\n");
    } else {
        console_printf("leap second: %s at the end of %s\n",
                       st->leap == APP_LEAP_INSERT ? "insert" : "delete",
                       text_fmt_date(a, st->leap_at_unix_s - S_PER_DAY));
    }
}

/* Writes a temperature in 0.25 C as "-10.25". Returns buf (TEXT_FIXED_SIZE bytes). */
static char *fmt_quarter_c(char *buf, int16_t q)
{
    return text_fmt_fixed(buf, (int64_t)q * 25, 2, 2, false);
}

static void line_rtc(void)
{
    if (st->rtc_chip == NULL) {
        console_puts("rtc: none found\n");
    } else {
        console_printf("rtc: %s", st->rtc_chip);
        if (st->rtc_addr != 0) {
            console_printf(" at 0x%02x", st->rtc_addr);
        }
        if (st->rtc_how != NULL) {
            console_printf(" (%s)", st->rtc_how);
        }
        if (!st->is_rtc_osc_stopped && !st->is_rtc_halted) {
            console_puts(", running");
        }
        if (st->is_rtc_osc_stopped) {
            console_puts(", OSCILLATOR STOPPED (time lost)");
        }
        if (st->is_rtc_halted) {
            console_puts(", HALTED (not counting)");
        }
        console_printf(", %lu I/O errors\n", (unsigned long)st->rtc_errors);
    }
}

static void line_rtc_edges(void)
{
    if (st->rtc_edges != NULL) {
        console_printf("rtc edges: %s", st->rtc_edges);
        if (st->rtc_edge_pin != NULL) {
            console_printf(" on %s: %lu taken, %lu rejected", st->rtc_edge_pin,
                           (unsigned long)st->rtc_captured,
                           (unsigned long)st->rtc_capture_rejected);
        }
        console_puts("\n");
    }
}

static void line_rtc_temperature(void)
{
    char a[TEXT_FIXED_SIZE];
    if (st->has_rtc_temp) {
        console_printf("rtc temperature: %s C\n", fmt_quarter_c(a, st->rtc_temp_quarter_c));
    }
}

static void line_rtc_aging(void)
{
    char b[TEXT_FIXED_SIZE];
    if (st->has_rtc_aging) {
        /* A negative offset speeds the oscillator up: the RTC gains. */
        console_printf("rtc aging offset: %d (%s ppm), trim left to the served time: %ld ppb\n",
                       st->rtc_aging_lsb,
                       text_fmt_fixed(b, -(int64_t)st->rtc_aging_lsb * 100, 3, 1, true),
                       (long)st->rtc_trim_rest_ppb);
    }
}

static void line_eeprom(void)
{
    if (st->eeprom_addr != 0) {
        console_printf("eeprom: AT24C32 at 0x%02x (%s)\n", st->eeprom_addr,
                       st->eeprom_how != NULL ? st->eeprom_how : "?");
    } else if (st->i2c_hz != 0) {
        console_puts("eeprom: none found at 0x50..0x57\n");
    }
}

static void line_i2c(void)
{
    if (st->i2c_hz != 0) {
        console_printf("i2c: %lu kHz, %lu errors, %lu recoveries",
                       (unsigned long)(st->i2c_hz / 1000u), (unsigned long)st->i2c_errors,
                       (unsigned long)st->i2c_recoveries);
        if (st->i2c_stuck_freed != 0 || st->i2c_stuck_failed != 0) {
            console_printf(" (SDA held low: freed %lu, still stuck %lu)",
                           (unsigned long)st->i2c_stuck_freed, (unsigned long)st->i2c_stuck_failed);
        }
        console_puts("\n");
    }
}

static void line_uptime(void)
{
    char a[TEXT_TIME_SIZE];
    console_printf("uptime: %s\n", text_fmt_duration(a, st->uptime_s));
}

static void line_reset_cause(void)
{
    console_printf("reset cause: %s\n", st->reset_cause != NULL ? st->reset_cause : "unknown");
}

static void line_cpu(void)
{
    if (st->cpu_hz != 0) {
        console_printf("cpu: %lu Hz, %s%s\n", (unsigned long)st->cpu_hz,
                       st->cpu_source != NULL ? st->cpu_source : "",
                       st->cpu_hz < st->cpu_nominal_hz ? " (running below nominal)" : "");
    }
}

static void line_stack(void)
{
    if (st->stack_size != 0) {
        console_printf("stack: %lu of %lu bytes used at most, interrupts %lu of %lu%s\n",
                       (unsigned long)st->stack_used, (unsigned long)st->stack_size,
                       (unsigned long)st->irq_stack_used, (unsigned long)st->irq_stack_size,
                       st->has_stack_guard ? ", guarded" : ", not guarded");
    }
}

/* Under the net line, once another host has claimed our address (net/addr_watch.h). */
static void line_conflict(void)
{
    if (st->conflict_claims == 0u) {
        return;
    }
    char mac[TEXT_MAC_SIZE], ip[TEXT_IP_SIZE];
    console_printf("net: ADDRESS CONFLICT: %s also uses %s, last seen %lu s ago (%lu ARP claims, "
                   "%lu announcements in defence)\n",
                   text_fmt_mac(mac, st->conflict_mac), text_fmt_ip(ip, st->conflict_addr),
                   (unsigned long)st->conflict_age_s, (unsigned long)st->conflict_claims,
                   (unsigned long)st->conflict_defences);
}

static void line_net(void)
{
    char a[TEXT_IP_SIZE], m[TEXT_IP_SIZE], g[TEXT_IP_SIZE];
    char link[32] = "down";
    if (st->is_link_up && st->link_speed_mbps != 0) {
        snprintf(link, sizeof(link), "up, %u Mb/s %s duplex", (unsigned)st->link_speed_mbps,
                 st->is_link_full_duplex ? "full" : "half");
    } else if (st->is_link_up) {
        snprintf(link, sizeof(link), "up");
    }
    if (st->net_addr == 0u) {
        console_printf("net: no address yet, %s, link %s\n", st->is_dhcp ? "DHCP" : "static", link);
    } else {
        console_printf("net: %s mask %s gw %s, link %s\n", text_fmt_ip(a, st->net_addr),
                       text_fmt_ip(m, st->net_mask),
                       st->net_gateway != 0u ? text_fmt_ip(g, st->net_gateway) : "none", link);
    }
    line_conflict();
}

static void line_mac(void)
{
    if (st->mac_how != NULL) {
        char mac[TEXT_MAC_SIZE];
        console_printf("mac: %s (%s)\n", text_fmt_mac(mac, st->mac), st->mac_how);
    }
}

static void line_dhcp(void)
{
    if (st->is_dhcp) {
        console_printf("dhcp: lease %lu s, %lu s left\n", (unsigned long)st->dhcp_lease_s,
                       (unsigned long)st->dhcp_lease_left_s);
    } else {
        console_puts("dhcp: off (static address)\n");
    }
}

/* The server, its key (or that it is missing) and what the client has seen since configured. */
static void line_upstream(void)
{
    char a[TEXT_IP_SIZE];
    if (cfg->upstream_addr == 0u) {
        console_puts("upstream: off\n");
        return;
    }
    console_printf("upstream: %s", text_fmt_ip(a, cfg->upstream_addr));
    if (cfg->upstream_key_id != 0u) {
        const char *type = held_key_type(cfg->upstream_key_id);
        console_printf(" key %lu (%s)", (unsigned long)cfg->upstream_key_id,
                       type != NULL ? type : "MISSING from the key store: not asked");
    }
    console_printf("; requests %lu, accepted %lu, refused %lu",
                   (unsigned long)st->upstream_requests, (unsigned long)st->upstream_accepted,
                   (unsigned long)st->upstream_refused);
    if (st->upstream_refused != 0u && st->upstream_last_refused != NULL) {
        console_printf(" (unauthenticated %lu, last: %s)",
                       (unsigned long)st->upstream_unauthenticated, st->upstream_last_refused);
    }
    console_printf(", lost %lu", (unsigned long)st->upstream_lost);
    if (st->upstream_key_missing != 0u) {
        console_printf(", rounds refused for the key %lu", (unsigned long)st->upstream_key_missing);
    }
    console_puts("\n");
}

static void line_ntp_replies(void)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp: received %lu, replied %lu (mode 4: %lu, mode 2: %lu, interleaved %lu), "
                   "KoD %lu\n",
                   (unsigned long)n->received, (unsigned long)(n->replied_mode4 + n->replied_mode2),
                   (unsigned long)n->replied_mode4, (unsigned long)n->replied_mode2,
                   (unsigned long)n->replied_xleave, (unsigned long)n->kod_sent);
}

static void line_ntp_versions(void)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp replies by version: v1 %lu, v2 %lu, v3 %lu, v4 %lu\n",
                   (unsigned long)n->replied_v[1], (unsigned long)n->replied_v[2],
                   (unsigned long)n->replied_v[3], (unsigned long)n->replied_v[4]);
}

static void line_ntp_drops(void)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp drops: short %lu, mode %lu, version %lu, ms-sntp %lu, auth %lu\n",
                   (unsigned long)n->drop_short, (unsigned long)n->drop_mode,
                   (unsigned long)n->drop_version, (unsigned long)n->drop_mssntp,
                   (unsigned long)n->drop_auth);
}

static void line_ntp_policy_drops(void)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp drops: format %lu, acl %lu, ratelimit %lu\n", (unsigned long)n->drop_format,
                   (unsigned long)n->drop_acl, (unsigned long)n->drop_ratelimit);
}

static void line_ntp_auth(void)
{
    const struct app_ntp_counters *n = &st->ntp;
    const char *policy = cfg->auth_count == 0u                                ? "optional"
                         : cfg->auth_count == 1u && cfg->auth[0].prefix == 0u ? "required"
                                                                              : "required in part";
    console_printf("ntp auth: %u keys, %s; signed replies %lu, bad MAC %lu, unknown key %lu, "
                   "unauthenticated %lu\n",
                   st->key_count, policy, (unsigned long)n->replied_auth,
                   (unsigned long)n->drop_bad_mac, (unsigned long)n->drop_auth,
                   (unsigned long)n->drop_unauth);
}

static void line_ntp_mode6(void)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp mode 6: replied %lu, refused %lu\n", (unsigned long)n->mode6_replied,
                   (unsigned long)n->mode6_refused);
}

static void line_ntp_frames(void)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp frames: fast path %lu, transmit-complete stamps %lu (lost %lu)\n",
                   (unsigned long)n->fast_path, (unsigned long)n->tx_done,
                   (unsigned long)n->tx_done_lost);
}

static void line_top_clients(void)
{
    /* at most 12 + 5 * 29 characters: one step */
    console_puts("top clients:");
    unsigned count =
        st->top_client_count < APP_TOP_CLIENTS ? st->top_client_count : APP_TOP_CLIENTS;
    if (count == 0u) {
        console_puts(" none");
    }
    for (unsigned i = 0; i < count; i++) {
        char a[TEXT_IP_SIZE];
        console_printf(" %s (%lu)", text_fmt_ip(a, st->top_clients[i].addr),
                       (unsigned long)st->top_clients[i].requests);
    }
    console_puts("\n");
}

static void line_settings(void)
{
    console_printf("settings: %s%s\n", config_status_text(st->store_status),
                   commands_has_unsaved() ? "; unsaved changes (save)" : "");
}

/* status, one line (or none) per step, in this order. */
static void (*const status_lines[])(void) = {
    line_time,      line_state,       line_last_set,     line_dispersion,  line_frequency,
    line_adjusting, line_leap,        line_rtc,          line_rtc_edges,   line_rtc_temperature,
    line_rtc_aging, line_eeprom,      line_i2c,          line_uptime,      line_reset_cause,
    line_cpu,       line_stack,       line_net,          line_mac,         line_dhcp,
    line_upstream,  line_ntp_replies, line_ntp_versions, line_ntp_drops,   line_ntp_policy_drops,
    line_ntp_auth,  line_ntp_mode6,   line_ntp_frames,   line_top_clients, line_settings,
};

#define STATUS_LINES (sizeof(status_lines) / sizeof(status_lines[0]))

static bool status_step(unsigned step)
{
    if (step < STATUS_LINES) {
        status_lines[step]();
    }
    return step + 1u < STATUS_LINES;
}

int cmd_status(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    st = commands_read_status();
    cfg = commands_read_settings();
    keys = commands_read_keys(&key_count);
    console_start_report(status_step);
    return 0;
}

/* -------------------------------------------------------- config show -- */

/* config show, one line (or none) per step; the access list takes one step per entry. */
enum show_step {
    SHOW_HEADER,
    SHOW_NET_1,
    SHOW_NET_2,
    SHOW_MAC,
    SHOW_STRATUM,
    SHOW_REFID,
    SHOW_RATELIMIT,
    SHOW_ACL_CLEAR,
    SHOW_ACL_FIRST,
    SHOW_MGMT = SHOW_ACL_FIRST + CONFIG_ACL_MAX,
    SHOW_AUTH_OPTIONAL,
    SHOW_AUTH_FIRST,
    SHOW_KEY_FIRST = SHOW_AUTH_FIRST + CONFIG_AUTH_MAX,
    SHOW_UPSTREAM = SHOW_KEY_FIRST + KEYS_MAX,
    SHOW_LOG,
    SHOW_RTC_CHIP,
    SHOW_RTC_SQW,
    SHOW_TRIM,
    SHOW_DRIFT,
    SHOW_STRICT,
    SHOW_STEPS,
};


/*
 * The authentication policy, and a comment per key: a secret is never
 * shown, so pasting the output back cannot restore a key; the comment
 * says so rather than letting it go missing unnoticed.
 */
static void show_auth(unsigned step)
{
    char a[TEXT_IP_SIZE];
    const struct settings *s = cfg;
    if (step == SHOW_AUTH_OPTIONAL) {
        console_puts("ntp auth optional\n");
    } else if (step < SHOW_KEY_FIRST) {
        unsigned i = step - SHOW_AUTH_FIRST;
        if (i < s->auth_count && s->auth[i].prefix == 0u) {
            console_puts("ntp auth require all\n");
        } else if (i < s->auth_count) {
            console_printf("ntp auth require %s/%u\n", text_fmt_ip(a, s->auth[i].addr),
                           s->auth[i].prefix);
        }
    } else if (step - SHOW_KEY_FIRST < key_count) {
        const struct app_key_info *k = &keys[step - SHOW_KEY_FIRST];
        console_printf("# ntp key %lu %s: secret not shown, add it again with ntp key add\n",
                       (unsigned long)k->id, keys_type_name(k->type));
    }
}

static bool show_step(unsigned step)
{
    char a[TEXT_IP_SIZE], b[TEXT_IP_SIZE];
    const struct settings *s = cfg;

    if (step >= SHOW_ACL_FIRST && step < SHOW_MGMT) {
        unsigned i = step - SHOW_ACL_FIRST;
        if (i < s->acl_count) {
            console_printf("ntp %s %s/%u\n",
                           s->acl[i].action == CONFIG_ACL_ALLOW ? "allow" : "deny",
                           text_fmt_ip(a, s->acl[i].addr), s->acl[i].prefix);
        }
        return true;
    }
    if (step >= SHOW_AUTH_OPTIONAL && step < SHOW_UPSTREAM) {
        show_auth(step);
        return true;
    }
    switch (step) {
    case SHOW_HEADER:
        console_printf("# settings in effect; store: %s%s\n", config_status_text(st->store_status),
                       commands_has_unsaved() ? "; unsaved changes" : "");
        break;
    /* Order matters for pasting back: DHCP off needs the address first. */
    case SHOW_NET_1:
        if (s->ip_addr == 0u) {
            console_printf("net dhcp %s\n", s->dhcp_enabled ? "on" : "off");
        } else if (s->gateway != 0u) {
            console_printf("net ip %s/%u gw %s\n", text_fmt_ip(a, s->ip_addr), s->ip_prefix,
                           text_fmt_ip(b, s->gateway));
        } else {
            console_printf("net ip %s/%u\n", text_fmt_ip(a, s->ip_addr), s->ip_prefix);
        }
        break;
    case SHOW_NET_2:
        if (s->ip_addr == 0u) {
            console_puts("net ip none\n");
        } else {
            console_printf("net dhcp %s\n", s->dhcp_enabled ? "on" : "off");
        }
        break;
    case SHOW_MAC:
        if (s->mac_source == CONFIG_MAC_OPERATOR) {
            char m[TEXT_MAC_SIZE];
            console_printf("net mac %s\n", text_fmt_mac(m, s->mac));
        }
        break;
    case SHOW_STRATUM: console_printf("ntp stratum %u\n", s->stratum); break;
    case SHOW_REFID: console_printf("ntp refid %.4s\n", s->refid); break;
    case SHOW_RATELIMIT:
        if (s->ratelimit_enabled) {
            console_printf("ntp ratelimit %d %u %u\n", s->ratelimit_interval_log2,
                           s->ratelimit_burst, s->ratelimit_leak_log2);
        } else {
            console_puts("ntp ratelimit off\n");
        }
        break;
    case SHOW_ACL_CLEAR: console_puts("ntp acl clear\n"); break;
    case SHOW_MGMT:
        if (s->mgmt == CONFIG_MGMT_SUBNET) {
            console_printf("ntp mgmt %s/%u\n", text_fmt_ip(a, s->mgmt_addr), s->mgmt_prefix);
        } else {
            console_printf("ntp mgmt %s\n", s->mgmt == CONFIG_MGMT_LOCAL ? "local" : "none");
        }
        break;
    case SHOW_UPSTREAM:
        if (s->upstream_addr == 0u) {
            console_puts("upstream off\n");
        } else if (s->upstream_key_id != 0u) {
            console_printf("upstream %s key %lu\n", text_fmt_ip(a, s->upstream_addr),
                           (unsigned long)s->upstream_key_id);
        } else {
            console_printf("upstream %s\n", text_fmt_ip(a, s->upstream_addr));
        }
        break;
    case SHOW_LOG:
        console_printf("log %s\n", s->syslog_addr != 0u ? text_fmt_ip(a, s->syslog_addr) : "off");
        break;
    case SHOW_RTC_CHIP: {
        static const char *const chips[] = { "auto", "ds1307", "ds1338", "ds3231" };
        console_printf("rtc chip %s\n", s->rtc_chip < 4u ? chips[s->rtc_chip] : "auto");
        break;
    }
    case SHOW_RTC_SQW: {
        static const char *const sqws[] = { "board", "poll", "capture" };
        console_printf("rtc sqw %s\n", s->rtc_sqw < 3u ? sqws[s->rtc_sqw] : "board");
        break;
    }
    case SHOW_TRIM: console_printf("clock trim %ld\n", (long)s->clock_trim_ppb); break;
    case SHOW_DRIFT: console_printf("clock drift %ld\n", (long)s->rtc_drift_ppb); break;
    case SHOW_STRICT:
        if (s->strict_enabled) {
            console_printf("clock strict on %lu\n", (unsigned long)s->strict_max_ms);
        } else {
            console_puts("clock strict off\n");
        }
        break;
    default: break;
    }
    return step + 1u < SHOW_STEPS;
}

int cmd_config_show(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    st = commands_read_status();
    cfg = commands_read_settings();
    keys = commands_read_keys(&key_count);
    console_start_report(show_step);
    return 0;
}
