/*
 * Tests of the RFC 5424 formatter (firmware/net/syslog): exact strings for
 * PRI, TIMESTAMP (with and without trusted time, across 2036/2038 and
 * 2100), the NILVALUE fields, truncation and its UTF-8 care, control
 * characters, field validation, the printf variant and the IPv4 hostname.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/syslog.h"

#define NS_PER_S              1000000000LL
#define T_2026_11_25_184000_S 1795632000LL /* Python calendar.timegm */
#define T_2040_01_01_S        2208988800LL
#define T_2100_03_01_S        4107542400LL

static const struct syslog_origin host = {
    .facility = SYSLOG_FACILITY_DAEMON,
    .hostname = "192.168.1.10",
};

static char buf[SYSLOG_MSG_LEN_MAX + 1];

static void expect(int n, const char *want)
{
    assert_string_equal(buf, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_basic_message(void **state)
{
    (void)state;
    int n = syslog_format(buf, sizeof(buf), &host, SYSLOG_INFO, "RTC",
                          T_2026_11_25_184000_S * NS_PER_S + 123456789, "RTC set from upstream");
    expect(n, "<30>1 2026-11-25T18:40:00.123Z 192.168.1.10 ntp-appliance - RTC - "
              "RTC set from upstream");
}

static void test_untrusted_time_is_nil(void **state)
{
    (void)state;
    int n = syslog_format(buf, sizeof(buf), &host, SYSLOG_WARNING, "RTC", SYSLOG_TIME_UNKNOWN,
                          "RTC time invalid (OSF)");
    expect(n, "<28>1 - 192.168.1.10 ntp-appliance - RTC - RTC time invalid (OSF)");
    n = syslog_format(buf, sizeof(buf), &host, SYSLOG_WARNING, "RTC", -1, "x");
    expect(n, "<28>1 - 192.168.1.10 ntp-appliance - RTC - x");
}

static void test_pri_values(void **state)
{
    (void)state;
    struct syslog_origin o = { .facility = SYSLOG_FACILITY_KERN, .hostname = "h" };
    int n = syslog_format(buf, sizeof(buf), &o, SYSLOG_EMERG, NULL, SYSLOG_TIME_UNKNOWN, NULL);
    expect(n, "<0>1 - h ntp-appliance - - -");
    o.facility = SYSLOG_FACILITY_LOCAL0;
    n = syslog_format(buf, sizeof(buf), &o, SYSLOG_NOTICE, NULL, SYSLOG_TIME_UNKNOWN, NULL);
    expect(n, "<133>1 - h ntp-appliance - - -");
    o.facility = SYSLOG_FACILITY_LOCAL7;
    n = syslog_format(buf, sizeof(buf), &o, SYSLOG_DEBUG, NULL, SYSLOG_TIME_UNKNOWN, NULL);
    expect(n, "<191>1 - h ntp-appliance - - -");
}

static void test_timestamps(void **state)
{
    (void)state;
    static const struct {
        int64_t ns;
        const char *ts;
    } cases[] = {
        { 0, "1970-01-01T00:00:00.000Z" },
        { 999999, "1970-01-01T00:00:00.000Z" },
        { 1000000, "1970-01-01T00:00:00.001Z" },
        { T_2026_11_25_184000_S * NS_PER_S + 999999999, "2026-11-25T18:40:00.999Z" },
        { (T_2040_01_01_S - 1) * NS_PER_S + 500000000, "2039-12-31T23:59:59.500Z" },
        { T_2040_01_01_S * NS_PER_S, "2040-01-01T00:00:00.000Z" },
        { (T_2100_03_01_S - 1) * NS_PER_S, "2100-02-28T23:59:59.000Z" },
        { T_2100_03_01_S * NS_PER_S + 7000000, "2100-03-01T00:00:00.007Z" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char want[128];
        snprintf(want, sizeof(want), "<30>1 %s 192.168.1.10 ntp-appliance - SYNC - ok",
                 cases[i].ts);
        int n = syslog_format(buf, sizeof(buf), &host, SYSLOG_INFO, "SYNC", cases[i].ns, "ok");
        expect(n, want);
    }
}

static void test_nil_fields_and_names(void **state)
{
    (void)state;
    struct syslog_origin o = {
        .facility = SYSLOG_FACILITY_DAEMON,
        .hostname = NULL,
        .app_name = "ntpd",
        .procid = "42",
    };
    int n = syslog_format(buf, sizeof(buf), &o, SYSLOG_ERR, NULL, SYSLOG_TIME_UNKNOWN, "");
    expect(n, "<27>1 - - ntpd 42 - -");
    o.hostname = "";
    n = syslog_format(buf, sizeof(buf), &o, SYSLOG_ERR, "BOOT", SYSLOG_TIME_UNKNOWN, "up");
    expect(n, "<27>1 - - ntpd 42 BOOT - up");
    o.hostname = "timeserver.lan";
    n = syslog_format(buf, sizeof(buf), &o, SYSLOG_ERR, "BOOT", SYSLOG_TIME_UNKNOWN, "up");
    expect(n, "<27>1 - timeserver.lan ntpd 42 BOOT - up");
}

static void test_control_characters(void **state)
{
    (void)state;
    int n = syslog_format(buf, sizeof(buf), &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN,
                          "line1\nline2\ttab\r\x7f"
                          "end");
    expect(n, "<30>1 - 192.168.1.10 ntp-appliance - - - line1 line2 tab  end");
}

static void test_truncation(void **state)
{
    (void)state;
    const char *head = "<30>1 - 192.168.1.10 ntp-appliance - - -";
    size_t hlen = strlen(head);
    char small[64];
    int n = syslog_format(small, sizeof(small), &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN,
                          "0123456789012345678901234567890123456789");
    assert_int_equal(n, (int)sizeof(small) - 1);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, head, hlen);
    assert_string_equal(&small[hlen], " 0123456789012345678901");

    /* Exactly the header: no room for " x", so no MSG and no trailing space. */
    n = syslog_format(small, hlen + 1, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN, "abc");
    assert_int_equal(n, (int)hlen);
    assert_string_equal(small, head);
    n = syslog_format(small, hlen + 2, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN, "abc");
    assert_int_equal(n, (int)hlen);
    assert_string_equal(small, head);
    n = syslog_format(small, hlen + 3, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN, "abc");
    assert_int_equal(n, (int)hlen + 2);
    assert_string_equal(&small[hlen], " a");

    /* The header does not fit: an error, not a cut header. */
    n = syslog_format(small, hlen, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN, "abc");
    assert_int_equal(n, -ENOSPC);
    assert_string_equal(small, "");
}

static void test_truncation_keeps_utf8_whole(void **state)
{
    (void)state;
    const char *head = "<30>1 - 192.168.1.10 ntp-appliance - - -";
    size_t hlen = strlen(head);
    char small[64];
    /* " ab" then a two-byte character: with room for " ab" + one byte, it is dropped. */
    int n = syslog_format(small, hlen + 5, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN,
                          "ab\xC3\xA9z");
    assert_int_equal(n, (int)hlen + 3);
    assert_string_equal(&small[hlen], " ab");
    /* With room for both bytes, it stays. */
    n = syslog_format(small, hlen + 6, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN,
                      "ab\xC3\xA9z");
    assert_int_equal(n, (int)hlen + 5);
    assert_string_equal(&small[hlen], " ab\xC3\xA9");
    /* A three-byte character cut after two bytes. */
    n = syslog_format(small, hlen + 6, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN,
                      "ab\xE2\x82\xAC");
    assert_int_equal(n, (int)hlen + 3);
    /* A message that is only a cut character leaves no MSG at all. */
    n = syslog_format(small, hlen + 3, &host, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN, "\xC3\xA9");
    assert_int_equal(n, (int)hlen);
    assert_string_equal(small, head);
}

static void test_invalid_fields(void **state)
{
    (void)state;
    char name[300];
    struct syslog_origin o = host;
    o.hostname = "my host";
    assert_int_equal(syslog_format(buf, sizeof(buf), &o, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
    memset(name, 'h', sizeof(name));
    name[SYSLOG_HOSTNAME_LEN_MAX + 1] = '\0';
    o.hostname = name;
    assert_int_equal(syslog_format(buf, sizeof(buf), &o, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
    name[SYSLOG_HOSTNAME_LEN_MAX] = '\0';
    assert_int_equal(syslog_format(buf, sizeof(buf), &o, SYSLOG_INFO, NULL, 0, "m"),
                     (int)(SYSLOG_HOSTNAME_LEN_MAX + 53));
    o = host;
    o.app_name = "";
    assert_int_equal(syslog_format(buf, sizeof(buf), &o, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
    o.app_name = "app\x80";
    assert_int_equal(syslog_format(buf, sizeof(buf), &o, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
    assert_int_equal(syslog_format(buf, sizeof(buf), &host, SYSLOG_INFO,
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", 0, "m"),
                     -EINVAL);
    assert_true(syslog_format(buf, sizeof(buf), &host, SYSLOG_INFO,
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 0, "m") > 0);
    o = host;
    o.facility = (enum syslog_facility)24;
    assert_int_equal(syslog_format(buf, sizeof(buf), &o, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
    assert_int_equal(syslog_format(buf, sizeof(buf), &host, (enum syslog_severity)8, NULL, 0, "m"),
                     -EINVAL);
    assert_int_equal(syslog_format(NULL, 10, &host, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
    assert_int_equal(syslog_format(buf, 0, &host, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
    assert_int_equal(syslog_format(buf, sizeof(buf), NULL, SYSLOG_INFO, NULL, 0, "m"), -EINVAL);
}

static void test_printf_variant(void **state)
{
    (void)state;
    int n = syslog_formatf(buf, sizeof(buf), &host, SYSLOG_NOTICE, "SYNC",
                           T_2026_11_25_184000_S * NS_PER_S, "step %ld ms from %s, stratum %u",
                           -1234L, "10.0.0.1", 2u);
    expect(n, "<29>1 2026-11-25T18:40:00.000Z 192.168.1.10 ntp-appliance - SYNC - "
              "step -1234 ms from 10.0.0.1, stratum 2");
    n = syslog_formatf(buf, sizeof(buf), &host, SYSLOG_NOTICE, "SYNC", SYSLOG_TIME_UNKNOWN, "%s",
                       "");
    expect(n, "<29>1 - 192.168.1.10 ntp-appliance - SYNC -");
    n = syslog_formatf(buf, sizeof(buf), &host, SYSLOG_NOTICE, "SYNC", SYSLOG_TIME_UNKNOWN, "a\n%d",
                       5);
    expect(n, "<29>1 - 192.168.1.10 ntp-appliance - SYNC - a 5");
    char small[48];
    n = syslog_formatf(small, sizeof(small), &host, SYSLOG_NOTICE, "SYNC", SYSLOG_TIME_UNKNOWN,
                       "%s", "abcdefghijklmnop");
    assert_int_equal(n, 47);
    assert_string_equal(small, "<29>1 - 192.168.1.10 ntp-appliance - SYNC - abc");
}

static void test_ipv4_hostname(void **state)
{
    (void)state;
    char ip[16];
    const uint8_t a[4] = { 10, 0, 0, 1 };
    const uint8_t b[4] = { 255, 255, 255, 255 };
    assert_int_equal(syslog_format_ipv4(ip, sizeof(ip), a), 8);
    assert_string_equal(ip, "10.0.0.1");
    assert_int_equal(syslog_format_ipv4(ip, sizeof(ip), b), 15);
    assert_string_equal(ip, "255.255.255.255");
    assert_int_equal(syslog_format_ipv4(ip, 15, b), -EINVAL);
    struct syslog_origin o = { .facility = SYSLOG_FACILITY_DAEMON, .hostname = ip };
    int n = syslog_format(buf, sizeof(buf), &o, SYSLOG_INFO, NULL, SYSLOG_TIME_UNKNOWN, "hi");
    expect(n, "<30>1 - 255.255.255.255 ntp-appliance - - - hi");
}

static void test_longest_message_fits_the_udp_limit(void **state)
{
    (void)state;
    char msg[600];
    memset(msg, 'm', sizeof(msg) - 1);
    msg[sizeof(msg) - 1] = '\0';
    int n = syslog_format(buf, sizeof(buf), &host, SYSLOG_INFO, "RTC",
                          T_2026_11_25_184000_S * NS_PER_S, msg);
    assert_int_equal(n, SYSLOG_MSG_LEN_MAX);
    assert_int_equal(buf[SYSLOG_MSG_LEN_MAX - 1], 'm');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_message),
        cmocka_unit_test(test_untrusted_time_is_nil),
        cmocka_unit_test(test_pri_values),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_nil_fields_and_names),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_truncation_keeps_utf8_whole),
        cmocka_unit_test(test_invalid_fields),
        cmocka_unit_test(test_printf_variant),
        cmocka_unit_test(test_ipv4_hostname),
        cmocka_unit_test(test_longest_message_fits_the_udp_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
