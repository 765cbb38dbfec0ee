/*
 * The console's commands.
 *
 * Each command parses and checks all of its arguments first; a settings
 * command then builds the complete new settings, has config_validate()
 * check them as a whole, and only then hands them to the app. A refusal
 * therefore prints one "error: ..." line and changes nothing.
 *
 * newlib-nano's printf has no 64-bit or float conversions, so 64-bit and
 * fixed-point numbers go through the small formatters below.
 */
#include "console/commands.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock/calendar.h"
#include "config/config.h"
#include "console/app.h"
#include "console/console.h"

#define NS_PER_S 1000000000LL
#define S_PER_DAY 86400LL
#define RTC_YEAR_MIN 2000
#define RTC_YEAR_MAX 2099

/* Settings changed from the console since the last save or reset. */
static bool is_unsaved;

/* Large, so kept off the stack; commands never run re-entrantly. */
static struct app_status status;
static struct settings next;

void commands_reset(void)
{
    is_unsaved = false;
}

/* ---------------------------------------------------------- formatting -- */

static const char *errno_text(int err)
{
    switch (err) {
    case -EINVAL:    return "invalid";
    case -EIO:       return "I/O error";
    case -ETIMEDOUT: return "timed out";
    case -ENODATA:   return "no data";
    case -ENODEV:    return "no device";
    case -EBUSY:     return "busy";
    case -ERANGE:    return "out of range";
    case -ENOSPC:    return "no space";
    default:         return "failed";
    }
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
}

/* Writes v in decimal into buf (at least 21 bytes). Returns buf. */
static char *fmt_u64(char *buf, uint64_t v)
{
    char tmp[21];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    for (int i = 0; i < n; i++) {
        buf[i] = tmp[n - 1 - i];
    }
    buf[n] = '\0';
    return buf;
}

/* Writes v with its sign ('+' too when plus) into buf (22 bytes). Returns buf. */
static char *fmt_i64(char *buf, int64_t v, bool plus)
{
    char *p = buf;
    if (v < 0) {
        *p++ = '-';
    } else if (plus) {
        *p++ = '+';
    }
    fmt_u64(p, magnitude(v));
    return buf;
}

/*
 * Writes v / 10^scale_log10 with decimals digits after the point
 * (truncated) into buf (at least 32 bytes). Returns buf.
 */
static char *fmt_fixed(char *buf, int64_t v, unsigned scale_log10, unsigned decimals, bool plus)
{
    uint64_t scale = 1u;
    for (unsigned i = 0; i < scale_log10; i++) {
        scale *= 10u;
    }
    uint64_t mag = magnitude(v);
    uint64_t frac = mag % scale;
    for (unsigned i = decimals; i < scale_log10; i++) {
        frac /= 10u;
    }
    char *p = buf;
    if (v < 0) {
        *p++ = '-';
    } else if (plus) {
        *p++ = '+';
    }
    fmt_u64(p, mag / scale);
    p += strlen(p);
    if (decimals > 0u) {
        *p++ = '.';
        for (unsigned i = decimals; i > 0u; i--) {
            uint64_t div = 1u;
            for (unsigned j = 1; j < i; j++) {
                div *= 10u;
            }
            *p++ = (char)('0' + (int)(frac / div % 10u));
        }
    }
    *p = '\0';
    return buf;
}

/* Writes a.b.c.d into buf (16 bytes). Returns buf. */
static char *fmt_ip(char *buf, uint32_t addr)
{
    snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24), (unsigned)(addr >> 16 & 0xFFu),
             (unsigned)(addr >> 8 & 0xFFu), (unsigned)(addr & 0xFFu));
    return buf;
}

/* Floor division of ns into whole seconds, correct before 1970 too. */
static int64_t floor_s(int64_t ns)
{
    int64_t s = ns / NS_PER_S;
    return (ns % NS_PER_S < 0) ? s - 1 : s;
}

/* Writes unix second s (plus ms when with_ms) as ISO 8601 UTC into buf (40 bytes). Returns buf. */
static char *fmt_iso_s(char *buf, int64_t s, unsigned ms, bool with_ms)
{
    struct civil_time t;
    calendar_from_unix(s, &t);
    int n = snprintf(buf, 40, "%04ld-%02u-%02uT%02u:%02u:%02u", (long)t.year, t.month, t.day,
                     t.hour, t.minute, t.second);
    if (n > 0 && n < 30) {
        if (with_ms) {
            n += snprintf(buf + n, (size_t)(40 - n), ".%03u", ms % 1000u);
        }
        buf[n] = 'Z';
        buf[n + 1] = '\0';
    }
    return buf;
}

/* Writes time ns as ISO 8601 UTC with milliseconds into buf (40 bytes). Returns buf. */
static char *fmt_iso(char *buf, int64_t ns)
{
    int64_t s = floor_s(ns);
    return fmt_iso_s(buf, s, (unsigned)((ns - s * NS_PER_S) / 1000000), true);
}

/* Writes the date of unix second s as YYYY-MM-DD into buf (24 bytes). Returns buf. */
static char *fmt_date(char *buf, int64_t s)
{
    struct civil_time t;
    calendar_from_unix(s, &t);
    snprintf(buf, 24, "%04ld-%02u-%02u", (long)t.year, t.month, t.day);
    return buf;
}

/* Writes a duration as "[Nd ]HH:MM:SS" into buf (32 bytes). Returns buf. */
static char *fmt_duration(char *buf, uint64_t s)
{
    unsigned long days = (unsigned long)(s / (uint64_t)S_PER_DAY);
    unsigned rest = (unsigned)(s % (uint64_t)S_PER_DAY);
    if (days > 0u) {
        snprintf(buf, 32, "%lud %02u:%02u:%02u", days, rest / 3600u, rest / 60u % 60u, rest % 60u);
    } else {
        snprintf(buf, 32, "%02u:%02u:%02u", rest / 3600u, rest / 60u % 60u, rest % 60u);
    }
    return buf;
}

/* ------------------------------------------------------------- parsing -- */

/*
 * Parses a decimal integer with an optional sign. Returns 0, -EINVAL (not
 * a number) or -ERANGE (outside min..max).
 */
static int parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    bool is_neg = false;
    if (*s == '+' || *s == '-') {
        is_neg = *s == '-';
        s++;
    }
    if (*s == '\0') {
        return -EINVAL;
    }
    int64_t v = 0;
    bool is_big = false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return -EINVAL;
        }
        if (v > 100000000000LL) {
            is_big = true; /* keep checking the characters, stop growing */
        } else {
            v = v * 10 + (*s - '0');
        }
    }
    if (is_neg) {
        v = -v;
    }
    if (is_big || v < min || v > max) {
        return -ERANGE;
    }
    *out = v;
    return 0;
}

/* Parses a.b.c.d (decimal, no leading zeros). Returns 0 or -EINVAL. */
static int parse_ipv4(const char *s, uint32_t *out)
{
    uint32_t addr = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0 && *s++ != '.') {
            return -EINVAL;
        }
        unsigned v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10u + (unsigned)(*s - '0');
            s++;
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255u || (digits > 1 && s[-digits] == '0')) {
            return -EINVAL;
        }
        addr = addr << 8 | v;
    }
    if (*s != '\0') {
        return -EINVAL;
    }
    *out = addr;
    return 0;
}

/*
 * Parses a.b.c.d/prefix; without "/prefix" the prefix is 32 unless
 * is_prefix_required. Returns 0 or -EINVAL.
 */
static int parse_subnet(const char *s, bool is_prefix_required, uint32_t *addr, uint8_t *prefix)
{
    char ip[16];
    const char *slash = strchr(s, '/');
    size_t len = slash != NULL ? (size_t)(slash - s) : strlen(s);
    if (len >= sizeof(ip) || (slash == NULL && is_prefix_required)) {
        return -EINVAL;
    }
    memcpy(ip, s, len);
    ip[len] = '\0';
    if (parse_ipv4(ip, addr) != 0) {
        return -EINVAL;
    }
    *prefix = 32;
    if (slash != NULL) {
        int64_t p = 0;
        if (slash[1] < '0' || slash[1] > '9' || parse_int(slash + 1, 0, 32, &p) != 0) {
            return -EINVAL;
        }
        *prefix = (uint8_t)p;
    }
    return 0;
}

/* Reads exactly n digits at *p. Returns 0 or -EINVAL. */
static int take_digits(const char **p, unsigned n, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') {
            return -EINVAL;
        }
        v = v * 10u + (uint32_t)(c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int take_char(const char **p, char want)
{
    char c = **p;
    if (c >= 'a' && c <= 'z') {
        c = (char)(c - 'a' + 'A');
    }
    if (c != want) {
        return -EINVAL;
    }
    (*p)++;
    return 0;
}

/* Parses YYYY-MM-DD at *p into t (time 00:00:00). Returns 0 or -EINVAL. */
static int take_date(const char **p, struct civil_time *t)
{
    uint32_t y, mo, d;
    if (take_digits(p, 4, &y) != 0 || take_char(p, '-') != 0 || take_digits(p, 2, &mo) != 0 ||
        take_char(p, '-') != 0 || take_digits(p, 2, &d) != 0) {
        return -EINVAL;
    }
    memset(t, 0, sizeof(*t));
    t->year = (int32_t)y;
    t->month = (uint8_t)mo;
    t->day = (uint8_t)d;
    return 0;
}

/* Checks a parsed date/time: real, and within the RTC's years. */
static int check_civil(const struct civil_time *t, const char *arg)
{
    if (calendar_validate(t) != 0) {
        return console_fail(-EINVAL, "no such date or time '%s'", arg);
    }
    if (t->year < RTC_YEAR_MIN || t->year > RTC_YEAR_MAX) {
        return console_fail(-ERANGE, "year must be %d..%d (the RTC's range), not %ld",
                            RTC_YEAR_MIN, RTC_YEAR_MAX, (long)t->year);
    }
    return 0;
}

#define TIME_SYNTAX "YYYY-MM-DDTHH:MM:SS[.fff]Z"

/* Parses an ISO 8601 UTC time into ns. Returns 0 or a negative errno, printed. */
static int parse_utc(const char *arg, int64_t *ns)
{
    const char *p = arg;
    struct civil_time t;
    uint32_t h, mi, sec;
    if (take_date(&p, &t) != 0 || take_char(&p, 'T') != 0 || take_digits(&p, 2, &h) != 0 ||
        take_char(&p, ':') != 0 || take_digits(&p, 2, &mi) != 0 || take_char(&p, ':') != 0 ||
        take_digits(&p, 2, &sec) != 0) {
        return console_fail(-EINVAL, "bad time '%s' (expected " TIME_SYNTAX ")", arg);
    }
    int64_t frac_ns = 0;
    if (*p == '.' || *p == ',') {
        p++;
        int64_t scale = NS_PER_S;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (++digits > 9) {
                return console_fail(-EINVAL, "bad time '%s' (at most 9 decimals)", arg);
            }
            scale /= 10;
            frac_ns += (*p - '0') * scale;
            p++;
        }
        if (digits == 0) {
            return console_fail(-EINVAL, "bad time '%s' (expected " TIME_SYNTAX ")", arg);
        }
    }
    if (take_char(&p, 'Z') != 0) {
        if (*p == '\0' || *p == '+' || *p == '-') {
            return console_fail(-EINVAL, "time must be UTC, ending in Z: '%s'", arg);
        }
        return console_fail(-EINVAL, "bad time '%s' (expected " TIME_SYNTAX ")", arg);
    }
    if (*p != '\0') {
        return console_fail(-EINVAL, "bad time '%s' (expected " TIME_SYNTAX ")", arg);
    }
    t.hour = (uint8_t)h;
    t.minute = (uint8_t)mi;
    t.second = (uint8_t)sec;
    int err = check_civil(&t, arg);
    if (err != 0) {
        return err;
    }
    *ns = calendar_to_unix(&t) * NS_PER_S + frac_ns;
    return 0;
}

/* Parses [+|-]<n>[.<f>]<s|ms|us|ns> into ns. Returns 0 or a negative errno, printed. */
static int parse_offset(const char *arg, int64_t *ns)
{
    static const struct {
        const char *name;
        int64_t ns;
        int decimals; /* finer than 1 ns is not representable */
    } units[] = { { "s", NS_PER_S, 9 }, { "ms", 1000000, 6 }, { "us", 1000, 3 }, { "ns", 1, 0 } };
    const char *p = arg;
    bool is_neg = false;
    if (*p == '+' || *p == '-') {
        is_neg = *p++ == '-';
    }
    int64_t whole = 0;
    int int_digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (++int_digits <= 9) { /* more is too large whatever the unit: refused below */
            whole = whole * 10 + (*p - '0');
        }
        p++;
    }
    int64_t frac = 0;
    int frac_digits = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (++frac_digits > 9) {
                return console_fail(-EINVAL, "bad adjustment '%s' (too many decimals)", arg);
            }
            frac = frac * 10 + (*p++ - '0');
        }
        if (frac_digits == 0) {
            int_digits = 0; /* "1." is not a number */
        }
    }
    size_t u = 0;
    while (u < sizeof(units) / sizeof(units[0]) && strcmp(p, units[u].name) != 0) {
        u++;
    }
    if (int_digits == 0 || u == sizeof(units) / sizeof(units[0])) {
        return console_fail(-EINVAL, "bad adjustment '%s' (expected e.g. +250ms, -1.5s, +20us)", arg);
    }
    if (frac_digits > units[u].decimals) {
        return console_fail(-EINVAL, "bad adjustment '%s' (finer than 1 ns)", arg);
    }
    int64_t frac_ns = frac * units[u].ns;
    for (int i = 0; i < frac_digits; i++) {
        frac_ns /= 10;
    }
    int64_t v = whole * units[u].ns + frac_ns;
    if (int_digits > 9 || v > CONSOLE_ADJUST_MAX_NS) {
        char max[32];
        return console_fail(-ERANGE, "adjustment '%s' too large (at most %s s; use time set)", arg,
                            fmt_fixed(max, CONSOLE_ADJUST_MAX_NS, 9, 3, false));
    }
    *ns = is_neg ? -v : v;
    return 0;
}

/* Parses on|off. Returns 0 or a negative errno, printed. */
static int parse_on_off(const char *arg, bool *on)
{
    if (console_is_word(arg, "on")) {
        *on = true;
    } else if (console_is_word(arg, "off")) {
        *on = false;
    } else {
        return console_fail(-EINVAL, "expected on or off, not '%s'", arg);
    }
    return 0;
}

/* Parses a number in min..max, naming what in the error. Returns 0 or an errno, printed. */
static int parse_arg(const char *arg, const char *what, int64_t min, int64_t max, int64_t *v)
{
    int err = parse_int(arg, min, max, v);
    if (err != 0) {
        char lo[24], hi[24];
        return console_fail(err, "bad %s '%s' (expected %s..%s)", what, arg,
                            fmt_i64(lo, min, false), fmt_i64(hi, max, false));
    }
    return 0;
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
        return console_fail(err, "not applied (%s); nothing changed", errno_text(err));
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
    int err = parse_utc(argv[0], &ns);
    if (err != 0) {
        return err;
    }
    memset(&status, 0, sizeof(status));
    app_get_status(&status);
    err = app_set_time(ns);
    if (err != 0) {
        return console_fail(err, "time not set (%s)", errno_text(err));
    }
    char now[40], was[40];
    console_printf("time set to %s (was %s)\n", fmt_iso(now, ns),
                   status.time_state == APP_TIME_SYNCED ? fmt_iso(was, status.now_ns) : "unset");
    return 0;
}

static int cmd_time_adjust(int argc, char *argv[])
{
    (void)argc;
    int64_t ns = 0;
    int err = parse_offset(argv[0], &ns);
    if (err != 0) {
        return err;
    }
    err = app_adjust_time(ns);
    if (err == -ENODATA) {
        return console_fail(err, "the time is not set (use time set)");
    }
    if (err != 0) {
        return console_fail(err, "not adjusted (%s)", errno_text(err));
    }
    char b[32];
    console_printf("slewing %s s\n", fmt_fixed(b, ns, 9, 9, true));
    return 0;
}

static int schedule_leap(enum app_leap leap, const char *arg)
{
    const char *p = arg;
    struct civil_time t;
    if (take_date(&p, &t) != 0 || *p != '\0') {
        return console_fail(-EINVAL, "bad date '%s' (expected YYYY-MM-DD)", arg);
    }
    int err = check_civil(&t, arg);
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
    if (at_s <= floor_s(status.now_ns)) {
        return console_fail(-EINVAL, "%s is not in the future", arg);
    }
    err = app_set_leap(leap, at_s);
    if (err != 0) {
        return console_fail(err, "leap second not scheduled (%s)", errno_text(err));
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
        return console_fail(err, "not cancelled (%s)", errno_text(err));
    }
    console_puts("leap second cancelled\n");
    return 0;
}

/* ------------------------------------------------------------ network -- */

static int cmd_net_dhcp(int argc, char *argv[])
{
    (void)argc;
    bool on = false;
    int err = parse_on_off(argv[0], &on);
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
    if (parse_subnet(argv[0], true, &addr, &prefix) != 0 || prefix == 0u) {
        return console_fail(-EINVAL, "bad address '%s' (expected a.b.c.d/prefix, prefix 1..32)", argv[0]);
    }
    if (argc == 3 && parse_ipv4(argv[2], &gw) != 0) {
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
    int err = parse_arg(argv[0], "stratum", CONFIG_STRATUM_MIN, CONFIG_STRATUM_MAX, &v);
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
    int err = parse_arg(argv[0], "interval_log2", CONFIG_RATELIMIT_INTERVAL_LOG2_MIN,
                        CONFIG_RATELIMIT_INTERVAL_LOG2_MAX, &interval);
    if (err == 0) {
        err = parse_arg(argv[1], "burst", CONFIG_RATELIMIT_BURST_MIN, CONFIG_RATELIMIT_BURST_MAX, &burst);
    }
    if (err == 0) {
        err = parse_arg(argv[2], "leak", CONFIG_RATELIMIT_LEAK_LOG2_MIN, CONFIG_RATELIMIT_LEAK_LOG2_MAX, &leak);
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

/* Parses a subnet that must have no host bits set. Returns 0 or an errno, printed. */
static int parse_exact_subnet(const char *arg, uint32_t *addr, uint8_t *prefix)
{
    if (parse_subnet(arg, false, addr, prefix) != 0) {
        return console_fail(-EINVAL, "bad subnet '%s' (expected a.b.c.d[/prefix], prefix 0..32)", arg);
    }
    uint32_t mask = config_prefix_mask(*prefix);
    if ((*addr & ~mask) != 0u) {
        char b[16];
        return console_fail(-EINVAL, "'%s' has host bits set (did you mean %s/%u?)", arg,
                            fmt_ip(b, *addr & mask), *prefix);
    }
    return 0;
}

static int add_acl(uint8_t action, const char *arg)
{
    uint32_t addr = 0;
    uint8_t prefix = 0;
    int err = parse_exact_subnet(arg, &addr, &prefix);
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
    int err = parse_exact_subnet(argv[0], &addr, &prefix);
    if (err != 0) {
        return err;
    }
    s->mgmt = CONFIG_MGMT_SUBNET;
    s->mgmt_addr = addr;
    s->mgmt_prefix = prefix;
    return commit();
}

/* -------------------------------------------------------------- peers -- */

/* Parses <a.b.c.d>|off into *addr (0 = off). Returns 0 or an errno, printed. */
static int parse_host_or_off(const char *arg, uint32_t *addr)
{
    if (console_is_word(arg, "off")) {
        *addr = 0;
        return 0;
    }
    if (parse_ipv4(arg, addr) != 0 || *addr == 0u) {
        return console_fail(-EINVAL, "bad address '%s' (expected a.b.c.d or off)", arg);
    }
    return 0;
}

static int cmd_upstream(int argc, char *argv[])
{
    (void)argc;
    uint32_t addr = 0;
    int err = parse_host_or_off(argv[0], &addr);
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
    int err = parse_host_or_off(argv[0], &addr);
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
    int err = parse_arg(argv[0], "trim ppb", -CONFIG_TRIM_PPB_MAX, CONFIG_TRIM_PPB_MAX, &v);
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
    int err = parse_arg(argv[0], "drift ppb", CONFIG_RTC_DRIFT_PPB_MIN, CONFIG_RTC_DRIFT_PPB_MAX, &v);
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
    int err = parse_arg(argv[1], "max_ms", CONFIG_STRICT_MAX_MS_MIN, CONFIG_STRICT_MAX_MS_MAX, &v);
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
    char a[40], b[40];
    console_printf("time: %s\n", fmt_iso(a, st->now_ns));
    console_printf("state: %s\n", st->time_state == APP_TIME_SYNCED ? "SYNCED" : "UNSET");
    if (st->last_set_source == CONFIG_TIME_SOURCE_NONE || st->last_set_unix_s == 0) {
        console_puts("last set: never\n");
    } else {
        int64_t age_s = floor_s(st->now_ns) - st->last_set_unix_s;
        console_printf("last set: %s by %s, %s%s\n", fmt_iso_s(a, st->last_set_unix_s, 0, false),
                       source_name(st->last_set_source),
                       fmt_duration(b, magnitude(age_s)), age_s >= 0 ? " ago" : " in the future");
    }
    console_printf("root dispersion: %s ms\n", fmt_fixed(a, st->root_dispersion_ns, 6, 3, false));
    console_printf("frequency: %ld ppb\n", (long)st->freq_ppb);
    if (st->slew_left_ns != 0) {
        console_printf("adjusting: %s s left\n", fmt_fixed(a, st->slew_left_ns, 9, 9, true));
    }
    if (st->leap == APP_LEAP_NONE) {
        console_puts("leap second: none pending\n");
    } else {
        console_printf("leap second: %s at the end of %s\n",
                       st->leap == APP_LEAP_INSERT ? "insert" : "delete",
                       fmt_date(a, st->leap_at_unix_s - S_PER_DAY));
    }
}

static void print_system_status(const struct app_status *st)
{
    char a[40];
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
    console_printf("uptime: %s\n", fmt_duration(a, st->uptime_s));
    console_printf("reset cause: %s\n", st->reset_cause != NULL ? st->reset_cause : "unknown");
    if (st->stack_size != 0) {
        console_printf("stack: %lu of %lu bytes used at most\n", (unsigned long)st->stack_used,
                       (unsigned long)st->stack_size);
    }
}

static void print_net_status(const struct app_status *st, const struct settings *cfg)
{
    char a[16], m[16], g[16];
    if (st->net_addr == 0u) {
        console_printf("net: no address yet, %s, link %s\n", st->is_dhcp ? "DHCP" : "static",
                       st->is_link_up ? "up" : "down");
    } else {
        console_printf("net: %s mask %s gw %s, link %s\n", fmt_ip(a, st->net_addr),
                       fmt_ip(m, st->net_mask),
                       st->net_gateway != 0u ? fmt_ip(g, st->net_gateway) : "none",
                       st->is_link_up ? "up" : "down");
    }
    if (st->is_dhcp) {
        console_printf("dhcp: lease %lu s, %lu s left\n", (unsigned long)st->dhcp_lease_s,
                       (unsigned long)st->dhcp_lease_left_s);
    } else {
        console_puts("dhcp: off (static address)\n");
    }
    console_printf("upstream: %s\n", cfg->upstream_addr != 0u ? fmt_ip(a, cfg->upstream_addr) : "off");
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
        char a[16];
        console_printf(" %s (%lu)", fmt_ip(a, st->top_clients[i].addr),
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
    char a[16], b[16];
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
        console_printf("net ip %s/%u", fmt_ip(a, s->ip_addr), s->ip_prefix);
        if (s->gateway != 0u) {
            console_printf(" gw %s", fmt_ip(b, s->gateway));
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
                       fmt_ip(a, s->acl[i].addr), s->acl[i].prefix);
    }
    if (s->mgmt == CONFIG_MGMT_SUBNET) {
        console_printf("ntp mgmt %s/%u\n", fmt_ip(a, s->mgmt_addr), s->mgmt_prefix);
    } else {
        console_printf("ntp mgmt %s\n", s->mgmt == CONFIG_MGMT_LOCAL ? "local" : "none");
    }
    console_printf("upstream %s\n", s->upstream_addr != 0u ? fmt_ip(a, s->upstream_addr) : "off");
    console_printf("log %s\n", s->syslog_addr != 0u ? fmt_ip(a, s->syslog_addr) : "off");
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
                            errno_text(err));
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
                            errno_text(err));
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
    { "time set", TIME_SYNTAX, "set the clock (UTC, 2000..2099)", 1, 1, cmd_time_set },
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
