/*
 * RFC 5424 message formatting for syslog over UDP (see syslog.h).
 *
 * The header is built with one snprintf; MSG is appended in place and
 * cleaned there (control characters to spaces, no UTF-8 sequence cut in
 * half), so nothing needs a second buffer.
 */
#include "net/syslog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/calendar.h"

#define NS_PER_S     1000000000LL
#define NS_PER_MS    1000000LL
#define FACILITY_MAX 23u
#define SEVERITY_MAX 7u
/*
 * "2026-11-25T18:40:00.123Z" is 24 characters; the buffer also holds what
 * the compiler cannot rule out (an int32 year, uint8 fields), 36 + NUL.
 */
#define TIMESTAMP_LEN 40u

/*
 * Returns true if s is a valid header field: 1..max_len characters, each
 * PRINTUSASCII (33..126), RFC 5424 section 6.
 */
static bool is_field_ok(const char *s, size_t max_len)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        unsigned char c = (unsigned char)s[n];
        if (c < 33u || c > 126u || n == max_len) {
            return false;
        }
    }
    return n > 0;
}

/* RFC 5424 section 6.2.3 TIMESTAMP with TIME-SECFRAC in milliseconds, or "-". */
static void format_timestamp(int64_t time_ns, char *ts)
{
    if (time_ns < 0) {
        strcpy(ts, "-");
        return;
    }
    struct civil_time t;
    int64_t unix_s = time_ns / NS_PER_S;
    unsigned ms = (unsigned)((time_ns % NS_PER_S) / NS_PER_MS);
    calendar_from_unix(unix_s, &t);
    snprintf(ts, TIMESTAMP_LEN, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", (int)t.year,
             (unsigned)t.month, (unsigned)t.day, (unsigned)t.hour, (unsigned)t.minute,
             (unsigned)t.second, ms);
}

/* Writes "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID -". Returns its length or -errno. */
static int format_header(char *buf, size_t len, const struct syslog_origin *origin,
                         enum syslog_severity severity, const char *msgid, int64_t time_ns)
{
    if (buf == NULL || len == 0 || origin == NULL || (unsigned)origin->facility > FACILITY_MAX ||
        (unsigned)severity > SEVERITY_MAX) {
        return -EINVAL;
    }
    const char *host = origin->hostname;
    if (host == NULL || host[0] == '\0') {
        host = "-";
    }
    const char *app = origin->app_name != NULL ? origin->app_name : SYSLOG_APP_NAME;
    const char *procid = origin->procid != NULL ? origin->procid : "-";
    if (msgid == NULL) {
        msgid = "-";
    }
    if (!is_field_ok(host, SYSLOG_HOSTNAME_LEN_MAX) || !is_field_ok(app, SYSLOG_APP_NAME_LEN_MAX) ||
        !is_field_ok(procid, SYSLOG_PROCID_LEN_MAX) || !is_field_ok(msgid, SYSLOG_MSGID_LEN_MAX)) {
        return -EINVAL;
    }
    char ts[TIMESTAMP_LEN];
    format_timestamp(time_ns, ts);
    unsigned pri = (unsigned)origin->facility * 8u + (unsigned)severity;
    int n = snprintf(buf, len, "<%u>1 %s %s %s %s %s -", pri, ts, host, app, procid, msgid);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = '\0';
        return -ENOSPC;
    }
    return n;
}

/*
 * MSG has been written at buf[start..] (wanted bytes, of which what fits
 * before len - 1 is there). Cleans it and returns the final message length.
 * buf[start - 1] is the space separating it from the header.
 */
static int finish_msg(char *buf, size_t len, size_t start, size_t wanted)
{
    size_t end = start + wanted;
    if (end > len - 1) {
        end = len - 1;
        /* Cut before a multi-byte UTF-8 sequence the cut would split. */
        size_t i = end;
        while (i > start && ((unsigned char)buf[i - 1] & 0xC0u) == 0x80u) {
            i--;
        }
        if (i > start) {
            unsigned char lead = (unsigned char)buf[i - 1];
            size_t need = lead >= 0xF0u ? 4 : lead >= 0xE0u ? 3 : lead >= 0xC0u ? 2 : 1;
            if (i - 1 + need > end) {
                end = i - 1;
            }
        }
    }
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20u || c == 0x7Fu) {
            buf[i] = ' ';
        }
    }
    if (end == start) {
        end = start - 1; /* no MSG after all: drop the separating space */
    }
    buf[end] = '\0';
    return (int)end;
}

int syslog_format(char *buf, size_t len, const struct syslog_origin *origin,
                  enum syslog_severity severity, const char *msgid, int64_t time_ns,
                  const char *msg)
{
    int n = format_header(buf, len, origin, severity, msgid, time_ns);
    if (n < 0 || msg == NULL || msg[0] == '\0' || (size_t)n + 2 > len - 1) {
        return n;
    }
    size_t start = (size_t)n + 1;
    size_t wanted = strlen(msg);
    size_t room = len - 1 - start;
    buf[n] = ' ';
    memcpy(&buf[start], msg, wanted < room ? wanted : room);
    return finish_msg(buf, len, start, wanted);
}

int syslog_formatf(char *buf, size_t len, const struct syslog_origin *origin,
                   enum syslog_severity severity, const char *msgid, int64_t time_ns,
                   const char *fmt, ...)
{
    int n = format_header(buf, len, origin, severity, msgid, time_ns);
    if (n < 0 || fmt == NULL || (size_t)n + 2 > len - 1) {
        return n;
    }
    size_t start = (size_t)n + 1;
    va_list ap;
    va_start(ap, fmt);
    int wanted = vsnprintf(&buf[start], len - start, fmt, ap);
    va_end(ap);
    if (wanted <= 0) {
        buf[n] = '\0';
        return n;
    }
    buf[n] = ' ';
    return finish_msg(buf, len, start, (size_t)wanted);
}

int syslog_format_ipv4(char *buf, size_t len, const uint8_t ip[4])
{
    if (buf == NULL || len < 16 || ip == NULL) {
        return -EINVAL;
    }
    return snprintf(buf, len, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}
