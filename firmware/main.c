/*
 * The appliance's main loop, in the shape of lwIP's NO_SYS sample:
 * answer the NTP requests and drain the receive ring into lwIP, run lwIP's
 * timers, discipline the clock against the battery RTC, serve the console,
 * feed the watchdog, then sleep until the next interrupt when nothing is
 * due. Frames come first in every pass: a request that wakes the loop is
 * answered before the pass does anything else.
 *
 * Interrupts only stamp and queue (Ethernet), count (SysTick) or buffer
 * (UART); every protocol step happens here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "appliance.h"
#include "console/console.h"
#include "hal/board.h"
#include "hal/cpu.h"
#include "hal/eth.h"
#include "hal/i2c.h"
#include "hal/sqw.h"
#include "hal/timer.h"
#include "hal/uart.h"
#include "hal/wdt.h"
#include "log.h"
#include "net/net.h"
#include "net/ntp_udp.h"
#include "services.h"

/* A full RTC read (with the oscillator-stop flag) at least this often, ms. */
#define RTC_FULL_READ_MS 5000u
/* A captured edge is numbered by a read this long after it, us. */
#define SQW_NUMBER_DELAY_US 2000u
/* Capture on and no edge this long: say so once, ms. */
#define SQW_MISSING_MS 3000u

struct appliance appliance;
static uint64_t last_full_rtc_read_ms;
static uint32_t seen_address_changes;
static bool rtc_full_read_due = true;

/* ---------------------------------------------------------- clock <-> RTC -- */

static uint64_t ticks_to_ntp(uint64_t ticks)
{
    return clock_ticks_to_ntp(&appliance.clock, ticks);
}

static uint64_t ticks_to_ntp_rate(uint64_t ticks, uint32_t *per_tick_q16)
{
    return clock_ticks_to_ntp_rate(&appliance.clock, ticks, per_tick_q16);
}

static const struct ntp_clock_info *ntp_info(void)
{
    return &appliance.ntp_info;
}

static const struct ntp_udp_clock ntp_clock = {
    .ticks_to_ntp = ticks_to_ntp,
    .ticks_to_ntp_rate = ticks_to_ntp_rate,
    .info = ntp_info,
};

/*
 * What replies carry about the clock, refreshed every NTP_INFO_REFRESH_MS
 * and at once after a clock event: clock_get_status() is thousands of
 * instructions (make bench), too many for every pass of the loop, and
 * the dispersion and reference time it reports move slowly.
 */
#define NTP_INFO_REFRESH_MS 50u
static uint64_t ntp_info_refreshed_ms;
static bool ntp_info_stale = true;

static void refresh_ntp_info(uint64_t now)
{
    uint64_t now_ms = net_uptime_ms();
    if (!ntp_info_stale && now_ms - ntp_info_refreshed_ms < NTP_INFO_REFRESH_MS) {
        return;
    }
    ntp_info_stale = false;
    ntp_info_refreshed_ms = now_ms;
    struct clock_status cs;
    clock_get_status(&appliance.clock, now, &cs);
    struct ntp_clock_info *ci = &appliance.ntp_info;
    ci->synced = cs.state == CLOCK_STATE_SYNCED;
    ci->leap = (uint8_t)cs.leap;
    ci->precision_log2 = cs.precision_log2;
    ci->ref_ns = cs.ref_ns;
    ci->root_disp_us = cs.root_disp_us;
    ntp_server_note_clock_info(&appliance.ntp, ci);
}

/*
 * Reads the RTC for the clock into *s: the whole snapshot, with the
 * oscillator-stop flags, every RTC_FULL_READ_MS and after a write; the
 * time registers alone otherwise.
 */
static void read_rtc(struct clock_rtc_sample *s)
{
    struct appliance *a = &appliance;
    uint64_t now_ms = net_uptime_ms();
    bool full = rtc_full_read_due || now_ms - last_full_rtc_read_ms >= RTC_FULL_READ_MS;
    s->tick_before = timer_now();
    s->err = full ? rtc_read_time(a->rtc, &s->unix_s) : rtc_read_time_fast(a->rtc, &s->unix_s);
    s->tick_after = timer_now();
    if (full && s->err != -EIO && s->err != -ETIMEDOUT) {
        last_full_rtc_read_ms = now_ms;
        rtc_full_read_due = false;
    }
    if (s->err == -EIO || s->err == -ETIMEDOUT) {
        a->rtc_errors++;
        appliance_i2c_watch();
    }
}

/*
 * The RTC's square wave, when it is captured: each stamp is numbered by a
 * read of the time registers SQW_NUMBER_DELAY_US after it (the registers
 * have surely counted on by then), and the capture is watched: edges that
 * stop (a wire off, an RTC that lost all power and with it its 1 Hz
 * setting) leave the clock polling, and the output is turned on again.
 */
static void capture_service(void)
{
    struct appliance *a = &appliance;
    uint64_t t;
    while (sqw_capture_take(&t) == 0) {
        a->pending_edge = t;
        a->has_pending_edge = true;
    }
    uint64_t now = timer_now();
    uint64_t ticks_per_ms = timer_hz() / 1000u;
    if (a->has_pending_edge &&
        now - a->pending_edge >= SQW_NUMBER_DELAY_US * ticks_per_ms / 1000u) {
        struct clock_rtc_edge e = { .edge_tick = a->pending_edge };
        read_rtc(&e.read);
        (void)clock_feed_rtc_edge(&a->clock, &e);
        a->has_pending_edge = false;
    }
    bool is_live = clock_is_capture_live(&a->clock, now);
    if (is_live != a->was_capture_live) {
        a->was_capture_live = is_live;
        a->capture_on_tick = now;
        if (is_live) {
            log_event(LOG_INFO, "rtc: square-wave edges on %s: captured", sqw_capture_pin());
        } else {
            log_event(LOG_WARNING,
                      "rtc: no square-wave edge on %s: edges polled until they come back",
                      sqw_capture_pin());
            (void)rtc_set_sqw_1hz(a->rtc, true);
        }
    } else if (!is_live && !a->is_capture_missing_logged &&
               now - a->capture_on_tick > SQW_MISSING_MS * ticks_per_ms) {
        a->is_capture_missing_logged = true;
        log_event(
            LOG_WARNING,
            "rtc: no square-wave edge on %s yet (is the RTC's SQW wired to it?): edges polled",
            sqw_capture_pin());
    }
}

static void rtc_service(uint64_t now)
{
    struct appliance *a = &appliance;
    if (a->rtc == NULL) {
        return;
    }
    if (a->is_capture_on) {
        capture_service();
    }
    if (clock_is_rtc_read_due(&a->clock, now)) {
        struct clock_rtc_sample s = { 0 };
        read_rtc(&s);
        (void)clock_feed_rtc(&a->clock, &s);
    }
    int64_t w;
    if (clock_rtc_write_due(&a->clock, timer_now(), &w) == 0) {
        uint64_t before = timer_now();
        int err = rtc_set_time(a->rtc, w);
        uint64_t after = timer_now();
        if (err) {
            a->rtc_errors++;
            appliance_i2c_watch();
        }
        (void)clock_rtc_written(&a->clock, w, before, after, err);
        rtc_full_read_due = true;
    }
}

static void clock_events(void)
{
    struct clock_event ev;
    while (clock_pop_event(&appliance.clock, &ev) == 0) {
        ntp_info_stale = true;
        enum log_severity sev = ev.to == CLOCK_STATE_SYNCED ? LOG_NOTICE : LOG_WARNING;
        if (ev.from != ev.to) {
            log_event(sev, "clock: state: %s -> %s (%s)", clock_state_name(ev.from),
                      clock_state_name(ev.to), clock_reason_name(ev.reason));
        } else if (ev.reason == CLOCK_REASON_RTC_ERROR) {
            log_event(LOG_WARNING, "clock: %s (%d)", clock_reason_name(ev.reason), ev.err);
        } else {
            log_event(LOG_INFO, "clock: %s", clock_reason_name(ev.reason));
        }
    }
}

/* --------------------------------------------------------------- bring-up -- */

static int store_read(void *ctx, uint16_t off, void *buf, size_t len)
{
    (void)ctx;
    return board_eeprom_read(off, buf, len);
}

static int store_write(void *ctx, uint16_t off, const void *buf, size_t len)
{
    (void)ctx;
    return board_eeprom_write(off, buf, len);
}

/* What sits on the RTC module's bus: the bus's own health, the EEPROM, which chip. */
static void probe_rtc_module(void)
{
    (void)board_rtc_module_probe();
    struct board_rtc_module m;
    struct i2c_stats bus;
    board_rtc_module_get(&m, &bus);
    if (m.bus_check_err != 0) {
        log_event(LOG_ERR, "i2c: bus stuck at boot (%d): %s held low after %u clocks and a STOP",
                  m.bus_check_err, m.bus_check_err == -EBUSY ? "SDA" : "SCL", I2C_BUS_CLEAR_CLOCKS);
    } else if (bus.stuck_freed != 0) {
        log_event(LOG_WARNING, "i2c: bus cleared at boot: SDA was held low, free after %u clocks",
                  bus.last_clocks);
    }
    appliance.i2c_recoveries_logged = bus.recoveries;
    if (m.eeprom_addr7 != 0) {
        log_event(LOG_INFO, "eeprom: AT24C32 at 0x%02x (%s)", m.eeprom_addr7, m.eeprom_how);
    } else {
        log_event(LOG_WARNING, "eeprom: none found at 0x50..0x57: settings cannot be stored");
    }
}

static void load_settings(void)
{
    struct appliance *a = &appliance;
    a->store = (struct config_store){ store_read, store_write, NULL };
    int err = config_load(&a->store_state, &a->store, &a->settings);
    a->stored = a->settings;
    a->can_persist =
        a->store_state.status == CONFIG_STORE_OK || a->store_state.status == CONFIG_STORE_EMPTY;
    const char *text = config_status_text(a->store_state.status);
    unsigned ee = board_eeprom_addr();
    if (ee == 0) {
        log_event(LOG_ERR, "config: %s (no AT24 found)", text);
    } else if (err == 0) {
        log_event(LOG_INFO, "config: %s (AT24 at 0x%02x)", text, ee);
    } else {
        log_event(err == -ENODATA ? LOG_NOTICE : LOG_ERR, "config: %s (AT24 at 0x%02x)", text, ee);
    }
}

static void start_rtc(void)
{
    struct appliance *a = &appliance;
    a->booted_rtc_chip = a->settings.rtc_chip;
    int err = board_rtc_init(&a->rtc, (enum rtc_chip)a->settings.rtc_chip);
    struct board_rtc_module m;
    struct i2c_stats bus;
    board_rtc_module_get(&m, &bus);
    if (err) {
        a->rtc = NULL;
        log_event(LOG_ERR, "rtc: not answering at 0x%02x (%d): time is UNSET", m.rtc_addr7, err);
        return;
    }
    struct rtc_status rs;
    char text[96];
    char found[40] = "";
    if (m.rtc_found != NULL && strcmp(m.rtc_found, m.rtc_chip) != 0) {
        snprintf(found, sizeof(found), ", found %s", m.rtc_found);
    }
    if (rtc_read_status(a->rtc, &rs) == 0 && rtc_format_status(&rs, text, sizeof(text)) >= 0) {
        log_event(LOG_INFO, "rtc: at 0x%02x: %s (%s%s; I2C at %lu kHz)", m.rtc_addr7, text,
                  m.rtc_how, found, (unsigned long)(bus.bus_hz / 1000u));
        a->rtc_has_aging = rs.has_aging;
        a->rtc_aging_lsb = rs.aging_offset_lsb;
    }
}

static void start_clock(void)
{
    struct appliance *a = &appliance;
    appliance_clock_config(&a->settings, &a->clock_cfg);
    (void)clock_init(&a->clock, &a->clock_cfg);
    enum clock_source src = CLOCK_SOURCE_RTC_AT_BOOT;
    if (a->settings.last_set_source == CONFIG_TIME_SOURCE_OPERATOR) {
        src = CLOCK_SOURCE_OPERATOR;
    } else if (a->settings.last_set_source == CONFIG_TIME_SOURCE_UPSTREAM) {
        src = CLOCK_SOURCE_UPSTREAM;
    }
    if (a->settings.last_set_unix_s != 0) {
        (void)clock_restore_last_set(&a->clock, a->settings.last_set_unix_s, src);
    }
}

static void banner(int board_err)
{
    log_raw("\r\nntp-appliance on %s, reset cause: %s\r\n", board_name(),
            wdt_reset_cause_name(wdt_reset_cause()));
    struct board_clock bc;
    board_get_clock(&bc);
    log_event(board_err ? LOG_ERR : LOG_INFO, "cpu: %lu Hz, %s%s", (unsigned long)bc.cpu_hz,
              bc.source, bc.is_degraded ? ": running slow, check the crystal" : "");
    struct cpu_fault f;
    if (cpu_take_fault_record(&f)) {
        if (f.is_stack_overflow) {
            log_event(LOG_ERR,
                      "previous run ended in a stack overflow (pc=0x%08lx, status 0x%08lx)",
                      (unsigned long)f.pc, (unsigned long)f.status);
        } else {
            log_event(LOG_ERR, "previous run ended in a fault at pc=0x%08lx (status 0x%08lx)",
                      (unsigned long)f.pc, (unsigned long)f.status);
        }
    }
    uint32_t pc;
    if (wdt_take_hang_record(&pc)) {
        log_event(LOG_ERR, "previous run: the main loop hung at pc=0x%08lx", (unsigned long)pc);
    }
}

int main(void)
{
    struct appliance *a = &appliance;
    int board_err = board_init();
    timer_init();
    timer_wakeup_start(1000u);
    uart_init();
    log_init(uart_write, net_uptime_ms);
    (void)wdt_reset_cause();
    cpu_irq_enable();
    banner(board_err);
    wdt_init(APPLIANCE_WDT_TIMEOUT_MS);

    probe_rtc_module();
    load_settings();
    appliance_load_keys();
    start_rtc();
    appliance_i2c_watch(); /* a bus cleared while the settings or the RTC were read */
    start_clock();
    ntp_server_init(&a->ntp, (uint32_t)net_rand() ^ (uint32_t)timer_now());
    (void)appliance_apply(&a->settings, true);
    appliance_apply_edges();

    uint8_t *mac = a->mac;
    a->mac_how = appliance_choose_mac(mac);
    log_event(LOG_INFO, "net: mac %02x:%02x:%02x:%02x:%02x:%02x (%s)", mac[0], mac[1], mac[2],
              mac[3], mac[4], mac[5], a->mac_how);
    struct net_config nc = {
        .dhcp = a->settings.dhcp_enabled,
        .ip = a->settings.ip_addr,
        .prefix_len = a->settings.ip_prefix,
        .gw = a->settings.gateway,
    };
    if (net_init(mac, &nc) != 0 || ntp_udp_init(&a->ntp, &ntp_clock) != 0) {
        log_event(LOG_ERR, "net: bring-up failed");
    }
    services_init();
    console_init(uart_write, uart_getc);
    refresh_ntp_info(timer_now()); /* before the first request can come */

    for (;;) {
        net_rx();
        wdt_feed();
        uint64_t now = timer_now();
        clock_poll(&a->clock, now);
        rtc_service(now);
        clock_events();
        refresh_ntp_info(timer_now());
        net_poll();
        if (net_address_changes() != seen_address_changes) {
            seen_address_changes = net_address_changes();
            appliance_refresh_mgmt(); /* "mgmt local" follows the address */
        }
        services_poll();
        console_poll();
        uart_poll();
        if (a->reboot_requested && console_tx_pending() == 0) {
            uart_flush();
            wdt_system_reset();
        }
        if (a->overflow_requested && console_tx_pending() == 0) {
            uart_flush();
            cpu_overflow_stack(); /* the guard faults: reported, then a reset */
        }
        if (a->hang_requested && console_tx_pending() == 0) {
            uart_flush();
            for (;;) {
                /* A hung main loop: nothing feeds the watchdog any more. */
            }
        }
        /* Sleep when nothing is due before the next 1 ms tick. */
        if (clock_ticks_until_due(&a->clock, timer_now()) > (int64_t)(timer_hz() / 1000u)) {
            cpu_sleep_unless(eth_rx_pending);
        }
    }
}
