/*
 * The console's command table, shared by the dispatcher (console.c) and
 * the commands (commands.c). Not for the rest of the appliance: it talks
 * to the console through console.h only.
 */
#ifndef CONSOLE_COMMANDS_H
#define CONSOLE_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console_cmd {
    const char *name;  /* command words, space separated: "ntp acl clear" */
    const char *args;  /* argument syntax for help and usage errors, "" for none */
    const char *help;  /* one line */
    uint8_t min_args;  /* words after the command words */
    uint8_t max_args;
    /* Runs with the words after the command words. Returns 0, or a
     * negative errno after printing one "error: ..." line. */
    int (*run)(int argc, char *argv[]);
};

/* Every command, in the order help lists them. */
extern const struct console_cmd console_cmds[];
extern const size_t console_cmd_count;

/* The help command (console.c: it walks the table). Returns 0 or -EINVAL. */
int console_cmd_help(int argc, char *argv[]);

/* Forgets unsaved changes (console_init). */
void commands_reset(void);

/* Prints "error: <text>" as one line. Returns err. */
int console_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns true when a and b are the same word, ignoring ASCII case. */
bool console_is_word(const char *a, const char *b);

#endif /* CONSOLE_COMMANDS_H */
