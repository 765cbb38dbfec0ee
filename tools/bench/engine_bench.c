/*
 * Engine bench: the real NTP engine (firmware/ntp) and clock (firmware/clock)
 * compiled for the board's CPU and run under qemu-system-arm with
 * -icount shift=0, where every guest instruction advances the virtual clock
 * by exactly 1 ns. SysTick counts that virtual clock, so a SysTick delta
 * around a batch of calls is an instruction count (after the calibration
 * below turns ticks into instructions). Instructions, not cycles: QEMU does
 * not model the Cortex-M3 pipeline, wait states or the cost of a UMULL.
 *
 * Each scenario runs the same driver the lwIP glue runs per datagram
 * (firmware/net/ntp_udp.c): arrival ticks -> NTP, ntp_server_handle(), and
 * for a reply ticks -> NTP and ntp_server_stamp_transmit(), then the mode 6
 * fragments. A signed reply is stamped inside ntp_server_handle(), through
 * the clock hook (ticks -> NTP, as ntp_udp.c installs it), and signed
 * there: its scenarios (mode 3 with an MD5, SHA-1 or AES-128-CMAC MAC,
 * firmware/ntp/ntp_auth.c on mbedTLS) include the request's verification,
 * both clock reads and the reply's signature. A loop with an empty driver is measured as well and
 * subtracted. The engine's counters before and after each scenario are
 * printed so that tools/bench.py can check that the scenario did what its
 * name says (every mode 3 request answered, every rate-limited one a KoD).
 *
 * Output goes through ARM semihosting (SYS_WRITE0), one record per line:
 *   calib <instructions> <ticks>
 *   row <name> <iterations> <ticks> <base_ticks> <expect_counter> <counter_delta> <frags> <bytes>
 *   done
 * and the program ends with SYS_EXIT, which ends QEMU.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "clock/clock.h"
#include "cortexm/cortexm.h"
#include "ntp/ntp.h"
#include "ntp/ntp_auth.h"

#define TICK_HZ               BOARD_CPU_HZ /* the timestamp counter runs at the core clock */
#define NS_PER_TICK           (1000000000u / TICK_HZ)
#define BOOT_UNIX_S           1767225600LL /* 2026-01-01T00:00:00Z, the simulated RTC's start */
#define SYSTICK_MASK          0x00FFFFFFu  /* 24-bit down counter */
#define RTC_READ_TICKS        (TICK_HZ / 5000u) /* a DS1338 read at 100 kHz I2C: about 200 us */
#define COUNTER_FAST_PPB      12000             /* the simulated counter crystal runs 12 ppm fast */
#define REQUEST_SPACING_TICKS (TICK_HZ / 100u)  /* 10 ms between requests */
#define TX_DELAY_TICKS        (TICK_HZ / 25000u) /* reply stamped 40 us after arrival */
#define N_CLIENTS             200u               /* within RATELIMIT_TABLE_SIZE: no eviction */

/* ------------------------------------------------------------- semihosting -- */

/* ARM semihosting (ARM DUI 0471, "Semihosting operations"): BKPT 0xAB on M-profile. */
#define SYS_WRITE0                   0x04u
#define SYS_EXIT                     0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR    0x20023u

static uint32_t semihost(uint32_t op, uint32_t arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register uint32_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void out_str(const char *s)
{
    (void)semihost(SYS_WRITE0, (uint32_t)(uintptr_t)s);
}

static void __attribute__((noreturn)) bench_exit(bool ok)
{
    (void)semihost(SYS_EXIT, ok ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUNTIME_ERROR);
    for (;;) {
    }
}

static void fail(const char *why)
{
    char line[128];
    snprintf(line, sizeof(line), "error %s\n", why);
    out_str(line);
    bench_exit(false);
}

/* ------------------------------------------------------ startup and libc -- */

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _main_stack_top;

void Reset_Handler(void);
void Fault_Handler(void);
int main(void);
void *_sbrk(ptrdiff_t incr);

void Fault_Handler(void)
{
    out_str("error fault\n");
    bench_exit(false);
}

typedef void (*vector_fn)(void);

/* Core exceptions only: the bench enables no interrupt. */
__attribute__((section(".vectors"), used)) static const vector_fn vectors[16] = {
    [0] = (vector_fn)(uintptr_t)&_main_stack_top,
    [1] = Reset_Handler,
    [2] = Fault_Handler,
    [3] = Fault_Handler,
    [4] = Fault_Handler,
    [5] = Fault_Handler,
    [6] = Fault_Handler,
    [11] = Fault_Handler,
    [12] = Fault_Handler,
    [14] = Fault_Handler,
    [15] = Fault_Handler,
};

void Reset_Handler(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    bench_exit(main() == 0);
}

/* No heap, as in the firmware (hal/cortexm/syscalls.c). */
void *_sbrk(ptrdiff_t incr)
{
    (void)incr;
    errno = ENOMEM;
    return (void *)-1;
}

/* ----------------------------------------------------------- measurement -- */

static void systick_start(void)
{
    mmio_write32(SYST_CSR, 0);
    mmio_write32(SYST_RVR, SYSTICK_MASK);
    mmio_write32(SYST_CVR, 0);
    /* Core clock, no interrupt: nothing but the code under test runs. */
    mmio_write32(SYST_CSR, SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE);
}

static inline uint32_t systick_read(void)
{
    return mmio_read32(SYST_CVR);
}

/* Ticks from a to b (SysTick counts down); batches stay far below 2^24 ticks. */
static inline uint32_t ticks_between(uint32_t a, uint32_t b)
{
    return (a - b) & SYSTICK_MASK;
}

/* Exactly 2 * n instructions in the loop (SUBS, BNE) plus a constant. */
static void __attribute__((noinline)) spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

static uint32_t measure_spin(uint32_t n)
{
    uint32_t a = systick_read();
    spin(n);
    return ticks_between(a, systick_read());
}

/* ------------------------------------------------------------ the clock -- */

static struct clock clk;
static struct ntp_server srv;
static struct ntp_clock_info info;
static uint64_t now_ticks;
static uint64_t now_ms;

/* The simulated RTC: whole seconds, its second edges at a 12 ppm slower pace than the counter's. */
static int64_t rtc_at(uint64_t ticks)
{
    uint64_t ns = ticks * NS_PER_TICK;
    ns -= (uint64_t)((int64_t)(ns / 1000000u) * COUNTER_FAST_PPB / 1000);
    return BOOT_UNIX_S + (int64_t)(ns / 1000000000u);
}

/* Runs the clock against the simulated RTC as the main loop does, until it is SYNCED with a rate fit. */
static void discipline_clock(void)
{
    struct clock_config cfg = {
        .tick_hz = TICK_HZ,
        .min_valid_unix_s = BOOT_UNIX_S - 86400,
        .rtc_drift_ppb = 20000,
    };
    if (clock_init(&clk, &cfg) != 0) {
        fail("clock_init");
    }
    uint64_t t = 1000;
    const uint64_t end = 40ull * TICK_HZ; /* 40 s: enough edges for a rate fit */
    while (t < end) {
        clock_poll(&clk, t);
        if (clock_is_rtc_read_due(&clk, t)) {
            struct clock_rtc_sample s = {
                .tick_before = t,
                .tick_after = t + RTC_READ_TICKS,
                .err = 0,
                .unix_s = rtc_at(t + RTC_READ_TICKS / 2u),
            };
            (void)clock_feed_rtc(&clk, &s);
            t += RTC_READ_TICKS;
        } else {
            int64_t wait = clock_ticks_until_due(&clk, t);
            t += wait > 0 && wait < (int64_t)(TICK_HZ / 1000u) ? (uint64_t)wait : TICK_HZ / 1000u;
        }
        struct clock_event ev;
        while (clock_pop_event(&clk, &ev) == 0) {
        }
    }
    now_ticks = t;
    now_ms = t / (TICK_HZ / 1000u);
}

static void refresh_info(void)
{
    struct clock_status cs;
    clock_get_status(&clk, now_ticks, &cs);
    info.synced = cs.state == CLOCK_STATE_SYNCED;
    info.leap = (uint8_t)cs.leap;
    info.precision_log2 = cs.precision_log2;
    info.ref_ns = cs.ref_ns;
    info.root_disp_us = cs.root_disp_us;
}

/* ------------------------------------------------------------ requests -- */

static uint8_t req_mode3[NTP_HEADER_LEN];
static uint8_t req_mode1[NTP_HEADER_LEN];
static uint8_t req_garbage[NTP_HEADER_LEN];
static uint8_t req_mode7[NTP_HEADER_LEN];
static uint8_t req_mode6_rv[NTP_CONTROL_HEADER_LEN];
static uint8_t out[NTP_CONTROL_HEADER_LEN + NTP_CONTROL_DATA_MAX];

/* Mode 3 requests signed with each algorithm's key (key id = algorithm + 1). */
static uint8_t req_signed[NTP_KEY_ALGORITHMS][NTP_HEADER_LEN + NTP_AUTH_MAC_MAX];
static size_t req_signed_len[NTP_KEY_ALGORITHMS];
static struct ntp_key keys[NTP_KEY_ALGORITHMS];

static int key_lookup(void *ctx, uint32_t key_id, struct ntp_key *key)
{
    (void)ctx;
    if (key_id < 1 || key_id > NTP_KEY_ALGORITHMS) {
        return -ENOENT;
    }
    *key = keys[key_id - 1];
    return 0;
}

/*
 * The engine's clock hook, as ntp_udp.c installs it: the served time at a
 * counter reading. Between two reads the counter moves on as SysTick does
 * (whose rate is not the simulated counter's: the signing time the engine
 * learns from it is no figure, but it is not zero, so that every signed
 * reply is signed once, as on the board).
 */
static uint64_t hook_ticks;
static uint32_t hook_systick;

static uint64_t clock_now(void *ctx)
{
    (void)ctx;
    uint32_t v = mmio_read32(SYST_CVR);
    hook_ticks += (hook_systick - v) & SYSTICK_MASK;
    hook_systick = v;
    return clock_ticks_to_ntp(&clk, now_ticks + TX_DELAY_TICKS + hook_ticks);
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) {
        p[i] = (uint8_t)v;
    }
}

static void build_requests(void)
{
    /* A client request as Linux chrony and Windows send it: v4, poll 6, a transmit timestamp. */
    req_mode3[0] = (0u << 6) | (4u << 3) | 3u;
    req_mode3[2] = 6;
    req_mode3[3] = (uint8_t)-20;
    put_be64(req_mode3 + 40, 0xED5A1B2C3D4E5F60ull);
    memcpy(req_mode1, req_mode3, sizeof(req_mode1));
    req_mode1[0] = (0u << 6) | (4u << 3) | 1u;
    /* Garbage: deterministic noise whose first byte says version 0. */
    uint32_t x = 0x12345678u;
    for (size_t i = 0; i < sizeof(req_garbage); i++) {
        x = x * 1103515245u + 12345u;
        req_garbage[i] = (uint8_t)(x >> 24);
    }
    req_garbage[0] = 0x03; /* LI 0, VN 0, mode 3 */
    /* monlist (mode 7, implementation 3, request 42), as the amplification scanners send it. */
    req_mode7[0] = (0u << 6) | (2u << 3) | 7u;
    req_mode7[2] = 3;
    req_mode7[3] = 42;
    /* ntpq -c rv: mode 6, READVAR, sequence 1, association 0, no variable names. */
    req_mode6_rv[0] = (0u << 6) | (2u << 3) | 6u;
    req_mode6_rv[1] = 2;
    req_mode6_rv[3] = 1;
    /* chrony's `server ... key N`: the mode 3 request and its MAC, per algorithm. */
    for (uint8_t a = 0; a < NTP_KEY_ALGORITHMS; a++) {
        struct ntp_key *k = &keys[a];
        k->key_id = a + 1u;
        k->algorithm = a;
        k->secret_len = a == NTP_KEY_AES128_CMAC ? NTP_AUTH_CMAC_KEY_LEN : 20;
        for (unsigned i = 0; i < k->secret_len; i++) {
            k->secret[i] = (uint8_t)(0x31u * i + a);
        }
        memcpy(req_signed[a], req_mode3, NTP_HEADER_LEN);
        size_t mac_len;
        if (ntp_auth_sign(k, req_signed[a], NTP_HEADER_LEN, &mac_len) != 0) {
            fail("sign-request");
        }
        req_signed_len[a] = NTP_HEADER_LEN + mac_len;
    }
}

struct outcome {
    uint32_t fragments; /* mode 6 fragments after the first datagram */
    uint32_t bytes;     /* reply bytes, every datagram */
};

/* One datagram, exactly as firmware/net/ntp_udp.c handles it. */
static void __attribute__((noinline))
serve(const uint8_t *data, size_t len, uint32_t ip, struct outcome *o)
{
    struct ntp_request rq = {
        .data = data,
        .len = len,
        .src_ip = ip,
        .src_port = 40123,
        .rx_ts = clock_ticks_to_ntp(&clk, now_ticks),
        .mono_ms = now_ms,
    };
    struct ntp_reply rep;
    if (ntp_server_handle(&srv, &rq, &info, out, sizeof(out), &rep) != 0) {
        return;
    }
    o->bytes += (uint32_t)rep.len;
    if (rep.stamp_tx) {
        ntp_server_stamp_transmit(&srv, out, clock_ticks_to_ntp(&clk, now_ticks + TX_DELAY_TICKS));
    }
    while (rep.more_fragments && ntp_server_next_fragment(&srv, out, sizeof(out), &rep) == 0) {
        o->fragments++;
        o->bytes += (uint32_t)rep.len;
    }
}

/* The same call with nothing behind it: the driver loop's own cost. */
static void __attribute__((noinline))
serve_nothing(const uint8_t *data, size_t len, uint32_t ip, struct outcome *o)
{
    __asm__ volatile("" : : "r"(data), "r"(len), "r"(ip), "r"(o) : "memory");
}

typedef void (*serve_fn)(const uint8_t *data, size_t len, uint32_t ip, struct outcome *o);

enum source_pattern {
    SRC_CLIENTS, /* N_CLIENTS addresses in turn, 10 ms apart: each well within its limit */
    SRC_NEW,     /* a new address every time: the rate table evicts on every request */
    SRC_ONE,     /* one address, no time passing: over the limit after the burst */
};

static uint32_t source_ip(enum source_pattern p, uint32_t i, uint32_t net)
{
    switch (p) {
    case SRC_CLIENTS: return net | (1u + i % N_CLIENTS);
    case SRC_NEW: return 0xC0000000u + (i & 0x00FFFFFFu) * 7u + 1u;
    case SRC_ONE:
    default: return net | 1u;
    }
}

static uint32_t run_batch(serve_fn fn, const uint8_t *data, size_t len, enum source_pattern p,
                          uint32_t net, uint32_t n, uint32_t first, struct outcome *o)
{
    bool advance = p != SRC_ONE;
    uint32_t a = systick_read();
    for (uint32_t i = first; i < first + n; i++) {
        fn(data, len, source_ip(p, i, net), o);
        if (advance) {
            now_ticks += REQUEST_SPACING_TICKS;
            now_ms += REQUEST_SPACING_TICKS / (TICK_HZ / 1000u);
        }
    }
    return ticks_between(a, systick_read());
}

/* Counter selectors: which engine counter a scenario must raise once per request. */
enum expect {
    EXP_MODE4,
    EXP_MODE2,
    EXP_KOD,
    EXP_RATELIMIT,
    EXP_BAD_VERSION,
    EXP_BAD_MODE,
    EXP_CTL,
    EXP_AUTH,
};

static uint32_t counter(enum expect e)
{
    struct ntp_counters c;
    ntp_server_get_counters(&srv, &c);
    switch (e) {
    case EXP_MODE4: return c.replied_mode4;
    case EXP_MODE2: return c.replied_mode2;
    case EXP_KOD: return c.kod_sent;
    case EXP_RATELIMIT: return c.drop_ratelimit;
    case EXP_BAD_VERSION: return c.drop_bad_version;
    case EXP_BAD_MODE: return c.drop_bad_mode;
    case EXP_CTL: return c.ctl_answered;
    case EXP_AUTH: return c.replied_auth;
    }
    return 0;
}

static const char *const expect_names[] = {
    "replied_mode4",    "replied_mode2", "kod_sent",     "drop_ratelimit",
    "drop_bad_version", "drop_bad_mode", "ctl_answered", "replied_auth",
};

static void report(const char *name, uint32_t n, uint32_t ticks, uint32_t base_ticks, enum expect e,
                   uint32_t delta, const struct outcome *o)
{
    char line[192];
    snprintf(line, sizeof(line), "row %s %lu %lu %lu %s %lu %lu %lu\n", name, (unsigned long)n,
             (unsigned long)ticks, (unsigned long)base_ticks, expect_names[e], (unsigned long)delta,
             (unsigned long)o->fragments, (unsigned long)o->bytes);
    out_str(line);
}

static void scenario(const char *name, const uint8_t *data, size_t len, enum source_pattern p,
                     uint32_t net, uint32_t n, enum expect e)
{
    static uint32_t seq;
    struct outcome o = { 0 }, none = { 0 };
    /* Warm the rate table (and, for SRC_ONE, use up the burst) before measuring. */
    (void)run_batch(serve, data, len, p, net, N_CLIENTS, seq, &none);
    seq += N_CLIENTS;
    refresh_info();
    uint32_t before = counter(e);
    uint32_t ticks = run_batch(serve, data, len, p, net, n, seq, &o);
    uint32_t delta = counter(e) - before;
    uint32_t base = run_batch(serve_nothing, data, len, p, net, n, seq, &none);
    seq += n;
    report(name, n, ticks, base, e, delta, &o);
}

/* --------------------------------------------------- single functions -- */

static volatile int64_t sink_ns;
static volatile uint64_t sink_ts;

static void __attribute__((noinline)) call_ticks_to_ntp(uint64_t ticks)
{
    sink_ts = clock_ticks_to_ntp(&clk, ticks);
}

static void __attribute__((noinline)) call_stamp(uint64_t ticks)
{
    ntp_server_stamp_transmit(&srv, out, 0xEC00000000000000ull + ticks * 86u);
}

static void __attribute__((noinline)) call_status(uint64_t ticks)
{
    struct clock_status cs;
    clock_get_status(&clk, ticks, &cs);
    sink_ns = cs.now_ns;
}

/* One digest over a 48-byte header, per algorithm (ntp_auth_digest(): mbedTLS and the wrapper). */
static void call_digest(uint8_t algorithm, uint64_t ticks)
{
    uint8_t d[NTP_AUTH_DIGEST_MAX];
    out[40] = (uint8_t)ticks;
    (void)ntp_auth_digest(&keys[algorithm], out, NTP_HEADER_LEN, d);
    sink_ts = d[0];
}

static void __attribute__((noinline)) call_digest_md5(uint64_t ticks)
{
    call_digest(NTP_KEY_MD5, ticks);
}

static void __attribute__((noinline)) call_digest_sha1(uint64_t ticks)
{
    call_digest(NTP_KEY_SHA1, ticks);
}

static void __attribute__((noinline)) call_digest_cmac(uint64_t ticks)
{
    call_digest(NTP_KEY_AES128_CMAC, ticks);
}

static void __attribute__((noinline)) call_nothing(uint64_t ticks)
{
    __asm__ volatile("" : : "r"((uint32_t)ticks) : "memory");
}

static uint32_t run_calls(void (*fn)(uint64_t), uint32_t n)
{
    uint64_t t = now_ticks;
    uint32_t a = systick_read();
    for (uint32_t i = 0; i < n; i++) {
        fn(t);
        t += 1237u;
    }
    return ticks_between(a, systick_read());
}

static void function_row(const char *name, void (*fn)(uint64_t), uint32_t n)
{
    struct outcome none = { 0 };
    uint32_t ticks = run_calls(fn, n);
    uint32_t base = run_calls(call_nothing, n);
    report(name, n, ticks, base, EXP_MODE4, 0, &none);
}

/* ----------------------------------------------------------------- main -- */

int main(void)
{
    systick_start();

    /* Calibration: the spin loop's instruction count is known exactly. */
    uint32_t t1 = measure_spin(100000u);
    uint32_t t2 = measure_spin(300000u);
    char line[96];
    snprintf(line, sizeof(line), "calib %lu %lu\n", 400000ul, (unsigned long)(t2 - t1));
    out_str(line);

    discipline_clock();
    refresh_info();
    if (!info.synced) {
        fail("clock-not-synced");
    }
    ntp_server_init(&srv, 0xC0FFEEu);
    ntp_server_set_key_lookup(&srv, key_lookup, NULL);
    ntp_server_set_clock_now(&srv, clock_now, NULL);
    const uint32_t mgmt_net = 0x0A010000u; /* 10.1.0.0/16 may use mode 6 */
    const uint32_t client_net = 0x0A000000u;
    if (ntp_server_mgmt_add(&srv, mgmt_net, 16) != 0) {
        fail("mgmt_add");
    }
    build_requests();

    const uint32_t n = 2000;
    scenario("mode3", req_mode3, sizeof(req_mode3), SRC_CLIENTS, client_net, n, EXP_MODE4);
    scenario("mode1", req_mode1, sizeof(req_mode1), SRC_CLIENTS, client_net, n, EXP_MODE2);
    scenario("mode3_evict", req_mode3, sizeof(req_mode3), SRC_NEW, 0, n, EXP_MODE4);
    scenario("garbage", req_garbage, sizeof(req_garbage), SRC_CLIENTS, client_net, n,
             EXP_BAD_VERSION);
    scenario("mode7", req_mode7, sizeof(req_mode7), SRC_CLIENTS, client_net, n, EXP_BAD_MODE);
    scenario("mode6_rv", req_mode6_rv, sizeof(req_mode6_rv), SRC_CLIENTS, mgmt_net, 500, EXP_CTL);
    scenario("mode3_md5", req_signed[NTP_KEY_MD5], req_signed_len[NTP_KEY_MD5], SRC_CLIENTS,
             client_net, 500, EXP_AUTH);
    scenario("mode3_sha1", req_signed[NTP_KEY_SHA1], req_signed_len[NTP_KEY_SHA1], SRC_CLIENTS,
             client_net, 500, EXP_AUTH);
    scenario("mode3_cmac", req_signed[NTP_KEY_AES128_CMAC], req_signed_len[NTP_KEY_AES128_CMAC],
             SRC_CLIENTS, client_net, 500, EXP_AUTH);

    /* Over the limit: every request a KoD (leak 0), then every request dropped (leak 16). */
    struct ratelimit_params rl;
    ntp_server_get_ratelimit(&srv, &rl);
    struct ratelimit_params kod = rl, drop = rl;
    kod.leak_log2 = 0;
    drop.leak_log2 = RATELIMIT_LEAK_LOG2_MAX;
    if (ntp_server_set_ratelimit(&srv, &kod) != 0) {
        fail("ratelimit-kod");
    }
    scenario("kod", req_mode3, sizeof(req_mode3), SRC_ONE, 0x0A020000u, n, EXP_KOD);
    if (ntp_server_set_ratelimit(&srv, &drop) != 0) {
        fail("ratelimit-drop");
    }
    scenario("ratelimit_drop", req_mode3, sizeof(req_mode3), SRC_ONE, 0x0A020000u, n,
             EXP_RATELIMIT);
    rl.enabled = false;
    if (ntp_server_set_ratelimit(&srv, &rl) != 0) {
        fail("ratelimit-off");
    }
    scenario("mode3_rl_off", req_mode3, sizeof(req_mode3), SRC_CLIENTS, client_net, n, EXP_MODE4);

    function_row("clock_ticks_to_ntp", call_ticks_to_ntp, 5000);
    function_row("stamp_transmit", call_stamp, 5000);
    function_row("clock_get_status", call_status, 2000);
    function_row("digest_md5", call_digest_md5, 500);
    function_row("digest_sha1", call_digest_sha1, 500);
    function_row("digest_cmac", call_digest_cmac, 500);

    out_str("done\n");
    return 0;
}
