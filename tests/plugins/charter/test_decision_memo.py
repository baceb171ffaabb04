"""The charter's decisions are taken once per combination of what the policy reads
(``fsaudit_charter.decision.decide``): the same as the policy itself on every structure, and an
action that quotes a failure's message (a rule without remediation) is never shared between
structures whose messages differ."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_plugins import RulesPlugin, make_rule

from fsaudit import Outcome
from fsaudit.testing import audit_structures, make_structure
from fsaudit.testing.strategies import structures
from fsaudit_charter import decision as charter_decision


def _decisions(report: Any) -> list[tuple[str, Any]]:
    return [(s.id, s.decision) for s in report.structures]


def _unmemoized(structure: Any, results: Any, context: Any, remediation: Any) -> Any:
    return charter_decision.policy(structure, results, context, remediation)


def _both(batch: list[Any], **options: Any) -> tuple[Any, Any]:
    memoized = _decisions(audit_structures(batch, **options))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charter_decision, "decide", _unmemoized)
        unmemoized = _decisions(audit_structures(batch, **options))
    return memoized, unmemoized


def _named_failure(structure: Any, ctx: Any) -> Outcome:
    return Outcome.failed(f"constat propre à {structure.name}", field="name")


@pytest.mark.parametrize("remediation", ["", "Corriger."])
def test_a_failure_without_remediation_keeps_its_own_message_in_the_action(remediation: str) -> None:
    """A majeur rule without remediation: each structure's action quotes its own finding; with a
    remediation, every action is that text."""
    rule = make_rule("TST-DEC-01", _named_failure, needs=("name",), remediation=remediation)
    batch = [make_structure(id=f"S{i}", name=f"Structure {i}") for i in range(3)]
    memoized, unmemoized = _both(batch, extra_plugins=[("decision", RulesPlugin(rule))])
    assert memoized == unmemoized
    texts = [next(a.action for a in d.actions if a.rule == "TST-DEC-01") for _, d in memoized]
    if remediation:
        assert texts == ["Corriger."] * 3
    else:
        assert texts == [f"constat propre à Structure {i}" for i in range(3)]


@settings(max_examples=15, deadline=None)
@given(st.lists(structures(), min_size=1, max_size=8, unique_by=lambda s: s.id))
def test_memoized_decisions_are_the_policys(batch: list[Any]) -> None:
    """On generated batches (each structure twice, so that combinations repeat), every decision
    is the one the policy gives for that structure."""
    doubled = [*batch, *(attrs.evolve(s, id=f"{s.id}-bis") for s in batch)]
    memoized, unmemoized = _both(doubled)
    assert memoized == unmemoized
