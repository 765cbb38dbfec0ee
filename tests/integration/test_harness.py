"""The harness itself, without QEMU: its checks must be able to fail.

query() pairs a reply with its request by the originate timestamp, so a
late reply to an earlier try is never taken for the answer to this one;
needs_root tests fail up front without root instead of passing quietly."""
import os
import socket
import struct
import threading
import time

from appliance import build_request, query


class StaleFirstServer:
    """A UDP server on loopback that ignores the first request, answers the
    second one late with a reply to the first, then answers properly."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @staticmethod
    def reply_to(req, marker):
        # mode 4, stratum 1; originate = the request's transmit; refid says which
        return (struct.pack("!BBbbII4s", 0x24, 1, 6, -20, 0, 0, marker) + b"\0" * 8 +
                req[40:48] + req[40:48] + req[40:48])

    def _run(self):
        self.sock.settimeout(5)
        try:
            first, src = self.sock.recvfrom(2048)
            self.requests.append(first)
            second, src = self.sock.recvfrom(2048)   # the client tried again
            self.requests.append(second)
            self.sock.sendto(self.reply_to(first, b"OLD\0"), src)
            time.sleep(0.05)
            self.sock.sendto(self.reply_to(second, b"NEW\0"), src)
        except socket.timeout:
            pass

    def close(self):
        self.thread.join(timeout=6)
        self.sock.close()


def test_query_discards_a_stale_reply_to_an_earlier_try():
    server = StaleFirstServer()
    try:
        r = query(server.port, timeout=0.3, tries=3)
    finally:
        server.close()
    assert r is not None
    assert r.refid == b"NEW\0"
    assert len(server.requests) == 2
    # the two tries differed (each its own transmit timestamp), and the reply answers the second
    assert server.requests[0][40:48] != server.requests[1][40:48]
    assert r.sent == server.requests[1]


def test_query_restamps_a_given_packet_on_later_tries():
    server = StaleFirstServer()
    req = build_request(vn=3, poll=10)
    try:
        r = query(server.port, req, timeout=0.3, tries=3)
    finally:
        server.close()
    assert r is not None and r.refid == b"NEW\0"
    assert server.requests[0] == req                      # sent as given the first time
    assert server.requests[1][:40] == req[:40]            # then only the transmit changes
    assert server.requests[1][40:48] != req[40:48]


def test_needs_root_fails_up_front_without_root():
    """The conftest hook fails a needs_root test before its fixtures run when
    not root (checked by calling it the way pytest does)."""
    import conftest
    import pytest

    class Mark:
        args = ("binds udp 127.0.0.1:514",)

    class Item:
        def get_closest_marker(self, name):
            return Mark() if name == "needs_root" else None

    real = os.geteuid
    saved = os.environ.pop("SKIP_ROOT_TESTS", None)
    try:
        os.geteuid = lambda: 1000
        try:
            conftest.pytest_runtest_setup(Item())
        except pytest.fail.Exception as e:
            assert "needs root: binds udp 127.0.0.1:514" in str(e)
        else:
            raise AssertionError("a needs_root test would have run without root")
        os.environ["SKIP_ROOT_TESTS"] = "1"
        try:
            conftest.pytest_runtest_setup(Item())
        except pytest.skip.Exception as e:
            assert "needs root" in str(e)
        else:
            raise AssertionError("SKIP_ROOT_TESTS=1 did not skip")
        os.geteuid = lambda: 0
        conftest.pytest_runtest_setup(Item())             # root: runs
    finally:
        os.geteuid = real
        os.environ.pop("SKIP_ROOT_TESTS", None)
        if saved is not None:
            os.environ["SKIP_ROOT_TESTS"] = saved
