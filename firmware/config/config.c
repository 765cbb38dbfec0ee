/*
 * Settings: defaults, validation, and their record in the EEPROM.
 *
 * The record is the two-slot one of record.c (a save never touches the
 * record in use, so a power cut leaves the previous one):
 *   0  magic "NTPC"   4  format version   6  payload length   8  sequence
 *  12  payload (CONFIG_PAYLOAD_LEN bytes, layout in encode_payload())
 *  12+len  CRC-32 over bytes 0 .. 12+len-1
 */
#include "config/config.h"

#include <errno.h>
#include <string.h>

#include "config/record.h"

/* ------------------------------------------------------------ helpers -- */

uint32_t config_prefix_mask(uint8_t prefix)
{
    if (prefix == 0u) {
        return 0u;
    }
    if (prefix >= 32u) {
        return 0xFFFFFFFFu;
    }
    return 0xFFFFFFFFu << (32u - prefix);
}

/* A unicast host address we can talk to: not 0/8, loopback, multicast or above. */
static bool is_unicast_host(uint32_t addr)
{
    uint32_t first = addr >> 24;
    return first != 0u && first != 127u && first < 224u;
}

/* Host part neither all zeros nor all ones (only meaningful up to /30). */
static bool is_host_in_subnet(uint32_t addr, uint8_t prefix)
{
    if (prefix > 30u) {
        return true;
    }
    uint32_t host = addr & ~config_prefix_mask(prefix);
    return host != 0u && host != ~config_prefix_mask(prefix);
}

static bool is_subnet(uint32_t addr, uint8_t prefix)
{
    return prefix <= 32u && (addr & ~config_prefix_mask(prefix)) == 0u;
}

/* ---------------------------------------------------- defaults, checks -- */

void config_defaults(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    s->dhcp_enabled = CONFIG_DEFAULT_DHCP;
    s->stratum = CONFIG_DEFAULT_STRATUM;
    memcpy(s->refid, CONFIG_DEFAULT_REFID, strnlen(CONFIG_DEFAULT_REFID, CONFIG_REFID_LEN));
    s->ratelimit_enabled = CONFIG_DEFAULT_RATELIMIT_ENABLED;
    s->ratelimit_interval_log2 = CONFIG_DEFAULT_RATELIMIT_INTERVAL_LOG2;
    s->ratelimit_burst = CONFIG_DEFAULT_RATELIMIT_BURST;
    s->ratelimit_leak_log2 = CONFIG_DEFAULT_RATELIMIT_LEAK_LOG2;
    s->mgmt = CONFIG_DEFAULT_MGMT;
    s->rtc_drift_ppb = CONFIG_DEFAULT_RTC_DRIFT_PPB;
    s->strict_enabled = CONFIG_DEFAULT_STRICT_ENABLED;
    s->strict_max_ms = CONFIG_DEFAULT_STRICT_MAX_MS;
    s->last_set_source = CONFIG_TIME_SOURCE_NONE;
}

/* Returns NULL when mac is usable as this appliance's own address (unicast, not zero). */
static const char *check_mac(const uint8_t mac[6])
{
    uint8_t any = 0;
    for (unsigned i = 0; i < 6u; i++) {
        any |= mac[i];
    }
    if (any == 0u) {
        return "MAC address 00:00:00:00:00:00";
    }
    if (mac[0] & 0x01u) {
        return "MAC address is a multicast address";
    }
    return NULL;
}

static const char *check_network(const struct settings *s)
{
    switch (s->mac_source) {
    case CONFIG_MAC_NONE:
        for (unsigned i = 0; i < sizeof(s->mac); i++) {
            if (s->mac[i] != 0u) {
                return "MAC address without a source";
            }
        }
        break;
    case CONFIG_MAC_OPERATOR:
    case CONFIG_MAC_GENERATED: {
        const char *bad = check_mac(s->mac);
        if (bad != NULL) {
            return bad;
        }
        break;
    }
    default: return "MAC address source unknown";
    }
    if (s->ip_addr == 0u) {
        if (s->ip_prefix != 0u || s->gateway != 0u) {
            return "prefix or gateway without a static address";
        }
        if (!s->dhcp_enabled) {
            return "DHCP off needs a static address (net ip)";
        }
        return NULL;
    }
    if (!is_unicast_host(s->ip_addr)) {
        return "static address is not a unicast host address";
    }
    if (s->ip_prefix < 1u || s->ip_prefix > 32u) {
        return "static prefix out of range (1..32)";
    }
    if (!is_host_in_subnet(s->ip_addr, s->ip_prefix)) {
        return "static address is the subnet or broadcast address";
    }
    if (s->gateway != 0u) {
        uint32_t mask = config_prefix_mask(s->ip_prefix);
        if (!is_unicast_host(s->gateway) || s->gateway == s->ip_addr ||
            (s->gateway & mask) != (s->ip_addr & mask) ||
            !is_host_in_subnet(s->gateway, s->ip_prefix)) {
            return "gateway is not another host on the static subnet";
        }
    }
    return NULL;
}

static const char *check_ntp(const struct settings *s)
{
    if (s->stratum < CONFIG_STRATUM_MIN || s->stratum > CONFIG_STRATUM_MAX) {
        return "stratum out of range (1..15)";
    }
    bool ended = false;
    for (unsigned i = 0; i < CONFIG_REFID_LEN; i++) {
        char c = s->refid[i];
        if (c == '\0') {
            ended = true;
        } else if (ended || c <= ' ' || c > '~') {
            return "refid must be 1..4 printable characters";
        }
    }
    if (s->refid[0] == '\0') {
        return "refid must be 1..4 printable characters";
    }
    if (s->ratelimit_interval_log2 < CONFIG_RATELIMIT_INTERVAL_LOG2_MIN ||
        s->ratelimit_interval_log2 > CONFIG_RATELIMIT_INTERVAL_LOG2_MAX ||
        s->ratelimit_burst < CONFIG_RATELIMIT_BURST_MIN ||
        s->ratelimit_leak_log2 < CONFIG_RATELIMIT_LEAK_LOG2_MIN ||
        s->ratelimit_leak_log2 > CONFIG_RATELIMIT_LEAK_LOG2_MAX) {
        return "ratelimit out of range (interval -3..12, burst 1..255, leak 1..4)";
    }
    if (s->acl_count > CONFIG_ACL_MAX) {
        return "too many access-list entries";
    }
    for (unsigned i = 0; i < s->acl_count; i++) {
        const struct config_acl_entry *e = &s->acl[i];
        if (e->action != CONFIG_ACL_ALLOW && e->action != CONFIG_ACL_DENY) {
            return "access-list entry neither allow nor deny";
        }
        if (!is_subnet(e->addr, e->prefix)) {
            return "access-list subnet has host bits set";
        }
        for (unsigned j = 0; j < i; j++) {
            if (s->acl[j].addr == e->addr && s->acl[j].prefix == e->prefix) {
                return "access-list subnet listed twice";
            }
        }
    }
    if (s->auth_count > CONFIG_AUTH_MAX) {
        return "too many subnets that must authenticate";
    }
    for (unsigned i = 0; i < s->auth_count; i++) {
        if (!is_subnet(s->auth[i].addr, s->auth[i].prefix)) {
            return "subnet that must authenticate has host bits set";
        }
        for (unsigned j = 0; j < i; j++) {
            if (s->auth[j].addr == s->auth[i].addr && s->auth[j].prefix == s->auth[i].prefix) {
                return "subnet that must authenticate listed twice";
            }
        }
    }
    switch (s->mgmt) {
    case CONFIG_MGMT_NONE:
    case CONFIG_MGMT_LOCAL:
        if (s->mgmt_addr != 0u || s->mgmt_prefix != 0u) {
            return "management subnet set without mgmt subnet mode";
        }
        break;
    case CONFIG_MGMT_SUBNET:
        if (!is_subnet(s->mgmt_addr, s->mgmt_prefix)) {
            return "management subnet has host bits set";
        }
        break;
    default: return "management mode unknown";
    }
    return NULL;
}

static const char *check_peers_and_clock(const struct settings *s)
{
    if (s->upstream_addr != 0u && !is_unicast_host(s->upstream_addr)) {
        return "upstream is not a unicast host address";
    }
    if (s->upstream_key_id != 0u && s->upstream_addr == 0u) {
        return "upstream key without an upstream server";
    }
    if (s->syslog_addr != 0u && !is_unicast_host(s->syslog_addr)) {
        return "log target is not a unicast host address";
    }
    if (s->clock_trim_ppb < -CONFIG_TRIM_PPB_MAX || s->clock_trim_ppb > CONFIG_TRIM_PPB_MAX) {
        return "clock trim out of range (-500000..500000 ppb)";
    }
    if (s->rtc_drift_ppb < CONFIG_RTC_DRIFT_PPB_MIN ||
        s->rtc_drift_ppb > CONFIG_RTC_DRIFT_PPB_MAX) {
        return "rtc drift out of range (1000..500000 ppb)";
    }
    if (s->strict_max_ms < CONFIG_STRICT_MAX_MS_MIN ||
        s->strict_max_ms > CONFIG_STRICT_MAX_MS_MAX) {
        return "strict limit out of range (1..15000 ms)";
    }
    switch (s->last_set_source) {
    case CONFIG_TIME_SOURCE_NONE:
        if (s->last_set_unix_s != 0) {
            return "last-set time without a source";
        }
        break;
    case CONFIG_TIME_SOURCE_OPERATOR:
    case CONFIG_TIME_SOURCE_UPSTREAM:
        if (s->last_set_unix_s < CONFIG_UNIX_S_2000 || s->last_set_unix_s >= CONFIG_UNIX_S_2100) {
            return "last-set time outside 2000..2099";
        }
        break;
    default: return "last-set source unknown";
    }
    if (s->rtc_chip > CONFIG_RTC_CHIP_DS3231) {
        return "RTC chip unknown";
    }
    if (s->rtc_sqw > CONFIG_RTC_SQW_CAPTURE) {
        return "RTC edge source unknown";
    }
    return NULL;
}

int config_validate(const struct settings *s, const char **why)
{
    const char *bad = check_network(s);
    if (bad == NULL) {
        bad = check_ntp(s);
    }
    if (bad == NULL) {
        bad = check_peers_and_clock(s);
    }
    if (why != NULL) {
        *why = bad;
    }
    return bad == NULL ? 0 : -EINVAL;
}

/* ---------------------------------------------------------- the record -- */

/*
 * Payload, format version 1 (offsets from the start of the payload):
 *   0 dhcp  1 ip_addr  5 ip_prefix  6 gateway  10 stratum  11 refid[4]
 *  15 ratelimit enabled  16 interval_log2  17 burst  18 leak_log2
 *  19 acl_count  20 acl[8] x {action, prefix, addr u32}
 *  68 mgmt  69 mgmt_addr  73 mgmt_prefix  74 upstream  78 syslog
 *  82 clock_trim_ppb i32  86 rtc_drift_ppb i32  90 strict  91 strict_max_ms
 *  95 last_set_unix_s i64  103 last_set_source   (104 bytes)
 * Format version 2 adds:
 * 104 mac[6]  110 mac_source   (111 bytes)
 * Format version 3 adds:
 * 111 rtc_chip  112 rtc_sqw   (113 bytes)
 * Format version 4 adds:
 * 113 auth_count  114 auth[4] x {prefix, addr u32}  134 upstream_key_id u32
 *   (138 bytes)
 * Unused acl and auth entries and the mgmt subnet outside subnet mode are
 * zero. Older records load with what the newer fields' defaults are (no
 * MAC, the RTC chip as found, the edges as the board is built, keys
 * optional everywhere, an upstream server without a key).
 */
static void encode_payload(struct record_writer *c, const struct settings *s)
{
    record_put_u8(c, s->dhcp_enabled ? 1u : 0u);
    record_put_u32(c, s->ip_addr);
    record_put_u8(c, s->ip_prefix);
    record_put_u32(c, s->gateway);
    record_put_u8(c, s->stratum);
    for (unsigned i = 0; i < CONFIG_REFID_LEN; i++) {
        record_put_u8(c, (uint8_t)s->refid[i]);
    }
    record_put_u8(c, s->ratelimit_enabled ? 1u : 0u);
    record_put_u8(c, (uint8_t)s->ratelimit_interval_log2);
    record_put_u8(c, s->ratelimit_burst);
    record_put_u8(c, s->ratelimit_leak_log2);
    record_put_u8(c, s->acl_count);
    for (unsigned i = 0; i < CONFIG_ACL_MAX; i++) {
        bool used = i < s->acl_count;
        record_put_u8(c, used ? s->acl[i].action : 0u);
        record_put_u8(c, used ? s->acl[i].prefix : 0u);
        record_put_u32(c, used ? s->acl[i].addr : 0u);
    }
    bool is_sub = s->mgmt == CONFIG_MGMT_SUBNET;
    record_put_u8(c, s->mgmt);
    record_put_u32(c, is_sub ? s->mgmt_addr : 0u);
    record_put_u8(c, is_sub ? s->mgmt_prefix : 0u);
    record_put_u32(c, s->upstream_addr);
    record_put_u32(c, s->syslog_addr);
    record_put_u32(c, (uint32_t)s->clock_trim_ppb);
    record_put_u32(c, (uint32_t)s->rtc_drift_ppb);
    record_put_u8(c, s->strict_enabled ? 1u : 0u);
    record_put_u32(c, s->strict_max_ms);
    record_put_u64(c, (uint64_t)s->last_set_unix_s);
    record_put_u8(c, s->last_set_source);
    for (unsigned i = 0; i < sizeof(s->mac); i++) {
        record_put_u8(c, s->mac[i]);
    }
    record_put_u8(c, s->mac_source);
    record_put_u8(c, s->rtc_chip);
    record_put_u8(c, s->rtc_sqw);
    record_put_u8(c, s->auth_count);
    for (unsigned i = 0; i < CONFIG_AUTH_MAX; i++) {
        bool used = i < s->auth_count;
        record_put_u8(c, used ? s->auth[i].prefix : 0u);
        record_put_u32(c, used ? s->auth[i].addr : 0u);
    }
    record_put_u32(c, s->upstream_key_id);
}

/*
 * Decodes a payload of format version 1 to 4 (len bytes, the version's).
 * Returns 0, or -EBADMSG when a flag byte is neither 0 nor 1 or an unused
 * entry is not zero.
 */
static int decode_payload(const uint8_t *p, size_t len, struct settings *s)
{
    struct record_reader r = { .p = p, .is_bad = false };
    memset(s, 0, sizeof(*s));
    s->dhcp_enabled = record_take_bool(&r);
    s->ip_addr = record_take_u32(&r);
    s->ip_prefix = record_take_u8(&r);
    s->gateway = record_take_u32(&r);
    s->stratum = record_take_u8(&r);
    for (unsigned i = 0; i < CONFIG_REFID_LEN; i++) {
        s->refid[i] = (char)record_take_u8(&r);
    }
    s->ratelimit_enabled = record_take_bool(&r);
    s->ratelimit_interval_log2 = (int8_t)record_take_u8(&r);
    s->ratelimit_burst = record_take_u8(&r);
    s->ratelimit_leak_log2 = record_take_u8(&r);
    s->acl_count = record_take_u8(&r);
    for (unsigned i = 0; i < CONFIG_ACL_MAX; i++) {
        s->acl[i].action = record_take_u8(&r);
        s->acl[i].prefix = record_take_u8(&r);
        s->acl[i].addr = record_take_u32(&r);
        if (i >= s->acl_count && (s->acl[i].action | s->acl[i].prefix | s->acl[i].addr) != 0u) {
            r.is_bad = true;
        }
    }
    s->mgmt = record_take_u8(&r);
    s->mgmt_addr = record_take_u32(&r);
    s->mgmt_prefix = record_take_u8(&r);
    s->upstream_addr = record_take_u32(&r);
    s->syslog_addr = record_take_u32(&r);
    s->clock_trim_ppb = (int32_t)record_take_u32(&r);
    s->rtc_drift_ppb = (int32_t)record_take_u32(&r);
    s->strict_enabled = record_take_bool(&r);
    s->strict_max_ms = record_take_u32(&r);
    s->last_set_unix_s = (int64_t)record_take_u64(&r);
    s->last_set_source = record_take_u8(&r);
    if (len >= CONFIG_PAYLOAD_LEN_V2) {
        for (unsigned i = 0; i < sizeof(s->mac); i++) {
            s->mac[i] = record_take_u8(&r);
        }
        s->mac_source = record_take_u8(&r);
    }
    if (len >= CONFIG_PAYLOAD_LEN_V3) {
        s->rtc_chip = record_take_u8(&r);
        s->rtc_sqw = record_take_u8(&r);
    }
    if (len >= CONFIG_PAYLOAD_LEN) {
        s->auth_count = record_take_u8(&r);
        for (unsigned i = 0; i < CONFIG_AUTH_MAX; i++) {
            s->auth[i].prefix = record_take_u8(&r);
            s->auth[i].addr = record_take_u32(&r);
            if (i >= s->auth_count && (s->auth[i].prefix | s->auth[i].addr) != 0u) {
                r.is_bad = true;
            }
        }
        s->upstream_key_id = record_take_u32(&r);
    }
    if ((size_t)(r.p - p) != len || r.is_bad) {
        return -EBADMSG;
    }
    return 0;
}

/* Decodes and checks a settings payload for record.c (out NULL: checks only). */
static int settings_decode(void *out, uint16_t version, const uint8_t *payload, size_t len)
{
    static struct settings scratch;
    struct settings *s = out != NULL ? out : &scratch;
    bool is_known = (version == CONFIG_FORMAT_VERSION && len == CONFIG_PAYLOAD_LEN) ||
                    (version == 3u && len == CONFIG_PAYLOAD_LEN_V3) ||
                    (version == 2u && len == CONFIG_PAYLOAD_LEN_V2) ||
                    (version == 1u && len == CONFIG_PAYLOAD_LEN_V1);
    if (!is_known) {
        return -EPROTONOSUPPORT;
    }
    if (decode_payload(payload, len, s) != 0 || config_validate(s, NULL) != 0) {
        return -EBADMSG;
    }
    return 0;
}

static const struct record_format settings_format = {
    .magic = CONFIG_MAGIC,
    .base = CONFIG_EEPROM_BASE,
    .slot_size = CONFIG_SLOT_SIZE,
    .is_previous_wiped = false,
    .decode = settings_decode,
};

_Static_assert(CONFIG_SLOT_SIZE <= RECORD_SLOT_MAX, "the slot buffer must hold a slot");

void config_encode(const struct settings *s, uint32_t seq, uint8_t rec[CONFIG_RECORD_LEN])
{
    struct record_writer w = record_payload_writer(rec, CONFIG_PAYLOAD_LEN);
    encode_payload(&w, s);
    record_seal(rec, &settings_format, CONFIG_FORMAT_VERSION, CONFIG_PAYLOAD_LEN, seq);
}

bool config_is_equal(const struct settings *a, const struct settings *b)
{
    static uint8_t ra[CONFIG_RECORD_LEN];
    static uint8_t rb[CONFIG_RECORD_LEN];
    config_encode(a, 0u, ra);
    config_encode(b, 0u, rb);
    return memcmp(ra, rb, sizeof(ra)) == 0;
}

/* -------------------------------------------------------------- storage -- */

int config_load(struct config_state *st, const struct config_store *store, struct settings *out)
{
    int err = record_load(st, store, &settings_format, out);
    if (err != 0) {
        config_defaults(out);
    }
    return err;
}

int config_save(struct config_state *st, const struct settings *s)
{
    static uint8_t rec[CONFIG_RECORD_LEN];

    if (config_validate(s, NULL) != 0) {
        return -EINVAL;
    }
    struct record_writer w = record_payload_writer(rec, CONFIG_PAYLOAD_LEN);
    encode_payload(&w, s);
    return record_save(st, &settings_format, rec, CONFIG_FORMAT_VERSION, CONFIG_PAYLOAD_LEN);
}

int config_erase(struct config_state *st)
{
    return record_erase(st, &settings_format);
}

const char *config_status_text(enum config_store_status status)
{
    switch (status) {
    case CONFIG_STORE_NOT_LOADED: return "not loaded, using defaults";
    case CONFIG_STORE_OK: return "ok";
    case CONFIG_STORE_EMPTY: return "empty, using defaults";
    case CONFIG_STORE_BAD_CRC: return "corrupted (bad CRC), using defaults";
    case CONFIG_STORE_BAD_VERSION: return "unknown format version, using defaults";
    case CONFIG_STORE_FOREIGN: return "foreign data (bad magic), using defaults";
    case CONFIG_STORE_BAD_VALUES: return "corrupted (values out of range), using defaults";
    case CONFIG_STORE_NO_EEPROM: return "no EEPROM (read failed), using defaults";
    }
    return "unknown";
}
