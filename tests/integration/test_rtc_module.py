"""Issue 10: the RTC module as people buy it. The same image finds the
settings EEPROM wherever the module puts it (QEMU: an AT24C32 at 0x50, as on
the "Tiny RTC" DS1307 module; at 0x57, as on the ZS-042 DS3231 module; none,
as on DS1338 breakouts) and which chip answers at 0x68, and says so in the
boot log and `status`. QEMU has a ds1338 only, and its model never sets the
oscillator-stop flag: found at boot it reads as a DS1307 or a DS1338 (the
DS3231, the stuck bus and the other chips are in the unit tests' models)."""
import re

import pytest

from appliance import BOARD, query

# What each board drives at 0x68 unless told otherwise.
CHIP = {"lm3s6965evb": ("DS1307/DS1338", "found at boot", 100),
        "mps2-an386": ("DS1338", "named in board.h", 400)}[BOARD]


def booted(make_appliance, **kw):
    a = make_appliance(**kw)
    a.wait_ready()
    return a


def test_eeprom_at_0x50_and_the_chip_found_at_boot(make_appliance):
    a = booted(make_appliance)
    assert "eeprom: AT24C32 at 0x50 (found at boot)" in a.output, a.output
    assert "config: empty, using defaults (AT24 at 0x50)" in a.output, a.output
    chip, how, khz = CHIP
    assert re.search(r"rtc: at 0x68: %s, oscillator running \(%s[^)]*; I2C at %d kHz\)"
                     % (re.escape(chip), how, khz), a.output), a.output
    st = a.command("status")
    assert "rtc: %s at 0x68 (%s), running" % (chip, how) in st, st
    assert "eeprom: AT24C32 at 0x50 (found at boot)" in st, st
    assert re.search(r"i2c: %d kHz, \d+ errors, 0 recoveries" % khz, st), st


def test_eeprom_at_0x57_saves_across_a_power_cycle(make_appliance, tmp_path):
    ee = str(tmp_path / "zs042.bin")
    a = booted(make_appliance, eeprom=ee, eeprom_addr=0x57)
    assert "eeprom: AT24C32 at 0x57 (found at boot)" in a.output, a.output
    assert "error" not in a.command("ntp stratum 3")
    out = a.command("rtc chip ds1338")
    assert "takes effect after save and reboot" in out or BOARD == "mps2-an386", out
    assert "error" not in a.command("save")
    a.stop()
    with open(ee, "rb") as f:
        assert b"NTPC" in f.read(512)  # the record went to the EEPROM at 0x57

    # Power cycle: the same module, found again, its settings back.
    b = booted(make_appliance, eeprom=ee, eeprom_addr=0x57)
    assert "config: ok (AT24 at 0x57)" in b.output, b.output
    assert re.search(r"rtc: at 0x68: DS1338, oscillator running \(set with 'rtc chip'"
                     r"(, found DS1307/DS1338)?; I2C at 400 kHz\)", b.output), b.output
    shown = b.command("config show")
    assert "ntp stratum 3" in shown and "rtc chip ds1338" in shown, shown
    assert "rtc: DS1338 at 0x68 (set with 'rtc chip')" in b.command("status")
    b.wait_synced()


def test_no_eeprom_anywhere(make_appliance):
    a = booted(make_appliance, use_eeprom=False)
    assert "eeprom: none found at 0x50..0x57: settings cannot be stored" in a.output, a.output
    st = a.command("status")
    assert "eeprom: none found at 0x50..0x57" in st, st
    assert "settings: no EEPROM" in st, st
    assert "error" in a.command("save")
    # The clock does not need it.
    a.wait_synced()
    assert "state: SYNCED" in a.command("status")


def test_qemu_run_refuses_an_address_no_at24_has(tmp_path):
    import subprocess
    from appliance import ROOT
    r = subprocess.run([ROOT + "/tools/qemu-run.sh", "--eeprom-addr", "0x68",
                        "--eeprom", str(tmp_path / "x.bin")], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "0x50..0x57" in r.stderr


def test_sqw_capture_without_a_wire_keeps_polling(make_appliance):
    """`rtc sqw capture` where no square wave arrives: QEMU models neither the
    GPTM's capture mode nor a wire to PD5, as a board without the wire would
    be. The RTC's 1 Hz output is turned on, the capture started, and the
    clock keeps polling; the MPS2 board has no capture input at all. The
    capture itself is proven in the unit tests (strict model, simulation)."""
    a = booted(make_appliance)
    a.wait_synced()
    mark = a.mark()
    assert "error" not in a.command("rtc sqw capture")
    if BOARD == "lm3s6965evb":
        a.wait_for(r"rtc: edges from the 1 Hz square wave on PD5 \(CCP2\)", timeout=5, start=mark)
        a.wait_for(r"no square-wave edge on PD5 \(CCP2\) yet", timeout=10, start=mark)
        st = a.command("status")
        assert "rtc edges: polled, waiting for the square wave on PD5 (CCP2): 0 taken" in st, st
    else:
        a.wait_for(r"rtc: no capture input on this board: edges polled", timeout=5, start=mark)
        st = a.command("status")
        assert "rtc edges: polled" in st, st
    assert "state: SYNCED" in st, st
    r = query(a.port)
    assert r is not None and r.li == 0 and abs(r.offset) < 0.05
    assert "rtc sqw capture" in a.command("config show")
    mark = a.mark()
    assert "error" not in a.command("rtc sqw poll")
    if BOARD == "lm3s6965evb":
        a.wait_for(r"rtc: edges polled", timeout=5, start=mark)
