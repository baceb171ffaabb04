"""The outcome memo of cacheable rules (fsaudit.run.memo) as the engine uses it."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_plugins import RulesPlugin, make_rule

from fsaudit import Outcome
from fsaudit.run import checks
from fsaudit.run.memo import PROBE
from fsaudit.testing import audit_structures, make_structure
from fsaudit.testing.strategies import structures

CALLS: list[str] = []


def _name_check(structure: Any, ctx: Any) -> Outcome:
    CALLS.append(structure.id)
    return Outcome.passed(f"nom : {structure.name}", field="name")


def _audit(names: list[str], *, cacheable: bool) -> Any:
    CALLS.clear()
    rule = make_rule("TST-MEM-01", _name_check, needs=("name",), cacheable=cacheable)
    structures = [make_structure(id=f"S{i:05d}", name=name) for i, name in enumerate(names)]
    return audit_structures(structures, extra_plugins=[("memo", RulesPlugin(rule))])


def _results(report: Any) -> list[tuple[str, str, str, str]]:
    return [(s.id, r.status.value, r.message, str(r.location)) for s in report.structures for r in s.results]


def test_a_cacheable_rule_runs_once_per_distinct_combination_of_its_needs() -> None:
    """Fifty structures with two names: the check runs twice; each result keeps its structure's location."""
    report = _audit(["Auch", "Condom"] * 25, cacheable=True)
    assert CALLS == ["S00000", "S00001"]
    assert _results(report) == _results(_audit(["Auch", "Condom"] * 25, cacheable=False))
    assert [str(s.result("TST-MEM-01").location) for s in report.structures[:2]] == [
        "$.structures[0].name",
        "$.structures[1].name",
    ]


def test_a_memo_that_never_hits_turns_itself_off() -> None:
    """Keys all distinct: after the probe the memo stops keeping them (a name seen before runs the
    check again), and the results are those of a rule without memo."""
    names = [f"Structure {i}" for i in range(PROBE + 200)] + ["Structure 5"]
    report = _audit(names, cacheable=True)
    assert len(CALLS) == len(names)
    assert _results(report) == _results(_audit(names, cacheable=False))


def test_a_memo_that_hits_stays_on_after_the_probe() -> None:
    """Keys repeated: past the probe, new structures with known names are still answered from the memo."""
    names = [f"Structure {i % 10}" for i in range(PROBE + 200)] + ["Structure 3"]
    _audit(names, cacheable=True)
    assert len(CALLS) == 10


def _charter_results(report: Any) -> list[tuple[Any, ...]]:
    return [
        (s.id, r.rule, r.status.value, r.severity.value, r.message, str(r.location), r.field, r.evidence)
        for s in report.structures
        for r in s.results
    ]


@settings(max_examples=15, deadline=None)
@given(st.lists(structures(), min_size=1, max_size=8, unique_by=lambda s: s.id))
def test_memos_change_no_result_of_the_charter(batch: list[Any]) -> None:
    """The charter's results on a batch (each structure twice, under another id, so that facts
    repeat and memos answer) are the same with the outcome memos as without them."""
    doubled = [*batch, *(attrs.evolve(s, id=f"{s.id}-bis") for s in batch)]
    with_memos = _charter_results(audit_structures(doubled))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "_memo_for", lambda rule: None)
        without = _charter_results(audit_structures(doubled))
    assert with_memos == without
