/*
 * The console's text: how the commands print errors, numbers, addresses
 * and times, and how they read what the operator typed.
 *
 * Formatters write into the caller's buffer (of the size named by the
 * TEXT_*_SIZE constant) and return it, so that they can be arguments of
 * console_printf(). Parsers come in two kinds: the quiet ones only return
 * -EINVAL; those documented as "printed" also print the console's one
 * "error: ..." line, naming the argument, and return its errno.
 * Addresses are IPv4 in host byte order. Times are UTC, in ns or seconds
 * since 1970-01-01.
 */
#ifndef CONSOLE_TEXT_H
#define CONSOLE_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/calendar.h"

/* What `time set` accepts. */
#define TEXT_TIME_SYNTAX "YYYY-MM-DDTHH:MM:SS[.fff]Z"

/* Buffer sizes for the formatters, terminating NUL included. */
#define TEXT_IP_SIZE    16u /* "255.255.255.255" */
#define TEXT_TIME_SIZE  40u /* ISO 8601 time, date or duration */
#define TEXT_FIXED_SIZE 32u /* a signed 64-bit fixed-point number */

/* Returns a few words for a negative errno ("timed out"), "failed" if unknown. */
const char *text_errno(int err);

/* Returns the unix second that contains ns (rounded down, before 1970 too). */
int64_t text_unix_s(int64_t ns);

/*
 * Writes v / 10^scale_log10 with decimals (1..scale_log10) digits after the
 * point, truncated, and '-' or (when plus) '+' before it: "-1.500000001".
 * Returns buf (TEXT_FIXED_SIZE bytes).
 */
char *text_fmt_fixed(char *buf, int64_t v, unsigned scale_log10, unsigned decimals, bool plus);

/* Writes addr as a.b.c.d. Returns buf (TEXT_IP_SIZE bytes). */
char *text_fmt_ip(char *buf, uint32_t addr);

/* Writes ns as YYYY-MM-DDTHH:MM:SS.mmmZ (truncated). Returns buf (TEXT_TIME_SIZE bytes). */
char *text_fmt_time_ms(char *buf, int64_t ns);

/* Writes unix second s as YYYY-MM-DDTHH:MM:SSZ. Returns buf (TEXT_TIME_SIZE bytes). */
char *text_fmt_time_s(char *buf, int64_t s);

/* Writes the date of unix second s as YYYY-MM-DD. Returns buf (TEXT_TIME_SIZE bytes). */
char *text_fmt_date(char *buf, int64_t s);

/* Writes s seconds as "HH:MM:SS", from a day on "Nd HH:MM:SS". Returns buf (TEXT_TIME_SIZE bytes). */
char *text_fmt_duration(char *buf, uint64_t s);

/* Parses a.b.c.d (decimal, no leading zeros). Returns 0 or -EINVAL (quiet). */
int text_parse_ipv4(const char *s, uint32_t *out);

/* Returns the value of a hex digit (0-9, a-f, A-F), or -1. */
int text_hex_digit(char c);

/*
 * Parses an Ethernet address written as six pairs of hex digits separated
 * by ':' or '-'. Returns 0 with *out filled, or -EINVAL.
 */
int text_parse_mac(const char *s, uint8_t out[6]);

/* Writes mac as aa:bb:cc:dd:ee:ff. Returns buf (TEXT_MAC_SIZE bytes). */
#define TEXT_MAC_SIZE 18u
char *text_fmt_mac(char *buf, const uint8_t mac[6]);

/*
 * Parses a.b.c.d/prefix (prefix 0..32); without "/prefix" the prefix is 32,
 * or the text is refused when is_prefix_required. Returns 0 or -EINVAL (quiet).
 */
int text_parse_subnet(const char *s, bool is_prefix_required, uint32_t *addr, uint8_t *prefix);

/*
 * Parses a subnet as text_parse_subnet() does, refusing one with host bits
 * set (it names the subnet meant). Returns 0 or -EINVAL, printed.
 */
int text_parse_exact_subnet(const char *arg, uint32_t *addr, uint8_t *prefix);

/* Parses a.b.c.d (not 0.0.0.0) or "off" (*addr = 0). Returns 0 or -EINVAL, printed. */
int text_parse_host_or_off(const char *arg, uint32_t *addr);

/*
 * Parses YYYY-MM-DD, nothing after it, into t (time 00:00:00); does not
 * check that the date exists. Returns 0 or -EINVAL (quiet).
 */
int text_parse_date(const char *s, struct civil_time *t);

/*
 * Checks a parsed date and time: one that exists, in the RTC's years
 * (2000..2099); arg is the text it came from, for the error line.
 * Returns 0, -EINVAL (no such date or time) or -ERANGE (year), printed.
 */
int text_check_civil(const struct civil_time *t, const char *arg);

/*
 * Parses an ISO 8601 UTC time (TEXT_TIME_SYNTAX, 'T' and 'Z' in either
 * case, up to 9 decimals, '.' or ',') into *ns. Returns 0, or -EINVAL /
 * -ERANGE as text_check_civil(), printed.
 */
int text_parse_utc(const char *arg, int64_t *ns);

/*
 * Parses an adjustment, [+|-]<n>[.<f>]<s|ms|us|ns>, of at most
 * CONSOLE_ADJUST_MAX_NS, into *ns. Returns 0, -EINVAL (not one, or finer
 * than 1 ns) or -ERANGE (too large), printed.
 */
int text_parse_offset(const char *arg, int64_t *ns);

/* Parses on|off (any case) into *on. Returns 0 or -EINVAL, printed. */
int text_parse_on_off(const char *arg, bool *on);

/*
 * Parses a decimal integer in min..max (an optional sign, nothing else);
 * what names it in the error line. Returns 0, -EINVAL (not a number) or
 * -ERANGE (outside min..max), printed.
 */
int text_parse_arg(const char *arg, const char *what, int64_t min, int64_t max, int64_t *v);

#endif /* CONSOLE_TEXT_H */
