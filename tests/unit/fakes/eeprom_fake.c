/*
 * RAM AT24C32 with fault injection; see eeprom_fake.h.
 */
#include "fakes/eeprom_fake.h"

#include <errno.h>
#include <string.h>

void eeprom_fake_init(struct eeprom_fake *f)
{
    memset(f, 0, sizeof(*f));
    memset(f->mem, 0xFF, sizeof(f->mem));
    f->cut_after_bytes = -1;
}

void eeprom_fake_store(struct eeprom_fake *f, struct config_store *store)
{
    store->read = eeprom_fake_read;
    store->write = eeprom_fake_write;
    store->ctx = f;
}

int eeprom_fake_read(void *ctx, uint16_t off, void *buf, size_t len)
{
    struct eeprom_fake *f = ctx;
    f->reads++;
    if (f->is_missing) {
        return -EIO;
    }
    if (f->read_failures > 0u) {
        f->read_failures--;
        return -EIO;
    }
    if ((size_t)off + len > EEPROM_FAKE_SIZE) {
        return -EINVAL;
    }
    memcpy(buf, &f->mem[off], len);
    return 0;
}

int eeprom_fake_write(void *ctx, uint16_t off, const void *buf, size_t len)
{
    struct eeprom_fake *f = ctx;
    const uint8_t *src = buf;
    f->writes++;
    if (f->is_missing || f->is_cut) {
        return -EIO;
    }
    if (f->write_failures > 0u) {
        f->write_failures--;
        return -EIO;
    }
    if ((size_t)off + len > EEPROM_FAKE_SIZE) {
        return -EINVAL;
    }
    if (f->is_write_lost) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (f->cut_after_bytes == 0) {
            f->is_cut = true;
            if (f->tear == EEPROM_FAKE_TEAR_GARBLE_PAGE) {
                size_t page_end = ((off + i) / EEPROM_FAKE_PAGE + 1u) * EEPROM_FAKE_PAGE;
                for (size_t j = i; j < len && off + j < page_end; j++) {
                    f->mem[off + j] = (uint8_t)(0x5Au ^ (j * 37u) ^ src[j]);
                }
            }
            return -EIO;
        }
        if (f->cut_after_bytes > 0) {
            f->cut_after_bytes--;
        }
        f->mem[off + i] = src[i];
        f->bytes_written++;
    }
    return 0;
}

void eeprom_fake_cut_power_after(struct eeprom_fake *f, long bytes, enum eeprom_fake_tear tear)
{
    f->cut_after_bytes = bytes;
    f->tear = tear;
}

void eeprom_fake_power_on(struct eeprom_fake *f)
{
    f->is_cut = false;
    f->cut_after_bytes = -1;
}
