#!/usr/bin/python3
"""`make bench`: the appliance's performance table. Figures, never verdicts:
this machine is shared and noisy, so nothing here passes or fails on speed.

  1. Sizes         flash and static RAM of the firmware image (size -A), the
                   largest symbols (nm --size-sort), against the product
                   budget of 120 KiB flash / 48 KiB RAM (two images must fit the
                   chip's 256 KiB for an in-field update); then what the NTP
                   MACs cost, module by module (ntp_auth.c and each mbedTLS
                   source, from a link map).
  2. Instructions  the real engine and clock code (the firmware's own
                   objects) linked into tools/bench/engine_bench.c and run
                   on QEMU's Cortex-M3 with -icount shift=0, where one guest
                   instruction is one ns of virtual time and SysTick deltas
                   are instruction counts; then the real image under the
                   same -icount, timed from inside by its own receive and
                   transmit stamps (t2, t3 in each reply are virtual ns).
                   Traced: the same image's requests followed instruction by
                   instruction (tools/bench/frametrace.py), layer by layer
                   from the receive stamp to the transmit stamp, beside the
                   lwIP-only baseline image (NET_FASTPATH=0) and the ratio;
                   the transmit stamp's distance from the write that starts
                   transmission; the idle main-loop pass.
                   Derived: requests/s at the board's clock, assuming one
                   instruction per cycle (an upper bound), next to the
                   reference figures.
  3. Rate in QEMU  the real image, emulated, rate limiter off, loaded for
                   5 s by tools/bench/loadgen.py (a second process).
  4. Timestamps    20 queries 0.5 s apart against this host's clock.

Exit status: 0 when every section produced its figures; 1 when one could
not be measured at all (the reason is printed in the table).
Every QEMU started here is stopped by PID with bounded waits.
"""
import argparse
import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import appliance as harness  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tools", "bench"))
from icount import IcountAppliance, board_qemu_machine  # noqa: E402
import frametrace  # noqa: E402

CROSS = "arm-none-eabi-"
FLASH_BUDGET = 120 * 1024
RAM_BUDGET = 48 * 1024
RAM_SECTIONS = (".data", ".bss", ".noinit", ".stack", ".heap")
NOT_LOADED = re.compile(r"^\.(debug|comment|ARM\.attributes|stab|symtab|strtab|shstrtab)")
NTP_EPOCH_OFFSET = 2208988800

# Reference figures (docs: shared/reference/ntp-server.md, "Throughput and
# latency figures from comparable hardware").
REFERENCES = [
    ("STM32F429 + lwIP NTP server, untuned", 12000, "about 72 us per request"),
    ("LeoNTP, hand-written PIC firmware", 110000, "the 100 Mbit/s line rate"),
    ("100 Mbit/s Ethernet line rate", 110000, "114 byte times per request frame"),
]


# ------------------------------------------------------------------ table --

class Table:
    """Sections of rows (label, value, note), printed with aligned columns."""

    def __init__(self):
        self.sections = []
        self.failures = []

    def section(self, title, how):
        self.sections.append({"title": title, "how": how, "rows": []})

    def row(self, label, value="", note=""):
        self.sections[-1]["rows"].append((label, value, note))

    def text(self, line):
        self.sections[-1]["rows"].append((line, None, None))

    def fail(self, why):
        self.failures.append("%s: %s" % (self.sections[-1]["title"], why))
        self.row("NOT MEASURED", "", why)

    def render(self, out):
        rows = [r for s in self.sections for r in s["rows"] if r[1] is not None]
        lw = max([len(r[0]) for r in rows] + [20])
        vw = max([len(r[1]) for r in rows] + [8])
        width = 2 + lw + 2 + vw + 2 + 40
        for s in self.sections:
            out.write("\n" + s["title"] + "\n" + "-" * min(len(s["title"]), width) + "\n")
            for i, line in enumerate(wrap(s["how"], width - 7)):
                out.write(("  how: " if i == 0 else "       ") + line + "\n")
            for label, value, note in s["rows"]:
                if value is None:
                    out.write("  " + label + "\n")
                else:
                    out.write(("  %-*s  %*s  %s" % (lw, label, vw, value, note)).rstrip() + "\n")
        out.flush()


def wrap(text, width):
    """Splits text into lines of at most width characters."""
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w) if cur else w
    if cur:
        lines.append(cur)
    return lines


def kib(n):
    return "%.1f KiB" % (n / 1024.0)


def num(n):
    return "{:,}".format(int(round(n)))


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kw)


# ------------------------------------------------------------------ sizes --

def sizes(t, elf):
    t.section("1. Sizes of %s" % os.path.relpath(elf, ROOT),
              "arm-none-eabi-size -A: flash = every loaded section outside RAM (.text holds "
              "code and rodata here) + the .data load image; static RAM = .data + .bss + "
              ".noinit + .stack (the stack is reserved by the linker script, there is no heap). "
              "Largest symbols from arm-none-eabi-nm --size-sort, placed by address. "
              "Budget: %s flash, %s RAM." % (kib(FLASH_BUDGET), kib(RAM_BUDGET)))
    p = run([CROSS + "size", "-A", elf])
    if p.returncode != 0:
        t.fail("arm-none-eabi-size failed: " + p.stderr.strip())
        return
    secs = []
    for line in p.stdout.splitlines():
        m = re.match(r"^(\.\S+)\s+(\d+)\s+(\d+)$", line.strip())
        if m:
            secs.append((m.group(1), int(m.group(2)), int(m.group(3))))
    ram = [(n, s, a) for n, s, a in secs if n in RAM_SECTIONS and s > 0]
    flash = [(n, s, a) for n, s, a in secs
             if n not in RAM_SECTIONS and not NOT_LOADED.match(n) and s > 0]
    data = sum(s for n, s, _ in secs if n == ".data")
    flash_total = sum(s for _, s, _ in flash) + data
    ram_total = sum(s for _, s, _ in ram)
    parts = " + ".join("%s %d" % (n, s) for n, s, _ in flash) + (" + .data %d" % data)
    t.row("flash", "%s B" % num(flash_total), "%s = %s" % (kib(flash_total), parts))
    t.row("  vs budget " + kib(FLASH_BUDGET), *verdict(flash_total, FLASH_BUDGET))
    parts = " + ".join("%s %d" % (n, s) for n, s, _ in ram)
    t.row("static RAM", "%s B" % num(ram_total), "%s = %s" % (kib(ram_total), parts))
    t.row("  vs budget " + kib(RAM_BUDGET), *verdict(ram_total, RAM_BUDGET))

    ram_ranges = [(a, a + s) for _, s, a in ram]
    flash_ranges = [(a, a + s) for _, s, a in flash]
    p = run([CROSS + "nm", "--size-sort", "-S", "-l", elf])
    if p.returncode != 0:
        t.fail("arm-none-eabi-nm failed: " + p.stderr.strip())
        return
    syms_ram, syms_flash = [], []
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) < 4:
            continue
        addr, size, name = int(f[0], 16), int(f[1], 16), f[3]
        if len(f) > 4:  # -l: where it is defined, to tell apart statics of the same name
            name += " (%s)" % os.path.basename(f[4].rsplit(":", 1)[0])
        if any(lo <= addr < hi for lo, hi in ram_ranges):
            syms_ram.append((size, name))
        elif any(lo <= addr < hi for lo, hi in flash_ranges):
            syms_flash.append((size, name))
    for title, syms in (("largest RAM symbols", syms_ram), ("largest flash symbols", syms_flash)):
        syms.sort(reverse=True)
        t.row(title, "", "(top 8)")
        for size, name in syms[:8]:
            t.row("  " + name, "%s B" % num(size))


# The MAC code by module: the object files of tools/bench/bench.mk's auth-size link.
AUTH_MODULES = [
    ("ntp_auth.o", "firmware/ntp/ntp_auth.c", "the wrapper and the CMAC slots (RAM)"),
    ("aes.o", "mbedTLS aes.c", "encryption only: S-box and one round table, in flash"),
    ("cmac.o", "mbedTLS cmac.c", None),
    ("cipher.o", "mbedTLS cipher.c", None),
    ("cipher_wrap.o", "mbedTLS cipher_wrap.c", "AES-128/192/256-ECB descriptors"),
    ("sha1.o", "mbedTLS sha1.c", None),
    ("md5.o", "mbedTLS md5.c", None),
    ("platform_util.o", "mbedTLS platform_util.c", "mbedtls_platform_zeroize()"),
    ("constant_time.o", "mbedTLS constant_time.c", "mbedtls_ct_memcmp()"),
]


def auth_sizes(t, board):
    """Section 1b: the MACs' flash and RAM per module, from the map of a link without LTO."""
    t.section("1b. Sizes of the NTP MACs, per module",
              "firmware/ntp/ntp_auth.c and the mbedTLS sources it needs compiled as for the "
              "image (same CPU, -Os, sections) but without link-time optimisation, linked with "
              "--gc-sections keeping only ntp_auth.h's functions (tools/bench/bench.mk, "
              "bench-auth-size); each kept input section counted for its object from the link "
              "map: flash = code + constants + initialised data, RAM = data + bss. In the "
              "image LTO inlines across them, so the total, not the split, is what it pays.")
    p = run(["make", "--no-print-directory", "-f", "Makefile", "-f", "tools/bench/bench.mk",
             "BOARD=" + board, "bench-auth-size"], timeout=300)
    if p.returncode != 0:
        t.fail("auth-size ELF did not build: " + (p.stdout + p.stderr).strip()[-300:])
        return
    path = os.path.join(ROOT, "build", board, "bench", "auth-size", "auth_size.map")
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        t.fail("no map: %s" % e)
        return
    text = text[text.find("Linker script and memory map"):]
    flash, ram = {}, {}
    out_sec = None
    for line in text.splitlines():
        m = re.match(r"^(\.\S+)\s", line)  # an output section
        if m:
            out_sec = m.group(1)
            continue
        # An input section: " .name 0xaddr 0xsize file", the name on a line of its own if long.
        m = re.match(r"^ (\.\S+|COMMON)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$", line)
        if not m:
            continue
        size, obj = int(m.group(2), 16), os.path.basename(m.group(3))
        if obj.startswith("lib") and "(" in obj:
            obj = "libc/libgcc"
        if out_sec in (".text", ".rodata", ".data"):
            flash[obj] = flash.get(obj, 0) + size
        if out_sec in (".data", ".bss"):
            ram[obj] = ram.get(obj, 0) + size
    total_f = total_r = 0
    t.row("module", "flash B", "RAM B; what")
    for obj, name, what in AUTH_MODULES + [("libc/libgcc", "libc (memcpy, memset, ...)", None)]:
        f_b, r_b = flash.get(obj, 0), ram.get(obj, 0)
        total_f += f_b
        total_r += r_b
        t.row("  " + name, num(f_b), "%s%s" % (num(r_b), "; " + what if what else ""))
    t.row("total", num(total_f), "%s RAM (%s flash, %s RAM in all)" % (num(total_r), kib(total_f),
                                                                      kib(total_r)))


def verdict(used, budget):
    """Returns (share of the budget, how far under or over it)."""
    share = "%.0f%% used" % (100.0 * used / budget)
    if used <= budget:
        return share, "under by %s" % kib(budget - used)
    return share, "OVER by %s" % kib(used - budget)


# ------------------------------------------------------- engine on the M3 --

SCENARIOS = [
    # key, label, what it is
    ("mode3", "mode 3 request -> mode 4 reply",
     "200 clients in turn, each within its rate limit"),
    ("mode1", "mode 1 request -> mode 2 reply", "same clients, symmetric active"),
    ("mode3_evict", "mode 3, new client every time",
     "rate table full: evicts its oldest entry per request"),
    ("mode3_rl_off", "mode 3, rate limiter off", "as `ntp ratelimit off`"),
    ("kod", "over the rate limit -> RATE KoD", "one client flooding; leak 0: every one a KoD"),
    ("ratelimit_drop", "over the rate limit, dropped", "leak 16: (almost) never a KoD"),
    ("garbage", "garbage (48 B, version 0), dropped", "counted as drop_bad_version"),
    ("mode7", "mode 7 monlist, dropped", "never answered (BCP 223)"),
    ("mode6_rv", "mode 6 `ntpq -c rv` from mgmt subnet", None),
    ("mode3_md5", "mode 3 + MD5 MAC -> signed mode 4", "verify, stamp, sign: 68 B reply"),
    ("mode3_sha1", "mode 3 + SHA-1 MAC -> signed mode 4", "verify, stamp, sign: 72 B reply"),
    ("mode3_cmac", "mode 3 + AES-CMAC MAC -> signed mode 4", "verify, stamp, sign: 68 B reply"),
]
FUNCTIONS = [
    ("clock_ticks_to_ntp", "clock_ticks_to_ntp()", "ticks -> NTP format; twice per time reply"),
    ("stamp_transmit", "ntp_server_stamp_transmit()", "fuzz, kept increasing, written"),
    ("clock_get_status", "clock_get_status()", "every 50 ms and after clock events (refresh_ntp_info)"),
    ("digest_md5", "ntp_auth_digest() MD5", "over a 48-byte header; twice per signed reply"),
    ("digest_sha1", "ntp_auth_digest() SHA-1", "over a 48-byte header; twice per signed reply"),
    ("digest_cmac", "ntp_auth_digest() AES-128-CMAC",
     "over 48 bytes: key expansion, subkeys, 3 blocks; twice per signed reply, "
     "the key expanded once for both (ntp_auth_hold)"),
]


def board_cpu_hz(board):
    try:
        with open(os.path.join(ROOT, "board", board, "board.h")) as f:
            m = re.search(r"#define\s+BOARD_CPU_HZ\s+(\d+)", f.read())
        return int(m.group(1)) if m else None
    except OSError:
        return None


def board_cpu_name(board):
    """The -mcpu of board.mk, spelled as ARM does ("Cortex-M3")."""
    try:
        with open(os.path.join(ROOT, "board", board, "board.mk")) as f:
            m = re.search(r"^BOARD_CPU\s*:=.*-mcpu=cortex-(\S+)", f.read(), re.M)
        return "Cortex-" + m.group(1).upper() if m else "target CPU"
    except OSError:
        return "target CPU"


def engine(t, board, cpu_hz):
    """Builds and runs the engine bench; returns instructions per mode 3 request, or None."""
    t.section("2a. Instructions per request on the %s: engine only" % board_cpu_name(board),
              "tools/bench/engine_bench.c linked with the firmware's own objects of "
              "firmware/ntp, firmware/clock and mbedTLS (same CPU flags, -Os), run on qemu-system-arm "
              "%s -icount shift=0: one instruction = 1 ns of virtual time, read "
              "through SysTick and calibrated with a loop of known length. Per request: "
              "arrival ticks->NTP, ntp_server_handle(), ticks->NTP and "
              "ntp_server_stamp_transmit() for a reply, every mode 6 fragment, as "
              "firmware/net/ntp_udp.c does (a signed reply is stamped and signed inside "
              "ntp_server_handle(), its two clock reads through the hook, and its request "
              "verified there: firmware/ntp/ntp_auth.c on mbedTLS, keys of 20 bytes, 16 for "
              "AES); averaged over 2000 requests (500 for mode 6 and signed ones) after "
              "a warm-up, with the empty driver loop subtracted. Each scenario is checked "
              "against the engine's counters. Instructions, not cycles: a Cortex-M needs "
              "more cycles than instructions (loads, branches, UMULL)."
              % " ".join(board_qemu_machine(board)))
    p = run(["make", "--no-print-directory", "-f", "Makefile", "-f", "tools/bench/bench.mk",
             "BOARD=" + board, "bench-engine-elf"], timeout=120)
    if p.returncode != 0:
        t.fail("bench ELF did not build: " + (p.stdout + p.stderr).strip()[-300:])
        return None
    elf = os.path.join(ROOT, "build", board, "bench", "engine_bench.elf")
    cmd = ["qemu-system-arm"] + board_qemu_machine(board) + [
        "-nographic", "-monitor", "none", "-serial", "null",
        "-semihosting-config", "enable=on,target=native", "-icount", "shift=0",
        "-kernel", elf]
    try:
        p = run(cmd, timeout=60)  # run() kills QEMU by PID on timeout
    except subprocess.TimeoutExpired:
        t.fail("engine bench did not finish within 60 s")
        return None
    text = p.stdout + p.stderr
    if "done" not in text.split():
        t.fail("engine bench ended without results: " + text.strip()[-300:])
        return None
    m = re.search(r"^calib (\d+) (\d+)$", text, re.M)
    instr_per_tick = int(m.group(1)) / int(m.group(2))
    rows = {}
    for m in re.finditer(r"^row (\S+) (\d+) (\d+) (\d+) (\S+) (\d+) (\d+) (\d+)$", text, re.M):
        name, n, ticks, base, counter, delta, frags, nbytes = m.groups()
        n = int(n)
        rows[name] = dict(n=n, instr=(int(ticks) - int(base)) * instr_per_tick / n,
                          loop=int(base) * instr_per_tick / n, counter=counter,
                          delta=int(delta), frags=int(frags) / n, bytes=int(nbytes) / n)
    t.row("calibration", "%.2f instr/tick" % instr_per_tick,
          "SysTick at %.2f MHz in QEMU; from a %s-instruction loop"
          % (1e3 / instr_per_tick, num(int(re.search(r"^calib (\d+)", text, re.M).group(1)))))
    ok = True
    for key, label, what in SCENARIOS:
        r = rows.get(key)
        if r is None:
            t.row(label, "missing")
            ok = False
            continue
        if r["delta"] < r["n"] - 1:
            t.row(label, "WRONG PATH", "%s rose by %d in %d requests" % (r["counter"], r["delta"],
                                                                         r["n"]))
            ok = False
            continue
        if key == "mode6_rv":
            what = "%.0f datagrams, %.0f B for a 12 B request" % (1 + r["frags"], r["bytes"])
        t.row(label, "%s instr" % num(r["instr"]), what)
    for key, label, what in FUNCTIONS:
        r = rows.get(key)
        if r is None:
            t.row(label, "missing")
            ok = False
            continue
        t.row("  " + label, "%s instr" % num(r["instr"]), what)
    t.row("driver loop subtracted", "%s instr" % num(rows["mode3"]["loop"]) if "mode3" in rows
          else "?", "per request (call, source address, time step)")
    if not ok:
        t.failures.append("engine bench: a scenario did not take the expected path")
    return rows.get("mode3", {}).get("instr") if ok else None


# ------------------------------------------------ the real image in QEMU --

def ts_ns(ts):
    """NTP 32.32 timestamp -> unix ns (int), in the era nearest to now."""
    secs = (ts >> 32) - NTP_EPOCH_OFFSET
    era = round((time.time() - secs) / 2**32)
    return (secs + era * 2**32) * 10**9 + (((ts & 0xFFFFFFFF) * 10**9) >> 32)


def ts_diff_ns(a, b):
    """a - b for two NTP timestamps, in ns, exact to the 2^-32 s unit."""
    return ((a - b) * 10**9) / 2**32


def send_burst(sock, port, k, timeout=0.5):
    """Sends k requests back to back; returns [(rx_ts, tx_ts)] of the replies, by tx."""
    for i in range(k):
        sock.sendto(harness.build_request(xmt_ts=harness.unix_to_ntp(time.time()) + i),
                    ("127.0.0.1", port))
    got = []
    sock.settimeout(timeout)
    try:
        while len(got) < k:
            data = sock.recv(2048)
            if len(data) >= 48:
                got.append(struct.unpack("!QQ", data[32:48]))
    except socket.timeout:
        pass
    return sorted(got, key=lambda x: x[1])


# Frames drained by one RX interrupt share its stamp: their receive timestamps differ only
# by the fuzz below the precision (2^-25 s, 30 ns). Another interrupt comes at least one
# FIFO copy (hundreds of instructions) later.
SAME_ISR_NS = 200


def frame_path(t, board, elf, cpu_hz, tmp):
    """Per-frame instruction counts of the real image under -icount; returns the steady-state
    whole-frame figure (or None) and the trace of a few requests on the same boot (frametrace's
    (request, idle) figures, or the reason it could not be taken)."""
    t.section("2b. Instructions per request on the %s: the real image, whole frame path"
              % board_cpu_name(board),
              "build/<board>/firmware.elf booted in QEMU with -icount shift=0 (and the RTC "
              "on the virtual clock): the firmware's own receive stamp (RX interrupt) and "
              "transmit stamp (read by the MAC driver once the frame is in the MAC FIFO, just "
              "before the write that starts transmission) are virtual ns, i.e. "
              "instructions, and come back in every reply as t2 and t3. Idle: single "
              "requests 0.1 s apart, median of t3 - t2. Back to back: bursts of 2..5 requests "
              "from the host; when frames share one RX interrupt the CPU never idles between "
              "them, and t3(n+1) - t3(n) is one frame's whole main-loop path (the fast path: "
              "ring, checks, engine, reply headers, MAC copy); the first reply's t3 - t2 grows with "
              "the number of frames that interrupt copied, which gives the ISR's per-frame "
              "FIFO copy (least squares). Rate limiter off for the bursts.")
    a = IcountAppliance(tmp, board, elf, monitor=True)
    traced = "not taken"
    try:
        a.start()
        a.wait_ready(timeout=60)
        a.wait_synced(timeout=60)
        try:  # first, with the defaults (rate limiter on), as any client meets them
            traced = frametrace.capture_running(a, tmp)
        except Exception as e:  # a missing trace is a missing figure, not a crash
            traced = "%s: %s" % (type(e).__name__, e)
        a.command("ntp ratelimit off")
        if harness.query(a.port) is None:
            t.fail("the image under -icount did not answer")
            return None, traced
        idle, steady, firsts = [], [], []
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for _ in range(12):
                got = send_burst(s, a.port, 1)
                if got:
                    rx, tx = got[0]
                    idle.append(ts_diff_ns(tx, rx))
                    firsts.append((1, ts_diff_ns(tx, rx)))
                time.sleep(0.1)
            for k in (2, 3, 4, 5):
                for _ in range(8):
                    got = send_burst(s, a.port, k)
                    for (rx0, tx0), (rx1, tx1) in zip(got, got[1:]):
                        if abs(ts_diff_ns(rx1, rx0)) < SAME_ISR_NS:
                            steady.append(ts_diff_ns(tx1, tx0))
                    if len(got) == k and abs(ts_diff_ns(got[-1][0], got[0][0])) < SAME_ISR_NS:
                        firsts.append((k, ts_diff_ns(got[0][1], got[0][0])))
                    time.sleep(0.1)
    except AssertionError as e:
        t.fail("the image under -icount did not boot or sync: " + str(e).splitlines()[0])
        return None, traced
    finally:
        a.stop()
    if isinstance(traced, dict):
        try:
            traced = frametrace.analyse(board, elf, traced, cpu_hz)
        except Exception as e:
            traced = "%s: %s" % (type(e).__name__, e)
    if not idle or not steady:
        t.fail("no usable samples (idle %d, back to back %d)" % (len(idle), len(steady)))
        return None, traced
    idle_med = statistics.median(idle)
    steady_med = statistics.median(steady)
    t.row("idle request: RX stamp -> TX stamp", "%s instr" % num(idle_med),
          "median of %d; includes the main-loop pass the frame waited for" % len(idle))
    t.row("back to back: one frame's main-loop path", "%s instr" % num(steady_med),
          "median of %d (min %s, max %s)" % (len(steady), num(min(steady)), num(max(steady))))
    isr = None
    ks = sorted(set(k for k, _ in firsts))
    if len(ks) >= 2:
        # Per k, the median first-reply latency; then a least-squares line through them.
        pts = [(k, statistics.median([v for kk, v in firsts if kk == k])) for k in ks]
        mk = statistics.mean(k for k, _ in pts)
        mv = statistics.mean(v for _, v in pts)
        sxx = sum((k - mk) ** 2 for k, _ in pts)
        isr = sum((k - mk) * (v - mv) for k, v in pts) / sxx
        t.row("RX interrupt: FIFO -> ring, per frame", "%s instr" % num(isr),
              "slope over %s frames per interrupt" % ",".join(str(k) for k in ks))
    else:
        t.row("RX interrupt: FIFO -> ring, per frame", "n/a",
              "no burst arrived within one interrupt")
    whole = steady_med + (isr if isr and isr > 0 else 0)
    t.row("whole frame, steady state", "%s instr" % num(whole),
          "main-loop path + ISR copy" if isr else "main-loop path only")
    if cpu_hz:
        t.row("  at %d MHz, 1 instr/cycle" % (cpu_hz // 10**6),
              "%s us" % ("%.1f" % (whole / cpu_hz * 1e6)),
              "idle stamp-to-stamp %.0f us" % (idle_med / cpu_hz * 1e6))
    return whole, traced


def baseline_trace(board, cpu_hz, tmp):
    """Builds the lwIP-only baseline image (NET_FASTPATH=0) and traces it as frame_path() traces
    the image. Returns (its ELF, (request, idle) figures) or (its ELF, the reason there are none)."""
    elf = os.path.join(ROOT, "build", board + "-baseline", "firmware.elf")
    p = run(["make", "--no-print-directory", "BOARD=" + board, "NET_FASTPATH=0", "firmware"],
            timeout=600)
    if p.returncode != 0:
        return elf, "baseline did not build: " + (p.stdout + p.stderr).strip()[-300:]
    try:
        return elf, frametrace.run(board, elf, cpu_hz, keep=tmp)
    except Exception as e:
        return elf, "%s: %s" % (type(e).__name__, e)


def traced(t, board, fast, base, base_elf):
    """Section 2d from frametrace's figures for the image (fast) and the baseline (base)."""
    t.section("2d. Where the instructions go: one mode 3 request traced, fast path and lwIP "
              "baseline",
              "tools/bench/frametrace.py on the -icount boot of 2b (before the rate limiter is "
              "switched off) and on a boot of the lwIP-only baseline (%s, make NET_FASTPATH=0: "
              "every frame through lwIP, the same engine, drivers and one-step stamp): QEMU's "
              "monitor switches on singlestep and the exec log (every guest instruction), "
              "exceptions and device register accesses for 9 mode 3 requests 30 ms apart. From "
              "the SysTick read in the Ethernet interrupt that took a request (the receive "
              "stamp) to the SysTick read whose value became its transmit timestamp (matched "
              "against t3 - t2), each instruction counted in the layer of its source file "
              "(addr2line), or as interrupt code; the request with the median total is shown "
              "(a request that arrives while the main loop is in a pass waits for the rest of it: "
              "the minimum is a request that woke the loop). "
              "Then the instructions from that read to the write that starts transmission "
              "(MACTR.NEWTX), and the idle main-loop passes (WFI to WFI, thread mode) of a 50 ms "
              "stretch with their calls of the 64-bit division helpers."
              % os.path.relpath(base_elf, ROOT))
    if board not in frametrace.ETH_BASE:
        t.row("traced request", "n/a", "the tracer knows the reference board's MAC only")
        return
    for name, fig in (("image", fast), ("baseline", base)):
        if not isinstance(fig, tuple):
            t.fail("%s not traced: %s" % (name, fig))
            return
    (fr, fi), (br, bi) = fast, base
    t.row("layer", "fast path", "lwIP baseline")
    for name in frametrace.LAYERS:
        if fr["layers"][name] or br["layers"][name]:
            t.row("  " + name, num(fr["layers"][name]), num(br["layers"][name]))
    t.row("RX stamp -> TX stamp, median", "%s instr" % num(fr["total"]),
          "baseline %s; baseline / fast path = %.2f" % (num(br["total"]), br["total"] / fr["total"]))
    t.row("RX stamp -> TX stamp, minimum", "%s instr" % num(min(fr["all"])),
          "baseline %s; all: %s and %s" % (num(min(br["all"])), "/".join(map(str, fr["all"])),
                                           "/".join(map(str, br["all"]))))
    t.row("TX stamp read -> NEWTX write", "%d instr" % fr["stamp_to_go"],
          "baseline %d; the counter read after the frame is in the MAC FIFO, the UDP checksum "
          "completed after it" % br["stamp_to_go"])
    t.row("idle main-loop pass", "%s instr" % num(fi["median"]),
          "median of %d passes (max %s%s); 64-bit divides per pass %d (max %d); baseline %s"
          % (fi["passes"], num(fi["max"]),
             ": the 50 ms clock refresh" if fi["max"] > 2 * fi["median"] else "",
             fi["div_median"], fi["div_max"], num(bi["median"])))


def derived(t, cpu_hz, engine_instr, frame_instr):
    t.section("2c. Derived: requests/s the board could serve (estimate)",
              "clock / instructions, as if the CPU retired one instruction per cycle: "
              "an upper bound (loads, taken branches and long multiplies take more than one "
              "cycle on an M3/M4), "
              "one CPU, nothing else running. Reference figures from comparable hardware "
              "below it.")
    if not cpu_hz:
        t.fail("no BOARD_CPU_HZ in board.h")
        return
    mhz = cpu_hz // 10**6
    if engine_instr:
        t.row("engine only, mode 3, at %d MHz" % mhz, "%s req/s" % num(cpu_hz / engine_instr),
              "%s instr each" % num(engine_instr))
    if frame_instr:
        t.row("whole frame path, at %d MHz" % mhz, "%s req/s" % num(cpu_hz / frame_instr),
              "%s instr each (2b)" % num(frame_instr))
    for label, rate, note in REFERENCES:
        t.row("  ref: " + label, "%s req/s" % num(rate), note)


# ------------------------------------------- emulated rate, timestamps --

COUNTER_RX = {
    "received": r"ntp: received (\d+)",
    "replied": r"ntp: received \d+, replied (\d+)",
    "kod": r"KoD (\d+)",
    "short": r"short (\d+)", "mode": r"mode (\d+), version",
    "version": r"version (\d+), ms-sntp", "mssntp": r"ms-sntp (\d+)", "auth": r"auth (\d+)",
    "format": r"format (\d+)", "acl": r"acl (\d+)", "ratelimit": r"ratelimit (\d+)",
}


def counters(status):
    out = {}
    for k, rx in COUNTER_RX.items():
        m = re.search(rx, status)
        out[k] = int(m.group(1)) if m else 0
    return out


def quality(t, a):
    t.section("4. Timestamp quality in QEMU (emulated, against this host's clock)",
              "20 mode 3 queries 0.5 s apart from a socket on 127.0.0.1, host time read with "
              "time.time_ns() around each: offset = ((t2 - t1) + (t3 - t4)) / 2, delay = "
              "(t4 - t1) - (t3 - t2), server processing = t3 - t2 from the reply (exact "
              "integers). Root dispersion as the replies carry it and as `status` shows it. "
              "The appliance's clock follows QEMU's DS1338, which follows this host's clock.")
    samples = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        for i in range(20):
            t1 = time.time_ns()
            s.sendto(harness.build_request(xmt_ts=harness.unix_to_ntp(t1 / 1e9)),
                     ("127.0.0.1", a.port))
            try:
                data = s.recv(2048)
            except socket.timeout:
                continue
            t4 = time.time_ns()
            if len(data) < 48:
                continue
            f = struct.unpack("!BBbbII4sQQQQ", data[:48])
            rx, tx = f[9], f[10]
            t2, t3 = ts_ns(rx), ts_ns(tx)
            samples.append(dict(offset=((t2 - t1) + (t3 - t4)) / 2, delay=(t4 - t1) - (t3 - t2),
                                proc=ts_diff_ns(tx, rx), disp_us=f[5] * 1e6 / 65536,
                                li=f[0] >> 6, stratum=f[1]))
            if i < 19:
                time.sleep(0.5)
    if len(samples) < 5:
        t.fail("only %d of 20 queries answered" % len(samples))
        return
    off = [abs(x["offset"]) for x in samples]
    t.row("answered", "%d of 20" % len(samples),
          "LI %d, stratum %d" % (samples[-1]["li"], samples[-1]["stratum"]))
    t.row("|offset| median", "%.1f us" % (statistics.median(off) / 1e3))
    t.row("|offset| max", "%.1f us" % (max(off) / 1e3))
    t.row("delay median", "%.1f us" % (statistics.median(x["delay"] for x in samples) / 1e3),
          "host -> QEMU user net -> guest and back")
    proc = [x["proc"] for x in samples]
    t.row("server processing t3 - t2, median", "%.1f us" % (statistics.median(proc) / 1e3),
          "emulated CPU: see 2b for the instruction count")
    t.row("server processing t3 - t2, max", "%.1f us" % (max(proc) / 1e3))
    t.row("root dispersion in replies, median",
          "%.3f ms" % (statistics.median(x["disp_us"] for x in samples) / 1e3),
          "16.16 s on the wire: 15 us steps")
    m = re.search(r"root dispersion: ([0-9.]+ \w+)", a.command("status"))
    t.row("root dispersion on the console", m.group(1) if m else "?", "`status`")


def rate(t, a, seconds, sockets, window):
    t.section("3. Request rate in QEMU (emulated: host-dependent, NOT a hardware figure)",
              "`ntp ratelimit off` first: the limiter works per source address and every host "
              "client reaches the guest as 10.0.2.2. Then tools/bench/loadgen.py, a second "
              "process, keeps %d sockets x %d request(s) outstanding for %.0f s (a new "
              "request on each reply, a request unanswered for 0.2 s counted lost). Counts "
              "from the loader and from the console `status` before and after; what the "
              "loader sent and the engine never received was lost in QEMU's user network, "
              "the MAC FIFO or the driver's receive ring (not on the console)."
              % (sockets, window, seconds))
    a.command("ntp ratelimit off")
    before = counters(a.command("status"))
    try:
        p = run([sys.executable, os.path.join("tools", "bench", "loadgen.py"),
                 "--port", str(a.port), "--seconds", str(seconds), "--sockets", str(sockets),
                 "--window", str(window)], timeout=seconds + 20)
    except subprocess.TimeoutExpired:
        t.fail("load generator did not finish")
        return
    if p.returncode != 0:
        t.fail("load generator failed: " + p.stderr.strip()[-200:])
        return
    res = json.loads(p.stdout)
    time.sleep(0.2)
    after = counters(a.command("status"))
    d = {k: after[k] - before[k] for k in after}
    engine_drops = sum(d[k] for k in ("short", "mode", "version", "mssntp", "auth", "format",
                                      "acl", "ratelimit"))
    t.row("replies/s (emulated)", "%s /s" % num(res["replies_per_s"]),
          "%s replies in %.0f s" % (num(res["replies"]), res["seconds"]))
    t.row("requests sent", num(res["sent"]), "by the loader")
    t.row("received by the engine", num(d["received"]), "console `ntp: received`")
    t.row("lost before the engine", num(max(res["sent"] - d["received"], 0)),
          "QEMU user net / MAC FIFO / RX ring")
    t.row("dropped by the engine", num(engine_drops), "console `ntp drops:` (all kinds)")
    t.row("replied by the engine", num(d["replied"]), "KoD %d" % d["kod"])
    t.row("replies lost or late on the way back",
          num(max(d["replied"] + d["kod"] - res["replies"], 0)),
          "late %d, unmatched %d" % (res["late"], res["duplicates"]))


# ------------------------------------------------------------------- main --

def main():
    ap = argparse.ArgumentParser(description="Prints the appliance's performance table.")
    ap.add_argument("--board", default="lm3s6965evb")
    ap.add_argument("--elf", default=None)
    ap.add_argument("--seconds", type=float, default=5.0, help="load duration for section 3")
    ap.add_argument("--sockets", type=int, default=8)
    ap.add_argument("--window", type=int, default=1)
    args = ap.parse_args()
    elf = os.path.abspath(args.elf or os.path.join(ROOT, "build", args.board, "firmware.elf"))
    harness.BOARD, harness.ELF = args.board, elf
    started = time.monotonic()
    cpu_hz = board_cpu_hz(args.board)
    t = Table()

    print("ntp-appliance bench: board %s, %s, host %s with %d CPUs (shared, noisy)"
          % (args.board, os.path.relpath(elf, ROOT), socket.gethostname(), os.cpu_count() or 0))
    if not os.path.exists(elf):
        print("no firmware image at %s: run `make firmware`" % elf)
        return 1

    sizes(t, elf)
    auth_sizes(t, args.board)
    engine_instr = engine(t, args.board, cpu_hz)
    with tempfile.TemporaryDirectory(prefix="ntp-bench-") as tmp:
        try:
            frame_instr, fast_trace = frame_path(t, args.board, elf, cpu_hz,
                                                 os.path.join(tmp, "icount"))
        except Exception as e:  # an unexpected harness failure is a missing figure, not a crash
            t.fail("%s: %s" % (type(e).__name__, e))
            frame_instr, fast_trace = None, "%s: %s" % (type(e).__name__, e)
        derived(t, cpu_hz, engine_instr, frame_instr)
        base_tmp = os.path.join(tmp, "baseline")
        os.makedirs(base_tmp)
        base_elf, base_trace = baseline_trace(args.board, cpu_hz, base_tmp)
        traced(t, args.board, fast_trace, base_trace, base_elf)

        a = harness.Appliance(os.path.join(tmp, "plain"))
        quality_and_rate = [None, None]
        try:
            a.start()
            a.wait_ready(timeout=60)
            a.wait_synced(timeout=60)
            if harness.query(a.port) is None:
                raise AssertionError("the appliance does not answer on port %d" % a.port)
            t_quality = Table()
            quality(t_quality, a)
            t_rate = Table()
            rate(t_rate, a, args.seconds, args.sockets, args.window)
            quality_and_rate = [t_rate, t_quality]
        except AssertionError as e:
            t.section("3./4. QEMU rate and timestamp quality", "the real image, emulated")
            t.fail("the appliance did not boot or sync: " + str(e).splitlines()[0])
        finally:
            a.stop()
        for sub in quality_and_rate:
            if sub is not None:
                t.sections += sub.sections
                t.failures += sub.failures

    t.render(sys.stdout)
    print("\nbench took %.0f s" % (time.monotonic() - started))
    if t.failures:
        print("NOT MEASURED:\n  " + "\n  ".join(t.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
