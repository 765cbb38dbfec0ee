"""An emulator of the Windows Time service's NTP client (w32time).

It sends what w32time sends (see shared/reference/windows-clients.md: VN 3,
mode 1 or 3, LI 3 and stratum 0 while unsynchronized, poll 15 or 17 on the
first packet, precision -6 or -23, root dispersion 0xAAAAAAAA during the
"Win2K detection", originate/receive from the previous reply) and applies
to every reply the checks Windows applies before it takes a sample.
"""
import socket
import time

from appliance import build_request, unix_to_ntp, ntp_to_unix, Reply


class WindowsClient:
    def __init__(self, port, mode=3, precision=-23, host="127.0.0.1"):
        self.port, self.mode, self.precision, self.host = port, mode, precision, host
        self.prev = None          # previous reply, for originate/receive
        self.synchronized = False

    def request(self, poll=15, root_disp=0xAAAAAAAA):
        t1 = time.time()
        xmt = unix_to_ntp(t1)
        orig = self.prev.xmt_ts if self.prev else 0
        recv = unix_to_ntp(self.prev.t4) if self.prev else 0
        pkt = build_request(mode=self.mode, vn=3, li=0 if self.synchronized else 3,
                            stratum=2 if self.synchronized else 0, poll=poll,
                            precision=self.precision, root_delay=0, root_disp=root_disp,
                            refid=b"\0\0\0\0", ref_ts=0, orig_ts=orig, recv_ts=recv,
                            xmt_ts=xmt)
        return pkt, xmt, t1

    def exchange(self, poll=15, timeout=1.0, tries=5):
        """Returns (reply, problems): problems lists every check the reply fails."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            for _ in range(tries):
                pkt, xmt, t1 = self.request(poll=poll)
                s.sendto(pkt, (self.host, self.port))
                try:
                    data, _ = s.recvfrom(2048)
                except socket.timeout:
                    continue
                r = Reply(data, t1, time.time())
                problems = self.check(r, xmt)
                if not problems:
                    self.prev = r
                    self.synchronized = True
                return r, problems
        return None, ["no reply"]

    def check(self, r, xmt):
        """The RFC 1305 tests Windows applies to a reply (windows-clients.md)."""
        p = []
        if len(r.raw) < 48:
            p.append("short reply")
        if r.orig_ts != xmt:
            p.append("originate does not match our transmit (bogus/duplicate)")
        if r.li == 3:
            p.append("peer is not synchronized (LI 3)")
        if not 1 <= r.stratum <= 15:
            p.append("stratum %d outside 1..15" % r.stratum)
        if r.mode != (4 if self.mode == 3 else 2):
            p.append("mode %d is not the answer to mode %d" % (r.mode, self.mode))
        if r.vn != 3:
            p.append("version %d not echoed as 3" % r.vn)
        ref = ntp_to_unix(r.ref_ts) if r.ref_ts else 0.0
        t_xmt = r.t3
        if r.ref_ts == 0 or t_xmt - ref > 86400:
            p.append("too long since the peer's last synchronization")
        if ref > t_xmt + 1:
            p.append("reference time in the future")
        if r.delay >= 16 or r.root_delay / 65536.0 >= 16 or r.root_disp_s >= 16:
            p.append("delay or dispersion 16 s or more")
        if not -30 <= r.precision <= -3:
            p.append("precision %d outside -30..-3" % r.precision)
        if r.root_disp == 0xAAAAAAAA:
            p.append("server echoed our root dispersion (Win2K detection)")
        if abs(r.offset) > 5:
            p.append("offset %.3f s would be held back as a spike" % r.offset)
        return p
