/*
 * Settings record tests: validation, the EEPROM layout, and the two-slot
 * store under blank, missing, damaged, foreign and torn-written EEPROMs.
 * The store runs against a RAM AT24C32 (fakes/eeprom_fake.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "lib/crc32.h"
#include "fakes/eeprom_fake.h"

#define IP(a, b, c, d)                                                                             \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define SLOT_OFF(n) (CONFIG_EEPROM_BASE + (n)*CONFIG_SLOT_SIZE)

static struct eeprom_fake eeprom;
static struct config_store store;
static struct config_state state;

static int setup(void **unused)
{
    (void)unused;
    eeprom_fake_init(&eeprom);
    eeprom_fake_store(&eeprom, &store);
    memset(&state, 0, sizeof(state));
    return 0;
}

/* Every field away from its default, each to a distinct value. */
static void make_custom(struct settings *s)
{
    config_defaults(s);
    s->dhcp_enabled = false;
    s->ip_addr = IP(192, 168, 7, 20);
    s->ip_prefix = 23;
    s->gateway = IP(192, 168, 6, 1);
    s->stratum = 3;
    memcpy(s->refid, "GPS", 4); /* NUL pads the fourth byte */
    s->ratelimit_enabled = true;
    s->ratelimit_interval_log2 = 5;
    s->ratelimit_burst = 200;
    s->ratelimit_leak_log2 = 4;
    s->acl_count = 3;
    s->acl[0] = (struct config_acl_entry){ CONFIG_ACL_ALLOW, 16, IP(10, 1, 0, 0) };
    s->acl[1] = (struct config_acl_entry){ CONFIG_ACL_DENY, 24, IP(10, 1, 9, 0) };
    s->acl[2] = (struct config_acl_entry){ CONFIG_ACL_ALLOW, 32, IP(10, 1, 9, 77) };
    s->mgmt = CONFIG_MGMT_SUBNET;
    s->mgmt_addr = IP(172, 16, 0, 0);
    s->mgmt_prefix = 12;
    s->upstream_addr = IP(192, 168, 6, 5);
    s->syslog_addr = IP(192, 168, 6, 6);
    s->clock_trim_ppb = -123456;
    s->rtc_drift_ppb = 2000;
    s->strict_enabled = true;
    s->strict_max_ms = 777;
    s->last_set_unix_s = 1795632000; /* 2026-11-25 */
    s->last_set_source = CONFIG_TIME_SOURCE_OPERATOR;
    static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    memcpy(s->mac, mac, sizeof(mac));
    s->mac_source = CONFIG_MAC_OPERATOR;
    s->rtc_chip = CONFIG_RTC_CHIP_DS3231;
    s->rtc_sqw = CONFIG_RTC_SQW_CAPTURE;
    s->auth_count = 2;
    s->auth[0] = (struct config_subnet){ 24, IP(10, 1, 9, 0) };
    s->auth[1] = (struct config_subnet){ 32, IP(192, 168, 6, 9) };
    s->upstream_key_id = 70000;
}

static void load_expect(int want_ret, enum config_store_status want_status, struct settings *out)
{
    memset(&state, 0xA5, sizeof(state)); /* load must not depend on old state */
    assert_int_equal(config_load(&state, &store, out), want_ret);
    assert_int_equal(state.status, want_status);
    assert_int_equal(config_validate(out, NULL), 0);
}

static void assert_defaults(const struct settings *s)
{
    struct settings d;
    config_defaults(&d);
    assert_true(config_is_equal(s, &d));
}

static void write_slot(unsigned slot, const uint8_t *rec, size_t len)
{
    memcpy(&eeprom.mem[SLOT_OFF(slot)], rec, len);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void fix_crc(uint8_t *rec, size_t payload_len)
{
    put32(rec + CONFIG_HEADER_LEN + payload_len, crc32_ieee(rec, CONFIG_HEADER_LEN + payload_len));
}

/* ----------------------------------------------------------- validation -- */

static void test_defaults_are_valid(void **unused)
{
    (void)unused;
    struct settings s;
    const char *why = "x";
    memset(&s, 0x55, sizeof(s));
    config_defaults(&s);
    assert_int_equal(config_validate(&s, &why), 0);
    assert_null(why);
    assert_true(s.dhcp_enabled);
    assert_int_equal(s.stratum, 1);
    assert_memory_equal(s.refid, "LOCL", 4);
    assert_int_equal(s.acl_count, 0);
    assert_int_equal(s.mgmt, CONFIG_MGMT_LOCAL);
    assert_int_equal(s.upstream_addr, 0);
    assert_int_equal(s.last_set_source, CONFIG_TIME_SOURCE_NONE);
}

static void test_custom_is_valid(void **unused)
{
    (void)unused;
    struct settings s;
    make_custom(&s);
    assert_int_equal(config_validate(&s, NULL), 0);
}

typedef void (*mutator)(struct settings *s);

#define BAD(name, body)                                                                            \
    static void name(struct settings *s)                                                           \
    {                                                                                              \
        body;                                                                                      \
    }
BAD(bad_prefix_without_ip, s->ip_prefix = 24)
BAD(bad_dhcp_off_without_ip, s->dhcp_enabled = false)
BAD(bad_ip_multicast, s->ip_addr = IP(224, 0, 0, 1))
BAD(bad_ip_loopback, s->ip_addr = IP(127, 0, 0, 1))
BAD(bad_ip_prefix_zero, s->ip_prefix = 0)
BAD(bad_ip_prefix_33, s->ip_prefix = 33)
BAD(bad_ip_is_network, s->ip_addr = IP(192, 168, 6, 0))
BAD(bad_ip_is_broadcast, s->ip_addr = IP(192, 168, 7, 255))
BAD(bad_gw_outside, s->gateway = IP(192, 168, 8, 1))
BAD(bad_gw_is_ip, s->gateway = s->ip_addr)
BAD(bad_stratum_0, s->stratum = 0)
BAD(bad_stratum_16, s->stratum = 16)
BAD(bad_refid_empty, memset(s->refid, 0, 4))
BAD(bad_refid_space, memcpy(s->refid, "A B", 3))
BAD(bad_refid_ctrl, s->refid[1] = '\x01')
BAD(bad_refid_gap, memcpy(s->refid, "A\0B", 4))
BAD(bad_rl_interval, s->ratelimit_interval_log2 = 13)
BAD(bad_rl_burst, s->ratelimit_burst = 0)
BAD(bad_rl_leak_0, s->ratelimit_leak_log2 = 0)
BAD(bad_rl_leak_5, s->ratelimit_leak_log2 = 5)
BAD(bad_acl_count, s->acl_count = CONFIG_ACL_MAX + 1)
BAD(bad_acl_action, s->acl[1].action = 3)
BAD(bad_acl_hostbits, s->acl[0].addr = IP(10, 1, 0, 1))
BAD(bad_acl_prefix, s->acl[0].prefix = 33)
BAD(bad_acl_dup, s->acl[2] = s->acl[0])
BAD(bad_mgmt_mode, s->mgmt = 3)
BAD(bad_mgmt_hostbits, s->mgmt_addr = IP(172, 16, 0, 1))
BAD(bad_mgmt_local_addr, s->mgmt = CONFIG_MGMT_LOCAL)
BAD(bad_upstream, s->upstream_addr = IP(255, 255, 255, 255))
BAD(bad_upstream_key_without_server, s->upstream_addr = 0)
BAD(bad_syslog, s->syslog_addr = IP(0, 1, 2, 3))
BAD(bad_trim_hi, s->clock_trim_ppb = CONFIG_TRIM_PPB_MAX + 1)
BAD(bad_trim_lo, s->clock_trim_ppb = -CONFIG_TRIM_PPB_MAX - 1)
BAD(bad_drift_lo, s->rtc_drift_ppb = CONFIG_RTC_DRIFT_PPB_MIN - 1)
BAD(bad_drift_hi, s->rtc_drift_ppb = CONFIG_RTC_DRIFT_PPB_MAX + 1)
BAD(bad_strict_0, s->strict_max_ms = 0)
BAD(bad_strict_hi, s->strict_max_ms = CONFIG_STRICT_MAX_MS_MAX + 1)
BAD(bad_last_set_early, s->last_set_unix_s = CONFIG_UNIX_S_2000 - 1)
BAD(bad_last_set_late, s->last_set_unix_s = CONFIG_UNIX_S_2100)
BAD(bad_last_set_source, s->last_set_source = 9)
BAD(bad_last_set_never, s->last_set_source = CONFIG_TIME_SOURCE_NONE)
BAD(bad_auth_count, s->auth_count = CONFIG_AUTH_MAX + 1)
BAD(bad_auth_hostbits, s->auth[0].addr = IP(10, 1, 9, 1))
BAD(bad_auth_prefix, s->auth[1].prefix = 33)
BAD(bad_auth_dup, s->auth[1] = s->auth[0])

static void test_validate_refuses_each_bad_field(void **unused)
{
    (void)unused;
    static const mutator bad[] = {
        bad_dhcp_off_without_ip,
        bad_ip_multicast,
        bad_ip_loopback,
        bad_ip_prefix_zero,
        bad_ip_prefix_33,
        bad_ip_is_network,
        bad_ip_is_broadcast,
        bad_gw_outside,
        bad_gw_is_ip,
        bad_stratum_0,
        bad_stratum_16,
        bad_refid_empty,
        bad_refid_space,
        bad_refid_ctrl,
        bad_refid_gap,
        bad_rl_interval,
        bad_rl_burst,
        bad_rl_leak_0,
        bad_rl_leak_5,
        bad_acl_count,
        bad_acl_action,
        bad_acl_hostbits,
        bad_acl_prefix,
        bad_acl_dup,
        bad_mgmt_mode,
        bad_mgmt_hostbits,
        bad_mgmt_local_addr,
        bad_upstream,
        bad_upstream_key_without_server,
        bad_syslog,
        bad_trim_hi,
        bad_trim_lo,
        bad_drift_lo,
        bad_drift_hi,
        bad_strict_0,
        bad_strict_hi,
        bad_last_set_early,
        bad_last_set_late,
        bad_last_set_source,
        bad_last_set_never,
        bad_auth_count,
        bad_auth_hostbits,
        bad_auth_prefix,
        bad_auth_dup,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct settings s;
        const char *why = NULL;
        make_custom(&s);
        if (bad[i] == bad_dhcp_off_without_ip) {
            s.ip_addr = 0;
            s.ip_prefix = 0;
            s.gateway = 0;
        }
        bad[i](&s);
        assert_int_equal(config_validate(&s, &why), -EINVAL);
        assert_non_null(why);
    }
    /* On the defaults (no static address), a lone prefix is refused too. */
    struct settings d;
    config_defaults(&d);
    bad_prefix_without_ip(&d);
    assert_int_equal(config_validate(&d, NULL), -EINVAL);
}

static void test_validate_accepts_limits(void **unused)
{
    (void)unused;
    struct settings s;
    make_custom(&s);
    s.stratum = 15;
    s.ratelimit_interval_log2 = 0;
    s.ratelimit_burst = 255;
    s.ratelimit_leak_log2 = 1;
    s.clock_trim_ppb = -CONFIG_TRIM_PPB_MAX;
    s.rtc_drift_ppb = CONFIG_RTC_DRIFT_PPB_MAX;
    s.strict_max_ms = CONFIG_STRICT_MAX_MS_MAX;
    s.last_set_unix_s = CONFIG_UNIX_S_2100 - 1;
    memcpy(s.refid, "~!", 2);
    s.refid[2] = s.refid[3] = '\0';
    s.ip_prefix = 32;
    s.gateway = 0;
    s.acl_count = CONFIG_ACL_MAX;
    for (unsigned i = 0; i < CONFIG_ACL_MAX; i++) {
        s.acl[i] = (struct config_acl_entry){ CONFIG_ACL_DENY, 32, IP(10, 0, 0, i + 1) };
    }
    s.mgmt = CONFIG_MGMT_SUBNET;
    s.mgmt_addr = 0;
    s.mgmt_prefix = 0;
    s.auth_count = CONFIG_AUTH_MAX;
    s.auth[0] = (struct config_subnet){ 0, 0 }; /* every client */
    for (unsigned i = 1; i < CONFIG_AUTH_MAX; i++) {
        s.auth[i] = (struct config_subnet){ 32, IP(10, 0, 0, i) };
    }
    assert_int_equal(config_validate(&s, NULL), 0);
}

static void test_prefix_mask(void **unused)
{
    (void)unused;
    assert_int_equal(config_prefix_mask(0), 0);
    assert_int_equal(config_prefix_mask(1), 0x80000000u);
    assert_int_equal(config_prefix_mask(24), 0xFFFFFF00u);
    assert_int_equal(config_prefix_mask(32), 0xFFFFFFFFu);
    assert_int_equal(config_prefix_mask(40), 0xFFFFFFFFu);
}

/* ---------------------------------------------------------- the record -- */

static void test_record_layout_is_fixed_little_endian(void **unused)
{
    (void)unused;
    struct settings s;
    uint8_t rec[CONFIG_RECORD_LEN];
    make_custom(&s);
    config_encode(&s, 0x01020304u, rec);
    static const uint8_t header[] = { 'N', 'T', 'P', 'C', 4, 0, CONFIG_PAYLOAD_LEN, 0, 4, 3, 2, 1 };
    assert_memory_equal(rec, header, sizeof(header));
    const uint8_t *p = rec + CONFIG_OFF_PAYLOAD;
    assert_int_equal(p[0], 0);                           /* dhcp off */
    static const uint8_t ip[] = { 20, 7, 168, 192, 23 }; /* ip LE, prefix */
    assert_memory_equal(p + 1, ip, sizeof(ip));
    assert_int_equal(p[10], 3); /* stratum */
    assert_memory_equal(p + 11, "GPS\0", 4);
    static const uint8_t rl[] = { 1, 5, 200, 4, 3 }; /* ratelimit, acl_count */
    assert_memory_equal(p + 15, rl, sizeof(rl));
    static const uint8_t acl0[] = { CONFIG_ACL_ALLOW, 16, 0, 0, 1, 10 };
    assert_memory_equal(p + 20, acl0, sizeof(acl0));
    static const uint8_t unused_acl[6 * 5] = { 0 };
    assert_memory_equal(p + 20 + 3 * 6, unused_acl, sizeof(unused_acl));
    assert_int_equal(p[68], CONFIG_MGMT_SUBNET);
    static const uint8_t trim[] = { 0xC0, 0x1D, 0xFE, 0xFF }; /* -123456 */
    assert_memory_equal(p + 82, trim, sizeof(trim));
    static const uint8_t last[] = {
        0x80, 0x2B, 0x07, 0x6B, 0, 0, 0, 0, CONFIG_TIME_SOURCE_OPERATOR
    };
    assert_memory_equal(p + 95, last, sizeof(last));
    static const uint8_t mac[] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, CONFIG_MAC_OPERATOR };
    assert_memory_equal(p + 104, mac, sizeof(mac));
    static const uint8_t rtc[] = { CONFIG_RTC_CHIP_DS3231, CONFIG_RTC_SQW_CAPTURE };
    assert_memory_equal(p + 111, rtc, sizeof(rtc));
    static const uint8_t auth[] = { 2, 24, 0, 9, 1, 10, 32, 9, 6, 168, 192 };
    assert_memory_equal(p + 113, auth, sizeof(auth));
    static const uint8_t unused_auth[5 * 2] = { 0 };
    assert_memory_equal(p + 113 + sizeof(auth), unused_auth, sizeof(unused_auth));
    static const uint8_t upstream_key[] = { 0x70, 0x11, 0x01, 0x00 }; /* 70000 */
    assert_memory_equal(p + 134, upstream_key, sizeof(upstream_key));
    assert_int_equal(CONFIG_PAYLOAD_LEN,
                     113 + sizeof(auth) + sizeof(unused_auth) + sizeof(upstream_key));
    uint32_t crc = crc32_ieee(rec, CONFIG_HEADER_LEN + CONFIG_PAYLOAD_LEN);
    uint8_t crc_le[4];
    put32(crc_le, crc);
    assert_memory_equal(rec + CONFIG_HEADER_LEN + CONFIG_PAYLOAD_LEN, crc_le, 4);
}

/* A record an older firmware (format 1, no MAC) wrote still loads. */
static void test_format1_record_still_loads(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_SLOT_SIZE];
    make_custom(&s);
    memset(s.mac, 0, sizeof(s.mac));
    s.mac_source = CONFIG_MAC_NONE;
    s.rtc_chip = CONFIG_RTC_CHIP_AUTO;
    s.rtc_sqw = CONFIG_RTC_SQW_BOARD;
    s.auth_count = 0;
    s.upstream_key_id = 0;
    memset(rec, 0, sizeof(rec));
    config_encode(&s, 7, rec);
    rec[CONFIG_OFF_VERSION] = 1;
    rec[CONFIG_OFF_LENGTH] = CONFIG_PAYLOAD_LEN_V1;
    fix_crc(rec, CONFIG_PAYLOAD_LEN_V1);
    write_slot(0, rec, CONFIG_HEADER_LEN + CONFIG_PAYLOAD_LEN_V1 + CONFIG_CRC_LEN);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s, &back));
    assert_int_equal(back.mac_source, CONFIG_MAC_NONE);

    /* A format-1 header on a format-4 length is not a format-1 record. */
    config_encode(&s, 8, rec);
    rec[CONFIG_OFF_VERSION] = 1;
    fix_crc(rec, CONFIG_PAYLOAD_LEN);
    write_slot(0, rec, CONFIG_RECORD_LEN);
    write_slot(1, rec, CONFIG_RECORD_LEN);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VERSION, &back);
}

/*
 * A record the firmware before keys wrote (format 3), byte for byte as it
 * wrote it for make_custom()'s settings without the auth list, sequence 41:
 * it loads with keys optional everywhere, and the next save is format 4.
 */
static const uint8_t format3_image[CONFIG_HEADER_LEN + CONFIG_PAYLOAD_LEN_V3 + CONFIG_CRC_LEN] = {
    0x4e, 0x54, 0x50, 0x43, 0x03, 0x00, 0x71, 0x00, 0x29, 0x00, 0x00, 0x00, 0x00, 0x14, 0x07,
    0xa8, 0xc0, 0x17, 0x01, 0x06, 0xa8, 0xc0, 0x03, 0x47, 0x50, 0x53, 0x00, 0x01, 0x05, 0xc8,
    0x04, 0x03, 0x01, 0x10, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x18, 0x00, 0x09, 0x01, 0x0a, 0x01,
    0x20, 0x4d, 0x09, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x10, 0xac, 0x0c, 0x05, 0x06, 0xa8, 0xc0,
    0x06, 0x06, 0xa8, 0xc0, 0xc0, 0x1d, 0xfe, 0xff, 0xd0, 0x07, 0x00, 0x00, 0x01, 0x09, 0x03,
    0x00, 0x00, 0x80, 0x2b, 0x07, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x11, 0x22, 0x33,
    0x44, 0x55, 0x01, 0x03, 0x02, 0x3c, 0xbc, 0xf2, 0x4e,
};

static void test_format3_image_still_loads(void **unused)
{
    (void)unused;
    struct settings want, back;
    make_custom(&want);
    want.auth_count = 0;
    memset(want.auth, 0, sizeof(want.auth));
    want.upstream_key_id = 0;
    write_slot(1, format3_image, sizeof(format3_image));
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(state.seq, 41);
    assert_true(config_is_equal(&want, &back));
    assert_int_equal(back.auth_count, 0);      /* keys optional everywhere */
    assert_int_equal(back.upstream_key_id, 0); /* the upstream unsigned, as it was */

    /* Saved again: format 4 into slot 0, numbered after it; slot 1 untouched. */
    back.auth_count = 1;
    back.auth[0] = (struct config_subnet){ 0, 0 };
    back.upstream_key_id = 4294967295u;
    assert_int_equal(config_save(&state, &back), 0);
    assert_int_equal(eeprom.mem[SLOT_OFF(0) + CONFIG_OFF_VERSION], 4);
    assert_memory_equal(&eeprom.mem[SLOT_OFF(1)], format3_image, sizeof(format3_image));
    struct settings again;
    load_expect(0, CONFIG_STORE_OK, &again);
    assert_int_equal(state.seq, 42);
    assert_true(config_is_equal(&back, &again));

    /* A format-3 header on a format-4 length is not a format-3 record. */
    uint8_t rec[CONFIG_RECORD_LEN];
    config_encode(&back, 50, rec);
    rec[CONFIG_OFF_VERSION] = 3;
    fix_crc(rec, CONFIG_PAYLOAD_LEN);
    write_slot(0, rec, CONFIG_RECORD_LEN);
    write_slot(1, rec, CONFIG_RECORD_LEN);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VERSION, &back);
}

/*
 * Format 4 before the upstream key (134 bytes) was never released: an
 * intact record of that length is another format, not damage, and gives
 * defaults.
 */
static void test_unreleased_format4_length_is_another_format(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_RECORD_LEN];
    make_custom(&s);
    s.upstream_key_id = 0;
    config_encode(&s, 5, rec);
    rec[CONFIG_OFF_LENGTH] = CONFIG_PAYLOAD_LEN - 4u;
    fix_crc(rec, CONFIG_PAYLOAD_LEN - 4u);
    write_slot(0, rec, CONFIG_RECORD_LEN - 4u);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VERSION, &back);
    assert_defaults(&back);
}

static void test_upstream_key_needs_a_server(void **unused)
{
    (void)unused;
    struct settings s;
    const char *why = NULL;
    config_defaults(&s);
    s.upstream_key_id = 5;
    assert_int_equal(config_validate(&s, &why), -EINVAL);
    assert_string_equal(why, "upstream key without an upstream server");
    s.upstream_addr = IP(10, 0, 2, 2);
    assert_int_equal(config_validate(&s, NULL), 0);
    s.upstream_key_id = UINT32_MAX;
    assert_int_equal(config_validate(&s, NULL), 0);
}

/*
 * A record the previous firmware (format 2: MAC, no RTC fields) wrote still
 * loads, with the RTC chip as found and the edges as the board is built;
 * the next save writes format 3, which keeps what format 2 held.
 */
static void test_format2_record_still_loads(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_SLOT_SIZE];
    make_custom(&s);
    s.rtc_chip = CONFIG_RTC_CHIP_AUTO;
    s.rtc_sqw = CONFIG_RTC_SQW_BOARD;
    s.auth_count = 0;
    s.upstream_key_id = 0;
    memset(rec, 0, sizeof(rec));
    config_encode(&s, 9, rec);
    rec[CONFIG_OFF_VERSION] = 2;
    rec[CONFIG_OFF_LENGTH] = CONFIG_PAYLOAD_LEN_V2;
    fix_crc(rec, CONFIG_PAYLOAD_LEN_V2);
    write_slot(0, rec, CONFIG_HEADER_LEN + CONFIG_PAYLOAD_LEN_V2 + CONFIG_CRC_LEN);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s, &back));
    assert_int_equal(back.mac_source, CONFIG_MAC_OPERATOR);
    assert_int_equal(back.rtc_chip, CONFIG_RTC_CHIP_AUTO);
    assert_int_equal(back.rtc_sqw, CONFIG_RTC_SQW_BOARD);

    /* Saved again: format 4 in the other slot, numbered after it, and it wins. */
    back.rtc_chip = CONFIG_RTC_CHIP_DS1338;
    assert_int_equal(config_save(&state, &back), 0);
    assert_int_equal(state.seq, 10);
    assert_int_equal(eeprom.mem[CONFIG_SLOT_SIZE + CONFIG_OFF_VERSION], 4);
    struct settings again;
    load_expect(0, CONFIG_STORE_OK, &again);
    assert_true(config_is_equal(&back, &again));

    /* A format-2 header on a format-4 length is not a format-2 record. */
    config_encode(&s, 20, rec);
    rec[CONFIG_OFF_VERSION] = 2;
    fix_crc(rec, CONFIG_PAYLOAD_LEN);
    write_slot(0, rec, CONFIG_RECORD_LEN);
    write_slot(1, rec, CONFIG_RECORD_LEN);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VERSION, &back);
}

static void test_rtc_fields_checked(void **unused)
{
    (void)unused;
    struct settings s;
    const char *why = NULL;
    config_defaults(&s);
    assert_int_equal(s.rtc_chip, CONFIG_RTC_CHIP_AUTO);
    assert_int_equal(s.rtc_sqw, CONFIG_RTC_SQW_BOARD);
    s.rtc_chip = CONFIG_RTC_CHIP_DS3231;
    s.rtc_sqw = CONFIG_RTC_SQW_CAPTURE;
    assert_int_equal(config_validate(&s, NULL), 0);
    s.rtc_chip = 4; /* the DS1307-or-DS1338 pair is found, never chosen */
    assert_int_equal(config_validate(&s, &why), -EINVAL);
    assert_string_equal(why, "RTC chip unknown");
    s.rtc_chip = CONFIG_RTC_CHIP_AUTO;
    s.rtc_sqw = 3;
    assert_int_equal(config_validate(&s, &why), -EINVAL);
    assert_string_equal(why, "RTC edge source unknown");
}

static void test_mac_checked(void **unused)
{
    (void)unused;
    struct settings s;
    const char *why = NULL;
    config_defaults(&s);
    assert_int_equal(config_validate(&s, NULL), 0);
    s.mac[5] = 1; /* an address with no source */
    assert_int_equal(config_validate(&s, &why), -EINVAL);
    assert_string_equal(why, "MAC address without a source");
    s.mac_source = CONFIG_MAC_OPERATOR;
    assert_int_equal(config_validate(&s, NULL), 0);
    s.mac[0] = 0x01; /* multicast */
    assert_int_equal(config_validate(&s, &why), -EINVAL);
    assert_string_equal(why, "MAC address is a multicast address");
    memset(s.mac, 0, sizeof(s.mac));
    s.mac_source = CONFIG_MAC_GENERATED;
    assert_int_equal(config_validate(&s, &why), -EINVAL);
    s.mac_source = 9;
    s.mac[1] = 2;
    assert_int_equal(config_validate(&s, &why), -EINVAL);
    assert_string_equal(why, "MAC address source unknown");
}

static void test_is_equal_ignores_padding_and_unused(void **unused)
{
    (void)unused;
    struct settings a, b;
    memset(&a, 0x11, sizeof(a));
    memset(&b, 0x22, sizeof(b));
    make_custom(&a);
    make_custom(&b);
    b.acl[5].addr = 99;  /* past acl_count */
    b.auth[3].addr = 99; /* past auth_count */
    assert_true(config_is_equal(&a, &b));
    b.clock_trim_ppb++;
    assert_false(config_is_equal(&a, &b));
}

/* -------------------------------------------------------------- storage -- */

static void test_blank_eeprom_gives_empty_defaults(void **unused)
{
    (void)unused;
    struct settings s;
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &s);
    assert_defaults(&s);
    assert_string_equal(config_status_text(state.status), "empty, using defaults");
}

static void test_round_trip_every_field(void **unused)
{
    (void)unused;
    struct settings s, back;
    make_custom(&s);
    assert_int_equal(config_load(&state, &store, &back), -ENODATA);
    assert_int_equal(config_save(&state, &s), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s, &back));
    /* field by field, so a field config_is_equal missed would show */
    assert_false(back.dhcp_enabled);
    assert_int_equal(back.ip_addr, s.ip_addr);
    assert_int_equal(back.ip_prefix, 23);
    assert_int_equal(back.gateway, s.gateway);
    assert_int_equal(back.stratum, 3);
    assert_memory_equal(back.refid, "GPS\0", 4);
    assert_true(back.ratelimit_enabled);
    assert_int_equal(back.ratelimit_interval_log2, 5);
    assert_int_equal(back.ratelimit_burst, 200);
    assert_int_equal(back.ratelimit_leak_log2, 4);
    assert_int_equal(back.acl_count, 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(back.acl[i].action, s.acl[i].action);
        assert_int_equal(back.acl[i].prefix, s.acl[i].prefix);
        assert_int_equal(back.acl[i].addr, s.acl[i].addr);
    }
    assert_int_equal(back.mgmt, CONFIG_MGMT_SUBNET);
    assert_int_equal(back.mgmt_addr, s.mgmt_addr);
    assert_int_equal(back.mgmt_prefix, 12);
    assert_int_equal(back.upstream_addr, s.upstream_addr);
    assert_int_equal(back.upstream_key_id, 70000);
    assert_int_equal(back.syslog_addr, s.syslog_addr);
    assert_int_equal(back.clock_trim_ppb, -123456);
    assert_int_equal(back.rtc_drift_ppb, 2000);
    assert_true(back.strict_enabled);
    assert_int_equal(back.strict_max_ms, 777);
    assert_int_equal(back.last_set_unix_s, 1795632000);
    assert_int_equal(back.last_set_source, CONFIG_TIME_SOURCE_OPERATOR);
}

static void test_saves_alternate_slots(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_RECORD_LEN];
    config_load(&state, &store, &s);
    for (unsigned n = 1; n <= 5; n++) {
        s.stratum = (uint8_t)n;
        assert_int_equal(config_save(&state, &s), 0);
        config_encode(&s, n, rec);
        /* the new record in slot (n-1)%2, the previous one still in the other */
        assert_memory_equal(&eeprom.mem[SLOT_OFF((n - 1) % 2)], rec, sizeof(rec));
        if (n > 1) {
            s.stratum = (uint8_t)(n - 1);
            config_encode(&s, n - 1, rec);
            assert_memory_equal(&eeprom.mem[SLOT_OFF(n % 2)], rec, sizeof(rec));
        }
        load_expect(0, CONFIG_STORE_OK, &back);
        assert_int_equal(back.stratum, n);
        assert_int_equal(state.seq, n);
    }
    /* nothing written outside the two slots */
    for (size_t i = SLOT_OFF(2); i < EEPROM_FAKE_SIZE; i++) {
        assert_int_equal(eeprom.mem[i], 0xFF);
    }
}

static void test_save_refuses_invalid_settings(void **unused)
{
    (void)unused;
    struct settings s;
    config_load(&state, &store, &s);
    s.stratum = 16;
    unsigned writes = eeprom.writes;
    assert_int_equal(config_save(&state, &s), -EINVAL);
    assert_int_equal(eeprom.writes, writes);
}

static void test_missing_eeprom(void **unused)
{
    (void)unused;
    struct settings s;
    eeprom.is_missing = true;
    load_expect(-EIO, CONFIG_STORE_NO_EEPROM, &s);
    assert_defaults(&s);
    assert_string_equal(config_status_text(state.status),
                        "no EEPROM (read failed), using defaults");
    make_custom(&s);
    assert_int_equal(config_save(&state, &s), -EIO);
    assert_int_equal(config_erase(&state), -EIO);
    assert_int_equal(state.status, CONFIG_STORE_NO_EEPROM);
}

static void test_one_read_glitch_is_retried(void **unused)
{
    (void)unused;
    struct settings s, back;
    make_custom(&s);
    config_load(&state, &store, &back);
    assert_int_equal(config_save(&state, &s), 0);
    eeprom.read_failures = CONFIG_READ_RETRIES - 1;
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s, &back));
}

static void test_eeprom_back_after_boot_does_not_lose_sequence(void **unused)
{
    (void)unused;
    struct settings a, b, back;
    uint8_t rec[CONFIG_RECORD_LEN];
    make_custom(&a);
    config_encode(&a, 50, rec);
    write_slot(1, rec, sizeof(rec));
    eeprom.is_missing = true;
    load_expect(-EIO, CONFIG_STORE_NO_EEPROM, &back);
    eeprom.is_missing = false;
    config_defaults(&b);
    b.stratum = 9;
    assert_int_equal(config_save(&state, &b), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(back.stratum, 9);
    assert_int_equal(state.seq, 51);
}

static void test_every_damaged_byte_is_caught(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_RECORD_LEN];
    make_custom(&s);
    config_encode(&s, 7, rec);
    for (size_t i = 0; i < CONFIG_RECORD_LEN; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            eeprom_fake_init(&eeprom);
            write_slot(0, rec, sizeof(rec));
            eeprom.mem[SLOT_OFF(0) + i] ^= (uint8_t)(1u << bit);
            memset(&state, 0, sizeof(state));
            assert_int_equal(config_load(&state, &store, &back), -EBADMSG);
            assert_int_equal(state.status, i < 4 ? CONFIG_STORE_FOREIGN : CONFIG_STORE_BAD_CRC);
            assert_defaults(&back);
        }
    }
}

static void test_damaged_newer_slot_falls_back_to_older(void **unused)
{
    (void)unused;
    struct settings a, b, back;
    make_custom(&a);
    b = a;
    b.stratum = 7;
    config_load(&state, &store, &back);
    assert_int_equal(config_save(&state, &a), 0); /* slot 0, seq 1 */
    assert_int_equal(config_save(&state, &b), 0); /* slot 1, seq 2 */
    eeprom.mem[SLOT_OFF(1) + 40] ^= 0x10;
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&a, &back));
    assert_int_equal(state.slot_status[1], CONFIG_STORE_BAD_CRC);
    /* the next save overwrites the damaged slot, never the good one */
    assert_int_equal(state.next_slot, 1);
    assert_int_equal(config_save(&state, &b), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&b, &back));
    assert_int_equal(state.seq, 2);
}

/*
 * Two saves, then a third cut off after every possible number of bytes,
 * with and without the interrupted page left as garbage: after power comes
 * back the second record must load, whole and unchanged.
 */
static void test_torn_write_at_every_offset_keeps_old_record(void **unused)
{
    (void)unused;
    static const enum eeprom_fake_tear tears[] = {
        EEPROM_FAKE_TEAR_PREFIX,
        EEPROM_FAKE_TEAR_GARBLE_PAGE,
    };
    struct settings s1, s2, s3, back;
    config_defaults(&s1);
    make_custom(&s2);
    s3 = s2;
    s3.stratum = 12;
    s3.clock_trim_ppb = 4242;
    memcpy(s3.refid, "PPS\0", 4);

    for (unsigned first = 0; first < 2; first++) { /* torn slot 0, then slot 1 */
        for (size_t t = 0; t < 2; t++) {
            for (long cut = 0; cut <= (long)CONFIG_RECORD_LEN; cut++) {
                eeprom_fake_init(&eeprom);
                config_load(&state, &store, &back);
                if (first == 1) {
                    assert_int_equal(config_save(&state, &s1), 0);
                }
                assert_int_equal(config_save(&state, &s1), 0);
                assert_int_equal(config_save(&state, &s2), 0);
                assert_int_equal(state.next_slot, first);

                eeprom_fake_cut_power_after(&eeprom, cut, tears[t]);
                int err = config_save(&state, &s3);
                eeprom_fake_power_on(&eeprom);

                memset(&state, 0, sizeof(state));
                assert_int_equal(config_load(&state, &store, &back), 0);
                assert_int_equal(state.status, CONFIG_STORE_OK);
                if (cut < (long)CONFIG_RECORD_LEN) {
                    assert_int_equal(err, -EIO);
                    assert_true(config_is_equal(&s2, &back));
                } else {
                    assert_int_equal(err, 0);
                    assert_true(config_is_equal(&s3, &back));
                }
            }
        }
    }
}

static void test_torn_first_save_boots_defaults(void **unused)
{
    (void)unused;
    struct settings s, back;
    make_custom(&s);
    for (long cut = 0; cut < (long)CONFIG_RECORD_LEN; cut++) {
        eeprom_fake_init(&eeprom);
        config_load(&state, &store, &back);
        eeprom_fake_cut_power_after(&eeprom, cut, EEPROM_FAKE_TEAR_GARBLE_PAGE);
        assert_int_equal(config_save(&state, &s), -EIO);
        eeprom_fake_power_on(&eeprom);
        memset(&state, 0, sizeof(state));
        int err = config_load(&state, &store, &back);
        assert_true(err == -EBADMSG || err == -ENODATA);
        assert_true(state.status == CONFIG_STORE_BAD_CRC || state.status == CONFIG_STORE_FOREIGN ||
                    state.status == CONFIG_STORE_EMPTY);
        assert_defaults(&back);
        /* and a retry after power-up completes */
        assert_int_equal(config_save(&state, &s), 0);
        load_expect(0, CONFIG_STORE_OK, &back);
        assert_true(config_is_equal(&s, &back));
    }
}

static void test_failed_write_keeps_state(void **unused)
{
    (void)unused;
    struct settings s1, s2, back;
    config_defaults(&s1);
    make_custom(&s2);
    config_load(&state, &store, &back);
    assert_int_equal(config_save(&state, &s1), 0);
    struct config_state before = state;
    eeprom.write_failures = 1;
    assert_int_equal(config_save(&state, &s2), -EIO);
    assert_int_equal(state.seq, before.seq);
    assert_int_equal(state.next_slot, before.next_slot);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s1, &back));
}

static void test_lost_write_is_caught_by_read_back(void **unused)
{
    (void)unused;
    struct settings s, back;
    make_custom(&s);
    config_load(&state, &store, &back);
    eeprom.is_write_lost = true;
    assert_int_equal(config_save(&state, &s), -EIO);
    eeprom.is_write_lost = false;
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &back);
}

static void test_other_version_is_reported(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_SLOT_SIZE];
    make_custom(&s);

    /* same length, version 5 */
    config_encode(&s, 3, rec);
    rec[CONFIG_OFF_VERSION] = 5;
    fix_crc(rec, CONFIG_PAYLOAD_LEN);
    write_slot(0, rec, CONFIG_RECORD_LEN);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VERSION, &back);
    assert_defaults(&back);
    assert_string_equal(config_status_text(state.status), "unknown format version, using defaults");

    /* a longer version-5 record: still recognised as intact, not as damage */
    memset(rec, 0, sizeof(rec));
    config_encode(&s, 3, rec);
    rec[CONFIG_OFF_VERSION] = 5;
    rec[CONFIG_OFF_LENGTH] = 160;
    fix_crc(rec, 160);
    write_slot(0, rec, CONFIG_HEADER_LEN + 160 + 4);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VERSION, &back);
    assert_defaults(&back);

    /* a save then goes to slot 0 numbered past it, and wins */
    assert_int_equal(config_save(&state, &s), 0);
    assert_int_equal(state.seq, 4);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s, &back));
}

static void test_length_past_slot_is_damage(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_RECORD_LEN];
    make_custom(&s);
    config_encode(&s, 3, rec);
    rec[CONFIG_OFF_LENGTH] = 0xFF;
    rec[CONFIG_OFF_LENGTH + 1] = 0xFF;
    write_slot(1, rec, sizeof(rec));
    load_expect(-EBADMSG, CONFIG_STORE_BAD_CRC, &back);
}

static void test_foreign_data_is_reported(void **unused)
{
    (void)unused;
    struct settings back;
    for (size_t i = 0; i < CONFIG_SLOT_SIZE; i++) {
        eeprom.mem[SLOT_OFF(0) + i] = (uint8_t)(i * 13u + 1u);
    }
    memset(&eeprom.mem[SLOT_OFF(1)], 0, CONFIG_SLOT_SIZE);
    load_expect(-EBADMSG, CONFIG_STORE_FOREIGN, &back);
    assert_defaults(&back);
    assert_string_equal(config_status_text(state.status),
                        "foreign data (bad magic), using defaults");
}

static void test_out_of_range_values_are_refused(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_RECORD_LEN];

    make_custom(&s);
    s.stratum = 16; /* intact CRC, impossible value */
    config_encode(&s, 1, rec);
    write_slot(0, rec, sizeof(rec));
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VALUES, &back);
    assert_defaults(&back);

    make_custom(&s);
    config_encode(&s, 1, rec);
    rec[CONFIG_OFF_PAYLOAD + 0] = 2; /* dhcp flag neither 0 nor 1 */
    fix_crc(rec, CONFIG_PAYLOAD_LEN);
    write_slot(0, rec, sizeof(rec));
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VALUES, &back);
    assert_defaults(&back);

    config_encode(&s, 1, rec);
    rec[CONFIG_OFF_PAYLOAD + 20 + 7 * 6 + 2] = 1; /* garbage in an unused acl entry */
    fix_crc(rec, CONFIG_PAYLOAD_LEN);
    write_slot(0, rec, sizeof(rec));
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VALUES, &back);

    config_encode(&s, 1, rec);
    rec[CONFIG_OFF_PAYLOAD + 114 + 3 * 5 + 1] = 1; /* garbage in an unused auth entry */
    fix_crc(rec, CONFIG_PAYLOAD_LEN);
    write_slot(0, rec, sizeof(rec));
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VALUES, &back);

    /* an older good record in the other slot is used instead */
    s.stratum = 4;
    uint8_t old[CONFIG_RECORD_LEN];
    config_encode(&s, 0, old);
    write_slot(1, old, sizeof(old));
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(back.stratum, 4);
    assert_int_equal(state.slot_status[0], CONFIG_STORE_BAD_VALUES);
}

static void test_most_telling_failure_is_reported(void **unused)
{
    (void)unused;
    struct settings s, back;
    uint8_t rec[CONFIG_RECORD_LEN];
    make_custom(&s);
    config_encode(&s, 1, rec);
    rec[50] ^= 1;
    write_slot(0, rec, sizeof(rec)); /* damaged */
    s.stratum = 0;
    config_encode(&s, 2, rec);
    write_slot(1, rec, sizeof(rec)); /* intact, bad values */
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VALUES, &back);
    assert_int_equal(state.slot_status[0], CONFIG_STORE_BAD_CRC);
}

static void test_sequence_wrap(void **unused)
{
    (void)unused;
    struct settings a, b, back;
    uint8_t rec[CONFIG_RECORD_LEN];
    make_custom(&a);
    b = a;
    b.stratum = 2;

    for (unsigned swap = 0; swap < 2; swap++) {
        eeprom_fake_init(&eeprom);
        config_encode(&a, 0xFFFFFFFFu, rec);
        write_slot(swap, rec, sizeof(rec));
        config_encode(&b, 0u, rec);
        write_slot(swap ^ 1u, rec, sizeof(rec));
        load_expect(0, CONFIG_STORE_OK, &back);
        assert_int_equal(back.stratum, 2); /* 0 comes after 0xFFFFFFFF */
        assert_int_equal(state.seq, 0);
    }

    /* and a save across the wrap */
    eeprom_fake_init(&eeprom);
    config_encode(&a, 0xFFFFFFFEu, rec);
    write_slot(1, rec, sizeof(rec));
    config_encode(&a, 0xFFFFFFFFu, rec);
    write_slot(0, rec, sizeof(rec));
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(state.seq, 0xFFFFFFFFu);
    assert_int_equal(config_save(&state, &b), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(state.seq, 0u);
    assert_int_equal(back.stratum, 2);
    assert_int_equal(config_save(&state, &a), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(state.seq, 1u);
    assert_true(config_is_equal(&a, &back));
}

static void test_erase_gives_empty_store(void **unused)
{
    (void)unused;
    struct settings s, back;
    make_custom(&s);
    config_load(&state, &store, &back);
    assert_int_equal(config_save(&state, &s), 0);
    assert_int_equal(config_save(&state, &s), 0);
    assert_int_equal(config_erase(&state), 0);
    assert_int_equal(state.status, CONFIG_STORE_EMPTY);
    for (size_t i = 0; i < EEPROM_FAKE_SIZE; i++) {
        assert_int_equal(eeprom.mem[i], 0xFF);
    }
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &back);
    assert_defaults(&back);
    /* a save after the erase works as on a new chip */
    assert_int_equal(config_save(&state, &s), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s, &back));
}

static void test_erase_cut_short_reports_error(void **unused)
{
    (void)unused;
    struct settings s, back;
    make_custom(&s);
    config_load(&state, &store, &back);
    assert_int_equal(config_save(&state, &s), 0);
    eeprom_fake_cut_power_after(&eeprom, 10, EEPROM_FAKE_TEAR_PREFIX);
    assert_int_equal(config_erase(&state), -EIO);
    eeprom_fake_power_on(&eeprom);
    /* the slot in use was not touched first: the record survives */
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(config_is_equal(&s, &back));
}

static void test_status_texts(void **unused)
{
    (void)unused;
    for (int st = CONFIG_STORE_NOT_LOADED; st <= CONFIG_STORE_NO_EEPROM; st++) {
        const char *t = config_status_text((enum config_store_status)st);
        assert_non_null(t);
        assert_true(strlen(t) > 1);
        if (st != CONFIG_STORE_OK) {
            assert_non_null(strstr(t, "defaults"));
        }
    }
    assert_string_equal(config_status_text(CONFIG_STORE_OK), "ok");
    assert_string_equal(config_status_text(CONFIG_STORE_BAD_CRC),
                        "corrupted (bad CRC), using defaults");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_valid),
        cmocka_unit_test(test_custom_is_valid),
        cmocka_unit_test(test_validate_refuses_each_bad_field),
        cmocka_unit_test(test_validate_accepts_limits),
        cmocka_unit_test(test_prefix_mask),
        cmocka_unit_test(test_record_layout_is_fixed_little_endian),
        cmocka_unit_test(test_is_equal_ignores_padding_and_unused),
        cmocka_unit_test_setup(test_blank_eeprom_gives_empty_defaults, setup),
        cmocka_unit_test_setup(test_round_trip_every_field, setup),
        cmocka_unit_test_setup(test_saves_alternate_slots, setup),
        cmocka_unit_test_setup(test_save_refuses_invalid_settings, setup),
        cmocka_unit_test_setup(test_missing_eeprom, setup),
        cmocka_unit_test_setup(test_one_read_glitch_is_retried, setup),
        cmocka_unit_test_setup(test_eeprom_back_after_boot_does_not_lose_sequence, setup),
        cmocka_unit_test_setup(test_every_damaged_byte_is_caught, setup),
        cmocka_unit_test_setup(test_damaged_newer_slot_falls_back_to_older, setup),
        cmocka_unit_test_setup(test_torn_write_at_every_offset_keeps_old_record, setup),
        cmocka_unit_test_setup(test_torn_first_save_boots_defaults, setup),
        cmocka_unit_test_setup(test_failed_write_keeps_state, setup),
        cmocka_unit_test_setup(test_lost_write_is_caught_by_read_back, setup),
        cmocka_unit_test_setup(test_other_version_is_reported, setup),
        cmocka_unit_test_setup(test_format3_image_still_loads, setup),
        cmocka_unit_test_setup(test_unreleased_format4_length_is_another_format, setup),
        cmocka_unit_test_setup(test_upstream_key_needs_a_server, setup),
        cmocka_unit_test_setup(test_format2_record_still_loads, setup),
        cmocka_unit_test_setup(test_rtc_fields_checked, setup),
        cmocka_unit_test_setup(test_format1_record_still_loads, setup),
        cmocka_unit_test(test_mac_checked),
        cmocka_unit_test_setup(test_length_past_slot_is_damage, setup),
        cmocka_unit_test_setup(test_foreign_data_is_reported, setup),
        cmocka_unit_test_setup(test_out_of_range_values_are_refused, setup),
        cmocka_unit_test_setup(test_most_telling_failure_is_reported, setup),
        cmocka_unit_test_setup(test_sequence_wrap, setup),
        cmocka_unit_test_setup(test_erase_gives_empty_store, setup),
        cmocka_unit_test_setup(test_erase_cut_short_reports_error, setup),
        cmocka_unit_test(test_status_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
