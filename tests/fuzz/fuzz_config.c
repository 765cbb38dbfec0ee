/*
 * libFuzzer harness: the settings decoder (config.c) on arbitrary EEPROM
 * contents, through a RAM store.
 *
 * Input: one flags byte, then the two record slots' bytes (the rest of the
 * slots stays blank, 0xFF). The flags can make a slot's header ours
 * (magic, format version 1 or 2, its length) and its CRC right, so that
 * the fuzzer reaches the payload decoder and config_validate() instead of
 * stopping at the CRC, and can fail the first reads (a glitching bus).
 *
 * Invariants:
 *  - config_load() always hands back settings that pass config_validate(),
 *    and returns 0, -ENODATA, -EBADMSG or -EIO as its status says;
 *  - settings it loaded survive a round trip: saved with config_save()
 *    and loaded again they are the same settings, from the newer record;
 *  - and the console can show them: `config show` pasted back gives the
 *    same settings (show_paste.h), so whatever a record may hold, the
 *    operator can see it and type it;
 *  - a blank EEPROM is -ENODATA, and defaults.
 */
#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "fakes/console_app_fake.h"
#include "fuzz_util.h"
#include "lib/crc32.h"
#include "show_paste.h"

#define AREA (CONFIG_EEPROM_BASE + CONFIG_AREA_LEN)

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

static void check_loaded(int ret, const struct config_state *st, const struct settings *s)
{
    const char *why = NULL;
    FUZZ_CHECK(config_validate(s, &why) == 0, "config_load handed back invalid settings: %s",
               why != NULL ? why : "?");
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
    default: FUZZ_CHECK(false, "config_load returned %d", ret);
    }
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
    unsigned failures = (flags >> 4) % 8u;
    read_failures = failures;

    struct config_state st;
    struct settings s;
    int ret = config_load(&st, &store, &s);
    check_loaded(ret, &st, &s);
    if (is_blank && failures == 0u) {
        FUZZ_CHECK(ret == -ENODATA, "a blank EEPROM gave %d", ret);
    }
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
