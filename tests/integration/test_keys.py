"""Issue 12, the key store and its console: symmetric keys added, listed,
kept in the RTC module's EEPROM across power cycles, erased by a factory
reset, never printed; the authentication policy set and shown. (Whether the
engine signs and verifies with them is the NTP clients' tests' business.)"""
import re
import struct
import zlib

from appliance import query

KEYS_BASE = 512            # the key record's slots, after the settings' two of 256 bytes
KEYS_SLOT = 384
SETTINGS_SLOT = 256

# One key of each type, as typed, and the secrets' bytes.
MD5_ASCII = "Jx7qLw0-md5-secret"
SHA1_HEX = "b16e039c44d27a19e5803fc62b97510dfa6821be"
AES_HEX = "2b7e151628aed2a6abf7158809cf4f3c"
KEYS = [
    (17, "md5", "ASCII:" + MD5_ASCII, MD5_ASCII.encode()),
    (70000, "SHA1", "HEX:" + SHA1_HEX, bytes.fromhex(SHA1_HEX)),
    (4294967295, "AES128CMAC", "hex:" + AES_HEX.upper(), bytes.fromhex(AES_HEX)),
]


def booted(make_appliance, **kw):
    a = make_appliance(**kw)
    a.wait_ready()
    return a


def reply(a, line):
    """The console's answer to line, without the log lines printed meanwhile, nor the
    line's echo (which a log line printed just before it can leave in)."""
    words = line.split()
    echo = " ".join(words[:5]) + " " + "*" * len(" ".join(words[5:])) \
        if words[:3] == ["ntp", "key", "add"] and len(words) > 5 else line
    lines = [l for l in a.command(line).splitlines() if not l.startswith("[")]
    if lines and lines[0] == echo.rstrip():
        lines = lines[1:]
    return "\n".join(lines) + "\n"


def assert_no_secret(text, where):
    """No secret, as typed, in hex either case, or as a long enough piece of it."""
    low = text.lower()
    for _, _, typed, secret in KEYS:
        for needle in (MD5_ASCII.lower(), SHA1_HEX, AES_HEX, SHA1_HEX[:12], AES_HEX[:12],
                       MD5_ASCII[:8].lower(), secret.hex()[:12]):
            assert needle not in low, "secret %r in %s:\n%s" % (needle, where, text[-3000:])


def eeprom_holds(path, secret):
    with open(path, "rb") as f:
        return secret in f.read()


# ------------------------------------------------------ records, for images --

def settings_v3(stratum=3, refid=b"GPS"):
    """A settings record as the firmware before keys wrote it (format 3, 113 bytes)."""
    p = struct.pack("<BIBIB4s", 1, 0, 0, 0, stratum, refid.ljust(4, b"\0"))
    p += struct.pack("<BbBBB", 1, -2, 64, 2, 0) + b"\0" * 48          # ratelimit, no acl
    p += struct.pack("<BIBIIiiBIqB", 1, 0, 0, 0, 0, 0, 20000, 0, 1500, 0, 0)
    p += b"\0" * 6 + b"\0"                                            # no MAC
    p += b"\0\0"                                                      # RTC chip, edges
    assert len(p) == 113
    head = struct.pack("<4sHHI", b"NTPC", 3, len(p), 5) + p
    return (head + struct.pack("<I", zlib.crc32(head))).ljust(SETTINGS_SLOT, b"\xff")


def key_record(keys, seq=1):
    """A key record (magic NTPK, format 1): keys as (id, type 0/1/2, secret bytes)."""
    p = bytes([len(keys)])
    for i in range(8):
        kid, ktype, secret = keys[i] if i < len(keys) else (0, 0, b"")
        p += struct.pack("<IBB", kid, ktype, len(secret)) + secret.ljust(32, b"\0")
    head = struct.pack("<4sHHI", b"NTPK", 1, len(p), seq) + p
    return (head + struct.pack("<I", zlib.crc32(head))).ljust(KEYS_SLOT, b"\xff")


def write_image(path, settings=b"", keys=b""):
    img = bytearray(b"\xff" * 4096)
    img[0:len(settings)] = settings
    img[KEYS_BASE:KEYS_BASE + len(keys)] = keys
    with open(path, "wb") as f:
        f.write(bytes(img))


# ----------------------------------------------------------------- tests --

def test_keys_added_kept_and_erased(make_appliance, tmp_path):
    ee = str(tmp_path / "ee.bin")
    a = booted(make_appliance, eeprom=ee)
    assert re.search(r"keys: none stored", a.output), a.output
    for kid, ktype, typed, secret in KEYS:
        out = reply(a, "ntp key add %d %s %s" % (kid, ktype, typed))
        assert re.match(r"ok: key %d added \(\w+, %d-byte secret\)" % (kid, len(secret)),
                        out), out
    # the echoed line shows the secret as stars
    assert "ntp key add 17 md5 " + "*" * len("ASCII:" + MD5_ASCII) in a.output
    listed = reply(a, "ntp key list")
    assert listed.splitlines() == [
        "keys: 3 of 8 (stored: none stored)",
        "  key 17: md5, 18-byte secret",
        "  key 70000: sha1, 20-byte secret",
        "  key 4294967295: aes128, 16-byte secret",
        "authentication: optional (clients with a key get signed replies)"], listed
    shown = reply(a, "config show")
    for kid, name in ((17, "md5"), (70000, "sha1"), (4294967295, "aes128")):
        assert "# ntp key %d %s: secret not shown, add it again with ntp key add" % (kid, name) \
            in shown, shown
    assert "ntp auth optional" in shown
    status = reply(a, "status")
    assert re.search(r"^ntp auth: 3 keys, optional; signed replies \d+, bad MAC \d+, "
                     r"unknown key \d+, unauthenticated \d+$", status, re.M), status
    assert "unsaved changes" in status
    out = reply(a, "ntp auth require 192.0.2.0/24")   # not the host's subnet (10.0.2.0/24)
    assert out.startswith("ok"), out
    assert "saved" in reply(a, "save")
    assert query(a.port) is not None     # keys stay optional for this client
    a.stop()
    assert_no_secret(a.output, "the first boot's console")
    for _, _, _, secret in KEYS:
        assert eeprom_holds(ee, secret)  # stored, as they must be to survive

    # power cycle: the keys and the policy are back
    b = booted(make_appliance, eeprom=ee)
    assert re.search(r"keys: 3 loaded \(record ok\)", b.output), b.output
    listed = reply(b, "ntp key list")
    assert "  key 70000: sha1, 20-byte secret" in listed, listed
    assert "authentication: required from 192.0.2.0/24" in listed, listed
    assert "ntp auth require 192.0.2.0/24" in reply(b, "config show")

    # a removed key, saved, is gone from the EEPROM: no old copy in the other slot
    assert reply(b, "ntp key remove 70000").startswith("ok: key 70000 removed")
    assert "saved" in reply(b, "save")
    b.stop()
    assert not eeprom_holds(ee, KEYS[1][3])
    assert eeprom_holds(ee, KEYS[2][3])
    assert_no_secret(b.output, "the second boot's console")

    # factory reset: no key in effect, and every secret byte overwritten
    c = booted(make_appliance, eeprom=ee)
    assert re.search(r"keys: 2 loaded", c.output), c.output
    out = reply(c, "factory-reset")
    assert "factory defaults in effect" in out, out
    assert reply(c, "ntp key list").startswith("keys: 0 of 8")
    assert "ntp key" not in reply(c, "config show")
    c.stop()
    with open(ee, "rb") as f:
        img = f.read()
    assert img[KEYS_BASE:KEYS_BASE + 2 * KEYS_SLOT] == b"\xff" * (2 * KEYS_SLOT)
    for _, _, _, secret in KEYS:
        assert secret not in img
    assert_no_secret(c.output, "the third boot's console")


def test_bad_key_commands_refused(appliance):
    reply(appliance, "ntp key add 5 aes128 HEX:" + AES_HEX)
    before = (reply(appliance, "ntp key list"), reply(appliance, "config show"))
    bad = {
        "ntp key add 0 md5 HEX:0011": "key id 0",
        "ntp key add 4294967296 md5 HEX:0011": "bad key id",
        "ntp key add 6 sha256 HEX:0011": "bad key type",
        "ntp key add 6 md5 HEX:abc": "odd number of digits",
        "ntp key add 6 md5 HEX:" + SHA1_HEX[:10] + "zz": "not a hex digit",
        "ntp key add 6 md5 ASCII:": "empty secret",
        "ntp key add 6 md5 ASCII:" + "x" * 33: "secret too long: 33 bytes",
        "ntp key add 6 aes128 HEX:" + SHA1_HEX: "exactly 16 bytes",
        "ntp key add 6 aes128 " + AES_HEX: "for a hex secret write HEX:",
        "ntp key add 6 md5": "usage: ntp key add",
        "ntp key remove 6": "no key 6",
        "ntp auth require 10.0.2.1/24": "host bits set",
        "ntp auth require": "usage: ntp auth require",
    }
    for line, why in bad.items():
        out = reply(appliance, line)
        assert re.match(r"error: ", out) and why in out and len(out.splitlines()) == 1, (line, out)
        assert_no_secret(out, "a refusal")
    for kid in range(6, 13):
        assert reply(appliance, "ntp key add %d md5 ASCII:k%d" % (kid, kid)).startswith("ok")
    out = reply(appliance, "ntp key add 99 md5 ASCII:one-too-many")
    assert out.startswith("error: key table full (8 keys)"), out
    for kid in range(6, 13):
        assert reply(appliance, "ntp key remove %d" % kid).startswith("ok")
    assert (reply(appliance, "ntp key list"), reply(appliance, "config show")) == before
    assert reply(appliance, "ntp key remove 5").startswith("ok")
    assert query(appliance.port) is not None
    assert_no_secret(appliance.output, "the console")


def test_format3_settings_and_key_record_after_upgrade(make_appliance, tmp_path):
    """The previous firmware's settings record (format 3) beside a key record
    loads; a damaged key record costs the keys and nothing else."""
    ee = str(tmp_path / "ee.bin")
    keys = [(9, 2, bytes.fromhex(AES_HEX)), (10, 0, b"x"), (0, 1, b"zero-id")]
    write_image(ee, settings=settings_v3(), keys=key_record(keys))
    a = booted(make_appliance, eeprom=ee)
    assert re.search(r"config: ok", a.output), a.output
    assert re.search(r"keys: entry 2 \(key id 0\) left out: key id 0", a.output), a.output
    assert re.search(r"keys: 2 loaded", a.output), a.output
    shown = reply(a, "config show")
    assert "ntp stratum 3" in shown and "ntp refid GPS" in shown and "ntp auth optional" in shown
    assert "ntp auth require" not in shown
    assert "# ntp key 9 aes128:" in shown and "# ntp key 10 md5:" in shown, shown
    a.wait_synced()
    r = query(a.port)
    assert r.stratum == 3 and r.refid == b"GPS\0"
    a.stop()

    # one bit of a secret flipped: the record's CRC fails
    img = bytearray(open(ee, "rb").read())
    img[KEYS_BASE + 12 + 1 + 6 + 3] ^= 0x01
    open(ee, "wb").write(bytes(img))
    b = booted(make_appliance, eeprom=ee)
    assert re.search(r"keys: record corrupted \(bad CRC\), no keys loaded; the settings are not "
                     r"affected: add the keys again", b.output), b.output
    assert reply(b, "ntp key list").startswith("keys: 0 of 8 (stored: corrupted (bad CRC)")
    b.wait_synced()
    assert query(b.port).stratum == 3
    # a save writes the keys clean again (none), and the settings in format 4
    assert "saved" in reply(b, "save")
    b.stop()
    img = open(ee, "rb").read()
    assert img[4] == 4 or img[SETTINGS_SLOT + 4] == 4
    assert bytes.fromhex(AES_HEX) not in img
