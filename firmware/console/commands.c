/*
 * The console's command table, and what its commands share: the settings
 * change (begin, validate, apply), the unsaved-changes flag, the buffers
 * for the app's status and settings, the usage line.
 *
 * Each command parses and checks all of its arguments first; a settings
 * command then builds the complete new settings, has config_validate()
 * check them as a whole, and only then hands them to the app. A refusal
 * therefore prints one "error: ..." line and changes nothing. The commands
 * live in one file per group (cmd_time.c, cmd_net.c, cmd_ntp.c, cmd_keys.c,
 * cmd_clock.c, cmd_rtc.c, cmd_status.c, cmd_system.c); what they print and parse goes
 * through the console's text module (text.h).
 */
#include "console/commands.h"

#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "console/app.h"
#include "console/console.h"
#include "console/text.h"

/* Settings changed from the console since the last save or reset. */
static bool is_unsaved;

/* Large, so kept off the stack; commands never run re-entrantly. */
static struct app_status status;
static struct settings next;
static struct app_key_info keys[KEYS_MAX];

void commands_reset(void)
{
    is_unsaved = false;
}

int commands_usage(const char *name)
{
    for (size_t i = 0; i < console_cmd_count; i++) {
        if (strcmp(console_cmds[i].name, name) == 0) {
            return console_fail(-EINVAL, "usage: %s %s", name, console_cmds[i].args);
        }
    }
    return console_fail(-EINVAL, "usage: %s", name);
}

/* --------------------------------------------------- settings changes -- */

bool commands_has_unsaved(void)
{
    return is_unsaved;
}

void commands_set_unsaved(bool is_changed)
{
    is_unsaved = is_changed;
}

const struct app_status *commands_read_status(void)
{
    memset(&status, 0, sizeof(status));
    app_get_status(&status);
    return &status;
}

const struct app_key_info *commands_read_keys(unsigned *count)
{
    *count = app_get_keys(keys);
    return keys;
}

struct settings *commands_begin(void)
{
    app_get_settings(&next);
    return &next;
}

const struct settings *commands_read_settings(void)
{
    return commands_begin();
}

int commands_commit(void)
{
    static struct settings cur;
    const char *why = NULL;
    if (config_validate(&next, &why) != 0) {
        return console_fail(-EINVAL, "%s", why != NULL ? why : "invalid settings");
    }
    app_get_settings(&cur);
    if (config_is_equal(&cur, &next)) {
        console_puts("ok (unchanged)\n");
        return 0;
    }
    int err = app_apply_settings(&next);
    if (err != 0) {
        return console_fail(err, "not applied (%s); nothing changed", text_errno(err));
    }
    is_unsaved = true;
    console_puts("ok (not saved yet: 'save' keeps it after a power cut)\n");
    if (app_is_reboot_needed()) {
        console_puts("note: takes effect after save and reboot\n");
    }
    return 0;
}

/* -------------------------------------------------------------- table -- */

const struct console_cmd console_cmds[] = {
    { "help", "[<command>]", "list the commands (or those of one group)", 0, 1, console_cmd_help },
    { "status", "", "time, state, RTC, network, NTP counters, store", 0, 0, cmd_status },
    { "time set", TEXT_TIME_SYNTAX, "set the clock (UTC, 2000..2099)", 1, 1, cmd_time_set },
    { "time adjust", "<+|-><n>[.<frac>]<s|ms|us|ns>", "slew the clock (at most 2 s)", 1, 1,
      cmd_time_adjust },
    { "leap insert", "<YYYY-MM-DD>", "leap second after 23:59:59 of a month's last day", 1, 1,
      cmd_leap_insert },
    { "leap delete", "<YYYY-MM-DD>", "skip 23:59:59 of a month's last day", 1, 1, cmd_leap_delete },
    { "leap cancel", "", "cancel the pending leap second", 0, 0, cmd_leap_cancel },
    { "net dhcp", "on|off", "address from DHCP, or the static one", 1, 1, cmd_net_dhcp },
    { "net ip", "<a.b.c.d>/<prefix> [gw <a.b.c.d>] | none", "static address", 1, 3, cmd_net_ip },
    { "net mac", "<aa:bb:cc:dd:ee:ff> | factory", "Ethernet address from the next boot", 1, 1,
      cmd_net_mac },
    { "net stats", "", "network memory (lwIP heap, pools) and frame counters", 0, 0,
      cmd_net_stats },
    { "ntp stratum", "<1..15>", "stratum served", 1, 1, cmd_ntp_stratum },
    { "ntp refid", "<1..4 chars>", "reference id served (LOCL, GPS, ...)", 1, 1, cmd_ntp_refid },
    { "ntp ratelimit", "<interval_log2> <burst> <leak> | off",
      "per-client rate limit (-3..12, 1..255, 1..4)", 1, 3, cmd_ntp_ratelimit },
    { "ntp allow", "<a.b.c.d>[/<prefix>]", "serve a subnet (most specific entry wins)", 1, 1,
      cmd_ntp_allow },
    { "ntp deny", "<a.b.c.d>[/<prefix>]", "refuse a subnet", 1, 1, cmd_ntp_deny },
    { "ntp acl clear", "", "empty the access list (serve everyone)", 0, 0, cmd_ntp_acl_clear },
    { "ntp mgmt", "<a.b.c.d>[/<prefix>] | local | none", "who may query mode 6 (ntpq)", 1, 1,
      cmd_ntp_mgmt },
    { "ntp key add", "<id> md5|sha1|aes128 HEX:<hex>|ASCII:<text>",
      "add or replace a key (id 1..4294967295; never shown again)", 3, 3, cmd_ntp_key_add },
    { "ntp key remove", "<id>", "remove a key", 1, 1, cmd_ntp_key_remove },
    { "ntp key list", "", "key ids, types and lengths (never the secrets), the policy", 0, 0,
      cmd_ntp_key_list },
    { "ntp auth require", "<a.b.c.d>[/<prefix>] | all",
      "clients there must use a key (up to 4 subnets)", 1, 1, cmd_ntp_auth_require },
    { "ntp auth optional", "", "keys optional for every client (the default)", 0, 0,
      cmd_ntp_auth_optional },
    { "upstream", "<a.b.c.d> [key <id>] | off",
      "NTP server to take the time from (with a key: it must sign)", 1, 3, cmd_upstream },
    { "log", "<a.b.c.d> | off", "syslog target", 1, 1, cmd_log },
    { "clock trim", "<ppb>", "RTC rate correction (-500000..500000; DS3231: aging offset)", 1, 1,
      cmd_clock_trim },
    { "clock drift", "<ppb>", "rated RTC drift (1000..500000)", 1, 1, cmd_clock_drift },
    { "clock strict", "on <max_ms> | off", "unsynchronized past max_ms dispersion", 1, 2,
      cmd_clock_strict },
    { "rtc chip", "auto|ds1307|ds1338|ds3231", "the RTC chip, from the next boot (auto: as found)",
      1, 1, cmd_rtc_chip },
    { "rtc sqw", "capture|poll|board", "second edges from the RTC's square wave, or polled", 1, 1,
      cmd_rtc_sqw },
    { "config show", "", "every setting, as commands to paste back", 0, 0, cmd_config_show },
    { "save", "", "keep the settings after a power cut", 0, 0, cmd_save },
    { "reboot", "", "restart the appliance", 0, 0, cmd_reboot },
    { "factory-reset", "", "defaults now, stored settings erased", 0, 0, cmd_factory_reset },
    { "selftest watchdog", "", "stop the main loop: the watchdog must reset the appliance", 0, 0,
      cmd_selftest_watchdog },
    { "selftest stack", "", "overflow the stack: its guard must stop it and reset the appliance", 0,
      0, cmd_selftest_stack },
};

const size_t console_cmd_count = sizeof(console_cmds) / sizeof(console_cmds[0]);

const struct console_secret_arg console_secret_args[] = {
    { "ntp key add", 3 },
};

const size_t console_secret_arg_count =
    sizeof(console_secret_args) / sizeof(console_secret_args[0]);
