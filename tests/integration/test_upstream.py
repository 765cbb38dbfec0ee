"""Issue 5: time from an upstream NTP server (off by default). The upstream
is a chronyd that the test starts on 127.0.0.1:123, which the appliance
reaches as 10.0.2.2 through QEMU's user network. Both run in a network
namespace of the test's own (QEMU too: its user network's 10.0.2.2 is that
namespace's loopback), so that no other test on the machine, nor any client
of the host's, shares that port with it.

With `upstream ADDR key N` (issue 12) the appliance signs its requests and
takes only replies signed with the same key: chronyd with a keyfile (the
key, or the same id with another secret), and a small server of the test's
own (SigningServer: Python's hashlib and cryptography) that signs well,
with another secret, not at all, or answers with crypto-NAKs, and checks
the MAC of every request the image sends."""
import itertools
import os
import re
import select
import socket
import struct
import subprocess
import threading
import time

import pytest

from appliance import ntp_mac_digest, query, stop_process, unix_to_ntp
from lan import in_netns, remove_stale_lans, run

UPSTREAM_NEEDS = "a network namespace, and chronyd (it runs as root) on its udp 127.0.0.1:123"
SERVER_NEEDS = "a network namespace, and the test's server on its udp 127.0.0.1:123"

# (key id, type as `ntp key add` and chrony's keyfile name it, secret)
AES_KEY = (6, "aes128", "AES128", bytes.fromhex("00112233445566778899aabbccddeeff"))
SHA1_KEY = (5, "sha1", "SHA1", bytes.fromhex("8a9b9f3ee6f9b7a1c4d2e0f1a2b3c4d5e6f70812"))

_netns_numbers = itertools.count()


@pytest.fixture
def netns():
    """A network namespace with only its loopback, up; deleted after the test. Named as
    lan.py names its LANs, so that a run killed before its cleanup is swept up too."""
    remove_stale_lans()
    name = "ntplan%d-up%d" % (os.getpid(), next(_netns_numbers))
    run(["ip", "netns", "add", name])
    try:
        run(["ip", "-n", name, "link", "set", "lo", "up"])
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20)


def ask(ns, port, **kw):
    """query() from inside namespace ns (its socket is made there)."""
    with in_netns(ns):
        return query(port, **kw)


def start_chronyd(tmp_path, ns, keyfile_lines=()):
    """chronyd serving on ns's 127.0.0.1:123 (local stratum 2), with keyfile_lines as its keys."""
    conf = tmp_path / "chrony.conf"
    text = ("port 123\nbindaddress 127.0.0.1\nlocal stratum 2\nallow all\n"
            "cmdport 0\npidfile %s\ndriftfile %s\n" % (tmp_path / "chronyd.pid",
                                                          tmp_path / "drift"))
    if keyfile_lines:
        (tmp_path / "chrony.keys").write_text("".join(line + "\n" for line in keyfile_lines))
        text += "keyfile %s\n" % (tmp_path / "chrony.keys")
    conf.write_text(text)
    # `ip netns exec` execs chronyd: the PID stays chronyd's, to be stopped by it.
    p = subprocess.Popen(["ip", "netns", "exec", ns, "/usr/sbin/chronyd", "-d", "-x", "-u",
                          "root", "-f", str(conf)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        r = ask(ns, 123, tries=1, timeout=0.5)
        if r is not None and r.stratum == 2:
            return p
    stop_process(p)
    pytest.fail("the test's upstream chronyd did not come up on 127.0.0.1:123")


@pytest.fixture
def upstream_server(tmp_path, netns):
    p = start_chronyd(tmp_path, netns)
    yield p
    stop_process(p)


def chrony_key_line(key, secret=None):
    key_id, _, chrony_type, key_secret = key
    return "%d %s HEX:%s" % (key_id, chrony_type, (secret or key_secret).hex())


def key_add_command(key):
    key_id, name, _, secret = key
    return "ntp key add %d %s HEX:%s" % (key_id, name, secret.hex())




class SigningServer:
    """A minimal NTP server of the test's own on namespace ns's 127.0.0.1:123:
    answers mode 3 requests with the host's time at stratum 2, and signs each
    reply as `how` says: "sign" (with key, when the request's MAC verifies
    under it: else no reply, as chrony), "wrong-secret" (key's id, another
    secret), "unsigned", or "crypto-nak" (key id 0, no digest). Every
    datagram that arrives is kept with whether its MAC verified under key
    (received()), for the test to look at: in the namespace, only the
    image sends to it."""

    def __init__(self, how, key, ns):
        self.how, self.key = how, key
        self.requests = []          # (datagram, MAC verified under key)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        with in_netns(ns):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.bind(("127.0.0.1", 123))
        except OSError as e:
            self.sock.close()
            pytest.fail("the test's upstream server cannot bind 127.0.0.1:123: %s" % e)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def verifies(self, data):
        key_id, type_name, _, secret = self.key
        n = len(ntp_mac_digest(type_name, secret, b""))
        return (len(data) == 48 + 4 + n and struct.unpack("!I", data[48:52])[0] == key_id and
                data[52:] == ntp_mac_digest(type_name, secret, data[:48]))

    def _reply(self, req, t_recv):
        key_id, type_name, _, secret = self.key
        now = time.time()
        head = struct.pack("!BBbbII4sQQQQ", 0 << 6 | (req[0] >> 3 & 7) << 3 | 4, 2, req[2], -20,
                           0, 0x00000100, b"\x7f\x00\x00\x01", unix_to_ntp(now - 1),
                           struct.unpack("!Q", req[40:48])[0], unix_to_ntp(t_recv),
                           unix_to_ntp(now))
        if self.how == "unsigned":
            return head
        if self.how == "crypto-nak":
            return head + bytes(4)
        if self.how == "wrong-secret":
            secret = bytes([secret[0] ^ 0x55]) + secret[1:]
        return head + struct.pack("!I", key_id) + ntp_mac_digest(type_name, secret, head)

    def _run(self):
        while not self._stop.is_set():
            ready, _, _ = select.select([self.sock], [], [], 0.2)
            if not ready:
                continue
            data, peer = self.sock.recvfrom(2048)
            t_recv = time.time()
            ok = self.verifies(data)
            with self._lock:
                self.requests.append((data, ok))
            if len(data) < 48 or data[0] & 7 != 3 or (self.how == "sign" and not ok):
                continue
            self.sock.sendto(self._reply(data, t_recv), peer)

    def received(self):
        with self._lock:
            return list(self.requests)

    def close(self):
        self._stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


def assert_set_by_upstream(a, ns, mark):
    """After mark the upstream set the clock: SYNCED, served with LI 0 at stratum 1
    within 0.1 s of this machine's clock."""
    a.wait_for(r"upstream: set by", timeout=40, start=mark)
    a.wait_for(r"state: UNSET -> SYNCED", timeout=15, start=mark)
    time.sleep(3)
    r = ask(ns, a.port)
    assert (r.li, r.stratum) == (0, 1)
    assert abs(r.offset) < 0.1, r.offset


@pytest.mark.needs_root(UPSTREAM_NEEDS)
def test_upstream_sets_an_unset_clock(make_appliance, netns, upstream_server):
    a = make_appliance(rtc="2000-01-01T00:00:00", netns=netns)     # dead battery
    a.wait_ready()
    assert ask(netns, a.port).li == 3
    mark = a.mark()
    out = a.command("upstream 10.0.2.2")
    assert "error" not in out, out
    assert_set_by_upstream(a, netns, mark)
    st = a.command("status")
    assert re.search(r"last set: .* by upstream", st), st
    assert re.search(r"^upstream: 10\.0\.2\.2; requests [5-9], accepted [4-9], refused 0, "
                     r"lost [01]$", st, re.M), st


@pytest.mark.needs_root(UPSTREAM_NEEDS)
def test_upstream_jump_beyond_limit_is_refused(make_appliance, netns, upstream_server):
    a = make_appliance(netns=netns)
    a.wait_ready()
    a.wait_synced()
    mark = a.mark()
    a.command("time set 2030-01-01T00:00:00Z")
    a.wait_for(r"clock: time set", timeout=10, start=mark)
    mark = a.mark()
    a.command("upstream 10.0.2.2")
    a.wait_for(r"upstream: offset -?\d+ ms is beyond the jump limit", timeout=40, start=mark)
    r = ask(netns, a.port)
    assert r.li == 0 and r.t3 > time.time() + 3 * 365 * 86400   # still the operator's time


# ------------------------------------------------------- with a key (issue 12) --

def keyed_appliance(make_appliance, ns, key, upstream_key_id=None):
    """An appliance whose RTC lost the time (UNSET: any upstream result would SET it),
    holding key, told to take its time from 10.0.2.2 with upstream_key_id (key's own id)."""
    a = make_appliance(rtc="2000-01-01T00:00:00", netns=ns)
    a.wait_ready()
    assert ask(ns, a.port).li == 3
    out = a.command(key_add_command(key))
    assert "ok: key %d added" % key[0] in out, out
    mark = a.mark()
    out = a.command("upstream 10.0.2.2 key %d" % (upstream_key_id or key[0]))
    assert "error" not in out and "note" not in out, out
    return a, mark


def assert_still_unset(a, ns, mark):
    """The round is over and the clock was not touched: UNSET, served with LI 3."""
    a.wait_for(r"upstream: no usable result", timeout=40, start=mark)
    assert "upstream: set by" not in a.output[mark:]
    assert "state: UNSET -> SYNCED" not in a.output[mark:]
    assert ask(ns, a.port).li == 3
    assert "state: UNSET" in a.command("status")


def upstream_line(a):
    return re.search(r"^upstream: .*$", a.command("status"), re.M).group(0)


@pytest.mark.needs_root(UPSTREAM_NEEDS)
def test_upstream_with_key_sets_an_unset_clock(make_appliance, netns, tmp_path):
    """chronyd with the AES-CMAC key: it verifies the image's signed requests and signs
    its replies, which the image verifies and takes."""
    p = start_chronyd(tmp_path, netns, [chrony_key_line(AES_KEY)])
    try:
        a, mark = keyed_appliance(make_appliance, netns, AES_KEY)
        assert_set_by_upstream(a, netns, mark)
        assert "reply refused" not in a.output[mark:]
        line = upstream_line(a)
        assert re.match(r"upstream: 10\.0\.2\.2 key 6 \(aes128\); requests [5-9], accepted "
                        r"[4-9], refused 0, lost [01]$", line), line
        shown = a.command("config show")
        assert "upstream 10.0.2.2 key 6\n" in shown, shown
        assert AES_KEY[3].hex() not in a.output.lower()
    finally:
        stop_process(p)


@pytest.mark.needs_root(UPSTREAM_NEEDS)
def test_upstream_with_a_wrong_secret_is_refused(make_appliance, netns, tmp_path):
    """chronyd holds key 6 with another secret: it does not answer the image's requests,
    and the image's clock stays as it was."""
    p = start_chronyd(tmp_path, netns, [chrony_key_line(AES_KEY, secret=bytes(range(16)))])
    try:
        a, mark = keyed_appliance(make_appliance, netns, AES_KEY)
        assert_still_unset(a, netns, mark)
        line = upstream_line(a)
        assert line.endswith("requests 5, accepted 0, refused 0, lost 5"), line
    finally:
        stop_process(p)


@pytest.mark.needs_root(SERVER_NEEDS)
@pytest.mark.parametrize("how,reason", [("wrong-secret", "bad MAC"), ("unsigned", "unsigned"),
                                        ("crypto-nak", "crypto-NAK")])
def test_upstream_not_signed_with_the_key_is_refused(make_appliance, netns, how, reason):
    """The test's own server answers every request, but not signed with the key: each
    reply is refused (logged once per request), the round gives nothing, the clock stays."""
    server = SigningServer(how, SHA1_KEY, netns)
    try:
        a, mark = keyed_appliance(make_appliance, netns, SHA1_KEY)
        assert_still_unset(a, netns, mark)
        assert a.output[mark:].count("upstream: reply refused (%s)" % reason) == 5
        assert "0 of 5 replies agree, 5 unauthenticated" in a.output[mark:]
        line = upstream_line(a)
        assert line.endswith("requests 5, accepted 0, refused 5 (unauthenticated 5, last: %s), "
                             "lost 5" % reason), line
        got = server.received()
        assert len(got) == 5 and all(ok for _, ok in got), got   # the image did sign them
    finally:
        server.close()


@pytest.mark.needs_root(SERVER_NEEDS)
def test_upstream_key_missing_sends_nothing_until_added(make_appliance, netns):
    """`upstream ADDR key 5` before key 5 is held: no request at all (never an unsigned
    one instead), a clear report; once the key is added, the round runs at once, and
    every request carries, byte for byte, the MAC hashlib computes."""
    server = SigningServer("sign", SHA1_KEY, netns)
    try:
        a = make_appliance(rtc="2000-01-01T00:00:00", netns=netns)
        a.wait_ready()
        mark = a.mark()
        out = a.command("upstream 10.0.2.2 key 5")
        assert "note: no key 5 held" in out, out
        a.wait_for(r"upstream: key 5 is not in the key store: round refused, nothing sent",
                   timeout=15, start=mark)
        line = upstream_line(a)
        assert line.startswith("upstream: 10.0.2.2 key 5 (MISSING from the key store: not "
                               "asked); requests 0,"), line
        assert "rounds refused for the key 1" in line, line
        time.sleep(3)
        assert server.received() == []
        assert "upstream 10.0.2.2 key 5\n" in a.command("config show")

        mark = a.mark()
        a.command(key_add_command(SHA1_KEY))
        a.wait_for(r"upstream: set by", timeout=40, start=mark)
        a.wait_for(r"state: UNSET -> SYNCED", timeout=15, start=mark)
        got = server.received()
        assert len(got) >= 4, got
        for data, ok in got:
            assert len(data) == 72 and ok, data.hex()
        assert ask(netns, a.port).li == 0
        assert upstream_line(a).startswith("upstream: 10.0.2.2 key 5 (sha1); requests ")
    finally:
        server.close()
