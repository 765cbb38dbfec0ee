"""pytest fixtures: a booted appliance per test module (or per test where
a test needs its own, e.g. a special RTC start time or EEPROM content).

Tests that need root say so with @pytest.mark.needs_root("why"): chronyd
(it refuses to start otherwise) and the ports below 1024 the real clients
and servers use (123 for ntpq, ntpdig and the upstream server, 514 for
syslog). Without root such a test fails before it starts anything, naming
what it needs; SKIP_ROOT_TESTS=1 turns that into a skip, so that nothing
passes, or is skipped, without saying why."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from appliance import Appliance  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_root(why): the test needs root privileges")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of the test starts anything."""
    mark = item.get_closest_marker("needs_root")
    if mark is None or os.geteuid() == 0:
        return
    why = mark.args[0] if mark.args else "root privileges"
    msg = ("needs root: %s; run the suite as root (sudo make integration), "
           "or set SKIP_ROOT_TESTS=1 to skip such tests" % why)
    if os.environ.get("SKIP_ROOT_TESTS") == "1":
        pytest.skip(msg)
    pytest.fail(msg, pytrace=False)


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    """The appliance booted with the RTC at host UTC and a blank EEPROM, synced."""
    a = Appliance(tmp_path_factory.mktemp("appliance")).start()
    try:
        a.wait_ready()
        a.wait_synced()
        yield a
    finally:
        a.stop()


@pytest.fixture
def make_appliance(tmp_path):
    """Factory for appliances with custom options; all are stopped after the test."""
    started = []

    def make(**kw):
        a = Appliance(tmp_path, **kw).start()
        started.append(a)
        return a

    yield make
    for a in started:
        a.stop()
