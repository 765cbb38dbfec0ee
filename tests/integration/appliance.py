"""Test harness: the real firmware image in QEMU, its console, NTP queries.

Every QEMU process is started through tools/qemu-run.sh (which execs QEMU,
so the PID is QEMU's), is watched by a reader thread, and is stopped by PID
with bounded waits; nothing outlives its test.
"""
import os
import re
import socket
import struct
import subprocess
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BOARD = os.environ.get("BOARD", "lm3s6965evb")
ELF = os.path.join(ROOT, "build", BOARD, "firmware.elf")


def board_qemu_machine():
    """The QEMU machine of BOARD, as board/<board>/board.mk names it (-M ...)."""
    with open(os.path.join(ROOT, "board", BOARD, "board.mk")) as f:
        for line in f:
            m = re.match(r"BOARD_QEMU\s*:=\s*-M\s+(\S+)", line)
            if m:
                return m.group(1)
    raise RuntimeError("board.mk of %s names no QEMU machine" % BOARD)
NTP_EPOCH_OFFSET = 2208988800  # seconds from 1900-01-01 to 1970-01-01
PROMPT = "ntp> "


def stop_process(p):
    """Stops a process by PID: SIGTERM, then SIGKILL after 5 s; bounded."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


def free_udp_port():
    """Returns a UDP port on 127.0.0.1 that nothing is bound to right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_loopback_123():
    """Returns a 127.x.y.z address whose UDP port 123 is free (for ntpq and
    ntpdig, which can only talk to port 123)."""
    import random
    for _ in range(50):
        addr = "127.%d.%d.%d" % (random.randint(1, 254), random.randint(0, 255),
                                 random.randint(1, 254))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind((addr, 123))
            except OSError:
                continue
            return addr
    raise RuntimeError("no free loopback address for port 123")


class Port123Relay:
    """Relays UDP between addr:123 on loopback and the appliance's forwarded
    port, for clients that can only talk to port 123 and check the reply's
    source (ntpq, ntpdig). QEMU's user network answers a forward on port 123
    from another source port, which such clients drop. front, when given, is
    the client side's socket, already bound (e.g. made in another network
    namespace, for a client that runs there); the relay closes it."""

    def __init__(self, target_port, addr=None, front=None):
        self.target = ("127.0.0.1", target_port)
        if front is not None:
            self.front = front
            self.addr = front.getsockname()[0]
        else:
            self.addr = addr or free_loopback_123()
            self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.front.bind((self.addr, 123))
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind(("127.0.0.1", 0))
        self.client = None
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        import select
        while self.running:
            ready, _, _ = select.select([self.front, self.back], [], [], 0.2)
            for s in ready:
                data, src = s.recvfrom(4096)
                if s is self.front:
                    self.client = src
                    self.back.sendto(data, self.target)
                elif self.client is not None:
                    self.front.sendto(data, self.client)

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.front.close()
        self.back.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class LoopbackCapture:
    """Every UDP datagram to or from one port on the loopback device, as the
    kernel carried it: what a client really sent and what came back, taken
    from the wire rather than from the client's word. An AF_PACKET socket
    (root); the appliance's forwarded port is on 127.0.0.1, so everything
    that reaches the appliance passes here, relayed requests included.

    packets holds (is_request, payload) in the order seen: is_request when
    the datagram went to the port, a reply when it came from it."""

    ETH_P_IP = 0x0800
    PACKET_OUTGOING = 4     # linux/if_packet.h: the sender's copy, seen again as received

    def __init__(self, port):
        self.port = port
        self.packets = []
        self._lock = threading.Lock()
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                                  socket.htons(self.ETH_P_IP))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind(("lo", self.ETH_P_IP))
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        import select
        while self.running:
            if not select.select([self.sock], [], [], 0.2)[0]:
                continue
            data, addr = self.sock.recvfrom(65535)
            if addr[2] == self.PACKET_OUTGOING or len(data) < 28 or data[9] != 17:
                continue
            ihl = (data[0] & 0x0F) * 4
            sport, dport = struct.unpack("!HH", data[ihl:ihl + 4])
            if self.port in (sport, dport):
                with self._lock:
                    self.packets.append((dport == self.port, data[ihl + 8:]))

    def mark(self):
        with self._lock:
            return len(self.packets)

    def since(self, mark, settle=0.3):
        """The datagrams seen after mark, once those in flight have had settle seconds."""
        time.sleep(settle)
        with self._lock:
            return self.packets[mark:]

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Appliance:
    """One QEMU instance running the appliance image."""

    def __init__(self, tmp_path, rtc="utc", eeprom=None, use_eeprom=True, port=None,
                 monitor=False, netns=None, tap=None, eeprom_addr=0x50, rtc_device="ds1338"):
        # On a LAN (tap, inside network namespace netns) there is no forwarded port.
        self.netns = netns
        self.tap = tap
        self.port = None if tap else (port or free_udp_port())
        # The QEMU model on the RTC's address (-device); QEMU has the DS1338 only.
        self.rtc_device = rtc_device
        self.monitor_path = os.path.join(str(tmp_path), "qemu-monitor.sock") if monitor else None
        self.rtc = rtc
        self.eeprom = eeprom or os.path.join(str(tmp_path), "eeprom.bin")
        self.use_eeprom = use_eeprom
        self.eeprom_addr = eeprom_addr
        self.proc = None
        self.output = ""
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._reader = None
        self.started_at = None

    # ---------------------------------------------------------------- process

    def start(self):
        cmd = [os.path.join(ROOT, "tools", "qemu-run.sh"), "--board", BOARD,
               "--elf", ELF, "--rtc", self.rtc, "--rtc-device", self.rtc_device]
        cmd += ["--tap", self.tap] if self.tap else ["--port", str(self.port)]
        if self.netns:
            # `ip netns exec` execs the script, which execs QEMU: the PID stays QEMU's.
            cmd = ["ip", "netns", "exec", self.netns] + cmd
        cmd += ["--eeprom", self.eeprom, "--eeprom-addr", "0x%02x" % self.eeprom_addr] \
            if self.use_eeprom else ["--no-eeprom"]
        if self.monitor_path:
            cmd += ["--monitor-socket", self.monitor_path]
        self.output = ""
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096) if hasattr(self.proc.stdout, "read1") \
                else os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                break
            with self._cond:
                self.output += chunk.decode("utf-8", "replace")
                self._cond.notify_all()

    def stop(self):
        """Stops QEMU by PID: SIGTERM, then SIGKILL after 5 s."""
        if self.proc is None:
            return
        stop_process(self.proc)
        if self._reader:
            self._reader.join(timeout=5)
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # ---------------------------------------------------------------- monitor

    def monitor(self, command, timeout=10):
        """Runs one QEMU monitor command (human monitor) and returns its output."""
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            while True:
                try:
                    s.connect(self.monitor_path)
                    break
                except (FileNotFoundError, ConnectionRefusedError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            s.settimeout(max(0.1, deadline - time.monotonic()))

            def until_prompt():
                buf = b""
                while not buf.rstrip().endswith(b"(qemu)"):
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    buf += chunk
                return buf.decode("utf-8", "replace")

            until_prompt()
            s.sendall(command.encode() + b"\n")
            out = until_prompt()
        # Drop the echoed command and the trailing prompt; the monitor adds ANSI escapes.
        out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).replace("\r", "")
        lines = [l for l in out.split("\n") if l.strip() and not l.startswith("(qemu)")]
        return "\n".join(l for l in lines if command not in l)

    def read_word(self, addr):
        """The 32-bit word at physical address addr, as QEMU's monitor reads it (xp)."""
        out = self.monitor("xp /1wx 0x%08x" % addr)
        m = re.search(r"^[0-9a-fA-F]+:\s+0x([0-9a-fA-F]+)", out, re.M)
        if not m:
            raise AssertionError("monitor gave no word for 0x%08x: %r" % (addr, out))
        return int(m.group(1), 16)

    # ---------------------------------------------------------------- console

    def wait_for(self, pattern, timeout=30, start=0):
        """Waits until the console output (from offset start) matches pattern; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = rx.search(self.output, start)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive():
                    raise AssertionError("console never showed %r within %ss; output:\n%s"
                                         % (pattern, timeout, self.output[-4000:]))
                self._cond.wait(min(left, 0.5))

    def mark(self):
        with self._lock:
            return len(self.output)

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def command(self, line, timeout=10):
        """Runs one console command; returns its output (between the echo and the next prompt)."""
        start = self.mark()
        self.send(line + "\r")
        # The reply ends at the next prompt at the start of a line.
        m = self.wait_for(r"\n" + re.escape(PROMPT), timeout=timeout, start=start)
        text = self.output[start:m.start() + 1]
        # Drop the echoed command line itself, and before it the end of any
        # line the console was still printing when the command was typed (a
        # log line a wait_for() matched the start of).
        at = text.find(line) if line and line.isprintable() else -1
        if at >= 0:
            text = text[at + len(line):]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        return text.replace("\r", "")

    def wait_ready(self, timeout=60):
        """Waits for the boot to finish: an address and the first prompt."""
        self.wait_for(r"net: address \d+\.\d+\.\d+\.\d+[^\n]*\n", timeout=timeout)
        self.wait_for(re.escape(PROMPT), timeout=timeout)

    def wait_synced(self, timeout=60):
        self.wait_for(r"(state: \w+ -> SYNCED|clock: SYNCED)[^\n]*\n", timeout=timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# -------------------------------------------------------------------- NTP wire

def ntp_to_unix(ts64, pivot=None):
    """NTP 32.32 timestamp to unix seconds (float), era chosen nearest to pivot (now)."""
    pivot = time.time() if pivot is None else pivot
    secs = (ts64 >> 32) + (ts64 & 0xFFFFFFFF) / 2**32 - NTP_EPOCH_OFFSET
    era = round((pivot - secs) / 2**32)
    return secs + era * 2**32


def unix_to_ntp(t):
    t += NTP_EPOCH_OFFSET
    sec = int(t)
    return ((sec & 0xFFFFFFFF) << 32) | int((t - sec) * 2**32)


class Reply:
    """A parsed 48-byte NTP header."""

    def __init__(self, data, t_send, t_recv):
        self.raw = data
        (b0, self.stratum, self.poll, self.precision, self.root_delay, self.root_disp,
         refid, self.ref_ts, self.orig_ts, self.recv_ts, self.xmt_ts) = \
            struct.unpack("!BBbbII4sQQQQ", data[:48])
        self.li, self.vn, self.mode = b0 >> 6, (b0 >> 3) & 7, b0 & 7
        self.refid = refid
        self.t1, self.t4 = t_send, t_recv
        self.t2 = ntp_to_unix(self.recv_ts) if self.recv_ts else 0.0
        self.t3 = ntp_to_unix(self.xmt_ts) if self.xmt_ts else 0.0
        self.offset = ((self.t2 - self.t1) + (self.t3 - self.t4)) / 2
        self.delay = (self.t4 - self.t1) - (self.t3 - self.t2)
        self.root_disp_s = self.root_disp / 65536.0


def valid_rx(ntpdata):
    """chronyc ntpdata's count of valid replies (0 when it has none to show)."""
    m = re.search(r"Total valid RX\s*:\s*(\d+)", ntpdata)
    return int(m.group(1)) if m else 0


def run_chronyd(tmp_path, source_line, want, timeout=40, keyfile_lines=None, poll_s=2.0):
    """Runs chronyd -x (it never touches the clock) with one source line (e.g.
    "server 127.0.0.1 port P minpoll 0 maxpoll 0") and, if given, a keyfile of
    keyfile_lines; asks `chronyc ntpdata` and `sources` every poll_s until
    want(ntpdata, sources) or timeout. Returns the last ntpdata and sources output."""
    cport = free_udp_port()
    sock = str(tmp_path / "chronyd.sock")
    extra = ""
    if keyfile_lines is not None:
        keys = tmp_path / "chrony.keys"
        keys.write_text("".join(line + "\n" for line in keyfile_lines))
        keys.chmod(0o600)
        extra = "keyfile %s\n" % keys
    conf = tmp_path / "chrony.conf"
    conf.write_text("%s\n%sport %d\nbindaddress 127.0.0.1\nbindcmdaddress %s\npidfile %s\n"
                    "driftfile %s\n" % (source_line, extra, cport, sock,
                                        tmp_path / "chronyd.pid", tmp_path / "drift"))
    d = subprocess.Popen(["/usr/sbin/chronyd", "-d", "-x", "-u", "root", "-f", str(conf)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def chronyc(*args):
        return subprocess.run(["chronyc", "-h", sock, "-n"] + list(args), capture_output=True,
                              text=True, timeout=10).stdout

    ntpdata = sources = ""
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(poll_s)
            ntpdata = chronyc("ntpdata", "127.0.0.1")
            sources = chronyc("sources")
            if want(ntpdata, sources):
                break
    finally:
        stop_process(d)
    return ntpdata, sources


def ntp_mac_digest(alg, secret, msg):
    """The digest of an NTP MAC (RFC 5905 sec. 7.3, RFC 8573) as ntpd, NTPsec and chrony
    compute it: MD5 or SHA-1 of secret || msg, or AES-CMAC of msg under secret (alg "md5",
    "sha1" or "aes128"), never truncated."""
    import hashlib
    if alg == "md5":
        return hashlib.md5(secret + msg).digest()
    if alg == "sha1":
        return hashlib.sha1(secret + msg).digest()
    if alg != "aes128":
        raise ValueError(alg)
    from cryptography.hazmat.primitives import cmac
    from cryptography.hazmat.primitives.ciphers import algorithms
    c = cmac.CMAC(algorithms.AES(secret))
    c.update(msg)
    return c.finalize()


def build_request(mode=3, vn=4, li=0, stratum=0, poll=6, precision=-20, root_delay=0,
                  root_disp=0, refid=b"\0\0\0\0", ref_ts=0, orig_ts=0, recv_ts=0,
                  xmt_ts=None, trailer=b""):
    if xmt_ts is None:
        xmt_ts = unix_to_ntp(time.time())
    return struct.pack("!BBbbII4sQQQQ", (li << 6) | (vn << 3) | mode, stratum, poll,
                       precision, root_delay, root_disp, refid, ref_ts, orig_ts, recv_ts,
                       xmt_ts) + trailer


def query(port, packet=None, timeout=1.0, tries=5, host="127.0.0.1"):
    """Sends packet (default: a client request) and returns its Reply, or None after tries timeouts.

    Tries again on silence because QEMU's user network drops the very first
    datagram to a guest it has not resolved yet. Every try carries its own
    transmit timestamp (a given packet is sent as it is the first time, with
    bytes 40..47 restamped on later tries; a callable packet(t1) builds each
    try around its send time, for a request that restamping would spoil,
    such as a signed one), and only a reply whose originate
    timestamp is that try's transmit (or, for an interleaved request, its
    receive field) is taken: a late reply to an earlier try is discarded,
    never returned with this try's send time. Reply.sent is the request the
    reply answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for attempt in range(tries):
            t1 = time.time()
            if packet is None:
                pkt = build_request(xmt_ts=unix_to_ntp(t1))
            elif callable(packet):
                pkt = packet(t1)
            elif attempt == 0 or len(packet) < 48:
                pkt = packet
            else:
                pkt = packet[:40] + struct.pack("!Q", unix_to_ntp(t1)) + packet[48:]
            s.sendto(pkt, (host, port))
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
                try:
                    data, _ = s.recvfrom(2048)
                except socket.timeout:
                    break
                t4 = time.time()
                if len(data) < 48:
                    return data
                # An interleaved reply (RFC 5905 sec. 9) carries the request's
                # receive field as its originate: that pairs it with this try too.
                is_xleave = len(pkt) >= 48 and any(pkt[24:32]) and any(pkt[32:40]) and \
                    data[24:32] == pkt[32:40]
                if len(pkt) >= 48 and data[24:32] != pkt[40:48] and not is_xleave:
                    continue    # a stale reply to an earlier try
                r = Reply(data, t1, t4)
                r.sent = pkt
                return r
    return None


def no_reply(port, packet, wait=1.0):
    """Returns True when packet gets no answer within wait seconds."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(wait)
        s.sendto(packet, ("127.0.0.1", port))
        try:
            s.recvfrom(2048)
            return False
        except socket.timeout:
            return True
