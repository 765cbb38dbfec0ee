"""Issue 12: symmetric-key authentication on the real image, against real clients.

Keys of each type (AES-128-CMAC, SHA-1, MD5) are added on the console
(`ntp key add ID TYPE HEX:...`); then chrony (`server ... key N`, and with
`xleave`) and NTPsec's ntpdig (`-k keyfile -a N`) must accept the signed
replies, and fail when their secret differs (same key id); a Python client
signs its own requests (hashlib, python3-cryptography) and checks every
byte of the reply's MAC. Wrong digests and unknown keys get silence, counted
in the mode 6 counters. Clients on this machine reach the image through
QEMU's user network as 10.0.2.2, inside the default management subnet."""
import re
import socket
import struct
import subprocess

import pytest

from appliance import (Port123Relay, build_request, no_reply, ntp_mac_digest, query,
                       run_chronyd, unix_to_ntp, valid_rx)
from lan import mode6_readvar

# key id: (console type, chrony type, NTPsec type, secret)
KEYS = {
    1: ("aes128", "AES128", "AES128CMAC", bytes.fromhex("8e73a1c4d2b5f60718293a4b5c6d7e8f")),
    2: ("sha1", "SHA1", "SHA1", bytes.fromhex("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567")),
    3: ("md5", "MD5", "MD5", bytes.fromhex("5f4dcc3b5aa765d61d8327deb882cf99")),
}
ALGS = {1: "aes128", 2: "sha1", 3: "md5"}
UNKNOWN_KEY = 77




def signed(key_id, msg, secret=None):
    secret = KEYS[key_id][3] if secret is None else secret
    return msg + struct.pack("!I", key_id) + ntp_mac_digest(ALGS[key_id], secret, msg)


def counters(port, names=("replied_auth", "drop_auth", "drop_bad_mac", "drop_unauth")):
    """The engine's counters by mode 6 READVAR (the host is in the management subnet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(5):
            vals = mode6_readvar(s, "127.0.0.1", names, timeout=1.0, port=port)
            if vals is not None:
                return {k: int(v) for k, v in vals.items()}
    raise AssertionError("no mode 6 reply")


@pytest.fixture(scope="module")
def keyed(appliance):
    """The appliance with the three keys added on the console."""
    for key_id, (ctype, _, _, secret) in KEYS.items():
        out = appliance.command("ntp key add %d %s HEX:%s" % (key_id, ctype, secret.hex()))
        assert not re.search(r"error|unknown|usage|invalid", out, re.I), out
    return appliance


def test_keys_listed_never_printed(keyed):
    out = keyed.command("ntp key list")
    for key_id, (ctype, _, _, secret) in KEYS.items():
        assert re.search(r"\b%d\b" % key_id, out), out
        assert secret.hex() not in out.lower(), out
    shown = keyed.command("config show").lower()
    for _, (_, _, _, secret) in KEYS.items():
        assert secret.hex() not in shown


@pytest.mark.parametrize("key_id", [1, 2, 3], ids=lambda k: ALGS[k])
def test_python_client_verifies_reply_byte_exactly(keyed, key_id):
    """A request signed by Python gets a reply of 48 bytes plus the same MAC length, under the
    same key id, whose digest is, byte for byte, what hashlib/cryptography compute over its
    header; its transmit timestamp (inside the signed bytes) is after its receive timestamp and
    close to this host's clock."""
    before = counters(keyed.port)
    r = query(keyed.port, lambda t1: signed(key_id, build_request(xmt_ts=unix_to_ntp(t1))))
    assert r is not None, "no reply to a request signed with key %d" % key_id
    req, rep = r.sent, r.raw
    mac_len = len(req) - 48
    assert len(rep) == 48 + mac_len, len(rep)
    assert rep[48:52] == struct.pack("!I", key_id)
    assert rep[52:] == ntp_mac_digest(ALGS[key_id], KEYS[key_id][3], rep[:48])
    # The same reply under another secret does not verify.
    assert rep[52:] != ntp_mac_digest(ALGS[key_id], bytes(len(KEYS[key_id][3])), rep[:48])
    assert r.mode == 4 and r.stratum == 1
    assert r.xmt_ts >= r.recv_ts
    assert r.t3 - r.t2 < 0.05, (r.t2, r.t3)
    assert abs(r.offset) < 0.5, r.offset
    after = counters(keyed.port)
    assert after["replied_auth"] > before["replied_auth"]


def test_bad_digest_and_unknown_key_are_silent(keyed):
    """No crypto-NAK, no reply: a spoilt digest (drop_bad_mac), an unknown key and a
    crypto-NAK (drop_auth)."""
    before = counters(keyed.port)
    for key_id in KEYS:
        bad = bytearray(signed(key_id, build_request()))
        bad[-1] ^= 1
        assert no_reply(keyed.port, bytes(bad))
    unknown = build_request() + struct.pack("!I", UNKNOWN_KEY) + bytes(20)
    assert no_reply(keyed.port, unknown)
    assert no_reply(keyed.port, build_request() + struct.pack("!I", 1))  # crypto-NAK
    after = counters(keyed.port)
    assert after["drop_bad_mac"] - before["drop_bad_mac"] == 3, (before, after)
    assert after["drop_auth"] - before["drop_auth"] == 2, (before, after)


def chronyd_keyed(tmp_path, port, options, keyfile_lines, want, timeout=40):
    """chronyd with one source (the appliance, `options` after it) and a keyfile, until
    `want(ntpdata)` or timeout; returns the last `ntpdata` and `sources` output."""
    return run_chronyd(tmp_path,
                       "server 127.0.0.1 port %d minpoll 0 maxpoll 0 iburst %s" % (port, options),
                       lambda ntpdata, _sources: want(ntpdata), timeout=timeout,
                       keyfile_lines=keyfile_lines)


def total_tx(ntpdata):
    m = re.search(r"Total TX\s*:\s*(\d+)", ntpdata)
    return int(m.group(1)) if m else 0


def chrony_key_line(key_id, secret=None):
    _, ctype, _, s = KEYS[key_id]
    return "%d %s HEX:%s" % (key_id, ctype, (s if secret is None else secret).hex().upper())


@pytest.mark.needs_root("chronyd runs as root (-u root)")
@pytest.mark.parametrize("key_id", [1, 2, 3], ids=lambda k: ALGS[k])
def test_chrony_authenticates(keyed, tmp_path, key_id):
    """chronyd with `key N` and the same secret: Authenticated: Yes, the source selected."""
    out, srcs = chronyd_keyed(tmp_path, keyed.port, "key %d" % key_id, [chrony_key_line(key_id)],
                            lambda o: valid_rx(o) >= 4 and "Authenticated   : Yes" in o)
    assert re.search(r"Authenticated\s*:\s*Yes", out), out
    assert valid_rx(out) >= 4, out
    assert re.search(r"^\^[*+]\s+127\.0\.0\.1", srcs, re.M), srcs


@pytest.mark.needs_root("chronyd runs as root (-u root)")
@pytest.mark.parametrize("key_id", [1, 2, 3], ids=lambda k: ALGS[k])
def test_chrony_wrong_secret_rejected(keyed, tmp_path, key_id):
    """Same key id, another secret: the appliance stays silent (a bad MAC) and chrony never
    selects it."""
    before = counters(keyed.port)
    wrong = bytes(b ^ 0x5A for b in KEYS[key_id][3])
    out, srcs = chronyd_keyed(tmp_path, keyed.port, "key %d" % key_id,
                            [chrony_key_line(key_id, wrong)], lambda o: total_tx(o) >= 4,
                            timeout=12)
    assert total_tx(out) >= 3, out
    assert valid_rx(out) == 0, out
    assert not re.search(r"^\^[*+]\s+127\.0\.0\.1", srcs, re.M), srcs
    after = counters(keyed.port)
    assert after["drop_bad_mac"] > before["drop_bad_mac"], (before, after)


@pytest.mark.needs_root("chronyd runs as root (-u root)")
def test_chrony_interleaved_with_key(keyed, tmp_path):
    """chrony `xleave` with `key`: interleaved replies, each carrying the previous reply's
    departure, signed; chrony says Interleaved: Yes and Authenticated: Yes and selects it."""
    out, srcs = chronyd_keyed(
        tmp_path, keyed.port, "key 1 xleave", [chrony_key_line(1)],
        lambda o: valid_rx(o) >= 6 and "Interleaved     : Yes" in o and
        "Authenticated   : Yes" in o)
    assert re.search(r"Interleaved\s*:\s*Yes", out), out
    assert re.search(r"Authenticated\s*:\s*Yes", out), out
    assert re.search(r"^\^[*+]\s+127\.0\.0\.1", srcs, re.M), srcs


def ntpdig(relay, tmp_path, key_id, secret=None):
    _, _, ntype, s = KEYS[key_id]
    keyfile = tmp_path / ("ntp%d.keys" % key_id)
    keyfile.write_text("%d %s %s\n" % (key_id, ntype, (s if secret is None else secret).hex()))
    return subprocess.run(["ntpdig", "-t", "2", "-k", str(keyfile), "-a", str(key_id),
                           relay.addr], capture_output=True, text=True, timeout=30)


@pytest.mark.needs_root("ntpdig talks to port 123 only: the relay binds udp 127.x.y.z:123")
@pytest.mark.parametrize("key_id", [1, 2, 3], ids=lambda k: ALGS[k])
def test_ntpdig_authenticates(keyed, tmp_path, key_id):
    """ntpdig -k keyfile -a N takes the signed reply; with another secret it gets none."""
    with Port123Relay(keyed.port) as relay:
        p = None
        for _ in range(3):  # the first datagram to QEMU may be lost
            p = ntpdig(relay, tmp_path, key_id)
            if p.returncode == 0 and re.search(r"\+/-", p.stdout):
                break
        assert p.returncode == 0 and re.search(r"s1 no-leap", p.stdout), (p.stdout, p.stderr)
        wrong = bytes(b ^ 0xA5 for b in KEYS[key_id][3])
        p = ntpdig(relay, tmp_path, key_id, wrong)
        assert p.returncode != 0 or not re.search(r"\+/-", p.stdout), (p.stdout, p.stderr)


def test_auth_required(keyed):
    """`ntp auth require all`: a request without a MAC gets nothing (drop_unauth), a signed
    one its signed reply; `ntp auth optional` serves everyone again."""
    before = counters(keyed.port)
    out = keyed.command("ntp auth require all")
    assert not re.search(r"error|unknown|usage|invalid", out, re.I), out
    try:
        assert no_reply(keyed.port, build_request())
        r = query(keyed.port, lambda t1: signed(2, build_request(xmt_ts=unix_to_ntp(t1))))
        assert r is not None and len(r.raw) == 72
    finally:
        keyed.command("ntp auth optional")
    assert query(keyed.port) is not None
    after = counters(keyed.port)
    assert after["drop_unauth"] > before["drop_unauth"], (before, after)
