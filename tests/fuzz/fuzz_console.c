/*
 * libFuzzer harness: the console (line editor, dispatcher, every command,
 * the report pump) against the recording app fake, typed into through
 * console_poll() over a fake UART whose speed the input also controls.
 *
 * Input: 22 bytes of app status (numbers the reports print), of the
 * errors the app returns (each call that can fail can be made to) and of
 * the keys it holds at the start, then the bytes typed. The byte 0xFF is not typed (the editor ignores non-ASCII
 * anyway): 0xFF n sets how many bytes the UART takes per poll (0: stuck,
 * 255: everything) and ends the current poll's reading.
 *
 * Invariants:
 *  - nothing the console prints is dropped, however slow the UART;
 *  - the settings the app holds always pass config_validate();
 *  - the output is printable ASCII, backspaces and CRLF line ends only;
 *  - once the UART drains, the console goes idle within a bounded number
 *    of polls, and the last thing it printed after a line is the prompt;
 *  - `config show` pasted back into an appliance with factory settings
 *    gives the same settings (show_paste.h);
 *  - the keys the app holds are at most KEYS_MAX, each passing
 *    keys_check(), no id twice; a key held from the start (its secret
 *    bytes unprintable, so no typing can print them) never appears, in
 *    hex either, in `ntp key list`, `config show` or `status`.
 */
#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "config/keys.h"
#include "console/app.h"
#include "console/console.h"
#include "fakes/console_app_fake.h"
#include "fuzz_util.h"
#include "show_paste.h"

#define CH_META 0xFFu

static struct fuzz_in typed;
static bool is_poll_over;
static size_t per_poll; /* bytes the UART takes per poll */
static size_t budget;   /* what it still takes in this one */
static uint8_t last_typed;
static char last_out[8]; /* the last bytes printed, for the prompt check */
static size_t out_total;
static char prev_out;

static size_t fake_write(const char *buf, size_t len)
{
    size_t n = len < budget ? len : budget;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        FUZZ_CHECK((c >= ' ' && c <= '~') || c == '\r' || c == '\n' || c == '\b',
                   "unprintable byte 0x%02x in the output", (unsigned char)c);
        FUZZ_CHECK(c != '\n' || prev_out == '\r', "a line end without CR");
        prev_out = c;
        memmove(last_out, last_out + 1, sizeof(last_out) - 1);
        last_out[sizeof(last_out) - 1] = c;
    }
    out_total += n;
    if (budget != SIZE_MAX) {
        budget -= n;
    }
    return n;
}

static size_t budget_of(uint8_t b)
{
    return b == 255u ? SIZE_MAX : b;
}

static int fake_getc(void)
{
    if (is_poll_over || typed.left == 0) {
        return -EAGAIN;
    }
    uint8_t c = fuzz_u8(&typed);
    if (c == CH_META) {
        per_poll = budget_of(fuzz_u8(&typed));
        is_poll_over = true;
        return -EAGAIN;
    }
    last_typed = c;
    return c;
}

/* A key held from the start, and its secret in hex as a leak would print it. */
#define PLANTED_ID 0xC0FFEEu
static const uint8_t planted_secret[16] = {
    0x9c, 0x01, 0xe7, 0x5a, 0x03, 0xf1, 0x88, 0x16, 0xd4, 0x2b, 0xc9, 0x07, 0x6e, 0xa3, 0x11, 0xfd,
};
static const char *const planted_hex[] = { "9c01e75a03f18816", "9C01E75A03F18816",
                                           "d42bc9076ea311fd", "D42BC9076EA311FD" };

static void check_keys(void)
{
    const struct keys *ks = &app_fake.keys;
    FUZZ_CHECK(ks->count <= KEYS_MAX, "the app holds %u keys", ks->count);
    for (unsigned i = 0; i < ks->count; i++) {
        const char *why = NULL;
        FUZZ_CHECK(keys_check(&ks->key[i], &why) == 0, "the app holds a bad key: %s", why);
        FUZZ_CHECK(keys_find(ks, ks->key[i].id) == &ks->key[i], "key id %lu held twice",
                   (unsigned long)ks->key[i].id);
    }
}

/* Output of the reports, captured whole. */
static char report[16384];
static size_t report_len;

static size_t report_write(const char *buf, size_t len)
{
    size_t n = len < sizeof(report) - 1 - report_len ? len : sizeof(report) - 1 - report_len;
    memcpy(report + report_len, buf, n);
    report_len += n;
    report[report_len] = '\0';
    return len;
}

/* The planted secret shows nowhere in what lists, shows and reports the keys. */
static void check_planted_secret_unseen(void)
{
    if (keys_find(&app_fake.keys, PLANTED_ID) == NULL) {
        return;
    }
    console_init(report_write, NULL);
    report_len = 0;
    static const char *const lines[] = { "ntp key list", "config show", "status" };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        (void)console_execute(lines[i]);
        for (unsigned polls = 0; console_is_busy() || console_tx_pending() > 0; polls++) {
            FUZZ_CHECK(polls < 10000u, "the console never went idle");
            console_poll();
        }
    }
    FUZZ_CHECK(strstr(report, "key 12648430") != NULL, "the planted key is not listed");
    for (size_t i = 0; i < sizeof(planted_hex) / sizeof(planted_hex[0]); i++) {
        FUZZ_CHECK(strstr(report, planted_hex[i]) == NULL, "a secret in the output:\n%s", report);
    }
}

static void check_settings(void)
{
    const char *why = NULL;
    FUZZ_CHECK(config_validate(&app_fake.settings, &why) == 0, "the app holds invalid settings: %s",
               why != NULL ? why : "?");
    FUZZ_CHECK(console_tx_dropped() == 0, "%u bytes of output dropped",
               (unsigned)console_tx_dropped());
    check_keys();
}

static void drain(void)
{
    for (unsigned polls = 0; console_is_busy() || console_tx_pending() > 0; polls++) {
        FUZZ_CHECK(polls < 10000u, "the console never went idle");
        budget = SIZE_MAX;
        console_poll();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    app_fake_reset();
    struct app_status *st = &app_fake.status;
    uint8_t f = fuzz_u8(&in);
    st->time_state = (f & 1u) ? APP_TIME_SYNCED : APP_TIME_UNSET;
    st->is_dhcp = (f & 2u) != 0;
    st->is_link_up = (f & 4u) != 0;
    st->rtc_chip = (f & 8u) ? "DS3231" : NULL;
    st->is_rtc_osc_stopped = (f & 16u) != 0;
    st->leap = (enum app_leap)((f >> 5) % 3u);
    st->store_status = (enum config_store_status)(f >> 5);
    st->now_ns = (int64_t)(fuzz_u32(&in) % 4102444800u) * 1000000000LL;
    st->net_addr = fuzz_u16(&in) ? 0x0A00020Fu : 0u;
    st->top_client_count = fuzz_u8(&in) % (APP_TOP_CLIENTS + 2u);
    for (unsigned i = 0; i < APP_TOP_CLIENTS; i++) {
        st->top_clients[i] = (struct app_client){ 0xFFFFFFFFu - i, 0xFFFFFFFFu - i };
    }
    st->leap_at_unix_s = st->now_ns / 1000000000LL;
    st->slew_left_ns = (int64_t)(f & 0x80u) * -12345678;
    uint8_t g = fuzz_u8(&in);
    app_fake.apply_ret = (g & 1u) ? -EIO : 0;
    app_fake.save_ret = (g & 2u) ? -EIO : 0;
    app_fake.factory_ret = (g & 4u) ? -ETIMEDOUT : 0;
    app_fake.set_time_ret = (g & 8u) ? -EINVAL : 0;
    app_fake.adjust_ret = (g & 16u) ? -ENODATA : 0;
    app_fake.leap_ret = (g & 32u) ? -EBUSY : 0;
    app_fake.is_reboot_needed = (g & 64u) != 0;
    if (g & 128u) {
        st->cpu_hz = 12000000u;
        st->cpu_nominal_hz = 50000000u;
        st->cpu_source = "crystal (PLL did not lock)";
        st->stack_size = 2560u;
        st->stack_used = 2559u;
        st->irq_stack_size = 1024u;
        st->mac_how = "generated";
        st->link_speed_mbps = 100u;
        st->is_link_full_duplex = true;
        st->reset_cause = "watchdog";
    }
    st->uptime_s = fuzz_u32(&in);
    st->last_set_unix_s = (int64_t)fuzz_u32(&in);
    st->last_set_source = (enum config_time_source)(st->last_set_unix_s % 3);
    st->root_dispersion_ns = (int64_t)fuzz_u32(&in) * 1000;
    uint8_t k = fuzz_u8(&in);
    app_fake.key_ret = (k & 1u) ? -EIO : 0;
    if (k & 2u) {
        struct key p = { .id = PLANTED_ID, .type = KEYS_TYPE_AES128, .secret_len = 16 };
        memcpy(p.secret, planted_secret, sizeof(planted_secret));
        FUZZ_CHECK(keys_add(&app_fake.keys, &p, NULL) == 0, "planting a key");
    }
    for (uint32_t id = 1; id <= (k >> 2) % 8u; id++) {
        struct key e = { .id = id, .type = KEYS_TYPE_SHA1, .secret_len = 1, .secret = { 'k' } };
        FUZZ_CHECK(keys_add(&app_fake.keys, &e, NULL) == 0, "adding a key");
    }

    typed = in;
    per_poll = SIZE_MAX;
    budget = SIZE_MAX;
    last_typed = '\r'; /* console_init prints the prompt */
    out_total = 0;
    prev_out = '\0';
    memset(last_out, 0, sizeof(last_out));
    console_init(fake_write, fake_getc);

    unsigned polls = 0;
    while (typed.left > 0) {
        size_t left = typed.left;
        is_poll_over = false;
        budget = per_poll;
        console_poll();
        check_settings();
        FUZZ_CHECK(++polls < 1000000u, "input never read");
        if (typed.left == left && per_poll == 0) {
            /* a UART stuck for good lets no input in: the next directive with it */
            per_poll = 1;
        }
    }
    /* The UART drains: everything comes out, then the console is idle. */
    drain();
    check_settings();
    /* A line that ended last (Enter, Ctrl-C, Ctrl-U) is followed by the prompt, whole. */
    if (last_typed == '\r' || last_typed == '\n' || last_typed == 0x03 || last_typed == 0x15) {
        FUZZ_CHECK(memcmp(last_out + sizeof(last_out) - strlen(CONSOLE_PROMPT), CONSOLE_PROMPT,
                          strlen(CONSOLE_PROMPT)) == 0,
                   "the output does not end with the prompt: ...%.8s", last_out);
    }
    check_planted_secret_unseen();
    show_paste_check();
    return 0;
}
