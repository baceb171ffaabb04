"""The Excel audit report (``--format xlsx -o rapport.xlsx``).

Sheets: « Synthèse » (one row per structure: decision, reasons, counts, input errors and
warnings), « Identité » (what each structure is and where, as declared; an unread fact reads
« illisible »; the file and place of its declaration), « Constats » (one row per result, the most
serious first, with its evidence, the auditor's answer or the waiver, linked back to the cell of
the input workbook), « Plan d'actions » (each deadline with its nature: « délai indicatif »),
« Décisions par département » (with a chart), « Erreurs » (every input problem, error or warning,
beside the structure it belongs to, then the problems of no structure and the plugin errors),
« Référentiel » (the rules applied, with their sources), « Valeurs du référentiel » (the values in
force, named in French), and one sheet per report section that has rows.

Every sheet prints on A4 landscape, fitted to the page width, its header row repeated on each
page, text wrapped in its cell (nothing cut). Colour means something: only non-conformities are
coloured, by severity; a passing result is green; decisions have the colours of the HTML report.
Every text that came from an input is written as text, never as a formula; the workbook's
properties are fixed, so that the same audit gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import math
import re
import unicodedata
import zipfile
from collections import Counter
from typing import Any

from fsaudit import (
    AuditReport,
    DecisionCode,
    Location,
    Reporter,
    Result,
    Severity,
    Status,
    evidence_text,
    fr_count,
    fr_date,
    fr_field,
    fr_referential_key,
    identity_facts,
    input_issues,
    natural_key,
    shown_path,
    visible,
    waiver_text,
)
from fsaudit_workbook.scan import column_letter, xlsx_sheet_names
from fsaudit_workbook.template import save_openpyxl, set_text

__all__ = [
    "DECISION_COLOURS",
    "DECISION_FILLS",
    "PASS_FILL",
    "REPORTER",
    "SEVERITY_FILLS",
    "cell_link",
    "is_xlsx_report",
    "render_xlsx",
]

_WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".ods")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL = 32767

PASS_FILL = "C6EFCE"  # noqa: S105 - a colour, not a password
"""A passing result (« conforme »): green. Every other status but « non conforme » stays neutral."""
SEVERITY_FILLS = {
    Severity.BLOQUANT: "C9191E",
    Severity.MAJEUR: "F4B084",
    Severity.MINEUR: "FFE699",
    Severity.INFO: "D9D9D9",
}
"""A non-conformity (and its action), by severity; a « bloquant » one is written in white."""
DECISION_COLOURS = {
    DecisionCode.AVIS_FAVORABLE: "18753C",
    DecisionCode.MAINTIEN: "6FB584",
    DecisionCode.AVIS_FAVORABLE_SOUS_RESERVE: "B34000",
    DecisionCode.MAINTIEN_PLAN_ACTIONS: "E8915A",
    DecisionCode.INSTRUCTION_INCOMPLETE: "3A55D1",
    DecisionCode.AVIS_DEFAVORABLE: "C9191E",
    DecisionCode.MAINTIEN_CONDITIONNEL: "E8797C",
}
"""The chart's colour of each decision: the HTML report's colour of its group (green favorable,
orange with reservations, blue incomplete, red unfavourable), lighter for a label renewal."""
DECISION_FILLS = {0: "C6EFCE", 1: "FCE4D6", 2: "D9E1F2", 3: "FFC7CE"}
"""Light fill of a decision's cell in « Synthèse », by rank (the same hues as the chart)."""

_HEADER_FILL = "DDEBF7"
_BORDER = "BFBFBF"
_FONT = "Arial"
"""Arial (LibreOffice prints it with the metric-compatible Liberation Sans): the same layout everywhere."""
_FONT_SIZE = 10
"""The default font's size: column widths are counted in its digit (7 pixels at 96 dpi)."""
_TEXT_SIZE = 9
"""The size of the text in the tables."""
_MARGIN_CM = 1.0
_STATUS_ORDER = {
    Status.FAIL: 0,
    Status.ERROR: 1,
    Status.MANUAL: 2,
    Status.WARN: 3,
    Status.WAIVED: 4,
    Status.PASS: 5,
    Status.NOT_APPLICABLE: 6,
}
"""Order of a structure's results in « Constats », as in the HTML fiche: the most serious first."""


def clean(text: str) -> str:
    """Text a cell can hold: bytes of a file name that were not UTF-8 written visibly
    (``caf\\xe9.json``), other characters XML forbids replaced by U+FFFD, cut to the cell limit."""
    text = _ILLEGAL.sub("\ufffd", visible(text))
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def cell_link(path: str, location: str) -> str | None:
    """The hyperlink to ``location`` (``Horaires!C12``) in the input workbook ``path``, if both allow one."""
    if not path.lower().endswith(_WORKBOOK_EXTENSIONS) or Location.of(location).kind != "cell":
        return None
    if shown_path(path) != path:
        return None  # a name that is not UTF-8 (or holds a control character) cannot be linked to
    return f"{path}#{location}"


class _Styles:
    """The workbook's named cell styles (one per look), created on first use.

    A named style is one assignment per cell: the national list's report (70,000 results) keeps
    its speed, and a user sees the looks by name in the spreadsheet's style list.
    """

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.made: set[str] = set()

    def __call__(self, kind: str = "texte", fill: str | None = None, *, white: bool = False) -> str:
        name = f"fsaudit {kind}" + (f" {fill}" if fill else "")
        if name not in self.made:
            self.wb.add_named_style(self._make(name, kind, fill, white))
            self.made.add(name)
        return name

    @staticmethod
    def _make(name: str, kind: str, fill: str | None, white: bool) -> Any:
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        style = NamedStyle(name=name)
        side = Side(style="thin", color=_BORDER)
        bold = kind == "en-tête" or white
        colour = "FFFFFF" if white else ("0563C1" if kind == "lien" else None)
        style.font = Font(
            name=_FONT, size=_TEXT_SIZE, bold=bold, color=colour, underline="single" if kind == "lien" else None
        )
        style.alignment = Alignment(
            wrap_text=True,
            vertical="center" if kind == "en-tête" else "top",
            horizontal="right" if kind == "nombre" else None,
        )
        if kind != "titre":
            style.border = Border(left=side, right=side, top=side, bottom=side)
        if kind == "en-tête":
            fill = fill or _HEADER_FILL
        if fill:
            style.fill = PatternFill("solid", fgColor=fill)
        if kind == "date":
            style.number_format = "DD/MM/YYYY"
        if kind == "titre":
            style.font = Font(name=_FONT, size=14, bold=True)
            style.alignment = Alignment(vertical="top")
        return style


def _print_setup(ws: Any, report: AuditReport, title_rows: str | None) -> None:
    """A4 landscape, one page wide (as many pages down as needed), the header rows on every page,
    and a footer saying what the page is."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    inch = _MARGIN_CM / 2.54
    ws.page_margins.left = ws.page_margins.right = inch
    ws.page_margins.top = ws.page_margins.bottom = 1.5 * inch
    ws.page_margins.header = ws.page_margins.footer = 0.6 * inch
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = f"Audit France services au {fr_date(report.as_of)} — fsaudit {report.fsaudit_version}"
    ws.oddFooter.center.text = "&A"
    ws.oddFooter.right.text = "page &P sur &N"
    for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right):
        part.size = 8


_ARIAL_WIDTHS = (
    278,
    278,
    355,
    556,
    556,
    889,
    667,
    191,
    333,
    333,
    389,
    584,
    278,
    333,
    278,
    278,  # space to /
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    278,
    278,
    584,
    584,
    584,
    556,  # 0 to ?
    1015,
    667,
    667,
    722,
    722,
    667,
    611,
    778,
    722,
    278,
    500,
    667,
    556,
    833,
    722,
    778,  # @ to O
    667,
    778,
    722,
    667,
    611,
    722,
    667,
    944,
    667,
    667,
    611,
    278,
    278,
    278,
    469,
    556,  # P to _
    333,
    556,
    556,
    500,
    556,
    556,
    278,
    556,
    556,
    222,
    222,
    500,
    222,
    833,
    556,
    556,  # ` to o
    556,
    556,
    333,
    500,
    278,
    556,
    500,
    722,
    500,
    500,
    500,
    334,
    260,
    334,
    584,  # p to ~
)
"""Advance widths of Arial's printable ASCII characters, in thousandths of an em."""


def _advance(char: str) -> int:
    """The width of ``char`` in Arial, in thousandths of an em (an accented letter as its letter)."""
    code = ord(unicodedata.normalize("NFD", char)[0]) if char else 32
    if 32 <= code < 127:
        return _ARIAL_WIDTHS[code - 32]
    return 1000 if unicodedata.east_asian_width(char) in ("W", "F") else 600


@functools.lru_cache(maxsize=1 << 16)
def _word_width(word: str) -> int:
    """The width of ``word`` in Arial (thousandths of an em); a report repeats its words a lot."""
    return sum(_advance(char) for char in word)


def text_lines(text: str, width: float, *, bold: bool = False, size: float = _TEXT_SIZE) -> int:
    """How many lines ``text`` takes in Arial of ``size`` points, wrapped at spaces in a column
    ``width`` wide.

    LibreOffice does not size the rows of an .xlsx to their wrapped text (Excel does, unless the
    file gives the height): the report gives every row its height. A width is counted in digits
    of the default font (Arial 10: 7 pixels at 96 dpi, as Excel rounds it; LibreOffice's columns
    are slightly wider), less the cell's padding (4 pixels); words are wrapped whole, as the
    spreadsheet does, a word longer than a line over several lines. Bold is taken 8 % wider; 3 %
    of each line is left spare.
    """
    em = size * 96 / 72  # pixels
    capacity = max(500.0, (7 * width - 4) / em * 1000 * 0.97 / (1.08 if bold else 1.0))
    space = _ARIAL_WIDTHS[0]
    count = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split(" "):
            size = _word_width(word)
            if used and used + space + size <= capacity:
                used += space + size
                continue
            if used:
                lines += 1
            extra = max(0, math.ceil(size / capacity) - 1)  # a word longer than a line
            lines += extra
            used = size - extra * capacity
        count += lines
    return count


def row_height(lines: int, size: float = _TEXT_SIZE) -> float:
    """The height in points of a row of ``lines`` lines of text."""
    return round(lines * size * 1.28 + 3, 1)


class _Sheet:
    """A worksheet being filled row by row under a header row: widths, styles, heights, filter,
    print set-up."""

    def __init__(self, ws: Any, styles: _Styles, headers: list[str], widths: list[float], header_row: int = 1) -> None:
        self.ws = ws
        self.styles = styles
        self.header_row = header_row
        self.row = header_row
        self.width = len(headers)
        self.widths = widths
        for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = ws.cell(row=header_row, column=col)
            set_text(cell, header)
            cell.style = styles("en-tête")
            ws.column_dimensions[column_letter(col - 1)].width = width
        lines = max(text_lines(h, w, bold=True) for h, w in zip(headers, widths, strict=True))
        ws.row_dimensions[header_row].height = row_height(lines)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate

    def append(self, values: list[Any]) -> int:
        self.row += 1
        lines = 1
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=col)
            write(cell, value)
            if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
                kind = "date"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                kind = "nombre"
            else:
                kind = "texte"
                if isinstance(cell.value, str):
                    lines = max(lines, text_lines(cell.value, self.widths[col - 1]))
            cell.style = self.styles(kind)
        self.ws.row_dimensions[self.row].height = row_height(lines)
        return self.row

    def paint(self, col: int, fill: str, *, white: bool = False) -> None:
        """Fill the cell of column ``col`` in the last row."""
        cell = self.ws.cell(row=self.row, column=col)
        cell.style = self.styles("nombre" if isinstance(cell.value, int | float) else "texte", fill, white=white)

    def link(self, col: int, path: str, location: str) -> None:
        """Link the cell of column ``col`` in the last row to ``location`` in the input workbook ``path``."""
        target = cell_link(path, location)
        if target is not None:
            cell = self.ws.cell(row=self.row, column=col)
            cell.hyperlink = clean(target)
            cell.style = self.styles("lien")

    def finish(self, report: AuditReport) -> None:
        last = column_letter(self.width - 1)
        self.ws.auto_filter.ref = f"A{self.header_row}:{last}{max(self.row, self.header_row + 1)}"
        _print_setup(self.ws, report, f"{self.header_row}:{self.header_row}")


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
    else:
        set_text(cell, clean(str(value)))


def _heading_lines(ws: Any, styles: _Styles, lines: list[tuple[str, str]], width: int, chars: float) -> None:
    """Label/value lines above a table (rows 2…): the value spans the table's width, wrapped, its row
    high enough for the whole text (a merged cell does not grow by itself)."""
    for row, (label, value) in enumerate(lines, start=2):
        head = ws.cell(row=row, column=1)
        set_text(head, label)
        head.style = styles("en-tête")
        cell = ws.cell(row=row, column=2)
        set_text(cell, clean(value))
        cell.style = styles("texte")
        if width > 2:
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
        lines_needed = max(text_lines(value, chars), text_lines(label, ws.column_dimensions["A"].width, bold=True))
        ws.row_dimensions[row].height = row_height(lines_needed)


def _title(ws: Any, styles: _Styles, text: str) -> None:
    cell = ws.cell(row=1, column=1)
    set_text(cell, text)
    cell.style = styles("titre")
    ws.row_dimensions[1].height = 22


_SYNTHESE_HEADERS = [
    "Identifiant",
    "Structure",
    "Département",
    "Statut du label",
    "Décision",
    "Score (%)",
    "Conformes",
    "Non conformes",
    "À vérifier",
    "Autres résultats",
    "Erreurs de saisie",
    "Avertissements de saisie",
    "Motifs",
]
_SYNTHESE_WIDTHS = [13, 24, 13, 11, 17, 7, 10, 9, 9, 17, 9, 13, 40]
_OTHER_STATUSES = (Status.WARN, Status.WAIVED, Status.ERROR, Status.NOT_APPLICABLE)
_PLURALS = {
    Status.WARN: "avertissements",
    Status.WAIVED: "dérogations",
    Status.ERROR: "erreurs de règle",
    Status.NOT_APPLICABLE: "sans objet",
}


def _synthese(wb: Any, styles: _Styles, report: AuditReport) -> None:
    ws = wb.active
    ws.title = "Synthèse"
    ref = report.referential
    _title(ws, styles, "Audit France services — synthèse")
    errors = len(report.input_errors)
    saisie = (
        f"{fr_count(errors, 'erreur de saisie', 'erreurs de saisie')}, "
        f"{fr_count(len(report.errors) - errors, 'avertissement de saisie', 'avertissements de saisie')} "
        "(détail : feuille « Erreurs »)"
    )
    date_cell = [("Date de l'audit", fr_date(report.as_of))]
    referential = clean(f"{ref.id} — {ref.title}") if ref else "aucun"
    lines = [
        *date_cell,
        ("Référentiel", referential),
        ("Version de fsaudit", report.fsaudit_version),
        ("Saisie", saisie),
        *((("Filtre", clean(report.filter.line().removeprefix("Filtre : "))),) if report.filter is not None else ()),
    ]
    sheet = _Sheet(ws, styles, _SYNTHESE_HEADERS, _SYNTHESE_WIDTHS, header_row=6)
    _heading_lines(ws, styles, lines, len(_SYNTHESE_HEADERS), sum(_SYNTHESE_WIDTHS[1:]))
    labels = {"candidate": "candidate", "labelled": "labellisée"}
    split = input_issues(report)
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        counts = s.counts()
        wrong = sum(1 for issue in issues if issue.is_error)
        others = ", ".join(
            fr_count(counts[st.value], st.label, _PLURALS[st]) for st in _OTHER_STATUSES if counts[st.value]
        )
        sheet.append(
            [
                s.id,
                s.name,
                s.departement,
                labels.get(s.label_status or "", s.label_status),
                s.decision.label,
                s.score,
                counts[Status.PASS.value],
                counts[Status.FAIL.value],
                counts[Status.MANUAL.value],
                others or None,
                wrong,
                len(issues) - wrong,
                "\n".join(s.decision.reasons) or None,
            ]
        )
        sheet.paint(5, DECISION_FILLS[s.decision.code.rank])
        if counts[Status.FAIL.value]:
            worst = max((r.severity for r in s.results if r.status is Status.FAIL), key=lambda sev: sev.rank)
            sheet.paint(8, SEVERITY_FILLS[worst], white=worst is Severity.BLOQUANT)
    sheet.finish(report)


def _identite(wb: Any, styles: _Styles, report: AuditReport) -> None:
    ws = wb.create_sheet("Identité")
    headers = ["Identifiant", "Structure", "Département", "Identité déclarée", "Fichier", "Emplacement", "Notes"]
    sheet = _Sheet(ws, styles, headers, [13, 24, 13, 58, 26, 18, 28])
    for s in report.structures:
        facts = "\n".join(f"{label} : {value}" for label, value in identity_facts(s))
        sheet.append(
            [
                s.id,
                s.name,
                s.departement,
                facts or "rien de déclaré",
                shown_path(s.path),
                s.location,
                "\n".join(s.notes) or None,
            ]
        )
        sheet.link(6, s.path, s.location)
    sheet.finish(report)


def _elements(r: Result) -> str | None:
    """What a finding rests on, in French: its evidence, the auditor's answer, the waiver."""
    parts = []
    if r.evidence:
        parts.append(evidence_text(r.evidence))
    if r.manual:
        parts.append("réponse de l'auditeur (feuille Vérifications)")
    if r.waiver:
        parts.append(f"dérogation : {waiver_text(r.waiver)}")
    return "\n".join(parts) or None


def _constats(wb: Any, styles: _Styles, report: AuditReport) -> None:
    ws = wb.create_sheet("Constats")
    titles = {rule.id: rule.title for rule in report.rules}
    headers = ["Identifiant", "Règle", "Titre", "Statut", "Gravité", "Constat", "Éléments", "Emplacement"]
    sheet = _Sheet(ws, styles, headers, [13, 10, 26, 12, 9, 46, 40, 18])
    for s in report.structures:
        ordered = sorted(s.results, key=lambda r: (_STATUS_ORDER[r.status], -r.severity.rank, r.rule))
        for r in ordered:
            sheet.append(
                [
                    s.id,
                    r.rule,
                    titles.get(r.rule, ""),
                    r.status.label,
                    r.severity.value,
                    r.message,
                    _elements(r),
                    r.location,
                ]
            )
            if r.status is Status.FAIL:
                white = r.severity is Severity.BLOQUANT
                sheet.paint(4, SEVERITY_FILLS[r.severity], white=white)
                sheet.paint(5, SEVERITY_FILLS[r.severity], white=white)
            elif r.status is Status.PASS:
                sheet.paint(4, PASS_FILL)
            sheet.link(8, s.path, r.location)
    sheet.finish(report)


def _actions(wb: Any, styles: _Styles, report: AuditReport) -> None:
    ws = wb.create_sheet("Plan d'actions")
    headers = ["Identifiant", "Structure", "Décision", "Règle", "Gravité", "Action", "Échéance", "Nature du délai"]
    sheet = _Sheet(ws, styles, headers, [13, 20, 16, 10, 9, 50, 12, 42])
    for s in report.structures:
        for a in s.decision.actions:
            nature = a.deadline_basis or ("délai indicatif" if a.indicative else None)
            sheet.append(
                [
                    s.id,
                    s.name,
                    s.decision.label,
                    a.rule,
                    a.severity.value,
                    a.action,
                    a.deadline or "sans échéance",
                    nature,
                ]
            )
            sheet.paint(5, SEVERITY_FILLS[a.severity], white=a.severity is Severity.BLOQUANT)
    sheet.finish(report)


def _referentiel(wb: Any, styles: _Styles, report: AuditReport) -> None:
    ws = wb.create_sheet("Référentiel")
    ref = report.referential
    headers = [
        "Règle",
        "Titre",
        "Gravité appliquée",
        "Domaine",
        "Champ d'application",
        "Exigence",
        "Source",
        "Confiance",
    ]
    sheet = _Sheet(ws, styles, headers, [10, 24, 10, 12, 24, 48, 44, 9])
    for rule in report.rules:
        severity = ref.severity_for(rule.id, rule.severity.value) if ref else rule.severity.value
        sheet.append(
            [
                rule.id,
                rule.title,
                severity,
                rule.domain,
                rule.applies_to,
                rule.reference.text,
                rule.reference.source,
                rule.reference.confidence,
            ]
        )
    sheet.finish(report)


_VALUE_WIDTHS = [40, 14, 48, 46, 26]


def _valeurs(wb: Any, styles: _Styles, report: AuditReport) -> None:
    ref = report.referential
    if ref is None:
        return
    ws = wb.create_sheet("Valeurs du référentiel")
    _title(ws, styles, "Valeurs du référentiel en vigueur")
    text = f"{ref.id} — {ref.title} (en vigueur au {fr_date(ref.valid_from)}, fichier {ref.path}, sha256 {ref.sha256})"
    headers = ["Valeur du référentiel", "Valeur", "Source", "Note", "Clé (fichier du référentiel)"]
    sheet = _Sheet(ws, styles, headers, _VALUE_WIDTHS, header_row=4)
    _heading_lines(ws, styles, [("Référentiel", clean(text))], len(_VALUE_WIDTHS), sum(_VALUE_WIDTHS[1:]))
    for key in sorted(ref.values):
        item = ref.values[key]
        source = ref.sources.get(item.source, {})
        cited = f"{source.get('title', item.source)} [{source.get('confidence', '?')}]"
        sheet.append([fr_referential_key(key, ref), _referential_value(item.value), cited, item.note, key])
    sheet.finish(report)


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


def _axis_step(top: int) -> int:
    """A whole step for the count axis giving at most about ten graduations: 1, 2, 5, 10, 20…"""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if top <= 10 * step:
                return step
        magnitude *= 10


def _decisions(wb: Any, styles: _Styles, report: AuditReport) -> None:
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet("Décisions par département")
    found = {s.decision.code for s in report.structures}
    present = sorted(found, key=lambda code: (code.rank, list(DecisionCode).index(code)))
    headers = ["Département"] + [code.label for code in present] + ["Total"]
    sheet = _Sheet(ws, styles, headers, [14] + [14] * len(present) + [9])
    by_dep: dict[str, Counter[DecisionCode]] = {}
    for s in report.structures:
        by_dep.setdefault(s.departement or "non renseigné", Counter())[s.decision.code] += 1
    for dep in sorted(by_dep, key=natural_key):
        counts = by_dep[dep]
        sheet.append([dep] + [counts.get(code, 0) for code in present] + [sum(counts.values())])
    sheet.finish(report)
    if not present:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Décisions par département"
    chart.y_axis.title = "Structures"
    chart.x_axis.title = "Département"
    top = max(sum(counts.values()) for counts in by_dep.values())
    chart.y_axis.scaling.min = 0
    chart.y_axis.majorUnit = _axis_step(top)
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    data = Reference(ws, min_col=2, max_col=1 + len(present), min_row=1, max_row=sheet.row)
    categories = Reference(ws, min_col=1, min_row=2, max_row=sheet.row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    for series, code in zip(chart.series, present, strict=True):
        series.graphicalProperties.solidFill = DECISION_COLOURS[code]
        series.graphicalProperties.line.solidFill = DECISION_COLOURS[code]
    chart.width = min(25.0, 12.0 + 0.4 * len(by_dep))
    chart.height = 11
    ws.add_chart(chart, f"A{sheet.row + 3}")


def _errors(wb: Any, styles: _Styles, report: AuditReport) -> None:
    ws = wb.create_sheet("Erreurs")
    headers = ["Origine", "Niveau", "Identifiant", "Structure", "Donnée", "Fichier ou plugin", "Emplacement", "Message"]
    sheet = _Sheet(ws, styles, headers, [9, 14, 13, 20, 22, 22, 18, 58])
    split = input_issues(report)
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        for issue in issues:
            sheet.append(
                [
                    "saisie",
                    issue.level,
                    s.id,
                    s.name,
                    fr_field(issue.field) if issue.field is not None else None,
                    shown_path(s.path),
                    issue.location,
                    issue.message,
                ]
            )
            sheet.link(7, s.path, issue.location)
    for problem in split.apart:
        sheet.append(
            ["saisie", problem.level, None, None, None, shown_path(problem.path), problem.location, problem.message]
        )
        sheet.link(7, problem.path, problem.location)
    for error in report.plugin_errors:
        sheet.append(["plugin", "erreur", None, None, None, error.plugin, None, error.message])
    sheet.finish(report)


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


_PAGE_WIDTH = 175
"""About how many width units one landscape page holds at a readable scale (fitted to width)."""
_TRANSPOSED_MAX_ROWS = 12


def _sections(wb: Any, styles: _Styles, report: AuditReport) -> None:
    """One sheet per section with rows. A section much wider than a page with few rows (the
    summary of one or a few départements: 37 figures each) is written transposed, one column
    per row, so that it prints on one page; a wide section with many rows prints on several
    pages across, its first column repeated on each."""
    taken = {name.lower() for name in wb.sheetnames}
    for section in report.sections:
        if not section.rows:
            continue
        ws = wb.create_sheet(_sheet_title(section.title, taken))
        keys: list[str] = []
        for row in section.rows:
            keys.extend(k for k in row if k not in keys)
        widths = [_section_width(str(key), [row.get(key) for row in section.rows]) for key in keys]
        if sum(widths) > _PAGE_WIDTH and len(section.rows) <= _TRANSPOSED_MAX_ROWS and len(keys) > 1:
            _transposed(ws, styles, report, keys, section.rows)
            continue
        sheet = _Sheet(ws, styles, [str(k) for k in keys], widths)
        for row in section.rows:
            sheet.append([_plain(row.get(k)) for k in keys])
        sheet.finish(report)
        if sum(widths) > _PAGE_WIDTH:
            ws.page_setup.fitToWidth = -(-sum(widths) // _PAGE_WIDTH)
            ws.print_title_cols = "A:A"


def _section_width(header: str, values: list[Any]) -> int:
    longest = max((len(str(_plain(v))) for v in values if v is not None), default=0)
    return max(8, min(40, max(len(header) // 2 + 2, longest + 2)))


def _transposed(ws: Any, styles: _Styles, report: AuditReport, keys: list[str], rows: Any) -> None:
    first, others = keys[0], keys[1:]
    heads = [str(_plain(row.get(first)) if row.get(first) is not None else "") for row in rows]
    label_width = max(12, min(45, max(len(str(k)) for k in others) + 2))
    widths = [label_width] + [
        _section_width(h, [row.get(k) for k in others]) for h, row in zip(heads, rows, strict=True)
    ]
    sheet = _Sheet(ws, styles, [str(first), *heads], widths)
    for key in others:
        sheet.append([str(key)] + [_plain(row.get(key)) for row in rows])
    sheet.finish(report)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | _dt.date):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _default_font(wb: Any) -> None:
    """Arial 10 as the workbook's default font (the « Normal » style): column widths are counted
    in its digit, so that a column is as wide in Excel as in LibreOffice (which has no Calibri and
    prints Arial with the metric-compatible Liberation Sans). openpyxl has no public setter: this
    replaces the first font of its font table, the one « Normal » and unstyled cells use."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    font = Font(name=_FONT, size=_FONT_SIZE)
    wb._fonts = IndexedList([font])
    wb._named_styles["Normal"].font = font


def render_xlsx(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The Excel report as bytes; the same report always gives the same bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    _default_font(wb)
    styles = _Styles(wb)
    _synthese(wb, styles, report)
    _identite(wb, styles, report)
    _constats(wb, styles, report)
    _actions(wb, styles, report)
    _decisions(wb, styles, report)
    _errors(wb, styles, report)
    _referentiel(wb, styles, report)
    _valeurs(wb, styles, report)
    _sections(wb, styles, report)
    when = _dt.datetime.combine(report.as_of, _dt.time())
    return save_openpyxl(wb, when)


_WORKBOOK_PART_LIMIT = 1 << 20
"""The largest workbook part (its list of sheets) read to recognise a report: a few kilobytes."""


def is_xlsx_report(data: bytes) -> bool:
    """True when ``data`` is an Excel report of fsaudit, as written or saved again by a
    spreadsheet: a workbook with a « Constats » sheet and no « Structures » sheet (the sheet a
    declaration workbook must have). Only the workbook's list of sheets is read; any bytes that
    are not such a workbook (a damaged or hostile archive included) answer no."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if archive.getinfo("xl/workbook.xml").file_size > _WORKBOOK_PART_LIMIT:
                return False
            names = set(xlsx_sheet_names(archive))
    except Exception:  # noqa: BLE001 - whatever the archive or its XML raises: not a report of ours
        return False
    return "Constats" in names and "Structures" not in names


REPORTER = Reporter(
    name="xlsx",
    description="Classeur Excel imprimable : synthèse, identité, constats liés aux cellules, plan d'actions, "
    "graphique, référentiel",
    extension=".xlsx",
    render=render_xlsx,
    binary=True,
    recognise=is_xlsx_report,
)
