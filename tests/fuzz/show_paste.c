/*
 * config show, pasted back (see show_paste.h). Links the console, its
 * commands and tests/unit/fakes/console_app_fake.c.
 */
#include "show_paste.h"

#include <string.h>

#include "config/config.h"
#include "config/keys.h"
#include "console/console.h"
#include "fakes/console_app_fake.h"
#include "fuzz_util.h"

static char capture[8192];
static size_t capture_len;
static char shown_text[8192]; /* config show's output, pasted from */

static size_t capture_write(const char *buf, size_t len)
{
    size_t n = len < sizeof(capture) - 1 - capture_len ? len : sizeof(capture) - 1 - capture_len;
    memcpy(capture + capture_len, buf, n);
    capture_len += n;
    return len; /* the terminal takes everything */
}

static void drain(void)
{
    for (unsigned polls = 0; console_is_busy() || console_tx_pending() > 0; polls++) {
        FUZZ_CHECK(polls < 10000u, "the console never went idle");
        console_poll();
    }
}

/* What config show cannot show, taken from the settings it was shown from. */
static void copy_unshown(struct settings *to, const struct settings *from)
{
    to->last_set_unix_s = from->last_set_unix_s;
    to->last_set_source = from->last_set_source;
    if (from->mac_source != CONFIG_MAC_OPERATOR) {
        memcpy(to->mac, from->mac, sizeof(to->mac));
        to->mac_source = from->mac_source;
    }
    if (!from->ratelimit_enabled) {
        to->ratelimit_interval_log2 = from->ratelimit_interval_log2;
        to->ratelimit_burst = from->ratelimit_burst;
        to->ratelimit_leak_log2 = from->ratelimit_leak_log2;
    }
    if (!from->strict_enabled) {
        to->strict_max_ms = from->strict_max_ms;
    }
}

void show_paste_check(void)
{
    struct settings shown = app_fake.settings;
    unsigned key_count = app_fake.keys.count;
    console_init(capture_write, NULL);
    drain();
    capture_len = 0;
    FUZZ_CHECK(console_execute("config show") == 0, "config show refused");
    drain();
    capture[capture_len] = '\0';
    memcpy(shown_text, capture, capture_len + 1);
    unsigned commented = 0;
    for (const char *p = strstr(shown_text, "\n# ntp key "); p != NULL;
         p = strstr(p + 1, "\n# ntp key ")) {
        commented++;
    }
    FUZZ_CHECK(commented == key_count, "config show names %u of %u keys", commented, key_count);

    config_defaults(&app_fake.settings);
    keys_clear(&app_fake.keys);
    app_fake.apply_ret = 0;
    static char line[256];
    for (const char *p = shown_text, *end; *p != '\0'; p = end + 2) {
        end = strstr(p, "\r\n");
        FUZZ_CHECK(end != NULL, "config show output ends mid-line");
        FUZZ_CHECK((size_t)(end - p) <= CONSOLE_LINE_MAX, "a config show line too long to paste");
        memcpy(line, p, (size_t)(end - p));
        line[end - p] = '\0';
        if (line[0] == '#') {
            continue;
        }
        size_t at = capture_len;
        int ret = console_execute(line);
        drain();
        capture[capture_len] = '\0';
        FUZZ_CHECK(ret == 0, "pasting '%s' back gave %d: %s", line, ret, capture + at);
    }
    struct settings pasted = app_fake.settings;
    copy_unshown(&pasted, &shown);
    FUZZ_CHECK(config_is_equal(&shown, &pasted), "config show pasted back differs:\n%s",
               shown_text);
    FUZZ_CHECK(app_fake.keys.count == 0, "pasting config show back added a key");
}
