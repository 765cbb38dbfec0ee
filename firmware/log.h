/*
 * Event log: one line per event on the console, prefixed with the uptime,
 * and handed to a second sink (syslog) when one is registered.
 */
#ifndef FIRMWARE_LOG_H
#define FIRMWARE_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Severities as RFC 5424 numbers them. */
enum log_severity {
    LOG_ERR = 3,
    LOG_WARNING = 4,
    LOG_NOTICE = 5,
    LOG_INFO = 6,
};

/* Where console output goes (non-blocking); returns bytes accepted. */
typedef size_t (*log_write_fn)(const char *buf, size_t len);
/* Second sink for events (syslog): gets the severity and the bare message. */
typedef void (*log_event_fn)(enum log_severity sev, const char *msg);
/* Milliseconds since boot, for the line prefix. */
typedef uint64_t (*log_uptime_fn)(void);

void log_init(log_write_fn write, log_uptime_fn uptime_ms);
void log_set_event_sink(log_event_fn sink);

/* Logs one event line ("[  12.345] msg"); the message is truncated at 160 bytes. */
void log_event(enum log_severity sev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Console output without prefix or syslog copy (command replies, banner). */
void log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* FIRMWARE_LOG_H */
