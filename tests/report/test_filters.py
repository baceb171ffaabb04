"""Filters choose what a report shows; the audit and its exit code stay whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from networks import SHORT_WEEK, structure, write_declaration
from report_json import read_v1

from fsaudit.cli.exitcodes import ExitCode
from fsaudit.report.filters import FilterError, parse_filter


@pytest.fixture
def two_departements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """32-A passes, 32-B fails its hours (bloquant), 65-C passes."""
    monkeypatch.chdir(tmp_path)
    write_declaration(
        Path("d.json"),
        [structure("32-A"), structure("32-B", opening_hours=SHORT_WEEK), structure("65-C", departement="65")],
    )
    return tmp_path


def _json(run, *options: str) -> tuple[int, dict]:
    code, _out, _err = run("audit", "d.json", "--as-of", "2025-09-01", "-f", "json", "-o", "r.json", *options)
    return code, read_v1("r.json")


def test_departement_filter_shows_its_structures_and_says_so(two_departements: Path, run) -> None:
    """--departement 65 shows 65-C only; the exit code is still the whole audit's (32-B fails)."""
    code, report = _json(run, "--departement", "65")
    assert code == ExitCode.FAILURES
    assert [s["id"] for s in report["structures"]] == ["65-C"]
    assert report["filter"] == {
        "description": "département 65",
        "departements": ["65"],
        "decisions": [],
        "rules": [],
        "statuses": [],
        "structures_shown": 1,
        "structures_audited": 3,
        "input_problems_hidden": 0,
    }


def test_rule_and_status_filters_keep_matching_results_only(two_departements: Path, run) -> None:
    """--regle FS-HOR-01 --statut « non conforme »: the structures failing it, with that result only."""
    _code, report = _json(run, "--regle", "fs-hor-01", "--statut", "non conforme")
    assert [(s["id"], [r["rule"] for r in s["results"]]) for s in report["structures"]] == [("32-B", ["FS-HOR-01"])]


def test_decision_filter_by_label_and_text_header(two_departements: Path, run) -> None:
    """A decision is chosen by code or French label; the text report says what it shows."""
    code, out, _err = run("audit", "d.json", "--as-of", "2025-09-01", "--decision", "Maintien conditionnel")
    assert code == ExitCode.FAILURES
    assert "Filtre : décision Maintien conditionnel — 1 structure(s) affichée(s) sur 3 auditée(s)" in out
    assert "[32-B]" in out and "[32-A]" not in out


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("departements", "3X", "--departement « 3X » : attendu un code de département (01 à 95, 2A, 2B, 971 à 989)"),
        ("rules", "FS-XXX-99", "--regle « FS-XXX-99 » inconnue : voir « fsaudit rules »"),
    ],
)
def test_a_filter_that_designates_nothing_is_refused(option: str, value: str, message: str) -> None:
    """A value that designates nothing is refused with what exists."""
    with pytest.raises(FilterError) as caught:
        parse_filter(**{option: [value]}, known_rules=["FS-HOR-01"])
    assert str(caught.value) == message


def test_unknown_status_lists_the_statuses() -> None:
    """An unknown status names every status, code and French label."""
    with pytest.raises(FilterError) as caught:
        parse_filter(statuses=["rouge"])
    assert str(caught.value).startswith("--statut « rouge » inconnu : attendu pass (conforme), fail (non conforme)")


def test_problems_of_a_file_not_read_are_always_shown(two_departements: Path, run) -> None:
    """A file none of whose structures was read belongs to no département: its error stays in
    every filtered report (it was hidden, while the exit code said 3), and a problem of a file
    whose structures are all filtered out is hidden and counted."""
    Path("casse.json").write_text("{", encoding="utf-8")
    Path("autre.json").write_text(json.dumps({"structures": [{**_unstructured("65-D"), "couleur": "bleu"}]}), "utf-8")
    code, _out, _err = run(
        "audit", "d.json", "casse.json", "autre.json", "--as-of", "2025-09-01", "-f", "json", "-o", "r.json",
        "--departement", "32",
    )  # fmt: skip
    report = read_v1("r.json")
    assert code == ExitCode.INPUT_ERROR
    assert [(e["path"], e["level"]) for e in report["errors"]] == [("casse.json", "erreur")]
    assert (report["summary"]["input_errors"], report["filter"]["input_problems_hidden"]) == (1, 1)


def _unstructured(ident: str) -> dict:
    from fsaudit.inputs.converter import unstructure

    return unstructure(structure(ident, departement="65"))


def test_a_departement_with_no_structure_is_said(two_departements: Path, run) -> None:
    """--departement 99 shows nothing: a warning says no structure of it was audited (a typo would
    otherwise look like a clean report)."""
    _code, _out, err = run(
        "audit", "d.json", "--as-of", "2025-09-01", "-f", "json", "-o", "r.json", "--departement", "99,65"
    )
    assert "avertissement : --departement 99 : aucune structure auditée de ce département" in err
    assert "--departement 65" not in err
