/*
 * The console's reports: status (time, RTC, system, network, NTP counters,
 * settings store) and config show (every setting, as the commands that
 * set it, so that its output can be pasted back).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "config/config.h"
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

static void print_time_status(const struct app_status *st)
{
    char a[TEXT_TIME_SIZE], b[TEXT_TIME_SIZE]; /* a: times and fixed-point numbers */
    console_printf("time: %s\n", text_fmt_time_ms(a, st->now_ns));
    console_printf("state: %s\n", st->time_state == APP_TIME_SYNCED ? "SYNCED" : "UNSET");
    if (st->last_set_source == CONFIG_TIME_SOURCE_NONE || st->last_set_unix_s == 0) {
        console_puts("last set: never\n");
    } else {
        int64_t age_s = text_unix_s(st->now_ns) - st->last_set_unix_s;
        uint64_t age_mag = age_s < 0 ? 0u - (uint64_t)age_s : (uint64_t)age_s;
        console_printf("last set: %s by %s, %s%s\n", text_fmt_time_s(a, st->last_set_unix_s),
                       source_name(st->last_set_source), text_fmt_duration(b, age_mag),
                       age_s >= 0 ? " ago" : " in the future");
    }
    console_printf("root dispersion: %s ms\n",
                   text_fmt_fixed(a, st->root_dispersion_ns, 6, 3, false));
    console_printf("frequency: %ld ppb\n", (long)st->freq_ppb);
    if (st->slew_left_ns != 0) {
        console_printf("adjusting: %s s left\n", text_fmt_fixed(a, st->slew_left_ns, 9, 9, true));
    }
    if (st->leap == APP_LEAP_NONE) {
        console_puts("leap second: none pending\n");
    } else {
        console_printf("leap second: %s at the end of %s\n",
                       st->leap == APP_LEAP_INSERT ? "insert" : "delete",
                       text_fmt_date(a, st->leap_at_unix_s - S_PER_DAY));
    }
}

static void print_system_status(const struct app_status *st)
{
    char a[TEXT_TIME_SIZE];
    if (st->rtc_chip == NULL) {
        console_puts("rtc: none found\n");
    } else {
        console_printf("rtc: %s", st->rtc_chip);
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
    console_printf("uptime: %s\n", text_fmt_duration(a, st->uptime_s));
    console_printf("reset cause: %s\n", st->reset_cause != NULL ? st->reset_cause : "unknown");
    if (st->cpu_hz != 0) {
        console_printf("cpu: %lu Hz, %s%s\n", (unsigned long)st->cpu_hz,
                       st->cpu_source != NULL ? st->cpu_source : "",
                       st->cpu_hz < st->cpu_nominal_hz ? " (running below nominal)" : "");
    }
    if (st->stack_size != 0) {
        console_printf("stack: %lu of %lu bytes used at most, interrupts %lu of %lu%s\n",
                       (unsigned long)st->stack_used, (unsigned long)st->stack_size,
                       (unsigned long)st->irq_stack_used, (unsigned long)st->irq_stack_size,
                       st->has_stack_guard ? ", guarded" : ", not guarded");
    }
}

static void print_net_status(const struct app_status *st, const struct settings *cfg)
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
    if (st->mac_how != NULL) {
        char mac[TEXT_MAC_SIZE];
        console_printf("mac: %s (%s)\n", text_fmt_mac(mac, st->mac), st->mac_how);
    }
    if (st->is_dhcp) {
        console_printf("dhcp: lease %lu s, %lu s left\n", (unsigned long)st->dhcp_lease_s,
                       (unsigned long)st->dhcp_lease_left_s);
    } else {
        console_puts("dhcp: off (static address)\n");
    }
    console_printf("upstream: %s\n",
                   cfg->upstream_addr != 0u ? text_fmt_ip(a, cfg->upstream_addr) : "off");
}

static void print_ntp_status(const struct app_status *st)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp: received %lu, replied %lu (mode 4: %lu, mode 2: %lu, interleaved %lu), "
                   "KoD %lu\n",
                   (unsigned long)n->received, (unsigned long)(n->replied_mode4 + n->replied_mode2),
                   (unsigned long)n->replied_mode4, (unsigned long)n->replied_mode2,
                   (unsigned long)n->replied_xleave, (unsigned long)n->kod_sent);
    console_printf("ntp replies by version: v1 %lu, v2 %lu, v3 %lu, v4 %lu\n",
                   (unsigned long)n->replied_v[1], (unsigned long)n->replied_v[2],
                   (unsigned long)n->replied_v[3], (unsigned long)n->replied_v[4]);
    console_printf("ntp drops: short %lu, mode %lu, version %lu, ms-sntp %lu, auth %lu\n",
                   (unsigned long)n->drop_short, (unsigned long)n->drop_mode,
                   (unsigned long)n->drop_version, (unsigned long)n->drop_mssntp,
                   (unsigned long)n->drop_auth);
    console_printf("ntp drops: format %lu, acl %lu, ratelimit %lu\n", (unsigned long)n->drop_format,
                   (unsigned long)n->drop_acl, (unsigned long)n->drop_ratelimit);
    console_printf("ntp mode 6: replied %lu, refused %lu\n", (unsigned long)n->mode6_replied,
                   (unsigned long)n->mode6_refused);
    console_printf("ntp frames: fast path %lu, transmit-complete stamps %lu (lost %lu)\n",
                   (unsigned long)n->fast_path, (unsigned long)n->tx_done,
                   (unsigned long)n->tx_done_lost);
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

int cmd_status(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    const struct app_status *st = commands_read_status();
    const struct settings *cfg = commands_read_settings();
    print_time_status(st);
    print_system_status(st);
    print_net_status(st, cfg);
    print_ntp_status(st);
    console_printf("settings: %s%s\n", config_status_text(st->store_status),
                   commands_has_unsaved() ? "; unsaved changes (save)" : "");
    return 0;
}

int cmd_config_show(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    char a[TEXT_IP_SIZE], b[TEXT_IP_SIZE];
    const struct app_status *st = commands_read_status();
    const struct settings *s = commands_read_settings();

    console_printf("# settings in effect; store: %s%s\n", config_status_text(st->store_status),
                   commands_has_unsaved() ? "; unsaved changes" : "");
    /* Order matters for pasting back: DHCP off needs the address first. */
    if (s->ip_addr == 0u) {
        console_printf("net dhcp %s\n", s->dhcp_enabled ? "on" : "off");
        console_puts("net ip none\n");
    } else {
        console_printf("net ip %s/%u", text_fmt_ip(a, s->ip_addr), s->ip_prefix);
        if (s->gateway != 0u) {
            console_printf(" gw %s", text_fmt_ip(b, s->gateway));
        }
        console_printf("\nnet dhcp %s\n", s->dhcp_enabled ? "on" : "off");
    }
    if (s->mac_source == CONFIG_MAC_OPERATOR) {
        char m[TEXT_MAC_SIZE];
        console_printf("net mac %s\n", text_fmt_mac(m, s->mac));
    }
    console_printf("ntp stratum %u\n", s->stratum);
    console_printf("ntp refid %.4s\n", s->refid);
    if (s->ratelimit_enabled) {
        console_printf("ntp ratelimit %d %u %u\n", s->ratelimit_interval_log2, s->ratelimit_burst,
                       s->ratelimit_leak_log2);
    } else {
        console_puts("ntp ratelimit off\n");
    }
    console_puts("ntp acl clear\n");
    for (unsigned i = 0; i < s->acl_count && i < CONFIG_ACL_MAX; i++) {
        console_printf("ntp %s %s/%u\n", s->acl[i].action == CONFIG_ACL_ALLOW ? "allow" : "deny",
                       text_fmt_ip(a, s->acl[i].addr), s->acl[i].prefix);
    }
    if (s->mgmt == CONFIG_MGMT_SUBNET) {
        console_printf("ntp mgmt %s/%u\n", text_fmt_ip(a, s->mgmt_addr), s->mgmt_prefix);
    } else {
        console_printf("ntp mgmt %s\n", s->mgmt == CONFIG_MGMT_LOCAL ? "local" : "none");
    }
    console_printf("upstream %s\n",
                   s->upstream_addr != 0u ? text_fmt_ip(a, s->upstream_addr) : "off");
    console_printf("log %s\n", s->syslog_addr != 0u ? text_fmt_ip(a, s->syslog_addr) : "off");
    console_printf("clock trim %ld\n", (long)s->clock_trim_ppb);
    console_printf("clock drift %ld\n", (long)s->rtc_drift_ppb);
    if (s->strict_enabled) {
        console_printf("clock strict on %lu\n", (unsigned long)s->strict_max_ms);
    } else {
        console_puts("clock strict off\n");
    }
    return 0;
}
