"""The bundled samples: expected decisions, seed figures, and every rule both met and not met."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest

from fsaudit.model.rule import Status
from fsaudit.run.engine import audit
from fsaudit_charter import all_rules

from .catalogue import CATALOGUE

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
OWN = ("gers", "occitanie-2022", "partenaires-2025")


def _expected(name: str) -> dict:
    return json.loads((SAMPLES / name / "expected.json").read_text(encoding="utf-8"))


def _audit(name: str):
    expected = _expected(name)
    paths = [str(SAMPLES / name / p) for p in expected["inputs"]]
    return audit(paths, as_of=dt.date.fromisoformat(expected["as_of"]))


def _relative(path: str, name: str) -> str:
    return Path(path).resolve().relative_to((SAMPLES / name).resolve()).as_posix()


@pytest.mark.parametrize("name", OWN)
def test_sample_decisions_are_the_expected_ones(name):
    """The engine gives exactly the decisions recorded in the sample's expected.json."""
    report = _audit(name)
    got = [
        {
            "input": _relative(s.path, name),
            "location": s.location,
            "id": s.id,
            "name": s.name,
            "decision": s.decision.code.value,
        }
        for s in report.structures
    ]
    assert got == _expected(name)["decisions"]


@pytest.mark.parametrize("name", OWN)
def test_sample_reads_without_errors(name):
    """A sample has no input error, rule error or charter plugin error, and uses the stated referential."""
    report = _audit(name)
    charter_errors = [e for e in report.plugin_errors if e.plugin == "charter"]
    assert (report.errors, report.rule_errors, charter_errors) == ((), [], [])
    assert report.referential.id == _expected(name)["referential"]


@pytest.mark.parametrize("name", OWN)
def test_expected_lists_every_declaration(name):
    """expected.json names every declaration file of the sample."""
    files = sorted(p.relative_to(SAMPLES / name).as_posix() for p in (SAMPLES / name / "declarations").glob("*.json"))
    assert _expected(name)["inputs"] == files


def test_gers_network_seed_figures():
    """Gers: 24 structures, 17 cantons of 17, 30 518 then 38 792 accompaniments (+27,11 %)."""
    report = _audit("gers")
    data = json.loads((SAMPLES / "gers" / "declarations" / "gers-2023-10.json").read_text(encoding="utf-8"))
    totals = defaultdict(int)
    for s in data["structures"]:
        for a in s["attendance"]:
            totals[a["month"][:4]] += a["accompaniments"]
    assert (len(report.structures), totals["2022"], totals["2023"]) == (24, 30518, 38792)
    assert round(100 * (totals["2023"] - totals["2022"]) / totals["2022"], 2) == 27.11
    net02 = {s.result("FS-NET-02").message for s in report.structures}
    assert net02 == {"17 cantons couverts sur 17 dans le département Gers (32)"}


def test_gers_covers_auch_3():
    """Auch-3, the canton of the Garros priority neighbourhood, has its France services."""
    data = json.loads((SAMPLES / "gers" / "declarations" / "gers-2023-10.json").read_text(encoding="utf-8"))
    code = next(c["code"] for c in data["departement"]["cantons"] if c["name"] == "Auch-3")
    assert any(s["canton"] == code for s in data["structures"])


def test_occitanie_wave_by_departement():
    """Occitanie, May 2022: 11 candidates, 3 in 12, 3 in 30, 3 in 66 and 2 in 81."""
    report = _audit("occitanie-2022")
    counts = defaultdict(int)
    for s in report.structures:
        counts[s.departement] += 1
    assert dict(counts) == {"12": 3, "30": 3, "66": 3, "81": 2}
    assert {s.label_status for s in report.structures} == {"candidate"}


def test_occitanie_has_every_kind_of_candidate_decision():
    """The wave shows favourable, reserved and unfavourable outcomes."""
    codes = {s.decision.code.value for s in _audit("occitanie-2022").structures}
    assert {"avis_favorable", "avis_favorable_sous_reserve", "avis_defavorable"} <= codes


def test_every_rule_passes_and_fails_somewhere_in_samples():
    """Across the samples, every catalogue rule passes on a structure (when its check can pass) and
    does not pass on another."""
    statuses: dict[str, set[Status]] = defaultdict(set)
    for expected in sorted(SAMPLES.rglob("expected.json")):
        name = expected.parent.relative_to(SAMPLES).as_posix()
        for s in _audit(name).structures:
            for r in s.results:
                statuses[r.rule].add(r.status)
    can_pass = {rule.id for rule in all_rules() if Status.PASS in rule.statuses}
    missing_pass = [rule for rule in CATALOGUE if rule in can_pass and Status.PASS not in statuses[rule]]
    missing_other = [rule for rule in CATALOGUE if not statuses[rule] - {Status.PASS}]
    assert (missing_pass, missing_other) == ([], [])
