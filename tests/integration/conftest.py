"""pytest fixtures: a booted appliance per test module (or per test where
a test needs its own, e.g. a special RTC start time or EEPROM content)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from appliance import Appliance  # noqa: E402


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
