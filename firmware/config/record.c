/*
 * The two-slot EEPROM record (record.h): load, save, erase, and the
 * little-endian helpers the payload codecs use.
 *
 * A save writes a complete record into the slot that does not hold the
 * record in use, then reads it back. Nothing else is written before that,
 * so whatever a power cut does to the slot being written, the other slot
 * still holds the previous record, and the CRC tells the torn one from a
 * good one. Load takes the valid slot with the newer sequence number,
 * compared in serial-number arithmetic (RFC 1982) so the 32-bit counter
 * may wrap. The one slot buffer is zeroed after every operation: it may
 * have held secrets.
 */
#include "config/record.h"

#include <errno.h>
#include <string.h>

#include "lib/crc32.h"
#include "lib/wipe.h"

/* ------------------------------------------------------ little-endian -- */

struct record_writer record_payload_writer(uint8_t *rec, uint16_t payload_len)
{
    return (struct record_writer){ .p = rec + CONFIG_OFF_PAYLOAD,
                                   .end = rec + CONFIG_OFF_PAYLOAD + payload_len };
}

void record_put_u8(struct record_writer *w, uint8_t v)
{
    if (w->p < w->end) {
        *w->p++ = v;
    }
}

void record_put_u16(struct record_writer *w, uint16_t v)
{
    record_put_u8(w, (uint8_t)v);
    record_put_u8(w, (uint8_t)(v >> 8));
}

void record_put_u32(struct record_writer *w, uint32_t v)
{
    record_put_u16(w, (uint16_t)v);
    record_put_u16(w, (uint16_t)(v >> 16));
}

void record_put_u64(struct record_writer *w, uint64_t v)
{
    record_put_u32(w, (uint32_t)v);
    record_put_u32(w, (uint32_t)(v >> 32));
}

uint16_t record_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

uint32_t record_get_u32(const uint8_t *p)
{
    return (uint32_t)record_get_u16(p) | (uint32_t)record_get_u16(p + 2) << 16;
}

uint64_t record_get_u64(const uint8_t *p)
{
    return (uint64_t)record_get_u32(p) | (uint64_t)record_get_u32(p + 4) << 32;
}

uint8_t record_take_u8(struct record_reader *r)
{
    return *r->p++;
}

bool record_take_bool(struct record_reader *r)
{
    uint8_t v = record_take_u8(r);
    if (v > 1u) {
        r->is_bad = true;
    }
    return v == 1u;
}

uint32_t record_take_u32(struct record_reader *r)
{
    uint32_t v = record_get_u32(r->p);
    r->p += 4;
    return v;
}

uint64_t record_take_u64(struct record_reader *r)
{
    uint64_t v = record_get_u64(r->p);
    r->p += 8;
    return v;
}

void record_seal(uint8_t *rec, const struct record_format *f, uint16_t version,
                 uint16_t payload_len, uint32_t seq)
{
    struct record_writer w = { .p = rec, .end = rec + CONFIG_HEADER_LEN };
    record_put_u32(&w, f->magic);
    record_put_u16(&w, version);
    record_put_u16(&w, payload_len);
    record_put_u32(&w, seq);
    size_t crc_off = CONFIG_HEADER_LEN + payload_len;
    w = (struct record_writer){ .p = rec + crc_off, .end = rec + crc_off + CONFIG_CRC_LEN };
    record_put_u32(&w, crc32_ieee(rec, crc_off));
}

/* -------------------------------------------------------------- slots -- */

/* One slot's worth of EEPROM: static, so load never needs a big stack. */
static uint8_t slot_buf[RECORD_SLOT_MAX];

static uint16_t slot_offset(const struct record_format *f, unsigned slot)
{
    return (uint16_t)(f->base + slot * f->slot_size);
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

/* Reads slot of f into slot_buf. Returns 0 or the store's error. */
static int read_slot(const struct config_state *st, const struct record_format *f, unsigned slot)
{
    return store_read(st->store, slot_offset(f, slot), slot_buf, f->slot_size);
}

/* Serial-number comparison (RFC 1982): true when a is newer than b. */
static bool is_seq_newer(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

/*
 * Classifies the slot in slot_buf, decoding a valid record into out (or
 * only checking it, out NULL). *seq gets the sequence number, and
 * *has_seq says whether it is from an intact record of our magic (valid
 * or not), so a later save can outrun it.
 */
static enum config_store_status classify(const struct record_format *f, void *out, uint32_t *seq,
                                         bool *has_seq)
{
    *has_seq = false;
    bool is_blank = true;
    for (size_t i = 0; i < f->slot_size; i++) {
        if (slot_buf[i] != 0xFFu) {
            is_blank = false;
            break;
        }
    }
    if (is_blank) {
        return CONFIG_STORE_EMPTY;
    }
    if (record_get_u32(slot_buf + CONFIG_OFF_MAGIC) != f->magic) {
        return CONFIG_STORE_FOREIGN;
    }
    uint16_t version = record_get_u16(slot_buf + CONFIG_OFF_VERSION);
    size_t len = record_get_u16(slot_buf + CONFIG_OFF_LENGTH);
    if (CONFIG_HEADER_LEN + len + CONFIG_CRC_LEN > f->slot_size) {
        return CONFIG_STORE_BAD_CRC;
    }
    size_t crc_off = CONFIG_HEADER_LEN + len;
    if (crc32_ieee(slot_buf, crc_off) != record_get_u32(slot_buf + crc_off)) {
        return CONFIG_STORE_BAD_CRC;
    }
    *seq = record_get_u32(slot_buf + CONFIG_OFF_SEQ);
    *has_seq = true;
    int err = f->decode(out, version, slot_buf + CONFIG_OFF_PAYLOAD, len);
    if (err == -EPROTONOSUPPORT) {
        return CONFIG_STORE_BAD_VERSION;
    }
    return err == 0 ? CONFIG_STORE_OK : CONFIG_STORE_BAD_VALUES;
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
 * Reads and classifies both slots and fills st; with out, decodes the
 * newest valid record into it (*has_record). Returns 0, or the read error
 * with st->status = NO_EEPROM.
 */
static int scan(struct config_state *st, const struct record_format *f, void *out, bool *has_record)
{
    uint32_t seq[CONFIG_SLOT_COUNT] = { 0u, 0u };
    bool has_seq[CONFIG_SLOT_COUNT] = { false, false };
    int decoded = -1; /* the slot whose record out holds */

    *has_record = false;
    for (unsigned i = 0; i < CONFIG_SLOT_COUNT; i++) {
        int err = read_slot(st, f, i);
        if (err != 0) {
            st->status = CONFIG_STORE_NO_EEPROM;
            st->slot_status[0] = st->slot_status[1] = CONFIG_STORE_NO_EEPROM;
            return err;
        }
        st->slot_status[i] = classify(f, out, &seq[i], &has_seq[i]);
        decoded = st->slot_status[i] == CONFIG_STORE_OK ? (int)i : -1;
    }

    int use = -1;
    for (unsigned i = 0; i < CONFIG_SLOT_COUNT; i++) {
        if (st->slot_status[i] == CONFIG_STORE_OK && (use < 0 || is_seq_newer(seq[i], seq[use]))) {
            use = (int)i;
        }
    }
    if (use >= 0) {
        if (out != NULL && use != decoded) {
            /* out holds the other slot's decode (or a failed one): decode ours again */
            uint32_t again;
            bool has_again;
            int err = read_slot(st, f, (unsigned)use);
            if (err != 0 || classify(f, out, &again, &has_again) != CONFIG_STORE_OK) {
                st->status = CONFIG_STORE_NO_EEPROM;
                return err != 0 ? err : -EIO;
            }
        }
        st->status = CONFIG_STORE_OK;
        st->seq = seq[use];
        st->next_slot = (uint8_t)(use ^ 1);
        *has_record = out != NULL;
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

int record_load(struct config_state *st, const struct config_store *store,
                const struct record_format *f, void *out)
{
    bool has_record;
    memset(st, 0, sizeof(*st));
    st->store = store;
    int err = scan(st, f, out, &has_record);
    wipe_memory(slot_buf, sizeof(slot_buf));
    if (err != 0) {
        return -EIO;
    }
    switch (st->status) {
    case CONFIG_STORE_OK: return 0;
    case CONFIG_STORE_EMPTY: return -ENODATA;
    default: return -EBADMSG;
    }
}

/* Writes 0xFF over slot of f and reads it back. Returns 0, the store's error or -EIO. */
static int erase_slot(struct config_state *st, const struct record_format *f, unsigned slot)
{
    static const uint8_t blank[CONFIG_EEPROM_PAGE] = {
        [0 ... CONFIG_EEPROM_PAGE - 1] = 0xFFu,
    };
    st->slot_status[slot] = CONFIG_STORE_BAD_CRC; /* not known until read back */
    for (uint32_t done = 0; done < f->slot_size; done += CONFIG_EEPROM_PAGE) {
        int err = st->store->write(st->store->ctx, (uint16_t)(slot_offset(f, slot) + done), blank,
                                   sizeof(blank));
        if (err != 0) {
            return err < 0 ? err : -EIO;
        }
    }
    int err = read_slot(st, f, slot);
    for (size_t i = 0; err == 0 && i < f->slot_size; i++) {
        if (slot_buf[i] != 0xFFu) {
            err = -EIO;
        }
    }
    if (err == 0) {
        st->slot_status[slot] = CONFIG_STORE_EMPTY;
    }
    return err;
}

/* The save itself; record_save() wipes the buffer after it. */
static int save(struct config_state *st, const struct record_format *f, uint8_t *rec,
                uint16_t version, uint16_t payload_len)
{
    if (st->status == CONFIG_STORE_NO_EEPROM || st->status == CONFIG_STORE_NOT_LOADED) {
        /* The EEPROM did not answer at boot: learn the slots' sequence
         * numbers before writing, or an old record could outrank ours. */
        bool has_record;
        int err = scan(st, f, NULL, &has_record);
        if (err != 0) {
            return err;
        }
    }
    uint32_t seq = st->seq + 1u;
    size_t len = CONFIG_HEADER_LEN + payload_len + CONFIG_CRC_LEN;
    record_seal(rec, f, version, payload_len, seq);
    unsigned slot = st->next_slot;
    uint16_t off = slot_offset(f, slot);
    st->slot_status[slot] = CONFIG_STORE_BAD_CRC; /* whatever a failed write leaves */
    int err = st->store->write(st->store->ctx, off, rec, len);
    if (err != 0) {
        return err < 0 ? err : -EIO;
    }
    err = store_read(st->store, off, slot_buf, len);
    if (err != 0) {
        return err;
    }
    if (memcmp(slot_buf, rec, len) != 0) {
        return -EIO;
    }
    st->slot_status[slot] = CONFIG_STORE_OK;
    st->status = CONFIG_STORE_OK;
    st->seq = seq;
    st->next_slot = (uint8_t)(slot ^ 1u);
    if (f->is_previous_wiped && st->slot_status[slot ^ 1u] != CONFIG_STORE_EMPTY &&
        erase_slot(st, f, slot ^ 1u) != 0) {
        return -ENOTEMPTY;
    }
    return 0;
}

int record_save(struct config_state *st, const struct record_format *f, uint8_t *rec,
                uint16_t version, uint16_t payload_len)
{
    if (st->store == NULL ||
        CONFIG_HEADER_LEN + payload_len + CONFIG_CRC_LEN > (size_t)f->slot_size) {
        return -EINVAL;
    }
    int err = save(st, f, rec, version, payload_len);
    wipe_memory(slot_buf, sizeof(slot_buf));
    return err;
}

int record_erase(struct config_state *st, const struct record_format *f)
{
    if (st->store == NULL) {
        return -EINVAL;
    }
    int err = 0;
    /* The slot not in use first: a cut in between still leaves a record. */
    for (unsigned n = 0; n < CONFIG_SLOT_COUNT && err == 0; n++) {
        err = erase_slot(st, f, (st->next_slot + n) % CONFIG_SLOT_COUNT);
    }
    wipe_memory(slot_buf, sizeof(slot_buf));
    if (err != 0) {
        return err;
    }
    /* st->seq keeps counting: harmless, and safe if a slot was not blank. */
    st->status = CONFIG_STORE_EMPTY;
    st->next_slot = 0u;
    return 0;
}
