"""Issue 5: operating the appliance through its console, settings kept in
the RTC module's EEPROM across power cycles, syslog, and the watchdog."""
import os
import re
import socket
import time

import pytest

from appliance import PROMPT, ROOT, build_request, query

SYSLOG_PORT = 514   # the appliance sends to <log address>:514 (RFC 5426)


def booted(make_appliance, **kw):
    a = make_appliance(**kw)
    a.wait_ready()
    return a


def test_settings_survive_power_cycle(make_appliance, tmp_path):
    ee = str(tmp_path / "ee.bin")
    a = booted(make_appliance, eeprom=ee)
    a.wait_synced()
    assert "store: empty" in a.command("config show") or "empty" in a.command("status")
    for cmd in ("ntp stratum 3", "ntp refid GPS", "clock drift 2000", "ntp deny 192.0.2.0/24"):
        out = a.command(cmd)
        assert "error" not in out, (cmd, out)
    r = query(a.port)
    assert r.stratum == 3 and r.refid == b"GPS\0"      # at once, before saving
    assert "saved" in a.command("save").lower() or True
    a.stop()

    b = booted(make_appliance, eeprom=ee)
    b.wait_synced()
    assert "config: settings loaded" in b.output or "config: ok" in b.output or \
        re.search(r"config: .*(loaded|ok)", b.output), b.output
    shown = b.command("config show")
    for line in ("ntp stratum 3", "ntp refid GPS", "clock drift 2000", "ntp deny 192.0.2.0/24"):
        assert line in shown, (line, shown)
    r = query(b.port)
    assert r.stratum == 3 and r.refid == b"GPS\0"


def test_corrupted_settings_reported_and_defaults_used(make_appliance, tmp_path):
    ee = str(tmp_path / "ee.bin")
    a = booted(make_appliance, eeprom=ee)
    a.command("ntp stratum 4")
    a.command("save")
    a.stop()
    # Damage the stored record: flip bits in both slots' payloads.
    with open(ee, "r+b") as f:
        for off in (20, 256 + 20):
            f.seek(off)
            b = f.read(1)
            f.seek(off)
            f.write(bytes([b[0] ^ 0x5A]))
    b = booted(make_appliance, eeprom=ee)
    b.wait_synced()
    assert re.search(r"config: .*(damaged|CRC|corrupt)", b.output, re.I), b.output
    status = b.command("status")
    assert re.search(r"settings: .*(damaged|CRC|corrupt)", status, re.I), status
    r = query(b.port)
    assert r.stratum == 1 and r.refid == b"LOCL"


def test_foreign_eeprom_content(make_appliance, tmp_path):
    ee = tmp_path / "ee.bin"
    ee.write_bytes(os.urandom(4096))          # whatever a previous owner left there
    b = booted(make_appliance, eeprom=str(ee))
    b.wait_synced()
    assert re.search(r"config: .*defaults", b.output), b.output
    r = query(b.port)
    assert r.stratum == 1 and r.li == 0


def test_missing_eeprom(make_appliance):
    a = booted(make_appliance, use_eeprom=False)
    a.wait_synced()
    assert re.search(r"config: .*(EEPROM|not answer)", a.output, re.I), a.output
    out = a.command("save")
    assert re.search(r"^error: not saved", out, re.M), out
    assert query(a.port).stratum == 1


def test_bad_console_input_is_refused_and_changes_nothing(appliance):
    before = appliance.command("config show")
    for line in ("ntp stratum 16", "ntp stratum x", "ntp refid TOOLONG", "time set 2026-13-01T00:00:00Z",
                 "time set 1999-12-31T23:59:59Z", "time set yesterday", "net ip 300.1.1.1/24",
                 "ntp allow 10.0.0.0/33", "frobnicate", "ntp", "time adjust +5s",
                 "leap insert 2027-06-15", "x" * 200, "\x1b[A\x1b[B", "\x01\x02\x03"):
        mark = appliance.mark()
        out = appliance.command(line)
        if "\x03" in line:
            # Ctrl-C ends the line with a prompt of its own, and the Enter after it
            # gives a second: wait for it, or the next command takes it for its own
            appliance.wait_for(r"\^C\r?\n" + re.escape(PROMPT) + r"\r?\n" + re.escape(PROMPT),
                               start=mark)
        if line.strip("\x1b[AB\x01\x02\x03") == "":
            continue   # control characters and arrow keys are ignored, not executed
        assert re.match(r"error", out), (line, out)
    assert appliance.command("config show") == before
    assert query(appliance.port).stratum == 1


def command_names():
    """The console's commands in table order, read from firmware/console/commands.c."""
    with open(os.path.join(ROOT, "firmware", "console", "commands.c")) as f:
        table = f.read().split("console_cmds[] = {", 1)[1].split("};", 1)[0]
    return re.findall(r'^\s*\{ "([^"]+)",', table, re.M)


def test_long_console_reports_arrive_whole(make_appliance):
    """help, status and a config show with every line there is are longer than
    the console's buffer and the UART's ring together: they arrive whole, in
    order, each followed by the prompt, and the console takes commands after."""
    a = booted(make_appliance)
    a.wait_synced()
    setup = ["ntp allow 10.0.2.0/24"] + ["ntp deny 172.16.%d.0/24" % i for i in range(7)] + [
        "upstream 10.0.2.99", "log 10.0.2.98", "ntp mgmt 10.0.2.0/24",
        "net ip 10.0.2.15/24 gw 10.0.2.2", "net mac 02:4e:5a:00:00:42"]
    for cmd in setup:
        out = a.command(cmd)
        assert not re.search(r"^error", out, re.M), (cmd, out)

    names = command_names()
    assert len(names) > 20
    help_text = a.command("help")
    # the next prompt came right after the footer: the tail was not lost
    assert help_text.endswith("Times are UTC. Settings apply at once; 'save' keeps them "
                              "after a power cut.\n"), help_text[-300:]
    listed = re.findall(r"^  (\S.*?)(?:  |$)", help_text, re.M)
    at = 0
    for name in names:                     # every command, in table order
        while at < len(listed) and not listed[at].startswith(name):
            at += 1
        assert at < len(listed), (name, help_text)
        at += 1
    assert len(help_text) > 2048, len(help_text)

    status = a.command("status")
    prefixes = ["time: ", "state: SYNCED", "last set: ", "root dispersion: ", "frequency: ",
                "leap second: ", "rtc: ", "uptime: ", "reset cause: ", "cpu: ", "stack: ",
                "net: 10.0.2.15 ", "mac: ", "dhcp: ", "upstream: 10.0.2.99", "ntp: received ",
                "ntp replies by version: ", "ntp drops: short ", "ntp drops: format ",
                "ntp auth: ", "ntp mode 6: ", "top clients: ", "settings: "]
    lines = status.splitlines()
    found = [next((i for i, l in enumerate(lines) if l.startswith(p)), None) for p in prefixes]
    assert None not in found and found == sorted(found), (prefixes, status)
    assert lines[-1].startswith("settings: ") and "unsaved changes (save)" in lines[-1], status

    shown = a.command("config show")
    want = ["# settings in effect; store: empty, using defaults; unsaved changes",
            "net ip 10.0.2.15/24 gw 10.0.2.2", "net dhcp on", "net mac 02:4e:5a:00:00:42",
            "ntp stratum 1", "ntp refid LOCL"]
    assert shown.splitlines()[:len(want)] == want, shown
    tail = ["ntp acl clear"] + setup[:8] + ["ntp mgmt 10.0.2.0/24", "ntp auth optional",
                                             "upstream 10.0.2.99", "log 10.0.2.98"]
    body = shown.splitlines()
    start = body.index("ntp acl clear")
    assert body[start:start + len(tail)] == tail, shown
    assert body[-1].startswith("clock strict "), shown
    # and the console goes on: a command typed right after is run and answered
    assert a.command("ntp stratum 2").startswith("ok"), a.output[-500:]


def test_time_set_and_adjust(make_appliance):
    a = booted(make_appliance)
    a.wait_synced()
    mark = a.mark()
    out = a.command("time set 2030-06-01T12:00:00Z")
    assert "error" not in out, out
    a.wait_for(r"clock: time set", timeout=10, start=mark)
    time.sleep(1.5)
    r = query(a.port)
    assert r.li == 0
    assert abs(r.t3 - time.mktime((2030, 6, 1, 12, 0, 0, 0, 0, 0)) + time.timezone) < 5
    assert "last set: " in a.command("status")
    assert "operator" in a.command("status")
    # back to the real time, then slew by +250 ms
    now = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(now))) + ".%03dZ" % ((now % 1) * 1000)
    a.command("time set " + stamp)
    time.sleep(2)
    r0 = query(a.port)
    assert abs(r0.offset) < 0.05, r0.offset
    out = a.command("time adjust +250ms")
    assert "error" not in out, out
    time.sleep(3)
    st = a.command("status")
    m = re.search(r"adjusting: ([+-][0-9.]+) s left", st)
    assert m and 0.1 < float(m.group(1)) < 0.25, st
    r1 = query(a.port)
    assert r1.offset > r0.offset        # moving ahead, by slewing: no jump
    assert r1.offset - r0.offset < 0.05


@pytest.mark.needs_root("the syslog receiver binds udp 127.0.0.1:514")
def test_syslog_receives_events(make_appliance):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", SYSLOG_PORT))
    except OSError as e:
        pytest.fail("cannot listen on udp 127.0.0.1:514 for the syslog test: %s" % e)
    s.settimeout(10)
    try:
        a = booted(make_appliance)
        a.wait_synced()
        a.command("log 10.0.2.2")       # QEMU's user network: the host
        # a flood from one address: the rate limiter starts
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
            for _ in range(200):
                c.sendto(build_request(), ("127.0.0.1", a.port))
                time.sleep(0.002)
        a.command("time set 2031-01-01T00:00:00Z")
        msgs = []

        def seen(word):
            return any(word in m for m in msgs)

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (seen("boot:") and seen("rate limiting started")
                                                   and seen("time set")):
            try:
                data, _ = s.recvfrom(2048)
            except socket.timeout:
                break
            msgs.append(data.decode("utf-8", "replace"))
        assert msgs, "no syslog message arrived"
        # RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG
        assert all(re.match(r"<\d{1,3}>1 (\S+) 10\.0\.2\.15 ntp-appliance \S+ \S+ \S+ ", m)
                   for m in msgs), msgs
        boot = [m for m in msgs if "boot:" in m]
        assert boot and "reset cause: power-on" in boot[0] and "settings: " in boot[0], msgs
        assert seen("rate limiting started"), msgs
        assert seen("time set"), msgs
        # while the time is trusted the messages carry it: <PRI>1 2026-...Z
        assert re.match(r"<\d+>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ", boot[0]), boot
    finally:
        s.close()


def test_reboot_and_watchdog_recover_with_time(make_appliance):
    a = booted(make_appliance)
    a.wait_synced()
    a.command("ntp stratum 2")
    a.command("save")
    mark = a.mark()
    a.send("reboot\r")
    a.wait_for(r"reset cause: software", timeout=20, start=mark)
    a.wait_for(r"clock: state: UNSET -> SYNCED", timeout=30, start=mark)
    mark = a.mark()
    a.send("selftest watchdog\r")
    a.wait_for(r"reset cause: watchdog", timeout=30, start=mark)
    a.wait_for(r"clock: state: UNSET -> SYNCED", timeout=30, start=mark)
    a.wait_for(r"net: address", timeout=30, start=mark)
    time.sleep(1)
    r = query(a.port)
    assert r is not None and r.li == 0 and r.stratum == 2 and abs(r.offset) < 0.05


def test_time_of_set_survives_power_cycle_without_saving_other_changes(make_appliance, tmp_path):
    ee = str(tmp_path / "ee.bin")
    a = booted(make_appliance, eeprom=ee)
    a.wait_synced()
    a.command("ntp stratum 5")                      # not saved
    now = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(now))) + ".%03dZ" % ((now % 1) * 1000)
    mark = a.mark()
    assert "error" not in a.command("time set " + stamp)
    a.wait_for(r"clock: time set", timeout=10, start=mark)
    a.stop()
    b = booted(make_appliance, eeprom=ee)
    b.wait_synced()
    st = b.command("status")
    assert re.search(r"last set: %s:\d\dZ by operator" % time.strftime("%Y-%m-%dT%H:%M", time.gmtime(now)),
                     st), st
    assert query(b.port).stratum == 1               # the unsaved change is gone


def test_static_address_from_console(make_appliance, tmp_path):
    """DHCP off and a static address (the one QEMU's user network forwards to)
    take effect at once, survive a power cycle, and the appliance goes on serving."""
    ee = str(tmp_path / "ee.bin")
    a = booted(make_appliance, eeprom=ee)
    a.wait_synced()
    mark = a.mark()
    for cmd in ("net ip 10.0.2.15/24 gw 10.0.2.2", "net dhcp off", "save"):
        out = a.command(cmd)
        assert not re.search(r"^error", out, re.M), (cmd, out)
    a.wait_for(r"net: address 10\.0\.2\.15 mask 255\.255\.255\.0 gw 10\.0\.2\.2 \(static\)",
               timeout=10, start=mark)
    r = query(a.port)
    assert r is not None and r.li == 0
    a.stop()
    b = booted(make_appliance, eeprom=ee)
    assert "(static)" in b.output and "(dhcp)" not in b.output, b.output
    b.wait_synced()
    st = b.command("status")
    assert "dhcp: off" in st or "static" in st, st
    assert query(b.port) is not None
