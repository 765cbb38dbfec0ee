#!/usr/bin/python3
"""Bounded NTP load on loopback, for tools/bench.py: run as its own process.

Each of --sockets UDP sockets keeps --window mode 3 requests outstanding:
a reply (matched by the originate timestamp it echoes) releases one slot
and a new request goes out at once; a request unanswered for --timeout
seconds counts as lost and its slot is reused. Sending stops after
--seconds; replies still arrive for --timeout more. Prints one JSON object:
sent, replies, lost, kod (stratum 0 replies), late (replies to requests
already counted lost), duplicates, seconds (the sending interval) and
replies_per_s.

Closed loop on purpose: an open-loop flood would mostly measure how many
frames QEMU's user network and the appliance's receive ring throw away.
Only 127.0.0.1 is ever addressed.
"""
import argparse
import json
import selectors
import socket
import struct
import sys
import time

NTP_EPOCH_OFFSET = 2208988800


def request(xmt):
    """A 48-byte mode 3, version 4 request whose transmit timestamp is xmt."""
    return struct.pack("!BBbbII4sQQQQ", (4 << 3) | 3, 0, 6, -20, 0, 0, b"\0\0\0\0",
                       0, 0, 0, xmt)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--sockets", type=int, default=4)
    ap.add_argument("--window", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=0.2)
    args = ap.parse_args()
    if not (0 < args.seconds <= 60 and 0 < args.sockets <= 64 and 0 < args.window <= 64):
        sys.exit("loadgen: arguments out of range")

    dest = ("127.0.0.1", args.port)
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(args.sockets):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        socks.append(s)
    # Unique transmit timestamps: a counter in the high bits' place of an NTP
    # time near now, so the appliance sees plausible values.
    base = ((int(time.time()) + NTP_EPOCH_OFFSET) & 0xFFFFFFFF) << 32
    seq = 0
    pending = {}  # xmt -> (socket, send time)
    stats = dict(sent=0, replies=0, lost=0, kod=0, late=0, duplicates=0)
    expired = set()

    def send(s):
        nonlocal seq
        seq += 1
        xmt = base + seq
        try:
            s.sendto(request(xmt), dest)
        except (BlockingIOError, InterruptedError):
            return False
        pending[xmt] = (s, time.monotonic())
        stats["sent"] += 1
        return True

    start = time.monotonic()
    stop_at = start + args.seconds
    for s in socks:
        for _ in range(args.window):
            send(s)
    last_sweep = start
    while True:
        now = time.monotonic()
        sending = now < stop_at
        if not sending and not pending:
            break
        if not sending and now > stop_at + args.timeout:
            break
        for key, _ in sel.select(timeout=0.01):
            s = key.fileobj
            while True:
                try:
                    data = s.recv(2048)
                except (BlockingIOError, InterruptedError):
                    break
                if len(data) < 48:
                    continue
                orig = struct.unpack("!Q", data[24:32])[0]
                if orig in pending:
                    del pending[orig]
                    stats["replies"] += 1
                    if data[1] == 0:
                        stats["kod"] += 1
                    if time.monotonic() < stop_at:
                        send(s)
                elif orig in expired:
                    expired.discard(orig)
                    stats["late"] += 1
                else:
                    stats["duplicates"] += 1
        now = time.monotonic()
        if now - last_sweep >= args.timeout / 4:
            last_sweep = now
            for xmt, (s, t) in list(pending.items()):
                if now - t >= args.timeout:
                    del pending[xmt]
                    expired.add(xmt)
                    stats["lost"] += 1
                    if now < stop_at:
                        send(s)
    stats["lost"] += len(pending)
    stats["seconds"] = round(args.seconds, 3)
    stats["replies_per_s"] = round(stats["replies"] / args.seconds, 1)
    stats["sockets"] = args.sockets
    stats["window"] = args.window
    for s in socks:
        sel.unregister(s)
        s.close()
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
