"""What workers send back: enum members travel by name and come back as the same members; the
parent unpickles it with the cyclic collector paused."""

from __future__ import annotations

import enum
import gc
import pickle
from typing import ClassVar

import pytest

from fsaudit.model.rule import Severity, Status
from fsaudit.run import parallel


class _Probe:
    """Records whether the cyclic collector ran during its own unpickling."""

    seen: ClassVar[list[bool]] = []

    def __setstate__(self, state: object) -> None:
        _Probe.seen.append(gc.isenabled())


class _Broken:
    def __setstate__(self, state: object) -> None:
        raise ValueError("état illisible")


class _Access(enum.Flag):
    READ = 1
    WRITE = 2


def test_enum_members_come_back_identical() -> None:
    """Statuses and severities unpickled in the parent are the members themselves."""
    sent = [Status.FAIL, Severity.MAJEUR, {"s": Status.PASS}]
    back = pickle.loads(parallel._dumps(sent))
    assert back == sent
    assert back[0] is Status.FAIL
    assert back[1] is Severity.MAJEUR


def test_enum_members_travel_by_name() -> None:
    """A member is rebuilt with getattr on its class, not by a lookup of its value."""
    assert b"MAJEUR" in parallel._dumps(Severity.MAJEUR)


def test_composite_flag_without_a_name_still_travels() -> None:
    """A flag combination, which has no member name of its own, is pickled the standard way."""
    both = _Access.READ | _Access.WRITE
    assert pickle.loads(parallel._dumps(both)) == both


def test_chunks_are_unpickled_with_the_collector_paused_then_restored() -> None:
    """The parent's loads of a worker's chunk run without cyclic collections, and the
    collector is as it was afterwards, after a failed load too."""
    _Probe.seen.clear()
    probe = _Probe()
    probe.__dict__["x"] = 1
    assert gc.isenabled()
    parallel._loads(parallel._dumps([probe, probe]))
    assert _Probe.seen == [False]
    assert gc.isenabled()
    broken = _Broken()
    broken.__dict__["x"] = 1
    with pytest.raises(ValueError, match="illisible"):
        parallel._loads(parallel._dumps(broken))
    assert gc.isenabled()
    gc.disable()
    try:
        parallel._loads(parallel._dumps(1))
        assert not gc.isenabled()
    finally:
        gc.enable()
