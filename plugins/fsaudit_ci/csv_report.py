"""CSV report: one row per result and per input problem, for a spreadsheet.

A structure's input problems (facts that could not be read, elements ignored) come first among
its rows, with the status « erreur de saisie » or « avertissement de saisie »; the problems that
concern no structure (a file that could not be read) close the table. The « Champ » column names
the declaration's field in French.

French headers, ``;`` as separator and UTF-8 with a byte-order mark: the settings Excel in French
expects when it opens a ``.csv`` by double-click (without the BOM it reads the accents as
Windows-1252; with ``,`` it puts each row in one cell). Scores use a decimal comma. A cell that
would start with ``=``, ``+``, ``-``, ``@`` or a tab is prefixed with an apostrophe, so that
text from a declaration is never run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fsaudit import AuditReport, Reporter, fr_field, input_issues, level_label, shown_path
from fsaudit_ci._common import clean_text, rules_by_id, waiver_text

__all__ = ["HEADERS", "REPORTER", "is_csv_report", "render_csv"]

HEADERS = (
    "Structure",
    "Nom",
    "Fichier",
    "Département",
    "Règle",
    "Titre",
    "Gravité",
    "Statut",
    "Constat",
    "Emplacement",
    "Champ",
    "Décision",
    "Score (%)",
    "Dérogation",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell text, neutralised if a spreadsheet would read it as a formula."""
    text = "" if value is None else clean_text(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def render_csv(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The results as CSV (``;``, UTF-8 with BOM, CRLF line ends)."""
    rules = rules_by_id(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS)
    split = input_issues(report)
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        where = [safe_cell(s.id), safe_cell(s.name), safe_cell(shown_path(s.path)), safe_cell(s.departement)]
        for issue in issues:
            field = safe_cell(fr_field(issue.field)) if issue.field is not None else ""
            writer.writerow(
                [
                    *where,
                    "",
                    "",
                    "",
                    level_label(issue.level),
                    safe_cell(issue.message),
                    safe_cell(issue.location),
                    field,
                    s.decision.label,
                    _score(s.score),
                    "",
                ]
            )
        for r in s.results:
            rule = rules.get(r.rule)
            writer.writerow(
                [
                    *where,
                    safe_cell(r.rule),
                    safe_cell(rule.title if rule is not None else ""),
                    r.severity.value,
                    r.status.label,
                    safe_cell(r.message),
                    safe_cell(r.location),
                    safe_cell(fr_field(r.field)) if r.field is not None else "",
                    s.decision.label,
                    _score(s.score),
                    safe_cell(waiver_text(r)),
                ]
            )
    for problem in split.apart:
        writer.writerow(
            [
                "",
                "",
                safe_cell(shown_path(problem.path)),
                "",
                "",
                "",
                "",
                level_label(problem.level),
                safe_cell(problem.message),
                safe_cell(problem.location),
                "",
                "",
                "",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def is_csv_report(data: bytes) -> bool:
    """True when the first line of ``data`` is this report's header, as written or as a
    spreadsheet saves it again (UTF-8 or Windows-1252, with ``;``, ``,`` or tabs, quoted or not)."""
    first = data[:1024].split(b"\n", 1)[0]
    if b"Constat" not in first:  # most files: no decoding, no splitting
        return False
    first = first.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        line = first.decode("cp1252", errors="replace")
    for separator in (";", ",", "\t"):
        if tuple(cell.strip().strip('"') for cell in line.split(separator)) == HEADERS:
            return True
    return False


REPORTER = Reporter(
    name="csv",
    description=(
        "Tableau CSV (une ligne par résultat et par erreur de saisie) pour Excel en français : « ; », UTF-8 avec BOM"
    ),
    extension=".csv",
    render=render_csv,
    recognise=is_csv_report,
)
