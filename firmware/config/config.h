/*
 * The appliance's settings and the record that keeps them in the EEPROM.
 *
 * struct settings holds everything an operator can change from the console.
 * It is kept in the AT24C32 beside the RTC as a versioned, CRC-checked
 * record in two page-aligned slots written alternately, so a power cut in
 * the middle of a save leaves the previous record intact. Fields are
 * serialized one by one in a fixed little-endian layout, never by copying
 * the struct, so the record does not depend on the compiler's padding.
 * Whatever is found in the EEPROM (blank, damaged, foreign, unreadable),
 * config_load() hands back settings that pass config_validate(): the
 * appliance never acts on garbage. The symmetric keys have a record of
 * their own in the slots after these (keys.h), so that a damaged key
 * record never costs the settings, nor the settings the keys.
 *
 * IPv4 addresses are uint32_t in host byte order: a.b.c.d is
 * a << 24 | b << 16 | c << 8 | d (convert with lwip_htonl at the netif).
 */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ options -- */

/* Access-list entries (chrony-style allow/deny subnets). */
#ifndef CONFIG_ACL_MAX
#define CONFIG_ACL_MAX 8
#endif

/* Subnets whose clients must authenticate (ntp auth require). */
#ifndef CONFIG_AUTH_MAX
#define CONFIG_AUTH_MAX 4
#endif

/* Where the two record slots start in the EEPROM; must be page aligned. */
#ifndef CONFIG_EEPROM_BASE
#define CONFIG_EEPROM_BASE 0u
#endif

/* AT24C32 page: a slot starts on a page so the two never share one. */
#ifndef CONFIG_EEPROM_PAGE
#define CONFIG_EEPROM_PAGE 32u
#endif

/* One slot: the v4 record is 154 bytes, the rest is room to grow. */
#ifndef CONFIG_SLOT_SIZE
#define CONFIG_SLOT_SIZE 256u
#endif

/* The AT24C32's size: everything stored must fit below it. */
#ifndef CONFIG_EEPROM_SIZE
#define CONFIG_EEPROM_SIZE 4096u
#endif

/* Reads are retried so one glitch on the I2C bus does not boot defaults. */
#ifndef CONFIG_READ_RETRIES
#define CONFIG_READ_RETRIES 3
#endif

/* Factory defaults. */
#ifndef CONFIG_DEFAULT_DHCP
#define CONFIG_DEFAULT_DHCP true
#endif
#ifndef CONFIG_DEFAULT_STRATUM
#define CONFIG_DEFAULT_STRATUM 1u
#endif
/* An uncalibrated local clock, as a Windows server with AnnounceFlags=5. */
#ifndef CONFIG_DEFAULT_REFID
#define CONFIG_DEFAULT_REFID "LOCL"
#endif
/*
 * chrony's ratelimit defaults (1 reply per 8 s, burst 8, leak 1 in 4), but
 * off: on a LAN, clients behind one NAT address would be kissed off.
 */
#ifndef CONFIG_DEFAULT_RATELIMIT_ENABLED
#define CONFIG_DEFAULT_RATELIMIT_ENABLED true
#endif
#ifndef CONFIG_DEFAULT_RATELIMIT_INTERVAL_LOG2
#define CONFIG_DEFAULT_RATELIMIT_INTERVAL_LOG2 (-2)
#endif
#ifndef CONFIG_DEFAULT_RATELIMIT_BURST
#define CONFIG_DEFAULT_RATELIMIT_BURST 64u
#endif
#ifndef CONFIG_DEFAULT_RATELIMIT_LEAK_LOG2
#define CONFIG_DEFAULT_RATELIMIT_LEAK_LOG2 2u
#endif
/* Mode 6 only to the local subnet (RFC 8633: trusted addresses only). */
#ifndef CONFIG_DEFAULT_MGMT
#define CONFIG_DEFAULT_MGMT CONFIG_MGMT_LOCAL
#endif
/* DS1307 with a typical crystal: +-20 ppm. */
#ifndef CONFIG_DEFAULT_RTC_DRIFT_PPB
#define CONFIG_DEFAULT_RTC_DRIFT_PPB 20000
#endif
#ifndef CONFIG_DEFAULT_STRICT_ENABLED
#define CONFIG_DEFAULT_STRICT_ENABLED false
#endif
/* NTPsec drops a server past 1.5 s of root distance. */
#ifndef CONFIG_DEFAULT_STRICT_MAX_MS
#define CONFIG_DEFAULT_STRICT_MAX_MS 1500u
#endif

/* -------------------------------------------------------------- limits -- */

#define CONFIG_REFID_LEN                   4u
#define CONFIG_STRATUM_MIN                 1u
#define CONFIG_STRATUM_MAX                 15u
#define CONFIG_RATELIMIT_INTERVAL_LOG2_MIN (-3) /* 8 replies/s sustained */
#define CONFIG_RATELIMIT_INTERVAL_LOG2_MAX 12   /* 4096 s between replies */
#define CONFIG_RATELIMIT_BURST_MIN         1u
#define CONFIG_RATELIMIT_BURST_MAX         255u
#define CONFIG_RATELIMIT_LEAK_LOG2_MIN     1u     /* 1 in 2 limited requests answered */
#define CONFIG_RATELIMIT_LEAK_LOG2_MAX     4u     /* 1 in 16 */
#define CONFIG_TRIM_PPB_MAX                500000 /* +-500 ppm: beyond any crystal */
#define CONFIG_RTC_DRIFT_PPB_MIN           1000   /* nobody's RTC is better than 1 ppm */
#define CONFIG_RTC_DRIFT_PPB_MAX           500000
#define CONFIG_STRICT_MAX_MS_MIN           1u
#define CONFIG_STRICT_MAX_MS_MAX           15000u /* Windows refuses 16 s and over */
/* The RTC holds 2000-01-01 .. 2099-12-31 (two-digit BCD year). */
#define CONFIG_UNIX_S_2000 946684800LL
#define CONFIG_UNIX_S_2100 4102444800LL

/* -------------------------------------------------------------- record -- */

#define CONFIG_MAGIC          0x4350544Eu /* "NTPC" as stored, little-endian */
#define CONFIG_FORMAT_VERSION 4u
#define CONFIG_HEADER_LEN     12u  /* magic 4, version 2, length 2, sequence 4 */
#define CONFIG_PAYLOAD_LEN    138u /* format version 4, see config.c */
#define CONFIG_PAYLOAD_LEN_V3 113u /* format version 3 (still loaded: keys optional everywhere) */
#define CONFIG_PAYLOAD_LEN_V2                                                                      \
    111u /* format version 2 (still loaded: also the RTC chip and edges as found) */
#define CONFIG_PAYLOAD_LEN_V1 104u /* format version 1 (still loaded: also its MAC is none) */
#define CONFIG_CRC_LEN        4u
#define CONFIG_RECORD_LEN     (CONFIG_HEADER_LEN + CONFIG_PAYLOAD_LEN + CONFIG_CRC_LEN)
/* Offsets inside a record (tests and tools reach into it). */
#define CONFIG_OFF_MAGIC   0u
#define CONFIG_OFF_VERSION 4u
#define CONFIG_OFF_LENGTH  6u
#define CONFIG_OFF_SEQ     8u
#define CONFIG_OFF_PAYLOAD CONFIG_HEADER_LEN
#define CONFIG_SLOT_COUNT  2u
/* Bytes of EEPROM the settings occupy from CONFIG_EEPROM_BASE. */
#define CONFIG_AREA_LEN (CONFIG_SLOT_COUNT * CONFIG_SLOT_SIZE)

_Static_assert(CONFIG_RECORD_LEN <= CONFIG_SLOT_SIZE, "record must fit its slot");
_Static_assert(CONFIG_SLOT_SIZE % CONFIG_EEPROM_PAGE == 0, "slots must be page aligned");
_Static_assert(CONFIG_EEPROM_BASE % CONFIG_EEPROM_PAGE == 0, "slots must be page aligned");

/* ------------------------------------------------------------ settings -- */

enum config_acl_action {
    CONFIG_ACL_ALLOW = 1,
    CONFIG_ACL_DENY = 2,
};

struct config_acl_entry {
    uint8_t action; /* enum config_acl_action */
    uint8_t prefix; /* 0..32 */
    uint32_t addr;  /* subnet address, no bits set past the prefix */
};

struct config_subnet {
    uint8_t prefix; /* 0..32 */
    uint32_t addr;  /* no bits set past the prefix; 0.0.0.0/0 is every address */
};

/* Who may send mode 6 (ntpq) queries. */
enum config_mgmt {
    CONFIG_MGMT_NONE = 0,   /* nobody */
    CONFIG_MGMT_LOCAL = 1,  /* hosts on the appliance's own subnet */
    CONFIG_MGMT_SUBNET = 2, /* mgmt_addr/mgmt_prefix */
};

/* Where the Ethernet address in the settings came from. */
enum config_mac_source {
    CONFIG_MAC_NONE = 0,      /* none stored: the chip's factory address (or one is generated) */
    CONFIG_MAC_OPERATOR = 1,  /* `net mac`: used instead of any factory address */
    CONFIG_MAC_GENERATED = 2, /* chosen at random once, for a chip with no factory address */
};

/*
 * Which RTC chip to drive. The values are hal/rtc.h's enum rtc_chip's
 * (firmware/ includes no driver header; main.c passes the value on).
 */
enum config_rtc_chip {
    CONFIG_RTC_CHIP_AUTO = 0, /* the board's (board.h), else as found at boot */
    CONFIG_RTC_CHIP_DS1307 = 1,
    CONFIG_RTC_CHIP_DS1338 = 2,
    CONFIG_RTC_CHIP_DS3231 = 3,
};

/* Where the RTC's second edges come from. */
enum config_rtc_sqw {
    CONFIG_RTC_SQW_BOARD = 0,   /* as the board is built (its BOARD_RTC_SQW_CAPTURE) */
    CONFIG_RTC_SQW_POLL = 1,    /* reading the seconds register until it changes */
    CONFIG_RTC_SQW_CAPTURE = 2, /* the 1 Hz square wave on the board's timer capture pin */
};

/* What last set the clock. */
enum config_time_source {
    CONFIG_TIME_SOURCE_NONE = 0,     /* never set */
    CONFIG_TIME_SOURCE_OPERATOR = 1, /* `time set` on the console */
    CONFIG_TIME_SOURCE_UPSTREAM = 2, /* the configured upstream NTP server */
};

struct settings {
    /* network */
    bool dhcp_enabled;
    uint32_t ip_addr;   /* static address, 0 = none configured */
    uint8_t ip_prefix;  /* 1..32 with an address, 0 without */
    uint32_t gateway;   /* 0 = none */
    uint8_t mac[6];     /* all zero with CONFIG_MAC_NONE; else unicast */
    uint8_t mac_source; /* enum config_mac_source */

    /* NTP service */
    uint8_t stratum;              /* 1..15 */
    char refid[CONFIG_REFID_LEN]; /* 1..4 printable ASCII, NUL padded, not terminated */
    bool ratelimit_enabled;
    int8_t ratelimit_interval_log2; /* one reply per 2^n s per client */
    uint8_t ratelimit_burst;        /* replies allowed above the rate */
    uint8_t ratelimit_leak_log2;    /* 1 in 2^n limited requests answered anyway */
    uint8_t acl_count;              /* entries used in acl[] */
    struct config_acl_entry acl[CONFIG_ACL_MAX];
    uint8_t mgmt;       /* enum config_mgmt */
    uint32_t mgmt_addr; /* CONFIG_MGMT_SUBNET only, else 0 */
    uint8_t mgmt_prefix;
    /* Subnets whose clients must authenticate with a key (none: keys optional everywhere). */
    uint8_t auth_count;
    struct config_subnet auth[CONFIG_AUTH_MAX];

    /* peers */
    uint32_t upstream_addr;   /* NTP server to follow, 0 = off */
    uint32_t upstream_key_id; /* symmetric key it must sign with (keys.h), 0 = none */
    uint32_t syslog_addr;     /* syslog target, 0 = off */

    /* clock */
    int32_t clock_trim_ppb;  /* correction to the timestamp oscillator */
    int32_t rtc_drift_ppb;   /* rated RTC drift: dispersion growth in holdover */
    bool strict_enabled;     /* stop serving (LI 3) past strict_max_ms */
    uint32_t strict_max_ms;  /* root dispersion limit while strict */
    int64_t last_set_unix_s; /* when the time was last set, 0 = never */
    uint8_t last_set_source; /* enum config_time_source */

    /* RTC module */
    uint8_t rtc_chip; /* enum config_rtc_chip */
    uint8_t rtc_sqw;  /* enum config_rtc_sqw */
};

/* ------------------------------------------------------------- storage -- */

/*
 * The EEPROM as the settings store sees it. read/write return 0 or a
 * negative errno (-EIO, -ETIMEDOUT); write handles pages and waits for the
 * write cycle itself (the lead wraps at24_read/at24_write).
 */
struct config_store {
    int (*read)(void *ctx, uint16_t off, void *buf, size_t len);
    int (*write)(void *ctx, uint16_t off, const void *buf, size_t len);
    void *ctx;
};

/* What config_load() found; config_status_text() words it for the console. */
enum config_store_status {
    CONFIG_STORE_NOT_LOADED = 0,
    CONFIG_STORE_OK,          /* a valid record is in use */
    CONFIG_STORE_EMPTY,       /* blank EEPROM (all 0xFF): defaults */
    CONFIG_STORE_BAD_CRC,     /* damaged record: defaults */
    CONFIG_STORE_BAD_VERSION, /* intact record of another format version: defaults */
    CONFIG_STORE_FOREIGN,     /* not a settings record (magic): defaults */
    CONFIG_STORE_BAD_VALUES,  /* intact record with out-of-range values: defaults */
    CONFIG_STORE_NO_EEPROM,   /* the EEPROM does not answer: defaults */
};

/* Caller-owned state of the store between load, save and erase. */
struct config_state {
    const struct config_store *store;
    enum config_store_status status;
    enum config_store_status slot_status[CONFIG_SLOT_COUNT]; /* each slot as found */
    uint32_t seq;      /* sequence of the newest record seen or written */
    uint8_t next_slot; /* where the next save goes: never the record in use */
};

/* Fills s with the factory defaults (they pass config_validate()). */
void config_defaults(struct settings *s);

/*
 * Checks every field of s. Returns 0, or -EINVAL with *why (if why is not
 * NULL) pointing to a short static text naming the first problem.
 */
int config_validate(const struct settings *s, const char **why);

/* Returns true when a and b hold the same settings (padding ignored). */
bool config_is_equal(const struct settings *a, const struct settings *b);

/*
 * Reads both slots and fills *out with the newest valid record, or with
 * defaults. Returns 0 (a record loaded), -ENODATA (blank EEPROM), -EBADMSG
 * (damaged, foreign, other version or bad values), -EIO (EEPROM not
 * answering). st->status says which; *out is always valid.
 */
int config_load(struct config_state *st, const struct config_store *store, struct settings *out);

/*
 * Writes s as a new record into the slot not in use and reads it back.
 * Returns 0, -EINVAL (s fails config_validate(), nothing written), or the
 * store's error / -EIO (write failed or did not read back; the previous
 * record is untouched and stays the one loaded at boot).
 */
int config_save(struct config_state *st, const struct settings *s);

/*
 * Erases both slots (all 0xFF: the next boot finds an empty store).
 * Returns 0 or the store's error / -EIO.
 */
int config_erase(struct config_state *st);

/* Returns a short text for the console: "ok", "empty, using defaults", ... */
const char *config_status_text(enum config_store_status status);

/*
 * Serializes s with sequence number seq into a complete record, CRC
 * included (s is not validated here).
 */
void config_encode(const struct settings *s, uint32_t seq, uint8_t rec[CONFIG_RECORD_LEN]);

/* Returns the netmask of a prefix length (0..32; larger counts as 32). */
uint32_t config_prefix_mask(uint8_t prefix);

#endif /* CONFIG_CONFIG_H */
