/*
 * Console line editor, output buffer, report pump and command dispatcher.
 *
 * Bytes arrive one at a time from the main loop; nothing here waits for
 * the UART. Output is made only as fast as it drains: a long report is a
 * function printing one step per call, which the pump calls whenever the
 * buffer has CONSOLE_STEP_MAX bytes free; the prompt follows it, and input
 * is read only when nothing waits to be printed and that room is there.
 * So a full buffer delays output, never drops it.
 *
 * The editor keeps at most CONSOLE_LINE_MAX characters and counts (but does
 * not keep) any beyond, so an overlong line can be refused whole and
 * backspacing over the excess still works. Escape sequences are
 * swallowed by a small ECMA-48 state machine so an arrow key never reaches
 * the command line as "[A".
 *
 * Secrets (console_secret_args[]: `ntp key add`'s) are echoed as '*'
 * from their first character to the end of the line, and every buffer a
 * line passed through is zeroed once it has run or been discarded: the
 * console keeps no history, and logs no command line.
 */
#include "console/console.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "console/commands.h"

/* Control bytes the editor acts on. */
#define CH_CTRL_C 0x03
#define CH_BS     0x08
#define CH_LF     0x0A
#define CH_CR     0x0D
#define CH_CTRL_U 0x15
#define CH_ESC    0x1B
#define CH_DEL    0x7F

/* An escape sequence longer than this is garbage: stop swallowing. */
#define ESC_SEQ_MAX 16u

/* Column where help puts each command's description. */
#define HELP_SYNTAX_WIDTH 38

/* Longest single console_printf() result. */
#define FMT_BUF_SIZE 256u

enum esc_state {
    ESC_NONE,
    ESC_START, /* after ESC */
    ESC_CSI,   /* after ESC [ : parameters until a final byte */
    ESC_SS3,   /* after ESC O : one more byte */
};

static console_write_fn out_write;
static console_getc_fn in_getc;

static char tx_buf[CONSOLE_TX_BUF_SIZE];
static size_t tx_head;
static size_t tx_len;
static uint32_t tx_dropped;

static console_report_fn report; /* the report being printed, or NULL */
static unsigned report_step;     /* its next step */
static bool is_prompt_due;       /* a line ended: the prompt follows its output */

static char line[CONSOLE_LINE_MAX + 1u];
static size_t line_len;
/*
 * A copy of the line split into words: to run it, and while it is typed to
 * see whether a secret is being typed (never both at once). Zeroed after
 * each use.
 */
static char words_buf[CONSOLE_LINE_MAX + 1u];
static uint32_t over_len; /* characters typed past CONSOLE_LINE_MAX */
static bool is_after_cr;  /* a LF right after CR ends nothing (CRLF) */
static enum esc_state esc;
static unsigned esc_len;

/* ------------------------------------------------------------- output -- */

static void tx_flush(void)
{
    while (tx_len > 0u && out_write != NULL) {
        size_t tail = (tx_head + CONSOLE_TX_BUF_SIZE - tx_len) % CONSOLE_TX_BUF_SIZE;
        size_t chunk = CONSOLE_TX_BUF_SIZE - tail;
        if (chunk > tx_len) {
            chunk = tx_len;
        }
        size_t n = out_write(&tx_buf[tail], chunk);
        if (n > chunk) {
            n = chunk;
        }
        tx_len -= n;
        if (n < chunk) {
            break;
        }
    }
}

static void tx_put(char c)
{
    if (tx_len == CONSOLE_TX_BUF_SIZE) {
        tx_dropped++;
        return;
    }
    tx_buf[tx_head] = c;
    tx_head = (tx_head + 1u) % CONSOLE_TX_BUF_SIZE;
    tx_len++;
}

static void tx_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            tx_put('\r');
        }
        tx_put(s[i]);
    }
    tx_flush();
}

void console_puts(const char *s)
{
    tx_text(s, strlen(s));
}

void console_printf(const char *fmt, ...)
{
    static char buf[FMT_BUF_SIZE];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    tx_text(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1u);
}

int console_fail(int err, const char *fmt, ...)
{
    static char buf[FMT_BUF_SIZE];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_puts("error: ");
    if (n > 0) {
        /* one printable line, whatever the arguments held */
        for (char *p = buf; *p != '\0'; p++) {
            if (*p < ' ' || *p > '~') {
                *p = '?';
            }
        }
        console_puts(buf);
    }
    console_puts("\n");
    return err;
}

size_t console_tx_pending(void)
{
    return tx_len;
}

static bool has_room(void)
{
    return CONSOLE_TX_BUF_SIZE - tx_len >= CONSOLE_STEP_MAX;
}

bool console_is_busy(void)
{
    return report != NULL || is_prompt_due;
}

void console_start_report(console_report_fn fn)
{
    report = fn;
    report_step = 0;
}

/* Prints what waits (report steps, then the prompt) as far as room allows. */
static void pump(void)
{
    tx_flush();
    while (report != NULL && has_room()) {
        if (!report(report_step++)) {
            report = NULL;
        }
        tx_flush();
    }
    if (report == NULL && is_prompt_due && has_room()) {
        is_prompt_due = false;
        console_puts(CONSOLE_PROMPT);
    }
}

uint32_t console_tx_dropped(void)
{
    return tx_dropped;
}

/* --------------------------------------------------------- dispatcher -- */

bool console_is_word(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb) {
            return false;
        }
        if (ca == '\0') {
            return true;
        }
    }
}

/*
 * Returns how many leading words of argv spell cmd's name, or 0 if they
 * do not all match.
 */
static int match_words(const struct console_cmd *cmd, int argc, char *argv[])
{
    const char *p = cmd->name;
    int n = 0;
    while (*p != '\0') {
        char word[24];
        size_t len = strcspn(p, " ");
        if (len >= sizeof(word) || n >= argc) {
            return 0;
        }
        memcpy(word, p, len);
        word[len] = '\0';
        if (!console_is_word(word, argv[n])) {
            return 0;
        }
        n++;
        p += len;
        while (*p == ' ') {
            p++;
        }
    }
    return n;
}

/* Returns true when the first word of cmd's name is word. */
static bool is_first_word(const struct console_cmd *cmd, const char *word)
{
    char first[24];
    size_t len = strcspn(cmd->name, " ");
    if (len >= sizeof(first)) {
        return false;
    }
    memcpy(first, cmd->name, len);
    first[len] = '\0';
    return console_is_word(first, word);
}

/* Returns true when cmd is a subcommand of word ("time set" of "time"). */
static bool is_group(const struct console_cmd *cmd, const char *word)
{
    return strchr(cmd->name, ' ') != NULL && is_first_word(cmd, word);
}

static int fail_group(const char *group, int argc, char *argv[])
{
    char subs[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < console_cmd_count; i++) {
        if (is_group(&console_cmds[i], group)) {
            const char *sub = console_cmds[i].name + strcspn(console_cmds[i].name, " ") + 1;
            int n = snprintf(subs + used, sizeof(subs) - used, "%s%s", used ? ", " : "", sub);
            if (n > 0 && (size_t)n < sizeof(subs) - used) {
                used += (size_t)n;
            }
        }
    }
    if (argc < 2) {
        return console_fail(-EINVAL, "'%s' needs one of: %s", group, subs);
    }
    return console_fail(-EINVAL, "unknown command '%s %s' ('%s' takes: %s)", argv[0], argv[1],
                        group, subs);
}

/*
 * Splits buf into words in place (spaces and tabs end them), at most max.
 * Returns how many; *is_over says there were more.
 */
static int split_words(char *buf, char *argv[], int max, bool *is_over)
{
    int argc = 0;
    char *p = buf;
    *is_over = false;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            return argc;
        }
        if (argc == max) {
            *is_over = true;
            return argc;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            p++;
        }
    }
}

static int execute(const char *text);

int console_execute(const char *text)
{
    if (console_is_busy()) {
        return -EBUSY;
    }
    int ret = execute(text);
    pump();
    return ret;
}

/* Runs the words in buf (execute()'s copy of the line). */
static int run_words(char *buf)
{
    char *argv[CONSOLE_ARGS_MAX];
    bool is_over;
    int argc = split_words(buf, argv, (int)CONSOLE_ARGS_MAX, &is_over);
    if (argc == 0 || argv[0][0] == '#') {
        return 0; /* empty, or a comment */
    }
    if (is_over) {
        return console_fail(-EINVAL, "too many words (max %u)", (unsigned)CONSOLE_ARGS_MAX);
    }

    const struct console_cmd *best = NULL;
    int best_words = 0;
    for (size_t i = 0; i < console_cmd_count; i++) {
        int n = match_words(&console_cmds[i], argc, argv);
        if (n > best_words) {
            best = &console_cmds[i];
            best_words = n;
        }
    }
    if (best == NULL) {
        for (size_t i = 0; i < console_cmd_count; i++) {
            if (is_group(&console_cmds[i], argv[0])) {
                return fail_group(argv[0], argc, argv);
            }
        }
        return console_fail(-EINVAL, "unknown command '%s' (type help)", argv[0]);
    }
    int nargs = argc - best_words;
    if (nargs < best->min_args || nargs > best->max_args) {
        return console_fail(-EINVAL, "usage: %s%s%s", best->name, best->args[0] != '\0' ? " " : "",
                            best->args);
    }
    return best->run(nargs, argv + best_words);
}

static int execute(const char *text)
{
    size_t len = strnlen(text, CONSOLE_LINE_MAX + 1u);
    if (len > CONSOLE_LINE_MAX) {
        return console_fail(-E2BIG, "line too long (max %u characters), ignored",
                            (unsigned)CONSOLE_LINE_MAX);
    }
    memcpy(words_buf, text, len);
    words_buf[len] = '\0';
    int ret = run_words(words_buf);
    memset(words_buf, 0, sizeof(words_buf)); /* it may have held a secret */
    return ret;
}

/* The group help lists (its first word), or "" for every command. */
static char help_group[24];

/* Report: step i lists command i (if in the group), the last step the footer. */
static bool help_step(unsigned step)
{
    if (step < console_cmd_count) {
        const struct console_cmd *c = &console_cmds[step];
        if (help_group[0] != '\0' && !is_first_word(c, help_group)) {
            return true;
        }
        char syntax[80];
        int n = snprintf(syntax, sizeof(syntax), "%s%s%s", c->name, c->args[0] != '\0' ? " " : "",
                         c->args);
        if (n > HELP_SYNTAX_WIDTH) {
            /* a long syntax gets its own line rather than a ragged column */
            console_printf("  %s\n  %-*s %s\n", syntax, HELP_SYNTAX_WIDTH, "", c->help);
        } else {
            console_printf("  %-*s %s\n", HELP_SYNTAX_WIDTH, syntax, c->help);
        }
        return true;
    }
    if (help_group[0] == '\0') {
        console_puts(
            "Times are UTC. Settings apply at once; 'save' keeps them after a power cut.\n");
    }
    return false;
}

int console_cmd_help(int argc, char *argv[])
{
    bool is_any = false;
    for (size_t i = 0; i < console_cmd_count && !is_any; i++) {
        is_any = argc == 0 || is_first_word(&console_cmds[i], argv[0]);
    }
    if (!is_any) {
        return console_fail(-EINVAL, "no command '%s' (type help)", argv[0]);
    }
    /* argv[0] is some command's first word, so it fits */
    snprintf(help_group, sizeof(help_group), "%s", argc > 0 ? argv[0] : "");
    console_start_report(help_step);
    return 0;
}

/* -------------------------------------------------------- line editor -- */

static void clear_line(void)
{
    memset(line, 0, sizeof(line)); /* it may have held a secret */
    line_len = 0;
    over_len = 0;
}

/*
 * Returns true when the next character typed falls in a secret argument
 * or after one: the line so far starts with a command that has one, and
 * the secret's word has begun (or the line has overflowed).
 */
static bool is_secret_next(void)
{
    char *argv[CONSOLE_ARGS_MAX];
    bool is_over;
    memcpy(words_buf, line, line_len);
    words_buf[line_len] = '\0';
    int argc = split_words(words_buf, argv, (int)CONSOLE_ARGS_MAX, &is_over);
    /* the word the next character extends, or starts */
    int at = (line_len == 0u || line[line_len - 1u] == ' ') ? argc : argc - 1;
    bool is_secret = false;
    for (size_t i = 0; i < console_cmd_count && !is_secret; i++) {
        for (size_t j = 0; j < console_secret_arg_count && !is_secret; j++) {
            const struct console_secret_arg *sa = &console_secret_args[j];
            int n = strcmp(sa->name, console_cmds[i].name) == 0
                        ? match_words(&console_cmds[i], argc, argv)
                        : 0;
            is_secret = n > 0 && (over_len > 0u || is_over || at >= n + sa->arg - 1);
        }
    }
    memset(words_buf, 0, sizeof(words_buf));
    return is_secret;
}

/* Runs the line; its output (a report's too) and then the prompt go out from pump(). */
static void end_line(void)
{
    console_puts("\n");
    if (over_len > 0u) {
        console_fail(-E2BIG, "line too long (max %u characters), ignored",
                     (unsigned)CONSOLE_LINE_MAX);
    } else {
        line[line_len] = '\0';
        (void)execute(line);
    }
    clear_line();
    is_prompt_due = true;
}

static void erase_char(void)
{
    if (over_len > 0u) {
        over_len--;
    } else if (line_len > 0u) {
        line_len--;
    } else {
        return;
    }
    console_puts("\b \b");
}

static void add_char(char c)
{
    char echo = is_secret_next() ? '*' : c;
    if (line_len < CONSOLE_LINE_MAX) {
        line[line_len++] = c;
    } else if (over_len < UINT32_MAX) {
        over_len++;
    }
    tx_text(&echo, 1);
}

/* Returns true when the byte belonged to an escape sequence (swallowed). */
static bool is_escape_byte(unsigned char c)
{
    if (c == CH_ESC) {
        esc = ESC_START;
        esc_len = 0;
        return true;
    }
    if (esc == ESC_NONE) {
        return false;
    }
    if (c < 0x20u || c == CH_DEL || c >= 0x80u || ++esc_len > ESC_SEQ_MAX) {
        /* not part of any sequence: abandon it, let the editor see c */
        esc = ESC_NONE;
        return c >= 0x80u;
    }
    switch (esc) {
    case ESC_START: esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE; break;
    case ESC_CSI:
        if (c >= 0x40u) {
            esc = ESC_NONE; /* final byte */
        }
        break;
    default: esc = ESC_NONE; break;
    }
    return true;
}

int console_input_char(char ch)
{
    unsigned char c = (unsigned char)ch;
    if (console_is_busy()) {
        return -EBUSY; /* its echo would come before what waits */
    }
    bool was_cr = is_after_cr;
    is_after_cr = false;

    if (is_escape_byte(c)) {
        return 0;
    }
    switch (c) {
    case CH_CR:
        is_after_cr = true;
        end_line();
        break;
    case CH_LF:
        if (!was_cr) {
            end_line();
        }
        break;
    case CH_BS:
    case CH_DEL: erase_char(); break;
    case CH_CTRL_C:
    case CH_CTRL_U:
        console_puts(c == CH_CTRL_C ? "^C\n" : "^U\n");
        clear_line();
        is_prompt_due = true;
        break;
    default:
        if (c >= 0x20u && c < 0x7Fu) {
            add_char((char)c);
        }
        break; /* other control bytes and non-ASCII: ignored */
    }
    pump();
    return 0;
}

int console_poll(void)
{
    int n = 0;
    pump();
    while (in_getc != NULL && n < (int)CONSOLE_POLL_MAX && !console_is_busy() && has_room()) {
        int c = in_getc();
        if (c < 0) {
            break;
        }
        (void)console_input_char((char)c);
        n++;
    }
    pump();
    return n;
}

void console_init(console_write_fn write, console_getc_fn getc)
{
    out_write = write;
    in_getc = getc;
    tx_head = 0;
    tx_len = 0;
    tx_dropped = 0;
    clear_line();
    is_after_cr = false;
    esc = ESC_NONE;
    esc_len = 0;
    report = NULL;
    report_step = 0;
    is_prompt_due = true;
    commands_reset();
    console_puts("\n");
    pump();
}
