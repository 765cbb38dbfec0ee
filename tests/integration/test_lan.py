"""Issue 13 (hardening): the appliance as a host on a real (virtual) LAN.

The other suites reach the appliance through QEMU's user network, where
every client is 10.0.2.2 and DHCP is QEMU's own. Here QEMU runs inside a
network namespace the test makes (lan.py), on a TAP device in a Linux
bridge, with dnsmasq as the DHCP server and clients at addresses of their
own in 192.0.2.0/24: DHCP leases, renewal and a server that goes away, the
static fallback, the link going down and up, per-client rate limiting with
many client addresses, the management subnet for mode 6, and raw Ethernet
abuse from an AF_PACKET socket on the bridge.

One appliance serves the module (booted once, about a minute of tests
before its first DHCP renewal, which lwIP makes on its one-minute coarse
timer tick: dnsmasq's shortest lease is 2 min, so T1 is 60 s); the static
fallback has a LAN and an appliance of its own, without a DHCP server.

Address plan (192.0.2.0/24, TEST-NET-1, only inside the namespaces):
  .1 the bridge (dnsmasq, gateway)   .3 a client host (own namespace)
  .4 a client under a forged flood   .10 static fallback, .20 its client
  .30-.33 rate limit clients         .60 raw frame source
  .100-.150 dnsmasq's range (the appliance)
  .200 a host outside the management subnet
  the rest: the crowd that fills the rate limiter's client table
"""
import os
import re
import select
import socket
import struct
import subprocess
import threading
import time

import pytest

from appliance import BOARD, PROMPT, ROOT, Appliance, build_request, unix_to_ntp
from lan import (BRIDGE, DHCP_FIRST, DHCP_LAST, HOST_IP, NET, TAP, Lan, arp_frame, drain,
                 ether, ipv4_header, is_rate_kiss, lan_unavailable, mode6_readvar, ntp_exchange,
                 parse_arp, udp_datagram, udp_frame)

NTPQ = os.path.join(ROOT, "build", "ntpsec", "usr", "bin", "ntpq")
BANNER = r"ntp-appliance on \S+, reset cause: "
LEASE_S = 120          # dnsmasq's shortest lease
DHCP_T1_S = 60         # lwIP renews on its first coarse timer tick (DHCP_COARSE_TIMER_SECS)
SEES_LINK = BOARD == "mps2-an386"   # QEMU models the LAN9118's PHY link bit, not Stellaris'
STAMPS_EVERY_FRAME = BOARD == "mps2-an386"  # its TX status FIFO has a word for each frame sent


@pytest.fixture(scope="module", autouse=True)
def lan_possible():
    why = lan_unavailable()
    if why:
        pytest.skip(why)


@pytest.fixture(scope="module")
def lan(tmp_path_factory):
    net = Lan(tmp_path_factory.mktemp("lan"))
    try:
        net.up()
        yield net
    finally:
        net.close()


class Node:
    """The module's appliance on the LAN, and what it was given at boot."""

    def __init__(self, lan, a, ip, mac, boot_expiry, booted_at):
        self.lan, self.a, self.ip, self.mac = lan, a, ip, mac
        self.boot_expiry = boot_expiry
        self.booted_at = booted_at

    def uptime(self):
        return time.monotonic() - self.booted_at


@pytest.fixture(scope="module")
def node(lan, tmp_path_factory):
    lan.start_dnsmasq(lease="%ds" % LEASE_S)
    a = Appliance(tmp_path_factory.mktemp("node"), netns=lan.ns, tap=TAP, monitor=True).start()
    try:
        booted_at = time.monotonic()
        m = a.wait_for(r"net: address (192\.0\.2\.\d+) mask \S+ gw \S+ \(dhcp\)", timeout=40)
        ip = m.group(1)
        mac = a.wait_for(r"net: mac ([0-9a-f:]{17})").group(1)
        a.wait_for(re.escape(PROMPT))
        a.wait_synced()
        deadline = time.monotonic() + 10
        while mac not in lan.leases() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert mac in lan.leases(), "dnsmasq wrote no lease for %s" % mac
        yield Node(lan, a, ip, mac, lan.leases()[mac][0], booted_at)
    finally:
        a.stop()


def resets(a):
    """Boot banners after the first: each is a reset."""
    return len(re.findall(BANNER, a.output)) - 1


def status_value(a, pattern, text=None):
    text = text if text is not None else a.command("status")
    m = re.search(pattern, text)
    assert m, (pattern, text)
    return int(m.group(1))


def mode6_counts(a):
    st = a.command("status")
    m = re.search(r"ntp mode 6: replied (\d+), refused (\d+)", st)
    assert m, st
    return int(m.group(1)), int(m.group(2))


def pools_in_use(a):
    """{pool: in use now} from `net stats` (the heap in bytes)."""
    out = a.command("net stats")
    pools = {m.group(1): int(m.group(2))
             for m in re.finditer(r"^lwip (\S+): (\d+) of \d+", out, re.M)}
    assert "heap" in pools and "PBUF_POOL" in pools, out
    return pools


def net_counter(a, pattern):
    return status_value(a, pattern, a.command("net stats"))


def frames_seen(a):
    """Frames the Ethernet driver took from the MAC: kept, dropped for a full ring, or bad."""
    m = re.search(r"eth rx: (\d+) frames, ring full (\d+), errors (\d+)", a.command("net stats"))
    assert m
    return sum(int(x) for x in m.groups())


def good_reply(r):
    return r is not None and not isinstance(r, bytes) and r.mode == 4 and r.li == 0 \
        and r.stratum == 1


class PoliteClient(threading.Thread):
    """Polls the appliance from sock every period_s, as a well-behaved client does;
    records every poll's result. Each poll may be retried once after 0.5 s (a
    real client's next poll comes much later); `missed` counts polls that failed
    both tries, `retried` those that needed the second."""

    def __init__(self, sock, host, period_s=2.0, timeout=1.0):
        super().__init__(daemon=True)
        self.sock, self.host, self.period_s, self.timeout = sock, host, period_s, timeout
        self.polls = self.missed = self.retried = 0
        self.bad = []
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            t0 = time.monotonic()
            self.polls += 1
            r = ntp_exchange(self.sock, self.host, timeout=self.timeout)
            if r is None:
                self.retried += 1
                self._halt.wait(0.5)
                r = ntp_exchange(self.sock, self.host, timeout=self.timeout)
            if r is None:
                self.missed += 1
            elif not good_reply(r):
                self.bad.append(r if isinstance(r, bytes) else r.raw)
            self._halt.wait(max(0.0, self.period_s - (time.monotonic() - t0)))

    def stop(self):
        self._halt.set()
        self.join(timeout=10)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------- static fallback

def test_static_fallback_without_dhcp_server(tmp_path):
    """No DHCP server at all: with `net ip 192.0.2.10/24` saved, the appliance
    boots, asks DHCP for 15 s, then serves NTP on 192.0.2.10 to a client on the LAN."""
    with Lan(tmp_path) as net:
        a = Appliance(tmp_path, netns=net.ns, tap=TAP).start()
        try:
            a.wait_for(re.escape(PROMPT))
            assert "error" not in a.command("net ip 192.0.2.10/24")
            assert "saved" in a.command("save")
            client = net.add_host(NET + "20")
            sock = net.udp(NET + "20", ns=client)
            mark = a.mark()
            a.send("reboot\r")
            a.wait_for(BANNER + "software", start=mark, timeout=20)
            time.sleep(5)
            # Still asking DHCP: nobody has 192.0.2.10 yet (the ARP goes unanswered).
            assert ntp_exchange(sock, NET + "10", timeout=1.0) is None
            m = a.wait_for(r"\[\s*([0-9.]+)\] net: no DHCP lease after 15 s, using the static "
                           r"address", start=mark, timeout=30)
            assert float(m.group(1)) >= 15.0, m.group(0)
            a.wait_for(r"net: address 192\.0\.2\.10 mask 255\.255\.255\.0 gw \S+ \(static\)",
                       start=mark, timeout=5)
            a.wait_synced()
            r = None
            deadline = time.monotonic() + 10
            while r is None and time.monotonic() < deadline:
                r = ntp_exchange(sock, NET + "10", timeout=1.0)
            assert good_reply(r), r
            assert abs(r.offset) < 0.05
            st = a.command("status")
            assert "net: 192.0.2.10 mask 255.255.255.0" in st, st
            assert resets(a) == 1      # the reboot asked for, no other
        finally:
            a.stop()


# ---------------------------------------------------------------- DHCP

def test_address_from_dnsmasq(node):
    lan, a = node.lan, node.a
    first, last = int(DHCP_FIRST.split(".")[3]), int(DHCP_LAST.split(".")[3])
    assert first <= int(node.ip.split(".")[3]) <= last
    assert re.search(r"net: address %s mask 255\.255\.255\.0 gw %s \(dhcp\)"
                     % (re.escape(node.ip), re.escape(HOST_IP)), a.output)
    expiry, addr, name = lan.leases()[node.mac]
    assert addr == node.ip and name == "ntp-appliance"
    assert abs(expiry - time.time() - LEASE_S) < 30
    log = lan.read_dnsmasq_log()
    assert re.search(r"DHCPACK\(%s\) %s %s ntp-appliance" % (BRIDGE, re.escape(node.ip), node.mac),
                     log), log
    st = a.command("status")
    assert "net: %s mask 255.255.255.0 gw %s, link up" % (node.ip, HOST_IP) in st, st
    assert "dhcp: lease %d s" % LEASE_S in st, st
    r = ntp_exchange(lan.udp(HOST_IP), node.ip)
    assert good_reply(r), r
    assert abs(r.offset) < 0.05


def test_dhcp_server_away_and_back(node):
    """dnsmasq stops (a server reboot): the appliance keeps its lease and serves;
    a new dnsmasq, knowing the lease only from its lease file, is there before
    the renewal (test_dhcp_renewal checks that it renews)."""
    lan, a = node.lan, node.a
    assert node.uptime() < 25, "this test must run before the first renewal"
    lan.stop_dnsmasq()
    sock = lan.udp(HOST_IP)
    for _ in range(6):
        assert good_reply(ntp_exchange(sock, node.ip)), "not served while the DHCP server is away"
        time.sleep(2)
    st = a.command("status")
    assert "net: %s mask" % node.ip in st and "dhcp: lease %d s" % LEASE_S in st, st
    assert len(re.findall(r"net: address \d", a.output)) == 1
    lan.start_dnsmasq(lease="%ds" % LEASE_S)
    assert node.uptime() < DHCP_T1_S - 10, "dnsmasq must be back before the renewal"
    assert lan.leases()[node.mac][1] == node.ip


# ---------------------------------------------------------------- management subnet

def ntpq(lan, ns, host, cmd="rv 0 stratum,rl_clients"):
    p = subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", NTPQ, "-n",
                        "-c", "timeout 1000", "-c", cmd, host],
                       capture_output=True, text=True, timeout=30)
    return p.stdout + p.stderr


def test_mode6_only_from_management_subnet(node):
    lan, a = node.lan, node.a
    outside = lan.add_host(NET + "200")
    assert "error" not in a.command("ntp mgmt 192.0.2.0/28")
    try:
        replied0, refused0 = mode6_counts(a)
        out = ntpq(lan, outside, node.ip)
        assert "stratum=" not in out, out
        s_out = lan.udp(NET + "200", ns=outside)
        assert mode6_readvar(s_out, node.ip, ("stratum",)) is None
        replied1, refused1 = mode6_counts(a)
        assert refused1 >= refused0 + 2 and replied1 == replied0, (refused0, refused1)

        out = ntpq(lan, lan.ns, node.ip)                 # from 192.0.2.1, inside
        assert "stratum=1" in out, out
        v = mode6_readvar(lan.udp(HOST_IP), node.ip, ("stratum", "refid"))
        assert v == {"stratum": "1", "refid": "LOCL"}, v
        replied2, refused2 = mode6_counts(a)
        assert replied2 >= replied1 + 2 and refused2 == refused1
        # Time requests from outside the management subnet are served as ever.
        assert good_reply(ntp_exchange(s_out, node.ip))
    finally:
        a.command("ntp mgmt local")


# ---------------------------------------------------------------- rate limiting

def test_greedy_client_limited_polite_clients_served(node):
    """One address floods (a bounded count): it gets its burst, then RATE kisses
    or nothing; three others polling every 2 s meanwhile are always answered."""
    lan, a = node.lan, node.a
    greedy_ip, polite_ips = NET + "30", [NET + str(i) for i in (31, 32, 33)]
    lan.add_addresses([greedy_ip] + polite_ips)
    greedy = lan.udp(greedy_ip)
    greedy.setblocking(False)
    polite = [PoliteClient(lan.udp(ip), node.ip, period_s=2.0, timeout=1.0) for ip in polite_ips]
    counts = {"sent": 0, "replies": 0, "kods": 0}

    def collect():
        while True:
            try:
                data = greedy.recv(2048)
            except BlockingIOError:
                return
            counts["kods" if is_rate_kiss(data) else "replies"] += 1

    for p in polite:
        p.start()
    try:
        t0 = time.monotonic()
        while counts["sent"] < 1600:            # a bounded count, about 200/s for 8 s
            greedy.sendto(build_request(xmt_ts=unix_to_ntp(time.time())), (node.ip, 123))
            counts["sent"] += 1
            collect()
            time.sleep(max(0.0, t0 + counts["sent"] * 0.005 - time.monotonic()))
        time.sleep(1.0)
        collect()
    finally:
        for p in polite:
            p.stop()
    print("greedy:", counts, "polite:", [(p.polls, p.retried, p.missed) for p in polite])
    for p in polite:
        assert p.polls >= 4 and p.missed == 0 and p.retried == 0 and not p.bad, \
            (p.polls, p.retried, p.missed, p.bad)
    assert counts["kods"] > 0
    # Its burst (64) and 4/s sustained, not much more.
    assert 64 <= counts["replies"] <= 64 + 4 * 12, counts
    st = a.command("status")
    assert status_value(a, r"ratelimit (\d+)", st) > 0
    assert re.search(r"top clients: %s \(" % re.escape(greedy_ip), st), st


def crowd_addresses():
    used = {1, 2, 3, 4, 10, 20, 30, 31, 32, 33, 60, 200}
    dhcp = range(int(DHCP_FIRST.split(".")[3]), int(DHCP_LAST.split(".")[3]) + 1)
    return [NET + str(i) for i in range(5, 255) if i not in used and i not in dhcp] + \
           [NET + str(i) for i in dhcp]


def test_client_table_overflow(node):
    """More client addresses than the rate limiter's table has entries (192):
    241, every address of 192.0.2.0/24 nothing else here uses, each on the
    bridge (the kernel answers the appliance's ARP for it). The table evicts
    the least recently seen, every client is answered, and a polite client
    polling throughout never misses."""
    lan = node.lan
    crowd = [ip for ip in crowd_addresses() if ip != node.ip]
    assert len(crowd) > 192
    lan.add_addresses(crowd)
    try:
        crowd_run(lan, node, crowd)
    finally:
        lan.del_addresses(crowd)    # free again: the abuse test forges frames from them


def crowd_run(lan, node, crowd):
    socks = [lan.udp(ip) for ip in crowd]
    polite = PoliteClient(lan.udp(NET + "31"), node.ip, period_s=2.0, timeout=1.0)
    answered = sent = 0
    with polite:
        # Three rounds through the crowd, 2 s each: cycling through more addresses
        # than the table holds, every request finds its address evicted.
        for _round in range(3):
            t0 = time.monotonic()
            for i, s in enumerate(socks):
                sent += 1
                if good_reply(ntp_exchange(s, node.ip, timeout=0.5)):
                    answered += 1
                time.sleep(max(0.0, t0 + (i + 1) * 2.0 / len(socks) - time.monotonic()))
    v = mode6_readvar(lan.udp(HOST_IP), node.ip, ("rl_clients", "rl_evictions"))
    print("crowd: %d addresses, %d of %d answered; table %s; polite %d polls, %d retried"
          % (len(socks), answered, sent, v, polite.polls, polite.retried))
    assert v is not None and int(v["rl_clients"]) == 192, v
    assert int(v["rl_evictions"]) >= sent - 192, v
    assert answered >= sent * 0.98, (answered, sent)
    assert polite.polls >= 3 and polite.missed == 0 and polite.retried == 0 and not polite.bad


# ---------------------------------------------------------------- Ethernet abuse

ABUSE_SRC = NET + "60"
ABUSE_PORT = 40123


def test_ethernet_abuse(node):
    """Malformed, fragmented, oversize, broadcast and ARP frames, and another
    host claiming the appliance's address: no reset, lwIP's pools back to
    their idle use, a polite client (its neighbour entry pinned) answered."""
    lan, a = node.lan, node.a
    lan.add_addresses([ABUSE_SRC])
    br_mac = lan.mac_of(BRIDGE)
    raw = lan.raw(BRIDGE)
    tap_raw = lan.raw(TAP)
    rx = lan.udp(ABUSE_SRC, port=ABUSE_PORT, timeout=0.3)
    host = lan.add_host(NET + "3")
    lan.set_neighbor(node.ip, node.mac, dev="eth0", ns=host)
    polite = PoliteClient(lan.udp(NET + "3", ns=host), node.ip, period_s=1.0, timeout=1.0)
    idle = pools_in_use(a)
    rx_frames0 = frames_seen(a)
    malformed0 = net_counter(a, r"malformed (\d+)")

    def ntp_frame(**kw):
        return udp_frame(node.mac, br_mac, ABUSE_SRC, node.ip, ABUSE_PORT, 123,
                         build_request(), **kw)

    def send_all(sock, frames, chunk=100, pause_s=0.01):
        for i, f in enumerate(frames):
            sock.send(f)
            if i % chunk == chunk - 1:
                time.sleep(pause_s)

    def answered(frames, wait=0.3, chunk=10, pause_s=0.01):
        """Sends frames (paced: the receive ring holds a few dozen); True if any got a reply."""
        drain(rx)
        send_all(raw, frames, chunk, pause_s)
        try:
            rx.settimeout(wait)
            rx.recvfrom(2048)
            return True
        except socket.timeout:
            return False

    # The forged path works: a correct frame is answered.
    assert answered([ntp_frame()], wait=1.0)

    with polite:
        # Truncated and inconsistent IP headers.
        ip_ok = ipv4_header(ABUSE_SRC, node.ip, 8 + 48)
        junk = []
        for n in range(0, 20):
            junk.append(ether(node.mac, br_mac, 0x0800, ip_ok[:n]))
        junk += [ether(node.mac, br_mac, 0x0800, ipv4_header(ABUSE_SRC, node.ip, 8, ihl=15)[:30]),
                 ether(node.mac, br_mac, 0x0800, ipv4_header(ABUSE_SRC, node.ip, 8, ihl=4)[:16] +
                       b"\0" * 40),
                 ether(node.mac, br_mac, 0x0800, ipv4_header(ABUSE_SRC, node.ip, 8, tot_len=1400) +
                       b"\0" * 8),
                 ether(node.mac, br_mac, 0x0800, ipv4_header(ABUSE_SRC, node.ip, 8, tot_len=10) +
                       b"\0" * 8),
                 ether(node.mac, br_mac, 0x0800, b"\x65" + ip_ok[1:] + b"\0" * 56)]
        # Truncated UDP headers.
        for n in range(0, 8):
            junk.append(ether(node.mac, br_mac, 0x0800,
                              ipv4_header(ABUSE_SRC, node.ip, n) +
                              udp_datagram(ABUSE_SRC, node.ip, ABUSE_PORT, 123, b"")[:n]))
        assert not answered(junk * 5, wait=1.0, chunk=20)
        # UDP lengths that disagree with the IP length: dropped before lwIP, counted.
        bad_len = []
        for ulen in (0, 7, 9, 200, 0xFFFF):
            d = bytearray(udp_datagram(ABUSE_SRC, node.ip, ABUSE_PORT, 123, build_request(),
                                       csum=0))
            d[4:6] = struct.pack("!H", ulen)
            bad_len.append(ether(node.mac, br_mac, 0x0800,
                                 ipv4_header(ABUSE_SRC, node.ip, len(d)) + bytes(d)))
        assert not answered(bad_len * 5, wait=1.0, chunk=1)
        assert net_counter(a, r"malformed (\d+)") - malformed0 == 5 * 5

        # Bad checksums: an otherwise good request, never answered.
        good_ip = ipv4_header(ABUSE_SRC, node.ip, 56)
        bad_ip_csum = (struct.unpack("!H", good_ip[10:12])[0] ^ 0x5A5A) or 1
        assert not answered([ntp_frame(ip_csum=bad_ip_csum) for _ in range(20)])
        good_udp = udp_datagram(ABUSE_SRC, node.ip, ABUSE_PORT, 123, build_request())
        bad_udp_csum = (struct.unpack("!H", good_udp[6:8])[0] ^ 0x0F0F) or 1
        assert not answered([ntp_frame(udp_csum=bad_udp_csum) for _ in range(20)])

        # IP fragments (lwIP reassembles nothing here, IP_REASSEMBLY 0).
        req = udp_datagram(ABUSE_SRC, node.ip, ABUSE_PORT, 123, build_request())
        frags = []
        for ident in range(0x4000, 0x4000 + 50):
            frags.append(ether(node.mac, br_mac, 0x0800,
                               ipv4_header(ABUSE_SRC, node.ip, 24, ident=ident,
                                           flags_frag=0x2000) + req[:24]))
            frags.append(ether(node.mac, br_mac, 0x0800,
                               ipv4_header(ABUSE_SRC, node.ip, len(req) - 24, ident=ident,
                                           flags_frag=3) + req[24:]))
            frags.append(ether(node.mac, br_mac, 0x0800,
                               ipv4_header(ABUSE_SRC, node.ip, 8, ident=ident,
                                           flags_frag=0x2000 | 100) + b"\0" * 8))
        assert not answered(frags, wait=1.0)

        # Oversize frames, straight into QEMU on the TAP (up to its 9000-byte MTU).
        big = []
        for size in (1515, 1518, 1522, 1600, 2048, 4000, 9014):
            payload = size - 14 - 20 - 8
            big.append(udp_frame(node.mac, br_mac, ABUSE_SRC, node.ip, ABUSE_PORT, 123,
                                 build_request() + b"\0" * (payload - 48)))
        send_all(tap_raw, big * 10, chunk=10, pause_s=0.02)
        # A full-size (1514-byte) request is legal; the reply is never larger than 48 bytes.
        full = udp_frame(node.mac, br_mac, ABUSE_SRC, node.ip, ABUSE_PORT, 123,
                         build_request() + b"\0" * (1472 - 48))
        assert len(full) == 1514
        raw.send(full)
        try:
            data, _ = rx.recvfrom(2048)
            assert len(data) <= 48
        except socket.timeout:
            pass        # dropped as malformed (a trailer of zeros is no extension field)

        # A broadcast storm: NTP and discard requests to the broadcast addresses,
        # and frames of no protocol the appliance speaks.
        storm = []
        for i in range(600):
            dst = ("255.255.255.255", NET + "255")[i % 2]
            storm.append(udp_frame("ff:ff:ff:ff:ff:ff", br_mac, ABUSE_SRC, dst, ABUSE_PORT,
                                   (123, 9)[i % 3 == 0], build_request()))
            storm.append(ether("ff:ff:ff:ff:ff:ff", br_mac, 0x88B5, bytes([i & 0xFF]) * 46))
        send_all(raw, storm)

        # An ARP storm: requests for the appliance from fake hosts (each makes an
        # entry: its 16-entry table churns), and requests for others.
        fakes = [ip for ip in crowd_addresses() if ip != node.ip][:100]
        arps = []
        for i in range(1500):
            fake_mac = "02:00:5e:%02x:%02x:%02x" % (i >> 16 & 0xFF, i >> 8 & 0xFF, i & 0xFF)
            arps.append(arp_frame(1, fake_mac, fakes[i % len(fakes)], "00:00:00:00:00:00",
                                  node.ip if i % 3 else NET + "77"))
        send_all(raw, arps)

        # An address conflict: another host announces the appliance's address
        # (gratuitous ARP) and answers every ARP request for it.
        impostor = "02:00:5e:00:99:99"
        conflict_seen = threading.Event()
        stop = threading.Event()

        listen = lan.raw(BRIDGE)

        def answer_for_appliance():
            while not stop.is_set():
                if not select.select([listen], [], [], 0.1)[0]:
                    continue
                arp = parse_arp(listen.recv(2048))
                # A request for the appliance from anyone but the impostor (this
                # socket also sees the frames sent here, the impostor's own).
                if arp and arp[0] == 1 and arp[3] == node.ip and arp[1] != impostor:
                    raw.send(arp_frame(2, impostor, node.ip, arp[1], arp[2]))
                    conflict_seen.set()

        responder = threading.Thread(target=answer_for_appliance, daemon=True)
        drain(tap_raw)
        mark = a.mark()
        claims0 = net_counter(a, r"arp: our address claimed by another host (\d+) times")
        t_claim = time.monotonic()
        responder.start()
        try:
            for _ in range(5):
                raw.send(arp_frame(1, impostor, node.ip, "00:00:00:00:00:00", node.ip))
                raw.send(arp_frame(2, impostor, node.ip, "ff:ff:ff:ff:ff:ff", node.ip,
                                   dst_mac="ff:ff:ff:ff:ff:ff"))
                time.sleep(0.2)
            # Someone on the LAN asks for the appliance: both answer.
            lan.flush_neighbors()
            ntp_exchange(lan.udp(HOST_IP), node.ip, timeout=0.5)
            time.sleep(2)
        finally:
            stop.set()
            responder.join(timeout=5)
        assert conflict_seen.is_set(), "nobody asked for the appliance's address"
        # The appliance noticed, said so once, and defended its address with one
        # announcement (at most one per 10 s, RFC 5227), while it went on serving.
        defences = []
        while select.select([tap_raw], [], [], 0)[0]:
            arp = parse_arp(tap_raw.recv(2048))
            if arp and arp[1] == node.mac and arp[2] == arp[3] == node.ip:
                defences.append(arp)
        assert time.monotonic() - t_claim < 10, "the claims took too long to test the interval"
        assert len(defences) == 1, defences
        said = re.findall(r"net: address conflict: %s also uses %s \((\d+) claims so far"
                          % (impostor, re.escape(node.ip)), a.output[mark:])
        assert said == ["1"], a.output[mark:]
        st = a.command("status")
        assert re.search(r"^net: ADDRESS CONFLICT: %s also uses %s, last seen \d+ s ago "
                         r"\(\d+ ARP claims, 1 announcements in defence\)"
                         % (impostor, re.escape(node.ip)), st, re.M), st
        claims = net_counter(a, r"arp: our address claimed by another host (\d+) times")
        assert claims - claims0 >= 10, (claims0, claims)
        lan.flush_neighbors()      # forget the impostor
        time.sleep(1)

    print("polite client: %d polls, %d needed a second try, %d missed"
          % (polite.polls, polite.retried, polite.missed))
    assert resets(a) == 0, a.output[-3000:]
    assert polite.polls >= 5 and polite.missed == 0 and not polite.bad
    # Most of it reached the appliance (QEMU's NIC models drop some when they are full).
    assert frames_seen(a) - rx_frames0 > 1500
    # Pending ARP entries (replies to fake hosts) time out within 10 s.
    deadline = time.monotonic() + 20
    now = pools_in_use(a)
    while now != idle and time.monotonic() < deadline:
        time.sleep(1)
        now = pools_in_use(a)
    stats = a.command("net stats")
    print(stats)
    assert now == idle, (idle, now, stats)
    assert good_reply(ntp_exchange(lan.udp(HOST_IP), node.ip))
    assert resets(a) == 0


def test_forged_source_flood(node):
    """Requests from on-link addresses nobody has (forged sources, a bounded 300).
    Through lwIP each reply needed an ARP answer that never came: its 16-entry
    ARP table recycled the real client's entry and its 8-slot ARP queue filled
    (about 1 s of missed replies). The fast path answers to the MAC the request
    came from, with no ARP at all: asserted, no reset, the real client never
    missed, no ARP queued and none refused, lwIP's memory back to idle."""
    lan, a = node.lan, node.a
    ghosts = [ip for ip in crowd_addresses() if ip != node.ip][100:]
    raw = lan.raw(BRIDGE)
    lan.add_addresses([NET + "4"])
    sock = lan.udp(NET + "4")
    assert good_reply(ntp_exchange(sock, node.ip))
    idle = pools_in_use(a)
    st = a.command("status")
    stamps0 = status_value(a, r"transmit-complete stamps (\d+)", st)
    lost0 = status_value(a, r"transmit-complete stamps \d+ \(lost (\d+)\)", st)
    log = []
    halt = threading.Event()

    def poll():
        while not halt.is_set():
            t = time.monotonic()
            log.append((t, good_reply(ntp_exchange(sock, node.ip, timeout=0.5))))
            halt.wait(max(0.0, t + 0.25 - time.monotonic()))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        time.sleep(1.0)
        t_flood = time.monotonic()
        for i in range(300):
            raw.send(udp_frame(node.mac, "02:00:5e:10:00:%02x" % (i & 0xFF),
                               ghosts[i % len(ghosts)], node.ip, 40000 + i, 123, build_request()))
            if i % 20 == 19:
                time.sleep(0.01)
        t_end = time.monotonic()
        time.sleep(7.0)
    finally:
        halt.set()
        poller.join(timeout=5)
    missed = [t for t, ok in log if not ok and t >= t_flood - 0.5]
    back = [t for t, ok in log if ok and t > (missed[-1] if missed else t_end)]
    outage = (missed[-1] + 0.5 - missed[0]) if missed else 0.0
    stats = a.command("net stats")
    print("forged flood: %.2f s; real client: %d polls, %d missed, outage %.1f s\n%s"
          % (t_end - t_flood, len(log), len(missed), outage, stats))
    assert all(ok for t, ok in log if t < t_flood - 0.5), "missed before the flood"
    assert back, "never answered again"
    assert not missed, (missed, t_flood, t_end)
    assert re.search(r"lwip ARP_QUEUE: 0 of \d+ in use, peak \d+, refused 0", stats), stats
    # The departures the MAC's interrupt stamped (interleaved mode needs them):
    # none lost while the bursts were answered. The LAN9118 reports every frame
    # it sent; the Stellaris MAC, one frame in flight at a time, one per
    # transmit-empty interrupt, which a burst's next frame may cover.
    st = a.command("status")
    assert status_value(a, r"transmit-complete stamps \d+ \(lost (\d+)\)", st) == lost0, st
    if STAMPS_EVERY_FRAME:
        assert status_value(a, r"transmit-complete stamps (\d+)", st) - stamps0 >= 300, st
    deadline = time.monotonic() + 15
    now = pools_in_use(a)
    while now != idle and time.monotonic() < deadline:
        time.sleep(1)
        now = pools_in_use(a)
    assert now == idle, (idle, now, a.command("net stats"))
    assert resets(a) == 0


# ---------------------------------------------------------------- DHCP renewal

def test_dhcp_renewal(node):
    """At T1 the appliance renews with the dnsmasq that came back: the lease's
    expiry moves on, the address stays."""
    lan, a = node.lan, node.a
    if lan.dnsmasq is None:
        lan.start_dnsmasq(lease="%ds" % LEASE_S)
    deadline = time.monotonic() + max(0.0, DHCP_T1_S + 30 - node.uptime())
    while lan.leases()[node.mac][0] < node.boot_expiry + 30 and time.monotonic() < deadline:
        time.sleep(1)
    expiry, addr, _ = lan.leases()[node.mac]
    assert expiry >= node.boot_expiry + 30, "lease not renewed (uptime %.0f s)" % node.uptime()
    assert addr == node.ip
    log = lan.read_dnsmasq_log()          # the dnsmasq started after the outage
    assert re.search(r"DHCPREQUEST\(%s\) %s %s" % (BRIDGE, re.escape(node.ip), node.mac), log), log
    assert re.search(r"DHCPACK\(%s\) %s %s" % (BRIDGE, re.escape(node.ip), node.mac), log), log
    assert "DHCPDISCOVER" not in log, log         # a renewal, not a new lease
    assert len(re.findall(r"net: address \d", a.output)) == 1
    st = a.command("status")
    assert "net: %s mask" % node.ip in st and "dhcp: lease %d s" % LEASE_S in st, st
    assert good_reply(ntp_exchange(lan.udp(HOST_IP), node.ip))


# ---------------------------------------------------------------- link down and up

def test_link_down_and_up(node):
    """QEMU's `set_link` unplugs the cable. The LAN9118 model (MPS2 AN386) shows
    it in its PHY: the appliance says `net: link down`, and on `link up`
    announces its address with a gratuitous ARP. The Stellaris model has no
    PHY registers, so the guest cannot see the link; there the frames simply
    stop while it is down. On both, the time is served again afterwards."""
    lan, a = node.lan, node.a
    nic = a.monitor("info network").split(":")[0].strip()
    sock = lan.udp(HOST_IP)
    cap = lan.raw(TAP)
    assert good_reply(ntp_exchange(sock, node.ip))
    mark = a.mark()
    assert "Error" not in a.monitor("set_link %s off" % nic)
    try:
        if SEES_LINK:
            a.wait_for(r"net: link down", start=mark, timeout=5)
        else:
            time.sleep(1.5)
        assert ntp_exchange(sock, node.ip, timeout=1.0) is None, "served with the link down"
        drain(cap)
    finally:
        assert "Error" not in a.monitor("set_link %s on" % nic)
    # Back on the link: its address announced (gratuitous ARP) and probed for
    # (ARP from 0.0.0.0: does another host have it on this LAN?).
    garp = probe = None
    deadline = time.monotonic() + (5 if SEES_LINK else 2)   # none comes on Stellaris
    while (garp is None or probe is None) and time.monotonic() < deadline:
        if select.select([cap], [], [], 0.2)[0]:
            arp = parse_arp(cap.recv(2048))
            if arp and arp[1] == node.mac and arp[2] == arp[3] == node.ip:
                garp = arp
            if arp and arp[:4] == (1, node.mac, "0.0.0.0", node.ip):
                probe = arp
    if SEES_LINK:
        a.wait_for(r"net: link up", start=mark, timeout=5)
        assert garp is not None, "no gratuitous ARP after link up"
        assert probe is not None, "no ARP probe after link up"
    else:
        assert "net: link" not in a.output[mark:]
        assert garp is None and probe is None
    r = None
    deadline = time.monotonic() + 10
    while r is None and time.monotonic() < deadline:
        r = ntp_exchange(sock, node.ip, timeout=1.0)
    assert good_reply(r), r
    assert "link up" in a.command("status")
    assert node.ip in a.command("status")
    assert resets(a) == 0


# ---------------------------------------------------------------- a static address in use

def test_static_address_already_in_use(node):
    """The operator gives the appliance an address a host on the LAN already
    has. lwIP takes it without asking; the appliance probes for it (an ARP
    request from address 0, RFC 5227), the host answers, and the console says
    which MAC has the address. Runs last: the module's appliance leaves DHCP."""
    lan, a = node.lan, node.a
    taken = NET + "5"         # the crowd's, which is gone
    host = lan.add_host(taken)
    host_mac = lan.mac_of("eth0", ns=host)
    mark = a.mark()
    assert "error" not in a.command("net ip %s/24 gw %s" % (taken, HOST_IP))
    assert "error" not in a.command("net dhcp off")
    a.wait_for(r"net: address %s mask 255\.255\.255\.0 gw %s \(static\)"
               % (re.escape(taken), re.escape(HOST_IP)), start=mark, timeout=5)
    a.wait_for(r"net: address conflict: %s also uses %s \(\d+ claims so far"
               % (host_mac, re.escape(taken)), start=mark, timeout=5)
    st = a.command("status")
    assert "net: ADDRESS CONFLICT: %s also uses %s" % (host_mac, taken) in st, st
    assert resets(a) == 0
