/*
 * The console's command table, shared by the dispatcher (console.c) and
 * the commands (commands.c and the cmd_*.c files, one per group), and what
 * the commands share. Not for the rest of the appliance: it talks to the
 * console through console.h only.
 */
#ifndef CONSOLE_COMMANDS_H
#define CONSOLE_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app_key_info;
struct app_status;
struct settings;

struct console_cmd {
    const char *name; /* command words, space separated: "ntp acl clear" */
    const char *args; /* argument syntax for help and usage errors, "" for none */
    const char *help; /* one line */
    uint8_t min_args; /* words after the command words */
    uint8_t max_args;
    /* Runs with the words after the command words. Returns 0, or a
     * negative errno after printing one "error: ..." line. */
    int (*run)(int argc, char *argv[]);
};

/*
 * An argument that is a secret: the line editor echoes it, and whatever
 * follows it on the line, as '*'.
 */
struct console_secret_arg {
    const char *name; /* the command's, as in console_cmds[] */
    uint8_t arg;      /* 1-based, after the command words */
};

/* Every command, in the order help lists them. */
extern const struct console_cmd console_cmds[];
extern const size_t console_cmd_count;

/* The commands' secret arguments. */
extern const struct console_secret_arg console_secret_args[];
extern const size_t console_secret_arg_count;

/* The help command (console.c: it walks the table). Returns 0 or -EINVAL. */
int console_cmd_help(int argc, char *argv[]);

/*
 * One step of a long report (help, status, config show): prints step
 * number step (0, 1, 2, ...), at most CONSOLE_STEP_MAX bytes as sent (one
 * line, or two), possibly nothing. Returns true while steps remain, false
 * after the last one. A report prints from a snapshot its command took:
 * nothing else runs on the console until it has ended.
 */
typedef bool (*console_report_fn)(unsigned step);

/*
 * Has the console print report after the running command returns, a step
 * at a time as the UART drains (console_poll()), then the prompt. A
 * command calls it at most once, as its last action, and returns 0.
 */
void console_start_report(console_report_fn report);

/* Forgets unsaved changes (console_init). */
void commands_reset(void);

/* Prints "error: <text>" as one line. Returns err. */
int console_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns true when a and b are the same word, ignoring ASCII case. */
bool console_is_word(const char *a, const char *b);

/* ------------------------------- shared by the commands (commands.c) -- */

/*
 * Starts a settings change. Returns the settings in effect, read now into
 * the buffer the command changes and then hands to commands_commit().
 */
struct settings *commands_begin(void);

/*
 * Ends a settings change: has config_validate() check the changed settings
 * as a whole, hands them to the app and says so ("ok ...", or "ok
 * (unchanged)" when nothing changed). Returns 0 or a negative errno, printed.
 */
int commands_commit(void);

/* Returns the settings in effect, read now (into commands_begin()'s buffer). */
const struct settings *commands_read_settings(void);

/* Returns the app's status, read now into a buffer the commands share. */
const struct app_status *commands_read_status(void);

/*
 * Returns the keys held (ids, types, lengths), read now into a buffer the
 * commands share, and their number in *count.
 */
const struct app_key_info *commands_read_keys(unsigned *count);

/* Parses a key id, 1..4294967295, into *id. Returns 0 or -EINVAL / -ERANGE, printed. */
int commands_parse_key_id(const char *arg, uint32_t *id);

/* Returns true when settings changed since the last save or reset. */
bool commands_has_unsaved(void);

/* Records whether settings changed since what is stored (save, factory-reset). */
void commands_set_unsaved(bool is_changed);

/* Prints the usage line of the command called name. Returns -EINVAL. */
int commands_usage(const char *name);

/*
 * The commands, one group per file. Each runs with the words after its
 * command words and returns 0, or a negative errno after printing one
 * "error: ..." line.
 */

/* cmd_time.c */
int cmd_time_set(int argc, char *argv[]);
int cmd_time_adjust(int argc, char *argv[]);
int cmd_leap_insert(int argc, char *argv[]);
int cmd_leap_delete(int argc, char *argv[]);
int cmd_leap_cancel(int argc, char *argv[]);

/* cmd_net.c */
int cmd_net_dhcp(int argc, char *argv[]);
int cmd_net_ip(int argc, char *argv[]);
int cmd_net_mac(int argc, char *argv[]);
int cmd_net_stats(int argc, char *argv[]);

/* cmd_ntp.c */
int cmd_ntp_stratum(int argc, char *argv[]);
int cmd_ntp_refid(int argc, char *argv[]);
int cmd_ntp_ratelimit(int argc, char *argv[]);
int cmd_ntp_allow(int argc, char *argv[]);
int cmd_ntp_deny(int argc, char *argv[]);
int cmd_ntp_acl_clear(int argc, char *argv[]);
int cmd_ntp_mgmt(int argc, char *argv[]);
int cmd_upstream(int argc, char *argv[]);

/* cmd_keys.c */
int cmd_ntp_key_add(int argc, char *argv[]);
int cmd_ntp_key_remove(int argc, char *argv[]);
int cmd_ntp_key_list(int argc, char *argv[]);
int cmd_ntp_auth_require(int argc, char *argv[]);
int cmd_ntp_auth_optional(int argc, char *argv[]);

/* cmd_clock.c */
int cmd_clock_trim(int argc, char *argv[]);
int cmd_clock_drift(int argc, char *argv[]);
int cmd_clock_strict(int argc, char *argv[]);

/* cmd_rtc.c */
int cmd_rtc_chip(int argc, char *argv[]);
int cmd_rtc_sqw(int argc, char *argv[]);

/* cmd_status.c */
int cmd_status(int argc, char *argv[]);
int cmd_config_show(int argc, char *argv[]);

/* cmd_system.c */
int cmd_log(int argc, char *argv[]);
int cmd_save(int argc, char *argv[]);
int cmd_reboot(int argc, char *argv[]);
int cmd_factory_reset(int argc, char *argv[]);
int cmd_selftest_watchdog(int argc, char *argv[]);
int cmd_selftest_stack(int argc, char *argv[]);

#endif /* CONSOLE_COMMANDS_H */
