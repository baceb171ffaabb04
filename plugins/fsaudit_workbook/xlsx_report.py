"""The Excel audit report (``--format xlsx -o rapport.xlsx``).

Sheets: « Synthèse » (one row per structure, with its count of input errors and warnings),
« Constats » (one row per result, filterable, coloured by status and severity, linked back to
the cell of the input workbook), « Plan d'actions », « Référentiel » (rules applied and the
values in force, named in French, with their sources), « Décisions par département » (with a
chart), « Erreurs » (every input problem, error or warning, beside the structure it belongs to,
then the problems of no structure and the plugin errors), and one sheet per report section that
has rows. Every text that came from an input is written as text, never as a formula; the
workbook's properties are fixed, so that the same audit gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from typing import Any

from fsaudit import (
    AuditReport,
    DecisionCode,
    Reporter,
    Severity,
    Status,
    fr_count,
    fr_field,
    fr_referential_key,
    input_issues,
    natural_key,
    shown_path,
    visible,
)
from fsaudit_workbook.scan import column_letter
from fsaudit_workbook.template import save_openpyxl, set_text

__all__ = ["REPORTER", "cell_link", "render_xlsx"]

_WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".ods")
_CELL_LOCATION = re.compile(r"^(?:'(?:[^']|'')+'|[^'!]+)![A-Z]{1,3}[0-9]+$")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL = 32767

STATUS_FILLS = {
    Status.PASS: "C6EFCE",
    Status.FAIL: "FFC7CE",
    Status.WARN: "FFEB9C",
    Status.MANUAL: "DDEBF7",
    Status.ERROR: "E4C1F9",
    Status.WAIVED: "D9E1F2",
    Status.NOT_APPLICABLE: "EDEDED",
}
SEVERITY_FILLS = {
    Severity.BLOQUANT: "C00000",
    Severity.MAJEUR: "F4B084",
    Severity.MINEUR: "FFE699",
    Severity.INFO: "EDEDED",
}
_DECISION_FILLS = {0: "C6EFCE", 1: "FFEB9C", 2: "DDEBF7", 3: "FFC7CE"}
_HEADER_FILL = "DDEBF7"


def clean(text: str) -> str:
    """Text a cell can hold: bytes of a file name that were not UTF-8 written visibly
    (``caf\\xe9.json``), other characters XML forbids replaced by U+FFFD, cut to the cell limit."""
    text = _ILLEGAL.sub("\ufffd", visible(text))
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def cell_link(path: str, location: str) -> str | None:
    """The hyperlink to ``location`` (``Horaires!C12``) in the input workbook ``path``, if both allow one."""
    if not path.lower().endswith(_WORKBOOK_EXTENSIONS) or not _CELL_LOCATION.match(location):
        return None
    if shown_path(path) != path:
        return None  # a name that is not UTF-8 (or holds a control character) cannot be linked to
    return f"{path}#{location}"


class _Sheet:
    """A worksheet being filled row by row, with a header row, widths and filters."""

    def __init__(self, ws: Any, headers: list[str], widths: list[float], header_row: int = 1) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.header_row = header_row
        self.row = header_row
        self.width = len(headers)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = ws.cell(row=header_row, column=col)
            set_text(cell, header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[column_letter(col - 1)].width = width
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate

    def append(self, values: list[Any]) -> int:
        self.row += 1
        for col, value in enumerate(values, start=1):
            write(self.ws.cell(row=self.row, column=col), value)
        return self.row

    def finish(self) -> None:
        last = column_letter(self.width - 1)
        self.ws.auto_filter.ref = f"A{self.header_row}:{last}{max(self.row, self.header_row + 1)}"


def write(cell: Any, value: Any) -> None:
    """Write a value with an explicit type: text stays text, dates are dates."""
    if value is None:
        return
    if isinstance(value, bool):
        set_text(cell, "oui" if value else "non")
    elif isinstance(value, int | float):
        cell.value = value
    elif isinstance(value, _dt.datetime):
        set_text(cell, value.isoformat())
    elif isinstance(value, _dt.date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
    else:
        set_text(cell, clean(str(value)))


def _fill(cell: Any, color: str, *, white: bool = False) -> None:
    from openpyxl.styles import Font, PatternFill

    cell.fill = PatternFill("solid", fgColor=color)
    if white:
        cell.font = Font(color="FFFFFF", bold=True)


def _link(cell: Any, path: str, location: str) -> None:
    from openpyxl.styles import Font

    target = cell_link(path, location)
    if target is not None:
        cell.hyperlink = clean(target)
        cell.font = Font(color="0563C1", underline="single")


def _synthese(wb: Any, report: AuditReport) -> None:
    from openpyxl.styles import Font

    ws = wb.active
    ws.title = "Synthèse"
    ref = report.referential
    title = ws.cell(row=1, column=1)
    set_text(title, "Audit France services — synthèse")
    title.font = Font(bold=True, size=14)
    set_text(ws.cell(row=2, column=1), "Date de l'audit")
    write(ws.cell(row=2, column=2), report.as_of)
    set_text(ws.cell(row=3, column=1), "Référentiel")
    set_text(ws.cell(row=3, column=2), clean(f"{ref.id} — {ref.title}") if ref else "aucun")
    set_text(ws.cell(row=4, column=1), "Version de fsaudit")
    set_text(ws.cell(row=4, column=2), report.fsaudit_version)
    errors = len(report.input_errors)
    set_text(ws.cell(row=5, column=1), "Saisie")
    set_text(
        ws.cell(row=5, column=2),
        f"{fr_count(errors, 'erreur de saisie', 'erreurs de saisie')}, "
        f"{fr_count(len(report.errors) - errors, 'avertissement de saisie', 'avertissements de saisie')} "
        "(détail : feuille « Erreurs »)",
    )
    statuses = list(Status)
    headers = ["Identifiant", "Structure", "Département", "Statut du label", "Décision", "Score (%)"]
    headers += [s.label.capitalize() for s in statuses]
    headers += ["Erreurs de saisie", "Avertissements de saisie", "Motifs", "Notes", "Fichier", "Emplacement"]
    widths = [16, 36, 12, 14, 26, 10] + [11] * len(statuses) + [11, 13, 60, 30, 28, 18]
    sheet = _Sheet(ws, headers, widths, header_row=6)
    labels = {"candidate": "candidate", "labelled": "labellisée"}
    split = input_issues(report)
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        counts = s.counts()
        wrong = sum(1 for issue in issues if issue.is_error)
        row = sheet.append(
            [s.id, s.name, s.departement, labels.get(s.label_status or "", s.label_status), s.decision.label, s.score]
            + [counts[st.value] for st in statuses]
            + [wrong, len(issues) - wrong, " ; ".join(s.decision.reasons), " ; ".join(s.notes) or None,
               shown_path(s.path), s.location]
        )
        _fill(ws.cell(row=row, column=5), _DECISION_FILLS[s.decision.code.rank])
        if wrong:
            _fill(ws.cell(row=row, column=7 + len(statuses)), STATUS_FILLS[Status.ERROR])
        _link(ws.cell(row=row, column=len(headers)), s.path, s.location)
    sheet.finish()


def _constats(wb: Any, report: AuditReport) -> None:
    ws = wb.create_sheet("Constats")
    titles = {rule.id: rule.title for rule in report.rules}
    headers = ["Identifiant", "Structure", "Règle", "Titre", "Statut", "Gravité", "Message", "Emplacement",
               "Vérifié manuellement", "Fichier"]
    sheet = _Sheet(ws, headers, [16, 30, 12, 34, 16, 11, 70, 18, 12, 28])
    for s in report.structures:
        for r in s.results:
            row = sheet.append([s.id, s.name, r.rule, titles.get(r.rule, ""), r.status.label, r.severity.value,
                                r.message, r.location, "oui" if r.manual else None, shown_path(s.path)])
            _fill(ws.cell(row=row, column=5), STATUS_FILLS[r.status])
            _fill(ws.cell(row=row, column=6), SEVERITY_FILLS[r.severity], white=r.severity is Severity.BLOQUANT)
            _link(ws.cell(row=row, column=8), s.path, r.location)
    sheet.finish()


def _actions(wb: Any, report: AuditReport) -> None:
    ws = wb.create_sheet("Plan d'actions")
    headers = ["Identifiant", "Structure", "Décision", "Règle", "Gravité", "Action", "Échéance", "Nature du délai"]
    sheet = _Sheet(ws, headers, [16, 30, 26, 12, 11, 70, 12, 60])
    for s in report.structures:
        for a in s.decision.actions:
            nature = a.deadline_basis or ("délai indicatif" if a.indicative else None)
            row = sheet.append([s.id, s.name, s.decision.label, a.rule, a.severity.value, a.action, a.deadline, nature])
            _fill(ws.cell(row=row, column=5), SEVERITY_FILLS[a.severity], white=a.severity is Severity.BLOQUANT)
    sheet.finish()


def _referentiel(wb: Any, report: AuditReport) -> None:
    ws = wb.create_sheet("Référentiel")
    ref = report.referential
    headers = ["Règle", "Titre", "Gravité appliquée", "Domaine", "Champ d'application", "Exigence", "Source",
               "Confiance"]
    sheet = _Sheet(ws, headers, [12, 34, 12, 14, 30, 60, 60, 10])
    for rule in report.rules:
        severity = ref.severity_for(rule.id, rule.severity.value) if ref else rule.severity.value
        sheet.append([rule.id, rule.title, severity, rule.domain, rule.applies_to, rule.reference.text,
                      rule.reference.source, rule.reference.confidence])
    sheet.finish()
    if ref is None:
        return
    start = sheet.row + 3
    values = _Sheet.__new__(_Sheet)
    values.ws, values.header_row, values.row, values.width = ws, start, start, 4
    from openpyxl.styles import Font

    values.width = 5
    value_headers = ["Valeur du référentiel", "Valeur", "Source", "Note", "Clé (fichier du référentiel)"]
    for col, header in enumerate(value_headers, start=1):
        cell = ws.cell(row=start, column=col)
        set_text(cell, header)
        cell.font = Font(bold=True)
    set_text(ws.cell(row=start - 1, column=1), clean(f"{ref.id} — {ref.title} (en vigueur au {ref.valid_from:%d/%m/%Y}, "
                                                     f"fichier {ref.path}, sha256 {ref.sha256})"))
    for key in sorted(ref.values):
        item = ref.values[key]
        source = ref.sources.get(item.source, {})
        cited = f"{source.get('title', item.source)} [{source.get('confidence', '?')}]"
        values.append([fr_referential_key(key, ref), _referential_value(item.value), cited, item.note, key])


def _referential_value(value: Any) -> Any:
    """A referential value as an auditor reads it: ``oui``/``non``, a status in French, a date."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        if value in Status._value2member_map_:
            return Status(value).label
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value if isinstance(value, int | float) else str(value)


def _decisions(wb: Any, report: AuditReport) -> None:
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet("Décisions par département")
    present = [code for code in DecisionCode if any(s.decision.code is code for s in report.structures)]
    headers = ["Département"] + [code.label for code in present] + ["Total"]
    sheet = _Sheet(ws, headers, [16] + [14] * len(present) + [10])
    by_dep: dict[str, Counter[DecisionCode]] = {}
    for s in report.structures:
        by_dep.setdefault(s.departement or "non renseigné", Counter())[s.decision.code] += 1
    for dep in sorted(by_dep, key=natural_key):
        counts = by_dep[dep]
        sheet.append([dep] + [counts.get(code, 0) for code in present] + [sum(counts.values())])
    if not present:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Décisions par département"
    chart.y_axis.title = "Structures"
    chart.x_axis.title = "Département"
    data = Reference(ws, min_col=2, max_col=1 + len(present), min_row=1, max_row=sheet.row)
    categories = Reference(ws, min_col=1, min_row=2, max_row=sheet.row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.width = 24
    chart.height = 12
    ws.add_chart(chart, f"{column_letter(len(headers) + 1)}2")


def _errors(wb: Any, report: AuditReport) -> None:
    ws = wb.create_sheet("Erreurs")
    headers = ["Origine", "Niveau", "Identifiant", "Structure", "Donnée", "Fichier ou plugin", "Emplacement"]
    headers.append("Message")
    sheet = _Sheet(ws, headers, [10, 14, 16, 30, 30, 30, 18, 90])
    split = input_issues(report)
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        for issue in issues:
            row = sheet.append(["saisie", issue.level, s.id, s.name,
                                fr_field(issue.field) if issue.field is not None else None,
                                shown_path(s.path), issue.location, issue.message])
            _fill(ws.cell(row=row, column=2), STATUS_FILLS[Status.ERROR if issue.is_error else Status.WARN])
            _link(ws.cell(row=row, column=7), s.path, issue.location)
    for problem in split.apart:
        where = [shown_path(problem.path), problem.location]
        row = sheet.append(["saisie", problem.level, None, None, None, *where, problem.message])
        _fill(ws.cell(row=row, column=2), STATUS_FILLS[Status.ERROR if problem.is_error else Status.WARN])
        _link(ws.cell(row=row, column=7), problem.path, problem.location)
    for error in report.plugin_errors:
        sheet.append(["plugin", "erreur", None, None, None, error.plugin, None, error.message])
    sheet.finish()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", clean(title)).strip("' ") or "Section"
    base = base[:31]
    name = base
    n = 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _sections(wb: Any, report: AuditReport) -> None:
    taken = {name.lower() for name in wb.sheetnames}
    for section in report.sections:
        if not section.rows:
            continue
        ws = wb.create_sheet(_sheet_title(section.title, taken))
        keys: list[str] = []
        for row in section.rows:
            keys.extend(k for k in row if k not in keys)
        sheet = _Sheet(ws, [str(k) for k in keys], [max(12, min(40, len(str(k)) + 4)) for k in keys])
        for row in section.rows:
            sheet.append([_plain(row.get(k)) for k in keys])
        sheet.finish()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | _dt.date):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def render_xlsx(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The Excel report as bytes; the same report always gives the same bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    _synthese(wb, report)
    _constats(wb, report)
    _actions(wb, report)
    _referentiel(wb, report)
    _decisions(wb, report)
    _errors(wb, report)
    _sections(wb, report)
    when = _dt.datetime.combine(report.as_of, _dt.time())
    return save_openpyxl(wb, when)


REPORTER = Reporter(
    name="xlsx",
    description="Classeur Excel : synthèse, constats liés aux cellules, plan d'actions, référentiel, graphique",
    extension=".xlsx",
    render=render_xlsx,
    binary=True,
)
