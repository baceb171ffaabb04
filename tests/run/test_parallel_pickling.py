"""What workers send back: enum members travel by name and come back as the same members."""

from __future__ import annotations

import enum
import pickle

from fsaudit.model.rule import Severity, Status
from fsaudit.run import parallel


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
