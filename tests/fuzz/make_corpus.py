#!/usr/bin/python3
"""Writes the fuzzers' seed corpora to tests/fuzz/corpus/<harness>/.

Each seed is a small, valid input in the harness's own layout (see the top
of each tests/fuzz/fuzz_*.c), built from real traffic: the NTP requests are
the byte-exact ones of tests/unit/fakes/ntp_requests.h, the settings records
are encoded as config.c lays them out (CRC-32 included), the RTC registers
are what the chips hold for a real time. Regression inputs for findings are
kept beside them as regress-*; this script never touches those.

    tests/fuzz/make_corpus.py      (re)writes every seed-* file
"""
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from lan import inet_csum  # noqa: E402  (the Internet checksum, RFC 1071)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(HERE, "corpus")


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def ntp_requests():
    """The request arrays of tests/unit/fakes/ntp_requests.h, by name."""
    with open(os.path.join(ROOT, "tests", "unit", "fakes", "ntp_requests.h")) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    zero = ", ".join(["0"] * 24)
    text = text.replace("NTP_REQ_ZERO_REF_ORG_RX", zero)
    reqs = {}
    for name, body in re.findall(r"static const uint8_t (\w+)\[\d+\] = \{(.*?)\};", text, re.S):
        toks = re.findall(r"'(.)'|(0[xX][0-9A-Fa-f]+|\d+)", body)
        reqs[name] = bytes(ord(c) if c else int(n, 0) for c, n in toks)
    return reqs


# ------------------------------------------------------------ ntp server --

def ntp_setup(flags, rl=0, precision=20, auth_required=False):
    # flags: 1 synced, 2-4 leap, 8 deny 192.168/16, 0x10 allow 10/8 only,
    # 0x20 management 10.0.2.0/24, 0x40 key hook, 0x80 stratum 15;
    # precision's bit 7: 10.0.0.0/8 must authenticate
    return struct.pack("!BBIB", flags, precision | (0x80 if auth_required else 0), 1764096900, rl)


# The harness signs a record's datagram when its cap's top 3 bits say so.
SIGN_MD5, SIGN_SHA1, SIGN_CMAC, SIGN_CMAC_SPOILT = 4, 5, 6, 7


def ntp_record(dgram, head=0, advance=250, cap=1452, sign=0):
    # head: bits 0-1 source (10.0.2.2, 10.0.3.5, 192.168.1.1, 8.8.8.8),
    # bit 2 source port 123, bit 3 advance in seconds, bit 7 a flood from
    # `advance` + 1 addresses
    return struct.pack("!BBHH", head, advance, cap | sign << 13, len(dgram)) + dgram


def mode6_readvar(names, seq=1, vn=2):
    """An ntpq READVAR for association 0 naming names, padded to 32-bit words."""
    head = struct.pack("!BBHHHHH", 3 << 6 | vn << 3 | 6, 2, seq, 0, 0, 0, len(names))
    return head + names + b"\0" * (-len(names) % 4)


def ntp_corpus(r):
    time_reqs = ["req_win_mode3_first", "req_win_mode1_first", "req_win_mode3_synced",
                 "req_w32tm_stripchart", "req_chrony", "req_ntpd", "req_ntpdig", "req_busybox",
                 "req_timesyncd", "req_ntpv2", "req_ntpv1", "req_v4_ef", "req_v4_two_efs"]
    write("fuzz_ntp_server", "clients",
          ntp_setup(0x21) + b"".join(ntp_record(r[n]) for n in time_reqs))
    auth = ["req_mssntp_68", "req_mssntp_120", "req_v4_mac_sha1", "req_v4_mac_md5",
            "req_v4_ef_mac", "req_crypto_nak"]
    write("fuzz_ntp_server", "auth", ntp_setup(0x61) + b"".join(ntp_record(r[n]) for n in auth))
    # Requests the harness signs with each algorithm, once badly; from a subnet that must
    # authenticate (sources 0, 1) and from one that need not (2); a buffer too small to sign in.
    signed = [ntp_record(r["req_chrony"], sign=SIGN_MD5), ntp_record(r["req_ntpd"], sign=SIGN_SHA1),
              ntp_record(r["req_chrony"], head=1, sign=SIGN_CMAC),
              ntp_record(r["req_v4_ef"], sign=SIGN_CMAC),
              ntp_record(r["req_win_mode1_first"], head=2, sign=SIGN_SHA1),
              ntp_record(r["req_chrony"], sign=SIGN_CMAC_SPOILT),
              ntp_record(r["req_chrony"]), ntp_record(r["req_chrony"], head=2),
              ntp_record(r["req_chrony"], sign=SIGN_SHA1, cap=20)]
    write("fuzz_ntp_server", "auth-signed",
          ntp_setup(0x61, auth_required=True) + b"".join(signed))
    # Over the rate limit with a good MAC: signed KoDs (leak 0), then a spoilt MAC.
    write("fuzz_ntp_server", "auth-kod",
          ntp_setup(0x41, rl=0x1F) +
          b"".join(ntp_record(r["req_chrony"], advance=0, sign=SIGN_CMAC) for _ in range(6)) +
          ntp_record(r["req_chrony"], advance=0, sign=SIGN_CMAC_SPOILT))
    write("fuzz_ntp_server", "mode6",
          ntp_setup(0x21) + ntp_record(r["req_ntpq_rv"], cap=100) +
          ntp_record(r["req_ntpq_rv_named"]) + ntp_record(r["req_ntpq_readstat"]) +
          ntp_record(r["req_ntpq_rv"], head=2) + ntp_record(r["req_ntpq_rv"], cap=0))
    # rv naming more variables than a reply holds (40 items; 1024 bytes of text)
    write("fuzz_ntp_server", "mode6-many-names",
          ntp_setup(0x21) + ntp_record(mode6_readvar(b"leap," * 93, seq=7)) +
          ntp_record(mode6_readvar(b"version," * 58, seq=8), cap=200))
    write("fuzz_ntp_server", "mode7",
          ntp_setup(0x21) + ntp_record(r["req_monlist"]) +
          ntp_record(bytes([0x17]) + r["req_chrony"][1:]))
    write("fuzz_ntp_server", "ratelimit",
          ntp_setup(0x01, rl=0x1F) + b"".join(ntp_record(r["req_chrony"], advance=0)
                                              for _ in range(20)))
    write("fuzz_ntp_server", "ntpv1",
          ntp_setup(0x01) + ntp_record(r["req_ntpv1_mode0"]) +
          ntp_record(r["req_ntpv1_mode0"], head=4))
    write("fuzz_ntp_server", "acl",
          ntp_setup(0x19) + b"".join(ntp_record(r["req_chrony"], head=h) for h in range(4)))
    # a flood from 251 addresses (head bit 7): more clients than the rate table holds
    write("fuzz_ntp_server", "flood",
          ntp_setup(0x01, rl=0x03) + ntp_record(r["req_chrony"], head=0x80, advance=250) +
          ntp_record(r["req_chrony"], head=0x80, advance=250))
    write("fuzz_ntp_server", "unsynced",
          ntp_setup(0x00) + ntp_record(r["req_win_mode3_first"]) + ntp_record(r["req_chrony"]))


# --------------------------------------------------------------- console --

def console_seed(text, flags=0x0F, now_s=1795632000, net=1, top=3, errors=0x80,
                 uptime=90061, last_set=1795600000, disp_us=1234, keys=0x02):
    # flags: 1 synced, 2 dhcp, 4 link up, 8 an RTC, 0x10 oscillator stopped, ...
    # errors: 1 apply, 2 save, 4 factory reset, 8 time set, 0x10 adjust, 0x20 leap
    # fail; 0x40 reboot needed; 0x80 CPU, stack and MAC known
    # keys: 1 key calls fail, 2 a key held from the start, bits 2-4 that many more
    return struct.pack("!BIHBBIIIB", flags, now_s, net, top, errors, uptime, last_set,
                       disp_us, keys) + text


def console_corpus():
    full = (b"ntp allow 10.0.2.0/24\r" + b"".join(b"ntp deny 172.16.%d.0/24\r" % i for i in range(7)) +
            b"upstream 10.0.2.99\rlog 10.0.2.98\rntp mgmt 10.0.2.0/24\r"
            b"net ip 10.0.2.15/24 gw 10.0.2.2\rnet mac 02:4e:5a:00:00:42\rconfig show\r")
    write("fuzz_console", "help", console_seed(b"help\rhelp ntp\rhelp bogus\r"))
    write("fuzz_console", "status", console_seed(b"status\r", flags=0xF6))
    write("fuzz_console", "config-show-full", console_seed(full))
    write("fuzz_console", "slow-uart",
          console_seed(b"\xff\x00help\r\xff\x03status\r\xff\x01config show\rntp stratum 2\r\xff\xff"))
    write("fuzz_console", "editing",
          console_seed(b"ntp \x1b[Astr\x1b[1;5Catum 9\b7\r\x7fntp stratum 8\x03\r" +
                       b"x" * 130 + b"\r" + b"ntp refid GPS\x15\r\n"))
    write("fuzz_console", "settings",
          console_seed(b"ntp stratum 3\rntp refid GPS\rntp ratelimit 4 16 3\rntp ratelimit off\r"
                       b"time set 2026-11-25T18:40:00.5Z\rtime adjust -1.5s\rleap insert 2026-12-31\r"
                       b"leap cancel\rnet dhcp off\rnet ip none\rclock trim -777\rclock drift 2000\r"
                       b"clock strict on 900\rntp acl clear\rntp mgmt local\rsave\rreboot\r"
                       b"factory-reset\rselftest watchdog\r"))
    write("fuzz_console", "app-refuses",
          console_seed(b"ntp stratum 3\rsave\rfactory-reset\rtime set 2026-11-25T18:40:00Z\r"
                       b"time adjust +1ms\rleap insert 2026-12-31\rleap cancel\rstatus\r",
                       errors=0x3F))
    write("fuzz_console", "keys",
          console_seed(b"ntp key add 1 md5 ASCII:Jx7qLw0md5secret\rntp key add 2 SHA1 HEX:"
                       b"b16e039c44d27a19e5803fc62b97510dfa6821be\rntp key add 3 aes128cmac "
                       b"hex:2b7e151628aed2a6abf7158809cf4f3c\rntp key add 1 aes bare-16-bytes!!\r"
                       b"ntp key list\rntp key remove 2\rntp auth require 10.0.0.0/8\r"
                       b"ntp auth require all\rconfig show\rstatus\rntp auth optional\rsave\r"))
    write("fuzz_console", "keys-refused",
          console_seed(b"ntp key add 0 md5 x\rntp key add 4294967296 md5 x\rntp key add 9 des x\r"
                       b"ntp key add 9 md5 HEX:abc\rntp key add 9 md5 HEX:zz\r"
                       b"ntp key add 9 aes128 HEX:00\rntp key add 9 md5 ASCII:" + b"y" * 33 +
                       b"\rntp key add 99 md5 x\rntp key remove 5\rntp key add 3 md5 "
                       b"sec\x08\x08\x03ntp auth require 10.0.0.1/8\r", keys=0x1E))
    write("fuzz_console", "upstream-key",
          console_seed(b"upstream 10.0.2.2 key 2\rstatus\rconfig show\rupstream 10.0.2.3 key 9\r"
                       b"ntp key remove 2\rstatus\rupstream off key 2\rupstream 10.0.2.3 key 0\r"
                       b"upstream 10.0.2.3 kex 2\rupstream off\rconfig show\r"))
    write("fuzz_console", "keys-app-refuses",
          console_seed(b"ntp key add 5 md5 x\rntp key remove 12648430\rntp key list\r", keys=0x03))
    write("fuzz_console", "errors",
          console_seed(b"frobnicate\rtime\rntp acl\rntp stratum 16\rtime set 2026-02-30T00:00:00Z\r"
                       b"net ip 300.1.1.1/24\rntp allow 10.0.0.1/8\ra b c d e f g h i\r# comment\r"))


# ---------------------------------------------------------------- config --

CONFIG_MAGIC = 0x4350544E
SLOT = 256


def payload(dhcp=1, ip=0, prefix=0, gw=0, stratum=1, refid=b"LOCL", rl=(1, -2, 64, 2), acl=(),
            mgmt=(1, 0, 0), upstream=0, syslog=0, trim=0, drift=20000, strict=(0, 1500),
            last_set=(0, 0), mac=None, rtc=None, auth=None, upstream_key=None):
    # mac: format 2's fields; rtc (chip, sqw): format 3's; auth [(prefix, addr)] and
    # upstream_key: format 4's (each needs those before it)
    p = struct.pack("<BIBIB4s", dhcp, ip, prefix, gw, stratum, refid.ljust(4, b"\0"))
    p += struct.pack("<BbBBB", rl[0], rl[1], rl[2], rl[3], len(acl))
    for i in range(8):
        a = acl[i] if i < len(acl) else (0, 0, 0)
        p += struct.pack("<BBI", a[0], a[1], a[2])
    p += struct.pack("<BIBIIiiBIqB", mgmt[0], mgmt[1], mgmt[2], upstream, syslog, trim, drift,
                     strict[0], strict[1], last_set[0], last_set[1])
    assert len(p) == 104
    if mac is not None:
        p += bytes(mac[0]) + bytes([mac[1]])
        assert len(p) == 111
    if rtc is not None:
        p += bytes(rtc)
        assert len(p) == 113
    if auth is not None:
        p += bytes([len(auth)])
        for i in range(4):
            a = auth[i] if i < len(auth) else (0, 0)
            p += struct.pack("<BI", a[0], a[1])
        p += struct.pack("<I", upstream_key or 0)
        assert len(p) == 138
    return p


def record(pl, seq, version=2):
    head = struct.pack("<IHHI", CONFIG_MAGIC, version, len(pl), seq) + pl
    return (head + struct.pack("<I", zlib.crc32(head))).ljust(SLOT, b"\xff")


def ip(a, b, c, d):
    return a << 24 | b << 16 | c << 8 | d


KEYS_MAGIC = 0x4B50544E
KEYS_SLOT = 384


def key_payload(keys, count=None):
    """keys: (id, type, secret) as keys.c lays them out; count: as stored."""
    p = bytes([len(keys) if count is None else count])
    for i in range(8):
        kid, ktype, secret = keys[i] if i < len(keys) else (0, 0, b"")
        p += struct.pack("<IBB", kid, ktype, len(secret)) + secret.ljust(32, b"\0")
    assert len(p) == 305
    return p


def key_record(pl, seq, version=1):
    head = struct.pack("<IHHI", KEYS_MAGIC, version, len(pl), seq) + pl
    return (head + struct.pack("<I", zlib.crc32(head))).ljust(KEYS_SLOT, b"\xff")


def config_corpus():
    blank = b"\xff" * SLOT
    default_v2 = payload(mac=([0] * 6, 0))
    custom = payload(dhcp=0, ip=ip(192, 168, 7, 20), prefix=23, gw=ip(192, 168, 6, 1), stratum=3,
                     refid=b"GPS", rl=(1, 5, 200, 4),
                     acl=[(1, 24, ip(10, 1, i, 0)) if i % 2 else (2, 24, ip(10, 1, i, 0))
                          for i in range(8)],
                     mgmt=(2, ip(172, 16, 0, 0), 12), upstream=ip(192, 168, 6, 5),
                     syslog=ip(192, 168, 6, 6), trim=-123456, drift=2000, strict=(1, 900),
                     last_set=(1795632000, 1), mac=([2, 0x4E, 0x5A, 0, 0, 0x42], 1))
    write("fuzz_config", "blank", b"\x00")
    write("fuzz_config", "defaults-v2", b"\x00" + record(default_v2, 1) + blank)
    write("fuzz_config", "custom-both-slots",
          b"\x00" + record(default_v2, 7) + record(custom, 8))
    write("fuzz_config", "v1", b"\x00" + blank + record(payload(), 3, version=1))
    damaged = bytearray(record(custom, 5))
    damaged[40] ^= 0x5A
    write("fuzz_config", "damaged", b"\x00" + bytes(damaged) + record(default_v2, 4))
    write("fuzz_config", "other-version", b"\x00" + record(default_v2, 2, version=3) + blank)
    # format 4: the subnets that must authenticate, the upstream's key; a key without a server
    v4 = dict(upstream=ip(192, 168, 6, 5), mac=([0] * 6, 0), rtc=(3, 2),
              auth=[(0, 0), (24, ip(10, 1, 9, 0))], upstream_key=70000)
    write("fuzz_config", "v4-upstream-key", b"\x00" + record(payload(**v4), 11, version=4) +
          record(default_v2, 10))
    v4["upstream"] = 0
    write("fuzz_config", "v4-key-without-server",
          b"\x00" + record(payload(**v4), 12, version=4) + blank)
    write("fuzz_config", "foreign", b"\x00" + bytes(range(256)) * 2)
    # header and CRC made right by the harness (flags 1, 2): the payload decoder's input
    write("fuzz_config", "fixup-v2", b"\x03" + (b"\0" * 12 + custom).ljust(SLOT, b"\0") +
          (b"\0" * 12 + default_v2).ljust(SLOT, b"\0"))
    write("fuzz_config", "fixup-v1", b"\x05" + (b"\0" * 12 + payload()).ljust(SLOT, b"\0"))
    write("fuzz_config", "read-failures", b"\x30" + record(default_v2, 1) + blank)
    # the key record after the settings' slots: one of each type, two records, bad entries
    keys = [(1, 0, b"Jx7qLw0md5secret"), (70000, 1, bytes(range(1, 21))),
            (0xFFFFFFFF, 2, bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c"))]
    keys_blank = b"\xff" * KEYS_SLOT
    write("fuzz_config", "keys", b"\x00" + blank * 2 + key_record(key_payload(keys), 2) +
          keys_blank)
    write("fuzz_config", "keys-both-slots", b"\x00" + record(default_v2, 1) + blank +
          key_record(key_payload(keys[:1]), 9) + key_record(key_payload(keys), 10))
    bad = keys + [(0, 0, b"x"), (5, 7, b"x"), (6, 2, b"short"), (70000, 0, b"dup")]
    write("fuzz_config", "keys-bad-entries", b"\x00" + blank * 2 +
          key_record(key_payload(bad), 3) + keys_blank)
    # header and CRC made right by the harness (flag 0x80): the key decoder's input
    write("fuzz_config", "keys-fixup", b"\x80" + blank * 2 +
          (b"\0" * 12 + key_payload(bad)).ljust(KEYS_SLOT, b"\0") +
          (b"\0" * 12 + key_payload(keys, count=9)).ljust(KEYS_SLOT, b"\0"))


# -------------------------------------------------------------- upstream --

NTP_EPOCH = 2208988800
T0 = 1795632000                     # 2026-11-25T18:40:00Z (after the era pivot's start)


def ntp_ts(ns):
    s, frac = divmod(ns, 10**9)
    return ((s + NTP_EPOCH) & 0xFFFFFFFF) << 32 | (frac << 32) // 10**9


def server_reply(t2_ns, t3_ns, stratum=2, li=0, refid=b"GPS\0", disp=0x0010):
    return struct.pack("!BBbbII4sQQQQ", li << 6 | 4 << 3 | 4, stratum, 6, -20, 0x0010, disp,
                       refid, ntp_ts(t2_ns - 10**9), 0, ntp_ts(t2_ns), ntp_ts(t3_ns))


# The harness's key byte, and how it signs a reply datagram (fuzz_upstream.c).
KEY_NONE, KEY_SHA1, KEY_CMAC, KEY_MISSING = 0, 1, 2, 3
AS_IS, SIGNED, WRONG_SECRET, CRYPTO_NAK = 0, 1, 2, 3
OP_POLL_S, OP_REPLY, OP_RESULT, OP_RESULT_SET, OP_KEY_TOGGLE = 0x82, 1, 3, 0x80, 4


def upstream_round(kiss=None, samples=5, is_set=True, key=KEY_NONE, sign=AS_IS, toggle=False):
    now_ns = T0 * 10**9
    data = bytes([key]) + struct.pack("!IQ", 1000, now_ns)
    if toggle:
        # a round refused for the missing key, then the key added and the round again
        data += struct.pack("!BHhQ", OP_POLL_S, 2, 0, 0x1234567890ABCDEF)
        data += bytes([OP_RESULT, OP_KEY_TOGGLE])
        now_ns += 2 * 10**9
    for i in range(samples):
        step_s = 300 if toggle and i == 0 else 2     # past the retry interval, or 2 s
        now_ns += step_s * 10**9
        data += struct.pack("!BHhQ", OP_POLL_S, step_s, 0, 0x1234567890ABCDEF + i)
        t2 = now_ns + 20 * 10**6 + 150 * 10**6       # the server is 150 ms ahead
        rep = server_reply(t2, t2 + 10**5)
        if kiss is not None:
            rep = server_reply(t2, t2, stratum=0, li=3, refid=kiss)
        data += struct.pack("!BBBB", OP_REPLY, 0x13, sign, len(rep)) + rep + struct.pack("!h", 0)
        if kiss is not None:
            break
    data += bytes([OP_RESULT_SET if is_set else OP_RESULT])                  # take the result
    return data


def upstream_corpus():
    write("fuzz_upstream", "round", upstream_round())
    write("fuzz_upstream", "round-unset", upstream_round(is_set=False))
    write("fuzz_upstream", "kiss-rate", upstream_round(kiss=b"RATE"))
    write("fuzz_upstream", "kiss-deny", upstream_round(kiss=b"DENY"))
    write("fuzz_upstream", "short-round", upstream_round(samples=2))
    # with a key: signed rounds, and the replies a key must refuse
    write("fuzz_upstream", "round-sha1", upstream_round(key=KEY_SHA1, sign=SIGNED))
    write("fuzz_upstream", "round-cmac", upstream_round(key=KEY_CMAC, sign=SIGNED, is_set=False))
    write("fuzz_upstream", "kiss-deny-signed",
          upstream_round(kiss=b"DENY", key=KEY_CMAC, sign=SIGNED))
    write("fuzz_upstream", "wrong-secret", upstream_round(key=KEY_CMAC, sign=WRONG_SECRET))
    write("fuzz_upstream", "unsigned", upstream_round(key=KEY_SHA1))
    write("fuzz_upstream", "crypto-nak", upstream_round(key=KEY_SHA1, sign=CRYPTO_NAK))
    write("fuzz_upstream", "key-missing-then-added",
          upstream_round(key=KEY_MISSING, sign=SIGNED, toggle=True))


# ------------------------------------------------------------------- rtc --

def rtc_seed(chip, regs, set_s, flags=0):
    return bytes([chip | flags]) + bytes(regs).ljust(17, b"\0") + struct.pack("!Q", set_s)


def rtc_corpus():
    # 2026-11-25 18:40:00, a Wednesday (ISO day 3), 24-hour mode
    t = [0x00, 0x40, 0x18, 0x03, 0x25, 0x11, 0x26]
    write("fuzz_rtc", "ds1307", rtc_seed(0, t, 1795632000))
    write("fuzz_rtc", "ds1338", rtc_seed(1, t + [0x00], 1795632000))
    write("fuzz_rtc", "ds1338-osf", rtc_seed(1, t + [0x20], 946684800))
    write("fuzz_rtc", "ds1338-qemu-2100", rtc_seed(1, [0, 0, 0, 5, 0x01, 0x01, 0xA0, 0], 4102444800))
    write("fuzz_rtc", "ds1307-halted-12h", rtc_seed(0, [0x80, 0x59, 0x72, 7, 0x31, 0x12, 0x99], 0))
    ds3231 = t + [0] * 7 + [0x1C, 0x00, 0xF6]     # alarms, control, status, aging -10
    write("fuzz_rtc", "ds3231", rtc_seed(2, ds3231, 7258118400))
    write("fuzz_rtc", "ds3231-century", rtc_seed(2, [0, 0, 0, 1, 0x01, 0x81, 0x00] + [0] * 7 +
                                                 [0x9C, 0x88, 0], 4102444800))
    write("fuzz_rtc", "bus-errors", rtc_seed(1, t + [0], 1795632000, flags=0x24))


# -------------------------------------------------------------- calendar --

def calendar_seed(days, year, month, day, unix_s, fields):
    return struct.pack("!qiBBqi", days, year, month, day, unix_s, fields[0]) + bytes(fields[1:])


def calendar_corpus():
    write("fuzz_calendar", "epoch", calendar_seed(0, 1970, 0, 0, 0, (1970, 1, 1, 0, 0, 0)))
    write("fuzz_calendar", "leap-day", calendar_seed(11016, 2000, 1, 28, 951782400,
                                                     (2000, 2, 29, 23, 59, 59)))
    write("fuzz_calendar", "2100", calendar_seed(47541, 2100, 1, 27, 4107542400,
                                                 (2100, 2, 29, 0, 0, 0)))
    write("fuzz_calendar", "before-1970", calendar_seed(-719468, -1, 11, 30, -62135596800,
                                                        (0, 2, 29, 24, 0, 0)))
    write("fuzz_calendar", "far", calendar_seed(2**40, 2**31 - 1, 11, 30, -2**45,
                                                (-2**31, 13, 0, 0, 60, 0)))


# ----------------------------------------------------------------- frame --

OUR_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("52550a000202")
OTHER_MAC = bytes.fromhex("02005e009999")
OUR_IP = bytes([192, 0, 2, 111])
PEER_IP = bytes([192, 0, 2, 10])


def ipv4_udp(payload, src_port=50000, dst_port=123, udp_len=None, udp_csum=True, frag=0x4000,
             options=b"", ip_csum_xor=0, dst_mac=OUR_MAC):
    """An Ethernet frame from the peer to us carrying one UDP datagram (checksums right unless
    told): frag is the flags and offset word, udp_len the UDP header's length field."""
    udp_len_ip = 8 + len(payload)
    udp = struct.pack("!HHHH", src_port, dst_port, udp_len_ip if udp_len is None else udp_len, 0)
    udp += payload
    if udp_csum:
        pseudo = PEER_IP + OUR_IP + struct.pack("!BBH", 0, 17, udp_len_ip)
        c = inet_csum(pseudo + udp) or 0xFFFF
        udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(udp), 0xABCD, frag, 64, 17, 0,
                      PEER_IP, OUR_IP) + options
    hdr = hdr[:10] + struct.pack("!H", inet_csum(hdr) ^ ip_csum_xor) + hdr[12:]
    return dst_mac + PEER_MAC + b"\x08\x00" + hdr + udp


def arp(oper, sha, spa, tpa, dst=b"\xff" * 6):
    """An Ethernet/IPv4 ARP packet, padded to 60 bytes."""
    pkt = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, oper, sha, spa, b"\0" * 6, tpa)
    return (dst + sha + b"\x08\x06" + pkt).ljust(60, b"\0")


# The harness's byte 4: bit 7 a reply, bits 6 and 5 the IP and UDP checksums made right.
FIX_IP, FIX_UDP = 0x40, 0x20


def frame_seed(frame, reply=None, fix=FIX_IP | FIX_UDP, claims=(), last=111, prefix=24, port=123,
               ip_id=0x1234):
    # reply: the payload length to answer with (48..72), or None; fix: the checksums the
    # harness makes right (the frames' own are right but where a seed says otherwise);
    # claims: up to four (flags, ms since the previous): flags 1 made, 2 a second claimant,
    # 4 our address + 1
    how = fix | (0 if reply is None else 0x80 | (reply - 48) // 4)
    claims = list(claims) + [(0, 0)] * (4 - len(claims))
    return (struct.pack("!BBHBH", last, prefix, port, how, ip_id) +
            b"".join(struct.pack("!BH", f, ms) for f, ms in claims) + frame)


def ntp_payload(n):
    """A chrony-like NTPv4 mode 3 request of n bytes (a MAC after 48: key id, then digest)."""
    head = bytes([0x23, 0, 6, 0x20]) + b"\0" * 36 + struct.pack("!Q", 0xEC0D1A2B3C4D5E6F)
    return head + bytes((0x11 * i + 0x5A) & 0xFF for i in range(n - 48))


def zero_sum_reply(n):
    """A source port and IP identification for which the reply the harness makes (its payload
    byte i is 0x80 + ip_id + 7i) has a UDP checksum that computes to 0, sent as 0xFFFF."""
    for src_port in range(50000, 60000):
        fixed = OUR_IP + PEER_IP + struct.pack("!BBHHHH", 0, 17, 8 + n, 123, src_port, 8 + n)
        for ip_id in range(256):
            pay = bytes((0x80 + ip_id + 7 * i) & 0xFF for i in range(n))
            if inet_csum(fixed + pay) == 0:
                return src_port, ip_id
    raise ValueError("no reply with a zero checksum")


def frame_corpus():
    write("fuzz_frame", "ntp-request", frame_seed(ipv4_udp(ntp_payload(48)), reply=48, fix=0))
    write("fuzz_frame", "ntp-request-mac", frame_seed(ipv4_udp(ntp_payload(68)), reply=68))
    write("fuzz_frame", "ntp-request-sha1-mac", frame_seed(ipv4_udp(ntp_payload(72)), reply=72))
    port, ip_id = zero_sum_reply(48)         # the reply's checksum computes to 0: sent as 0xFFFF
    write("fuzz_frame", "reply-csum-all-ones",
          frame_seed(ipv4_udp(ntp_payload(48), src_port=port), reply=48, ip_id=ip_id))
    # without a UDP checksum, and 4 bytes of padding behind the datagram
    write("fuzz_frame", "udp-csum-0",
          frame_seed(ipv4_udp(ntp_payload(48), udp_csum=False) + b"\0" * 4, reply=48, fix=FIX_IP))
    write("fuzz_frame", "odd-length", frame_seed(ipv4_udp(ntp_payload(49)), reply=48))
    write("fuzz_frame", "fragment-mf", frame_seed(ipv4_udp(ntp_payload(48), frag=0x2000), reply=48))
    # the first fragment of a larger datagram: its UDP length is the whole datagram's
    write("fuzz_frame", "fragment-first",
          frame_seed(ipv4_udp(ntp_payload(48), frag=0x2000, udp_len=8 + 1400), reply=48))
    write("fuzz_frame", "ip-options",
          frame_seed(ipv4_udp(ntp_payload(48), options=b"\x01\x01\x01\x00"), reply=48))
    write("fuzz_frame", "bad-ip-csum",
          frame_seed(ipv4_udp(ntp_payload(48), ip_csum_xor=0x0100), reply=48, fix=FIX_UDP))
    write("fuzz_frame", "udp-length-short",
          frame_seed(ipv4_udp(ntp_payload(48), udp_len=8 + 40), reply=48))
    write("fuzz_frame", "udp-length-long",
          frame_seed(ipv4_udp(ntp_payload(48), udp_len=8 + 60, options=b"\x01\x01\x01\x00")))
    write("fuzz_frame", "other-port", frame_seed(ipv4_udp(ntp_payload(48), dst_port=124)))
    # ARP: another host announcing our address (defended, then a burst, then a second host)
    write("fuzz_frame", "arp-gratuitous-claim",
          frame_seed(arp(1, OTHER_MAC, OUR_IP, OUR_IP),
                     claims=[(1, 0), (1, 100), (1, 10000), (3, 60000)]))
    write("fuzz_frame", "arp-reply-claim",
          frame_seed(arp(2, OTHER_MAC, OUR_IP, bytes([192, 0, 2, 1]), dst=OUR_MAC),
                     claims=[(1, 5), (5, 9999), (1, 1), (1, 59999)]))
    write("fuzz_frame", "arp-probe", frame_seed(arp(1, OTHER_MAC, b"\0" * 4, OUR_IP)))
    write("fuzz_frame", "arp-request-from-us",
          frame_seed(arp(1, OUR_MAC, OUR_IP, bytes([192, 0, 2, 1]))))


if __name__ == "__main__":
    reqs = ntp_requests()
    ntp_corpus(reqs)
    console_corpus()
    config_corpus()
    upstream_corpus()
    rtc_corpus()
    calendar_corpus()
    frame_corpus()
    for h in sorted(os.listdir(CORPUS)):
        print("%s: %d files" % (h, len(os.listdir(os.path.join(CORPUS, h)))))
