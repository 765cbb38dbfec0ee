/*
 * The console's text module on its own: the formatters at their corners
 * (sign, truncation, before 1970, a day and more), the quiet parsers, and
 * the one error line a printing parser gives. test_console.c covers the
 * same code through the commands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "console/console.h"
#include "console/text.h"
#include "fakes/console_app_fake.h"

#define IP(a, b, c, d)                                                                             \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define NS 1000000000LL

static char out[4096];
static size_t out_len;

static size_t fake_write(const char *buf, size_t len)
{
    if (len > sizeof(out) - 1 - out_len) {
        len = sizeof(out) - 1 - out_len;
    }
    memcpy(out + out_len, buf, len);
    out_len += len;
    out[out_len] = '\0';
    return len;
}

static int setup(void **unused)
{
    (void)unused;
    app_fake_reset();
    console_init(fake_write, NULL);
    out_len = 0;
    out[0] = '\0';
    return 0;
}

static void test_fmt_fixed(void **unused)
{
    (void)unused;
    char b[TEXT_FIXED_SIZE];
    assert_string_equal(text_fmt_fixed(b, 0, 9, 9, true), "+0.000000000");
    assert_string_equal(text_fmt_fixed(b, -1500000001, 9, 9, true), "-1.500000001");
    assert_string_equal(text_fmt_fixed(b, -999, 9, 9, false), "-0.000000999");
    assert_string_equal(text_fmt_fixed(b, 1234567, 6, 3, false), "1.234"); /* truncated */
    assert_string_equal(text_fmt_fixed(b, -1, 6, 3, false), "-0.000");     /* keeps its sign */
    assert_string_equal(text_fmt_fixed(b, 2000000000, 9, 3, false), "2.000");
    assert_string_equal(text_fmt_fixed(b, INT64_MIN, 9, 9, false), "-9223372036.854775808");
    assert_string_equal(text_fmt_fixed(b, INT64_MAX, 9, 9, true), "+9223372036.854775807");
}

static void test_fmt_ip_and_errno(void **unused)
{
    (void)unused;
    char b[TEXT_IP_SIZE];
    assert_string_equal(text_fmt_ip(b, IP(255, 255, 255, 255)), "255.255.255.255");
    assert_string_equal(text_fmt_ip(b, IP(10, 0, 0, 1)), "10.0.0.1");
    assert_string_equal(text_fmt_ip(b, 0), "0.0.0.0");
    assert_string_equal(text_errno(-ETIMEDOUT), "timed out");
    assert_string_equal(text_errno(-ENOSPC), "no space");
    assert_string_equal(text_errno(-EPERM), "failed");
}

static void test_fmt_times(void **unused)
{
    (void)unused;
    char b[TEXT_TIME_SIZE];
    assert_int_equal(text_unix_s(0), 0);
    assert_int_equal(text_unix_s(NS - 1), 0);
    assert_int_equal(text_unix_s(-1), -1);
    assert_int_equal(text_unix_s(-NS), -1);
    assert_int_equal(text_unix_s(-NS - 1), -2);
    assert_string_equal(text_fmt_time_ms(b, 1795632000LL * NS + 123999999),
                        "2026-11-25T18:40:00.123Z");
    assert_string_equal(text_fmt_time_ms(b, -1500000000LL), "1969-12-31T23:59:58.500Z");
    assert_string_equal(text_fmt_time_s(b, 1795632000LL), "2026-11-25T18:40:00Z");
    assert_string_equal(text_fmt_date(b, 1798761599LL), "2026-12-31");
    assert_string_equal(text_fmt_duration(b, 0), "00:00:00");
    assert_string_equal(text_fmt_duration(b, 86399), "23:59:59");
    assert_string_equal(text_fmt_duration(b, 86400), "1d 00:00:00");
    assert_string_equal(text_fmt_duration(b, 3 * 86400 + 3723), "3d 01:02:03");
}

static void test_parse_ipv4_and_subnet(void **unused)
{
    (void)unused;
    uint32_t a = 0;
    uint8_t p = 0;
    assert_int_equal(text_parse_ipv4("192.168.1.10", &a), 0);
    assert_int_equal(a, IP(192, 168, 1, 10));
    assert_int_equal(text_parse_ipv4("0.0.0.0", &a), 0);
    assert_int_equal(a, 0);
    const char *bad[] = { "",         "1.2.3",    "1.2.3.4.", "1.2.3.256",
                          "01.2.3.4", "1.2.3.4x", "1..3.4",   "1.2.3.0004" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(text_parse_ipv4(bad[i], &a), -EINVAL);
    }
    assert_int_equal(text_parse_subnet("10.0.0.0/8", true, &a, &p), 0);
    assert_int_equal(a, IP(10, 0, 0, 0));
    assert_int_equal(p, 8);
    assert_int_equal(text_parse_subnet("10.1.2.3", false, &a, &p), 0);
    assert_int_equal(p, 32);
    assert_int_equal(text_parse_subnet("10.1.2.3", true, &a, &p), -EINVAL);
    assert_int_equal(text_parse_subnet("10.0.0.0/33", false, &a, &p), -EINVAL);
    assert_int_equal(text_parse_subnet("10.0.0.0/-1", false, &a, &p), -EINVAL);
    assert_int_equal(text_parse_subnet("10.0.0.0/", false, &a, &p), -EINVAL);
    assert_int_equal(out_len, 0); /* the quiet parsers print nothing */
}

static void test_parse_date(void **unused)
{
    (void)unused;
    struct civil_time t;
    assert_int_equal(text_parse_date("2026-12-31", &t), 0);
    assert_int_equal(t.year, 2026);
    assert_int_equal(t.month, 12);
    assert_int_equal(t.day, 31);
    assert_int_equal(t.hour, 0);
    assert_int_equal(text_parse_date("2026-12-31x", &t), -EINVAL);
    assert_int_equal(text_parse_date("26-12-31", &t), -EINVAL);
    assert_int_equal(text_check_civil(&t, "2026-12-31"), 0);
    assert_int_equal(text_parse_date("2026-02-30", &t), 0); /* exists or not: text_check_civil */
    assert_int_equal(out_len, 0);
    assert_int_equal(text_check_civil(&t, "2026-02-30"), -EINVAL);
    assert_string_equal(out, "error: no such date or time '2026-02-30'\r\n");
}

static void test_printing_parsers(void **unused)
{
    (void)unused;
    int64_t v = 0;
    bool on = false;
    assert_int_equal(text_parse_arg("-500000", "trim ppb", -500000, 500000, &v), 0);
    assert_int_equal(v, -500000);
    assert_int_equal(text_parse_on_off("OFF", &on), 0);
    assert_false(on);
    assert_int_equal(text_parse_offset("-1.5s", &v), 0);
    assert_int_equal(v, -1500000000LL);
    assert_int_equal(text_parse_utc("2026-11-25T18:40:00.5Z", &v), 0);
    assert_int_equal(v, 1795632000LL * NS + 500000000LL);
    assert_int_equal(out_len, 0);

    assert_int_equal(text_parse_arg("500001", "trim ppb", -500000, 500000, &v), -ERANGE);
    assert_string_equal(out, "error: bad trim ppb '500001' (expected -500000..500000)\r\n");
    out_len = 0;
    assert_int_equal(text_parse_offset("+2.5s", &v), -ERANGE);
    assert_string_equal(out,
                        "error: adjustment '+2.5s' too large (at most 2.000 s; use time set)\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fmt_fixed, setup),
        cmocka_unit_test_setup(test_fmt_ip_and_errno, setup),
        cmocka_unit_test_setup(test_fmt_times, setup),
        cmocka_unit_test_setup(test_parse_ipv4_and_subnet, setup),
        cmocka_unit_test_setup(test_parse_date, setup),
        cmocka_unit_test_setup(test_printing_parsers, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
