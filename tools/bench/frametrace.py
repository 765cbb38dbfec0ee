#!/usr/bin/python3
"""Instruction trace of one NTP request on the real image, layer by layer.

The image runs in QEMU with -icount shift=0 as in `make bench`. Once it is
synced and has answered a few warm-up requests (ARP resolved), the QEMU
monitor switches on, for one request only:
  singlestep                    one guest instruction per translation block,
  log exec,nochain              so every executed instruction is logged (PC);
  log int                       exception entries, returns and tail-chains;
  trace memory_region_ops_*     every device register access, with its value.
From that log (a few MB) the tool finds
  - the receive stamp: the first SysTick value read (SYST_CVR) inside the
    Ethernet interrupt that took the request;
  - the transmit stamp: of the counter reads after it and before the write
    that starts transmission (MACTR.NEWTX on the Stellaris MAC), the one
    whose value became the reply's transmit timestamp: its distance in
    ticks from the receive read matches t3 - t2 of the reply (the stamps
    are fuzzed below 2^-25 s, 1.5 ticks; the other candidates are tens of
    ticks away);
and counts the instructions executed between the two reads, each
attributed to a layer by the source file of the code it belongs to
(addr2line, innermost inlined function in a .c file), or to the receive
interrupt or another interrupt by the exception it ran in. The distance
from the transmit stamp's read to the NEWTX write is counted as well.

A second capture with no traffic splits the main loop into passes at its
WFI and counts the instructions of each pass and the calls of the 64-bit
division helpers (__aeabi_uldivmod, __aeabi_ldivmod) in it.

Reference board only (the NEWTX write marks the transmission start); the
logs are deleted afterwards. Used by tools/bench.py (section 2d); on its own:
    tools/bench/frametrace.py [--board lm3s6965evb] [--elf build/.../firmware.elf]
        [--functions] [--lines FUNC] [--keep DIR [--reuse]]
"""
import argparse
import bisect
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import icount  # noqa: E402
from icount import ROOT, harness  # noqa: E402

CROSS = "arm-none-eabi-"
SYST_CVR = 0xE000E018
ETH_BASE = {"lm3s6965evb": 0x40048000}
MAC_TR = 0x38
ETH_ISR = ("stellaris_eth_isr", "lan9118_eth_isr")
DIV64 = ("__aeabi_uldivmod", "__aeabi_ldivmod", "__udivmoddi4", "__divmoddi4")

# Layers in the order they are printed; the receive interrupt and other
# interrupts come from the exception context, the rest from the source file.
LAYERS = [
    "receive interrupt (stamp, FIFO -> ring)",
    "other interrupts",
    "main loop until the frame is taken",
    "ring -> frame",
    "fast path (parse, checks, reply headers)",
    "net glue (net.c, ntp_udp.c)",
    "lwIP input",
    "checksums",
    "pbuf and heap",
    "engine (firmware/ntp)",
    "clock conversions",
    "lwIP output",
    "MAC transmit (up to the stamp)",
    "counter reads (timer_now)",
    "libc (memcpy, memset)",
    "64-bit divides",
    "other",
]


def layer_of(path, func):
    """The layer of code from source file path (relative to ROOT, '' if unknown), function func."""
    p, fn = path or "", func or ""
    if fn in DIV64:
        return "64-bit divides"
    if fn in ("memcpy", "memset", "memmove", "memcmp"):
        return "libc (memcpy, memset)"
    if "/lwip" in p or p.startswith("build/lwip"):
        if "inet_chksum" in p:
            return "checksums"
        if re.search(r"/(pbuf|mem|memp)\.c$", p):
            return "pbuf and heap"
        if "input" in fn:
            return "lwIP input"
        if "output" in fn or "send" in fn:
            return "lwIP output"
        return "lwIP input" if "netif/ethernet.c" in p else "lwIP output"
    if p.startswith("firmware/net/csum"):
        return "checksums"
    if p.startswith("firmware/net/fastpath"):
        return "fast path (parse, checks, reply headers)"
    if p.startswith("firmware/net/"):
        return "net glue (net.c, ntp_udp.c)"
    if p.startswith(("firmware/ntp/ntp_time", "firmware/clock/served", "lib/wide")):
        return "clock conversions"
    if p.startswith("firmware/ntp/"):
        return "engine (firmware/ntp)"
    if p.startswith("hal/rxring/"):
        return "ring -> frame"
    if re.match(r"hal/(stellaris|lan9118)/eth\.c", p):
        return "MAC transmit (up to the stamp)"
    if p.startswith("hal/cortexm/systick"):
        return "counter reads (timer_now)"
    if p.startswith(("firmware/", "hal/", "lib/", "board/")):
        return "main loop until the frame is taken"
    return "other"


# ------------------------------------------------------------- the image --

class Image:
    """Symbols, source lines and instruction kinds of an ELF."""

    def __init__(self, elf):
        self.elf = elf
        self.funcs = []  # (start, end, name), sorted
        out = subprocess.run([CROSS + "nm", "-n", "-S", "--defined-only", elf],
                             capture_output=True, text=True, check=True).stdout
        self.sym = {}
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4 and f[2] in "tTwW":
                start = int(f[0], 16) & ~1
                self.funcs.append((start, start + int(f[1], 16), f[3]))
                self.sym.setdefault(f[3], start)
        self.funcs.sort()
        self.starts = [s for s, _, _ in self.funcs]
        self.wfi = set()
        dis = subprocess.run([CROSS + "objdump", "-d", elf], capture_output=True, text=True,
                             check=True).stdout
        for m in re.finditer(r"^\s*([0-9a-f]+):\s+[0-9a-f ]+\s+wfi\b", dis, re.M):
            self.wfi.add(int(m.group(1), 16))
        self._lines = {}

    def func_at(self, pc):
        i = bisect.bisect_right(self.starts, pc) - 1
        if i >= 0 and self.funcs[i][0] <= pc < self.funcs[i][1]:
            return self.funcs[i][2]
        return None

    def resolve(self, pcs):
        """Fills the source file and function of each pc (innermost inlined frame in a .c file)."""
        todo = sorted(set(pcs) - set(self._lines))
        if not todo:
            return
        out = subprocess.run([CROSS + "addr2line", "-e", self.elf, "-a", "-f", "-i"],
                             input="\n".join("0x%x" % pc for pc in todo), capture_output=True,
                             text=True, check=True).stdout.splitlines()
        frames, pc = {}, None
        i = 0
        while i < len(out):
            line = out[i]
            if re.match(r"^0x[0-9a-f]+$", line):
                pc = int(line, 16)
                frames[pc] = []
                i += 1
                continue
            func = line
            loc = out[i + 1] if i + 1 < len(out) else "??:0"
            path = loc.rsplit(":", 1)[0]
            # Relative to the tree the image was built in (any checkout).
            m = re.search(r"/((?:firmware|hal|lib|board|tests|tools)/.*|build/lwip/.*)$", path)
            if m:
                path = m.group(1)
            frames[pc].append((func, path))
            i += 2
        for pc in todo:
            fr = frames.get(pc, [])
            pick = next((f for f in fr if f[1].endswith(".c")), fr[0] if fr else ("??", ""))
            func, path = pick
            if func == "??" or not path or path.startswith("??"):
                func, path = self.func_at(pc) or "??", ""
            self._lines[pc] = (path, func)

    def where(self, pc):
        return self._lines.get(pc, ("", self.func_at(pc) or "??"))


# ------------------------------------------------------------ the capture --

def start_logging(a, path):
    a.monitor("logfile " + path)
    a.monitor("singlestep on")
    a.monitor("trace-event memory_region_ops_read on")
    a.monitor("trace-event memory_region_ops_write on")
    a.monitor("log exec,nochain,int,trace:memory_region_ops_read,"
              "trace:memory_region_ops_write")


def stop_logging(a):
    a.monitor("log none")
    a.monitor("trace-event memory_region_ops_read off")
    a.monitor("trace-event memory_region_ops_write off")
    a.monitor("singlestep off")


def one_request(port, timeout=2.0):
    """Sends one mode 3 request; returns (t3 - t2 in ns, raw reply) or (None, None)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(harness.build_request(xmt_ts=harness.unix_to_ntp(time.time())),
                 ("127.0.0.1", port))
        try:
            data = s.recv(2048)
        except socket.timeout:
            return None, None
    rx, tx = struct.unpack("!QQ", data[32:48])
    return ((tx - rx) * 10**9) / 2**32, data


def capture_running(a, tmp, requests=9, idle_s=0.05):
    """Logs a few requests, 30 ms apart, and an idle stretch on a running, synced appliance
    (IcountAppliance with a monitor). Returns a dict of log paths and the replies' t3 - t2
    (None for a request without a reply)."""
    req_log = os.path.join(tmp, "request.log")
    idle_log = os.path.join(tmp, "idle.log")
    for path in (req_log, idle_log):  # QEMU appends to a log file
        if os.path.exists(path):
            os.unlink(path)
    for _ in range(5):  # ARP resolved, caches warm; the first datagram may be lost
        if harness.query(a.port) is not None:
            break
    for _ in range(3):
        one_request(a.port)
        time.sleep(0.05)
    time.sleep(0.2)
    start_logging(a, req_log)
    t32 = []
    for _ in range(requests):
        t32.append(one_request(a.port)[0])
        time.sleep(0.03)
    time.sleep(0.1)
    stop_logging(a)
    time.sleep(0.2)
    start_logging(a, idle_log)
    time.sleep(idle_s)
    stop_logging(a)
    a.monitor("logfile /dev/null")
    return {"request": req_log, "idle": idle_log, "t3_t2_ns": t32}


def capture(board, elf, tmp, requests=9, idle_s=0.05):
    """Boots the image and captures as capture_running() does."""
    a = icount.IcountAppliance(os.path.join(tmp, "run"), board, elf, monitor=True)
    try:
        a.start()
        a.wait_ready(timeout=60)
        a.wait_synced(timeout=60)
        return capture_running(a, tmp, requests, idle_s)
    finally:
        a.stop()


def analyse(board, elf, cap, cpu_hz):
    """(request figures, idle figures) from a capture."""
    if not any(t is not None for t in cap["t3_t2_ns"]):
        raise RuntimeError("no traced request got a reply")
    img = Image(elf)
    return (analyse_request(img, cap["request"], board, cap["t3_t2_ns"], cpu_hz),
            analyse_idle(img, cap["idle"]))


# --------------------------------------------------------------- parsing --

TRACE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
REWOUND = re.compile(r"^cpu_io_recompile: rewound execution of TB to ([0-9a-f]+)")
TAKE = re.compile(r"taking pending (?:non)?secure exception (\d+)")
TAIL = re.compile(r"tailchaining to pending exception (\d+)")
RETURN = re.compile(r"^Exception return: .* previous exception (\d+)")
MMIO = re.compile(r"^memory_region_ops_(read|write) .* addr 0x([0-9a-f]+) value 0x([0-9a-f]+) "
                  r"size \d+ name '([^']*)'")


def parse(path):
    """Returns (pcs, ctxs, mmio): the executed instructions' PCs, the exception each ran in
    (0: thread mode), and {instruction index: [(kind, addr, value)]} for register accesses."""
    pcs, ctxs, mmio = [], [], {}
    stack = []
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE.match(line)
            if m:
                pcs.append(int(m.group(1), 16))
                ctxs.append(stack[-1] if stack else 0)
                continue
            m = MMIO.match(line)
            if m:
                addr = int(m.group(2), 16)
                if addr >= 0x1000 and pcs:  # the absolute address (SysTick also logs its offset)
                    mmio.setdefault(len(pcs) - 1, []).append((m.group(1), addr,
                                                              int(m.group(3), 16)))
                continue
            m = REWOUND.match(line)
            if m:
                if pcs and pcs[-1] == int(m.group(1), 16):
                    pcs.pop()
                    ctxs.pop()
                    mmio.pop(len(pcs), None)
                continue
            m = TAKE.search(line)
            if m:
                stack.append(int(m.group(1)))
                continue
            m = RETURN.match(line)
            if m:
                if stack:
                    stack.pop()
                continue
            m = TAIL.search(line)
            if m:
                stack.append(int(m.group(1)))
    return pcs, ctxs, mmio


def cvr_reads(mmio, lo, hi):
    """[(index, value)] of SysTick value reads at instruction indices lo..hi-1."""
    out = []
    for i in sorted(k for k in mmio if lo <= k < hi):
        for kind, addr, val in mmio[i]:
            if kind == "read" and addr == SYST_CVR:
                out.append((i, val))
    return out


def frame_interrupts(img, pcs, ctxs, mmio, base):
    """Indices of the entries into the Ethernet ISR that read a frame from the MAC."""
    isr = {img.sym[n] for n in ETH_ISR if n in img.sym}
    reads = sorted(k for k in mmio if any(a == base + 0x10 and kind == "read"
                                          for kind, a, _ in mmio[k]))
    entries = []
    for i, pc in enumerate(pcs):
        if pc in isr and ctxs[i] != 0:
            nxt = bisect.bisect_left(reads, i)
            if nxt < len(reads) and ctxs[reads[nxt]] == ctxs[i] and \
                    all(ctxs[j] != 0 for j in range(i, reads[nxt])):
                entries.append(i)
    return entries


def analyse_one(img, pcs, ctxs, mmio, base, entry, t3_t2_ns, cpu_hz):
    """One request's span from the interrupt at entry, layer by layer (see analyse_request)."""
    exc = ctxs[entry]
    rx = next(((i, v) for i, v in cvr_reads(mmio, entry, len(pcs)) if ctxs[i] == exc), None)
    if rx is None:
        raise RuntimeError("no receive stamp in the interrupt")
    go = next((i for i in sorted(mmio) if i > rx[0] and any(
        kind == "write" and a == base + MAC_TR and v & 1 for kind, a, v in mmio[i])), None)
    if go is None:
        raise RuntimeError("no transmission after the receive stamp")
    want = t3_t2_ns / (1e9 / cpu_hz)
    cands = [(i, ((rx[1] - v) & 0xFFFFFF)) for i, v in cvr_reads(mmio, rx[0] + 1, go)
             if ctxs[i] == 0]
    if not cands:
        raise RuntimeError("no counter read between the receive stamp and the transmission")
    tx_i, tx_ticks = min(cands, key=lambda c: abs(c[1] - want))
    span = range(rx[0] + 1, tx_i + 1)
    img.resolve(pcs[i] for i in span)
    counts = {name: 0 for name in LAYERS}
    funcs = {}
    for i in span:
        path_, func = img.where(pcs[i])
        if ctxs[i] == exc:
            name = LAYERS[0]
        elif ctxs[i] != 0:
            name = LAYERS[1]
        else:
            name = layer_of(path_, func)
        counts[name] += 1
        key = (name, func)
        funcs[key] = funcs.get(key, 0) + 1
    return {
        "total": len(span),
        "layers": counts,
        "stamp_to_go": go - tx_i,
        "tx_ticks": tx_ticks,
        "t3_t2_ns": t3_t2_ns,
        "functions": funcs,
        "pcs": [pcs[i] for i in span if ctxs[i] == 0],
    }


def analyse_request(img, path, board, t3_t2_ns, cpu_hz):
    """The traced requests' spans from the receive stamp to the transmit stamp, layer by
    layer. t3_t2_ns: the replies' t3 - t2, in order. Returns the figures of the request with
    the median total, with "all" the totals of every request analysed."""
    pcs, ctxs, mmio = parse(path)
    base = ETH_BASE.get(board)
    if base is None:
        raise RuntimeError("no MAC base for %s" % board)
    entries = frame_interrupts(img, pcs, ctxs, mmio, base)
    answered = [t for t in t3_t2_ns if t is not None]
    if not entries or len(entries) < len(answered):
        raise RuntimeError("%d frame interrupts in the log for %d replies"
                           % (len(entries), len(answered)))
    results = []
    for entry, t32 in zip(entries, t3_t2_ns):
        if t32 is not None:
            results.append(analyse_one(img, pcs, ctxs, mmio, base, entry, t32, cpu_hz))
    results.sort(key=lambda r: r["total"])
    pick = dict(results[len(results) // 2])
    pick["all"] = [r["total"] for r in results]
    pick["stamp_to_go_all"] = [r["stamp_to_go"] for r in results]
    return pick


def analyse_idle(img, path):
    """Main-loop passes (WFI to WFI, thread mode only) of an idle stretch: a dict of figures."""
    pcs, ctxs, _ = parse(path)
    div = {img.sym[n] for n in DIV64 if n in img.sym}
    passes, n, divs = [], None, 0
    for pc, ctx in zip(pcs, ctxs):
        if ctx != 0:
            continue
        if n is not None:
            n += 1
            if pc in div:
                divs += 1
        if pc in img.wfi:
            if n is not None:
                passes.append((n, divs))
            n, divs = 0, 0
    if not passes:
        raise RuntimeError("no complete main-loop pass in the idle log")
    lens = [p[0] for p in passes]
    return {
        "passes": len(passes),
        "median": statistics.median(lens),
        "min": min(lens),
        "max": max(lens),
        "div_median": statistics.median(p[1] for p in passes),
        "div_max": max(p[1] for p in passes),
    }


def run(board, elf, cpu_hz, keep=None, reuse=False):
    """Captures (or, with reuse, reads the logs kept in keep) and analyses; returns
    (request figures, idle figures)."""
    with tempfile.TemporaryDirectory(prefix="ntp-trace-") as tmp:
        if reuse:
            with open(os.path.join(keep, "reply.txt")) as f:
                cap = {"request": os.path.join(keep, "request.log"),
                       "idle": os.path.join(keep, "idle.log"), "t3_t2_ns": json.loads(f.read())}
        else:
            cap = capture(board, elf, keep or tmp)
            if keep:
                with open(os.path.join(keep, "reply.txt"), "w") as f:
                    f.write(json.dumps(cap["t3_t2_ns"]))
        return analyse(board, elf, cap, cpu_hz)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--board", default="lm3s6965evb")
    ap.add_argument("--elf", default=None)
    ap.add_argument("--cpu-hz", type=int, default=50000000)
    ap.add_argument("--keep", default=None, help="keep the logs in this directory")
    ap.add_argument("--functions", action="store_true", help="also list functions per layer")
    ap.add_argument("--reuse", action="store_true", help="analyse the logs kept in --keep again")
    ap.add_argument("--lines", default=None, metavar="FUNC",
                    help="also count the span's instructions by source line, in function FUNC")
    args = ap.parse_args()
    elf = os.path.abspath(args.elf or os.path.join(ROOT, "build", args.board, "firmware.elf"))
    harness.BOARD, harness.ELF = args.board, elf
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    req, idle = run(args.board, elf, args.cpu_hz, args.keep, args.reuse and args.keep)
    print("RX stamp -> TX stamp: %d instructions (reply t3 - t2: %.0f ns); median of %s"
          % (req["total"], req["t3_t2_ns"], req["all"]))
    for name in LAYERS:
        if req["layers"][name]:
            print("  %-44s %6d" % (name, req["layers"][name]))
            if args.functions:
                fs = sorted(((n, f) for (l, f), n in req["functions"].items() if l == name),
                            reverse=True)
                for n, f in fs:
                    print("      %-40s %6d" % (f, n))
    if args.lines:
        img = Image(elf)
        img.resolve(req["pcs"])
        picked = [pc for pc in req["pcs"] if img.where(pc)[1] == args.lines]
        out = subprocess.run([CROSS + "addr2line", "-e", elf], capture_output=True, text=True,
                             input="\n".join("0x%x" % pc for pc in picked)).stdout.split()
        by_line = {}
        for loc in out:
            by_line[loc] = by_line.get(loc, 0) + 1
        for loc, n in sorted(by_line.items(), key=lambda x: -x[1]):
            print("      %-60s %4d" % (loc.split("/")[-1], n))
    print("TX stamp read -> NEWTX write: %d instructions" % req["stamp_to_go"])
    print("idle pass: median %d instructions (min %d, max %d, %d passes), 64-bit divides "
          "per pass: median %d, max %d" % (idle["median"], idle["min"], idle["max"],
                                           idle["passes"], idle["div_median"], idle["div_max"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
