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
#include "config/keys.h"
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
    struct keys keys;               /* the symmetric keys in effect (the engine's lookup) */
    struct config_state keys_state; /* their record in the EEPROM */
    bool are_keys_changed;          /* since they were stored: the next save writes them */
    struct rtc *rtc;                /* the board's, NULL when it did not answer */
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
    uint32_t i2c_recoveries_logged; /* bus recoveries already in the log */
    /* The RTC's square wave on the board's capture input (hal/sqw.h). */
    bool is_capture_on;       /* capture started, the RTC's 1 Hz output on */
    bool has_pending_edge;    /* a stamp waits for the read that numbers it */
    uint64_t pending_edge;    /* ... at this tick */
    uint64_t capture_on_tick; /* when capture started (or last came back) */
    bool was_capture_live;    /* as last logged */
    bool is_capture_missing_logged;
    uint8_t booted_rtc_chip; /* settings.rtc_chip the RTC driver was bound with */
    bool rtc_has_aging;      /* DS3231: the trim goes into its aging offset */
    int8_t rtc_aging_lsb;    /* ... which holds this */
    uint8_t mac[6];          /* the Ethernet address in use since boot */
    const char *mac_how;     /* how it was chosen (appliance_choose_mac) */
};

extern struct appliance appliance;

/*
 * Pushes settings s into the NTP engine (the key lookup and the subnets
 * that must authenticate with it), the clock and the network, and makes
 * them appliance.settings. Returns 0, -EINVAL (s fails config_validate())
 * or the clock's refusal, with nothing changed.
 */
int appliance_apply(const struct settings *s, bool boot);

/*
 * The key lookup hook (ntp.h's ntp_key_lookup_fn) of the NTP engine and
 * the upstream client: ctx is a struct keys (appliance.keys). Returns 0
 * with *key filled (a copy of the secret: the caller wipes it), or -ENOENT.
 */
int appliance_key_lookup(void *ctx, uint32_t key_id, struct ntp_key *key);

/*
 * Reads the key record into appliance.keys at boot and logs what it found:
 * how many keys, or why none (a damaged record costs the keys only), and
 * each entry it left out. Call after the settings' store is set up.
 */
void appliance_load_keys(void);

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

/*
 * Builds the clock configuration from settings. On a DS3231 the trim is
 * split (rtctrim.h): the chip's aging offset takes what it can, the served
 * time the rest.
 */
void appliance_clock_config(const struct settings *s, struct clock_config *cc);

/*
 * Logs the I2C bus's recoveries since the last look. A recovery follows a
 * failed transfer: call it after one.
 */
void appliance_i2c_watch(void);

/*
 * Starts or stops taking the RTC's edges from its square wave (the RTC's
 * 1 Hz output, the board's capture input, the clock's mode) as the
 * settings and the board say (rtc sqw), and logs what it did.
 */
void appliance_apply_edges(void);

/* On a DS3231, writes the aging offset the trim in effect asks for, if the chip holds another. */
void appliance_apply_aging(void);

#endif /* FIRMWARE_APPLIANCE_H */
