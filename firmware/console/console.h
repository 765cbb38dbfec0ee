/*
 * The operator's console on UART0: a line editor and command dispatcher.
 *
 * It never waits: the main loop hands it received bytes one at a time
 * (console_input_char(), or console_poll() reading a getc function) and
 * it writes through a non-blocking write function. What that function does
 * not accept waits in the console's own buffer and goes out on later calls.
 *
 * Output is produced only as fast as it drains, so none of it is dropped:
 * a command prints at most CONSOLE_STEP_MAX bytes at once, and the long
 * reports (help, status, config show) are printed a step (a line or two)
 * at a time, each step only when the buffer has CONSOLE_STEP_MAX bytes
 * free, then the prompt. console_poll() reads input only when the buffer
 * has that room and no report or prompt is waiting, so a line's output
 * always fits; input waits meanwhile in the UART's receive ring. (Only
 * callers that bypass console_poll(), feeding console_input_char() or
 * console_execute() into a full buffer, can make it drop; drops are
 * counted.)
 *
 * Editing: printable ASCII is echoed; backspace or DEL erase; CR, LF or
 * CRLF end the line; Ctrl-C and Ctrl-U discard it; escape sequences (arrow
 * keys) and other control bytes are ignored. A line longer than
 * CONSOLE_LINE_MAX is refused whole, never cut and run. Lines starting
 * with '#' are comments, so `config show` output can be pasted back.
 */
#ifndef CONSOLE_CONSOLE_H
#define CONSOLE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest accepted command line, in characters. */
#ifndef CONSOLE_LINE_MAX
#define CONSOLE_LINE_MAX 120u
#endif

/* Output waiting for the UART; the UART driver has its own ring besides. */
#ifndef CONSOLE_TX_BUF_SIZE
#define CONSOLE_TX_BUF_SIZE 1024u
#endif

/*
 * Room, in bytes as sent (CRs included), for what the console produces at
 * once: one command's own output with its echoed line end and the prompt
 * (an error line is at most 7 + 255 + 2 bytes), or one step of a report.
 */
#ifndef CONSOLE_STEP_MAX
#define CONSOLE_STEP_MAX 320u
#endif
_Static_assert(CONSOLE_STEP_MAX * 2u <= CONSOLE_TX_BUF_SIZE, "the buffer must hold two steps");

/* Bytes console_poll() takes per call, so a paste cannot hog the loop. */
#ifndef CONSOLE_POLL_MAX
#define CONSOLE_POLL_MAX 64u
#endif

/* Words on one line, command words included. */
#ifndef CONSOLE_ARGS_MAX
#define CONSOLE_ARGS_MAX 8u
#endif

#ifndef CONSOLE_PROMPT
#define CONSOLE_PROMPT "ntp> "
#endif

/*
 * Largest `time adjust` (2 s, so -1.5s works): at the 500 ppm a slew may
 * use that is over an hour of slewing; beyond it, set the time instead.
 */
#ifndef CONSOLE_ADJUST_MAX_NS
#define CONSOLE_ADJUST_MAX_NS 2000000000LL
#endif

/* Queues len bytes for the UART; returns how many it took (may be fewer). */
typedef size_t (*console_write_fn)(const char *buf, size_t len);

/* Returns the next received byte (0..255), or a negative errno when none. */
typedef int (*console_getc_fn)(void);

/*
 * Resets the console (empty line, empty output buffer, no unsaved changes)
 * and prints the prompt. write must not be NULL; getc may be NULL when
 * bytes come through console_input_char() only (uart_write and uart_getc
 * from hal/uart.h fit).
 */
void console_init(console_write_fn write, console_getc_fn getc);

/*
 * Feeds one received byte to the line editor (runs the command on Enter).
 * Returns 0, or -EBUSY when a report or the prompt is still waiting to go
 * out (console_is_busy()): the byte was not taken, offer it again later.
 */
int console_input_char(char c);

/*
 * Pushes waiting output, prints the next steps of a report as room allows,
 * then reads up to CONSOLE_POLL_MAX bytes from getc into the editor while
 * nothing waits to be printed and the buffer has CONSOLE_STEP_MAX bytes
 * free. Returns the number of bytes read.
 */
int console_poll(void);

/* Returns true while a report or the prompt after a line waits to be printed. */
bool console_is_busy(void);

/*
 * Runs one command line as if typed (no echo, no prompt). A report it
 * starts is printed now as far as room allows, the rest by console_poll().
 * Returns 0, -EBUSY (a report or prompt still waits to be printed: nothing
 * run, nothing printed), or after printing one "error: ..." line the
 * negative errno of the refusal: -EINVAL (unknown command, bad argument),
 * -ERANGE (number out of range), -E2BIG (line over CONSOLE_LINE_MAX),
 * -ENOSPC (access list full), or the error the app returned.
 */
int console_execute(const char *line);

/* Prints formatted text; "\n" goes out as CRLF. No floats. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints s as console_printf("%s", s) would. */
void console_puts(const char *s);

/* Returns the bytes still waiting in the console's buffer (a report's unprinted steps aside). */
size_t console_tx_pending(void);

/* Returns the bytes dropped because the console's buffer was full (0 through console_poll()). */
uint32_t console_tx_dropped(void);

#endif /* CONSOLE_CONSOLE_H */
