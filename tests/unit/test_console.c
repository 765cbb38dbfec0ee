/*
 * Console tests: the line editor byte by byte, every command, and every
 * way of getting one wrong. The console runs against a recording fake of
 * app.h; a refusal must print exactly one "error: ..." line and make no
 * call that could change anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/calendar.h"
#include "config/config.h"
#include "config/keys.h"
#include "console/commands.h"
#include "console/console.h"
#include "fakes/console_app_fake.h"

#define IP(a, b, c, d)                                                                             \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define NOW_S 1795632000LL /* 2026-11-25T18:40:00Z, the fake's clock */
#define NS    1000000000LL

/* ------------------------------------------------------ UART stand-in -- */

static char out[65536];
static size_t out_len;
static size_t write_budget = SIZE_MAX; /* bytes the "UART" takes per call */

static size_t fake_write(const char *buf, size_t len)
{
    size_t n = len < write_budget ? len : write_budget;
    if (n > sizeof(out) - 1 - out_len) {
        n = sizeof(out) - 1 - out_len;
    }
    memcpy(out + out_len, buf, n);
    out_len += n;
    out[out_len] = '\0';
    return n;
}

static const char *in_bytes;
static size_t in_pos;
static size_t in_len;

static int fake_getc(void)
{
    if (in_pos >= in_len) {
        return -EAGAIN;
    }
    return (unsigned char)in_bytes[in_pos++];
}

static void out_clear(void)
{
    out_len = 0;
    out[0] = '\0';
}

static int setup(void **unused)
{
    (void)unused;
    app_fake_reset();
    write_budget = SIZE_MAX;
    in_bytes = NULL;
    in_pos = in_len = 0;
    out_clear();
    console_init(fake_write, fake_getc);
    return 0;
}

static void type_n(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        console_input_char(s[i]);
    }
}

static void type(const char *s)
{
    type_n(s, strlen(s));
}

/* Runs line without the editor; returns the output. */
static const char *exec(const char *line)
{
    out_clear();
    console_execute(line);
    return out;
}

static unsigned count_of(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static void expect_in(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL) {
        fail_msg("expected \"%s\" in:\n%s", needle, hay);
    }
}

/*
 * Runs line and checks it is refused: a negative return, exactly one line
 * of output starting "error: " and containing why, no changing call to the
 * app, the settings bit for bit as before.
 */
static void expect_refused(const char *line, const char *why)
{
    struct app_fake before = app_fake;
    unsigned calls = app_fake_changing_calls();
    out_clear();
    int ret = console_execute(line);
    if (ret >= 0) {
        fail_msg("'%s' was accepted: %s", line, out);
    }
    if (strncmp(out, "error: ", 7) != 0 || count_of(out, "\r\n") != 1 ||
        strcmp(out + out_len - 2, "\r\n") != 0) {
        fail_msg("'%s': not one error line: \"%s\"", line, out);
    }
    if (strstr(out, why) == NULL) {
        fail_msg("'%s': expected \"%s\" in \"%s\"", line, why, out);
    }
    if (app_fake_changing_calls() != calls ||
        memcmp(&before.settings, &app_fake.settings, sizeof(before.settings)) != 0 ||
        memcmp(&before.keys, &app_fake.keys, sizeof(before.keys)) != 0) {
        fail_msg("'%s': refused but something changed", line);
    }
}

/* Runs line and checks it was accepted without an error line. */
static void expect_ok(const char *line)
{
    out_clear();
    int ret = console_execute(line);
    if (ret != 0 || strstr(out, "error") != NULL) {
        fail_msg("'%s' refused (%d): %s", line, ret, out);
    }
}

/* ---------------------------------------------------------- line editor -- */

static void test_init_prints_prompt(void **unused)
{
    (void)unused;
    out_clear();
    console_init(fake_write, NULL);
    assert_string_equal(out, "\r\n" CONSOLE_PROMPT);
}

static void test_typed_line_is_echoed_and_run(void **unused)
{
    (void)unused;
    out_clear();
    type("ntp stratum 2\r");
    assert_int_equal(app_fake.settings.stratum, 2);
    assert_int_equal(app_fake.apply_calls, 1);
    const char *want =
        "ntp stratum 2\r\nok (not saved yet: 'save' keeps it after a power cut)\r\n" CONSOLE_PROMPT;
    assert_string_equal(out, want);
}

static void test_line_ends_cr_lf_crlf(void **unused)
{
    (void)unused;
    type("ntp stratum 3\n");
    assert_int_equal(app_fake.settings.stratum, 3);
    type("ntp stratum 4\r\n");
    assert_int_equal(app_fake.settings.stratum, 4);
    out_clear();
    type("ntp stratum 5\r\n");
    /* CRLF is one line end: one prompt, not an extra empty line */
    assert_int_equal(count_of(out, CONSOLE_PROMPT), 1);
    assert_int_equal(app_fake.apply_calls, 3);
    out_clear();
    type("\n\r"); /* LF then CR: two (empty) lines */
    assert_int_equal(count_of(out, CONSOLE_PROMPT), 2);
}

static void test_backspace_and_del_edit(void **unused)
{
    (void)unused;
    out_clear();
    type("ntp stratum 9\b7\r");
    assert_int_equal(app_fake.settings.stratum, 7);
    expect_in(out, "9\b \b7");
    type("ntp stratum 99\x7f\x7f"
         "6\r");
    assert_int_equal(app_fake.settings.stratum, 6);
    /* backspace on an empty line does nothing, not even echo */
    out_clear();
    type("\b\x7f\b");
    assert_int_equal(out_len, 0);
}

static void test_ctrl_c_and_ctrl_u_discard_line(void **unused)
{
    (void)unused;
    out_clear();
    type("ntp stratum 9\x03");
    expect_in(out, "^C\r\n" CONSOLE_PROMPT);
    type("\r");
    type("ntp stratum 8\x15\r");
    assert_int_equal(app_fake.apply_calls, 0);
    assert_int_equal(app_fake.settings.stratum, 1);
    assert_null(strstr(out, "error"));
    type("ntp stratum 8\r");
    assert_int_equal(app_fake.settings.stratum, 8);
}

static void test_line_at_limit_runs(void **unused)
{
    (void)unused;
    char line[CONSOLE_LINE_MAX + 1];
    memset(line, ' ', sizeof(line));
    memcpy(line, "ntp stratum", 11);
    line[CONSOLE_LINE_MAX - 1] = '5';
    line[CONSOLE_LINE_MAX] = '\0';
    type(line);
    type("\r");
    assert_int_equal(app_fake.settings.stratum, 5);
}

static void test_overlong_line_is_refused_not_truncated(void **unused)
{
    (void)unused;
    /* cut at CONSOLE_LINE_MAX this would read "ntp stratum ... 1" and run */
    char line[CONSOLE_LINE_MAX + 2];
    memset(line, ' ', sizeof(line));
    memcpy(line, "ntp stratum", 11);
    line[CONSOLE_LINE_MAX - 1] = '1';
    line[CONSOLE_LINE_MAX] = '2';
    line[CONSOLE_LINE_MAX + 1] = '\0';
    out_clear();
    type(line);
    type("\r");
    expect_in(out, "error: line too long (max 120 characters), ignored\r\n");
    assert_int_equal(app_fake_changing_calls(), 0);
    assert_int_equal(app_fake.settings.stratum, 1);

    /* far too long (a paste gone wrong) */
    for (int i = 0; i < 1000; i++) {
        console_input_char('x');
    }
    out_clear();
    type("\r");
    expect_in(out, "error: line too long");

    /* backspacing the excess away makes it a valid line again */
    type(line);
    type("\b\r");
    assert_int_equal(app_fake.settings.stratum, 1);
    assert_int_equal(app_fake.apply_calls, 0); /* stratum 1 is unchanged */
    type(line);
    type("\b\b3\r");
    assert_int_equal(app_fake.settings.stratum, 3);

    /* console_execute refuses it too */
    expect_refused(line, "line too long");
}

static void test_control_chars_ignored(void **unused)
{
    (void)unused;
    static const char seq[] = "\x01\x02ntp\x07 str\x00"
                              "atum\t 4\x0b\x0c\x1a\r";
    out_clear();
    type_n(seq, sizeof(seq) - 1);
    assert_int_equal(app_fake.settings.stratum, 4);
    /* nothing of the control bytes is echoed */
    assert_null(strchr(out, '\x07'));
    assert_null(strchr(out, '\x01'));
    /* non-ASCII bytes are ignored too */
    type("ntp stratum \xc3\xa9"
         "5\r");
    assert_int_equal(app_fake.settings.stratum, 5);
}

static void test_escape_sequences_ignored(void **unused)
{
    (void)unused;
    out_clear();
    /* arrows, ctrl-arrow, F1 (SS3), Delete key, in the middle of a line */
    type("ntp \x1b[Astr\x1b[1;5Catum\x1bOP 6\x1b[3~\x1b[D\r");
    assert_int_equal(app_fake.settings.stratum, 6);
    assert_null(strchr(out, '\x1b'));
    assert_null(strstr(out, "[A"));
    /* a lone ESC then Enter: the line still ends */
    type("ntp stratum 7\x1b\r");
    assert_int_equal(app_fake.settings.stratum, 7);
    /* Alt+x (ESC x) swallows the x only */
    type("ntp stratum 8\x1bx\r");
    assert_int_equal(app_fake.settings.stratum, 8);
    /* an endless "sequence" does not swallow the console */
    type("\x1b[");
    for (int i = 0; i < 40; i++) {
        console_input_char('1');
    }
    type("\x03ntp stratum 9\r");
    assert_int_equal(app_fake.settings.stratum, 9);
}

static void test_empty_and_blank_lines(void **unused)
{
    (void)unused;
    out_clear();
    type("\r");
    assert_string_equal(out, "\r\n" CONSOLE_PROMPT);
    out_clear();
    type("     \r");
    assert_string_equal(out, "     \r\n" CONSOLE_PROMPT);
    assert_int_equal(console_execute(""), 0);
    assert_int_equal(console_execute("   "), 0);
    assert_int_equal(console_execute("# net dhcp off"), 0);
    assert_int_equal(app_fake_changing_calls(), 0);
}

static void test_poll_reads_getc_in_bounded_bites(void **unused)
{
    (void)unused;
    static char input[200];
    memset(input, 'x', sizeof(input));
    memcpy(input, "ntp stratum 11\r\x15", 16);
    in_bytes = input;
    in_len = sizeof(input);
    in_pos = 0;
    assert_int_equal(console_poll(), (int)CONSOLE_POLL_MAX);
    assert_int_equal(app_fake.settings.stratum, 11);
    assert_int_equal(console_poll(), (int)CONSOLE_POLL_MAX);
    assert_int_equal(console_poll(), (int)CONSOLE_POLL_MAX);
    assert_int_equal(console_poll(), (int)(sizeof(input) - 3 * CONSOLE_POLL_MAX));
    assert_int_equal(console_poll(), 0);
}

static void fill_status(void);

static void test_slow_uart_gets_everything_in_order(void **unused)
{
    (void)unused;
    /* reference: `config show` with a UART that takes everything */
    exec("config show");
    static char want[4096];
    assert_true(out_len < sizeof(want));
    memcpy(want, out, out_len + 1);
    assert_true(out_len < CONSOLE_TX_BUF_SIZE);

    /* now a UART that is full, then takes 7 bytes per call */
    out_clear();
    write_budget = 0;
    console_execute("config show");
    assert_int_equal(out_len, 0);
    assert_true(console_tx_pending() > 0);
    write_budget = 7;
    int polls = 0;
    while ((console_tx_pending() > 0 || console_is_busy()) && polls < 10000) {
        console_poll();
        polls++;
    }
    assert_string_equal(out, want);
    assert_int_equal(console_tx_dropped(), 0);
}

/* Settings with every line config show can print, at its longest. */
static void fill_every_setting(void)
{
    struct settings *s = &app_fake.settings;
    s->dhcp_enabled = false;
    s->ip_addr = IP(192, 168, 100, 200);
    s->ip_prefix = 24;
    s->gateway = IP(192, 168, 100, 254);
    s->mac_source = CONFIG_MAC_OPERATOR;
    memcpy(s->mac, "\x02\x4e\x5a\x00\x00\x42", 6);
    s->stratum = 15;
    memcpy(s->refid, "GPSX", 4);
    s->ratelimit_enabled = true;
    s->ratelimit_interval_log2 = -3;
    s->ratelimit_burst = 255;
    s->ratelimit_leak_log2 = 4;
    s->acl_count = CONFIG_ACL_MAX;
    for (unsigned i = 0; i < CONFIG_ACL_MAX; i++) {
        s->acl[i].action = i % 2 ? CONFIG_ACL_DENY : CONFIG_ACL_ALLOW;
        s->acl[i].addr = IP(172, 16, 200 + i, 0);
        s->acl[i].prefix = 24;
    }
    s->mgmt = CONFIG_MGMT_SUBNET;
    s->mgmt_addr = IP(192, 168, 100, 0);
    s->mgmt_prefix = 24;
    s->upstream_addr = IP(192, 168, 100, 123);
    s->syslog_addr = IP(192, 168, 100, 114);
    s->clock_trim_ppb = -500000;
    s->rtc_drift_ppb = 500000;
    s->strict_enabled = true;
    s->strict_max_ms = 15000;
    assert_int_equal(config_validate(s, NULL), 0);
}

/*
 * Types line into the editor through console_poll() as a UART that takes
 * budget bytes per call drains the output; returns the output as the
 * terminal shows it once the console is idle again.
 */
static const char *typed_over_slow_uart(const char *line, size_t budget)
{
    static char typed[CONSOLE_LINE_MAX + 2];
    snprintf(typed, sizeof(typed), "%s\r", line);
    in_bytes = typed;
    in_len = strlen(typed);
    in_pos = 0;
    out_clear();
    write_budget = budget;
    for (int polls = 0; polls < 100000; polls++) {
        console_poll();
        if (in_pos == in_len && !console_is_busy() && console_tx_pending() == 0) {
            break;
        }
    }
    write_budget = SIZE_MAX;
    return out;
}

/*
 * The long reports come out whole and in order however slowly the UART
 * drains, each followed by the prompt, never anything dropped: help,
 * status and a config show with every line there is (8 ACL entries,
 * upstream, log, a management subnet, a static address, a MAC).
 */
static void test_long_reports_arrive_whole_over_a_slow_uart(void **unused)
{
    (void)unused;
    static const char *const lines[] = { "help", "status", "config show", "help ntp" };
    static char want[8192];
    fill_status();
    fill_every_setting();
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        /* reference: the report alone, from a UART that takes everything */
        exec(lines[i]);
        assert_true(out_len > 0 && out_len < sizeof(want) - 64);
        size_t w = (size_t)snprintf(want, sizeof(want), "%s\r\n", lines[i]);
        memcpy(want + w, out, out_len);
        memcpy(want + w + out_len, CONSOLE_PROMPT, sizeof(CONSOLE_PROMPT));
        static const size_t budgets[] = { 1, 3, 16, 100 };
        for (size_t b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
            const char *got = typed_over_slow_uart(lines[i], budgets[b]);
            if (strcmp(got, want) != 0) {
                fail_msg("'%s' over a UART taking %zu bytes per poll:\n%s\n--- want:\n%s", lines[i],
                         budgets[b], got, want);
            }
            assert_int_equal(console_tx_dropped(), 0);
        }
    }
    /* the reports are longer than the console's buffer: they must have been produced piecewise */
    exec("help");
    assert_true(out_len > CONSOLE_TX_BUF_SIZE);
    exec("config show");
    expect_in(
        out,
        "ntp allow 172.16.206.0/24\r\nntp deny 172.16.207.0/24\r\nntp mgmt 192.168.100.0/24\r\n");
    expect_in(out, "net mac 02:4e:5a:00:00:42\r\n");
    expect_in(out, "upstream 192.168.100.123\r\nlog 192.168.100.114\r\n");
}

/*
 * A report waits while the UART is stuck: the buffer fills no further than
 * one step's room, input waits in the UART's receive ring, a line run
 * meanwhile is refused as busy, and nothing is lost.
 */
static void test_output_flood_waits_never_drops_never_blocks(void **unused)
{
    (void)unused;
    static char want[8192];
    exec("help");
    memcpy(want, out, out_len + 1);

    out_clear();
    write_budget = 0;
    assert_int_equal(console_execute("help"), 0);
    assert_true(console_is_busy());
    assert_true(console_tx_pending() > CONSOLE_TX_BUF_SIZE - 2 * CONSOLE_STEP_MAX);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(console_execute("help"), -EBUSY);
        assert_int_equal(console_input_char('x'), -EBUSY);
    }
    /* typed input is not read while the report waits */
    in_bytes = "ntp stratum 2\r";
    in_len = strlen(in_bytes);
    in_pos = 0;
    for (int i = 0; i < 20; i++) {
        assert_int_equal(console_poll(), 0);
    }
    assert_int_equal(in_pos, 0);
    assert_int_equal(console_tx_dropped(), 0);
    assert_true(console_tx_pending() <= CONSOLE_TX_BUF_SIZE);

    /* the UART drains: the report, then the typed line, all of it */
    write_budget = SIZE_MAX;
    for (int i = 0; i < 100 && (in_pos < in_len || console_is_busy()); i++) {
        console_poll();
    }
    assert_int_equal(console_tx_pending(), 0);
    assert_int_equal(console_tx_dropped(), 0);
    assert_int_equal(strncmp(out, want, strlen(want)), 0);
    assert_string_equal(
        out + strlen(want),
        "ntp stratum 2\r\nok (not saved yet: 'save' keeps it after a power cut)\r\n" CONSOLE_PROMPT);
    assert_int_equal(app_fake.settings.stratum, 2);
}

/* A line's own output always fits: input is read only with room for it. */
static void test_input_waits_for_room_for_its_output(void **unused)
{
    (void)unused;
    /* an error line as long as one can be, over and over into a stuck UART */
    static char input[4096];
    size_t n = 0;
    while (n + CONSOLE_LINE_MAX + 1 < sizeof(input)) {
        memset(input + n, 'z', CONSOLE_LINE_MAX);
        n += CONSOLE_LINE_MAX;
        input[n++] = '\r';
    }
    in_bytes = input;
    in_len = n;
    in_pos = 0;
    write_budget = 0;
    for (int i = 0; i < 200; i++) {
        console_poll();
    }
    assert_true(in_pos < in_len); /* the rest waits in the receive ring */
    assert_int_equal(console_tx_dropped(), 0);
    write_budget = 5;
    for (int i = 0; i < 100000 && (in_pos < in_len || console_is_busy() || console_tx_pending());
         i++) {
        console_poll();
    }
    assert_int_equal(in_pos, in_len);
    assert_int_equal(console_tx_dropped(), 0);
    assert_int_equal(count_of(out, "error: unknown command 'zzz"), n / (CONSOLE_LINE_MAX + 1));
    assert_int_equal(count_of(out, CONSOLE_PROMPT),
                     n / (CONSOLE_LINE_MAX + 1) + 1); /* and the first one */
}

/* ----------------------------------------------------------- dispatch -- */

static void test_unknown_commands(void **unused)
{
    (void)unused;
    expect_refused("frobnicate", "unknown command 'frobnicate' (type help)");
    expect_refused("time", "'time' needs one of: set, adjust");
    expect_refused("time travel 1985", "unknown command 'time travel'");
    expect_refused("ntp",
                   "'ntp' needs one of: stratum, refid, ratelimit, allow, deny, acl clear, mgmt");
    expect_refused("ntp acl", "unknown command 'ntp acl'");
    expect_refused("ntp acl wipe", "unknown command 'ntp acl'");
    expect_refused("statusx", "unknown command");
    expect_refused("a b c d e f g h i", "too many words (max 8)");
}

static void test_commands_ignore_case(void **unused)
{
    (void)unused;
    expect_ok("NTP Stratum 4");
    assert_int_equal(app_fake.settings.stratum, 4);
    exec("STATUS");
    expect_in(out, "state: SYNCED");
}

static void test_extra_and_missing_arguments(void **unused)
{
    (void)unused;
    static const char *const lines[] = {
        "status now",
        "time set",
        "time set 2026-11-25T18:40:00Z extra",
        "time adjust",
        "time adjust +1s +1s",
        "leap insert",
        "leap cancel now",
        "net dhcp",
        "net dhcp on off",
        "net ip",
        "net ip 10.0.2.15/24 gw 10.0.2.2 extra",
        "ntp stratum",
        "ntp stratum 1 2",
        "ntp refid",
        "ntp refid A B",
        "ntp ratelimit",
        "ntp ratelimit 1 2 3 4",
        "ntp allow",
        "ntp deny 10.0.0.0/8 10.1.0.0/16",
        "ntp acl clear all",
        "ntp mgmt",
        "upstream",
        "upstream 10.0.2.2 10.0.2.3",
        "log",
        "clock trim",
        "clock trim 1 2",
        "clock drift",
        "clock strict",
        "clock strict on 5 6",
        "config show all",
        "save now",
        "reboot now",
        "factory-reset now",
        "help time set",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        expect_refused(lines[i], "usage: ");
    }
    /* the usage line carries the syntax */
    expect_refused("time set", "usage: time set YYYY-MM-DDTHH:MM:SS[.fff]Z");
    expect_refused("net ip 10.0.2.15/24 gw",
                   "usage: net ip <a.b.c.d>/<prefix> [gw <a.b.c.d>] | none");
    expect_refused("ntp ratelimit 3 8",
                   "usage: ntp ratelimit <interval_log2> <burst> <leak> | off");
    expect_refused("clock strict on", "usage: clock strict on <max_ms> | off");
}

static void test_help_lists_every_command_with_syntax(void **unused)
{
    (void)unused;
    static char help[sizeof(out) + 1];
    exec("help");
    snprintf(help, sizeof(help), "\n%s", out);
    for (size_t i = 0; i < console_cmd_count; i++) {
        char want[96];
        snprintf(want, sizeof(want), "  %s%s%s", console_cmds[i].name,
                 console_cmds[i].args[0] != '\0' ? " " : "", console_cmds[i].args);
        expect_in(out, want);
        expect_in(out, console_cmds[i].help);
    }
    /* the commands the operator's manual promises */
    static const char *const promised[] = {
        "status",
        "time set",
        "time adjust",
        "leap insert",
        "leap delete",
        "leap cancel",
        "net dhcp",
        "net ip",
        "ntp stratum",
        "ntp refid",
        "ntp ratelimit",
        "ntp allow",
        "ntp deny",
        "ntp acl clear",
        "ntp mgmt",
        "upstream",
        "log",
        "clock trim",
        "clock drift",
        "clock strict",
        "config show",
        "save",
        "reboot",
        "factory-reset",
        "help",
        "selftest watchdog",
        "selftest stack",
        "net mac",
        "net stats",
        "rtc chip",
        "rtc sqw",
    };
    for (size_t i = 0; i < sizeof(promised) / sizeof(promised[0]); i++) {
        char want[40];
        snprintf(want, sizeof(want), "\n  %s", promised[i]);
        expect_in(help, want);
    }
    assert_int_equal(app_fake_changing_calls(), 0);

    exec("help time");
    expect_in(out, "time set");
    expect_in(out, "time adjust");
    assert_null(strstr(out, "ntp stratum"));
    assert_int_equal(count_of(out, "\r\n  time "), 1); /* adjust; set is first */
    exec("help ntp");
    assert_int_equal(count_of(out, "  ntp "), 12);
    assert_null(strstr(out, "time set"));
    expect_refused("help bogus", "no command 'bogus'");
}

/* --------------------------------------------------------------- status -- */

static void fill_status(void)
{
    struct app_status *st = &app_fake.status;
    st->now_ns = NOW_S * NS + 123456789;
    st->last_set_unix_s = NOW_S - 2 * 86400 - 3600 - 61;
    st->last_set_source = CONFIG_TIME_SOURCE_OPERATOR;
    st->root_dispersion_ns = 12345678;
    st->freq_ppb = -4321;
    st->rtc_chip = "DS1307";
    st->rtc_errors = 2;
    st->uptime_s = 90061;
    st->reset_cause = "watchdog";
    st->is_link_up = true;
    st->is_dhcp = true;
    st->net_addr = IP(10, 0, 2, 15);
    st->net_mask = IP(255, 255, 255, 0);
    st->net_gateway = IP(10, 0, 2, 2);
    st->dhcp_lease_s = 86400;
    st->dhcp_lease_left_s = 43000;
    st->ntp = (struct app_ntp_counters){
        .received = 4000000000u,
        .replied_mode2 = 5,
        .replied_mode4 = 900,
        .replied_v = { 0, 1, 2, 300, 602 },
        .replied_xleave = 7,
        .drop_short = 11,
        .drop_mode = 12,
        .drop_version = 13,
        .drop_mssntp = 14,
        .drop_auth = 15,
        .replied_auth = 22,
        .drop_bad_mac = 23,
        .drop_unauth = 24,
        .drop_format = 16,
        .drop_acl = 17,
        .drop_ratelimit = 18,
        .kod_sent = 19,
        .mode6_replied = 20,
        .mode6_refused = 21,
        .fast_path = 850,
        .tx_done = 902,
        .tx_done_lost = 3,
    };
    st->top_clients[0] = (struct app_client){ IP(10, 0, 2, 2), 700 };
    st->top_clients[1] = (struct app_client){ IP(10, 0, 2, 99), 205 };
    st->top_client_count = 2;
    st->store_status = CONFIG_STORE_OK;
}

static void test_status_reports_everything(void **unused)
{
    (void)unused;
    fill_status();
    app_fake.settings.upstream_addr = IP(10, 0, 2, 3);
    exec("status");
    static const char *const lines[] = {
        "time: 2026-11-25T18:40:00.123Z\r\n",
        "state: SYNCED\r\n",
        "last set: 2026-11-23T17:38:59Z by operator, 2d 01:01:01 ago\r\n",
        "root dispersion: 12.345 ms\r\n",
        "frequency: -4321 ppb\r\n",
        "leap second: none pending\r\n",
        "rtc: DS1307, running, 2 I/O errors\r\n",
        "uptime: 1d 01:01:01\r\n",
        "reset cause: watchdog\r\n",
        "net: 10.0.2.15 mask 255.255.255.0 gw 10.0.2.2, link up\r\n",
        "dhcp: lease 86400 s, 43000 s left\r\n",
        "upstream: 10.0.2.3; requests 0, accepted 0, refused 0, lost 0\r\n",
        "ntp: received 4000000000, replied 905 (mode 4: 900, mode 2: 5, interleaved 7), KoD 19\r\n",
        "ntp replies by version: v1 1, v2 2, v3 300, v4 602\r\n",
        "ntp drops: short 11, mode 12, version 13, ms-sntp 14, auth 15\r\n",
        "ntp drops: format 16, acl 17, ratelimit 18\r\n",
        "ntp auth: 0 keys, optional; signed replies 22, bad MAC 23, unknown key 15, "
        "unauthenticated 24\r\n",
        "ntp mode 6: replied 20, refused 21\r\n",
        "ntp frames: fast path 850, transmit-complete stamps 902 (lost 3)\r\n",
        "top clients: 10.0.2.2 (700) 10.0.2.99 (205)\r\n",
        "settings: ok\r\n",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        expect_in(out, lines[i]);
    }
    assert_null(strstr(out, "UNSET"));
    assert_null(strstr(out, "error:"));
    assert_null(strstr(out, "CONFLICT")); /* nobody claimed the address */
    assert_int_equal(app_fake_changing_calls(), 0);
    assert_true(out_len < CONSOLE_TX_BUF_SIZE + 4096u); /* fits console + UART rings */
}

static void test_status_address_conflict(void **unused)
{
    (void)unused;
    fill_status();
    struct app_status *st = &app_fake.status;
    st->conflict_claims = 7;
    st->conflict_defences = 2;
    memcpy(st->conflict_mac, "\x02\x00\x5e\x00\x99\x99", 6);
    st->conflict_addr = IP(10, 0, 2, 15);
    st->conflict_age_s = 12;
    exec("status");
    expect_in(out, "net: 10.0.2.15 mask 255.255.255.0 gw 10.0.2.2, link up\r\n"
                   "net: ADDRESS CONFLICT: 02:00:5e:00:99:99 also uses 10.0.2.15, last seen 12 s "
                   "ago (7 ARP claims, 2 announcements in defence)\r\n");
    assert_int_equal(app_fake_changing_calls(), 0);
}

static void test_status_upstream_key(void **unused)
{
    (void)unused;
    struct app_status *st = &app_fake.status;
    app_fake.settings.upstream_addr = IP(10, 0, 2, 2);
    app_fake.settings.upstream_key_id = 6;
    st->upstream_requests = 10;
    st->upstream_accepted = 4;
    st->upstream_refused = 5;
    st->upstream_unauthenticated = 3;
    st->upstream_lost = 1;
    st->upstream_last_refused = "bad MAC";
    exec("status");
    expect_in(out, "upstream: 10.0.2.2 key 6 (MISSING from the key store: not asked); requests 10, "
                   "accepted 4, refused 5 (unauthenticated 3, last: bad MAC), lost 1\r\n");
    expect_ok("ntp key add 6 sha1 HEX:8a9b9f3ee6f9b7a1c4d2e0f1a2b3c4d5e6f70812");
    st->upstream_key_missing = 2;
    exec("status");
    expect_in(out, "upstream: 10.0.2.2 key 6 (sha1); requests 10, accepted 4, refused 5 "
                   "(unauthenticated 3, last: bad MAC), lost 1, rounds refused for the key 2\r\n");
    assert_null(strstr(out, "8a9b"));
    app_fake.settings.upstream_addr = 0;
    app_fake.settings.upstream_key_id = 0;
    exec("status");
    expect_in(out, "upstream: off\r\n");
}

static void test_status_unset_and_unhealthy(void **unused)
{
    (void)unused;
    struct app_status *st = &app_fake.status;
    st->time_state = APP_TIME_UNSET;
    st->now_ns = 946684800LL * NS;
    st->rtc_chip = "DS3231";
    st->is_rtc_osc_stopped = true;
    st->is_rtc_halted = true;
    st->is_dhcp = true;
    st->store_status = CONFIG_STORE_BAD_CRC;
    st->slew_left_ns = -1500000;
    st->leap = APP_LEAP_INSERT;
    st->leap_at_unix_s = 1814400000; /* 2027-07-01 */
    exec("status");
    expect_in(out, "time: 2000-01-01T00:00:00.000Z\r\n");
    expect_in(out, "state: UNSET\r\n");
    assert_null(strstr(out, "SYNCED"));
    expect_in(out, "last set: never\r\n");
    expect_in(
        out,
        "rtc: DS3231, OSCILLATOR STOPPED (time lost), HALTED (not counting), 0 I/O errors\r\n");
    expect_in(out, "net: no address yet, DHCP, link down\r\n");
    expect_in(out, "adjusting: -0.001500000 s left\r\n");
    expect_in(out, "leap second: insert at the end of 2027-06-30\r\n");
    expect_in(out, "reset cause: unknown\r\n");
    expect_in(out, "top clients: none\r\n");
    expect_in(out, "settings: corrupted (bad CRC), using defaults\r\n");

    st->rtc_chip = NULL;
    st->store_status = CONFIG_STORE_NO_EEPROM;
    st->is_dhcp = false;
    exec("status");
    expect_in(out, "rtc: none found\r\n");
    expect_in(out, "dhcp: off (static address)\r\n");
    expect_in(out, "settings: no EEPROM (read failed), using defaults\r\n");
    st->store_status = CONFIG_STORE_EMPTY;
    exec("status");
    expect_in(out, "settings: empty, using defaults\r\n");
}

/* ----------------------------------------------------------------- time -- */

static void test_time_set(void **unused)
{
    (void)unused;
    app_fake.status.time_state = APP_TIME_UNSET;
    exec("time set 2026-11-25T18:40:00Z");
    assert_int_equal(app_fake.set_time_calls, 1);
    assert_int_equal(app_fake.set_time_ns, NOW_S * NS);
    expect_in(out, "time set to 2026-11-25T18:40:00.000Z (was unset)\r\n");

    exec("time set 2027-01-02T03:04:05.5Z");
    assert_int_equal(app_fake.set_time_ns, 1798859045LL * NS + 500000000);
    expect_in(out, "(was 2026-11-25T18:40:00.000Z)");
    expect_ok("time set 2026-11-25t18:40:00.123456789z");
    assert_int_equal(app_fake.set_time_ns, NOW_S * NS + 123456789);
    expect_ok("time set 2028-02-29T23:59:59Z");
    expect_ok("time set 2000-01-01T00:00:00Z");
    assert_int_equal(app_fake.set_time_ns, 946684800LL * NS);
    expect_ok("time set 2099-12-31T23:59:59.999Z");
    assert_int_equal(app_fake.set_time_calls, 6);
}

static void test_time_set_refusals(void **unused)
{
    (void)unused;
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "time set 2026-11-25T18:40:00", "must be UTC, ending in Z" },
        { "time set 2026-11-25T18:40:00+01:00", "must be UTC, ending in Z" },
        { "time set 2026-11-25T18:40:00.5", "must be UTC" },
        { "time set 2026-11-25T18:40:00ZZ", "bad time" },
        { "time set 2026-11-25T18:40Z", "bad time" },
        { "time set 2026-11-25", "bad time" },
        { "time set 26-11-25T18:40:00Z", "bad time" },
        { "time set 2026-1-25T18:40:00Z", "bad time" },
        { "time set 2026/11/25T18:40:00Z", "bad time" },
        { "time set 2026-11-25X18:40:00Z", "bad time" },
        { "time set 2026-11-25T18:40:00.Z", "bad time" },
        { "time set 2026-11-25T18:40:00.1234567891Z", "at most 9 decimals" },
        { "time set now", "bad time" },
        { "time set -2026-11-25T18:40:00Z", "bad time" },
        { "time set 2026-13-01T00:00:00Z", "no such date or time" },
        { "time set 2026-00-10T00:00:00Z", "no such date or time" },
        { "time set 2026-02-29T00:00:00Z", "no such date or time" },
        { "time set 2026-04-31T00:00:00Z", "no such date or time" },
        { "time set 2026-11-25T24:00:00Z", "no such date or time" },
        { "time set 2026-11-25T18:60:00Z", "no such date or time" },
        { "time set 2026-11-25T23:59:60Z", "no such date or time" },
        { "time set 1999-12-31T23:59:59Z", "year must be 2000..2099" },
        { "time set 2100-01-01T00:00:00Z", "year must be 2000..2099" },
        { "time set 1970-01-01T00:00:00Z", "year must be 2000..2099" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
    app_fake.set_time_ret = -EIO;
    out_clear();
    assert_int_equal(console_execute("time set 2026-11-25T18:40:00Z"), -EIO);
    assert_string_equal(out, "error: time not set (I/O error)\r\n");
}

static void test_time_adjust(void **unused)
{
    (void)unused;
    static const struct {
        const char *arg;
        int64_t ns;
    } good[] = {
        { "+250ms", 250000000 },
        { "-1.5s", -1500000000 },
        { "+20us", 20000 },
        { "250ms", 250000000 },
        { "-0.000000001s", -1 },
        { "+100ns", 100 },
        { "0.25ms", 250000 },
        { "+2s", 2000000000 },
        { "-2.000000000s", -2000000000 },
        { "+1.001us", 1001 },
        { "0ms", 0 },
        { "-999999us", -999999000 },
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char line[64];
        snprintf(line, sizeof(line), "time adjust %s", good[i].arg);
        expect_ok(line);
        assert_int_equal(app_fake.adjust_ns, good[i].ns);
    }
    exec("time adjust -1.5s");
    assert_string_equal(out, "slewing -1.500000000 s\r\n");
    exec("time adjust +20us");
    assert_string_equal(out, "slewing +0.000020000 s\r\n");
}

static void test_time_adjust_refusals(void **unused)
{
    (void)unused;
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "time adjust +250", "bad adjustment" },
        { "time adjust +250 ms", "usage" },
        { "time adjust ms", "bad adjustment" },
        { "time adjust +ms", "bad adjustment" },
        { "time adjust +-1s", "bad adjustment" },
        { "time adjust ++1s", "bad adjustment" },
        { "time adjust 1.s", "bad adjustment" },
        { "time adjust .5s", "bad adjustment" },
        { "time adjust 1e3ms", "bad adjustment" },
        { "time adjust 250MS", "bad adjustment" },
        { "time adjust 250msec", "bad adjustment" },
        { "time adjust 1min", "bad adjustment" },
        { "time adjust 1.5ns", "finer than 1 ns" },
        { "time adjust 0.0001us", "finer than 1 ns" },
        { "time adjust 1.0000000001s", "too many decimals" },
        { "time adjust +2.000000001s", "too large" },
        { "time adjust -3s", "too large" },
        { "time adjust 2001ms", "too large" },
        { "time adjust 99999999999999999999ns", "too large" },
        { "time adjust 1h", "bad adjustment" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
    app_fake.adjust_ret = -ENODATA;
    out_clear();
    assert_int_equal(console_execute("time adjust +1ms"), -ENODATA);
    assert_string_equal(out, "error: the time is not set (use time set)\r\n");
}

static void test_leap(void **unused)
{
    (void)unused;
    exec("leap insert 2027-06-30");
    assert_int_equal(app_fake.leap_calls, 1);
    assert_int_equal(app_fake.leap, APP_LEAP_INSERT);
    assert_int_equal(app_fake.leap_at_unix_s, 1814400000); /* 2027-07-01T00:00:00Z */
    expect_in(out, "leap second: insert at the end of 2027-06-30 (23:59:60 UTC)\r\n");

    expect_ok("leap delete 2027-12-31");
    assert_int_equal(app_fake.leap, APP_LEAP_DELETE);
    assert_int_equal(app_fake.leap_at_unix_s, 1830297600); /* 2028-01-01 */
    expect_ok("leap insert 2026-11-30");                   /* this month: still ahead */
    expect_ok("leap insert 2027-02-28");                   /* not a leap year */
    expect_ok("leap insert 2028-02-29");                   /* leap year */
    expect_ok("leap insert 2099-12-31");
    assert_int_equal(app_fake.leap_calls, 6);

    exec("leap cancel");
    assert_int_equal(app_fake.leap_calls, 7);
    assert_int_equal(app_fake.leap, APP_LEAP_NONE);
    assert_int_equal(app_fake.leap_at_unix_s, 0);
    expect_in(out, "leap second cancelled");
    exec("leap cancel");
    assert_string_equal(out, "no leap second pending\r\n");
    assert_int_equal(app_fake.leap_calls, 7);
}

static void test_leap_refusals(void **unused)
{
    (void)unused;
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "leap insert 2027-06-29", "not the last day" },
        { "leap delete 2027-02-27", "not the last day" },
        { "leap insert 2028-02-28", "not the last day" },
        { "leap insert 2026-10-31", "not in the future" },
        { "leap insert 2025-12-31", "not in the future" },
        { "leap insert 2027-06-31", "no such date" },
        { "leap insert 2027-13-31", "no such date" },
        { "leap insert 2100-12-31", "year must be 2000..2099" },
        { "leap insert 1998-12-31", "year must be 2000..2099" },
        { "leap insert 2027-6-30", "bad date" },
        { "leap insert 2027-06-30T00:00:00Z", "bad date" },
        { "leap insert tomorrow", "bad date" },
        { "leap sideways 2027-06-30", "unknown command 'leap sideways'" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
    app_fake.status.time_state = APP_TIME_UNSET;
    expect_refused("leap insert 2027-06-30", "the time is not set");
    app_fake.status.time_state = APP_TIME_SYNCED;
    app_fake.leap_ret = -EINVAL;
    out_clear();
    assert_int_equal(console_execute("leap insert 2027-06-30"), -EINVAL);
    expect_in(out, "error: leap second not scheduled");
}

/* -------------------------------------------------------------- network -- */

static void test_net(void **unused)
{
    (void)unused;
    expect_refused("net dhcp off", "DHCP off needs a static address (net ip)");
    exec("net ip 10.0.2.15/24 gw 10.0.2.2");
    expect_in(out, "ok");
    expect_in(
        out,
        "note: DHCP is on; this address serves when DHCP gives none, and after 'net dhcp off'");
    assert_int_equal(app_fake.settings.ip_addr, IP(10, 0, 2, 15));
    assert_int_equal(app_fake.settings.ip_prefix, 24);
    assert_int_equal(app_fake.settings.gateway, IP(10, 0, 2, 2));
    assert_true(app_fake.settings.dhcp_enabled);

    app_fake.is_reboot_needed = true;
    exec("net dhcp off");
    assert_false(app_fake.settings.dhcp_enabled);
    expect_in(out, "note: takes effect after save and reboot");
    app_fake.is_reboot_needed = false;

    expect_ok("net ip 192.168.1.5/16");
    assert_int_equal(app_fake.settings.ip_addr, IP(192, 168, 1, 5));
    assert_int_equal(app_fake.settings.ip_prefix, 16);
    assert_int_equal(app_fake.settings.gateway, 0);
    expect_ok("net ip 192.168.1.5/32");
    expect_refused("net ip none", "DHCP off needs a static address");
    expect_ok("NET DHCP ON");
    expect_ok("net ip none");
    assert_int_equal(app_fake.settings.ip_addr, 0);
    assert_int_equal(app_fake.settings.ip_prefix, 0);
}

static void test_net_mac(void **unused)
{
    (void)unused;
    static const uint8_t want[6] = { 0x02, 0x00, 0x5e, 0xab, 0xcd, 0xef };
    app_fake.is_reboot_needed = true;
    exec("net mac 02:00:5E:ab:cd:ef");
    expect_in(out, "note: takes effect after save and reboot");
    app_fake.is_reboot_needed = false;
    assert_int_equal(app_fake.settings.mac_source, CONFIG_MAC_OPERATOR);
    assert_memory_equal(app_fake.settings.mac, want, 6);
    exec("config show");
    expect_in(out, "net mac 02:00:5e:ab:cd:ef\r\n");
    expect_ok("net mac 02-00-5e-ab-cd-ee");
    assert_int_equal(app_fake.settings.mac[5], 0xee);
    expect_ok("net mac factory");
    assert_int_equal(app_fake.settings.mac_source, CONFIG_MAC_NONE);
    exec("config show");
    assert_null(strstr(out, "net mac"));

    /* Nonsense and unusable addresses: refused, nothing changed. */
    static const char *const bad[] = {
        "net mac 02:00:5e:ab:cd",
        "net mac 02:00:5e:ab:cd:ef:01",
        "net mac 02:00:5e:ab:cd:eg",
        "net mac 02:00-5e:ab:cd:ef",
        "net mac 2:00:5e:ab:cd:ef",
        "net mac 0200.5eab.cdef",
        "net mac",
        "net mac 02:00:5e:ab:cd:ef 1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i], i < 6 ? "bad MAC address" : "usage: net mac");
    }
    expect_refused("net mac 01:00:5e:00:00:01", "MAC address is a multicast address");
    expect_refused("net mac 00:00:00:00:00:00", "MAC address 00:00:00:00:00:00");
    assert_int_equal(app_fake.settings.mac_source, CONFIG_MAC_NONE);
}

static void test_net_stats(void **unused)
{
    (void)unused;
    struct app_net_stats *ns = &app_fake.net_stats;
    ns->pools[0] = (struct app_pool){ "heap", true, 228, 3072, 1120, 0 };
    ns->pools[1] = (struct app_pool){ "UDP_PCB", false, 3, 6, 3, 0 };
    ns->pools[2] = (struct app_pool){ "PBUF_POOL", false, 0, 2, 2, 4000000000u };
    ns->pool_count = 3;
    ns->rx_frames = 1234;
    ns->rx_ring_full = 7;
    ns->rx_errors = 1;
    ns->rx_malformed = 3;
    ns->tx_frames = 1200;
    ns->tx_errors = 2;
    ns->arp_claims = 11;
    ns->arp_defences = 1;
    out_clear();
    assert_int_equal(console_execute("net stats"), 0);
    assert_string_equal(out, "lwip heap: 228 of 3072 bytes in use, peak 1120, refused 0\r\n"
                             "lwip UDP_PCB: 3 of 6 in use, peak 3, refused 0\r\n"
                             "lwip PBUF_POOL: 0 of 2 in use, peak 2, refused 4000000000\r\n"
                             "eth rx: 1234 frames, ring full 7, errors 1, malformed 3\r\n"
                             "eth tx: 1200 frames, errors 2\r\n"
                             "arp: our address claimed by another host 11 times, defended 1 "
                             "times\r\n");
    assert_int_equal(app_fake_changing_calls(), 0);

    /* a count past the table is never read beyond it */
    ns->pool_count = APP_POOLS_MAX + 5;
    for (unsigned i = 0; i < APP_POOLS_MAX; i++) {
        ns->pools[i] = (struct app_pool){ "P", false, i, 8, i, 0 };
    }
    exec("net stats");
    assert_int_equal(count_of(out, "lwip P: "), APP_POOLS_MAX);
    expect_refused("net stats now", "usage: net stats");
}

static void test_net_refusals(void **unused)
{
    (void)unused;
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "net dhcp maybe", "expected on or off, not 'maybe'" },
        { "net dhcp 1", "expected on or off" },
        { "net ip 10.0.2.15", "bad address '10.0.2.15'" },
        { "net ip 10.0.2.15/", "bad address" },
        { "net ip 10.0.2.15/33", "bad address" },
        { "net ip 10.0.2.15/0", "bad address" },
        { "net ip 10.0.2.15/-8", "bad address" },
        { "net ip 10.0.2.15/24x", "bad address" },
        { "net ip 256.0.2.15/24", "bad address" },
        { "net ip 10.0.02.15/24", "bad address" },
        { "net ip 10.0.2/24", "bad address" },
        { "net ip 10.0.2.15.1/24", "bad address" },
        { "net ip 10..2.15/24", "bad address" },
        { "net ip host/24", "bad address" },
        { "net ip 10.0.2.15/24 via 10.0.2.2", "usage" },
        { "net ip 10.0.2.15/24 gw 10.0.2", "bad gateway" },
        { "net ip 10.0.2.15/24 gw 10.0.3.1", "gateway is not another host on the static subnet" },
        { "net ip 10.0.2.15/24 gw 10.0.2.15", "gateway is not another host" },
        { "net ip 10.0.2.15/24 gw 10.0.2.255", "gateway is not another host" },
        { "net ip 10.0.2.0/24", "subnet or broadcast" },
        { "net ip 10.0.2.255/24", "subnet or broadcast" },
        { "net ip 224.0.0.1/24", "not a unicast host" },
        { "net ip 127.0.0.1/8", "not a unicast host" },
        { "net ip 0.0.0.1/8", "not a unicast host" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
}

/* ------------------------------------------------------------------ ntp -- */

static void test_ntp_settings(void **unused)
{
    (void)unused;
    expect_ok("ntp stratum 15");
    assert_int_equal(app_fake.settings.stratum, 15);
    expect_ok("ntp stratum 01");
    assert_int_equal(app_fake.settings.stratum, 1);
    expect_ok("ntp refid GPS");
    assert_memory_equal(app_fake.settings.refid, "GPS\0", 4);
    expect_ok("ntp refid x");
    assert_memory_equal(app_fake.settings.refid, "x\0\0\0", 4);
    expect_ok("ntp refid PPS!");
    assert_memory_equal(app_fake.settings.refid, "PPS!", 4);

    expect_ok("ntp ratelimit 3 8 2");
    assert_true(app_fake.settings.ratelimit_enabled);
    assert_int_equal(app_fake.settings.ratelimit_interval_log2, 3);
    assert_int_equal(app_fake.settings.ratelimit_burst, 8);
    assert_int_equal(app_fake.settings.ratelimit_leak_log2, 2);
    expect_ok("ntp ratelimit 0 255 4");
    expect_ok("ntp ratelimit 12 1 1");
    expect_ok("ntp ratelimit off");
    assert_false(app_fake.settings.ratelimit_enabled);
    assert_int_equal(app_fake.settings.ratelimit_interval_log2, 12);

    /* unchanged: no call at all */
    unsigned calls = app_fake.apply_calls;
    exec("ntp stratum 1");
    assert_string_equal(out, "ok (unchanged)\r\n");
    assert_int_equal(app_fake.apply_calls, calls);
}

static void test_ntp_refusals(void **unused)
{
    (void)unused;
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "ntp stratum 0", "bad stratum '0' (expected 1..15)" },
        { "ntp stratum 16", "bad stratum '16' (expected 1..15)" },
        { "ntp stratum -1", "bad stratum" },
        { "ntp stratum 1.5", "bad stratum" },
        { "ntp stratum one", "bad stratum" },
        { "ntp stratum +", "bad stratum" },
        { "ntp stratum 0x1", "bad stratum" },
        { "ntp stratum 99999999999999999999999", "bad stratum" },
        { "ntp refid LOCAL", "bad refid 'LOCAL'" },
        { "ntp refid \x01GPS", "bad refid" },
        { "ntp refid GP\x7f", "bad refid" },
        { "ntp ratelimit 13 8 2", "bad interval_log2 '13' (expected -3..12)" },
        { "ntp ratelimit -4 8 2", "bad interval_log2 '-4' (expected -3..12)" },
        { "ntp ratelimit 3 0 2", "bad burst '0' (expected 1..255)" },
        { "ntp ratelimit 3 256 2", "bad burst" },
        { "ntp ratelimit 3 8 0", "bad leak '0' (expected 1..4)" },
        { "ntp ratelimit 3 8 5", "bad leak" },
        { "ntp ratelimit x 8 2", "bad interval_log2" },
        { "ntp ratelimit on", "usage" },
        { "ntp ratelimit off 1 2", "bad interval_log2 'off'" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
}

static void test_acl(void **unused)
{
    (void)unused;
    expect_ok("ntp allow 10.0.0.0/8");
    expect_ok("ntp deny 10.1.0.0/16");
    expect_ok("ntp allow 10.1.2.3");
    const struct settings *s = &app_fake.settings;
    assert_int_equal(s->acl_count, 3);
    assert_int_equal(s->acl[0].action, CONFIG_ACL_ALLOW);
    assert_int_equal(s->acl[0].addr, IP(10, 0, 0, 0));
    assert_int_equal(s->acl[0].prefix, 8);
    assert_int_equal(s->acl[1].action, CONFIG_ACL_DENY);
    assert_int_equal(s->acl[2].prefix, 32);
    assert_int_equal(s->acl[1].addr, IP(10, 1, 0, 0));
    assert_int_equal(s->acl[1].prefix, 16);
    assert_int_equal(s->acl[2].action, CONFIG_ACL_ALLOW);
    assert_int_equal(s->acl[2].addr, IP(10, 1, 2, 3));

    /* the same subnet again: the new word replaces the old, no new entry */
    expect_ok("ntp allow 10.1.0.0/16");
    assert_int_equal(s->acl_count, 3);
    assert_int_equal(s->acl[1].action, CONFIG_ACL_ALLOW);
    exec("ntp allow 10.1.0.0/16");
    assert_string_equal(out, "ok (unchanged)\r\n");

    for (int i = 0; i < 5; i++) {
        char line[40];
        snprintf(line, sizeof(line), "ntp deny 192.168.%d.0/24", i);
        expect_ok(line);
    }
    assert_int_equal(s->acl_count, CONFIG_ACL_MAX);
    expect_refused("ntp deny 172.16.0.0/12", "access list full (8 entries)");
    expect_ok("ntp deny 192.168.0.0/24"); /* existing entry: still fine when full */

    expect_ok("ntp acl clear");
    assert_int_equal(s->acl_count, 0);
    expect_ok("ntp deny 0.0.0.0/0");
    assert_int_equal(s->acl[0].prefix, 0);
}

static void test_acl_and_mgmt_refusals(void **unused)
{
    (void)unused;
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "ntp allow 10.0.0.1/8", "'10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)" },
        { "ntp deny 192.168.1.1/24", "did you mean 192.168.1.0/24?" },
        { "ntp allow 10.0.0.0/33", "bad subnet" },
        { "ntp allow 10.0.0.0/", "bad subnet" },
        { "ntp allow 10.0.0/8", "bad subnet" },
        { "ntp allow any", "bad subnet" },
        { "ntp mgmt 192.168.0.1/16", "has host bits set" },
        { "ntp mgmt everyone", "bad subnet" },
        { "ntp mgmt 300.1.1.1", "bad subnet" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
}

static void test_mgmt(void **unused)
{
    (void)unused;
    expect_ok("ntp mgmt 192.168.0.0/16");
    assert_int_equal(app_fake.settings.mgmt, CONFIG_MGMT_SUBNET);
    assert_int_equal(app_fake.settings.mgmt_addr, IP(192, 168, 0, 0));
    assert_int_equal(app_fake.settings.mgmt_prefix, 16);
    expect_ok("ntp mgmt 10.0.2.2");
    assert_int_equal(app_fake.settings.mgmt_prefix, 32);
    expect_ok("ntp mgmt none");
    assert_int_equal(app_fake.settings.mgmt, CONFIG_MGMT_NONE);
    assert_int_equal(app_fake.settings.mgmt_addr, 0);
    expect_ok("ntp mgmt local");
    assert_int_equal(app_fake.settings.mgmt, CONFIG_MGMT_LOCAL);
}

/* ------------------------------------------------------- peers, clock -- */

static void test_upstream_and_log(void **unused)
{
    (void)unused;
    expect_ok("upstream 10.0.2.2");
    assert_int_equal(app_fake.settings.upstream_addr, IP(10, 0, 2, 2));
    assert_int_equal(app_fake.settings.upstream_key_id, 0);
    expect_ok("upstream off");
    assert_int_equal(app_fake.settings.upstream_addr, 0);

    /* With a key: taken whether held or not, with a note when it is not. */
    expect_ok("upstream 10.0.2.2 key 5");
    assert_int_equal(app_fake.settings.upstream_addr, IP(10, 0, 2, 2));
    assert_int_equal(app_fake.settings.upstream_key_id, 5);
    expect_in(out, "note: no key 5 held: the upstream is not asked (nothing unsigned is sent) "
                   "until it is added with ntp key add 5\r\n");
    expect_ok("ntp key add 4294967295 aes128 HEX:00112233445566778899aabbccddeeff");
    expect_ok("upstream 10.0.2.7 KEY 4294967295");
    assert_int_equal(app_fake.settings.upstream_addr, IP(10, 0, 2, 7));
    assert_int_equal(app_fake.settings.upstream_key_id, 4294967295u);
    assert_null(strstr(out, "note:"));
    /* Without one again, and off: the key goes too. */
    expect_ok("upstream 10.0.2.7");
    assert_int_equal(app_fake.settings.upstream_key_id, 0);
    expect_ok("upstream 10.0.2.7 key 5");
    expect_ok("upstream off");
    assert_int_equal(app_fake.settings.upstream_addr, 0);
    assert_int_equal(app_fake.settings.upstream_key_id, 0);
    expect_ok("log 10.0.2.9");
    assert_int_equal(app_fake.settings.syslog_addr, IP(10, 0, 2, 9));
    expect_ok("log OFF");
    assert_int_equal(app_fake.settings.syslog_addr, 0);

    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "upstream 0.0.0.0", "bad address '0.0.0.0' (expected a.b.c.d or off)" },
        { "upstream pool.ntp.org", "bad address" },
        { "upstream 10.0.2", "bad address" },
        { "upstream 10.0.2.2/24", "bad address" },
        { "upstream 255.255.255.255", "upstream is not a unicast host address" },
        { "upstream 127.0.0.1", "upstream is not a unicast host address" },
        { "upstream on", "bad address" },
        { "upstream off key 5", "upstream off takes no key" },
        { "upstream 10.0.2.2 key 0", "key id 0 is the crypto-NAK's" },
        { "upstream 10.0.2.2 key 4294967296", "key id" },
        { "upstream 10.0.2.2 key five", "key id" },
        { "upstream 10.0.2.2 kez 5", "usage: upstream <a.b.c.d> [key <id>] | off" },
        { "upstream 10.0.2.2 key", "usage: upstream" },
        { "upstream 10.0.2.2 5", "usage: upstream" },
        { "upstream 10.0.2.256 key 5", "bad address" },
        { "log 239.1.1.1", "log target is not a unicast host address" },
        { "log 1.2.3.4.5", "bad address" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
}

static void test_clock_settings(void **unused)
{
    (void)unused;
    expect_ok("clock trim -1500");
    assert_int_equal(app_fake.settings.clock_trim_ppb, -1500);
    expect_ok("clock trim +500000");
    assert_int_equal(app_fake.settings.clock_trim_ppb, 500000);
    expect_ok("clock drift 2000");
    assert_int_equal(app_fake.settings.rtc_drift_ppb, 2000);
    expect_ok("clock strict on 1000");
    assert_true(app_fake.settings.strict_enabled);
    assert_int_equal(app_fake.settings.strict_max_ms, 1000);
    expect_ok("clock strict off");
    assert_false(app_fake.settings.strict_enabled);

    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "clock trim 500001", "bad trim ppb '500001' (expected -500000..500000)" },
        { "clock trim -500001", "bad trim ppb" },
        { "clock trim 1.5", "bad trim ppb" },
        { "clock trim 10ppm", "bad trim ppb" },
        { "clock drift 999", "bad drift ppb '999' (expected 1000..500000)" },
        { "clock drift 500001", "bad drift ppb" },
        { "clock drift -20000", "bad drift ppb" },
        { "clock strict on 0", "bad max_ms '0' (expected 1..15000)" },
        { "clock strict on 15001", "bad max_ms" },
        { "clock strict on soon", "bad max_ms" },
        { "clock strict maybe 5", "usage" },
        { "clock strict off 5", "usage" },
        { "clock strict maybe", "usage" },
        { "clock skew 5", "unknown command 'clock skew'" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
    }
}

static void test_app_refusal_changes_nothing(void **unused)
{
    (void)unused;
    app_fake.apply_ret = -EBUSY;
    struct settings before = app_fake.settings;
    out_clear();
    assert_int_equal(console_execute("ntp stratum 4"), -EBUSY);
    assert_string_equal(out, "error: not applied (busy); nothing changed\r\n");
    assert_true(config_is_equal(&before, &app_fake.settings));
    exec("status");
    assert_null(strstr(out, "unsaved"));
}

/* ------------------------------------------------------------------ rtc -- */

static void test_rtc_chip(void **unused)
{
    (void)unused;
    app_fake.is_reboot_needed = true;
    exec("rtc chip DS3231");
    expect_in(out, "ok (not saved yet");
    expect_in(out, "note: takes effect after save and reboot\r\n");
    assert_int_equal(app_fake.settings.rtc_chip, CONFIG_RTC_CHIP_DS3231);
    exec("rtc chip ds1307");
    assert_int_equal(app_fake.settings.rtc_chip, CONFIG_RTC_CHIP_DS1307);
    exec("rtc chip ds1338");
    assert_int_equal(app_fake.settings.rtc_chip, CONFIG_RTC_CHIP_DS1338);
    exec("rtc chip auto");
    assert_int_equal(app_fake.settings.rtc_chip, CONFIG_RTC_CHIP_AUTO);
    exec("config show");
    expect_in(out, "rtc chip auto\r\n");
    unsigned calls = app_fake.apply_calls;
    expect_refused("rtc chip ds1302", "rtc chip: 'ds1302' is none of auto, ds1307, ds1338, ds3231");
    expect_refused("rtc chip", "usage: rtc chip auto|ds1307|ds1338|ds3231");
    assert_int_equal(app_fake.apply_calls, calls);
}

static void test_rtc_sqw(void **unused)
{
    (void)unused;
    exec("rtc sqw capture");
    expect_in(out, "ok (not saved yet");
    assert_int_equal(app_fake.settings.rtc_sqw, CONFIG_RTC_SQW_CAPTURE);
    exec("rtc sqw POLL");
    assert_int_equal(app_fake.settings.rtc_sqw, CONFIG_RTC_SQW_POLL);
    exec("rtc sqw board");
    assert_int_equal(app_fake.settings.rtc_sqw, CONFIG_RTC_SQW_BOARD);
    exec("config show");
    expect_in(out, "rtc sqw board\r\n");
    unsigned calls = app_fake.apply_calls;
    expect_refused("rtc sqw on", "rtc sqw: 'on' is none of capture, poll, board");
    assert_int_equal(app_fake.apply_calls, calls);

    struct app_status *st = &app_fake.status;
    st->rtc_chip = "DS3231";
    st->rtc_edges = "captured";
    st->rtc_edge_pin = "PD5 (CCP2)";
    st->rtc_captured = 3600;
    st->rtc_capture_rejected = 2;
    exec("status");
    expect_in(out, "rtc edges: captured on PD5 (CCP2): 3600 taken, 2 rejected\r\n");
    st->rtc_edges = "polled";
    st->rtc_edge_pin = NULL;
    exec("status");
    expect_in(out, "rtc edges: polled\r\n");
}

static void test_status_rtc_module(void **unused)
{
    (void)unused;
    struct app_status *st = &app_fake.status;
    st->rtc_chip = "DS3231";
    st->rtc_addr = 0x68;
    st->rtc_how = "found at boot";
    st->has_rtc_temp = true;
    st->rtc_temp_quarter_c = -41;
    st->has_rtc_aging = true;
    st->rtc_aging_lsb = -20;
    st->rtc_trim_rest_ppb = 12;
    st->eeprom_addr = 0x57;
    st->eeprom_how = "found at boot";
    st->i2c_hz = 400000;
    st->i2c_errors = 3;
    st->i2c_recoveries = 2;
    st->i2c_stuck_freed = 1;
    exec("status");
    expect_in(out, "rtc: DS3231 at 0x68 (found at boot), running, 0 I/O errors\r\n");
    expect_in(out, "rtc temperature: -10.25 C\r\n");
    expect_in(out, "rtc aging offset: -20 (+2.0 ppm), trim left to the served time: 12 ppb\r\n");
    expect_in(out, "eeprom: AT24C32 at 0x57 (found at boot)\r\n");
    expect_in(out,
              "i2c: 400 kHz, 3 errors, 2 recoveries (SDA held low: freed 1, still stuck 0)\r\n");
    st->eeprom_addr = 0;
    st->i2c_stuck_freed = 0;
    st->has_rtc_temp = false;
    st->has_rtc_aging = false;
    exec("status");
    expect_in(out, "eeprom: none found at 0x50..0x57\r\n");
    expect_in(out, "i2c: 400 kHz, 3 errors, 2 recoveries\r\n");
    assert_null(strstr(out, "temperature"));
    assert_null(strstr(out, "aging"));
}

/* --------------------------------------------------------------- config -- */

static void test_config_show_defaults(void **unused)
{
    (void)unused;
    exec("config show");
    assert_string_equal(out, "# settings in effect; store: ok\r\n"
                             "net dhcp on\r\n"
                             "net ip none\r\n"
                             "ntp stratum 1\r\n"
                             "ntp refid LOCL\r\n"
                             "ntp ratelimit -2 64 2\r\n"
                             "ntp acl clear\r\n"
                             "ntp mgmt local\r\n"
                             "ntp auth optional\r\n"
                             "upstream off\r\n"
                             "log off\r\n"
                             "rtc chip auto\r\n"
                             "rtc sqw board\r\n"
                             "clock trim 0\r\n"
                             "clock drift 20000\r\n"
                             "clock strict off\r\n");
}

/* Types every line of text (CRLF-separated) into the console. */
static void paste(const char *text)
{
    out_clear();
    type(text);
}

static void round_trip(const struct settings *src)
{
    static char shown[4096];
    app_fake.settings = *src;
    exec("config show");
    assert_true(out_len < sizeof(shown));
    memcpy(shown, out, out_len + 1);

    /* onto an appliance with other settings (defaults and then some) */
    app_fake_reset();
    config_defaults(&app_fake.settings);
    app_fake.settings.dhcp_enabled = false;
    app_fake.settings.ip_addr = IP(172, 16, 0, 9);
    app_fake.settings.ip_prefix = 12;
    app_fake.settings.acl_count = 1;
    app_fake.settings.acl[0] = (struct config_acl_entry){ CONFIG_ACL_DENY, 8, IP(11, 0, 0, 0) };
    app_fake.settings.last_set_unix_s = src->last_set_unix_s;
    app_fake.settings.last_set_source = src->last_set_source;
    paste(shown);
    if (strstr(out, "error") != NULL) {
        fail_msg("pasting back failed:\n%s\n-- pasted:\n%s", out, shown);
    }
    assert_true(config_is_equal(src, &app_fake.settings));
}

static void test_config_show_pastes_back(void **unused)
{
    (void)unused;
    struct settings s;
    config_defaults(&s);
    s.dhcp_enabled = false;
    s.ip_addr = IP(10, 0, 2, 15);
    s.ip_prefix = 24;
    s.gateway = IP(10, 0, 2, 2);
    s.stratum = 2;
    memcpy(s.refid, "GPS", 4);
    s.ratelimit_enabled = true;
    s.ratelimit_interval_log2 = 4;
    s.ratelimit_burst = 16;
    s.ratelimit_leak_log2 = 3;
    s.acl_count = 3;
    s.acl[0] = (struct config_acl_entry){ CONFIG_ACL_ALLOW, 8, IP(10, 0, 0, 0) };
    s.acl[1] = (struct config_acl_entry){ CONFIG_ACL_DENY, 24, IP(10, 9, 9, 0) };
    s.acl[2] = (struct config_acl_entry){ CONFIG_ACL_ALLOW, 32, IP(10, 9, 9, 9) };
    s.mgmt = CONFIG_MGMT_SUBNET;
    s.mgmt_addr = IP(10, 0, 2, 0);
    s.mgmt_prefix = 24;
    s.upstream_addr = IP(10, 0, 2, 3);
    s.upstream_key_id = 70000;
    s.syslog_addr = IP(10, 0, 2, 4);
    s.clock_trim_ppb = -777;
    s.rtc_drift_ppb = 2000;
    s.strict_enabled = true;
    s.strict_max_ms = 900;
    s.last_set_unix_s = NOW_S;
    s.last_set_source = CONFIG_TIME_SOURCE_OPERATOR;
    s.rtc_chip = CONFIG_RTC_CHIP_DS3231;
    s.rtc_sqw = CONFIG_RTC_SQW_CAPTURE;
    s.auth_count = 2;
    s.auth[0] = (struct config_subnet){ 16, IP(10, 9, 0, 0) };
    s.auth[1] = (struct config_subnet){ 32, IP(10, 0, 2, 77) };
    assert_int_equal(config_validate(&s, NULL), 0);
    round_trip(&s);

    exec("config show");
    expect_in(out, "net ip 10.0.2.15/24 gw 10.0.2.2\r\nnet dhcp off\r\n");
    expect_in(out, "ntp refid GPS\r\n");
    expect_in(out, "ntp ratelimit 4 16 3\r\n");
    expect_in(
        out,
        "ntp acl clear\r\nntp allow 10.0.0.0/8\r\nntp deny 10.9.9.0/24\r\nntp allow 10.9.9.9/32\r\n");
    expect_in(out, "ntp mgmt 10.0.2.0/24\r\nntp auth optional\r\nntp auth require 10.9.0.0/16\r\n"
                   "ntp auth require 10.0.2.77/32\r\nupstream 10.0.2.3 key 70000\r\n");
    expect_in(out, "upstream 10.0.2.3 key 70000\r\nlog 10.0.2.4\r\n");

    /* without a key */
    s.upstream_key_id = 0;
    round_trip(&s);
    exec("config show");
    expect_in(out, "upstream 10.0.2.3\r\nlog 10.0.2.4\r\n");

    /* every client, and an other subnet after it */
    s.auth_count = 2;
    s.auth[0] = (struct config_subnet){ 0, 0 };
    s.auth[1] = (struct config_subnet){ 8, IP(10, 0, 0, 0) };
    round_trip(&s);
    exec("config show");
    expect_in(out, "ntp auth optional\r\nntp auth require all\r\nntp auth require 10.0.0.0/8\r\n");
    expect_in(
        out,
        "rtc chip ds3231\r\nrtc sqw capture\r\nclock trim -777\r\nclock drift 2000\r\nclock strict on 900\r\n");

    /* and the defaults (DHCP, no static address) */
    config_defaults(&s);
    round_trip(&s);
    /* DHCP on but with a static address kept for later */
    s.ip_addr = IP(192, 168, 5, 5);
    s.ip_prefix = 24;
    round_trip(&s);
}

static void test_save(void **unused)
{
    (void)unused;
    expect_ok("ntp stratum 2");
    exec("status");
    expect_in(out, "settings: ok; unsaved changes (save)\r\n");
    exec("config show");
    expect_in(out, "; unsaved changes\r\n");

    app_fake.save_ret = -EIO;
    out_clear();
    assert_int_equal(console_execute("save"), -EIO);
    assert_string_equal(
        out, "error: not saved (I/O error); the settings stay in effect until reboot\r\n");
    exec("status");
    expect_in(out, "unsaved changes");

    app_fake.save_ret = 0;
    exec("save");
    assert_string_equal(out, "saved\r\n");
    assert_int_equal(app_fake.save_calls, 2);
    exec("status");
    assert_null(strstr(out, "unsaved"));
}

static void test_reboot(void **unused)
{
    (void)unused;
    exec("reboot");
    assert_string_equal(out, "rebooting...\r\n");
    assert_int_equal(app_fake.reboot_calls, 1);
    expect_ok("ntp stratum 3");
    exec("reboot");
    assert_string_equal(out, "warning: unsaved changes are lost\r\nrebooting...\r\n");
    assert_int_equal(app_fake.reboot_calls, 2);
}

static void test_selftest_watchdog(void **unused)
{
    (void)unused;
    exec("selftest watchdog");
    expect_in(out, "watchdog resets the appliance");
    assert_int_equal(app_fake.watchdog_selftest_calls, 1);
    expect_refused("selftest watchdog now", "usage: selftest watchdog");
    assert_int_equal(app_fake.watchdog_selftest_calls, 1);
}

static void test_selftest_stack(void **unused)
{
    (void)unused;
    exec("selftest stack");
    expect_in(out, "guard must stop it");
    assert_int_equal(app_fake.stack_selftest_calls, 1);
    expect_refused("selftest stack deeper", "usage: selftest stack");
    assert_int_equal(app_fake.stack_selftest_calls, 1);
}

static void test_factory_reset(void **unused)
{
    (void)unused;
    expect_ok("ntp stratum 3");
    expect_ok("upstream 10.0.2.2");
    app_fake.is_reboot_needed = true;
    exec("factory-reset");
    assert_int_equal(app_fake.factory_calls, 1);
    assert_string_equal(out, "factory defaults in effect; stored settings erased\r\n"
                             "note: reboot to apply the network settings\r\n");
    struct settings d;
    config_defaults(&d);
    assert_true(config_is_equal(&d, &app_fake.settings));
    exec("status");
    assert_null(strstr(out, "unsaved"));

    app_fake.is_reboot_needed = false;
    app_fake.factory_ret = -EIO;
    out_clear();
    assert_int_equal(console_execute("factory-reset"), -EIO);
    assert_string_equal(
        out, "error: defaults in effect, but the stored settings were not erased (I/O error)\r\n");
    exec("status");
    expect_in(out, "unsaved changes");
}

/* ----------------------------------------------------------------- keys -- */

/* Test secrets, as typed and as bytes. */
#define MD5_ASCII  "Jx7qLw0md5secret"
#define SHA1_HEX   "b16e039c44d27a19e5803fc62b97510dfa6821be"
#define AES_HEX    "2b7e151628aed2a6abf7158809cf4f3c"
#define AES_HEX_UC "2B7E151628AED2A6ABF7158809CF4F3C"
static const uint8_t aes_bytes[16] = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

/* Checks text shows none of the test secrets, in any of the ways it could. */
static void expect_no_secret(const char *text)
{
    static const char *const secrets[] = {
        MD5_ASCII,  SHA1_HEX,   AES_HEX,   AES_HEX_UC,        "b16e039c",
        "2b7e1516", "2B7E1516", "Jx7qLw0", "pass-phrase-123",
    };
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
        if (strstr(text, secrets[i]) != NULL) {
            fail_msg("a secret (%s) in the output:\n%s", secrets[i], text);
        }
    }
    for (size_t i = 0; i + 4u <= strlen(text); i++) {
        if (memcmp(text + i, aes_bytes, 4) == 0) {
            fail_msg("a secret's bytes in the output");
        }
    }
}

/* Adds the three test keys, one of each type. */
static void add_three_keys(void)
{
    expect_ok("ntp key add 1 md5 ASCII:" MD5_ASCII);
    expect_ok("ntp key add 70000 SHA1 HEX:" SHA1_HEX);
    expect_ok("ntp key add 4294967295 AES128CMAC hex:" AES_HEX_UC);
}

static void test_key_add_each_type(void **unused)
{
    (void)unused;
    exec("ntp key add 1 md5 ASCII:" MD5_ASCII);
    assert_string_equal(out, "ok: key 1 added (md5, 16-byte secret) (not saved yet: 'save' "
                             "keeps it after a power cut)\r\n");
    const struct key *k = keys_find(&app_fake.keys, 1);
    assert_non_null(k);
    assert_int_equal(k->type, KEYS_TYPE_MD5);
    assert_int_equal(k->secret_len, 16);
    assert_memory_equal(k->secret, MD5_ASCII, 16);

    exec("ntp key add 70000 SHA1 HEX:" SHA1_HEX);
    expect_in(out, "ok: key 70000 added (sha1, 20-byte secret)");
    k = keys_find(&app_fake.keys, 70000);
    assert_non_null(k);
    assert_int_equal(k->secret_len, 20);
    assert_int_equal(k->secret[0], 0xb1);
    assert_int_equal(k->secret[19], 0xbe);

    /* ntpd's and NTPsec's spellings of the type, the prefix in any case */
    static const char *const aes_types[] = { "aes128", "AES128CMAC", "aes-128", "AES" };
    for (size_t i = 0; i < sizeof(aes_types) / sizeof(aes_types[0]); i++) {
        char line[120];
        snprintf(line, sizeof(line), "ntp key add %u %s hex:%s", (unsigned)(100 + i), aes_types[i],
                 AES_HEX_UC);
        exec(line);
        expect_in(out, "added (aes128, 16-byte secret)");
        k = keys_find(&app_fake.keys, 100 + (uint32_t)i);
        assert_non_null(k);
        assert_int_equal(k->type, KEYS_TYPE_AES128);
        assert_memory_equal(k->secret, aes_bytes, 16);
    }

    /* a bare secret is ASCII, as chrony reads it; 16 ASCII bytes make an AES key too */
    expect_ok("ntp key add 5 sha1 pass-phrase-123");
    k = keys_find(&app_fake.keys, 5);
    assert_int_equal(k->secret_len, 15);
    assert_memory_equal(k->secret, "pass-phrase-123", 15);
    expect_ok("ntp key add 6 aes128 ASCII:0123456789abcdef");
    assert_int_equal(keys_find(&app_fake.keys, 6)->secret_len, 16);
    assert_int_equal(app_fake.keys.count, 8);
    exec("status");
    expect_in(out, "ntp auth: 8 keys, optional;");
    expect_in(out, "; unsaved changes (save)");
    assert_int_equal(app_fake.apply_calls, 0); /* keys are no settings change */
}

static void test_key_replace_and_hints(void **unused)
{
    (void)unused;
    add_three_keys();
    exec("ntp key add 1 aes128 HEX:" AES_HEX);
    assert_string_equal(out, "ok: key 1 replaced (was md5, now aes128, 16-byte secret) (not saved "
                             "yet: 'save' keeps it after a power cut)\r\n");
    assert_int_equal(app_fake.keys.count, 3);
    assert_int_equal(keys_find(&app_fake.keys, 1)->type, KEYS_TYPE_AES128);

    /* hex digits without HEX: are ASCII; past 20 of them ntpd would disagree: a note */
    exec("ntp key add 7 md5 0123456789abcdef0123456789");
    expect_in(out, "ok: key 7 added (md5, 26-byte secret)");
    expect_in(out, "note: taken as 26 ASCII characters, as chrony reads a secret without HEX:");
    exec("ntp key add 8 md5 0123456789abcdef0123");
    assert_null(strstr(out, "note:"));
    expect_refused("ntp key add 9 aes128 " AES_HEX, "(for a hex secret write HEX:<digits>)");
    expect_refused("ntp key add 9 sha1 " SHA1_HEX, "(for a hex secret write HEX:<digits>)");
}

static void test_key_refusals(void **unused)
{
    (void)unused;
    add_three_keys();
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "ntp key add 0 md5 HEX:0011", "key id 0 is the crypto-NAK's" },
        { "ntp key add 4294967296 md5 HEX:0011",
          "bad key id '4294967296' (expected 1..4294967295)" },
        { "ntp key add -1 md5 HEX:0011", "bad key id '-1'" },
        { "ntp key add 1x md5 HEX:0011", "bad key id '1x'" },
        { "ntp key add 2 sha256 HEX:0011", "bad key type 'sha256' (expected md5, sha1 or aes128)" },
        { "ntp key add 2 des HEX:0011", "bad key type 'des'" },
        { "ntp key add 2 md5 HEX:abc", "hex secret: odd number of digits (3)" },
        { "ntp key add 2 md5 HEX:00zz11", "hex secret: character 3 is not a hex digit" },
        { "ntp key add 2 md5 HEX:0x11", "hex secret: character 2 is not a hex digit" },
        { "ntp key add 2 md5 HEX:", "empty secret" },
        { "ntp key add 2 md5 ASCII:", "empty secret" },
        { "ntp key add 2 md5 ASCII:" MD5_ASCII MD5_ASCII "x",
          "secret too long: 33 bytes (at most 32)" },
        { "ntp key add 2 md5 HEX:" SHA1_HEX SHA1_HEX, "secret too long: 40 bytes (at most 32)" },
        { "ntp key add 2 aes128 HEX:" SHA1_HEX, "an aes128 key is exactly 16 bytes" },
        { "ntp key add 2 aes128 HEX:2b7e151628aed2a6abf7158809cf4f", "not 15" },
        { "ntp key add 2 aes128 ASCII:" MD5_ASCII "x", "not 17" },
        { "ntp key add 2 md5", "usage: ntp key add <id> md5|sha1|aes128 HEX:<hex>|ASCII:<text>" },
        { "ntp key add 2 md5 " MD5_ASCII " more", "usage: ntp key add" },
        { "ntp key add", "usage: ntp key add" },
        { "ntp key remove", "usage: ntp key remove <id>" },
        { "ntp key remove 2", "no key 2 ('ntp key list' shows the keys)" },
        { "ntp key remove 0", "key id 0" },
        { "ntp key remove 99999999999", "bad key id" },
        { "ntp key list all", "usage: ntp key list" },
        { "ntp key", "'ntp' takes:" },
        { "ntp key frob", "unknown command 'ntp key'" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i].line, bad[i].why);
        expect_no_secret(out);
    }

    /* a ninth key is refused; a replacement of one held is not */
    for (uint32_t id = 2; app_fake.keys.count < KEYS_MAX; id++) {
        char line[80];
        snprintf(line, sizeof(line), "ntp key add %u md5 ASCII:k%u", (unsigned)id, (unsigned)id);
        expect_ok(line);
    }
    expect_refused("ntp key add 999 aes128 HEX:" AES_HEX,
                   "key table full (8 keys): 'ntp key remove' one first");
    expect_no_secret(out);
    expect_ok("ntp key add 1 aes128 HEX:" AES_HEX);

    /* the app refusing: one error line, nothing changed */
    app_fake.key_ret = -EIO;
    struct keys before = app_fake.keys;
    out_clear();
    assert_int_equal(console_execute("ntp key add 2 sha1 HEX:" SHA1_HEX), -EIO);
    assert_string_equal(out, "error: key not added (I/O error); nothing changed\r\n");
    out_clear();
    assert_int_equal(console_execute("ntp key remove 1"), -EIO);
    assert_string_equal(out, "error: key not removed (I/O error)\r\n");
    assert_memory_equal(&before, &app_fake.keys, sizeof(before));
    exec("status");
    expect_in(out, "unsaved changes");
}

static void test_key_remove(void **unused)
{
    (void)unused;
    add_three_keys();
    exec("ntp key remove 70000");
    assert_string_equal(out, "ok: key 70000 removed (not saved yet: 'save' erases it from the "
                             "EEPROM)\r\n");
    assert_int_equal(app_fake.keys.count, 2);
    assert_null(keys_find(&app_fake.keys, 70000));
    expect_refused("ntp key remove 70000", "no key 70000");
}

/* list, config show and status name the keys, never a secret. */
static void test_keys_never_shown(void **unused)
{
    (void)unused;
    add_three_keys();
    expect_ok("ntp key add 5 sha1 pass-phrase-123");
    exec("ntp key list");
    assert_string_equal(out,
                        "keys: 4 of 8 (stored: none stored)\r\n"
                        "  key 1: md5, 16-byte secret\r\n"
                        "  key 70000: sha1, 20-byte secret\r\n"
                        "  key 4294967295: aes128, 16-byte secret\r\n"
                        "  key 5: sha1, 15-byte secret\r\n"
                        "authentication: optional (clients with a key get signed replies)\r\n");
    exec("config show");
    expect_no_secret(out);
    expect_in(out,
              "ntp auth optional\r\n"
              "# ntp key 1 md5: secret not shown, add it again with ntp key add\r\n"
              "# ntp key 70000 sha1: secret not shown, add it again with ntp key add\r\n"
              "# ntp key 4294967295 aes128: secret not shown, add it again with ntp key add\r\n"
              "# ntp key 5 sha1: secret not shown, add it again with ntp key add\r\n"
              "upstream off\r\n");
    exec("status");
    expect_no_secret(out);
    expect_in(out, "ntp auth: 4 keys, optional; signed replies 0");
    exec("help");
    expect_no_secret(out);

    /* pasted back, the comments change nothing and add no key */
    static char shown[4096];
    exec("config show");
    memcpy(shown, out, out_len + 1);
    app_fake_reset();
    paste(shown);
    assert_null(strstr(out, "error"));
    assert_int_equal(app_fake.keys.count, 0);

    /* and after a factory reset there is no key to show */
    add_three_keys();
    exec("factory-reset");
    exec("ntp key list");
    expect_in(out, "keys: 0 of 8");
    exec("config show");
    assert_null(strstr(out, "ntp key"));
}

/* Typed: the secret is echoed as '*' (to the end of the line), never in clear. */
static void test_key_secret_echo_masked(void **unused)
{
    (void)unused;
    out_clear();
    type("ntp key add 7 md5 ASCII:" MD5_ASCII "\r");
    expect_no_secret(out);
    expect_in(out, "ntp key add 7 md5 **********************\r\nok: key 7 added");
    assert_memory_equal(keys_find(&app_fake.keys, 7)->secret, MD5_ASCII, 16);

    /* any case, extra spaces, a backspace inside the secret, a word after it */
    out_clear();
    type("NTP  Key ADD 8 sha1 HEX:" SHA1_HEX "x\b extra\r");
    expect_no_secret(out);
    expect_in(out, "NTP  Key ADD 8 sha1 ");
    expect_in(out, "usage: ntp key add");
    assert_null(keys_find(&app_fake.keys, 8));

    /* discarded half typed */
    out_clear();
    type("ntp key add 9 aes128 HEX:2b7e1516\x03");
    expect_no_secret(out);
    out_clear();
    type("ntp key add 9 aes128 HEX:2b7e1516\x15");
    expect_no_secret(out);
    assert_null(keys_find(&app_fake.keys, 9));

    /* a line too long: refused whole, and what was typed past the limit masked too */
    out_clear();
    type("ntp key add 10 md5 ASCII:");
    for (int i = 0; i < 12; i++) {
        type(MD5_ASCII);
    }
    type("\r");
    expect_no_secret(out);
    expect_in(out, "error: line too long");

    /* other commands echo as typed */
    out_clear();
    type("ntp refid GPS\r");
    expect_in(out, "ntp refid GPS\r\n");
    out_clear();
    type("ntp key list\r");
    expect_in(out, "ntp key list\r\n");
    expect_in(out, "  key 7: md5, 16-byte secret\r\n");
}

static void test_auth_policy(void **unused)
{
    (void)unused;
    exec("ntp auth require 10.0.0.0/8");
    expect_in(out, "ok (not saved yet");
    expect_in(out, "note: no key held yet: those clients get no time until one is added");
    assert_int_equal(app_fake.settings.auth_count, 1);
    assert_int_equal(app_fake.settings.auth[0].addr, IP(10, 0, 0, 0));
    assert_int_equal(app_fake.settings.auth[0].prefix, 8);
    exec("ntp auth require 10.0.0.0/8");
    expect_in(out, "ok (unchanged)");
    expect_ok("ntp key add 1 aes128 HEX:" AES_HEX);
    exec("ntp auth require 192.168.1.7");
    assert_null(strstr(out, "note:"));
    assert_int_equal(app_fake.settings.auth[1].prefix, 32);
    expect_ok("ntp auth require 172.16.0.0/12");
    expect_ok("ntp auth require 10.1.0.0/16");
    exec("ntp key list");
    expect_in(out, "authentication: required from 10.0.0.0/8, 192.168.1.7/32, 172.16.0.0/12, "
                   "10.1.0.0/16\r\n");
    exec("status");
    expect_in(out, "ntp auth: 1 keys, required in part;");
    expect_refused("ntp auth require 10.2.0.0/16",
                   "4 subnets must authenticate already: 'ntp auth optional' to start over");
    expect_refused("ntp auth require 10.0.0.1/8", "has host bits set (did you mean 10.0.0.0/8?)");
    expect_refused("ntp auth require 300.0.0.0/8", "bad subnet '300.0.0.0/8'");
    expect_refused("ntp auth require", "usage: ntp auth require <a.b.c.d>[/<prefix>] | all");
    expect_refused("ntp auth require all now", "usage: ntp auth require");
    expect_refused("ntp auth optional now", "usage: ntp auth optional");
    expect_refused("ntp auth", "'ntp' takes:");

    expect_ok("ntp auth require all");
    assert_int_equal(app_fake.settings.auth_count, 1);
    assert_int_equal(app_fake.settings.auth[0].prefix, 0);
    exec("ntp key list");
    expect_in(out, "authentication: required from every client\r\n");
    exec("status");
    expect_in(out, "ntp auth: 1 keys, required;");
    expect_ok("ntp auth optional");
    assert_int_equal(app_fake.settings.auth_count, 0);
    exec("ntp auth optional");
    expect_in(out, "ok (unchanged)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_prints_prompt, setup),
        cmocka_unit_test_setup(test_typed_line_is_echoed_and_run, setup),
        cmocka_unit_test_setup(test_line_ends_cr_lf_crlf, setup),
        cmocka_unit_test_setup(test_backspace_and_del_edit, setup),
        cmocka_unit_test_setup(test_ctrl_c_and_ctrl_u_discard_line, setup),
        cmocka_unit_test_setup(test_line_at_limit_runs, setup),
        cmocka_unit_test_setup(test_overlong_line_is_refused_not_truncated, setup),
        cmocka_unit_test_setup(test_control_chars_ignored, setup),
        cmocka_unit_test_setup(test_escape_sequences_ignored, setup),
        cmocka_unit_test_setup(test_empty_and_blank_lines, setup),
        cmocka_unit_test_setup(test_poll_reads_getc_in_bounded_bites, setup),
        cmocka_unit_test_setup(test_slow_uart_gets_everything_in_order, setup),
        cmocka_unit_test_setup(test_long_reports_arrive_whole_over_a_slow_uart, setup),
        cmocka_unit_test_setup(test_output_flood_waits_never_drops_never_blocks, setup),
        cmocka_unit_test_setup(test_input_waits_for_room_for_its_output, setup),
        cmocka_unit_test_setup(test_unknown_commands, setup),
        cmocka_unit_test_setup(test_commands_ignore_case, setup),
        cmocka_unit_test_setup(test_extra_and_missing_arguments, setup),
        cmocka_unit_test_setup(test_help_lists_every_command_with_syntax, setup),
        cmocka_unit_test_setup(test_status_reports_everything, setup),
        cmocka_unit_test_setup(test_status_address_conflict, setup),
        cmocka_unit_test_setup(test_status_upstream_key, setup),
        cmocka_unit_test_setup(test_status_unset_and_unhealthy, setup),
        cmocka_unit_test_setup(test_time_set, setup),
        cmocka_unit_test_setup(test_time_set_refusals, setup),
        cmocka_unit_test_setup(test_time_adjust, setup),
        cmocka_unit_test_setup(test_time_adjust_refusals, setup),
        cmocka_unit_test_setup(test_leap, setup),
        cmocka_unit_test_setup(test_leap_refusals, setup),
        cmocka_unit_test_setup(test_net, setup),
        cmocka_unit_test_setup(test_net_mac, setup),
        cmocka_unit_test_setup(test_net_stats, setup),
        cmocka_unit_test_setup(test_net_refusals, setup),
        cmocka_unit_test_setup(test_ntp_settings, setup),
        cmocka_unit_test_setup(test_ntp_refusals, setup),
        cmocka_unit_test_setup(test_acl, setup),
        cmocka_unit_test_setup(test_acl_and_mgmt_refusals, setup),
        cmocka_unit_test_setup(test_mgmt, setup),
        cmocka_unit_test_setup(test_upstream_and_log, setup),
        cmocka_unit_test_setup(test_clock_settings, setup),
        cmocka_unit_test_setup(test_app_refusal_changes_nothing, setup),
        cmocka_unit_test_setup(test_rtc_chip, setup),
        cmocka_unit_test_setup(test_status_rtc_module, setup),
        cmocka_unit_test_setup(test_rtc_sqw, setup),
        cmocka_unit_test_setup(test_config_show_defaults, setup),
        cmocka_unit_test_setup(test_config_show_pastes_back, setup),
        cmocka_unit_test_setup(test_save, setup),
        cmocka_unit_test_setup(test_reboot, setup),
        cmocka_unit_test_setup(test_selftest_watchdog, setup),
        cmocka_unit_test_setup(test_selftest_stack, setup),
        cmocka_unit_test_setup(test_factory_reset, setup),
        cmocka_unit_test_setup(test_key_add_each_type, setup),
        cmocka_unit_test_setup(test_key_replace_and_hints, setup),
        cmocka_unit_test_setup(test_key_refusals, setup),
        cmocka_unit_test_setup(test_key_remove, setup),
        cmocka_unit_test_setup(test_keys_never_shown, setup),
        cmocka_unit_test_setup(test_key_secret_echo_masked, setup),
        cmocka_unit_test_setup(test_auth_policy, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
