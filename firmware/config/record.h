/*
 * The two-slot EEPROM record that both stored records use: the settings
 * (config.c) and the symmetric keys (keys.c).
 *
 * A record is a header, a payload and a CRC-32, in one of two page-aligned
 * slots written alternately, so that a power cut in the middle of a save
 * leaves the previous record intact (record.c says how). What
 * differs between the two records is described by a struct record_format:
 * the magic, where the slots are, how big they are, how a payload of each
 * known format version decodes, and whether a save erases the older copy
 * once the new one reads back (the keys: a removed secret must not stay
 * readable in the slot that held it).
 *
 * Header, little-endian (offsets in bytes, the CONFIG_OFF_* names):
 *   0  magic   4  format version   6  payload length   8  sequence
 *  12  payload     12+len  CRC-32 over bytes 0 .. 12+len-1
 */
#ifndef CONFIG_RECORD_H
#define CONFIG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* The largest slot of any record: the size of the one buffer a slot is read into. */
#define RECORD_SLOT_MAX 384u

struct record_format {
    uint32_t magic;         /* first four bytes, little-endian */
    uint16_t base;          /* EEPROM offset of slot 0, page aligned */
    uint16_t slot_size;     /* bytes per slot, whole pages, at most RECORD_SLOT_MAX */
    bool is_previous_wiped; /* a save then erases the slot of the record it replaced */
    /*
     * Decodes the payload (len bytes) of an intact record of format
     * version into out, or only checks it when out is NULL. Returns 0,
     * -EPROTONOSUPPORT (a version or length it does not know) or -EBADMSG
     * (values it refuses).
     */
    int (*decode)(void *out, uint16_t version, const uint8_t *payload, size_t len);
};

/*
 * Reads both slots of format f and decodes the newest valid record into
 * *out. Returns 0 (a record loaded), -ENODATA (blank), -EBADMSG (damaged,
 * foreign, other version or bad values: st->status says which) or -EIO
 * (the EEPROM does not answer). *out is only meaningful after 0.
 */
int record_load(struct config_state *st, const struct config_store *store,
                const struct record_format *f, void *out);

/*
 * Seals rec (its payload of format version, payload_len bytes, already at
 * rec + CONFIG_HEADER_LEN) with the next sequence number, writes it into
 * the slot not in use and reads it back; with f->is_previous_wiped, then
 * erases the other slot. Returns 0, -EINVAL (no store, or too long for a
 * slot), the store's error or -EIO (nothing changed: the previous record
 * stays the one loaded at boot), or -ENOTEMPTY (the record is saved and
 * in use, but the previous one could not be erased).
 */
int record_save(struct config_state *st, const struct record_format *f, uint8_t *rec,
                uint16_t version, uint16_t payload_len);

/*
 * Erases both slots of format f (all 0xFF: the next load finds them
 * empty), the one not in use first, and reads them back. Returns 0, or the
 * store's error / -EIO.
 */
int record_erase(struct config_state *st, const struct record_format *f);

/*
 * Writes the header (magic of f, version, payload_len, seq) before the
 * payload at rec + CONFIG_HEADER_LEN and the CRC after it.
 */
void record_seal(uint8_t *rec, const struct record_format *f, uint16_t version,
                 uint16_t payload_len, uint32_t seq);

/* A little-endian writer that never goes past end. */
struct record_writer {
    uint8_t *p;
    const uint8_t *end;
};

/* Returns a writer for the payload_len bytes of payload at rec + CONFIG_HEADER_LEN. */
struct record_writer record_payload_writer(uint8_t *rec, uint16_t payload_len);

void record_put_u8(struct record_writer *w, uint8_t v);
void record_put_u16(struct record_writer *w, uint16_t v);
void record_put_u32(struct record_writer *w, uint32_t v);
void record_put_u64(struct record_writer *w, uint64_t v);

/* Little-endian reads. */
uint16_t record_get_u16(const uint8_t *p);
uint32_t record_get_u32(const uint8_t *p);
uint64_t record_get_u64(const uint8_t *p);

/*
 * A reader for a payload whose length the caller has checked; a flag byte
 * other than 0 or 1 sets is_bad.
 */
struct record_reader {
    const uint8_t *p;
    bool is_bad;
};

uint8_t record_take_u8(struct record_reader *r);
bool record_take_bool(struct record_reader *r);
uint32_t record_take_u32(struct record_reader *r);
uint64_t record_take_u64(struct record_reader *r);

#endif /* CONFIG_RECORD_H */
