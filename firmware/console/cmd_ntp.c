/*
 * The console's NTP commands: ntp stratum, ntp refid, ntp ratelimit, the
 * access list (ntp allow, ntp deny, ntp acl clear), ntp mgmt (who may use
 * mode 6), and upstream (the server the appliance takes its time from,
 * and the key it must sign with). All are settings changes
 * (commands_begin/commands_commit).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"
#include "console/app.h"
#include "console/commands.h"
#include "console/console.h"
#include "console/text.h"

int cmd_ntp_stratum(int argc, char *argv[])
{
    (void)argc;
    int64_t v = 0;
    int err = text_parse_arg(argv[0], "stratum", CONFIG_STRATUM_MIN, CONFIG_STRATUM_MAX, &v);
    if (err != 0) {
        return err;
    }
    commands_begin()->stratum = (uint8_t)v;
    return commands_commit();
}

int cmd_ntp_refid(int argc, char *argv[])
{
    (void)argc;
    const char *id = argv[0];
    size_t len = strlen(id);
    bool is_ok = len >= 1u && len <= CONFIG_REFID_LEN;
    for (size_t i = 0; is_ok && i < len; i++) {
        is_ok = id[i] > ' ' && id[i] <= '~';
    }
    if (!is_ok) {
        return console_fail(-EINVAL, "bad refid '%s' (1..4 printable characters, e.g. LOCL, GPS)",
                            id);
    }
    struct settings *s = commands_begin();
    memset(s->refid, 0, sizeof(s->refid));
    memcpy(s->refid, id, len);
    return commands_commit();
}

int cmd_ntp_ratelimit(int argc, char *argv[])
{
    if (argc == 1 && console_is_word(argv[0], "off")) {
        commands_begin()->ratelimit_enabled = false;
        return commands_commit();
    }
    if (argc != 3) {
        return commands_usage("ntp ratelimit");
    }
    int64_t interval = 0, burst = 0, leak = 0;
    int err = text_parse_arg(argv[0], "interval_log2", CONFIG_RATELIMIT_INTERVAL_LOG2_MIN,
                             CONFIG_RATELIMIT_INTERVAL_LOG2_MAX, &interval);
    if (err == 0) {
        err = text_parse_arg(argv[1], "burst", CONFIG_RATELIMIT_BURST_MIN,
                             CONFIG_RATELIMIT_BURST_MAX, &burst);
    }
    if (err == 0) {
        err = text_parse_arg(argv[2], "leak", CONFIG_RATELIMIT_LEAK_LOG2_MIN,
                             CONFIG_RATELIMIT_LEAK_LOG2_MAX, &leak);
    }
    if (err != 0) {
        return err;
    }
    struct settings *s = commands_begin();
    s->ratelimit_enabled = true;
    s->ratelimit_interval_log2 = (int8_t)interval;
    s->ratelimit_burst = (uint8_t)burst;
    s->ratelimit_leak_log2 = (uint8_t)leak;
    return commands_commit();
}

static int add_acl(uint8_t action, const char *arg)
{
    uint32_t addr = 0;
    uint8_t prefix = 0;
    int err = text_parse_exact_subnet(arg, &addr, &prefix);
    if (err != 0) {
        return err;
    }
    struct settings *s = commands_begin();
    for (unsigned i = 0; i < s->acl_count && i < CONFIG_ACL_MAX; i++) {
        if (s->acl[i].addr == addr && s->acl[i].prefix == prefix) {
            s->acl[i].action = action; /* same subnet: the new word replaces the old */
            return commands_commit();
        }
    }
    if (s->acl_count >= CONFIG_ACL_MAX) {
        return console_fail(-ENOSPC, "access list full (%u entries); 'ntp acl clear' to start over",
                            (unsigned)CONFIG_ACL_MAX);
    }
    s->acl[s->acl_count++] =
        (struct config_acl_entry){ .action = action, .prefix = prefix, .addr = addr };
    return commands_commit();
}

int cmd_ntp_allow(int argc, char *argv[])
{
    (void)argc;
    return add_acl(CONFIG_ACL_ALLOW, argv[0]);
}

int cmd_ntp_deny(int argc, char *argv[])
{
    (void)argc;
    return add_acl(CONFIG_ACL_DENY, argv[0]);
}

int cmd_ntp_acl_clear(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct settings *s = commands_begin();
    s->acl_count = 0;
    memset(s->acl, 0, sizeof(s->acl));
    return commands_commit();
}

int cmd_ntp_mgmt(int argc, char *argv[])
{
    (void)argc;
    struct settings *s = commands_begin();
    if (console_is_word(argv[0], "none") || console_is_word(argv[0], "local")) {
        s->mgmt = console_is_word(argv[0], "none") ? CONFIG_MGMT_NONE : CONFIG_MGMT_LOCAL;
        s->mgmt_addr = 0;
        s->mgmt_prefix = 0;
        return commands_commit();
    }
    uint32_t addr = 0;
    uint8_t prefix = 0;
    int err = text_parse_exact_subnet(argv[0], &addr, &prefix);
    if (err != 0) {
        return err;
    }
    s->mgmt = CONFIG_MGMT_SUBNET;
    s->mgmt_addr = addr;
    s->mgmt_prefix = prefix;
    return commands_commit();
}

/* Returns true when the key store holds key id. */
static bool is_key_held(uint32_t id)
{
    unsigned count = 0;
    const struct app_key_info *held = commands_read_keys(&count);
    for (unsigned i = 0; i < count; i++) {
        if (held[i].id == id) {
            return true;
        }
    }
    return false;
}

/*
 * upstream <a.b.c.d> [key <id>] | off. A key need not be held yet (config
 * show pasted back names keys whose secrets must be typed again): the
 * upstream is then not asked until it is, and a note says so.
 */
int cmd_upstream(int argc, char *argv[])
{
    uint32_t addr = 0;
    uint32_t key_id = 0;
    if (argc == 2 || (argc == 3 && !console_is_word(argv[1], "key"))) {
        return commands_usage("upstream");
    }
    int err = text_parse_host_or_off(argv[0], &addr);
    if (err != 0) {
        return err;
    }
    if (argc == 3 && addr == 0u) {
        return console_fail(-EINVAL, "upstream off takes no key");
    }
    if (argc == 3) {
        err = commands_parse_key_id(argv[2], &key_id);
        if (err != 0) {
            return err;
        }
    }
    struct settings *s = commands_begin();
    s->upstream_addr = addr;
    s->upstream_key_id = key_id;
    err = commands_commit();
    if (err == 0 && key_id != 0u && !is_key_held(key_id)) {
        console_printf("note: no key %lu held: the upstream is not asked (nothing unsigned is "
                       "sent) until it is added with ntp key add %lu\n",
                       (unsigned long)key_id, (unsigned long)key_id);
    }
    return err;
}
