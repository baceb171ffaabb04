"""docs/missing-facts.md: every rule × each fact it needs → its status without it; one test per cell.

For each cell, the fact is removed from the test structure (it must give the table's status, never
*fail*), then marked unreadable (it must give *manual*).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from fsaudit.model.facts import UnreadFact
from fsaudit.model.rule import Status
from fsaudit.testing import audit_structures, make_departement, make_structure, remove_fact, result_of
from fsaudit_charter import all_rules
from fsaudit_charter.docgen import MISSING_FACTS_AS_OF, missing_facts_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "missing-facts.md"
AS_OF = dt.date.fromisoformat(MISSING_FACTS_AS_OF)
_LABELS = {status.label: status for status in Status}
_ROW = re.compile(r"^\| (FS-[A-Z]+-\d+) \| `([^`]+)` \| ([^|]+) \|")


def _table() -> dict[tuple[str, str], Status | None]:
    """The committed table: ``(rule, fact) → status`` (``None`` for a required fact)."""
    cells: dict[tuple[str, str], Status | None] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            rule, fact, status = match.group(1), match.group(2), match.group(3).strip()
            cells[(rule, fact)] = None if status.startswith("—") else _LABELS[status]
    return cells


TABLE = _table()
CELLS = [(rule.id, fact) for rule in all_rules() for fact in rule.needs]


def test_doc_matches_the_rules():
    """docs/missing-facts.md is what running the rules gives (python -m fsaudit_charter.docgen --missing-facts)."""
    assert DOC.read_text(encoding="utf-8") == missing_facts_markdown()


def test_table_has_one_row_per_rule_and_fact():
    """The table lists exactly the (rule, fact) pairs of the rules' needs."""
    assert sorted(TABLE) == sorted(CELLS)


def test_no_cell_is_a_failure():
    """No rule fails because a fact it needs is missing."""
    assert [cell for cell, status in TABLE.items() if status is Status.FAIL] == []


@pytest.mark.parametrize(("rule_id", "fact"), CELLS, ids=[f"{r}:{f}" for r, f in CELLS])
def test_missing_fact_gives_the_table_status(rule_id: str, fact: str):
    """Without the fact, the rule gives the status of its cell, and never fail."""
    expected = TABLE[(rule_id, fact)]
    if expected is None:
        with pytest.raises(ValueError):
            remove_fact(make_structure(), fact)
        return
    report = audit_structures([remove_fact(make_structure(), fact)], as_of=AS_OF, departements=[make_departement()])
    status = result_of(report, rule_id).status
    assert (status, status is Status.FAIL) == (expected, False)


@pytest.mark.parametrize(("rule_id", "fact"), CELLS, ids=[f"{r}:{f}" for r, f in CELLS])
def test_unread_fact_gives_manual(rule_id: str, fact: str):
    """With the fact present but unreadable, the rule is manual and says where and why."""
    field = fact.replace("[]", "[0]")
    unread = UnreadFact(field, "Feuille!B2", "valeur illisible")
    report = audit_structures([make_structure()], as_of=AS_OF, departements=[make_departement()], unread={0: [unread]})
    result = result_of(report, rule_id)
    assert (result.status, result.message, result.location) == (
        Status.MANUAL,
        "non évaluable : donnée illisible ou absente (Feuille!B2 : valeur illisible)",
        "Feuille!B2",
    )


def test_test_structure_meets_every_rule():
    """make_structure() under make_departement(): every rule passes or does not apply, FS-MIS-01 awaits the auditor."""
    report = audit_structures([make_structure()], as_of=AS_OF, departements=[make_departement()])
    assert sorted((r.rule, r.status.value) for r in report.structures[0].results if r.status is not Status.PASS) == [
        ("FS-MIS-01", "manual"),
        ("FS-NET-03", "not_applicable"),
    ]


def test_remove_fact_takes_out_one_fact():
    """A list item's fact goes from every item; a required fact takes out what holds it; an id cannot go."""
    s = make_structure()
    assert (
        [c.start_date for c in remove_fact(s, "conseillers[].start_date").conseillers],
        remove_fact(s, "label.status").label,
        remove_fact(s, "label.date").label.date,
        remove_fact(s, "partners[].operator").partners,
        remove_fact(s, "premises.walk_in").premises.walk_in,
        remove_fact(s, "premises.walk_in").premises.free_of_charge,
    ) == ([None, None], None, None, None, None, True)
    with pytest.raises(ValueError, match="required fact"):
        remove_fact(s, "id")


def test_undeclared_label_status_gives_instruction_incomplete():
    """A structure whose label status is not declared gets *instruction incomplète*, never a
    candidate's *avis défavorable*: the decision's wording depends on the missing status. The
    findings that would drive it are listed."""
    from fsaudit.model import declaration as model

    alone = model.Conseiller("C1", fte=1.0)
    report = audit_structures([make_structure(label=None, conseillers=(alone,))])
    decision = report.structures[0].decision
    assert (decision.code.value, decision.reasons[:2], decision.drivers[:1]) == (
        "instruction_incomplete",
        (
            "statut de labellisation non déclaré (candidature ou structure labellisée) : décision à rendre une fois "
            "le statut connu",
            "1 critère(s) bloquant(s) non conforme(s) : FS-AGT-01",
        ),
        ("FS-AGT-01",),
    )
