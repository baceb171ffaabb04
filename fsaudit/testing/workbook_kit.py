"""Spreadsheet fixtures: a workbook that carries its own expected results, checked by pytest.

A file named ``test_*.xlsx`` or ``test_*.ods`` in a test folder is a declaration workbook (the
layout of ``fsaudit template``) with one more sheet, « Attendus »:

=============  ==========  ===============  ===============
Identifiant    Règle       Statut attendu   Date d'audit
=============  ==========  ===============  ===============
32-001         FS-HOR-01   non conforme     2025-06-30
32-001         EXD-SAM-01  conforme
=============  ==========  ===============  ===============

The fsaudit pytest plugin audits the workbook once, with every installed plugin, at the audit
date of the sheet (the first one given), and turns each row into a test item that passes when
the rule's status on that structure is the one expected. A row may also name a decision
(« Règle » ``décision``, « Statut attendu » ``Avis favorable`` or ``avis_favorable``). Statuses
are written as in the reports (conforme, non conforme, avertissement, sans objet, à vérifier,
dérogation, erreur de règle) or as their codes (pass, fail…).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from fsaudit.model.result import DecisionCode
from fsaudit.model.rule import Status

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

SHEET = "Attendus"
DECISION = "decision"


def _key(text: Any) -> str:
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded.lower()).split())


_STATUS_WORDS = {_key(s.label): s for s in Status} | {_key(s.value): s for s in Status}
_DECISION_WORDS = {_key(d.label): d for d in DecisionCode} | {_key(d.value): d for d in DecisionCode}
_HEADERS = {
    "identifiant": "structure",
    "regle": "rule",
    "statut attendu": "expected",
    "date d audit": "as_of",
}


@attrs.frozen
class Expectation:
    """One expected result: where it is written and what it says."""

    cell: str
    structure: str
    rule: str
    expected: Status | DecisionCode


class ExpectationError(Exception):
    """The « Attendus » sheet cannot be read; the message is in French and names the cell."""


def _cell(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{SHEET}!{letters}{row + 1}"


def _as_date(value: Any, cell: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return _dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ExpectationError(f"{cell} : date d'audit invalide « {text} » : attendu AAAA-MM-JJ ou JJ/MM/AAAA")


def read_expectations(path: Path) -> tuple[_dt.date, list[Expectation]]:
    """The audit date and the expected results of the « Attendus » sheet of ``path``."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one French error
        raise ExpectationError(f"{path.name} : classeur illisible ({exc})") from None
    if SHEET not in workbook.sheet_names:
        raise ExpectationError(f"{path.name} : feuille « {SHEET} » absente")
    rows = workbook.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    if not rows:
        raise ExpectationError(f"{SHEET} : feuille vide, en-têtes attendus : Identifiant, Règle, Statut attendu")
    columns = {_HEADERS[_key(h)]: i for i, h in enumerate(rows[0]) if _key(h) in _HEADERS}
    missing = [
        name
        for name, field in (("Identifiant", "structure"), ("Règle", "rule"), ("Statut attendu", "expected"))
        if field not in columns
    ]
    if missing:
        raise ExpectationError(f"{SHEET}!1 : colonne(s) manquante(s) : {', '.join(missing)}")
    as_of: _dt.date | None = None
    found: list[Expectation] = []
    for r, row in enumerate(rows[1:], start=1):

        def value(field: str, row: list[Any] = row) -> Any:
            index = columns.get(field)
            return row[index] if index is not None and index < len(row) else None

        if all(v in (None, "") for v in row):
            continue
        if as_of is None and value("as_of") not in (None, ""):
            as_of = _as_date(value("as_of"), _cell(r, columns["as_of"]))
        structure = str(value("structure") or "").strip()
        rule = str(value("rule") or "").strip()
        expected_text = value("expected")
        expected_cell = _cell(r, columns["expected"])
        if not structure or not rule:
            raise ExpectationError(f"{_cell(r, columns['structure'])} : identifiant et règle sont obligatoires")
        if _key(rule) == DECISION:
            expected: Status | DecisionCode | None = _DECISION_WORDS.get(_key(expected_text))
            kind = "décision"
        else:
            expected = _STATUS_WORDS.get(_key(expected_text))
            kind = "statut"
        if expected is None:
            raise ExpectationError(f"{expected_cell} : {kind} attendu inconnu « {expected_text} »")
        found.append(Expectation(expected_cell, structure, rule.upper() if kind == "statut" else DECISION, expected))
    if as_of is None:
        raise ExpectationError(
            f"{SHEET} : colonne « Date d'audit » absente ou vide : la date de l'audit est obligatoire"
        )
    return as_of, found


class WorkbookFile(pytest.File):
    """A ``test_*.xlsx`` / ``test_*.ods`` workbook: one test item per expected result."""

    _report: Any = None

    def collect(self) -> Iterator[pytest.Item]:
        try:
            as_of, expectations = read_expectations(self.path)
        except ExpectationError as exc:
            raise self.CollectError(str(exc)) from None
        self.as_of = as_of
        for item in expectations:
            yield ExpectationItem.from_parent(self, name=f"{item.structure}::{item.rule}", expectation=item)

    def report(self) -> Any:
        """The audit of the workbook, made once for all its items."""
        if self._report is None:
            from fsaudit.run.engine import audit

            self._report = audit([str(self.path)], as_of=self.as_of)
        return self._report


class ExpectationItem(pytest.Item):
    """One row of « Attendus »."""

    def __init__(self, *, expectation: Expectation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expectation = expectation

    def runtest(self) -> None:
        workbook = self.parent
        assert isinstance(workbook, WorkbookFile)  # every expectation is collected from its workbook
        report = workbook.report()
        e = self.expectation
        if report.errors:
            problems = "; ".join(f"{p.location} : {p.message}" for p in report.errors)
            raise ExpectationFailure(f"{e.cell} : le classeur a des erreurs de saisie : {problems}")
        structure = next((s for s in report.structures if s.id == e.structure), None)
        if structure is None:
            raise ExpectationFailure(f"{e.cell} : structure « {e.structure} » absente du classeur audité")
        if e.rule == DECISION:
            actual = structure.decision.code
            if actual is not e.expected:
                raise ExpectationFailure(
                    f"{e.cell} : décision de {e.structure} : attendu « {e.expected.label} », obtenu « {actual.label} »"
                )
            return
        result = structure.result(e.rule)
        if result is None:
            raise ExpectationFailure(f"{e.cell} : aucune règle {e.rule} n'a été appliquée à {e.structure}")
        if result.status is not e.expected:
            raise ExpectationFailure(
                f"{e.cell} : {e.rule} sur {e.structure} : attendu « {e.expected.label} », "
                f"obtenu « {result.status.label} » ({result.message}) [{result.location}]"
            )

    def repr_failure(self, excinfo: Any, style: Any = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, ExpectationFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.expectation.cell} {self.name}"


class ExpectationFailure(AssertionError):
    """An expected result the audit did not give."""
