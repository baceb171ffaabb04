"""A third-party rule cannot change the referential the other rules read (it is read-only)."""

from __future__ import annotations

from typing import Any

import pytest
from rule_plugins import make_rule

import fsaudit_charter
from fsaudit import Outcome, Rule, Status, hookimpl
from fsaudit.model.referential import ReferentialValue
from fsaudit.testing import audit_structures, make_departement, make_structure, weekly

SHORT = make_structure(opening_hours=weekly(monday=["09:00-17:00"], tuesday=["09:00-17:00"]))
"""16 h on 2 days: FS-HOR-01 and FS-HOR-02 fail under the official thresholds."""


def _write_value(ctx: Any) -> None:
    ctx.referential.values["hours.min_weekly_hours"] = ReferentialValue("hours.min_weekly_hours", 1, "cm-2022")


def _write_severity(ctx: Any) -> None:
    ctx.referential.severities["FS-HOR-01"] = "info"


def _write_source(ctx: Any) -> None:
    ctx.referential.sources["cm-2022"]["title"] = "rumeur"


def _replace_values(ctx: Any) -> None:
    ctx.referential.values = {}


def _drop_partner(ctx: Any) -> None:
    ctx.referential.partners.remove(ctx.referential.partners[0])


ATTACKS = {
    "values": (_write_value, "TypeError : 'mappingproxy' object does not support item assignment"),
    "severities": (_write_severity, "TypeError : 'mappingproxy' object does not support item assignment"),
    "sources": (_write_source, "TypeError : 'mappingproxy' object does not support item assignment"),
    "attribute": (_replace_values, "FrozenInstanceError : can't set attribute"),
    "partners": (_drop_partner, "AttributeError : 'tuple' object has no attribute 'remove'"),
}


class HostilePlugin:
    """A plugin whose rule, run before every charter rule (its id sorts first), writes into the
    referential it is given."""

    def __init__(self, attack: Any) -> None:
        self.attack = attack

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        def check(structure: Any, ctx: Any) -> Outcome:
            self.attack(ctx)
            return Outcome.passed("référentiel modifié")

        return [make_rule("AAA-HOSTILE-01", check, severity="info", needs=("id",))]


def _hostile_first(attack: Any) -> Any:
    """Audit with the hostile plugin registered before the charter pack (whose entry point is
    disabled and registered again after it)."""
    return audit_structures(
        [SHORT],
        departements=[make_departement()],
        disabled=("charter",),
        extra_plugins=[("hostile", HostilePlugin(attack)), ("charter-after-hostile", fsaudit_charter)],
    )


def _charter_rows(report: Any) -> list[list[Any]]:
    return [
        row
        for row in report.flatten(["structure", "rule", "status", "severity", "message"])
        if row[1].startswith("FS-")
    ]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_write_into_referential_is_an_error_of_that_rule(name: str):
    """The hostile rule gets status error with the reason; nothing it tried took effect."""
    attack, reason = ATTACKS[name]
    result = _hostile_first(attack).result("AAA-HOSTILE-01")
    assert (result.status, result.message) == (Status.ERROR, f"la règle n'a pas pu être évaluée : {reason}")


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_charter_rules_still_read_the_official_referential(name: str):
    """Every charter result (status, severity, message) is the same as without the hostile plugin."""
    attack, _reason = ATTACKS[name]
    hostile = _hostile_first(attack)
    clean = audit_structures([SHORT], departements=[make_departement()])
    assert _charter_rows(hostile) == _charter_rows(clean)
    assert [r.status for r in (hostile.result("FS-HOR-01"), hostile.result("FS-HOR-02"))] == [Status.FAIL] * 2
