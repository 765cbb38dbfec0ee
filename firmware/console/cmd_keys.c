/*
 * The console's authentication commands: the symmetric keys (ntp key add,
 * ntp key remove, ntp key list) and the policy (ntp auth require, ntp
 * auth optional).
 *
 * A secret is typed once and never printed: the line editor echoes it as
 * '*' and wipes the line after running it (console.c), errors about it
 * name its length or the position of a bad character, never its text, and
 * the list shows ids, types and lengths only. The secret is written the
 * way chrony's keyfile writes it, HEX:<digits> or ASCII:<text>, and a
 * secret with neither prefix is ASCII, as chrony reads it (ntpd and NTPsec
 * read a key of more than 20 hex digits as hex: a note says so when such
 * a secret is taken as ASCII). Keys take effect at once and are kept by
 * `save`, as settings are; the policy is a settings change
 * (commands_begin/commands_commit).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"
#include "config/keys.h"
#include "console/app.h"
#include "console/commands.h"
#include "console/console.h"
#include "console/text.h"
#include "lib/wipe.h"

/* ntpd and NTPsec take a key of up to 20 characters as ASCII, a longer one as hex. */
#define NTPD_ASCII_MAX 20u

/* Returns true when arg starts with prefix, ignoring ASCII case. */
static bool has_prefix(const char *arg, const char *prefix)
{
    size_t n = strlen(prefix);
    char head[8];
    if (n >= sizeof(head) || strnlen(arg, n) < n) {
        return false;
    }
    memcpy(head, arg, n);
    head[n] = '\0';
    return console_is_word(head, prefix);
}

static bool is_all_hex(const char *s)
{
    for (; *s != '\0'; s++) {
        if (text_hex_digit(*s) < 0) {
            return false;
        }
    }
    return true;
}

int commands_parse_key_id(const char *arg, uint32_t *id)
{
    int64_t v = 0;
    if (strcmp(arg, "0") == 0) {
        return console_fail(-ERANGE, "key id 0 is the crypto-NAK's, not a key (use 1..4294967295)");
    }
    int err = text_parse_arg(arg, "key id", 1, UINT32_MAX, &v);
    if (err == 0) {
        *id = (uint32_t)v;
    }
    return err;
}

/* Parses a key type into *type. Returns 0 or -EINVAL, printed. */
static int parse_type(const char *arg, uint8_t *type)
{
    static const struct {
        const char *name;
        uint8_t type;
    } names[] = {
        { "md5", KEYS_TYPE_MD5 },
        { "sha1", KEYS_TYPE_SHA1 },
        { "aes128", KEYS_TYPE_AES128 },
        { "aes128cmac", KEYS_TYPE_AES128 }, /* ntpd */
        { "aes-128", KEYS_TYPE_AES128 },
        { "aes", KEYS_TYPE_AES128 }, /* NTPsec */
        { "aes-128-cmac", KEYS_TYPE_AES128 },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (console_is_word(arg, names[i].name)) {
            *type = names[i].type;
            return 0;
        }
    }
    return console_fail(-EINVAL, "bad key type '%s' (expected md5, sha1 or aes128)", arg);
}

/*
 * Parses a secret (HEX:<digits>, ASCII:<text> or <text>) for a key of
 * k->type into k->secret and k->secret_len; *is_ambiguous says it was
 * taken as ASCII though ntpd would read it as hex. Returns 0, -EINVAL or
 * -ERANGE, printed without the secret.
 */
static int parse_secret(const char *arg, struct key *k, bool *is_ambiguous)
{
    bool is_hex = has_prefix(arg, "HEX:");
    bool is_bare = !is_hex && !has_prefix(arg, "ASCII:");
    const char *text = is_hex ? arg + 4 : is_bare ? arg : arg + 6;
    size_t len = strlen(text);
    bool looks_hex = is_bare && len > NTPD_ASCII_MAX && is_all_hex(text);
    const char *hint = looks_hex ? " (for a hex secret write HEX:<digits>)" : "";
    *is_ambiguous = looks_hex;

    if (len == 0u) {
        return console_fail(-EINVAL, "empty secret (HEX:<hex digits> or ASCII:<text>)");
    }
    if (is_hex) {
        for (size_t i = 0; i < len; i++) {
            if (text_hex_digit(text[i]) < 0) {
                return console_fail(-EINVAL,
                                    "hex secret: character %u is not a hex digit (0-9, a-f)",
                                    (unsigned)(i + 1u));
            }
        }
        if (len % 2u != 0u) {
            return console_fail(-EINVAL, "hex secret: odd number of digits (%u); two per byte",
                                (unsigned)len);
        }
        len /= 2u;
    }
    if (len > KEYS_SECRET_MAX) {
        return console_fail(-ERANGE, "secret too long: %u bytes (at most %u)%s", (unsigned)len,
                            (unsigned)KEYS_SECRET_MAX, hint);
    }
    if (k->type == KEYS_TYPE_AES128 && len != KEYS_AES128_SECRET_LEN) {
        return console_fail(-EINVAL,
                            "an aes128 key is exactly 16 bytes (HEX: and 32 digits), not %u%s",
                            (unsigned)len, hint);
    }
    for (size_t i = 0; i < len; i++) {
        if (is_hex) {
            int hi = text_hex_digit(text[2u * i]), lo = text_hex_digit(text[2u * i + 1u]);
            k->secret[i] = (uint8_t)(hi << 4 | lo);
        } else {
            k->secret[i] = (uint8_t)text[i];
        }
    }
    k->secret_len = (uint8_t)len;
    return 0;
}

/* How many keys held_type() saw. */
static unsigned held_count;

/* Returns the type name of the key id held now, or NULL. */
static const char *held_type(uint32_t id)
{
    const struct app_key_info *held = commands_read_keys(&held_count);
    for (unsigned i = 0; i < held_count; i++) {
        if (held[i].id == id) {
            return keys_type_name(held[i].type);
        }
    }
    return NULL;
}

/* The ok line's tail for a key change. */
#define NOT_SAVED " (not saved yet: 'save' keeps it after a power cut)\n"

/* Adds the parsed key k. Returns 0 or a negative errno, printed. */
static int add_key(const struct key *k, bool is_ambiguous)
{
    const char *was = held_type(k->id);
    bool is_replaced = false;
    int err = was == NULL && held_count >= KEYS_MAX ? -ENOSPC : app_add_key(k, &is_replaced);
    if (err == -ENOSPC) {
        return console_fail(err, "key table full (%u keys): 'ntp key remove' one first",
                            (unsigned)KEYS_MAX);
    }
    if (err != 0) {
        return console_fail(err, "key not added (%s); nothing changed", text_errno(err));
    }
    commands_set_unsaved(true);
    if (is_replaced) {
        console_printf("ok: key %lu replaced (was %s, now %s, %u-byte secret)" NOT_SAVED,
                       (unsigned long)k->id, was != NULL ? was : "?", keys_type_name(k->type),
                       k->secret_len);
    } else {
        console_printf("ok: key %lu added (%s, %u-byte secret)" NOT_SAVED, (unsigned long)k->id,
                       keys_type_name(k->type), k->secret_len);
    }
    if (is_ambiguous) {
        console_printf("note: taken as %u ASCII characters, as chrony reads a secret without "
                       "HEX:; ntpd and NTPsec read over %u hex digits as hex\n",
                       k->secret_len, NTPD_ASCII_MAX);
    }
    return 0;
}

int cmd_ntp_key_add(int argc, char *argv[])
{
    (void)argc;
    struct key k;
    bool is_ambiguous = false;
    memset(&k, 0, sizeof(k));
    int err = commands_parse_key_id(argv[0], &k.id);
    if (err == 0) {
        err = parse_type(argv[1], &k.type);
    }
    if (err == 0) {
        err = parse_secret(argv[2], &k, &is_ambiguous);
    }
    if (err == 0) {
        err = add_key(&k, is_ambiguous);
    }
    wipe_memory(&k, sizeof(k));
    return err;
}

int cmd_ntp_key_remove(int argc, char *argv[])
{
    (void)argc;
    uint32_t id = 0;
    int err = commands_parse_key_id(argv[0], &id);
    if (err != 0) {
        return err;
    }
    if (held_type(id) == NULL) {
        return console_fail(-ENOENT, "no key %lu ('ntp key list' shows the keys)",
                            (unsigned long)id);
    }
    err = app_remove_key(id);
    if (err != 0) {
        return console_fail(err, "key not removed (%s)", text_errno(err));
    }
    commands_set_unsaved(true);
    console_printf("ok: key %lu removed (not saved yet: 'save' erases it from the EEPROM)\n",
                   (unsigned long)id);
    return 0;
}

/* ---------------------------------------------------------- ntp key list -- */

/* The list's snapshot, taken by the command: the report prints from it. */
static const struct app_key_info *listed;
static unsigned listed_count;
static const struct settings *policy;
static enum config_store_status listed_status;

static void print_policy(const struct settings *s)
{
    char a[TEXT_IP_SIZE];
    if (s->auth_count == 0u) {
        console_puts("authentication: optional (clients with a key get signed replies)\n");
        return;
    }
    console_puts("authentication: required from");
    for (unsigned i = 0; i < s->auth_count && i < CONFIG_AUTH_MAX; i++) {
        if (s->auth[i].prefix == 0u) {
            console_puts(i == 0u ? " every client" : ", every client");
        } else {
            console_printf("%s %s/%u", i == 0u ? "" : ",", text_fmt_ip(a, s->auth[i].addr),
                           s->auth[i].prefix);
        }
    }
    console_puts("\n");
}

/* Report: the header, a line per key, the policy. */
static bool list_step(unsigned step)
{
    if (step == 0u) {
        console_printf("keys: %u of %u (stored: %s)\n", listed_count, (unsigned)KEYS_MAX,
                       keys_status_text(listed_status));
        return true;
    }
    if (step <= listed_count) {
        const struct app_key_info *k = &listed[step - 1u];
        console_printf("  key %lu: %s, %u-byte secret\n", (unsigned long)k->id,
                       keys_type_name(k->type), k->secret_len);
        return true;
    }
    print_policy(policy);
    return false;
}

int cmd_ntp_key_list(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    listed = commands_read_keys(&listed_count);
    listed_status = commands_read_status()->keys_status;
    policy = commands_read_settings();
    console_start_report(list_step);
    return 0;
}

/* --------------------------------------------------------------- policy -- */

/* After a policy change: warns when it requires keys that do not exist. */
static int commit_policy(void)
{
    int err = commands_commit();
    unsigned count = 0;
    (void)commands_read_keys(&count);
    if (err == 0 && commands_read_settings()->auth_count > 0u && count == 0u) {
        console_puts("note: no key held yet: those clients get no time until one is added "
                     "(ntp key add)\n");
    }
    return err;
}

int cmd_ntp_auth_require(int argc, char *argv[])
{
    (void)argc;
    if (console_is_word(argv[0], "all")) {
        struct settings *s = commands_begin();
        memset(s->auth, 0, sizeof(s->auth));
        s->auth_count = 1;
        s->auth[0] = (struct config_subnet){ .prefix = 0, .addr = 0 };
        return commit_policy();
    }
    uint32_t addr = 0;
    uint8_t prefix = 0;
    int err = text_parse_exact_subnet(argv[0], &addr, &prefix);
    if (err != 0) {
        return err;
    }
    struct settings *s = commands_begin();
    for (unsigned i = 0; i < s->auth_count && i < CONFIG_AUTH_MAX; i++) {
        if (s->auth[i].addr == addr && s->auth[i].prefix == prefix) {
            return commit_policy(); /* listed already: unchanged */
        }
    }
    if (s->auth_count >= CONFIG_AUTH_MAX) {
        return console_fail(-ENOSPC,
                            "%u subnets must authenticate already: 'ntp auth optional' to start "
                            "over, or 'ntp auth require all'",
                            (unsigned)CONFIG_AUTH_MAX);
    }
    s->auth[s->auth_count++] = (struct config_subnet){ .prefix = prefix, .addr = addr };
    return commit_policy();
}

int cmd_ntp_auth_optional(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct settings *s = commands_begin();
    s->auth_count = 0;
    memset(s->auth, 0, sizeof(s->auth));
    return commands_commit();
}
