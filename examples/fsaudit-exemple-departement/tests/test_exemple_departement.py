"""The example plugin's own tests, written with the fsaudit.testing pytest plugin."""

from __future__ import annotations

import fsaudit_exemple_departement as plugin

from fsaudit import Status
from fsaudit.testing import weekly


def test_saturday_opening_passes(fsaudit_audit, make_structure) -> None:
    """Three hours on Saturday meet the local minimum."""
    hours = weekly(monday=["09:00-17:00"], saturday=["09:00-12:00"])
    report = fsaudit_audit([make_structure(opening_hours=hours)], plugins=[("exemple", plugin)])
    assert report.result("EXD-SAM-01").status is Status.PASS


def test_no_saturday_fails(fsaudit_audit, make_structure) -> None:
    """No Saturday opening fails the local rule, pointing at the Saturday hours."""
    report = fsaudit_audit([make_structure()], plugins=[("exemple", plugin)])
    result = report.result("EXD-SAM-01")
    assert (result.status, result.location) == (Status.FAIL, "$.structures[0].opening_hours.saturday")


def test_booking_unknown_is_manual(fsaudit_audit, make_structure) -> None:
    """An undeclared booking offer is left to the auditor."""
    report = fsaudit_audit([make_structure(appointment_booking=None)], plugins=[("exemple", plugin)])
    assert report.result("EXD-RDV-01").status is Status.MANUAL
