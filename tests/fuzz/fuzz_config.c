/*
 * libFuzzer harness: the settings decoder (config.c) and the key record's
 * (keys.c) on arbitrary EEPROM contents, through a RAM store.
 *
 * Input: one flags byte, then the bytes of the two settings slots and of
 * the two key slots after them (the rest stays blank, 0xFF). The flags can
 * make a settings slot's header ours (magic, format version 1 or the
 * current one, its length) and its CRC right, and (bit 7) both key slots',
 * so that the fuzzer reaches the payload decoders, config_validate() and
 * keys_check() instead of stopping at the CRC, and can fail the first
 * reads (a glitching bus).
 *
 * Invariants:
 *  - config_load() always hands back settings that pass config_validate(),
 *    and returns 0, -ENODATA, -EBADMSG or -EIO as its status says;
 *  - settings it loaded survive a round trip: saved with config_save()
 *    and loaded again they are the same settings, from the newer record;
 *  - and the console can show them: `config show` pasted back gives the
 *    same settings (show_paste.h), so whatever a record may hold, the
 *    operator can see it and type it;
 *  - a blank EEPROM is -ENODATA, and defaults;
 *  - keys_load() hands back at most KEYS_MAX keys, each passing
 *    keys_check(), no id twice, or none at all when it fails; what it
 *    loaded survives a save and load, and the save leaves the other key
 *    slot blank (no old secret stays);
 *  - neither record's load depends on the other's bytes.
 */
#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "config/keys.h"
#include "fakes/console_app_fake.h"
#include "fuzz_util.h"
#include "lib/crc32.h"
#include "show_paste.h"

#define AREA (KEYS_EEPROM_BASE + KEYS_AREA_LEN)

static uint8_t mem[AREA];
static unsigned read_failures;

static int store_read(void *ctx, uint16_t off, void *buf, size_t len)
{
    (void)ctx;
    if (read_failures > 0u) {
        read_failures--;
        return -EIO;
    }
    if ((size_t)off + len > sizeof(mem)) {
        return -EINVAL;
    }
    memcpy(buf, mem + off, len);
    return 0;
}

static int store_write(void *ctx, uint16_t off, const void *buf, size_t len)
{
    (void)ctx;
    if ((size_t)off + len > sizeof(mem)) {
        return -EINVAL;
    }
    memcpy(mem + off, buf, len);
    return 0;
}

static const struct config_store store = { store_read, store_write, NULL };

static void put_le(uint8_t *p, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* Makes the slot's header ours (version 1 or 2) and its CRC right. */
static void make_intact(uint8_t *slot, bool is_v1)
{
    uint32_t len = is_v1 ? CONFIG_PAYLOAD_LEN_V1 : CONFIG_PAYLOAD_LEN;
    put_le(slot + CONFIG_OFF_MAGIC, CONFIG_MAGIC, 4);
    put_le(slot + CONFIG_OFF_VERSION, is_v1 ? 1u : CONFIG_FORMAT_VERSION, 2);
    put_le(slot + CONFIG_OFF_LENGTH, len, 2);
    put_le(slot + CONFIG_HEADER_LEN + len, crc32_ieee(slot, CONFIG_HEADER_LEN + len), 4);
}

/* Makes the key slot's header ours (version 1) and its CRC right. */
static void make_keys_intact(uint8_t *slot)
{
    put_le(slot + CONFIG_OFF_MAGIC, KEYS_MAGIC, 4);
    put_le(slot + CONFIG_OFF_VERSION, KEYS_FORMAT_VERSION, 2);
    put_le(slot + CONFIG_OFF_LENGTH, KEYS_PAYLOAD_LEN, 2);
    put_le(slot + CONFIG_HEADER_LEN + KEYS_PAYLOAD_LEN,
           crc32_ieee(slot, CONFIG_HEADER_LEN + KEYS_PAYLOAD_LEN), 4);
}

/* The load's return against its status, as config_load()'s. */
static void check_ret(int ret, const struct config_state *st)
{
    switch (ret) {
    case 0: FUZZ_CHECK(st->status == CONFIG_STORE_OK, "0 with status %d", st->status); break;
    case -ENODATA:
        FUZZ_CHECK(st->status == CONFIG_STORE_EMPTY, "-ENODATA with status %d", st->status);
        break;
    case -EIO:
        FUZZ_CHECK(st->status == CONFIG_STORE_NO_EEPROM, "-EIO with status %d", st->status);
        break;
    case -EBADMSG:
        FUZZ_CHECK(st->status != CONFIG_STORE_OK && st->status != CONFIG_STORE_EMPTY &&
                       st->status != CONFIG_STORE_NO_EEPROM,
                   "-EBADMSG with status %d", st->status);
        break;
    default: FUZZ_CHECK(false, "load returned %d", ret);
    }
}

static void check_keys(int ret, const struct keys *ks, const struct keys_load_report *r)
{
    FUZZ_CHECK(ks->count <= KEYS_MAX, "%u keys loaded", ks->count);
    FUZZ_CHECK(r->dropped + ks->count <= KEYS_MAX, "%u dropped", r->dropped);
    for (unsigned i = 0; i < ks->count; i++) {
        const char *why = NULL;
        FUZZ_CHECK(keys_check(&ks->key[i], &why) == 0, "key %u loaded though %s", i, why);
        FUZZ_CHECK(keys_find(ks, ks->key[i].id) == &ks->key[i], "key id %lu twice",
                   (unsigned long)ks->key[i].id);
    }
    if (ret != 0) {
        static const struct keys none;
        FUZZ_CHECK(memcmp(ks, &none, sizeof(none)) == 0 && r->dropped == 0, "no record, yet keys");
    }
}

/* Loads the keys, checks them, and saves and loads them again. */
static void check_key_record(void)
{
    static struct keys ks, ks2;
    static struct keys_load_report r;
    struct config_state st;
    unsigned failures = read_failures; /* left by the settings' load */
    int ret = keys_load(&st, &store, &ks, &r);
    check_ret(ret, &st);
    check_keys(ret, &ks, &r);

    /* the settings' bytes do not change what the keys load to */
    static uint8_t saved[CONFIG_AREA_LEN];
    memcpy(saved, mem + CONFIG_EEPROM_BASE, sizeof(saved));
    memset(mem + CONFIG_EEPROM_BASE, 0xFF, sizeof(saved));
    struct config_state st2;
    static struct keys_load_report r2;
    read_failures = 0;
    if (failures == 0u) {
        int ret2 = keys_load(&st2, &store, &ks2, &r2);
        FUZZ_CHECK(ret2 == ret && keys_is_equal(&ks, &ks2) && r2.dropped == r.dropped,
                   "the keys depend on the settings' bytes");
    }
    memcpy(mem + CONFIG_EEPROM_BASE, saved, sizeof(saved));
    if (ret != 0) {
        return;
    }

    /* round trip, and one copy only */
    uint32_t seq = st.seq;
    FUZZ_CHECK(keys_save(&st, &ks) == 0, "the loaded keys could not be saved");
    const uint8_t *other = mem + KEYS_EEPROM_BASE + st.next_slot * KEYS_SLOT_SIZE;
    for (size_t i = 0; i < KEYS_SLOT_SIZE; i++) {
        FUZZ_CHECK(other[i] == 0xFFu, "the replaced key slot was not erased (byte %u)",
                   (unsigned)i);
    }
    ret = keys_load(&st2, &store, &ks2, &r2);
    FUZZ_CHECK(ret == 0, "saved keys did not load: %d", ret);
    FUZZ_CHECK(keys_is_equal(&ks, &ks2) && r2.dropped == 0, "keys changed in a save and load");
    FUZZ_CHECK((int32_t)(st2.seq - seq) > 0, "the saved key record is not the newer one");
}

static void check_loaded(int ret, const struct config_state *st, const struct settings *s)
{
    const char *why = NULL;
    FUZZ_CHECK(config_validate(s, &why) == 0, "config_load handed back invalid settings: %s",
               why != NULL ? why : "?");
    check_ret(ret, st);
    if (ret != 0) {
        struct settings d;
        config_defaults(&d);
        FUZZ_CHECK(config_is_equal(&d, s), "no record, yet not the defaults");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    uint8_t flags = fuzz_u8(&in);
    memset(mem, 0xFF, sizeof(mem));
    const uint8_t *bytes;
    size_t n = fuzz_bytes(&in, sizeof(mem), &bytes);
    memcpy(mem, bytes, n);
    bool is_blank = true;
    for (size_t i = 0; i < n; i++) {
        is_blank = is_blank && bytes[i] == 0xFFu;
    }
    for (unsigned slot = 0; slot < CONFIG_SLOT_COUNT; slot++) {
        if (flags & (1u << slot)) {
            make_intact(mem + CONFIG_EEPROM_BASE + slot * CONFIG_SLOT_SIZE,
                        (flags & (4u << slot)) != 0);
            is_blank = false;
        }
    }
    if (flags & 0x80u) {
        for (unsigned slot = 0; slot < CONFIG_SLOT_COUNT; slot++) {
            make_keys_intact(mem + KEYS_EEPROM_BASE + slot * KEYS_SLOT_SIZE);
        }
    }
    unsigned failures = (flags >> 4) % 8u;
    read_failures = failures;

    struct config_state st;
    struct settings s;
    int ret = config_load(&st, &store, &s);
    check_loaded(ret, &st, &s);
    if (is_blank && failures == 0u) {
        FUZZ_CHECK(ret == -ENODATA, "a blank EEPROM gave %d", ret);
    }
    if (failures == 0u) {
        /* the keys' bytes do not change what the settings load to */
        static uint8_t saved[KEYS_AREA_LEN];
        memcpy(saved, mem + KEYS_EEPROM_BASE, sizeof(saved));
        memset(mem + KEYS_EEPROM_BASE, 0xFF, sizeof(saved));
        struct config_state st2;
        struct settings s2;
        int ret2 = config_load(&st2, &store, &s2);
        FUZZ_CHECK(ret2 == ret && config_is_equal(&s, &s2),
                   "the settings depend on the keys' bytes");
        memcpy(mem + KEYS_EEPROM_BASE, saved, sizeof(saved));
    }
    check_key_record();
    if (ret != 0) {
        return 0;
    }

    /* Round trip: what was loaded, saved and loaded again, is the same. */
    uint32_t seq = st.seq;
    FUZZ_CHECK(config_save(&st, &s) == 0, "the loaded settings could not be saved");
    struct config_state st2;
    struct settings s2;
    ret = config_load(&st2, &store, &s2);
    check_loaded(ret, &st2, &s2);
    FUZZ_CHECK(ret == 0, "a saved record did not load: %d", ret);
    FUZZ_CHECK(config_is_equal(&s, &s2), "settings changed in a save and load");
    FUZZ_CHECK((int32_t)(st2.seq - seq) > 0, "the saved record is not the newer one");

    app_fake_reset();
    app_fake.settings = s;
    show_paste_check();
    return 0;
}
