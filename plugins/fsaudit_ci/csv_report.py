"""CSV report: one row per result, for a spreadsheet.

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

from fsaudit.report import AuditReport, Reporter

from fsaudit_ci._common import clean_text, rules_by_id, waiver_text

__all__ = ["HEADERS", "REPORTER", "render_csv"]

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
    for s in report.structures:
        for r in s.results:
            rule = rules.get(r.rule)
            writer.writerow(
                [
                    safe_cell(s.id),
                    safe_cell(s.name),
                    safe_cell(s.path),
                    safe_cell(s.departement),
                    safe_cell(r.rule),
                    safe_cell(rule.title if rule is not None else ""),
                    r.severity.value,
                    r.status.label,
                    safe_cell(r.message),
                    safe_cell(r.location),
                    safe_cell(r.field),
                    s.decision.label,
                    _score(s.score),
                    safe_cell(waiver_text(r)),
                ]
            )
    return buffer.getvalue().encode("utf-8-sig")


REPORTER = Reporter(
    name="csv",
    description="Tableau CSV (une ligne par résultat) pour Excel en français : « ; », UTF-8 avec BOM",
    extension=".csv",
    render=render_csv,
)
