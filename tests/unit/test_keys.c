/*
 * Symmetric key tests: the checks, the table, the key record in the EEPROM
 * beside the settings (a damaged one loses the keys only, a save leaves no
 * copy of a removed secret, an erase overwrites every secret byte), and
 * what loading an intact record with bad entries leaves out. The store
 * runs against a RAM AT24C32 (fakes/eeprom_fake.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "config/keys.h"
#include "lib/crc32.h"
#include "fakes/eeprom_fake.h"

#define KEY_SLOT_OFF(n) (KEYS_EEPROM_BASE + (n)*KEYS_SLOT_SIZE)
#define ENTRY_OFF(i)    (CONFIG_OFF_PAYLOAD + 1u + (i)*KEYS_ENTRY_LEN)

static struct eeprom_fake eeprom;
static struct config_store store;
static struct config_state state;
static struct keys_load_report report;

static int setup(void **unused)
{
    (void)unused;
    eeprom_fake_init(&eeprom);
    eeprom_fake_store(&eeprom, &store);
    memset(&state, 0, sizeof(state));
    memset(&report, 0, sizeof(report));
    return 0;
}

/* Secrets no other byte sequence in these tests looks like. */
static const uint8_t secret_md5[20] = "Jx7#qLw0-md5-secret!";
static const uint8_t secret_sha1[32] = {
    0xb1, 0x6e, 0x03, 0x9c, 0x44, 0xd2, 0x7a, 0x19, 0xe5, 0x80, 0x3f, 0xc6, 0x2b, 0x97, 0x51, 0x0d,
    0xfa, 0x68, 0x21, 0xbe, 0x35, 0x4c, 0x9e, 0x07, 0x73, 0xad, 0x12, 0xe9, 0x58, 0xc4, 0x6b, 0x8f,
};
static const uint8_t secret_aes[16] = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static struct key make_key(uint32_t id, uint8_t type, const uint8_t *secret, uint8_t len)
{
    struct key k;
    memset(&k, 0, sizeof(k));
    k.id = id;
    k.type = type;
    k.secret_len = len;
    memcpy(k.secret, secret, len);
    return k;
}

/* Three keys, one of each type. */
static void make_keys(struct keys *ks)
{
    memset(ks, 0, sizeof(*ks));
    struct key a = make_key(1, KEYS_TYPE_MD5, secret_md5, sizeof(secret_md5));
    struct key b = make_key(70000, KEYS_TYPE_SHA1, secret_sha1, sizeof(secret_sha1));
    struct key c = make_key(4294967295u, KEYS_TYPE_AES128, secret_aes, sizeof(secret_aes));
    assert_int_equal(keys_add(ks, &a, NULL), 0);
    assert_int_equal(keys_add(ks, &b, NULL), 0);
    assert_int_equal(keys_add(ks, &c, NULL), 0);
}

/* Returns true when needle (len bytes) appears anywhere in the EEPROM. */
static bool is_in_eeprom(const uint8_t *needle, size_t len)
{
    for (size_t i = 0; i + len <= sizeof(eeprom.mem); i++) {
        if (memcmp(&eeprom.mem[i], needle, len) == 0) {
            return true;
        }
    }
    return false;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void fix_crc(uint8_t *rec)
{
    put32(rec + CONFIG_HEADER_LEN + KEYS_PAYLOAD_LEN,
          crc32_ieee(rec, CONFIG_HEADER_LEN + KEYS_PAYLOAD_LEN));
}

static void load_expect(int want_ret, enum config_store_status want_status, struct keys *out)
{
    memset(&state, 0xA5, sizeof(state)); /* load must not depend on old state */
    memset(out, 0x5A, sizeof(*out));
    assert_int_equal(keys_load(&state, &store, out, &report), want_ret);
    assert_int_equal(state.status, want_status);
    if (want_ret != 0) {
        struct keys none;
        memset(&none, 0, sizeof(none));
        assert_memory_equal(out, &none, sizeof(none)); /* no keys, nothing left over */
    }
}

/* ------------------------------------------------------------- checks -- */

static void test_good_keys_pass(void **unused)
{
    (void)unused;
    static const uint8_t one[1] = { 'x' };
    struct key k = make_key(1, KEYS_TYPE_MD5, one, 1);
    const char *why = "x";
    assert_int_equal(keys_check(&k, &why), 0);
    assert_null(why);
    k = make_key(4294967295u, KEYS_TYPE_SHA1, secret_sha1, 32);
    assert_int_equal(keys_check(&k, NULL), 0);
    k = make_key(5, KEYS_TYPE_AES128, secret_aes, 16);
    assert_int_equal(keys_check(&k, NULL), 0);
    assert_string_equal(keys_type_name(KEYS_TYPE_MD5), "md5");
    assert_string_equal(keys_type_name(KEYS_TYPE_SHA1), "sha1");
    assert_string_equal(keys_type_name(KEYS_TYPE_AES128), "aes128");
    assert_string_equal(keys_type_name(3), "unknown");
}

static void test_every_bad_key_is_refused(void **unused)
{
    (void)unused;
    struct key bad[8];
    bad[0] = make_key(0, KEYS_TYPE_MD5, secret_md5, 8); /* the crypto-NAK's id */
    bad[1] = make_key(1, 3, secret_md5, 8);             /* type */
    bad[2] = make_key(1, 0xFF, secret_md5, 8);
    bad[3] = make_key(1, KEYS_TYPE_SHA1, secret_sha1, 0); /* empty */
    bad[4] = make_key(1, KEYS_TYPE_SHA1, secret_sha1, 32);
    bad[4].secret_len = 33; /* oversize */
    bad[5] = make_key(1, KEYS_TYPE_AES128, secret_aes, 15);
    bad[6] = make_key(1, KEYS_TYPE_AES128, secret_sha1, 17);
    bad[7] = make_key(1, KEYS_TYPE_MD5, secret_md5, 8);
    bad[7].secret[20] = 1; /* past the length */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = NULL;
        assert_int_equal(keys_check(&bad[i], &why), -EINVAL);
        assert_non_null(why);
        struct keys ks;
        memset(&ks, 0, sizeof(ks));
        assert_int_equal(keys_add(&ks, &bad[i], NULL), -EINVAL);
        assert_int_equal(ks.count, 0);
    }
}

/* ------------------------------------------------------------- table -- */

static void test_add_replace_remove(void **unused)
{
    (void)unused;
    struct keys ks;
    make_keys(&ks);
    assert_int_equal(ks.count, 3);
    assert_non_null(keys_find(&ks, 70000));
    assert_null(keys_find(&ks, 2));

    /* the same id again replaces the key, in place */
    bool is_replaced = false;
    struct key k = make_key(70000, KEYS_TYPE_MD5, secret_md5, 4);
    assert_int_equal(keys_add(&ks, &k, &is_replaced), 0);
    assert_true(is_replaced);
    assert_int_equal(ks.count, 3);
    assert_int_equal(ks.key[1].type, KEYS_TYPE_MD5);
    assert_int_equal(ks.key[1].secret_len, 4);

    /* removal keeps the order, and wipes the freed entry */
    assert_int_equal(keys_remove(&ks, 1), 0);
    assert_int_equal(ks.count, 2);
    assert_int_equal(ks.key[0].id, 70000);
    assert_int_equal(ks.key[1].id, 4294967295u);
    static const struct key zero;
    assert_memory_equal(&ks.key[2], &zero, sizeof(zero));
    assert_int_equal(keys_remove(&ks, 1), -ENOENT);

    keys_clear(&ks);
    assert_int_equal(ks.count, 0);
    assert_memory_equal(&ks.key[0], &zero, sizeof(zero));
}

static void test_ninth_key_is_refused(void **unused)
{
    (void)unused;
    struct keys ks;
    memset(&ks, 0, sizeof(ks));
    for (uint32_t id = 1; id <= KEYS_MAX; id++) {
        struct key k = make_key(id, KEYS_TYPE_AES128, secret_aes, 16);
        assert_int_equal(keys_add(&ks, &k, NULL), 0);
    }
    struct keys before = ks;
    struct key k = make_key(100, KEYS_TYPE_AES128, secret_aes, 16);
    bool is_replaced = true;
    assert_int_equal(keys_add(&ks, &k, &is_replaced), -ENOSPC);
    assert_false(is_replaced);
    assert_memory_equal(&ks, &before, sizeof(ks));
    /* a full table still takes a replacement */
    k.id = 3;
    assert_int_equal(keys_add(&ks, &k, &is_replaced), 0);
    assert_true(is_replaced);
}

/* ------------------------------------------------------------ record -- */

static void test_record_layout(void **unused)
{
    (void)unused;
    struct keys ks;
    uint8_t rec[KEYS_RECORD_LEN];
    make_keys(&ks);
    keys_encode(&ks, 0x01020304u, rec);
    static const uint8_t header[] = { 'N', 'T', 'P', 'K', 1, 0, 0x31, 0x01, 4, 3, 2, 1 };
    assert_int_equal(KEYS_PAYLOAD_LEN, 0x131);
    assert_memory_equal(rec, header, sizeof(header));
    assert_int_equal(rec[CONFIG_OFF_PAYLOAD], 3);
    static const uint8_t e0[] = { 1, 0, 0, 0, KEYS_TYPE_MD5, 20 };
    assert_memory_equal(rec + ENTRY_OFF(0), e0, sizeof(e0));
    assert_memory_equal(rec + ENTRY_OFF(0) + 6, secret_md5, 20);
    static const uint8_t pad[12] = { 0 };
    assert_memory_equal(rec + ENTRY_OFF(0) + 26, pad, sizeof(pad));
    static const uint8_t e1[] = { 0x70, 0x11, 0x01, 0, KEYS_TYPE_SHA1, 32 };
    assert_memory_equal(rec + ENTRY_OFF(1), e1, sizeof(e1));
    static const uint8_t e2[] = { 0xFF, 0xFF, 0xFF, 0xFF, KEYS_TYPE_AES128, 16 };
    assert_memory_equal(rec + ENTRY_OFF(2), e2, sizeof(e2));
    static const uint8_t unused_entries[KEYS_ENTRY_LEN * (KEYS_MAX - 3)] = { 0 };
    assert_memory_equal(rec + ENTRY_OFF(3), unused_entries, sizeof(unused_entries));
    uint8_t crc[4];
    put32(crc, crc32_ieee(rec, CONFIG_HEADER_LEN + KEYS_PAYLOAD_LEN));
    assert_memory_equal(rec + CONFIG_HEADER_LEN + KEYS_PAYLOAD_LEN, crc, 4);
    /* after the settings, inside the AT24C32 */
    assert_int_equal(KEYS_EEPROM_BASE, CONFIG_EEPROM_BASE + 2 * CONFIG_SLOT_SIZE);
    assert_true(KEYS_EEPROM_BASE + 2 * KEYS_SLOT_SIZE <= EEPROM_FAKE_SIZE);
}

static void test_blank_store_has_no_keys(void **unused)
{
    (void)unused;
    struct keys ks;
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &ks);
    assert_string_equal(keys_status_text(state.status), "none stored");
}

/* Keys survive a power cycle: saved, loaded by a fresh state, the same. */
static void test_round_trip(void **unused)
{
    (void)unused;
    struct keys ks, back;
    make_keys(&ks);
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &back);
    assert_int_equal(keys_save(&state, &ks), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(keys_is_equal(&ks, &back));
    assert_int_equal(report.dropped, 0);
    assert_int_equal(state.seq, 1);

    /* no keys at all is a record too (every key removed, saved) */
    struct keys none;
    memset(&none, 0, sizeof(none));
    assert_int_equal(keys_save(&state, &none), 0);
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(back.count, 0);
}

/* A save alternates slots and then erases the one it replaced. */
static void test_save_leaves_one_copy(void **unused)
{
    (void)unused;
    struct keys ks, back;
    make_keys(&ks);
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &back);
    assert_int_equal(keys_save(&state, &ks), 0);
    assert_int_equal(eeprom.mem[KEY_SLOT_OFF(0)], 'N');
    assert_int_equal(eeprom.mem[KEY_SLOT_OFF(1)], 0xFF);

    assert_int_equal(keys_remove(&ks, 70000), 0);
    assert_int_equal(keys_save(&state, &ks), 0);
    assert_int_equal(eeprom.mem[KEY_SLOT_OFF(1)], 'N');
    for (size_t i = 0; i < KEYS_SLOT_SIZE; i++) {
        assert_int_equal(eeprom.mem[KEY_SLOT_OFF(0) + i], 0xFF);
    }
    /* the removed secret is nowhere in the EEPROM; the others are, once */
    assert_false(is_in_eeprom(secret_sha1, sizeof(secret_sha1)));
    assert_true(is_in_eeprom(secret_aes, sizeof(secret_aes)));
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_true(keys_is_equal(&ks, &back));
    assert_int_equal(state.slot_status[0], CONFIG_STORE_EMPTY);
}

/* Factory reset: every secret byte overwritten, not just the header. */
static void test_erase_overwrites_secrets(void **unused)
{
    (void)unused;
    struct keys ks, back;
    make_keys(&ks);
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &back);
    assert_int_equal(keys_save(&state, &ks), 0);
    assert_int_equal(keys_save(&state, &ks), 0);
    assert_true(is_in_eeprom(secret_md5, sizeof(secret_md5)));
    assert_int_equal(keys_erase(&state), 0);
    for (size_t i = 0; i < KEYS_AREA_LEN; i++) {
        assert_int_equal(eeprom.mem[KEYS_EEPROM_BASE + i], 0xFF);
    }
    assert_false(is_in_eeprom(secret_md5, 4));
    assert_false(is_in_eeprom(secret_sha1, 4));
    assert_false(is_in_eeprom(secret_aes, 4));
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &back);

    /* an erase that cannot write says so */
    assert_int_equal(keys_save(&state, &ks), 0);
    eeprom.write_failures = 1;
    assert_int_equal(keys_erase(&state), -EIO);
}

/* The settings and the keys each have their own slots: neither save touches the other. */
static void test_records_do_not_overlap(void **unused)
{
    (void)unused;
    struct settings s, sback;
    struct keys ks, kback;
    struct config_state sst;
    config_defaults(&s);
    s.stratum = 7;
    make_keys(&ks);
    assert_int_equal(config_load(&sst, &store, &sback), -ENODATA);
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &kback);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(config_save(&sst, &s), 0);
        assert_int_equal(keys_save(&state, &ks), 0);
    }
    static uint8_t before[EEPROM_FAKE_SIZE];
    memcpy(before, eeprom.mem, sizeof(before));
    s.stratum = 8;
    assert_int_equal(config_save(&sst, &s), 0);
    assert_memory_equal(&eeprom.mem[KEYS_EEPROM_BASE], &before[KEYS_EEPROM_BASE], KEYS_AREA_LEN);
    memcpy(before, eeprom.mem, sizeof(before));
    assert_int_equal(keys_save(&state, &ks), 0);
    assert_memory_equal(&eeprom.mem[CONFIG_EEPROM_BASE], &before[CONFIG_EEPROM_BASE],
                        CONFIG_AREA_LEN);
    /* and nothing past the key area */
    for (size_t i = KEYS_EEPROM_BASE + KEYS_AREA_LEN; i < EEPROM_FAKE_SIZE; i++) {
        assert_int_equal(eeprom.mem[i], 0xFF);
    }
    assert_int_equal(config_load(&sst, &store, &sback), 0);
    assert_int_equal(sback.stratum, 8);

    /* factory reset erases both */
    assert_int_equal(config_erase(&sst), 0);
    assert_int_equal(keys_erase(&state), 0);
    for (size_t i = 0; i < EEPROM_FAKE_SIZE; i++) {
        assert_int_equal(eeprom.mem[i], 0xFF);
    }
}

/* A damaged key record costs the keys, never the settings; and the other way round. */
static void test_damaged_keys_leave_settings(void **unused)
{
    (void)unused;
    struct settings s, sback;
    struct keys ks, kback;
    struct config_state sst;
    config_defaults(&s);
    s.stratum = 9;
    make_keys(&ks);
    assert_int_equal(config_load(&sst, &store, &sback), -ENODATA);
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &kback);
    assert_int_equal(config_save(&sst, &s), 0);
    assert_int_equal(keys_save(&state, &ks), 0);

    eeprom.mem[KEY_SLOT_OFF(0) + ENTRY_OFF(1) + 10] ^= 0x40; /* one secret bit */
    load_expect(-EBADMSG, CONFIG_STORE_BAD_CRC, &kback);
    assert_string_equal(keys_status_text(state.status), "corrupted (bad CRC), no keys loaded");
    assert_int_equal(config_load(&sst, &store, &sback), 0);
    assert_int_equal(sback.stratum, 9);

    /* a save after it is numbered past the damaged record and wins */
    assert_int_equal(keys_save(&state, &ks), 0);
    load_expect(0, CONFIG_STORE_OK, &kback);
    assert_true(keys_is_equal(&ks, &kback));

    /* settings damaged: the keys still load */
    for (unsigned slot = 0; slot < 2; slot++) {
        eeprom.mem[CONFIG_EEPROM_BASE + slot * CONFIG_SLOT_SIZE + 20] ^= 0x01;
    }
    assert_int_equal(config_load(&sst, &store, &sback), -EBADMSG);
    load_expect(0, CONFIG_STORE_OK, &kback);
    assert_true(keys_is_equal(&ks, &kback));
}

static void test_every_damaged_byte_is_caught(void **unused)
{
    (void)unused;
    struct keys ks, back;
    make_keys(&ks);
    uint8_t rec[KEYS_RECORD_LEN];
    keys_encode(&ks, 5, rec);
    for (size_t i = 0; i < sizeof(rec); i++) {
        memcpy(&eeprom.mem[KEY_SLOT_OFF(1)], rec, sizeof(rec));
        eeprom.mem[KEY_SLOT_OFF(1) + i] ^= 0x10;
        load_expect(-EBADMSG, i < 4 ? CONFIG_STORE_FOREIGN : CONFIG_STORE_BAD_CRC, &back);
    }
}

/* An intact record with bad entries: each is left out with its reason, the rest load. */
static void test_bad_entries_are_dropped(void **unused)
{
    (void)unused;
    struct keys ks, back;
    memset(&ks, 0, sizeof(ks));
    uint8_t rec[KEYS_RECORD_LEN];
    /* eight entries written raw: good, id 0, type 7, length 0, length 40, aes of 10, dup, good */
    for (uint32_t i = 0; i < KEYS_MAX; i++) {
        ks.key[i] = make_key(10 + i, KEYS_TYPE_SHA1, secret_sha1, 20);
    }
    ks.count = KEYS_MAX;
    ks.key[1].id = 0;
    ks.key[2].type = 7;
    ks.key[3].secret_len = 0;
    ks.key[5].type = KEYS_TYPE_AES128;
    ks.key[5].secret_len = 10;
    ks.key[6].id = 10;
    keys_encode(&ks, 3, rec);
    rec[ENTRY_OFF(4) + 5] = 40; /* a length past the secret field */
    fix_crc(rec);
    memcpy(&eeprom.mem[KEY_SLOT_OFF(0)], rec, sizeof(rec));

    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(back.count, 2);
    assert_int_equal(back.key[0].id, 10);
    assert_int_equal(back.key[1].id, 17);
    for (unsigned i = 0; i < back.count; i++) {
        assert_int_equal(keys_check(&back.key[i], NULL), 0);
    }
    assert_int_equal(report.dropped, 6);
    static const uint8_t index[] = { 1, 2, 3, 4, 5, 6 };
    static const char *const why[] = {
        "key id 0 (the crypto-NAK's)", "key type unknown",           "empty secret",
        "secret longer than 32 bytes", "aes128 secret not 16 bytes", "key id listed twice",
    };
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(report.drop[i].index, index[i]);
        assert_string_equal(report.drop[i].why, why[i]);
    }
    assert_int_equal(report.drop[5].id, 10);

    /* garbage past the length of a secret drops that key */
    ks.count = 1;
    keys_encode(&ks, 4, rec);
    rec[ENTRY_OFF(0) + 6 + 25] = 0xAA;
    fix_crc(rec);
    memcpy(&eeprom.mem[KEY_SLOT_OFF(1)], rec, sizeof(rec));
    load_expect(0, CONFIG_STORE_OK, &back);
    assert_int_equal(back.count, 0);
    assert_int_equal(report.dropped, 1);
    assert_string_equal(report.drop[0].why, "secret padding not zero");
}

static void test_bad_records_load_no_keys(void **unused)
{
    (void)unused;
    struct keys ks, back;
    make_keys(&ks);
    uint8_t rec[KEYS_SLOT_SIZE];

    keys_encode(&ks, 3, rec);
    rec[CONFIG_OFF_PAYLOAD] = KEYS_MAX + 1; /* more keys than held */
    fix_crc(rec);
    memcpy(&eeprom.mem[KEY_SLOT_OFF(0)], rec, KEYS_RECORD_LEN);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VALUES, &back);

    keys_encode(&ks, 3, rec);
    rec[CONFIG_OFF_VERSION] = 2; /* a later format */
    fix_crc(rec);
    memcpy(&eeprom.mem[KEY_SLOT_OFF(0)], rec, KEYS_RECORD_LEN);
    load_expect(-EBADMSG, CONFIG_STORE_BAD_VERSION, &back);

    /* the settings record where the keys belong is foreign, not keys */
    struct settings s;
    config_defaults(&s);
    config_encode(&s, 3, rec);
    memcpy(&eeprom.mem[KEY_SLOT_OFF(0)], rec, CONFIG_RECORD_LEN);
    load_expect(-EBADMSG, CONFIG_STORE_FOREIGN, &back);

    /* and no EEPROM at all */
    eeprom.is_missing = true;
    load_expect(-EIO, CONFIG_STORE_NO_EEPROM, &back);
    assert_int_equal(keys_save(&state, &ks), -EIO);
}

/* Invalid tables are never written. */
static void test_save_refuses_bad_tables(void **unused)
{
    (void)unused;
    struct keys ks, back;
    load_expect(-ENODATA, CONFIG_STORE_EMPTY, &back);
    make_keys(&ks);
    ks.key[2].id = 1; /* duplicate */
    assert_int_equal(keys_save(&state, &ks), -EINVAL);
    make_keys(&ks);
    ks.key[0].secret_len = 0;
    assert_int_equal(keys_save(&state, &ks), -EINVAL);
    make_keys(&ks);
    ks.count = KEYS_MAX + 1;
    assert_int_equal(keys_save(&state, &ks), -EINVAL);
    assert_int_equal(eeprom.writes, 0);
}

/* A power cut at any byte of a save keeps the previous keys or gives the new ones. */
static void test_torn_save_keeps_old_keys(void **unused)
{
    (void)unused;
    struct keys old, new, back;
    make_keys(&old);
    new = old;
    assert_int_equal(keys_remove(&new, 70000), 0);
    long total = (long)(KEYS_RECORD_LEN + KEYS_SLOT_SIZE); /* the record, then the wipe */
    for (long cut = 0; cut <= total; cut += 7) {
        eeprom_fake_init(&eeprom);
        (void)keys_load(&state, &store, &back, NULL);
        assert_int_equal(keys_save(&state, &old), 0);
        eeprom_fake_cut_power_after(&eeprom, cut, EEPROM_FAKE_TEAR_GARBLE_PAGE);
        int err = keys_save(&state, &new);
        eeprom_fake_power_on(&eeprom);

        load_expect(0, CONFIG_STORE_OK, &back);
        if (cut < (long)KEYS_RECORD_LEN) {
            assert_int_equal(err, -EIO);
            assert_true(keys_is_equal(&old, &back));
        } else {
            /* the new record is in; a cut in the wipe is reported */
            assert_int_equal(err, cut < total ? -ENOTEMPTY : 0);
            assert_true(keys_is_equal(&new, &back));
        }
    }
    /* the next save after a failed wipe writes over the old slot */
    assert_int_equal(keys_save(&state, &new), 0);
    assert_false(is_in_eeprom(secret_sha1, sizeof(secret_sha1)));
}

static void test_status_texts(void **unused)
{
    (void)unused;
    for (int st = CONFIG_STORE_NOT_LOADED; st <= CONFIG_STORE_NO_EEPROM; st++) {
        const char *t = keys_status_text((enum config_store_status)st);
        assert_true(strlen(t) > 1);
        if (st != CONFIG_STORE_OK && st != CONFIG_STORE_EMPTY) {
            assert_non_null(strstr(t, "no keys"));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_keys_pass),
        cmocka_unit_test(test_every_bad_key_is_refused),
        cmocka_unit_test(test_add_replace_remove),
        cmocka_unit_test(test_ninth_key_is_refused),
        cmocka_unit_test(test_record_layout),
        cmocka_unit_test_setup(test_blank_store_has_no_keys, setup),
        cmocka_unit_test_setup(test_round_trip, setup),
        cmocka_unit_test_setup(test_save_leaves_one_copy, setup),
        cmocka_unit_test_setup(test_erase_overwrites_secrets, setup),
        cmocka_unit_test_setup(test_records_do_not_overlap, setup),
        cmocka_unit_test_setup(test_damaged_keys_leave_settings, setup),
        cmocka_unit_test_setup(test_every_damaged_byte_is_caught, setup),
        cmocka_unit_test_setup(test_bad_entries_are_dropped, setup),
        cmocka_unit_test_setup(test_bad_records_load_no_keys, setup),
        cmocka_unit_test_setup(test_save_refuses_bad_tables, setup),
        cmocka_unit_test_setup(test_torn_save_keeps_old_keys, setup),
        cmocka_unit_test(test_status_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
