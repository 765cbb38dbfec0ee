/*
 * What the console needs from the rest of the appliance.
 *
 * The console parses and checks what the operator typed; everything it
 * reads or changes goes through these calls, implemented in main (and by a
 * recording fake in the unit tests). The app owns the one live copy of the
 * settings. The console calls in only from the main loop, never from an
 * interrupt, and only after it has validated the whole request, so a call
 * that returns an error must leave everything as it was.
 */
#ifndef CONSOLE_APP_H
#define CONSOLE_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "config/keys.h"

/* Busiest NTP clients listed by `status`. */
#define APP_TOP_CLIENTS 5

/* Is the time good enough to serve? `status` prints SYNCED or UNSET. */
enum app_time_state {
    APP_TIME_UNSET = 0,  /* never set, RTC lost power or stopped: LI 3 */
    APP_TIME_SYNCED = 1, /* trusted: served with LI 0 */
};

enum app_leap {
    APP_LEAP_NONE = 0,
    APP_LEAP_INSERT = 1, /* 23:59:60 at the end of the day */
    APP_LEAP_DELETE = 2, /* 23:59:59 skipped */
};

/* NTP server counters since boot. */
struct app_ntp_counters {
    uint32_t received;       /* datagrams on port 123 */
    uint32_t replied_mode2;  /* replies to symmetric active (mode 1) */
    uint32_t replied_mode4;  /* replies to clients (mode 3) */
    uint32_t replied_v[5];   /* replies by request version, index = version (0 unused) */
    uint32_t replied_xleave; /* of those, interleaved (RFC 5905 sec. 9, chrony xleave) */
    uint32_t drop_short;     /* shorter than the 48-byte header */
    uint32_t drop_mode;      /* modes not served (0, 2, 4, 5, 7) */
    uint32_t drop_version;   /* version 0 or above 4 */
    uint32_t drop_mssntp;    /* MS-SNTP authenticated requests (not a DC) */
    uint32_t drop_auth;      /* MAC with a key the appliance lacks, or a crypto-NAK */
    uint32_t drop_bad_mac;   /* MAC with a key it holds, digest wrong */
    uint32_t drop_unauth;    /* no MAC, from a subnet that must authenticate */
    uint32_t replied_auth;   /* time replies signed with the request's key */
    uint32_t drop_format;    /* malformed extension fields */
    uint32_t drop_acl;       /* refused by the access list */
    uint32_t drop_ratelimit; /* over the rate limit, no reply */
    uint32_t kod_sent;       /* Kiss-o'-Death replies (RATE, DENY, ...) */
    uint32_t mode6_replied;  /* control queries answered */
    uint32_t mode6_refused;  /* control queries from outside mgmt */
    uint32_t fast_path;      /* requests the fast path took (the rest went through lwIP) */
    uint32_t tx_done;        /* frames whose transmit-complete event the MAC stamped */
    uint32_t tx_done_lost;   /* transmit-complete events the main loop took too late */
};

struct app_client {
    uint32_t addr; /* IPv4, host byte order; 0 = empty entry */
    uint32_t requests;
};

/* A snapshot of everything `status` shows; filled by app_get_status(). */
struct app_status {
    /* time */
    int64_t now_ns; /* UTC now, ns since 1970-01-01 */
    enum app_time_state time_state;
    int64_t last_set_unix_s; /* 0 = never */
    enum config_time_source last_set_source;
    int64_t root_dispersion_ns; /* what replies carry now */
    int32_t freq_ppb;           /* estimated frequency correction in use */
    int64_t slew_left_ns;       /* part of `time adjust` not yet applied */
    enum app_leap leap;         /* pending leap second */
    int64_t leap_at_unix_s;     /* instant it takes effect (next day 00:00:00) */

    /* RTC */
    const char *rtc_chip;    /* "DS1307", "DS3231", ...; NULL = none found */
    uint8_t rtc_addr;        /* its I2C address, 0 = not known */
    const char *rtc_how;     /* "found at boot", "named in board.h", ...; NULL = not known */
    bool is_rtc_osc_stopped; /* OSF (or equivalent) was set: time lost */
    bool is_rtc_halted;      /* CH bit set: oscillator not running */
    uint32_t rtc_errors;     /* I2C transfers that failed */
    bool has_rtc_temp;       /* DS3231: the chip's temperature */
    int16_t rtc_temp_quarter_c;
    const char *rtc_edges;         /* "polled", "captured", ...; NULL = no RTC */
    const char *rtc_edge_pin;      /* the capture input ("PD5 (CCP2)") when captured */
    uint32_t rtc_captured;         /* captured edges taken */
    uint32_t rtc_capture_rejected; /* ... and not taken (glitches, late reads) */
    bool has_rtc_aging;            /* DS3231: its aging offset carries the trim */
    int8_t rtc_aging_lsb;          /* the offset in the chip */
    int32_t rtc_trim_rest_ppb;     /* the part of the trim the served time carries */

    /* settings EEPROM and the I2C bus */
    uint8_t eeprom_addr;    /* 0 = none found */
    const char *eeprom_how; /* "found at boot", "named in board.h" */
    uint32_t i2c_hz;
    uint32_t i2c_errors;       /* failed transfers */
    uint32_t i2c_recoveries;   /* bus clears: after a time-out, or a line found held low */
    uint32_t i2c_stuck_freed;  /* ... that freed SDA */
    uint32_t i2c_stuck_failed; /* ... that could not */

    /* system */
    uint32_t uptime_s;
    const char *reset_cause; /* wdt_reset_cause_name() */
    uint32_t stack_used;     /* deepest the main loop's stack has been since boot, bytes */
    uint32_t stack_size;     /* 0 = not measured */
    uint32_t irq_stack_used; /* the same for the interrupts' stack */
    uint32_t irq_stack_size;
    bool has_stack_guard; /* an overflow faults (MPU) instead of corrupting */
    uint32_t cpu_hz;      /* the core clock as brought up; 0 = not known */
    uint32_t cpu_nominal_hz;
    const char *cpu_source; /* "PLL, 8 MHz crystal", ... */

    /* network, as in use now */
    uint8_t mac[6];      /* the Ethernet address in use */
    const char *mac_how; /* "factory", "set with 'net mac'", ...; NULL = not known */
    bool is_link_up;
    bool is_link_full_duplex;
    uint16_t link_speed_mbps; /* 0 when the PHY does not say */
    bool is_dhcp;             /* address from DHCP (else static) */
    uint32_t net_addr;        /* 0 = none yet (DHCP still asking) */
    uint32_t net_mask;
    uint32_t net_gateway;  /* 0 = none */
    uint32_t dhcp_lease_s; /* lease length, 0 without DHCP */
    uint32_t dhcp_lease_left_s;
    /* another host claiming our address (ARP), since boot */
    uint32_t conflict_claims; /* 0 = never */
    uint32_t conflict_defences;
    uint8_t conflict_mac[6]; /* the last claimant */
    uint32_t conflict_addr;
    uint32_t conflict_age_s; /* since it was last seen */

    /* NTP service */
    struct app_ntp_counters ntp;
    struct app_client top_clients[APP_TOP_CLIENTS]; /* busiest first */
    unsigned top_client_count;

    /* settings store */
    enum config_store_status store_status;

    /* symmetric keys */
    unsigned key_count;                   /* held (in effect) */
    enum config_store_status keys_status; /* their record, as found at boot or since */

    /* the upstream client, since it was last (re)configured */
    uint32_t upstream_requests;
    uint32_t upstream_accepted;        /* replies taken as samples */
    uint32_t upstream_refused;         /* replies to our requests refused, all reasons */
    uint32_t upstream_unauthenticated; /* ... of which for their MAC or its lack */
    uint32_t upstream_lost;            /* requests with no reply in time */
    uint32_t upstream_key_missing;     /* rounds refused: its key not held, nothing sent */
    const char *upstream_last_refused; /* why the last was refused ("bad MAC"); NULL = none */
};

/* Fills *st with a consistent snapshot (zeroing what it does not know). */
void app_get_status(struct app_status *st);

/* One of the network stack's memory pools, or its heap. */
struct app_pool {
    const char *name; /* "heap", "UDP_PCB", "PBUF_POOL", ... */
    bool is_bytes;    /* counts are bytes (the heap), else elements */
    uint32_t used;    /* in use now */
    uint32_t size;    /* there are */
    uint32_t peak;    /* most in use at once since boot */
    uint32_t refused; /* allocations that failed since boot */
};

#define APP_POOLS_MAX 8

/* What `net stats` shows: the stack's memory and the Ethernet driver's counters. */
struct app_net_stats {
    struct app_pool pools[APP_POOLS_MAX];
    unsigned pool_count;
    uint32_t rx_frames;
    uint32_t rx_ring_full; /* frames dropped: the receive ring had no room */
    uint32_t rx_errors;    /* frames the MAC reported bad */
    uint32_t rx_malformed; /* dropped before the stack: UDP length disagrees with IP length */
    uint32_t tx_frames;
    uint32_t tx_errors;
    uint32_t arp_claims;   /* ARP packets of other hosts claiming our address */
    uint32_t arp_defences; /* our announcements in answer */
};

/* Fills *st with the network's memory use and counters now. */
void app_get_net_stats(struct app_net_stats *st);

/* A symmetric key as the console sees it: never its secret. */
struct app_key_info {
    uint32_t id;
    uint8_t type;       /* enum keys_type */
    uint8_t secret_len; /* bytes */
};

/* Fills out with the keys in effect, in the order added. Returns how many (0..KEYS_MAX). */
unsigned app_get_keys(struct app_key_info out[KEYS_MAX]);

/*
 * Adds k, or replaces the key with its id (*is_replaced says which), in
 * effect at once; app_save_settings() keeps it. Returns 0, -EINVAL (k fails
 * keys_check()) or -ENOSPC (KEYS_MAX keys held, k's id not among them),
 * nothing changed. The app keeps its own copy: the caller wipes k.
 */
int app_add_key(const struct key *k, bool *is_replaced);

/* Removes the key id, at once. Returns 0 or -ENOENT. */
int app_remove_key(uint32_t id);

/* Copies the settings in effect into *s. */
void app_get_settings(struct settings *s);

/*
 * Makes s (already validated) the settings in effect, applying at once what
 * is safe to apply. Returns 0, or a negative errno with nothing changed.
 */
int app_apply_settings(const struct settings *s);

/*
 * Returns true when settings in effect differ from what is running in a
 * way only a reboot applies (e.g. the network, if the app defers it).
 */
bool app_is_reboot_needed(void);

/*
 * Writes the settings in effect to the EEPROM (config_save()), and the
 * keys when they changed since they were stored (keys_save()). Returns 0,
 * or the error (-EIO when there is no EEPROM or the write failed,
 * -ENOTEMPTY when the keys were saved but their previous copy could not be
 * erased).
 */
int app_save_settings(void);

/*
 * Factory defaults: applies config_defaults(), removes every key, and
 * erases the stored settings and keys (config_erase(), keys_erase(): every
 * secret byte overwritten). Returns 0, or the erase's error (the RAM
 * settings are the defaults and no key is held either way).
 */
int app_factory_reset(void);

/*
 * Steps the clock to utc_ns (operator setting; the app writes the RTC and
 * records last_set as operator). Returns 0, -EINVAL (outside the RTC's
 * 2000..2099), -EIO (RTC write failed).
 */
int app_set_time(int64_t utc_ns);

/*
 * Slews the clock by offset_ns (positive: the clock moves ahead), |offset|
 * at most CONSOLE_ADJUST_MAX_NS. Returns 0, -ENODATA (time not set),
 * -EINVAL.
 */
int app_adjust_time(int64_t offset_ns);

/*
 * Schedules a leap second taking effect at at_unix_s (00:00:00 UTC after
 * the last day of a month), or cancels it (APP_LEAP_NONE, at_unix_s 0).
 * Returns 0 or -EINVAL.
 */
int app_set_leap(enum app_leap leap, int64_t at_unix_s);

/*
 * Asks for a reset. The app should let the console's output drain first
 * (console_tx_pending() == 0, then uart_flush()) and call
 * wdt_system_reset(); this call itself returns.
 */
void app_request_reboot(void);

/*
 * Watchdog self-test: after the console's output has drained, the main
 * loop stops feeding the watchdog and spins, as a hung loop would; the
 * watchdog must reset the appliance. This call itself returns.
 */
void app_watchdog_selftest(void);

/*
 * Overflows the main loop's stack once the console's output has left, so
 * the stack guard must catch it: the appliance reports a stack overflow
 * and resets. This call itself returns.
 */
void app_stack_selftest(void);

#endif /* CONSOLE_APP_H */
