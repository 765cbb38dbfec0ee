/*
 * The symmetric keys NTP clients may authenticate with (RFC 5905 sec. 7.3
 * MD5, ntpd's SHA1, RFC 8573 AES-128-CMAC), and their record in the EEPROM.
 *
 * The keys are not part of struct settings: their record has its own
 * magic, format version, sequence and CRC, in two slots of its own after
 * the settings' (the two-slot record of record.h), so that a damaged key
 * record loses the keys and nothing else, and the secrets are never
 * copied about with the settings. A save erases the slot of the record it
 * replaces once the new one reads back, so that a removed secret does not
 * stay in the EEPROM; erasing the store (factory reset) overwrites both
 * slots. Nothing here prints or logs a secret; the console gets key ids,
 * types and lengths only (console/app.h).
 *
 * EEPROM layout (AT24C32, 4096 bytes):
 *      0 ..  511  settings, two slots of 256 bytes (config.h)
 *    512 .. 1279  keys, two slots of 384 bytes (KEYS_EEPROM_BASE)
 */
#ifndef CONFIG_KEYS_H
#define CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* Keys the appliance holds. */
#ifndef KEYS_MAX
#define KEYS_MAX 8
#endif

/* Longest secret (ntp.h's NTP_KEY_SECRET_MAX). */
#define KEYS_SECRET_MAX 32u
/* An AES-128-CMAC key is the AES key itself: 16 bytes (RFC 8573 sec. 4). */
#define KEYS_AES128_SECRET_LEN 16u

/* -------------------------------------------------------------- record -- */

#define KEYS_MAGIC          0x4B50544Eu /* "NTPK" as stored, little-endian */
#define KEYS_FORMAT_VERSION 1u
#define KEYS_ENTRY_LEN      (4u + 1u + 1u + KEYS_SECRET_MAX) /* id, type, length, secret */
#define KEYS_PAYLOAD_LEN    (1u + KEYS_MAX * KEYS_ENTRY_LEN) /* count, the entries */
#define KEYS_RECORD_LEN     (CONFIG_HEADER_LEN + KEYS_PAYLOAD_LEN + CONFIG_CRC_LEN)
/* The slots start after the settings'; one slot: 321 bytes used, room for a flag per key. */
#define KEYS_EEPROM_BASE (CONFIG_EEPROM_BASE + CONFIG_AREA_LEN)
#ifndef KEYS_SLOT_SIZE
#define KEYS_SLOT_SIZE 384u
#endif
#define KEYS_AREA_LEN (CONFIG_SLOT_COUNT * KEYS_SLOT_SIZE)

_Static_assert(KEYS_RECORD_LEN <= KEYS_SLOT_SIZE, "the key record must fit its slot");
_Static_assert(KEYS_SLOT_SIZE % CONFIG_EEPROM_PAGE == 0, "slots must be page aligned");
_Static_assert(KEYS_EEPROM_BASE + KEYS_AREA_LEN <= CONFIG_EEPROM_SIZE, "keys past the EEPROM");

/* ---------------------------------------------------------------- keys -- */

/* The MAC a key makes; the values are ntp.h's enum ntp_key_algorithm's. */
enum keys_type {
    KEYS_TYPE_MD5 = 0,    /* RFC 5905's legacy MAC: MD5(secret || packet) */
    KEYS_TYPE_SHA1 = 1,   /* ntpd's and chrony's SHA1(secret || packet) */
    KEYS_TYPE_AES128 = 2, /* AES-128-CMAC, RFC 8573 */
};

struct key {
    uint32_t id;                     /* 1..4294967295; 0 is the crypto-NAK's */
    uint8_t type;                    /* enum keys_type */
    uint8_t secret_len;              /* bytes: 1..32, exactly 16 for AES-128 */
    uint8_t secret[KEYS_SECRET_MAX]; /* bytes past secret_len are zero */
};

struct keys {
    uint8_t count;            /* entries used in key[], in the order they were added */
    struct key key[KEYS_MAX]; /* unused entries all zero */
};

/* An entry of a loaded record that was not taken, and why. */
struct keys_drop {
    uint8_t index; /* its place in the record, 0..KEYS_MAX-1 */
    uint32_t id;   /* as stored (may be 0) */
    const char *why;
};

/* What keys_load() left out of an intact record. */
struct keys_load_report {
    uint8_t dropped;
    struct keys_drop drop[KEYS_MAX];
};

/*
 * Checks one key: id, type, length for the type, zero padding. Returns 0,
 * or -EINVAL with *why (if why is not NULL) naming the problem (never the
 * secret).
 */
int keys_check(const struct key *k, const char **why);

/* Returns "md5", "sha1", "aes128", or "unknown". */
const char *keys_type_name(uint8_t type);

/* Returns the key with id in ks, or NULL. */
const struct key *keys_find(const struct keys *ks, uint32_t id);

/*
 * Adds k to ks, or replaces the key with its id (*is_replaced, if not
 * NULL, says which). Returns 0, -EINVAL (k fails keys_check(), ks
 * unchanged) or -ENOSPC (KEYS_MAX keys held and k's id not among them).
 */
int keys_add(struct keys *ks, const struct key *k, bool *is_replaced);

/* Removes the key with id, wiping its entry. Returns 0 or -ENOENT. */
int keys_remove(struct keys *ks, uint32_t id);

/* Wipes every key (all zero, count 0). */
void keys_clear(struct keys *ks);

/* Returns true when a and b hold the same keys in the same order. */
bool keys_is_equal(const struct keys *a, const struct keys *b);

/*
 * Reads both key slots and fills *out with the keys of the newest intact
 * record; an entry that fails keys_check() or repeats an id is left out
 * and listed in *report (if not NULL). Returns 0 (a record loaded),
 * -ENODATA (none stored), -EBADMSG (damaged, foreign, other version, or
 * more than KEYS_MAX keys) or -EIO (EEPROM not answering): st->status
 * says which. *out is empty but after 0.
 */
int keys_load(struct config_state *st, const struct config_store *store, struct keys *out,
              struct keys_load_report *report);

/*
 * Writes ks as a new record into the key slot not in use, reads it back,
 * then erases the other slot. Returns 0, -EINVAL (a key fails keys_check()
 * or no store: nothing written), the store's error / -EIO (write failed:
 * the previous record stays), or -ENOTEMPTY (saved, but the previous
 * record, which may hold removed secrets, could not be erased).
 */
int keys_save(struct config_state *st, const struct keys *ks);

/*
 * Overwrites both key slots with 0xFF and reads them back. Returns 0 or
 * the store's error / -EIO.
 */
int keys_erase(struct config_state *st);

/* Serializes ks with sequence number seq into a complete record, CRC included. */
void keys_encode(const struct keys *ks, uint32_t seq, uint8_t rec[KEYS_RECORD_LEN]);

/* Returns a short text for the log and the console: "ok", "none stored", ... */
const char *keys_status_text(enum config_store_status status);

#endif /* CONFIG_KEYS_H */
