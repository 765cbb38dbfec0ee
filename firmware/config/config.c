/*
 * Settings: defaults, validation, and the two-slot record in the EEPROM.
 *
 * A save writes a complete record (header, payload, CRC-32) into the slot
 * that does not hold the record in use, then reads it back. Nothing else is
 * ever written, so whatever a power cut does to the slot being written, the
 * other slot still holds the previous record, and the CRC tells the torn
 * one from a good one. Load takes the valid slot with the newer sequence
 * number, compared in serial-number arithmetic (RFC 1982) so the 32-bit
 * counter may wrap.
 *
 * Record, little-endian (offsets in bytes):
 *   0  magic "NTPC"   4  format version   6  payload length   8  sequence
 *  12  payload (CONFIG_PAYLOAD_LEN bytes, layout in encode_payload())
 *  12+len  CRC-32 over bytes 0 .. 12+len-1
 */
#include "config/config.h"

#include <errno.h>
#include <string.h>

#include "lib/crc32.h"

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

struct cursor {
    uint8_t *p;
    const uint8_t *end;
};

static void put_u8(struct cursor *c, uint8_t v)
{
    if (c->p < c->end) {
        *c->p++ = v;
    }
}

static void put_u16(struct cursor *c, uint16_t v)
{
    put_u8(c, (uint8_t)v);
    put_u8(c, (uint8_t)(v >> 8));
}

static void put_u32(struct cursor *c, uint32_t v)
{
    put_u16(c, (uint16_t)v);
    put_u16(c, (uint16_t)(v >> 16));
}

static void put_u64(struct cursor *c, uint64_t v)
{
    put_u32(c, (uint32_t)v);
    put_u32(c, (uint32_t)(v >> 32));
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)get_u16(p) | (uint32_t)get_u16(p + 2) << 16;
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* Reader for the payload; a bool byte other than 0 or 1 marks it bad. */
struct reader {
    const uint8_t *p;
    bool is_bad;
};

static uint8_t take_u8(struct reader *r)
{
    return *r->p++;
}

static bool take_bool(struct reader *r)
{
    uint8_t v = take_u8(r);
    if (v > 1u) {
        r->is_bad = true;
    }
    return v == 1u;
}

static uint32_t take_u32(struct reader *r)
{
    uint32_t v = get_u32(r->p);
    r->p += 4;
    return v;
}

static uint64_t take_u64(struct reader *r)
{
    uint64_t v = get_u64(r->p);
    r->p += 8;
    return v;
}

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
 * Unused acl entries and the mgmt subnet outside subnet mode are zero.
 */
static void encode_payload(struct cursor *c, const struct settings *s)
{
    put_u8(c, s->dhcp_enabled ? 1u : 0u);
    put_u32(c, s->ip_addr);
    put_u8(c, s->ip_prefix);
    put_u32(c, s->gateway);
    put_u8(c, s->stratum);
    for (unsigned i = 0; i < CONFIG_REFID_LEN; i++) {
        put_u8(c, (uint8_t)s->refid[i]);
    }
    put_u8(c, s->ratelimit_enabled ? 1u : 0u);
    put_u8(c, (uint8_t)s->ratelimit_interval_log2);
    put_u8(c, s->ratelimit_burst);
    put_u8(c, s->ratelimit_leak_log2);
    put_u8(c, s->acl_count);
    for (unsigned i = 0; i < CONFIG_ACL_MAX; i++) {
        bool used = i < s->acl_count;
        put_u8(c, used ? s->acl[i].action : 0u);
        put_u8(c, used ? s->acl[i].prefix : 0u);
        put_u32(c, used ? s->acl[i].addr : 0u);
    }
    bool is_sub = s->mgmt == CONFIG_MGMT_SUBNET;
    put_u8(c, s->mgmt);
    put_u32(c, is_sub ? s->mgmt_addr : 0u);
    put_u8(c, is_sub ? s->mgmt_prefix : 0u);
    put_u32(c, s->upstream_addr);
    put_u32(c, s->syslog_addr);
    put_u32(c, (uint32_t)s->clock_trim_ppb);
    put_u32(c, (uint32_t)s->rtc_drift_ppb);
    put_u8(c, s->strict_enabled ? 1u : 0u);
    put_u32(c, s->strict_max_ms);
    put_u64(c, (uint64_t)s->last_set_unix_s);
    put_u8(c, s->last_set_source);
    for (unsigned i = 0; i < sizeof(s->mac); i++) {
        put_u8(c, s->mac[i]);
    }
    put_u8(c, s->mac_source);
}

/*
 * Decodes a payload of format version 1 or 2 (len bytes). Returns 0, or
 * -EBADMSG when a flag byte is neither 0 nor 1 or the length is not the
 * version's.
 */
static int decode_payload(const uint8_t *p, size_t len, struct settings *s)
{
    struct reader r = { .p = p, .is_bad = false };
    memset(s, 0, sizeof(*s));
    s->dhcp_enabled = take_bool(&r);
    s->ip_addr = take_u32(&r);
    s->ip_prefix = take_u8(&r);
    s->gateway = take_u32(&r);
    s->stratum = take_u8(&r);
    for (unsigned i = 0; i < CONFIG_REFID_LEN; i++) {
        s->refid[i] = (char)take_u8(&r);
    }
    s->ratelimit_enabled = take_bool(&r);
    s->ratelimit_interval_log2 = (int8_t)take_u8(&r);
    s->ratelimit_burst = take_u8(&r);
    s->ratelimit_leak_log2 = take_u8(&r);
    s->acl_count = take_u8(&r);
    for (unsigned i = 0; i < CONFIG_ACL_MAX; i++) {
        s->acl[i].action = take_u8(&r);
        s->acl[i].prefix = take_u8(&r);
        s->acl[i].addr = take_u32(&r);
        if (i >= s->acl_count && (s->acl[i].action | s->acl[i].prefix | s->acl[i].addr) != 0u) {
            r.is_bad = true;
        }
    }
    s->mgmt = take_u8(&r);
    s->mgmt_addr = take_u32(&r);
    s->mgmt_prefix = take_u8(&r);
    s->upstream_addr = take_u32(&r);
    s->syslog_addr = take_u32(&r);
    s->clock_trim_ppb = (int32_t)take_u32(&r);
    s->rtc_drift_ppb = (int32_t)take_u32(&r);
    s->strict_enabled = take_bool(&r);
    s->strict_max_ms = take_u32(&r);
    s->last_set_unix_s = (int64_t)take_u64(&r);
    s->last_set_source = take_u8(&r);
    if (len == CONFIG_PAYLOAD_LEN) {
        for (unsigned i = 0; i < sizeof(s->mac); i++) {
            s->mac[i] = take_u8(&r);
        }
        s->mac_source = take_u8(&r);
    }
    if ((size_t)(r.p - p) != len || r.is_bad) {
        return -EBADMSG;
    }
    return 0;
}

void config_encode(const struct settings *s, uint32_t seq, uint8_t rec[CONFIG_RECORD_LEN])
{
    struct cursor c = { .p = rec, .end = rec + CONFIG_RECORD_LEN };
    put_u32(&c, CONFIG_MAGIC);
    put_u16(&c, CONFIG_FORMAT_VERSION);
    put_u16(&c, CONFIG_PAYLOAD_LEN);
    put_u32(&c, seq);
    encode_payload(&c, s);
    put_u32(&c, crc32_ieee(rec, CONFIG_HEADER_LEN + CONFIG_PAYLOAD_LEN));
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

/* One slot's worth of EEPROM: static, so load never needs a big stack. */
static uint8_t slot_buf[CONFIG_SLOT_SIZE];

static uint16_t slot_offset(unsigned slot)
{
    return (uint16_t)(CONFIG_EEPROM_BASE + slot * CONFIG_SLOT_SIZE);
}

static int store_read(const struct config_store *store, uint16_t off, void *buf, size_t len)
{
    int err = -EIO;
    for (int i = 0; i < CONFIG_READ_RETRIES; i++) {
        err = store->read(store->ctx, off, buf, len);
        if (err == 0) {
            return 0;
        }
    }
    return err < 0 ? err : -EIO;
}

/* Serial-number comparison (RFC 1982): true when a is newer than b. */
static bool is_seq_newer(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

/*
 * Classifies the slot in slot_buf. *out gets the settings and *seq the
 * sequence number of a valid record; *has_seq says whether *seq is from an
 * intact record of our magic (valid or not), so a later save can outrun it.
 */
static enum config_store_status classify(struct settings *out, uint32_t *seq, bool *has_seq)
{
    *has_seq = false;
    bool is_blank = true;
    for (size_t i = 0; i < CONFIG_SLOT_SIZE; i++) {
        if (slot_buf[i] != 0xFFu) {
            is_blank = false;
            break;
        }
    }
    if (is_blank) {
        return CONFIG_STORE_EMPTY;
    }
    if (get_u32(slot_buf + CONFIG_OFF_MAGIC) != CONFIG_MAGIC) {
        return CONFIG_STORE_FOREIGN;
    }
    uint16_t version = get_u16(slot_buf + CONFIG_OFF_VERSION);
    size_t len = get_u16(slot_buf + CONFIG_OFF_LENGTH);
    if (CONFIG_HEADER_LEN + len + CONFIG_CRC_LEN > CONFIG_SLOT_SIZE) {
        return CONFIG_STORE_BAD_CRC;
    }
    size_t crc_off = CONFIG_HEADER_LEN + len;
    if (crc32_ieee(slot_buf, crc_off) != get_u32(slot_buf + crc_off)) {
        return CONFIG_STORE_BAD_CRC;
    }
    *seq = get_u32(slot_buf + CONFIG_OFF_SEQ);
    *has_seq = true;
    bool is_current = version == CONFIG_FORMAT_VERSION && len == CONFIG_PAYLOAD_LEN;
    bool is_v1 = version == 1u && len == CONFIG_PAYLOAD_LEN_V1;
    if (!is_current && !is_v1) {
        return CONFIG_STORE_BAD_VERSION;
    }
    if (decode_payload(slot_buf + CONFIG_OFF_PAYLOAD, len, out) != 0 ||
        config_validate(out, NULL) != 0) {
        return CONFIG_STORE_BAD_VALUES;
    }
    return CONFIG_STORE_OK;
}

/* Which of two failures to report: the one that tells the operator most. */
static int failure_rank(enum config_store_status s)
{
    switch (s) {
    case CONFIG_STORE_BAD_VERSION: return 5;
    case CONFIG_STORE_BAD_VALUES: return 4;
    case CONFIG_STORE_BAD_CRC: return 3;
    case CONFIG_STORE_FOREIGN: return 2;
    case CONFIG_STORE_EMPTY: return 1;
    default: return 0;
    }
}

/*
 * Reads and classifies both slots, fills st and (if a record is valid)
 * *out. Returns 0, or the read error with st->status = NO_EEPROM.
 */
static int scan(struct config_state *st, struct settings *out, bool *has_record)
{
    static struct settings found[CONFIG_SLOT_COUNT];
    uint32_t seq[CONFIG_SLOT_COUNT] = { 0u, 0u };
    bool has_seq[CONFIG_SLOT_COUNT] = { false, false };

    *has_record = false;
    for (unsigned i = 0; i < CONFIG_SLOT_COUNT; i++) {
        int err = store_read(st->store, slot_offset(i), slot_buf, sizeof(slot_buf));
        if (err != 0) {
            st->status = CONFIG_STORE_NO_EEPROM;
            st->slot_status[0] = st->slot_status[1] = CONFIG_STORE_NO_EEPROM;
            return err;
        }
        st->slot_status[i] = classify(&found[i], &seq[i], &has_seq[i]);
    }

    int use = -1;
    for (unsigned i = 0; i < CONFIG_SLOT_COUNT; i++) {
        if (st->slot_status[i] == CONFIG_STORE_OK && (use < 0 || is_seq_newer(seq[i], seq[use]))) {
            use = (int)i;
        }
    }
    if (use >= 0) {
        st->status = CONFIG_STORE_OK;
        st->seq = seq[use];
        st->next_slot = (uint8_t)(use ^ 1);
        *out = found[use];
        *has_record = true;
        return 0;
    }

    /* No valid record: report the most telling failure, and make sure the
     * next save is numbered past any intact record left in either slot. */
    st->status = st->slot_status[0];
    if (failure_rank(st->slot_status[1]) > failure_rank(st->status)) {
        st->status = st->slot_status[1];
    }
    for (unsigned i = 0; i < CONFIG_SLOT_COUNT; i++) {
        if (has_seq[i] && is_seq_newer(seq[i], st->seq)) {
            st->seq = seq[i];
        }
    }
    st->next_slot = 0u;
    return 0;
}

int config_load(struct config_state *st, const struct config_store *store, struct settings *out)
{
    bool has_record;
    memset(st, 0, sizeof(*st));
    st->store = store;
    int err = scan(st, out, &has_record);
    if (!has_record) {
        config_defaults(out);
    }
    if (err != 0) {
        return -EIO;
    }
    switch (st->status) {
    case CONFIG_STORE_OK: return 0;
    case CONFIG_STORE_EMPTY: return -ENODATA;
    default: return -EBADMSG;
    }
}

int config_save(struct config_state *st, const struct settings *s)
{
    static uint8_t rec[CONFIG_RECORD_LEN];

    if (st->store == NULL || config_validate(s, NULL) != 0) {
        return -EINVAL;
    }
    if (st->status == CONFIG_STORE_NO_EEPROM || st->status == CONFIG_STORE_NOT_LOADED) {
        /* The EEPROM did not answer at boot: learn the slots' sequence
         * numbers before writing, or an old record could outrank ours. */
        static struct settings ignored;
        bool has_record;
        int err = scan(st, &ignored, &has_record);
        if (err != 0) {
            return err;
        }
    }
    uint32_t seq = st->seq + 1u;
    uint16_t off = slot_offset(st->next_slot);
    config_encode(s, seq, rec);
    int err = st->store->write(st->store->ctx, off, rec, sizeof(rec));
    if (err != 0) {
        return err < 0 ? err : -EIO;
    }
    err = store_read(st->store, off, slot_buf, sizeof(rec));
    if (err != 0) {
        return err;
    }
    if (memcmp(slot_buf, rec, sizeof(rec)) != 0) {
        return -EIO;
    }
    st->slot_status[st->next_slot] = CONFIG_STORE_OK;
    st->status = CONFIG_STORE_OK;
    st->seq = seq;
    st->next_slot ^= 1u;
    return 0;
}

int config_erase(struct config_state *st)
{
    static const uint8_t blank[CONFIG_EEPROM_PAGE] = {
        [0 ... CONFIG_EEPROM_PAGE - 1] = 0xFFu,
    };

    if (st->store == NULL) {
        return -EINVAL;
    }
    /* The slot not in use first: a cut in between still leaves a record. */
    for (unsigned n = 0; n < CONFIG_SLOT_COUNT; n++) {
        unsigned slot = (st->next_slot + n) % CONFIG_SLOT_COUNT;
        for (uint32_t done = 0; done < CONFIG_SLOT_SIZE; done += CONFIG_EEPROM_PAGE) {
            int err = st->store->write(st->store->ctx, (uint16_t)(slot_offset(slot) + done), blank,
                                       sizeof(blank));
            if (err != 0) {
                return err < 0 ? err : -EIO;
            }
        }
        int err = store_read(st->store, slot_offset(slot), slot_buf, sizeof(slot_buf));
        if (err != 0) {
            return err;
        }
        for (size_t i = 0; i < sizeof(slot_buf); i++) {
            if (slot_buf[i] != 0xFFu) {
                return -EIO;
            }
        }
        st->slot_status[slot] = CONFIG_STORE_EMPTY;
    }
    /* st->seq keeps counting: harmless, and safe if a slot was not blank. */
    st->status = CONFIG_STORE_EMPTY;
    st->next_slot = 0u;
    return 0;
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
