/*
 * A RAM AT24C32 for host tests of the settings store.
 *
 * Starts blank (all 0xFF, as shipped). Can play a missing chip, failing
 * reads, and a power cut in the middle of a write: after a chosen number of
 * bytes the rest of the write (and every later one) is lost, optionally
 * with the rest of the interrupted page left as garbage, as a page write
 * cut short in its programming cycle can leave it.
 */
#ifndef TESTS_FAKES_EEPROM_FAKE_H
#define TESTS_FAKES_EEPROM_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define EEPROM_FAKE_SIZE 4096u /* AT24C32 */
#define EEPROM_FAKE_PAGE 32u

enum eeprom_fake_tear {
    EEPROM_FAKE_TEAR_PREFIX,      /* bytes before the cut written, the rest untouched */
    EEPROM_FAKE_TEAR_GARBLE_PAGE, /* ... and the rest of that page garbage */
};

struct eeprom_fake {
    uint8_t mem[EEPROM_FAKE_SIZE];
    bool is_missing;         /* every access fails with -EIO */
    unsigned read_failures;  /* the next n reads fail with -EIO */
    unsigned write_failures; /* the next n writes fail with -EIO, nothing written */
    bool is_write_lost;      /* writes report success but change nothing */
    long cut_after_bytes;    /* power cut after this many more bytes; < 0 = never */
    enum eeprom_fake_tear tear;
    bool is_cut; /* the cut happened: writes fail until power_on */
    unsigned reads;
    unsigned writes;
    size_t bytes_written;
};

/* Blank, present, no faults. */
void eeprom_fake_init(struct eeprom_fake *f);

/* Points store at f (read/write below, ctx = f). */
void eeprom_fake_store(struct eeprom_fake *f, struct config_store *store);

/* config_store read: returns 0, -EIO (missing or failing), -EINVAL (past the end). */
int eeprom_fake_read(void *ctx, uint16_t off, void *buf, size_t len);

/*
 * config_store write: returns 0, -EIO (missing, failing, or power cut during
 * or before this write), -EINVAL (past the end).
 */
int eeprom_fake_write(void *ctx, uint16_t off, const void *buf, size_t len);

/* Arms a power cut after bytes more bytes have been written. */
void eeprom_fake_cut_power_after(struct eeprom_fake *f, long bytes, enum eeprom_fake_tear tear);

/* Power back: the cut is over, the memory stays as the cut left it. */
void eeprom_fake_power_on(struct eeprom_fake *f);

#endif /* TESTS_FAKES_EEPROM_FAKE_H */
