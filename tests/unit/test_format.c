/*
 * The firmware's snprintf against the host's, for every format the
 * firmware uses and the corners of each (widths, flags, precision, limits,
 * truncation, the returned length).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"

#define SAME(...)                                                                                  \
    do {                                                                                           \
        char want[256], got[256];                                                                  \
        int nw = snprintf(want, sizeof(want), __VA_ARGS__);                                        \
        int ng = fmt_snprintf(got, sizeof(got), __VA_ARGS__);                                      \
        if (nw != ng || strcmp(want, got) != 0) {                                                  \
            fail_msg("format %s: host \"%s\" (%d), ours \"%s\" (%d)", #__VA_ARGS__, want, nw, got, \
                     ng);                                                                          \
        }                                                                                          \
    } while (0)

static void test_integers(void **unused)
{
    (void)unused;
    SAME("%d %d %d", 0, -1, 42);
    SAME("%d %d", INT_MAX, INT_MIN);
    SAME("%u %u", 0u, UINT_MAX);
    SAME("%ld %lu", LONG_MIN, ULONG_MAX);
    SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
    SAME("%lld..%lld %lld", -500000LL, 500000LL, 0LL);
    SAME("[%s%llu.%0*llu] [%s%llu.%0*llu]", "-", 1ULL, 9, 500000001ULL, "+", 0ULL, 9, 999ULL);
    SAME("[%0*llu] [%0*llu] [%.*llu]", 3, 0ULL, 3, 12345ULL, 6, 123ULL);
    SAME("%zu %hu %hhu %hd %hhd", (size_t)12345, (unsigned short)65535, (unsigned char)255,
         (short)-32768, (signed char)-128);
    SAME("%02u:%02u:%02u", 5u, 59u, 0u);
    SAME("%03u %03lu %04d %04ld %6lu", 7u, 12UL, -5, 123L, 99UL);
    SAME("%02x %08lx %x %X %o", 0xABu, 0xDEADBEEFUL, 0u, 0xBEEFu, 8u);
    SAME("[%5d] [%-5d] [%05d] [%+d] [% d] [%+05d]", 42, 42, -42, 7, 7, -3);
    SAME("[%.3d] [%8.3d] [%-8.3d] [%.0d]", 5, -5, 5, 0);
}

static void test_strings_and_chars(void **unused)
{
    (void)unused;
    SAME("%s|%s", "abc", "");
    SAME("[%10s] [%-10s] [%.2s] [%.4s] [%6.2s]", "left", "right", "abcdef", "LOCL", "xyz");
    SAME("[%-*s] [%*s]", 12, "help", 3, "toolong");
    SAME("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
    SAME("100%% %s", "sure");
    SAME("[%*d] [%-*d]", -6, 1, 4, 2);
}

static int fmt_vsnprintf_wrap(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void test_truncation_and_length(void **unused)
{
    (void)unused;
    char buf[8];
    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
    assert_string_equal(buf, "0123456");
    assert_int_equal(fmt_snprintf(buf, 1, "%d", 12345), 5);
    assert_string_equal(buf, "");
    buf[0] = 'Q';
    assert_int_equal(fmt_snprintf(buf, 0, "abc"), 3);
    assert_int_equal(buf[0], 'Q'); /* size 0: nothing written */
    const char *lone = "tail %";   /* a format string with a dangling '%' */
    assert_int_equal(fmt_vsnprintf_wrap(buf, sizeof(buf), lone), 6);
    assert_string_equal(buf, "tail %");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_truncation_and_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
