/*
 * The console's network commands: net dhcp, net ip (the static address,
 * which is also DHCP's fallback), net mac, which are settings changes
 * (commands_begin/commands_commit); and net stats, which only reads.
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

int cmd_net_dhcp(int argc, char *argv[])
{
    (void)argc;
    bool on = false;
    int err = text_parse_on_off(argv[0], &on);
    if (err != 0) {
        return err;
    }
    commands_begin()->dhcp_enabled = on;
    return commands_commit();
}

int cmd_net_ip(int argc, char *argv[])
{
    struct settings *s = commands_begin();
    if (argc == 1 && console_is_word(argv[0], "none")) {
        s->ip_addr = 0;
        s->ip_prefix = 0;
        s->gateway = 0;
        return commands_commit();
    }
    if (argc == 2 || (argc == 3 && !console_is_word(argv[1], "gw"))) {
        return commands_usage("net ip");
    }
    uint32_t addr = 0, gw = 0;
    uint8_t prefix = 0;
    if (text_parse_subnet(argv[0], true, &addr, &prefix) != 0 || prefix == 0u) {
        return console_fail(-EINVAL, "bad address '%s' (expected a.b.c.d/prefix, prefix 1..32)",
                            argv[0]);
    }
    if (argc == 3 && text_parse_ipv4(argv[2], &gw) != 0) {
        return console_fail(-EINVAL, "bad gateway '%s' (expected a.b.c.d)", argv[2]);
    }
    s->ip_addr = addr;
    s->ip_prefix = prefix;
    s->gateway = gw;
    bool is_dhcp = s->dhcp_enabled;
    int err = commands_commit();
    if (err == 0 && is_dhcp) {
        console_puts(
            "note: DHCP is on; this address serves when DHCP gives none, and after 'net dhcp off'\n");
    }
    return err;
}

int cmd_net_mac(int argc, char *argv[])
{
    (void)argc;
    struct settings *s = commands_begin();
    if (console_is_word(argv[0], "factory")) {
        if (s->mac_source == CONFIG_MAC_OPERATOR) {
            memset(s->mac, 0, sizeof(s->mac));
            s->mac_source = CONFIG_MAC_NONE;
        }
        return commands_commit();
    }
    uint8_t mac[6];
    if (text_parse_mac(argv[0], mac) != 0) {
        return console_fail(-EINVAL, "bad MAC address '%s' (expected aa:bb:cc:dd:ee:ff)", argv[0]);
    }
    memcpy(s->mac, mac, sizeof(mac));
    s->mac_source = CONFIG_MAC_OPERATOR;
    return commands_commit();
}

int cmd_net_stats(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    /* About 200 bytes, on the stack: static RAM is the scarcer resource
     * (`status` shows the main stack's deepest use at about half of it). */
    struct app_net_stats st;
    memset(&st, 0, sizeof(st));
    app_get_net_stats(&st);
    unsigned count = st.pool_count < APP_POOLS_MAX ? st.pool_count : APP_POOLS_MAX;
    for (unsigned i = 0; i < count; i++) {
        const struct app_pool *p = &st.pools[i];
        console_printf("lwip %s: %lu of %lu%s in use, peak %lu, refused %lu\n", p->name,
                       (unsigned long)p->used, (unsigned long)p->size, p->is_bytes ? " bytes" : "",
                       (unsigned long)p->peak, (unsigned long)p->refused);
    }
    console_printf("eth rx: %lu frames, ring full %lu, errors %lu, malformed %lu\n",
                   (unsigned long)st.rx_frames, (unsigned long)st.rx_ring_full,
                   (unsigned long)st.rx_errors, (unsigned long)st.rx_malformed);
    console_printf("eth tx: %lu frames, errors %lu\n", (unsigned long)st.tx_frames,
                   (unsigned long)st.tx_errors);
    console_printf("arp: our address claimed by another host %lu times, defended %lu times\n",
                   (unsigned long)st.arp_claims, (unsigned long)st.arp_defences);
    return 0;
}
