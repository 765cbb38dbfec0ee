"""Issue 3: the NTP engine on the real image, against real clients.

Every client on this machine reaches the appliance through QEMU's user
network, so all of them share one source address inside (10.0.2.2): the
rate-limit flood runs on an appliance of its own."""
import os
import re
import socket
import struct
import subprocess
import time

import pytest

from appliance import (ROOT, Port123Relay, build_request, no_reply, query, run_chronyd,
                       unix_to_ntp, valid_rx)
from windows_client import WindowsClient

NTPQ = os.path.join(ROOT, "build", "ntpsec", "usr", "bin", "ntpq")


@pytest.mark.parametrize("mode", [3, 1])
@pytest.mark.parametrize("poll,precision", [(15, -23), (17, -6)])
def test_windows_time_service_accepts(appliance, mode, poll, precision):
    """What w32time sends, in client (0x8) and symmetric active (no flag) mode,
    passes every check Windows makes, also on the follow-up exchanges."""
    w = WindowsClient(appliance.port, mode=mode, precision=precision)
    for i in range(3):
        r, problems = w.exchange(poll=poll if i == 0 else 10)
        assert problems == [], problems
        assert r.poll == (poll if i == 0 else 10)      # poll echoed
        assert r.root_disp != 0xAAAAAAAA
        assert len(r.raw) == 48


def test_stripchart_cadence_never_limited(appliance):
    """`w32tm /stripchart` polls every 2 s; even four times faster nothing is limited."""
    w = WindowsClient(appliance.port, mode=3)
    for _ in range(10):
        r, problems = w.exchange(poll=6)
        assert problems == []
        time.sleep(0.5)


@pytest.mark.needs_root("ntpq talks to port 123 only: the relay binds udp 127.x.y.z:123")
def test_ntpq_rv_shows_system_variables(appliance):
    with Port123Relay(appliance.port) as relay:
        out = ""
        for _ in range(3):   # the first datagram to QEMU may be lost
            p = subprocess.run(["/usr/bin/python3", NTPQ, "-c", "rv", relay.addr],
                               capture_output=True, text=True, timeout=30)
            out = p.stdout
            if "stratum=" in out:
                break
    assert re.search(r"precision=-2[45]\b", out), out
    for var in ("version=", "leap=00", "stratum=1", "rootdelay=0",
                "rootdisp=", "refid=LOCL", "reftime=", "clock=", "received=",
                "replied_mode4=", "drop_ratelimit=", "kod_sent="):
        assert var in out, (var, out)


@pytest.mark.needs_root("chronyd runs as root (-u root)")
def test_chrony_symmetric_peer(appliance, tmp_path):
    """chronyd as a symmetric peer (mode 1) gets mode 2 replies and selects the appliance."""
    out, srcs = run_chronyd(tmp_path, "peer 127.0.0.1 port %d minpoll 0 maxpoll 0"
                            % appliance.port, lambda o, _s: valid_rx(o) >= 4, timeout=30)
    assert re.search(r"Mode\s*:\s*Symmetric passive", out), out  # the appliance's reply mode
    assert re.search(r"Stratum\s*:\s*1\b", out), out
    assert valid_rx(out) >= 4, out
    assert re.search(r"^=[*+]\s+127\.0\.0\.1", srcs, re.M), srcs
    status = appliance.command("status")
    m = re.search(r"mode 2: (\d+)", status)
    assert m and int(m.group(1)) >= 4, status


def interleaved_after(ntpdata, _sources, wait_valid=6):
    """chrony has had wait_valid valid replies and says the last one was interleaved."""
    return valid_rx(ntpdata) >= wait_valid and "Interleaved     : Yes" in ntpdata


def test_chrony_interleaved_client(appliance, tmp_path):
    """chronyd as a client with `xleave` (RFC 5905 interleaved mode): the appliance answers in
    interleaved mode, with each reply's transmit timestamp the previous reply's departure as
    the MAC reported it, and chrony says so (`Interleaved: Yes`) and selects it."""
    before = int(re.search(r"interleaved (\d+)", appliance.command("status")).group(1))
    out, srcs = run_chronyd(tmp_path, "server 127.0.0.1 port %d minpoll 0 maxpoll 0 xleave"
                            % appliance.port, interleaved_after)
    assert re.search(r"Mode\s*:\s*Server\b", out), out
    assert re.search(r"Interleaved\s*:\s*Yes", out), out
    assert re.search(r"^\^[*+]\s+127\.0\.0\.1", srcs, re.M), srcs
    after = int(re.search(r"interleaved (\d+)", appliance.command("status")).group(1))
    assert after - before >= 3, (before, after)


def test_chrony_interleaved_symmetric_peer(appliance, tmp_path):
    """chronyd as a symmetric peer with `xleave`: interleaved mode 2 replies too."""
    out, srcs = run_chronyd(tmp_path, "peer 127.0.0.1 port %d minpoll 0 maxpoll 0 xleave"
                            % appliance.port, interleaved_after)
    assert re.search(r"Mode\s*:\s*Symmetric passive", out), out
    assert re.search(r"Interleaved\s*:\s*Yes", out), out


def test_interleaved_on_the_wire(appliance):
    """The interleaved exchange byte by byte (RFC 5905 sec. 9, chrony's ntp_core.c): a request
    whose originate is our last reply's receive timestamp gets its own receive timestamp back
    as originate and, as transmit, when our last reply left: after the stamp that reply
    carried, by however long QEMU took to hand the frame to its user network (real time, as
    QEMU runs here without -icount: some 100 us); anything else gets a basic reply."""
    def ask(orig, recv, xmt):
        r = query(appliance.port, build_request(orig_ts=orig, recv_ts=recv, xmt_ts=xmt))
        assert r is not None and r.mode == 4
        return r

    x1 = unix_to_ntp(time.time())
    r1 = ask(0, 0, x1)
    assert r1.orig_ts == x1                                   # basic
    t4 = unix_to_ntp(time.time())
    x2 = t4 + 12345
    r2 = ask(r1.recv_ts, t4, x2)
    assert r2.orig_ts == t4                                   # interleaved
    dep1_ns = (r2.xmt_ts - r1.xmt_ts) * 1e9 / 2**32           # departure - stamp in the frame
    assert -100 <= dep1_ns < 20e6, dep1_ns
    assert r2.recv_ts > r2.xmt_ts
    r3 = ask(r2.recv_ts, t4 + 1, x2 + 1)
    assert r3.orig_ts == t4 + 1 and r3.xmt_ts > r2.recv_ts    # reply 2's departure
    r4 = ask(r1.recv_ts, t4 + 2, x2 + 2)                      # an old reply's: basic
    assert r4.orig_ts == x2 + 2
    r5 = ask(r4.recv_ts, x2 + 3, x2 + 3)                      # receive == transmit: basic
    assert r5.orig_ts == x2 + 3
    # The requests took the fast path, and each reply's departure came from the MAC's
    # transmit-complete interrupt (TXEMP on the Stellaris MAC, TSFL on the LAN9118).
    st = appliance.command("status")
    m = re.search(r"ntp frames: fast path (\d+), transmit-complete stamps (\d+)", st)
    assert m and int(m.group(1)) >= 5 and int(m.group(2)) >= 5, st


def test_extension_field_request_is_served(appliance):
    # An unknown extension field; without a MAC the last one must be at least
    # 28 bytes (RFC 7822 sec. 7.5), shorter trailers read as a MAC.
    ef = struct.pack("!HH", 0x0104, 32) + b"\x55" * 28
    r = query(appliance.port, build_request(trailer=ef))
    assert r is not None and r.mode == 4 and len(r.raw) == 48


def test_ntpv1_request_without_mode_is_answered_in_mode_4(appliance):
    """NTPv1 (RFC 1059) has no mode field: a client sends 0 there, from a
    port other than 123. The appliance answers it as chrony does: mode 4,
    version 1, the request's transmit timestamp as originate."""
    req = build_request(vn=1, mode=0, poll=6)
    r = query(appliance.port, req)
    assert r is not None, "no reply to an NTPv1 request"
    assert (r.vn, r.mode, r.li, r.stratum) == (1, 4, 0, 1)
    assert len(r.raw) == 48
    assert abs(r.offset) < 0.05
    # Mode 0 means nothing in later versions: still no reply.
    assert no_reply(appliance.port, build_request(vn=4, mode=0), wait=0.5)
    st = appliance.command("status")
    m = re.search(r"ntp replies by version: v1 (\d+)", st)
    assert m and int(m.group(1)) >= 1, st


COUNTER_PATTERNS = {
    "received": r"ntp: received (\d+)",
    "mode4": r"mode 4: (\d+)",
    "mode2": r"mode 2: (\d+)",
    "kod": r"KoD (\d+)",
    "short": r"drops: short (\d+)",
    "mode": r", mode (\d+),",
    "version": r"version (\d+),",
    "ms-sntp": r"ms-sntp (\d+)",
    "auth": r"auth (\d+)",
    "format": r"drops: format (\d+)",
    "acl": r"acl (\d+)",
    "ratelimit": r"ratelimit (\d+)",
}


def counters(appliance):
    """Returns (status text, {counter: value}) from the console's `status`."""
    st = appliance.command("status")
    vals = {}
    for name, rx in COUNTER_PATTERNS.items():
        m = re.search(rx, st)
        assert m, (name, st)
        vals[name] = int(m.group(1))
    return st, vals


def test_garbage_gets_no_reply_and_is_counted(appliance):
    """Malformed, unsupported and dangerous requests: no reply, each counted by reason,
    and the appliance goes on serving."""
    _, before = counters(appliance)
    mac20 = struct.pack("!I", 7) + b"\x11" * 16
    garbage = {
        "short": [b"", b"\x23", build_request()[:47]],
        "mode": [build_request(mode=m) for m in (0, 2, 4, 5, 7)] +
                [b"\x17\x00\x03\x2a" + b"\0" * 4],                # mode 7 monlist
        "version": [build_request(vn=v) for v in (0, 5, 6, 7)],
        "ms-sntp": [build_request(vn=3, trailer=b"\x01\x02\x00\x00" + b"\x33" * 16),
                    build_request(vn=3, trailer=b"\x01\x02\x00\x00" + b"\x33" * 68)],
        "auth": [build_request(trailer=b"\0\0\0\x07"),
                 build_request(trailer=struct.pack("!I", 9) + b"\x44" * 20)],
        "format": [build_request(trailer=struct.pack("!HH", 0x0104, 6) + b"\0" * 4 + mac20)],
    }
    for reason, pkts in garbage.items():
        for pkt in pkts:
            assert no_reply(appliance.port, pkt, wait=0.3), (reason, pkt[:8])
    time.sleep(0.5)
    _, after = counters(appliance)
    for reason, pkts in garbage.items():
        assert after[reason] - before[reason] == len(pkts), (reason, before, after)
    print("drop counters after the garbage run:", {k: after[k] for k in garbage})
    r = query(appliance.port)
    assert r is not None and r.li == 0 and r.stratum == 1


def test_no_amplification(appliance):
    """Time replies are never larger than their request."""
    for trailer in (b"", struct.pack("!HH", 0x0104, 16) + b"\0" * 12):
        req = build_request(trailer=trailer)
        r = query(appliance.port, req)
        assert r is not None and len(r.raw) <= len(req)


def test_access_control_from_console(appliance):
    assert "error" not in appliance.command("ntp deny 10.0.2.0/24")
    assert no_reply(appliance.port, build_request(), wait=1.0)
    st, vals = counters(appliance)
    assert vals["acl"] >= 1
    assert "error" not in appliance.command("ntp acl clear")
    assert query(appliance.port) is not None


def test_rate_limit_flood(make_appliance):
    """An abuser flooding the appliance is limited with a sampled share of RATE
    kisses, and everyone behind its address is served again once it stops."""
    a = make_appliance()
    a.wait_ready()
    a.wait_synced()
    replies = kods = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.01)
        sent = 0
        while sent < 300:               # a bounded count, not a timed window
            time.sleep(0.005)
            s.sendto(build_request(xmt_ts=unix_to_ntp(time.time())), ("127.0.0.1", a.port))
            sent += 1
            try:
                while True:
                    data, _ = s.recvfrom(100)
                    if data[1] == 0 and data[12:16] == b"RATE" and data[0] >> 6 == 3:
                        kods += 1
                    else:
                        replies += 1
            except socket.timeout:
                pass
    print("flood: sent %d, replies %d, RATE kisses %d" % (sent, replies, kods))
    assert kods > 0
    assert replies < sent - kods
    st, vals = counters(a)
    assert vals["ratelimit"] > 0
    assert vals["kod"] >= kods
    time.sleep(3)   # the bucket refills at 4/s
    r = query(a.port)
    assert r is not None and r.li == 0 and r.stratum == 1
