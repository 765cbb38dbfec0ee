/*
 * Event log: formats into a bounded buffer, never allocates, never blocks
 * (the console sink drops what its ring cannot take).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

#define LOG_LINE_MAX 192

static log_write_fn out;
static log_uptime_fn uptime;
static log_event_fn event_sink;

void log_init(log_write_fn write, log_uptime_fn uptime_ms)
{
    out = write;
    uptime = uptime_ms;
}

void log_set_event_sink(log_event_fn sink)
{
    event_sink = sink;
}

void log_event(enum log_severity sev, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    uint64_t ms = uptime ? uptime() : 0;
    int prefix = snprintf(line, sizeof(line), "[%6lu.%03lu] ", (unsigned long)(ms / 1000u),
                          (unsigned long)(ms % 1000u));
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + prefix, sizeof(line) - (size_t)prefix - 2u, fmt, ap);
    va_end(ap);
    size_t len = (size_t)prefix + ((n < 0) ? 0u : (size_t)n);
    if (len > sizeof(line) - 3u) {
        len = sizeof(line) - 3u;
    }
    if (event_sink) {
        line[len] = '\0';
        event_sink(sev, line + prefix);
    }
    line[len++] = '\r';
    line[len++] = '\n';
    if (out) {
        out(line, len);
    }
}

void log_raw(const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1u;
    if (out) {
        out(line, len);
    }
}
