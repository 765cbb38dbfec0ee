"""A real virtual LAN for the appliance, made and torn down by the tests.

Everything lives in network namespaces the test creates (ntplan<pid>-<n>),
so nothing here can reach the machine's own interfaces, addresses or
routes. Inside the LAN's namespace: a bridge (br0) carrying the test's own
addresses from 192.0.2.0/24 (TEST-NET-1, RFC 5737), a TAP device (tap0) on
the bridge that QEMU opens (QEMU itself runs inside the namespace), dnsmasq
as the DHCP server when a test wants one, and further namespaces joined to
the bridge by veth pairs for hosts that need an address of their own.

The test's sockets are created inside a namespace (this thread enters it
with setns(2), makes the socket and leaves again): a socket stays in the
namespace it was made in. Every process is started here and stopped by
PID with bounded waits; Lan.close() removes the devices and the namespaces
also after a failure, and is safe to call twice.
"""
import contextlib
import ctypes
import itertools
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import time

from appliance import Reply, build_request, stop_process, unix_to_ntp

NET = "192.0.2."
HOST_IP = NET + "1"               # the bridge's own address: dnsmasq, the default gateway
DHCP_FIRST, DHCP_LAST = NET + "100", NET + "150"
BRIDGE, TAP = "br0", "tap0"
# The bridge's own MAC, set when it is made: a bridge left to choose takes the
# lowest MAC of its ports and changes it when a host's veth with a lower one
# joins, and then the appliance's ARP entry for .1 (its DHCP server and
# gateway) and replies to frames forged with the old MAC go nowhere.
BRIDGE_MAC = "02:4e:54:50:00:01"

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
BROADCAST_MAC = b"\xff" * 6

_libc = ctypes.CDLL(None, use_errno=True)
_lan_numbers = itertools.count()


def lan_unavailable():
    """Returns why a virtual LAN cannot be made on this machine, or None when it can."""
    if os.geteuid() != 0:
        return "the LAN tests need root (network namespaces, a bridge, a TAP device)"
    if shutil.which("ip") is None:
        return "the LAN tests need iproute2's ip"
    probe = "ntplanprobe%d" % os.getpid()
    r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True, timeout=10)
    if r.returncode != 0:
        return "ip netns is unavailable here: " + (r.stderr.strip() or "exit %d" % r.returncode)
    subprocess.run(["ip", "netns", "del", probe], capture_output=True, timeout=10)
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun for QEMU's TAP device"
    remove_stale_lans()
    return None


def remove_stale_lans():
    """Deletes LANs that a test run killed before its cleanup left behind: this
    module's namespaces (ntplan<pid>-...) whose process is gone."""
    out = run(["ip", "netns", "list"], check=False).stdout
    for name in re.findall(r"^(ntplan(\d+)-\S+)", out, re.M):
        if not os.path.exists("/proc/%s" % name[1]):
            for dev in (TAP, BRIDGE):
                subprocess.run(["ip", "-n", name[0], "link", "del", dev], capture_output=True,
                               timeout=20)
            subprocess.run(["ip", "netns", "del", name[0]], capture_output=True, timeout=20)


@contextlib.contextmanager
def in_netns(name):
    """Runs the body with this thread in network namespace `name` (sockets made there stay there)."""
    with open("/proc/thread-self/ns/net") as own, open("/run/netns/" + name) as target:
        if _libc.setns(target.fileno(), CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (name, os.strerror(err)))
        try:
            yield
        finally:
            if _libc.setns(own.fileno(), CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise RuntimeError("cannot return to the test's own network namespace: %s"
                                   % os.strerror(err))


def run(cmd, timeout=20, check=True, input=None):
    """Runs cmd (a list) with a bounded wait; returns the CompletedProcess."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode,
                                                   (p.stderr or p.stdout).strip()))
    return p


class Lan:
    """One virtual LAN: its namespace, bridge, TAP, addresses, hosts and DHCP server."""

    def __init__(self, workdir):
        self.ns = "ntplan%d-%d" % (os.getpid(), next(_lan_numbers))
        self.dir = str(workdir)
        self.leases_path = os.path.join(self.dir, "dnsmasq.leases")
        self.hosts = []           # further namespaces, joined by veth pairs
        self.dnsmasq = None
        self.dnsmasq_log = None   # the log file of the dnsmasq running now (or last)
        self._dnsmasq_runs = 0
        self._made = False
        self._sockets = []

    # ------------------------------------------------------------ life cycle

    def up(self):
        run(["ip", "netns", "add", self.ns])
        self._made = True
        # No IPv6 inside: its router solicitations and DAD only add noise on the wire.
        self.sh("echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; "
                "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6")
        self.ip_batch(["link set lo up",
                       "link add %s address %s type bridge forward_delay 0 stp_state 0"
                       % (BRIDGE, BRIDGE_MAC),
                       "tuntap add dev %s mode tap" % TAP,
                       # Oversize frames can be sent to QEMU on the TAP itself.
                       "link set %s mtu 9000" % TAP,
                       "link set %s master %s" % (TAP, BRIDGE),
                       "link set %s mtu 1500" % BRIDGE,
                       "link set %s up" % BRIDGE,
                       "link set %s up" % TAP,
                       "address add %s/24 dev %s" % (HOST_IP, BRIDGE)])
        return self

    def close(self):
        """Stops dnsmasq, closes the sockets, deletes the devices and namespaces. Never raises."""
        if self.dnsmasq is not None:
            stop_process(self.dnsmasq)
            self.dnsmasq = None
        for s in self._sockets:
            try:
                s.close()
            except OSError:
                pass
        self._sockets = []
        for h in self.hosts:
            subprocess.run(["ip", "netns", "del", h], capture_output=True, timeout=20)
        self.hosts = []
        if self._made:
            # Delete the devices first, so that none can outlive the namespace.
            for dev in (TAP, BRIDGE):
                subprocess.run(["ip", "-n", self.ns, "link", "del", dev], capture_output=True,
                               timeout=20)
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True, timeout=20)
            self._made = False

    def __enter__(self):
        return self.up()

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------ commands

    def ip(self, *args, ns=None, check=True):
        return run(["ip", "-n", ns or self.ns] + list(args), check=check)

    def ip_batch(self, lines, ns=None):
        """Runs many ip commands in one process (ip -batch)."""
        return run(["ip", "-n", ns or self.ns, "-batch", "-"], input="\n".join(lines) + "\n",
                   timeout=60)

    def sh(self, script, ns=None, timeout=20):
        return run(["ip", "netns", "exec", ns or self.ns, "sh", "-c", script], timeout=timeout)

    def add_addresses(self, addrs):
        """Gives the bridge more addresses of the LAN (the kernel answers ARP for each)."""
        self.ip_batch(["address add %s/24 dev %s" % (a, BRIDGE) for a in addrs])

    def del_addresses(self, addrs):
        self.ip_batch(["address del %s/24 dev %s" % (a, BRIDGE) for a in addrs])

    def add_host(self, addr):
        """A further namespace on the LAN (veth to the bridge) whose only address is addr."""
        name = "%s-h%d" % (self.ns, len(self.hosts))
        run(["ip", "netns", "add", name])
        self.hosts.append(name)
        veth = "vh%d" % (len(self.hosts) - 1)
        self.ip_batch(["link add %s type veth peer name eth0 netns %s" % (veth, name),
                       "link set %s master %s" % (veth, BRIDGE),
                       "link set %s up" % veth])
        self.sh("echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6", ns=name)
        self.ip_batch(["link set lo up", "address add %s/24 dev eth0" % addr,
                       "link set eth0 up"], ns=name)
        assert self.mac_of(BRIDGE) == BRIDGE_MAC, "the bridge changed its MAC"
        return name

    def set_neighbor(self, addr, mac, dev=BRIDGE, ns=None):
        """Pins addr's link address in a namespace's neighbour table (no ARP from there)."""
        self.ip("neigh", "replace", addr, "lladdr", mac, "nud", "permanent", "dev", dev, ns=ns)

    def flush_neighbors(self, dev=BRIDGE, ns=None):
        self.ip("neigh", "flush", "dev", dev, ns=ns, check=False)

    def mac_of(self, dev=BRIDGE, ns=None):
        out = self.ip("-o", "link", "show", dev, ns=ns).stdout
        return re.search(r"link/ether ([0-9a-f:]{17})", out).group(1)

    # ------------------------------------------------------------ sockets

    def _keep(self, s):
        self._sockets.append(s)
        return s

    def udp(self, src, port=0, timeout=1.0, ns=None):
        """A UDP socket bound to src:port inside the LAN (or host namespace ns)."""
        with in_netns(ns or self.ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._keep(s)
        s.bind((src, port))
        s.settimeout(timeout)
        return s

    def raw(self, dev=BRIDGE, ns=None):
        """An AF_PACKET socket on dev: sends whole Ethernet frames, sees every frame on dev."""
        with in_netns(ns or self.ns):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self._keep(s)
        s.bind((dev, 0))
        return s

    # ------------------------------------------------------------ DHCP server

    def start_dnsmasq(self, lease="2m"):
        """Starts dnsmasq on the bridge (leases in this LAN's directory, kept across restarts)."""
        assert self.dnsmasq is None, "dnsmasq runs already"
        assert shutil.which("dnsmasq"), "dnsmasq is not installed (make deps: dnsmasq-base)"
        self._dnsmasq_runs += 1
        self.dnsmasq_log = os.path.join(self.dir, "dnsmasq-%d.log" % self._dnsmasq_runs)
        cmd = ["ip", "netns", "exec", self.ns, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
               "--interface=" + BRIDGE, "--bind-interfaces", "--except-interface=lo",
               "--port=0",                      # no DNS, DHCP only
               "--dhcp-range=%s,%s,255.255.255.0,%s" % (DHCP_FIRST, DHCP_LAST, lease),
               "--dhcp-leasefile=" + self.leases_path, "--dhcp-authoritative",
               "--pid-file=" + os.path.join(self.dir, "dnsmasq.pid"),
               "--user=root", "--group=root", "--log-dhcp", "--log-facility=-"]
        with open(self.dnsmasq_log, "w") as log:
            # `ip netns exec` execs dnsmasq: this PID is dnsmasq's.
            self.dnsmasq = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while "DHCP, IP range" not in self.read_dnsmasq_log():
            if self.dnsmasq.poll() is not None or time.monotonic() > deadline:
                out = self.read_dnsmasq_log()
                self.stop_dnsmasq()
                raise RuntimeError("dnsmasq did not start:\n" + out)
            time.sleep(0.05)
        return self.dnsmasq

    def stop_dnsmasq(self):
        if self.dnsmasq is not None:
            stop_process(self.dnsmasq)
            self.dnsmasq = None

    def read_dnsmasq_log(self):
        if self.dnsmasq_log is None:
            return ""
        with open(self.dnsmasq_log, errors="replace") as f:
            return f.read()

    def leases(self):
        """dnsmasq's leases: {mac: (expiry unix s, address, hostname)}."""
        out = {}
        try:
            with open(self.leases_path) as f:
                for line in f:
                    w = line.split()
                    if len(w) >= 4:
                        out[w[1].lower()] = (int(w[0]), w[2], w[3])
        except FileNotFoundError:
            pass
        return out


# -------------------------------------------------------------------- NTP on the LAN

def ntp_exchange(sock, host, timeout=1.0, packet=None):
    """One request from sock to host:123; returns Reply, raw bytes (short), or None on silence."""
    sock.settimeout(timeout)
    t1 = time.time()
    sock.sendto(packet if packet is not None else build_request(xmt_ts=unix_to_ntp(t1)),
                (host, 123))
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            data, src = sock.recvfrom(2048)
        except socket.timeout:
            return None
        if src[0] != host:
            continue
        return Reply(data, t1, time.time()) if len(data) >= 48 else data


def is_rate_kiss(data):
    """True for a RATE Kiss-o'-Death: LI 3, stratum 0, refid RATE (RFC 5905 sec. 7.4)."""
    return len(data) >= 48 and data[0] >> 6 == 3 and data[1] == 0 and data[12:16] == b"RATE"


def mode6_readvar(sock, host, names=(), timeout=1.5, sequence=1, port=123):
    """Sends one mode 6 READVAR for association 0 (RFC 9327) and reassembles the answer.

    Returns {name: value} or None when nothing came back. An error
    response returns {"error": status}."""
    data = ",".join(names).encode()
    pkt = struct.pack("!BBHHHHH", (2 << 3) | 6, 2, sequence, 0, 0, 0, len(data)) + data
    pkt += b"\0" * (-len(pkt) % 4)
    sock.sendto(pkt, (host, port))
    deadline = time.monotonic() + timeout
    frags = {}
    last_end = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            reply, src = sock.recvfrom(2048)
        except socket.timeout:
            return None
        if src[0] != host or len(reply) < 12 or reply[0] & 7 != 6:
            continue
        op, seq, status, _, offset, count = struct.unpack("!BHHHHH", reply[1:12])
        if seq != sequence or not op & 0x80:
            continue
        if op & 0x40:
            return {"error": status >> 8}
        frags[offset] = reply[12:12 + count]
        if not op & 0x20:
            last_end = offset + count
        if last_end is not None and sum(len(v) for v in frags.values()) >= last_end:
            text = b"".join(frags[k] for k in sorted(frags)).decode("ascii", "replace")
            return {m.group(1): m.group(2).strip('"')
                    for m in re.finditer(r'([A-Za-z_0-9]+)=("[^"]*"|[^,\r\n]*)', text)}


# -------------------------------------------------------------------- Ethernet frames

def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def inet_csum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_header(src, dst, payload_len, proto=17, ident=0x1234, flags_frag=0, ttl=64,
                ihl=5, tot_len=None, csum=None):
    hdr = struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0,
                      tot_len if tot_len is not None else ihl * 4 + payload_len, ident,
                      flags_frag, ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr += b"\0" * (ihl * 4 - 20)
    good = inet_csum(hdr)
    return hdr[:10] + struct.pack("!H", good if csum is None else csum) + hdr[12:]


def udp_datagram(src, dst, sport, dport, payload, csum=None):
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    good = inet_csum(pseudo + struct.pack("!HHHH", sport, dport, length, 0) + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, good if csum is None else csum) + payload


def ether(dst_mac, src_mac, ethertype, payload):
    return mac_bytes(dst_mac) + mac_bytes(src_mac) + struct.pack("!H", ethertype) + payload


def udp_frame(dst_mac, src_mac, src, dst, sport, dport, payload, ip_csum=None, udp_csum=None):
    udp = udp_datagram(src, dst, sport, dport, payload, csum=udp_csum)
    return ether(dst_mac, src_mac, ETH_P_IP, ipv4_header(src, dst, len(udp), csum=ip_csum) + udp)


def arp_frame(op, sender_mac, sender_ip, target_mac, target_ip, dst_mac=None):
    """An ARP request (op 1) or reply (op 2) for IPv4 over Ethernet (RFC 826)."""
    body = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, op, mac_bytes(sender_mac),
                       socket.inet_aton(sender_ip), mac_bytes(target_mac),
                       socket.inet_aton(target_ip))
    dst = dst_mac or ("ff:ff:ff:ff:ff:ff" if op == 1 else target_mac)
    return ether(dst, sender_mac, ETH_P_ARP, body)


def parse_arp(frame):
    """(op, sender mac, sender ip, target ip) of an ARP frame, or None."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x06":
        return None
    op = struct.unpack("!H", frame[20:22])[0]
    smac = ":".join("%02x" % b for b in frame[22:28])
    return op, smac, socket.inet_ntoa(frame[28:32]), socket.inet_ntoa(frame[38:42])


def drain(sock):
    """Reads and discards whatever waits on sock."""
    while select.select([sock], [], [], 0)[0]:
        try:
            sock.recv(65536)
        except OSError:
            return
