/*
 * The operator's console on UART0: a line editor and command dispatcher.
 *
 * It never waits: the main loop hands it received bytes one at a time
 * (console_input_char(), or console_poll() reading a getc function) and
 * it writes through a non-blocking write function. What that function does
 * not accept waits in the console's own buffer and goes out on later calls;
 * if even that fills, the excess is dropped, never waited for.
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

/* Feeds one received byte to the line editor (runs the command on Enter). */
void console_input_char(char c);

/*
 * Reads up to CONSOLE_POLL_MAX bytes from getc into the editor and pushes
 * waiting output. Returns the number of bytes read.
 */
int console_poll(void);

/*
 * Runs one command line as if typed (no echo, no prompt). Returns 0, or
 * after printing one "error: ..." line the negative errno of the refusal:
 * -EINVAL (unknown command, bad argument), -ERANGE (number out of range),
 * -E2BIG (line over CONSOLE_LINE_MAX), -ENOSPC (access list full), or the
 * error the app returned.
 */
int console_execute(const char *line);

/* Prints formatted text; "\n" goes out as CRLF. No floats. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints s as console_printf("%s", s) would. */
void console_puts(const char *s);

/* Returns the bytes still waiting in the console's buffer. */
size_t console_tx_pending(void);

/* Returns the bytes dropped because the console's buffer was full. */
uint32_t console_tx_dropped(void);

#endif /* CONSOLE_CONSOLE_H */
