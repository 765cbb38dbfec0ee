/*
 * The console's text (see text.h): errors, numbers, addresses and times as
 * the commands print them, and the parsers of what the operator types.
 * Every number goes through snprintf (the firmware's own, lib/format.c,
 * which has 64-bit conversions); only fixed point needs a few lines here.
 */
#include "console/text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/calendar.h"
#include "config/config.h"
#include "console/commands.h"
#include "console/console.h"

#define NS_PER_S     1000000000LL
#define S_PER_DAY    86400LL
#define RTC_YEAR_MIN 2000
#define RTC_YEAR_MAX 2099

/* ---------------------------------------------------------- formatting -- */

const char *text_errno(int err)
{
    switch (err) {
    case -EINVAL: return "invalid";
    case -EIO: return "I/O error";
    case -ETIMEDOUT: return "timed out";
    case -ENODATA: return "no data";
    case -ENODEV: return "no device";
    case -EBUSY: return "busy";
    case -ERANGE: return "out of range";
    case -ENOSPC: return "no space";
    default: return "failed";
    }
}

char *text_fmt_fixed(char *buf, int64_t v, unsigned scale_log10, unsigned decimals, bool plus)
{
    uint64_t scale = 1u;
    for (unsigned i = 0; i < scale_log10; i++) {
        scale *= 10u;
    }
    uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    uint64_t frac = mag % scale;
    for (unsigned i = decimals; i < scale_log10; i++) {
        frac /= 10u;
    }
    snprintf(buf, TEXT_FIXED_SIZE, "%s%llu.%0*llu",
             v < 0  ? "-"
             : plus ? "+"
                    : "",
             (unsigned long long)(mag / scale), (int)decimals, (unsigned long long)frac);
    return buf;
}

char *text_fmt_ip(char *buf, uint32_t addr)
{
    snprintf(buf, TEXT_IP_SIZE, "%u.%u.%u.%u", (unsigned)(addr >> 24),
             (unsigned)(addr >> 16 & 0xFFu), (unsigned)(addr >> 8 & 0xFFu),
             (unsigned)(addr & 0xFFu));
    return buf;
}

int64_t text_unix_s(int64_t ns)
{
    int64_t s = ns / NS_PER_S;
    return (ns % NS_PER_S < 0) ? s - 1 : s;
}

/* Writes unix second s (plus ms when with_ms) as ISO 8601 UTC into buf. Returns buf. */
static char *fmt_iso(char *buf, int64_t s, unsigned ms, bool with_ms)
{
    struct civil_time t;
    calendar_from_unix(s, &t);
    int n = snprintf(buf, TEXT_TIME_SIZE, "%04ld-%02u-%02uT%02u:%02u:%02u", (long)t.year, t.month,
                     t.day, t.hour, t.minute, t.second);
    if (n > 0 && n < 30) {
        if (with_ms) {
            n += snprintf(buf + n, (size_t)(TEXT_TIME_SIZE - n), ".%03u", ms % 1000u);
        }
        buf[n] = 'Z';
        buf[n + 1] = '\0';
    }
    return buf;
}

char *text_fmt_time_ms(char *buf, int64_t ns)
{
    int64_t s = text_unix_s(ns);
    return fmt_iso(buf, s, (unsigned)((ns - s * NS_PER_S) / 1000000), true);
}

char *text_fmt_time_s(char *buf, int64_t s)
{
    return fmt_iso(buf, s, 0, false);
}

char *text_fmt_date(char *buf, int64_t s)
{
    struct civil_time t;
    calendar_from_unix(s, &t);
    snprintf(buf, TEXT_TIME_SIZE, "%04ld-%02u-%02u", (long)t.year, t.month, t.day);
    return buf;
}

char *text_fmt_duration(char *buf, uint64_t s)
{
    unsigned long days = (unsigned long)(s / (uint64_t)S_PER_DAY);
    unsigned rest = (unsigned)(s % (uint64_t)S_PER_DAY);
    if (days > 0u) {
        snprintf(buf, TEXT_TIME_SIZE, "%lud %02u:%02u:%02u", days, rest / 3600u, rest / 60u % 60u,
                 rest % 60u);
    } else {
        snprintf(buf, TEXT_TIME_SIZE, "%02u:%02u:%02u", rest / 3600u, rest / 60u % 60u, rest % 60u);
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

int text_parse_ipv4(const char *s, uint32_t *out)
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

int text_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int text_parse_mac(const char *s, uint8_t out[6])
{
    uint8_t mac[6];
    char sep = s[2];
    if (sep != ':' && sep != '-') {
        return -EINVAL;
    }
    for (unsigned i = 0; i < 6u; i++, s += 3) {
        int hi = text_hex_digit(s[0]);
        int lo = hi < 0 ? -1 : text_hex_digit(s[1]);
        if (lo < 0 || s[2] != (i < 5u ? sep : '\0')) {
            return -EINVAL;
        }
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(out, mac, sizeof(mac));
    return 0;
}

char *text_fmt_mac(char *buf, const uint8_t mac[6])
{
    snprintf(buf, TEXT_MAC_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
    return buf;
}

int text_parse_subnet(const char *s, bool is_prefix_required, uint32_t *addr, uint8_t *prefix)
{
    char ip[16];
    const char *slash = strchr(s, '/');
    size_t len = slash != NULL ? (size_t)(slash - s) : strlen(s);
    if (len >= sizeof(ip) || (slash == NULL && is_prefix_required)) {
        return -EINVAL;
    }
    memcpy(ip, s, len);
    ip[len] = '\0';
    if (text_parse_ipv4(ip, addr) != 0) {
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

int text_parse_date(const char *s, struct civil_time *t)
{
    if (take_date(&s, t) != 0 || *s != '\0') {
        return -EINVAL;
    }
    return 0;
}

int text_check_civil(const struct civil_time *t, const char *arg)
{
    if (calendar_validate(t) != 0) {
        return console_fail(-EINVAL, "no such date or time '%s'", arg);
    }
    if (t->year < RTC_YEAR_MIN || t->year > RTC_YEAR_MAX) {
        return console_fail(-ERANGE, "year must be %d..%d (the RTC's range), not %ld", RTC_YEAR_MIN,
                            RTC_YEAR_MAX, (long)t->year);
    }
    return 0;
}

int text_parse_utc(const char *arg, int64_t *ns)
{
    const char *p = arg;
    struct civil_time t;
    uint32_t h, mi, sec;
    if (take_date(&p, &t) != 0 || take_char(&p, 'T') != 0 || take_digits(&p, 2, &h) != 0 ||
        take_char(&p, ':') != 0 || take_digits(&p, 2, &mi) != 0 || take_char(&p, ':') != 0 ||
        take_digits(&p, 2, &sec) != 0) {
        return console_fail(-EINVAL, "bad time '%s' (expected " TEXT_TIME_SYNTAX ")", arg);
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
            return console_fail(-EINVAL, "bad time '%s' (expected " TEXT_TIME_SYNTAX ")", arg);
        }
    }
    if (take_char(&p, 'Z') != 0) {
        if (*p == '\0' || *p == '+' || *p == '-') {
            return console_fail(-EINVAL, "time must be UTC, ending in Z: '%s'", arg);
        }
        return console_fail(-EINVAL, "bad time '%s' (expected " TEXT_TIME_SYNTAX ")", arg);
    }
    if (*p != '\0') {
        return console_fail(-EINVAL, "bad time '%s' (expected " TEXT_TIME_SYNTAX ")", arg);
    }
    t.hour = (uint8_t)h;
    t.minute = (uint8_t)mi;
    t.second = (uint8_t)sec;
    int err = text_check_civil(&t, arg);
    if (err != 0) {
        return err;
    }
    *ns = calendar_to_unix(&t) * NS_PER_S + frac_ns;
    return 0;
}

int text_parse_offset(const char *arg, int64_t *ns)
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
        return console_fail(-EINVAL, "bad adjustment '%s' (expected e.g. +250ms, -1.5s, +20us)",
                            arg);
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
                            text_fmt_fixed(max, CONSOLE_ADJUST_MAX_NS, 9, 3, false));
    }
    *ns = is_neg ? -v : v;
    return 0;
}

int text_parse_on_off(const char *arg, bool *on)
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

int text_parse_arg(const char *arg, const char *what, int64_t min, int64_t max, int64_t *v)
{
    int err = parse_int(arg, min, max, v);
    if (err != 0) {
        return console_fail(err, "bad %s '%s' (expected %lld..%lld)", what, arg, (long long)min,
                            (long long)max);
    }
    return 0;
}

int text_parse_exact_subnet(const char *arg, uint32_t *addr, uint8_t *prefix)
{
    if (text_parse_subnet(arg, false, addr, prefix) != 0) {
        return console_fail(-EINVAL, "bad subnet '%s' (expected a.b.c.d[/prefix], prefix 0..32)",
                            arg);
    }
    uint32_t mask = config_prefix_mask(*prefix);
    if ((*addr & ~mask) != 0u) {
        char b[TEXT_IP_SIZE];
        return console_fail(-EINVAL, "'%s' has host bits set (did you mean %s/%u?)", arg,
                            text_fmt_ip(b, *addr & mask), *prefix);
    }
    return 0;
}

int text_parse_host_or_off(const char *arg, uint32_t *addr)
{
    if (console_is_word(arg, "off")) {
        *addr = 0;
        return 0;
    }
    if (text_parse_ipv4(arg, addr) != 0 || *addr == 0u) {
        return console_fail(-EINVAL, "bad address '%s' (expected a.b.c.d or off)", arg);
    }
    return 0;
}
