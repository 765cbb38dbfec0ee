"""Issue 13: the client matrix, and docs/INTEROP.md written from its run.

Every NTP client on this machine that can talk to the appliance queries one
booted image, one row after another, so that the appliance's counters
between two rows belong to one client: chronyd as a client and as a
symmetric peer, each with and without xleave; NTPsec's ntpd as a client
(in a network namespace of its own) and its ntpdig; python3-ntplib asking
with NTPv3 and with NTPv4; the Windows Time service's requests
(windows_client.py) in client and in symmetric active mode; NTPv1 to NTPv4
requests made here; NTPsec's ntpq (mode 6).

For each row the test records the client's version as the tool itself
reports it, what the client sent and what came back as a capture on the
loopback device saw them, what the appliance counted (`status` before and
after), whether the client accepted the reply by its own test (chronyd
selects the source, ntpd chooses it as its sys.peer, ntpdig prints an
offset and exits 0, ...) and the offset the client measured. A row whose
client does not accept the appliance fails, and so does one whose client
sent or got anything but what the row expects, or whose replies the
appliance counted differently from the capture.

With INTEROP_WRITE=1 (`make interop`, on the reference board) the module
writes docs/INTEROP.md from its run once every row has run; `make test`
runs the same matrix without it and leaves the tree as it was.
"""
import collections
import dataclasses
import datetime
import importlib.metadata
import json
import os
import re
import subprocess
import time

import ntplib
import pytest

from appliance import (BOARD, ELF, ROOT, LoopbackCapture, Port123Relay, board_qemu_machine,
                       build_request, query, run_chronyd, stop_process, valid_rx)
from lan import HOST_IP, Lan, lan_unavailable
from windows_client import WindowsClient

pytestmark = pytest.mark.needs_root(
    "chronyd runs as root, ntpdig and ntpq talk to port 123 only (a relay binds "
    "udp 127.x.y.z:123), ntpd runs in a network namespace, and the capture on the "
    "loopback device is an AF_PACKET socket")

PYTHON = "/usr/bin/python3"
NTPSEC = os.path.join(ROOT, "build", "ntpsec", "usr")   # Debian's ntpsec, unpacked by deps.sh
NTPQ = os.path.join(NTPSEC, "bin", "ntpq")
NTPD = os.path.join(NTPSEC, "sbin", "ntpd")
INTEROP_MD = os.path.join(ROOT, "docs", "INTEROP.md")
WRITE = os.environ.get("INTEROP_WRITE") == "1"


def run(cmd, timeout=30):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def first_match(pattern, text, what):
    m = re.search(pattern, text)
    assert m, "no %s in %r" % (what, text)
    return m.group(1)


@dataclasses.dataclass
class Outcome:
    """What one client made of the appliance, in its own words."""
    version: str           # as the tool reports it at run time
    accepted: bool
    offset_s: float        # as the client measured it; None where it measures none
    judged_by: str         # the client's own evidence for accepted
    detail: str = ""       # the client's output, for a failure message


# ------------------------------------------------------------------ chronyd

def chronyd_version():
    return first_match(r"version (\S+)", run(["/usr/sbin/chronyd", "-v"]).stdout,
                       "chronyd version")


def run_chronyd_row(ctx, directive, xleave):
    """chronyd -x (it never touches the clock) with the appliance as its one
    source, polling every second, until it has selected the source after 4
    valid replies, interleaved ones when it asks for them (or 30 s pass)."""
    # A server is listed as ^ in `chronyc sources`, a peer as =; * is the selected source.
    selected_rx = r"^%s\*\s+127\.0\.0\.1\b" % re.escape("^" if directive == "server" else "=")

    def done(ntpdata, sources):
        return (re.search(selected_rx, sources, re.M) and valid_rx(ntpdata) >= 4
                and (not xleave or re.search(r"Interleaved\s*:\s*Yes", ntpdata)))

    ntpdata, sources = run_chronyd(
        ctx.tmp_path, "%s 127.0.0.1 port %d minpoll 0 maxpoll 0%s"
        % (directive, ctx.port, " xleave" if xleave else ""), done, timeout=30, poll_s=0.5)
    selected = re.search(selected_rx, sources, re.M) is not None
    interleaved = re.search(r"Interleaved\s*:\s*Yes", ntpdata) is not None
    offset = re.search(r"Offset\s*:\s*([-+]?[0-9.]+) seconds", ntpdata)
    judged = "selected (`%s*` in `chronyc sources`)" % ("^" if directive == "server" else "=") \
        if selected else "not selected"
    if xleave:
        judged += ", interleaved (`chronyc ntpdata`)" if interleaved else ", not interleaved"
    return Outcome(chronyd_version(), selected and (interleaved or not xleave),
                   float(offset.group(1)) if offset else None, judged, ntpdata + sources)


# ------------------------------------------------------------------ NTPsec

def ntpsec_version(cmd):
    """`ntpdig -V`, `ntpq --version`: "<tool> ntpsec-1.2.2"."""
    return first_match(r"(ntpsec-\S+)", run(cmd).stdout, "NTPsec version")


def run_ntpdig(ctx):
    """ntpdig (never sets the clock without -S or -s), through a relay on
    port 123 as it insists; JSON output for the offset it prints."""
    p = None
    with Port123Relay(ctx.port) as relay:
        for _ in range(3):      # QEMU's user network may drop the first datagram
            p = run(["ntpdig", "-j", "-t", "2", relay.addr])
            if p.returncode == 0:
                break
    out = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else {}
    accepted = p.returncode == 0 and "offset" in out
    return Outcome(ntpsec_version(["ntpdig", "-V"]), accepted, out.get("offset"),
                   "printed an offset, exit 0" if accepted else "exit %d" % p.returncode,
                   p.stdout + p.stderr)


def run_ntpq(ctx):
    """ntpq -c rv (mode 6, read variables) through a relay on port 123."""
    out = ""
    with Port123Relay(ctx.port) as relay:
        for _ in range(3):
            p = run([PYTHON, NTPQ, "-c", "rv", relay.addr])
            out = p.stdout + p.stderr
            if "stratum=" in out:
                break
    accepted = all(v in out for v in ("version=", "stratum=", "refid=", "clock="))
    return Outcome(ntpsec_version([PYTHON, NTPQ, "--version"]), accepted, None,
                   "printed the system variables" if accepted else "no system variables", out)


def run_ntpd(ctx):
    """NTPsec's ntpd as a client. It binds udp/123 on every address it sees,
    so it runs in a network namespace of its own, a host on a virtual LAN
    (lan.py) at 192.0.2.10, and reaches the appliance through a relay on the
    LAN's 192.0.2.1:123. It cannot touch this machine's clock: `disable ntp`
    and `disable kernel`, and setpriv takes CAP_SYS_TIME out of its bounding
    set (its log says ntp_adjtime is not permitted). Its peerstats file is
    its own record of every sample: the offset, and the peer status word,
    whose select field is 6 (sys.peer) once ntpd has chosen the source, as
    `ntpq -p` would show with a `*`."""
    why = lan_unavailable()
    assert why is None, why
    tmp = ctx.tmp_path
    conf = tmp / "ntp.conf"
    conf.write_text("server %s iburst minpoll 0 maxpoll 0\ndisable ntp\ndisable kernel\n"
                    "statsdir %s/\nstatistics peerstats\n"
                    "filegen peerstats file peerstats type none enable\n" % (HOST_IP, tmp))
    peerstats = tmp / "peerstats"

    def last_sample():
        """The newest peerstats line of the appliance's relay, split: MJD, seconds,
        peer, status word (hex), offset (s), delay, dispersion, jitter."""
        lines = peerstats.read_text().splitlines() if peerstats.exists() else []
        mine = [l.split() for l in lines if HOST_IP in l.split()]
        return mine[-1] if mine else None

    def is_sys_peer(sample):
        return sample is not None and (int(sample[3], 16) >> 8) & 7 == 6

    with Lan(tmp) as lan:
        ns = lan.add_host("192.0.2.10")
        with Port123Relay(ctx.port, front=lan.udp(HOST_IP, 123)):
            d = subprocess.Popen(["ip", "netns", "exec", ns, "setpriv", "--bounding-set",
                                  "-sys_time", "--", NTPD, "-n", "-c", str(conf),
                                  "-l", str(tmp / "ntpd.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not is_sys_peer(last_sample()):
                    time.sleep(0.5)
            finally:
                stop_process(d)
    sample = last_sample()
    log = (tmp / "ntpd.log").read_text() if (tmp / "ntpd.log").exists() else ""
    return Outcome(ntpsec_version([NTPD, "--version"]), is_sys_peer(sample),
                   float(sample[4]) if sample else None,
                   "chose it as its sys.peer (peer status %s in peerstats)" % sample[3]
                   if is_sys_peer(sample) else "not chosen: last sample %r" % (sample,),
                   log[-3000:])


# ------------------------------------------------------------------ ntplib

def ntplib_version():
    """The Debian package's version, else the module's own."""
    p = run(["dpkg-query", "-W", "-f", "${Version}", "python3-ntplib"])
    if p.returncode == 0 and p.stdout:
        return p.stdout
    return importlib.metadata.version("ntplib")


def run_ntplib(ctx, vn):
    client = ntplib.NTPClient()
    resp, err = None, ""
    for _ in range(3):
        try:
            resp = client.request("127.0.0.1", version=vn, port=ctx.port, timeout=1)
            break
        except ntplib.NTPException as e:
            err = str(e)
    return Outcome(ntplib_version(), resp is not None, resp.offset if resp else None,
                   "returned a response" if resp else "raised: " + err)


# ------------------------------------------------------------------ Windows

def run_w32time(ctx, mode):
    """Three exchanges as w32time makes them (poll 15 first, then 10), each
    reply put through every check Windows makes before it takes a sample."""
    w = WindowsClient(ctx.port, mode=mode)
    problems, r = [], None
    for i in range(3):
        r, p = w.exchange(poll=15 if i == 0 else 10)
        problems += p
    accepted = r is not None and not problems
    return Outcome("emulation (windows_client.py)", accepted, r.offset if r else None,
                   "3 exchanges, every check passed" if accepted else "; ".join(problems))


# ------------------------------------------------------------------ raw requests

def run_raw(ctx, vn):
    """One request built here: NTPv1's carries no mode (0), later ones mode 3.
    query() takes only the reply whose originate is the request's transmit."""
    r = query(ctx.port, build_request(vn=vn, mode=0 if vn == 1 else 3))
    problems = ["no reply"] if r is None else [
        what for what, bad in (("mode %d" % r.mode, r.mode != 4),
                               ("version %d not echoed" % r.vn, r.vn != vn),
                               ("LI 3", r.li == 3),
                               ("stratum %d" % r.stratum, not 1 <= r.stratum <= 15),
                               ("%d bytes" % len(r.raw), len(r.raw) != 48)) if bad]
    return Outcome("(this test)", not problems, r.offset if r else None,
                   "mode 4, version echoed, originate = our transmit, LI 0, stratum 1"
                   if not problems else "; ".join(problems))


# ------------------------------------------------------------------ the matrix

@dataclasses.dataclass
class Row:
    id: str
    client: str
    role: str               # how the client was run, as the table shows it
    sends: set              # {(version, mode)} the client must send
    answers: set            # {(version, mode)} the appliance must answer with
    run: object             # run(ctx) -> Outcome
    interleaved: bool = False


ROWS = [
    Row("chronyd-server", "chronyd", "client: `server`", {(4, 3)}, {(4, 4)},
        lambda c: run_chronyd_row(c, "server", False)),
    Row("chronyd-server-xleave", "chronyd", "client: `server ... xleave`", {(4, 3)}, {(4, 4)},
        lambda c: run_chronyd_row(c, "server", True), interleaved=True),
    Row("chronyd-peer", "chronyd", "symmetric peer: `peer`", {(4, 1)}, {(4, 2)},
        lambda c: run_chronyd_row(c, "peer", False)),
    Row("chronyd-peer-xleave", "chronyd", "symmetric peer: `peer ... xleave`", {(4, 1)},
        {(4, 2)}, lambda c: run_chronyd_row(c, "peer", True), interleaved=True),
    Row("ntpd", "ntpd (NTPsec)", "client: `server ... iburst`, `disable ntp`", {(4, 3)},
        {(4, 4)}, run_ntpd),
    Row("ntpdig", "ntpdig (NTPsec)", "`ntpdig -j <addr>`", {(4, 3)}, {(4, 4)}, run_ntpdig),
    Row("ntplib-v3", "python3-ntplib", "`NTPClient().request(version=3)`", {(3, 3)}, {(3, 4)},
        lambda c: run_ntplib(c, 3)),
    Row("ntplib-v4", "python3-ntplib", "`NTPClient().request(version=4)`", {(4, 3)}, {(4, 4)},
        lambda c: run_ntplib(c, 4)),
    Row("w32time-client", "Windows Time (w32time)", "client: peer flag 0x8", {(3, 3)},
        {(3, 4)}, lambda c: run_w32time(c, 3)),
    Row("w32time-symmetric", "Windows Time (w32time)",
        "symmetric active: no flag (`net time /setsntp`)", {(3, 1)}, {(3, 2)},
        lambda c: run_w32time(c, 1)),
    Row("ntpv1", "NTPv1 request", "RFC 1059: no mode field (0)", {(1, 0)}, {(1, 4)},
        lambda c: run_raw(c, 1)),
    Row("ntpv2", "NTPv2 request", "RFC 1119 client", {(2, 3)}, {(2, 4)},
        lambda c: run_raw(c, 2)),
    Row("ntpv3", "NTPv3 request", "RFC 1305 client", {(3, 3)}, {(3, 4)},
        lambda c: run_raw(c, 3)),
    Row("ntpv4", "NTPv4 request", "RFC 5905 client", {(4, 3)}, {(4, 4)},
        lambda c: run_raw(c, 4)),
    Row("ntpq", "ntpq (NTPsec)", "`ntpq -c rv`: control (mode 6)", {(2, 6)}, {(2, 6)}, run_ntpq),
]

STATUS_COUNTERS = {
    "v1": r"by version: v1 (\d+)", "v2": r"by version:.* v2 (\d+)",
    "v3": r"by version:.* v3 (\d+)", "v4": r"by version:.* v4 (\d+)",
    "mode4": r"mode 4: (\d+)", "mode2": r"mode 2: (\d+)", "interleaved": r"interleaved (\d+)",
    "mode6": r"ntp mode 6: replied (\d+)",
}


def status_counters(appliance):
    st = appliance.command("status")
    return {k: int(first_match(rx, st, k)) for k, rx in STATUS_COUNTERS.items()}


def tally(packets, requests):
    """{(version, mode): count} of the captured requests (or replies)."""
    return collections.Counter((p[0] >> 3 & 7, p[0] & 7) for is_req, p in packets
                               if is_req == requests and len(p) >= 1)


def fmt_tally(t):
    return ", ".join("v%d mode %d ×%d" % (vn, mode, n) for (vn, mode), n in sorted(t.items())) \
        or "nothing"


@dataclasses.dataclass
class Result:
    row: Row
    outcome: Outcome
    sent: collections.Counter
    answered: collections.Counter
    counted: dict


class Ctx:
    def __init__(self, appliance, tmp_path):
        self.appliance, self.port, self.tmp_path = appliance, appliance.port, tmp_path


class Matrix:
    def __init__(self, appliance, capture):
        self.appliance, self.capture = appliance, capture
        self.results = {}

    def run(self, row, tmp_path):
        before = status_counters(self.appliance)
        mark = self.capture.mark()
        outcome = row.run(Ctx(self.appliance, tmp_path))
        packets = self.capture.since(mark)
        after = status_counters(self.appliance)
        counted = {k: after[k] - before[k] for k in after}
        res = Result(row, outcome, tally(packets, True), tally(packets, False), counted)
        self.results[row.id] = res
        return res


@pytest.fixture(scope="module")
def matrix(appliance):
    started = time.monotonic()
    with LoopbackCapture(appliance.port) as capture:
        m = Matrix(appliance, capture)
        yield m
    if WRITE:
        missing = [r.id for r in ROWS if r.id not in m.results]
        if missing:
            pytest.fail("INTEROP_WRITE=1, but rows %s did not run: %s not written"
                        % (", ".join(missing), os.path.relpath(INTEROP_MD, ROOT)))
        write_interop_md(m.results, time.monotonic() - started)


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_client(matrix, row, tmp_path):
    res = matrix.run(row, tmp_path)
    o = res.outcome
    assert o.accepted, "%s did not accept the appliance: %s\n%s" % (row.client, o.judged_by,
                                                                    o.detail)
    assert set(res.sent) == row.sends, ("sent", fmt_tally(res.sent))
    assert set(res.answered) == row.answers, ("answered", fmt_tally(res.answered))
    counted = res.counted
    if row.sends == {(2, 6)}:
        assert counted["mode6"] >= 1, counted
    else:
        # The appliance counted the replies the capture saw, by version and mode.
        for vn in range(1, 5):
            seen = sum(n for (v, _), n in res.answered.items() if v == vn)
            assert counted["v%d" % vn] == seen, (vn, counted, fmt_tally(res.answered))
        for mode in (4, 2):
            seen = sum(n for (_, m), n in res.answered.items() if m == mode)
            assert counted["mode%d" % mode] == seen, (mode, counted, fmt_tally(res.answered))
    if row.interleaved:
        assert counted["interleaved"] >= 1, counted
    else:
        assert counted["interleaved"] == 0, counted


# ------------------------------------------------------------------ docs/INTEROP.md

# Clients Debian has that the matrix does not run, and why; each with the
# package whose state on this machine the document reports.
NOT_TESTED = [
    ("systemd-timesyncd", "systemd-timesyncd",
     "has no query-only mode: every sample it takes it applies to the system clock "
     "(clock_adjtime, CAP_SYS_TIME), so a test would set this machine's clock; it runs only "
     "as systemd's service, with its servers in /etc/systemd/timesyncd.conf and on the "
     "system D-Bus, and polls every 32 s by default, 16 s at the shortest"),
    ("busybox ntpd", "busybox",
     "Debian builds busybox and busybox-static (1.35.0) without the ntpd applet "
     "(`busybox --list`): there is no BusyBox NTP client to run"),
    ("ntpdate", "ntpdate",
     "gone from Debian 12: `ntpdate` is a transitional package for ntpsec-ntpdate, a script "
     "that runs ntpdig (the ntpdig row) and sets the clock; `sntp` likewise installs ntpdig"),
    ("OpenNTPD", "openntpd",
     "a daemon that disciplines the system clock, with no query-only mode"),
    ("Windows itself", None,
     "not on this machine: the w32time rows are tests/integration/windows_client.py, which "
     "sends what w32time sends and applies the checks it applies to a reply"),
]


def package_state(pkg):
    p = run(["dpkg-query", "-W", "-f", "${Status} ${Version}", pkg])
    if p.returncode != 0 or not p.stdout:
        return "not installed"
    if "install ok installed" in p.stdout:
        return "installed (%s)" % p.stdout.split()[-1]
    if "config-files" in p.stdout:
        return "removed, configuration files left"
    return "not installed"


def git(*args):
    return run(["git", "-C", ROOT] + list(args)).stdout.strip()


def fmt_offset(s):
    return "—" if s is None else "%+.0f µs" % (s * 1e6)


def cell(text):
    return text.replace("|", "\\|")


def write_interop_md(results, elapsed_s):
    commit = git("rev-parse", "--short=12", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    qemu = run(["qemu-system-arm", "--version"]).stdout.splitlines()[0]
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Interoperability: which NTP clients take their time from the appliance",
        "",
        "<!-- Generated: tests/integration/test_interop.py wrote this file from its own run",
        "     (`make interop`). Do not edit it by hand: run the matrix again. -->",
        "",
        "Written by `tests/integration/test_interop.py` (`make interop`) from the run of "
        "%s:" % when,
        "",
        "- board: %s (QEMU machine `%s`), image `%s`" % (BOARD, board_qemu_machine(),
                                                        os.path.relpath(ELF, ROOT)),
        "- QEMU: %s" % qemu.replace("QEMU emulator version ", ""),
        "- firmware: commit %s" % commit,
        "- %d rows against one booted image, one after another, in %.0f s"
        % (len(results), elapsed_s),
        "",
        "Every client ran on the machine that ran QEMU and reached the appliance through "
        "QEMU's user network: ntpdig and ntpq, which talk to port 123 only, through a relay on "
        "a 127.x.y.z:123 address; ntpd, which binds port 123 on every address it sees, from a "
        "network namespace of its own (a host on a virtual LAN, 192.0.2.10) through a relay "
        "on the LAN's 192.0.2.1:123. chronyd ran with `-x` and ntpd with `disable ntp` and "
        "without CAP_SYS_TIME: neither touched the clock; both polled every second or two "
        "(`minpoll 0 maxpoll 0`). *Sent* and *answered* are what a capture on the loopback "
        "device saw, by NTP version and mode; *counted* is what the appliance's `status` "
        "counters gained during the row; *offset* is the last one the client measured against "
        "this machine's clock (the appliance's RTC started at this machine's UTC): one sample, "
        "not a filtered estimate, so it moves with the load on the machine by tens of "
        "microseconds and at times by milliseconds, a relay's hops included.",
        "",
        "| client | version | run as | sent | answered | counted by the appliance "
        "| accepted | offset |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in ROWS:
        res = results[row.id]
        o, c = res.outcome, res.counted
        counted = ["%d v%d" % (c["v%d" % v], v) for v in range(1, 5) if c["v%d" % v]]
        if c["interleaved"]:
            counted.append("%d interleaved" % c["interleaved"])
        if c["mode6"]:
            counted.append("%d mode 6" % c["mode6"])
        out.append("| %s |" % " | ".join(cell(x) for x in (
            row.client, o.version, row.role, fmt_tally(res.sent), fmt_tally(res.answered),
            ", ".join(counted) or "nothing",
            ("yes: " if o.accepted else "**no**: ") + o.judged_by, fmt_offset(o.offset_s))))
    out += [
        "",
        "A row passes when the client accepted the reply by its own test: chronyd selected the "
        "appliance as its source (`*` in `chronyc sources`) after at least 4 valid replies, and "
        "with `xleave` its last sample was interleaved; ntpd chose it as its sys.peer (select "
        "field 6 of the peer status word its peerstats file records with each sample: the `*` "
        "of `ntpq -p`); ntpdig printed an offset and exited 0; ntplib returned a response; the "
        "Windows emulation's checks (those w32time makes before it takes a sample) all passed "
        "on 3 exchanges; the requests made by the test got a 48-byte mode 4 reply with their "
        "version echoed, their transmit timestamp as originate, LI 0 and stratum 1; ntpq "
        "printed the system variables. It also needs the capture to show the client sending, "
        "and the appliance answering, exactly the versions and modes in the table, and the "
        "appliance's counters to agree with the capture.",
        "",
        "## Not tested",
        "",
        "| client | on this machine | why |",
        "|---|---|---|",
    ]
    for name, pkg, why in NOT_TESTED:
        out.append("| %s | %s | %s |" % (name, package_state(pkg) if pkg else "—", cell(why)))
    out.append("")
    with open(INTEROP_MD, "w") as f:
        f.write("\n".join(out))
