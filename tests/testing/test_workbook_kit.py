"""The spreadsheet fixture kit: a workbook's « Attendus » sheet becomes pytest items."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "workbook" / "declaration-exemple.xlsx"


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book.create_sheet("Attendus")
    sheet.append(["Identifiant", "Règle", "Statut attendu", "Date d'audit"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_expected_results_pass_and_fail(pytester: pytest.Pytester) -> None:
    """Each row is one test; a wrong expectation fails with the cell, rule and both statuses."""
    _workbook(
        pytester.path / "test_exemple.xlsx",
        [
            ["EX-32-001", "FS-HOR-01", "conforme", "2025-06-30"],
            ["EX-32-002", "FS-AGT-01", "non conforme", None],
            ["EX-32-004", "FS-HOR-01", "pass", None],
            ["EX-32-001", "décision", "Maintien du label", None],
        ],
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Attendus!C4 : FS-HOR-01 sur EX-32-004 : attendu « conforme », obtenu « avertissement »*",
        ]
    )


def test_unknown_status_is_a_collection_error(pytester: pytest.Pytester) -> None:
    """An unreadable expectation names its cell."""
    _workbook(pytester.path / "test_mauvais.xlsx", [["EX-32-001", "FS-HOR-01", "parfait", "2025-06-30"]])
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.stdout.fnmatch_lines(["*Attendus!C2 : statut attendu inconnu « parfait »*"])
    assert result.ret != 0


def test_audit_date_is_required(pytester: pytest.Pytester) -> None:
    """Without an audit date the workbook cannot be checked deterministically."""
    _workbook(pytester.path / "test_sans_date.xlsx", [["EX-32-001", "FS-HOR-01", "conforme", None]])
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.stdout.fnmatch_lines(["*colonne « Date d'audit » absente ou vide*"])
    assert result.ret != 0
