/*
 * Symmetric keys: checks, the table, and their record in the EEPROM (the
 * two-slot record of record.c, with its own magic "NTPK").
 *
 * Payload, format version 1 (offsets from the start of the payload):
 *   0  count (0..KEYS_MAX)
 *   1  KEYS_MAX entries of KEYS_ENTRY_LEN bytes:
 *        0 id u32   4 type   5 secret length   6 secret[32], zero padded
 * Unused entries are zero. Every buffer a secret passes through here is
 * wiped after use.
 */
#include "config/keys.h"

#include <errno.h>
#include <string.h>

#include "config/record.h"
#include "lib/wipe.h"

_Static_assert(KEYS_SLOT_SIZE <= RECORD_SLOT_MAX, "the slot buffer must hold a slot");
_Static_assert(KEYS_MAX <= 255, "the count is one byte");

/* ----------------------------------------------------------- the table -- */

int keys_check(const struct key *k, const char **why)
{
    const char *bad = NULL;
    if (k->id == 0u) {
        bad = "key id 0 (the crypto-NAK's)";
    } else if (k->type > KEYS_TYPE_AES128) {
        bad = "key type unknown";
    } else if (k->secret_len == 0u) {
        bad = "empty secret";
    } else if (k->secret_len > KEYS_SECRET_MAX) {
        bad = "secret longer than 32 bytes";
    } else if (k->type == KEYS_TYPE_AES128 && k->secret_len != KEYS_AES128_SECRET_LEN) {
        bad = "aes128 secret not 16 bytes";
    } else {
        for (size_t i = k->secret_len; i < KEYS_SECRET_MAX; i++) {
            if (k->secret[i] != 0u) {
                bad = "secret padding not zero";
                break;
            }
        }
    }
    if (why != NULL) {
        *why = bad;
    }
    return bad == NULL ? 0 : -EINVAL;
}

const char *keys_type_name(uint8_t type)
{
    switch (type) {
    case KEYS_TYPE_MD5: return "md5";
    case KEYS_TYPE_SHA1: return "sha1";
    case KEYS_TYPE_AES128: return "aes128";
    default: return "unknown";
    }
}

/* Returns the index of id in ks, or -1. */
static int find_index(const struct keys *ks, uint32_t id)
{
    for (unsigned i = 0; i < ks->count && i < KEYS_MAX; i++) {
        if (ks->key[i].id == id) {
            return (int)i;
        }
    }
    return -1;
}

const struct key *keys_find(const struct keys *ks, uint32_t id)
{
    int i = find_index(ks, id);
    return i < 0 ? NULL : &ks->key[i];
}

int keys_add(struct keys *ks, const struct key *k, bool *is_replaced)
{
    if (keys_check(k, NULL) != 0) {
        return -EINVAL;
    }
    int i = find_index(ks, k->id);
    if (is_replaced != NULL) {
        *is_replaced = i >= 0;
    }
    if (i < 0) {
        if (ks->count >= KEYS_MAX) {
            return -ENOSPC;
        }
        i = ks->count++;
    }
    ks->key[i] = *k;
    return 0;
}

int keys_remove(struct keys *ks, uint32_t id)
{
    int i = find_index(ks, id);
    if (i < 0) {
        return -ENOENT;
    }
    for (unsigned j = (unsigned)i; j + 1u < ks->count; j++) {
        ks->key[j] = ks->key[j + 1u];
    }
    ks->count--;
    wipe_memory(&ks->key[ks->count], sizeof(ks->key[0]));
    return 0;
}

void keys_clear(struct keys *ks)
{
    wipe_memory(ks, sizeof(*ks));
}

/* ---------------------------------------------------------- the record -- */

static void encode_payload(struct record_writer *w, const struct keys *ks)
{
    record_put_u8(w, ks->count);
    for (unsigned i = 0; i < KEYS_MAX; i++) {
        static const struct key none;
        const struct key *k = i < ks->count ? &ks->key[i] : &none;
        record_put_u32(w, k->id);
        record_put_u8(w, k->type);
        record_put_u8(w, k->secret_len);
        for (unsigned j = 0; j < KEYS_SECRET_MAX; j++) {
            record_put_u8(w, j < k->secret_len ? k->secret[j] : 0u);
        }
    }
}

bool keys_is_equal(const struct keys *a, const struct keys *b)
{
    if (a->count != b->count) {
        return false;
    }
    for (unsigned i = 0; i < a->count && i < KEYS_MAX; i++) {
        const struct key *x = &a->key[i], *y = &b->key[i];
        if (x->id != y->id || x->type != y->type || x->secret_len != y->secret_len ||
            x->secret_len > KEYS_SECRET_MAX || memcmp(x->secret, y->secret, x->secret_len) != 0) {
            return false;
        }
    }
    return true;
}

/* What the record's decoder fills: the keys, and what it left out. */
struct decoding {
    struct keys *keys;
    struct keys_load_report *report;
};

/* Decodes a key payload for record.c (out NULL: checks only). */
static int keys_decode(void *out, uint16_t version, const uint8_t *payload, size_t len)
{
    if (version != KEYS_FORMAT_VERSION || len != KEYS_PAYLOAD_LEN) {
        return -EPROTONOSUPPORT;
    }
    struct record_reader r = { .p = payload, .is_bad = false };
    uint8_t count = record_take_u8(&r);
    if (count > KEYS_MAX) {
        return -EBADMSG;
    }
    if (out == NULL) {
        return 0;
    }
    struct decoding *d = out;
    keys_clear(d->keys);
    d->report->dropped = 0;
    for (unsigned i = 0; i < count; i++) {
        struct key k;
        k.id = record_take_u32(&r);
        k.type = record_take_u8(&r);
        k.secret_len = record_take_u8(&r);
        for (unsigned j = 0; j < KEYS_SECRET_MAX; j++) {
            k.secret[j] = record_take_u8(&r);
        }
        const char *why = NULL;
        if (keys_check(&k, &why) == 0 && keys_find(d->keys, k.id) != NULL) {
            why = "key id listed twice";
        }
        if (why == NULL) {
            (void)keys_add(d->keys, &k, NULL);
        } else {
            d->report->drop[d->report->dropped++] =
                (struct keys_drop){ .index = (uint8_t)i, .id = k.id, .why = why };
        }
        wipe_memory(&k, sizeof(k));
    }
    return 0;
}

static const struct record_format keys_format = {
    .magic = KEYS_MAGIC,
    .base = KEYS_EEPROM_BASE,
    .slot_size = KEYS_SLOT_SIZE,
    .is_previous_wiped = true,
    .decode = keys_decode,
};

/* The record being written: static (it is large), wiped after use. */
static uint8_t rec_buf[KEYS_RECORD_LEN];

void keys_encode(const struct keys *ks, uint32_t seq, uint8_t rec[KEYS_RECORD_LEN])
{
    struct record_writer w = record_payload_writer(rec, KEYS_PAYLOAD_LEN);
    encode_payload(&w, ks);
    record_seal(rec, &keys_format, KEYS_FORMAT_VERSION, KEYS_PAYLOAD_LEN, seq);
}

int keys_load(struct config_state *st, const struct config_store *store, struct keys *out,
              struct keys_load_report *report)
{
    static struct keys_load_report ignored;
    struct decoding d = { .keys = out, .report = report != NULL ? report : &ignored };
    d.report->dropped = 0;
    int err = record_load(st, store, &keys_format, &d);
    if (err != 0) {
        keys_clear(out);
        d.report->dropped = 0;
    }
    return err;
}

int keys_save(struct config_state *st, const struct keys *ks)
{
    if (ks->count > KEYS_MAX) {
        return -EINVAL;
    }
    for (unsigned i = 0; i < ks->count; i++) {
        if (keys_check(&ks->key[i], NULL) != 0 || find_index(ks, ks->key[i].id) != (int)i) {
            return -EINVAL;
        }
    }
    struct record_writer w = record_payload_writer(rec_buf, KEYS_PAYLOAD_LEN);
    encode_payload(&w, ks);
    int err = record_save(st, &keys_format, rec_buf, KEYS_FORMAT_VERSION, KEYS_PAYLOAD_LEN);
    wipe_memory(rec_buf, sizeof(rec_buf));
    return err;
}

int keys_erase(struct config_state *st)
{
    return record_erase(st, &keys_format);
}

const char *keys_status_text(enum config_store_status status)
{
    switch (status) {
    case CONFIG_STORE_NOT_LOADED: return "not loaded, no keys";
    case CONFIG_STORE_OK: return "ok";
    case CONFIG_STORE_EMPTY: return "none stored";
    case CONFIG_STORE_BAD_CRC: return "corrupted (bad CRC), no keys loaded";
    case CONFIG_STORE_BAD_VERSION: return "unknown format version, no keys loaded";
    case CONFIG_STORE_FOREIGN: return "foreign data (bad magic), no keys loaded";
    case CONFIG_STORE_BAD_VALUES: return "corrupted (more keys than held), no keys loaded";
    case CONFIG_STORE_NO_EEPROM: return "no EEPROM (read failed), no keys loaded";
    }
    return "unknown";
}
