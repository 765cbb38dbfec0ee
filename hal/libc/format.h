/*
 * The firmware's own snprintf/vsnprintf (format.c), declared here for the
 * host unit tests, which build them under another name (FORMAT_PREFIX).
 * Firmware code simply includes <stdio.h>.
 */
#ifndef HAL_LIBC_FORMAT_H
#define HAL_LIBC_FORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Host unit tests (-DUNIT_TEST) get the functions as fmt_*, beside the host's. */
#if defined(UNIT_TEST) && !defined(FORMAT_PREFIX)
#define FORMAT_PREFIX fmt_
#endif

#ifdef FORMAT_PREFIX
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#else
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...);
#endif

#endif /* HAL_LIBC_FORMAT_H */
