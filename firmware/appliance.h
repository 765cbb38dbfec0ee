/*
 * The appliance's live state, shared by the main loop (main.c) and the
 * console backend (app.c). Everything is static; one instance.
 */
#ifndef FIRMWARE_APPLIANCE_H
#define FIRMWARE_APPLIANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "clock/clock.h"
#include "config/config.h"
#include "hal/rtc.h"
#include "net/net.h"
#include "ntp/ntp.h"

/* The firmware's build date: an RTC showing an earlier time has lost it. */
#ifndef APPLIANCE_BUILD_UNIX_S
#define APPLIANCE_BUILD_UNIX_S 1764000000LL /* 2025-11-24 */
#endif

/* Watchdog: the main loop feeds it on every pass; a stall resets the chip. */
#ifndef APPLIANCE_WDT_TIMEOUT_MS
#define APPLIANCE_WDT_TIMEOUT_MS 4000u
#endif

struct appliance {
    struct settings settings; /* in effect (RAM) */
    struct settings stored;   /* as in the EEPROM's record, when can_persist */
    bool can_persist;         /* record intact or EEPROM blank: state may be written */
    struct config_state store_state;
    struct config_store store;
    struct rtc *rtc; /* the board's, NULL when it did not answer */
    uint32_t rtc_errors;
    struct clock clock;
    struct clock_config clock_cfg;
    struct ntp_server ntp;
    struct ntp_clock_info ntp_info;                 /* refreshed every main-loop pass */
    uint32_t applied_local_net, applied_local_mask; /* mgmt "local" as applied */
    bool reboot_requested;
    bool hang_requested;     /* watchdog self-test */
    bool overflow_requested; /* stack guard self-test */
    bool reboot_needed;
    uint8_t mac[6];      /* the Ethernet address in use since boot */
    const char *mac_how; /* how it was chosen (appliance_choose_mac) */
};

extern struct appliance appliance;

/* Pushes appliance.settings into the NTP engine, the clock and the network. */
int appliance_apply(const struct settings *s, bool boot);

/* Re-applies the "local subnet" management list after an address change. */
void appliance_refresh_mgmt(void);

/*
 * Records that the time was set (operator or upstream) at unix_s: in the
 * settings in effect and, when the store holds an intact record (or none
 * yet), in the stored record at once, so the age of the time and the
 * century hint survive a power cut without saving other unsaved changes.
 */
void appliance_remember_set(enum config_time_source src, int64_t unix_s);

/*
 * The Ethernet address for this boot, by precedence: one set with `net
 * mac`; the chip's factory address; one generated for this board earlier;
 * else a new locally administered one, generated from what differs
 * between boards (the RTC's time and the phase of its second against the
 * MCU's clock) and stored at once (like appliance_remember_set). Fills mac
 * and returns how it was chosen, for the log.
 */
const char *appliance_choose_mac(uint8_t mac[6]);

/* Builds the clock configuration from settings. */
void appliance_clock_config(const struct settings *s, struct clock_config *cc);

#endif /* FIRMWARE_APPLIANCE_H */
