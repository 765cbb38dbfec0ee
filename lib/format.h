/*
 * The firmware's own snprintf/vsnprintf (format.c, replacing newlib-nano's;
 * hardware-free, in lib/), declared here for the host unit tests, which
 * build them under another name (FORMAT_PREFIX). Firmware code simply
 * includes <stdio.h>.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Host unit tests (-DUNIT_TEST) get the functions as fmt_*, beside the host's. */
#if defined(UNIT_TEST) && !defined(FORMAT_PREFIX)
#define FORMAT_PREFIX fmt_
#endif

#ifdef FORMAT_PREFIX
/*
 * Formats into buf (at most size - 1 characters, then a NUL if size > 0).
 * Returns the length the whole output would have had, as C99 says.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* As fmt_vsnprintf with the arguments inline. Returns the same. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#else
/*
 * Formats into buf (at most size - 1 characters, then a NUL if size > 0).
 * Returns the length the whole output would have had, as C99 says.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* As vsnprintf with the arguments inline. Returns the same. */
int snprintf(char *buf, size_t size, const char *fmt, ...);
#endif

#endif /* LIB_FORMAT_H */
