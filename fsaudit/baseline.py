"""Baselines: gate a CI run on the failures that are new since a previous JSON report.

``fsaudit audit --baseline previous.json`` still reports every failure, but the exit code
counts only failures at the ``--fail-on`` level whose ``(structure id, rule id)`` is not a
failure of the baseline. The comparison is written under ``report.extras["baseline"]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from fsaudit.campaign import ReportFile, compare, load_report_file
from fsaudit.report import AuditReport, report_to_dict
from fsaudit.rule import Severity

__all__ = ["apply_baseline", "baseline_text_lines", "load_baseline", "new_failing"]


def load_baseline(path: str | Path) -> ReportFile:
    """The previous JSON report; :class:`~fsaudit.campaign.ReportFileError` if unusable."""
    return load_report_file(path)


def apply_baseline(report: AuditReport, baseline: ReportFile) -> AuditReport:
    """The report with ``extras["baseline"]``: the baseline's provenance and the new, fixed
    and unchanged failures."""
    current = report_to_dict(report)
    comparison = compare(baseline.data, current)
    extra = {
        **baseline.describe(),
        "new": [f.to_dict() for f in comparison.new_failures],
        "fixed": [f.to_dict() for f in comparison.fixed],
        "unchanged": [f.to_dict() for f in comparison.unchanged],
    }
    return attrs.evolve(report, extras={**report.extras, "baseline": extra})


def baseline_text_lines(report: AuditReport) -> list[str]:
    """French lines for the terminal report: the failures that are new since the baseline."""
    extra = report.extras["baseline"]
    gating = new_failing(report) or []
    lines = [
        f"Référence {extra['file']} (audit au {extra.get('as_of') or '?'}) : {len(extra['new'])} nouveau(x) "
        f"constat(s) non conforme(s), dont {len(gating)} de gravité {report.fail_on.value} ou plus ; "
        f"{len(extra['fixed'])} corrigé(s) ; {len(extra['unchanged'])} déjà connu(s)"
    ]
    for item in extra["new"]:
        lines.append(f"  + {item['structure']} {item['rule']} ({item['severity']}) : {item['message']}")
    for item in extra["fixed"]:
        lines.append(f"  - {item['structure']} {item['rule']} ({item['severity']}) : corrigé")
    return lines


def new_failing(report: AuditReport) -> list[dict[str, Any]] | None:
    """New failures at the report's ``fail_on`` level, or ``None`` without a baseline."""
    extra = report.extras.get("baseline")
    if extra is None:
        return None
    rank = report.fail_on.rank
    return [f for f in extra["new"] if Severity(f["severity"]).rank >= rank]
