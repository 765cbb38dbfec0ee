"""Issue 4: timekeeping on the real image: the served time tracks the RTC,
the NTP era rolls over in 2036, the century in 2100, and an RTC that lost
its time (a dead battery shows 2000-01-01) is served as unsynchronized
until an operator sets it."""
import calendar
import time

from appliance import NTP_EPOCH_OFFSET, query


def utc(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S"))


def served_seconds(r):
    """Unix time of the reply's transmit timestamp, era taken from the seconds field
    alone (era 0 if >= 2^31 s after 1900, else era 1): no help from the host's clock."""
    sec = r.xmt_ts >> 32
    era = 0 if sec >= 0x80000000 else 1
    return sec + era * 2**32 - NTP_EPOCH_OFFSET + (r.xmt_ts & 0xFFFFFFFF) / 2**32


def run_across(a, start, boundary, after=6):
    """Queries until `after` seconds past boundary; returns [(host elapsed, served)]."""
    a.wait_ready()
    a.wait_synced()
    t0 = time.monotonic()
    seen = []
    while True:
        r = query(a.port)
        assert r is not None and r.li == 0 and r.stratum == 1, r and (r.li, r.stratum)
        # The host's time at the reply: the middle of the exchange, read from
        # the host's clock around it (not when the loop happened to run).
        seen.append(((r.t1 + r.t4) / 2, served_seconds(r), r))
        if seen[-1][1] > boundary + after:
            return seen
        assert time.monotonic() - t0 < 60, "the served time never passed the boundary"
        time.sleep(1)


def check_continuous(seen):
    """Served time advances with the host's time, without steps (each offset is
    uncertain by half the round trip, well under the bound)."""
    for (h0, s0, _), (h1, s1, _) in zip(seen, seen[1:]):
        assert s1 > s0
        assert abs((s1 - s0) - (h1 - h0)) < 0.05, (s0, s1, h0, h1)


def test_ntp_era_rollover_2036(make_appliance):
    a = make_appliance(rtc="2036-02-07T06:28:00")
    boundary = utc("2036-02-07T06:28:16")
    seen = run_across(a, "2036-02-07T06:28:00", boundary)
    check_continuous(seen)
    before = [r for _, s, r in seen if s < boundary]
    after = [r for _, s, r in seen if s > boundary + 0.5]
    assert before and after
    assert all(r.xmt_ts >> 32 >= 0xFFFFFFF0 for r in before)       # era 0, about to wrap
    assert all(r.xmt_ts >> 32 < 0x100 for r in after)              # era 1
    assert all(r.ref_ts >> 32 < 0x100 for r in after[1:])          # reference time too


def qemu_rtc_base(start):
    """The -rtc option that starts QEMU's RTC at start. QEMU 7.2 keeps the offset
    of base= to the host clock in an int (softmmu/rtc.c rtc_host_datetime_offset):
    a start 2^31 s (68 years) or more from the host's clock wraps, e.g. 2099 from
    2026 reads as 1963-11-25 (year register 59h: 2059). With clock=vm the RTC counts
    from the start itself on the VM clock."""
    if abs(utc(start) - time.time()) >= 2**31:
        return start + ",clock=vm"
    return start


def test_century_rollover_2100(make_appliance):
    a = make_appliance(rtc=qemu_rtc_base("2099-12-31T23:59:50"))
    boundary = utc("2100-01-01T00:00:00")
    seen = run_across(a, "2099-12-31T23:59:50", boundary)
    check_continuous(seen)
    assert seen[-1][1] - boundary > 5
    assert "state: SYNCED" in a.command("status")


def test_dead_battery_rtc_is_unset_until_set(make_appliance):
    a = make_appliance(rtc="2000-01-01T00:00:00")
    a.wait_ready()
    time.sleep(2)
    r = query(a.port)
    assert r is not None
    assert (r.li, r.stratum) == (3, 16)            # every client rejects it
    assert "state: UNSET" in a.command("status")
    mark = a.mark()
    out = a.command("time set " + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1)))
    assert "error" not in out, out
    a.wait_for(r"state: UNSET -> SYNCED", timeout=15, start=mark)
    time.sleep(2)
    r = query(a.port)
    assert (r.li, r.stratum) == (0, 1)
    assert abs(r.offset) < 1.5          # QEMU's DS1338 keeps whole seconds only


def test_leap_second_insert(make_appliance):
    """An operator schedules a leap second for the end of the month: LI 1 is
    announced on the day, 23:59:60 is absorbed without the served time ever
    going back, and afterwards the appliance runs one second behind the
    (leap-unaware) clock it was following, with LI 0."""
    a = make_appliance(rtc="2026-12-31T23:59:40")
    a.wait_ready()
    a.wait_synced()
    out = a.command("leap insert 2026-12-31")
    assert "error" not in out, out
    time.sleep(0.2)
    midnight = utc("2027-01-01T00:00:00")
    seen = []
    while True:
        r = query(a.port)
        assert r is not None and r.stratum == 1
        s = served_seconds(r)
        seen.append(((r.t1 + r.t4) / 2, s, r))
        if s > midnight + 4:
            break
        assert len(seen) < 80, "the served time never passed midnight"
        time.sleep(0.5)
    before = [(h, s, r) for h, s, r in seen if s < midnight - 0.5]
    after = [(h, s, r) for h, s, r in seen if s > midnight + 1.5]
    assert before and after
    assert all(r.li == 1 for _, _, r in before)          # announced on the day
    assert all(r.li == 0 for _, _, r in after)
    assert all(s1 > s0 for (_, s0, _), (_, s1, _) in zip(seen, seen[1:]))  # never back
    # one second absorbed: served minus host time drops by 1 s across midnight
    off_before = before[-1][1] - before[-1][0]
    off_after = after[0][1] - after[0][0]
    assert abs((off_before - off_after) - 1.0) < 0.05, (off_before, off_after)
    assert "leap second: none pending" in a.command("status")


def test_strict_mode_expires_and_recovers(make_appliance):
    """Strict mode: the dispersion grows at the RTC's rated drift since the last
    set; past the bound the appliance declares itself unsynchronized, and a set
    brings it back."""
    a = make_appliance()
    a.wait_ready()
    a.wait_synced()
    now = time.time()
    mark = a.mark()
    a.command("time set " + time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(now) + 1)) + "Z")
    a.wait_for(r"clock: time set", timeout=10, start=mark)
    mark = a.mark()
    for cmd in ("clock drift 500000", "clock strict on 4"):   # 500 ppm: 4 ms in 8 s
        out = a.command(cmd)
        assert "error" not in out, (cmd, out)
    time.sleep(1)
    r = query(a.port)
    assert r.li == 0 and r.root_disp_s > 0.0004           # 500 ppm of 1 s and more
    a.wait_for(r"state: SYNCED -> EXPIRED", timeout=20, start=mark)
    time.sleep(0.2)
    r = query(a.port)
    assert (r.li, r.stratum) == (3, 16)
    mark = a.mark()
    assert "error" not in a.command("time adjust +1ms")    # a set restarts the age
    a.wait_for(r"state: EXPIRED -> SYNCED", timeout=10, start=mark)
    time.sleep(0.2)
    assert query(a.port).li == 0
