"""Baselines: gate a CI run on the failures that are new since a previous JSON report.

``fsaudit audit --baseline previous.json`` still reports every failure, but the exit code
counts only failures at the ``--fail-on`` level whose ``(structure id, rule id)`` is not a
failure of the baseline. The comparison is ``report.baseline`` (JSON key ``baseline``): the
failures new, fixed, waived (*dérogés*) and unchanged, and, for the formats that mark every
finding against the baseline (SARIF ``baselineState``), the other findings whose status
changed (``changed``) and the input problems the baseline did not have
(``new_input_problems``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from fsaudit.campaign.compare import Failure, ReportFile, compare, load_report_file
from fsaudit.model.result import AuditReport, BaselineComparison
from fsaudit.model.rule import Status
from fsaudit.report.json_contract import report_to_dict

__all__ = ["apply_baseline", "load_baseline", "new_failing"]


def load_baseline(path: str | Path) -> ReportFile:
    """The previous JSON report; :class:`~fsaudit.campaign.compare.ReportFileError` if unusable."""
    return load_report_file(path)


MASKED = "(texte de la référence non repris : rapport pseudonymisé)"
"""The message of a finding taken from the baseline in a pseudonymized report: the baseline's
texts may name people the current declarations no longer name, so they cannot be masked."""


def apply_baseline(report: AuditReport, baseline: ReportFile, *, pseudonymized: bool = False) -> AuditReport:
    """The report with ``baseline``: the baseline's provenance and the new, fixed
    and unchanged failures. ``pseudonymized``: the findings described by the baseline (fixed,
    waived, not re-assessed) keep their structure, rule and severity, not their message."""
    current = report_to_dict(report)
    comparison = compare(baseline.data, current)
    scope = None if comparison.departements is None else set(comparison.departements)

    def previous(failure: Failure) -> dict[str, Any]:
        data = failure.to_dict()
        if pseudonymized:
            data["message"] = MASKED
        return data

    extra = {
        **baseline.describe(),
        "new": [f.to_dict() for f in comparison.new_failures],
        "fixed": [previous(f) for f in comparison.fixed],
        "waived": [previous(f) for f in comparison.waived],
        "unchanged": [f.to_dict() for f in comparison.unchanged],
        **({"unassessed": [previous(f) for f in comparison.unassessed]} if comparison.unassessed else {}),
        **({"requalified": [previous(f) for f in comparison.requalified]} if comparison.requalified else {}),
        **({"departements": list(comparison.departements)} if comparison.departements is not None else {}),
        "changed": _changed(baseline.data, report, scope),
        "new_input_problems": _new_problems(baseline.data, report),
    }
    return attrs.evolve(report, baseline=BaselineComparison(extra))


_NOTED = (Status.WARN, Status.MANUAL, Status.WAIVED)
"""Statuses reported as findings besides failures (SARIF results), whose change is recorded."""


def _changed(previous: dict[str, Any], report: AuditReport, scope: set[str] | None = None) -> list[dict[str, Any]]:
    """Warnings, checks to make and waived findings whose status was another one in the
    baseline (``previous_status``: ``None`` when the baseline had no such result), by
    ``(structure id, rule id)``; failures are compared by :func:`~fsaudit.campaign.compare`."""
    # Two structures may share an id (FS-NET-01): each is matched with the one of the same rank
    # among those of its id, in report order (the order is the same for the same inputs).
    before: dict[tuple[str, int, str], str] = {}
    ranks: dict[str, int] = {}
    for structure in previous.get("structures", ()):
        rank = ranks[structure["id"]] = ranks.get(structure["id"], -1) + 1
        for result in structure.get("results", ()):
            before.setdefault((structure["id"], rank, result["rule"]), result["status"])
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    ranks = {}
    for s in report.structures:
        if scope is not None and s.departement not in scope:
            continue  # outside the baseline's filter: not in it, not new either
        rank = ranks[s.id] = ranks.get(s.id, -1) + 1
        for r in s.results:
            key = (s.id, r.rule)
            if r.status not in _NOTED or key in seen:
                continue
            was = before.get((s.id, rank, r.rule))
            if was == r.status.value:
                continue
            seen.add(key)
            out.append({"structure": s.id, "rule": r.rule, "status": r.status.value, "previous_status": was})
    return out


def _new_problems(previous: dict[str, Any], report: AuditReport) -> list[dict[str, Any]]:
    """Input problems of the report that the baseline did not have (same file, place and message)."""
    known = {(e.get("path"), e.get("location"), e.get("message")) for e in previous.get("errors", ())}
    for structure in previous.get("structures", ()):
        path = structure.get("path")
        known.update((path, u.get("location"), u.get("message")) for u in structure.get("unread", ()))
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    problems = [(p.path, p.location, p.message, p.level) for p in report.errors]
    problems += [(s.path, f.location, f.reason, "erreur") for s in report.structures for f in s.unread]
    for path, location, message, level in problems:
        key = (path, location, message)
        if key not in known and key not in seen:
            seen.add(key)
            out.append({"path": path, "location": location, "message": message, "level": level})
    return out


def new_failing(report: AuditReport) -> list[dict[str, Any]] | None:
    """New failures at the report's ``fail_on`` level, or ``None`` without a baseline."""
    return None if report.baseline is None else report.baseline.gating(report.fail_on)
