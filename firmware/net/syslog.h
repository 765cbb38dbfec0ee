/*
 * RFC 5424 syslog messages for UDP transport (RFC 5426), formatted into a
 * caller's buffer; the caller sends them (lwIP udp_sendto to port 514).
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG
 *   <30>1 2026-11-25T18:40:00.123Z 192.168.1.10 ntp-appliance - RTC - RTC set from upstream
 *
 * Pure formatting: no I/O, no clock reads, no heap. Relies on
 * lib/calendar.h for the date. STRUCTURED-DATA is always "-"; MSG is
 * plain ASCII (MSG-ANY, so no BOM), with control characters replaced by
 * spaces so that one datagram stays one log line.
 */
#ifndef NET_SYSLOG_H
#define NET_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

/*
 * RFC 5426 section 3.2: receivers must take 480 octets over IPv4, should
 * take 2048. A buffer of this size, sent as is, needs no fragmentation.
 */
#define SYSLOG_MSG_LEN_MAX 480u
#define SYSLOG_UDP_PORT    514u
#define SYSLOG_APP_NAME    "ntp-appliance"

/* Field limits, RFC 5424 section 6 (ABNF). */
#define SYSLOG_HOSTNAME_LEN_MAX 255u
#define SYSLOG_APP_NAME_LEN_MAX 48u
#define SYSLOG_PROCID_LEN_MAX   128u
#define SYSLOG_MSGID_LEN_MAX    32u

/* A time_ns meaning "no trustworthy time": the TIMESTAMP field becomes "-". */
#define SYSLOG_TIME_UNKNOWN INT64_MIN

/* RFC 5424 table 1. */
enum syslog_facility {
    SYSLOG_FACILITY_KERN = 0,
    SYSLOG_FACILITY_USER = 1,
    SYSLOG_FACILITY_DAEMON = 3,
    SYSLOG_FACILITY_NTP = 12,
    SYSLOG_FACILITY_LOCAL0 = 16,
    SYSLOG_FACILITY_LOCAL7 = 23,
};

/* RFC 5424 table 2. */
enum syslog_severity {
    SYSLOG_EMERG = 0,
    SYSLOG_ALERT = 1,
    SYSLOG_CRIT = 2,
    SYSLOG_ERR = 3,
    SYSLOG_WARNING = 4,
    SYSLOG_NOTICE = 5,
    SYSLOG_INFO = 6,
    SYSLOG_DEBUG = 7,
};

/* Who is talking: the same for every message; the caller owns the strings. */
struct syslog_origin {
    enum syslog_facility facility; /* 0..23 */
    const char *hostname;          /* name or dotted IP; NULL or "" gives "-" */
    const char *app_name;          /* NULL gives SYSLOG_APP_NAME */
    const char *procid;            /* NULL gives "-" */
};

/*
 * Formats one message into buf (len bytes, NUL-terminated). time_ns is
 * UTC nanoseconds since 1970, written with milliseconds rounded down
 * ("2026-11-25T18:40:00.123Z"), or SYSLOG_TIME_UNKNOWN (any negative
 * value) for "-" when the time is not trusted. msgid names the event ("RTC",
 * "SYNC"; NULL gives "-"). msg may be NULL or empty (no MSG part).
 * If msg does not fit, it is cut to fit; the header never is.
 * Returns the message length (bytes before the NUL) or -EINVAL (facility,
 * severity, or a header field that is too long or holds characters outside
 * printable ASCII 33..126), -ENOSPC (the header alone does not fit).
 */
int syslog_format(char *buf, size_t len, const struct syslog_origin *origin,
                  enum syslog_severity severity, const char *msgid, int64_t time_ns,
                  const char *msg);

/*
 * As syslog_format, with MSG built from a printf format (the firmware's own,
 * lib/format.c: no floating point). Returns as syslog_format.
 */
int syslog_formatf(char *buf, size_t len, const struct syslog_origin *origin,
                   enum syslog_severity severity, const char *msgid, int64_t time_ns,
                   const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/*
 * Writes the dotted-quad form of an IPv4 address given as its four octets
 * in network order (ip[0] first), for origin->hostname. buf must hold 16
 * bytes. Returns the length written, or -EINVAL (len < 16).
 */
int syslog_format_ipv4(char *buf, size_t len, const uint8_t ip[4]);

#endif /* NET_SYSLOG_H */
