"""The appliance image in QEMU with -icount shift=0, for tools/bench.py and
tools/bench/trace.py: one guest instruction is one nanosecond of virtual time.

The RTC runs on the virtual clock (-rtc clock=vm): with icount the virtual
clock lags the host's while the CPU is busy, and the discipline would see a
host-clocked RTC drift by far more than any crystal. An optional QEMU
monitor on a unix socket lets the tracer switch QEMU's execution log on and
off around one request.
"""
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import appliance as harness  # noqa: E402


def board_qemu_machine(board):
    with open(os.path.join(ROOT, "board", board, "board.mk")) as f:
        m = re.search(r"^BOARD_QEMU\s*:=\s*(.*)$", f.read(), re.M)
    if not m:
        raise RuntimeError("board/%s/board.mk has no BOARD_QEMU" % board)
    return m.group(1).split()


class IcountAppliance(harness.Appliance):
    """The appliance image as tools/qemu-run.sh boots it, plus -icount shift=0 and an RTC on
    the virtual clock; with monitor=True a QEMU monitor on a socket in tmp."""

    def __init__(self, tmp, board, elf, monitor=False):
        super().__init__(tmp, monitor=monitor)
        self.board, self.elf = board, elf

    def start(self):
        os.makedirs(os.path.dirname(self.eeprom), exist_ok=True)
        with open(self.eeprom, "wb") as f:
            f.write(b"\xff" * 4096)  # a blank EEPROM, as qemu-run.sh makes one
        monitor = "unix:%s,server=on,wait=off" % self.monitor_path if self.monitor_path \
            else "none"
        cmd = ["qemu-system-arm"] + board_qemu_machine(self.board) + [
            "-nographic", "-monitor", monitor, "-serial", "stdio",
            "-kernel", self.elf, "-rtc", "base=utc,clock=vm", "-icount", "shift=0",
            "-device", "ds1338,address=0x68",
            "-nic", "user,hostfwd=udp:127.0.0.1:%d-:123" % self.port,
            "-drive", "if=none,id=ee,file=%s,format=raw" % self.eeprom,
            "-device", "at24c-eeprom,address=0x50,rom-size=4096,drive=ee"]
        self.output = ""
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self
