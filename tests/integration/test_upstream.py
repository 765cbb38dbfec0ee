"""Issue 5: time from an upstream NTP server (off by default). The upstream
is a chronyd that the test starts on 127.0.0.1:123, which the appliance
reaches as 10.0.2.2 through QEMU's user network."""
import re
import subprocess
import time

import pytest

from appliance import query, stop_process

UPSTREAM_NEEDS = "the upstream chronyd runs as root and serves udp 127.0.0.1:123"


@pytest.fixture
def upstream_server(tmp_path):
    conf = tmp_path / "chrony.conf"
    conf.write_text("port 123\nbindaddress 127.0.0.1\nlocal stratum 2\nallow all\n"
                    "cmdport 0\npidfile %s\ndriftfile %s\n" %
                    (tmp_path / "chronyd.pid", tmp_path / "drift"))
    p = subprocess.Popen(["/usr/sbin/chronyd", "-d", "-x", "-u", "root", "-f", str(conf)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        r = query(123, tries=1, timeout=0.5)
        if r is not None and r.stratum == 2:
            break
    else:
        p.kill()
        pytest.fail("the test's upstream chronyd did not come up on 127.0.0.1:123")
    yield p
    stop_process(p)


@pytest.mark.needs_root(UPSTREAM_NEEDS)
def test_upstream_sets_an_unset_clock(make_appliance, upstream_server):
    a = make_appliance(rtc="2000-01-01T00:00:00")     # dead battery
    a.wait_ready()
    assert query(a.port).li == 3
    mark = a.mark()
    out = a.command("upstream 10.0.2.2")
    assert "error" not in out, out
    a.wait_for(r"upstream: set by", timeout=40, start=mark)
    a.wait_for(r"state: UNSET -> SYNCED", timeout=15, start=mark)
    time.sleep(3)
    r = query(a.port)
    assert (r.li, r.stratum) == (0, 1)
    assert abs(r.offset) < 0.1, r.offset
    st = a.command("status")
    assert re.search(r"last set: .* by upstream", st), st


@pytest.mark.needs_root(UPSTREAM_NEEDS)
def test_upstream_jump_beyond_limit_is_refused(make_appliance, upstream_server):
    a = make_appliance()
    a.wait_ready()
    a.wait_synced()
    mark = a.mark()
    a.command("time set 2030-01-01T00:00:00Z")
    a.wait_for(r"clock: time set", timeout=10, start=mark)
    mark = a.mark()
    a.command("upstream 10.0.2.2")
    a.wait_for(r"upstream: offset -?\d+ ms is beyond the jump limit", timeout=40, start=mark)
    r = query(a.port)
    assert r.li == 0 and r.t3 > time.time() + 3 * 365 * 86400   # still the operator's time
