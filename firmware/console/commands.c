/*
 * The console's commands.
 *
 * Each command parses and checks all of its arguments first; a settings
 * command then builds the complete new settings, has config_validate()
 * check them as a whole, and only then hands them to the app. A refusal
 * therefore prints one "error: ..." line and changes nothing. What they
 * print and parse goes through the console's text module (text.h).
 */
#include "console/commands.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock/calendar.h"
#include "config/config.h"
#include "console/app.h"
#include "console/console.h"
#include "console/text.h"

#define S_PER_DAY 86400LL

/* Settings changed from the console since the last save or reset. */
static bool is_unsaved;

/* Large, so kept off the stack; commands never run re-entrantly. */
static struct app_status status;
static struct settings next;

void commands_reset(void)
{
    is_unsaved = false;
}

/* Prints the usage line of the command called name. Returns -EINVAL. */
static int usage(const char *name)
{
    for (size_t i = 0; i < console_cmd_count; i++) {
        if (strcmp(console_cmds[i].name, name) == 0) {
            return console_fail(-EINVAL, "usage: %s %s", name, console_cmds[i].args);
        }
    }
    return console_fail(-EINVAL, "usage: %s", name);
}

/* --------------------------------------------------- settings changes -- */

/* Starts a change: next = the settings in effect. */
static struct settings *begin(void)
{
    app_get_settings(&next);
    return &next;
}

/* Validates next as a whole and hands it to the app. Returns 0 or an errno, printed. */
static int commit(void)
{
    static struct settings cur;
    const char *why = NULL;
    if (config_validate(&next, &why) != 0) {
        return console_fail(-EINVAL, "%s", why != NULL ? why : "invalid settings");
    }
    app_get_settings(&cur);
    if (config_is_equal(&cur, &next)) {
        console_puts("ok (unchanged)\n");
        return 0;
    }
    int err = app_apply_settings(&next);
    if (err != 0) {
        return console_fail(err, "not applied (%s); nothing changed", text_errno(err));
    }
    is_unsaved = true;
    console_puts("ok (not saved yet: 'save' keeps it after a power cut)\n");
    if (app_is_reboot_needed()) {
        console_puts("note: takes effect after save and reboot\n");
    }
    return 0;
}

/* --------------------------------------------------------------- time -- */

static int cmd_time_set(int argc, char *argv[])
{
    (void)argc;
    int64_t ns = 0;
    int err = text_parse_utc(argv[0], &ns);
    if (err != 0) {
        return err;
    }
    memset(&status, 0, sizeof(status));
    app_get_status(&status);
    err = app_set_time(ns);
    if (err != 0) {
        return console_fail(err, "time not set (%s)", text_errno(err));
    }
    char now[TEXT_TIME_SIZE], was[TEXT_TIME_SIZE];
    console_printf("time set to %s (was %s)\n", text_fmt_time_ms(now, ns),
                   status.time_state == APP_TIME_SYNCED ? text_fmt_time_ms(was, status.now_ns) : "unset");
    return 0;
}

static int cmd_time_adjust(int argc, char *argv[])
{
    (void)argc;
    int64_t ns = 0;
    int err = text_parse_offset(argv[0], &ns);
    if (err != 0) {
        return err;
    }
    err = app_adjust_time(ns);
    if (err == -ENODATA) {
        return console_fail(err, "the time is not set (use time set)");
    }
    if (err != 0) {
        return console_fail(err, "not adjusted (%s)", text_errno(err));
    }
    char b[TEXT_FIXED_SIZE];
    console_printf("slewing %s s\n", text_fmt_fixed(b, ns, 9, 9, true));
    return 0;
}

static int schedule_leap(enum app_leap leap, const char *arg)
{
    struct civil_time t;
    if (text_parse_date(arg, &t) != 0) {
        return console_fail(-EINVAL, "bad date '%s' (expected YYYY-MM-DD)", arg);
    }
    int err = text_check_civil(&t, arg);
    if (err != 0) {
        return err;
    }
    if (t.day != calendar_days_in_month(t.year, t.month)) {
        return console_fail(-EINVAL, "a leap second goes at the end of a month: %s is not the last day", arg);
    }
    memset(&status, 0, sizeof(status));
    app_get_status(&status);
    if (status.time_state != APP_TIME_SYNCED) {
        return console_fail(-ENODATA, "the time is not set (use time set)");
    }
    int64_t at_s = calendar_to_unix(&t) + S_PER_DAY;
    if (at_s <= text_unix_s(status.now_ns)) {
        return console_fail(-EINVAL, "%s is not in the future", arg);
    }
    err = app_set_leap(leap, at_s);
    if (err != 0) {
        return console_fail(err, "leap second not scheduled (%s)", text_errno(err));
    }
    console_printf("leap second: %s at the end of %s (%s UTC)\n",
                   leap == APP_LEAP_INSERT ? "insert" : "delete", arg,
                   leap == APP_LEAP_INSERT ? "23:59:60" : "no 23:59:59");
    return 0;
}

static int cmd_leap_insert(int argc, char *argv[])
{
    (void)argc;
    return schedule_leap(APP_LEAP_INSERT, argv[0]);
}

static int cmd_leap_delete(int argc, char *argv[])
{
    (void)argc;
    return schedule_leap(APP_LEAP_DELETE, argv[0]);
}

static int cmd_leap_cancel(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    memset(&status, 0, sizeof(status));
    app_get_status(&status);
    if (status.leap == APP_LEAP_NONE) {
        console_puts("no leap second pending\n");
        return 0;
    }
    int err = app_set_leap(APP_LEAP_NONE, 0);
    if (err != 0) {
        return console_fail(err, "not cancelled (%s)", text_errno(err));
    }
    console_puts("leap second cancelled\n");
    return 0;
}

/* ------------------------------------------------------------ network -- */

static int cmd_net_dhcp(int argc, char *argv[])
{
    (void)argc;
    bool on = false;
    int err = text_parse_on_off(argv[0], &on);
    if (err != 0) {
        return err;
    }
    begin()->dhcp_enabled = on;
    return commit();
}

static int cmd_net_ip(int argc, char *argv[])
{
    struct settings *s = begin();
    if (argc == 1 && console_is_word(argv[0], "none")) {
        s->ip_addr = 0;
        s->ip_prefix = 0;
        s->gateway = 0;
        return commit();
    }
    if (argc == 2 || (argc == 3 && !console_is_word(argv[1], "gw"))) {
        return usage("net ip");
    }
    uint32_t addr = 0, gw = 0;
    uint8_t prefix = 0;
    if (text_parse_subnet(argv[0], true, &addr, &prefix) != 0 || prefix == 0u) {
        return console_fail(-EINVAL, "bad address '%s' (expected a.b.c.d/prefix, prefix 1..32)", argv[0]);
    }
    if (argc == 3 && text_parse_ipv4(argv[2], &gw) != 0) {
        return console_fail(-EINVAL, "bad gateway '%s' (expected a.b.c.d)", argv[2]);
    }
    s->ip_addr = addr;
    s->ip_prefix = prefix;
    s->gateway = gw;
    bool is_dhcp = s->dhcp_enabled;
    int err = commit();
    if (err == 0 && is_dhcp) {
        console_puts("note: DHCP is on; this address serves when DHCP gives none, and after 'net dhcp off'\n");
    }
    return err;
}

/* ---------------------------------------------------------------- ntp -- */

static int cmd_ntp_stratum(int argc, char *argv[])
{
    (void)argc;
    int64_t v = 0;
    int err = text_parse_arg(argv[0], "stratum", CONFIG_STRATUM_MIN, CONFIG_STRATUM_MAX, &v);
    if (err != 0) {
        return err;
    }
    begin()->stratum = (uint8_t)v;
    return commit();
}

static int cmd_ntp_refid(int argc, char *argv[])
{
    (void)argc;
    const char *id = argv[0];
    size_t len = strlen(id);
    bool is_ok = len >= 1u && len <= CONFIG_REFID_LEN;
    for (size_t i = 0; is_ok && i < len; i++) {
        is_ok = id[i] > ' ' && id[i] <= '~';
    }
    if (!is_ok) {
        return console_fail(-EINVAL, "bad refid '%s' (1..4 printable characters, e.g. LOCL, GPS)", id);
    }
    struct settings *s = begin();
    memset(s->refid, 0, sizeof(s->refid));
    memcpy(s->refid, id, len);
    return commit();
}

static int cmd_ntp_ratelimit(int argc, char *argv[])
{
    if (argc == 1 && console_is_word(argv[0], "off")) {
        begin()->ratelimit_enabled = false;
        return commit();
    }
    if (argc != 3) {
        return usage("ntp ratelimit");
    }
    int64_t interval = 0, burst = 0, leak = 0;
    int err = text_parse_arg(argv[0], "interval_log2", CONFIG_RATELIMIT_INTERVAL_LOG2_MIN,
                        CONFIG_RATELIMIT_INTERVAL_LOG2_MAX, &interval);
    if (err == 0) {
        err = text_parse_arg(argv[1], "burst", CONFIG_RATELIMIT_BURST_MIN, CONFIG_RATELIMIT_BURST_MAX, &burst);
    }
    if (err == 0) {
        err = text_parse_arg(argv[2], "leak", CONFIG_RATELIMIT_LEAK_LOG2_MIN, CONFIG_RATELIMIT_LEAK_LOG2_MAX, &leak);
    }
    if (err != 0) {
        return err;
    }
    struct settings *s = begin();
    s->ratelimit_enabled = true;
    s->ratelimit_interval_log2 = (int8_t)interval;
    s->ratelimit_burst = (uint8_t)burst;
    s->ratelimit_leak_log2 = (uint8_t)leak;
    return commit();
}


static int add_acl(uint8_t action, const char *arg)
{
    uint32_t addr = 0;
    uint8_t prefix = 0;
    int err = text_parse_exact_subnet(arg, &addr, &prefix);
    if (err != 0) {
        return err;
    }
    struct settings *s = begin();
    for (unsigned i = 0; i < s->acl_count && i < CONFIG_ACL_MAX; i++) {
        if (s->acl[i].addr == addr && s->acl[i].prefix == prefix) {
            s->acl[i].action = action; /* same subnet: the new word replaces the old */
            return commit();
        }
    }
    if (s->acl_count >= CONFIG_ACL_MAX) {
        return console_fail(-ENOSPC, "access list full (%u entries); 'ntp acl clear' to start over",
                            (unsigned)CONFIG_ACL_MAX);
    }
    s->acl[s->acl_count++] = (struct config_acl_entry){ .action = action, .prefix = prefix, .addr = addr };
    return commit();
}

static int cmd_ntp_allow(int argc, char *argv[])
{
    (void)argc;
    return add_acl(CONFIG_ACL_ALLOW, argv[0]);
}

static int cmd_ntp_deny(int argc, char *argv[])
{
    (void)argc;
    return add_acl(CONFIG_ACL_DENY, argv[0]);
}

static int cmd_ntp_acl_clear(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct settings *s = begin();
    s->acl_count = 0;
    memset(s->acl, 0, sizeof(s->acl));
    return commit();
}

static int cmd_ntp_mgmt(int argc, char *argv[])
{
    (void)argc;
    struct settings *s = begin();
    if (console_is_word(argv[0], "none") || console_is_word(argv[0], "local")) {
        s->mgmt = console_is_word(argv[0], "none") ? CONFIG_MGMT_NONE : CONFIG_MGMT_LOCAL;
        s->mgmt_addr = 0;
        s->mgmt_prefix = 0;
        return commit();
    }
    uint32_t addr = 0;
    uint8_t prefix = 0;
    int err = text_parse_exact_subnet(argv[0], &addr, &prefix);
    if (err != 0) {
        return err;
    }
    s->mgmt = CONFIG_MGMT_SUBNET;
    s->mgmt_addr = addr;
    s->mgmt_prefix = prefix;
    return commit();
}

/* -------------------------------------------------------------- peers -- */


static int cmd_upstream(int argc, char *argv[])
{
    (void)argc;
    uint32_t addr = 0;
    int err = text_parse_host_or_off(argv[0], &addr);
    if (err != 0) {
        return err;
    }
    begin()->upstream_addr = addr;
    return commit();
}

static int cmd_log(int argc, char *argv[])
{
    (void)argc;
    uint32_t addr = 0;
    int err = text_parse_host_or_off(argv[0], &addr);
    if (err != 0) {
        return err;
    }
    begin()->syslog_addr = addr;
    return commit();
}

/* -------------------------------------------------------------- clock -- */

static int cmd_clock_trim(int argc, char *argv[])
{
    (void)argc;
    int64_t v = 0;
    int err = text_parse_arg(argv[0], "trim ppb", -CONFIG_TRIM_PPB_MAX, CONFIG_TRIM_PPB_MAX, &v);
    if (err != 0) {
        return err;
    }
    begin()->clock_trim_ppb = (int32_t)v;
    return commit();
}

static int cmd_clock_drift(int argc, char *argv[])
{
    (void)argc;
    int64_t v = 0;
    int err = text_parse_arg(argv[0], "drift ppb", CONFIG_RTC_DRIFT_PPB_MIN, CONFIG_RTC_DRIFT_PPB_MAX, &v);
    if (err != 0) {
        return err;
    }
    begin()->rtc_drift_ppb = (int32_t)v;
    return commit();
}

static int cmd_clock_strict(int argc, char *argv[])
{
    if (argc == 1 && console_is_word(argv[0], "off")) {
        begin()->strict_enabled = false;
        return commit();
    }
    if (argc != 2 || !console_is_word(argv[0], "on")) {
        return usage("clock strict");
    }
    int64_t v = 0;
    int err = text_parse_arg(argv[1], "max_ms", CONFIG_STRICT_MAX_MS_MIN, CONFIG_STRICT_MAX_MS_MAX, &v);
    if (err != 0) {
        return err;
    }
    struct settings *s = begin();
    s->strict_enabled = true;
    s->strict_max_ms = (uint32_t)v;
    return commit();
}

/* ------------------------------------------------------------- status -- */

static const char *source_name(enum config_time_source src)
{
    switch (src) {
    case CONFIG_TIME_SOURCE_OPERATOR: return "operator";
    case CONFIG_TIME_SOURCE_UPSTREAM: return "upstream";
    default:                          return "nobody";
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
                       source_name(st->last_set_source),
                       text_fmt_duration(b, age_mag), age_s >= 0 ? " ago" : " in the future");
    }
    console_printf("root dispersion: %s ms\n", text_fmt_fixed(a, st->root_dispersion_ns, 6, 3, false));
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
    if (st->stack_size != 0) {
        console_printf("stack: %lu of %lu bytes used at most\n", (unsigned long)st->stack_used,
                       (unsigned long)st->stack_size);
    }
}

static void print_net_status(const struct app_status *st, const struct settings *cfg)
{
    char a[TEXT_IP_SIZE], m[TEXT_IP_SIZE], g[TEXT_IP_SIZE];
    if (st->net_addr == 0u) {
        console_printf("net: no address yet, %s, link %s\n", st->is_dhcp ? "DHCP" : "static",
                       st->is_link_up ? "up" : "down");
    } else {
        console_printf("net: %s mask %s gw %s, link %s\n", text_fmt_ip(a, st->net_addr),
                       text_fmt_ip(m, st->net_mask),
                       st->net_gateway != 0u ? text_fmt_ip(g, st->net_gateway) : "none",
                       st->is_link_up ? "up" : "down");
    }
    if (st->is_dhcp) {
        console_printf("dhcp: lease %lu s, %lu s left\n", (unsigned long)st->dhcp_lease_s,
                       (unsigned long)st->dhcp_lease_left_s);
    } else {
        console_puts("dhcp: off (static address)\n");
    }
    console_printf("upstream: %s\n", cfg->upstream_addr != 0u ? text_fmt_ip(a, cfg->upstream_addr) : "off");
}

static void print_ntp_status(const struct app_status *st)
{
    const struct app_ntp_counters *n = &st->ntp;
    console_printf("ntp: received %lu, replied %lu (mode 4: %lu, mode 2: %lu), KoD %lu\n",
                   (unsigned long)n->received,
                   (unsigned long)(n->replied_mode4 + n->replied_mode2),
                   (unsigned long)n->replied_mode4, (unsigned long)n->replied_mode2,
                   (unsigned long)n->kod_sent);
    console_printf("ntp replies by version: v1 %lu, v2 %lu, v3 %lu, v4 %lu\n",
                   (unsigned long)n->replied_v[1], (unsigned long)n->replied_v[2],
                   (unsigned long)n->replied_v[3], (unsigned long)n->replied_v[4]);
    console_printf("ntp drops: short %lu, mode %lu, version %lu, ms-sntp %lu, auth %lu\n",
                   (unsigned long)n->drop_short, (unsigned long)n->drop_mode,
                   (unsigned long)n->drop_version, (unsigned long)n->drop_mssntp,
                   (unsigned long)n->drop_auth);
    console_printf("ntp drops: format %lu, acl %lu, ratelimit %lu\n",
                   (unsigned long)n->drop_format, (unsigned long)n->drop_acl,
                   (unsigned long)n->drop_ratelimit);
    console_printf("ntp mode 6: replied %lu, refused %lu\n", (unsigned long)n->mode6_replied,
                   (unsigned long)n->mode6_refused);
    console_puts("top clients:");
    unsigned count = st->top_client_count < APP_TOP_CLIENTS ? st->top_client_count : APP_TOP_CLIENTS;
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

static int cmd_status(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    memset(&status, 0, sizeof(status));
    app_get_status(&status);
    app_get_settings(&next);
    print_time_status(&status);
    print_system_status(&status);
    print_net_status(&status, &next);
    print_ntp_status(&status);
    console_printf("settings: %s%s\n", config_status_text(status.store_status),
                   is_unsaved ? "; unsaved changes (save)" : "");
    return 0;
}

/* ------------------------------------------------------------- config -- */

static int cmd_config_show(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    char a[TEXT_IP_SIZE], b[TEXT_IP_SIZE];
    memset(&status, 0, sizeof(status));
    app_get_status(&status);
    app_get_settings(&next);
    const struct settings *s = &next;

    console_printf("# settings in effect; store: %s%s\n", config_status_text(status.store_status),
                   is_unsaved ? "; unsaved changes" : "");
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
    console_printf("upstream %s\n", s->upstream_addr != 0u ? text_fmt_ip(a, s->upstream_addr) : "off");
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

static int cmd_save(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int err = app_save_settings();
    if (err != 0) {
        return console_fail(err, "not saved (%s); the settings stay in effect until reboot",
                            text_errno(err));
    }
    is_unsaved = false;
    console_puts("saved\n");
    return 0;
}

static int cmd_reboot(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    if (is_unsaved) {
        console_puts("warning: unsaved changes are lost\n");
    }
    console_puts("rebooting...\n");
    app_request_reboot();
    return 0;
}

static int cmd_selftest_watchdog(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    console_puts("main loop stopping; the watchdog resets the appliance in a few seconds\n");
    app_watchdog_selftest();
    return 0;
}

static int cmd_factory_reset(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int err = app_factory_reset();
    if (err != 0) {
        is_unsaved = true; /* the old record may still load at boot */
        return console_fail(err, "defaults in effect, but the stored settings were not erased (%s)",
                            text_errno(err));
    }
    is_unsaved = false;
    console_puts("factory defaults in effect; stored settings erased\n");
    if (app_is_reboot_needed()) {
        console_puts("note: reboot to apply the network settings\n");
    }
    return 0;
}

/* -------------------------------------------------------------- table -- */

const struct console_cmd console_cmds[] = {
    { "help", "[<command>]", "list the commands (or those of one group)", 0, 1, console_cmd_help },
    { "status", "", "time, state, RTC, network, NTP counters, store", 0, 0, cmd_status },
    { "time set", TEXT_TIME_SYNTAX, "set the clock (UTC, 2000..2099)", 1, 1, cmd_time_set },
    { "time adjust", "<+|-><n>[.<frac>]<s|ms|us|ns>", "slew the clock (at most 2 s)", 1, 1, cmd_time_adjust },
    { "leap insert", "<YYYY-MM-DD>", "leap second after 23:59:59 of a month's last day", 1, 1, cmd_leap_insert },
    { "leap delete", "<YYYY-MM-DD>", "skip 23:59:59 of a month's last day", 1, 1, cmd_leap_delete },
    { "leap cancel", "", "cancel the pending leap second", 0, 0, cmd_leap_cancel },
    { "net dhcp", "on|off", "address from DHCP, or the static one", 1, 1, cmd_net_dhcp },
    { "net ip", "<a.b.c.d>/<prefix> [gw <a.b.c.d>] | none", "static address", 1, 3, cmd_net_ip },
    { "ntp stratum", "<1..15>", "stratum served", 1, 1, cmd_ntp_stratum },
    { "ntp refid", "<1..4 chars>", "reference id served (LOCL, GPS, ...)", 1, 1, cmd_ntp_refid },
    { "ntp ratelimit", "<interval_log2> <burst> <leak> | off",
      "per-client rate limit (-3..12, 1..255, 1..4)", 1, 3, cmd_ntp_ratelimit },
    { "ntp allow", "<a.b.c.d>[/<prefix>]", "serve a subnet (most specific entry wins)", 1, 1, cmd_ntp_allow },
    { "ntp deny", "<a.b.c.d>[/<prefix>]", "refuse a subnet", 1, 1, cmd_ntp_deny },
    { "ntp acl clear", "", "empty the access list (serve everyone)", 0, 0, cmd_ntp_acl_clear },
    { "ntp mgmt", "<a.b.c.d>[/<prefix>] | local | none", "who may query mode 6 (ntpq)", 1, 1, cmd_ntp_mgmt },
    { "upstream", "<a.b.c.d> | off", "NTP server to take the time from", 1, 1, cmd_upstream },
    { "log", "<a.b.c.d> | off", "syslog target", 1, 1, cmd_log },
    { "clock trim", "<ppb>", "oscillator correction (-500000..500000)", 1, 1, cmd_clock_trim },
    { "clock drift", "<ppb>", "rated RTC drift (1000..500000)", 1, 1, cmd_clock_drift },
    { "clock strict", "on <max_ms> | off", "unsynchronized past max_ms dispersion", 1, 2, cmd_clock_strict },
    { "config show", "", "every setting, as commands to paste back", 0, 0, cmd_config_show },
    { "save", "", "keep the settings after a power cut", 0, 0, cmd_save },
    { "reboot", "", "restart the appliance", 0, 0, cmd_reboot },
    { "factory-reset", "", "defaults now, stored settings erased", 0, 0, cmd_factory_reset },
    { "selftest watchdog", "", "stop the main loop: the watchdog must reset the appliance",
      0, 0, cmd_selftest_watchdog },
};

const size_t console_cmd_count = sizeof(console_cmds) / sizeof(console_cmds[0]);
