/*
 * The console's system commands: log (the syslog collector), save, reboot,
 * factory-reset, selftest watchdog.
 */
#include <stdint.h>

#include "config/config.h"
#include "console/app.h"
#include "console/commands.h"
#include "console/console.h"
#include "console/text.h"

int cmd_log(int argc, char *argv[])
{
    (void)argc;
    uint32_t addr = 0;
    int err = text_parse_host_or_off(argv[0], &addr);
    if (err != 0) {
        return err;
    }
    commands_begin()->syslog_addr = addr;
    return commands_commit();
}

int cmd_save(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int err = app_save_settings();
    if (err != 0) {
        return console_fail(err, "not saved (%s); the settings stay in effect until reboot",
                            text_errno(err));
    }
    commands_set_unsaved(false);
    console_puts("saved\n");
    return 0;
}

int cmd_reboot(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    if (commands_has_unsaved()) {
        console_puts("warning: unsaved changes are lost\n");
    }
    console_puts("rebooting...\n");
    app_request_reboot();
    return 0;
}

int cmd_selftest_watchdog(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    console_puts("main loop stopping; the watchdog resets the appliance in a few seconds\n");
    app_watchdog_selftest();
    return 0;
}

int cmd_selftest_stack(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    console_puts(
        "overflowing the main loop's stack; the guard must stop it and the appliance reset\n");
    app_stack_selftest();
    return 0;
}

int cmd_factory_reset(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int err = app_factory_reset();
    if (err != 0) {
        commands_set_unsaved(true); /* the old record may still load at boot */
        return console_fail(err, "defaults in effect, but the stored settings were not erased (%s)",
                            text_errno(err));
    }
    commands_set_unsaved(false);
    console_puts("factory defaults in effect; stored settings erased\n");
    if (app_is_reboot_needed()) {
        console_puts("note: reboot to apply the network settings\n");
    }
    return 0;
}
