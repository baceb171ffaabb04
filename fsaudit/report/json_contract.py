"""The versioned JSON contract of a report (``schemas/report.schema.json``).

:func:`report_to_dict` is the one place the contract is built; the other formats render from the
same :class:`~fsaudit.model.result.AuditReport`.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from typing import Any

from fsaudit.model.result import AuditReport, InputInfo, Result, StructureReport

__all__ = ["REPORT_VERSION", "report_to_dict", "structure_to_dict"]

REPORT_VERSION = "1.0"
"""Version of the JSON report contract; a change that removes or renames a key bumps it."""


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _json_safe(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, set | frozenset):  # no order of its own: sorted, for the same bytes every run
        return sorted((_json_safe(v) for v in value), key=lambda item: (type(item).__name__, str(item)))
    # An object without a text of its own shows its memory address, different every run.
    return _ADDRESS.sub("", str(value))


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _result_dict(result: Result, titles: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": result.rule,
        "title": titles.get(result.rule, ""),
        "status": result.status._value_,
        "severity": result.severity._value_,
        "message": result.message,
        "location": result.location,
        "field": result.field,
        "evidence": _json_safe(result.evidence),
    }
    if result.manual:
        out["manual"] = True
    if result.waiver is not None:
        out["waiver"] = _json_safe(result.waiver)
    return out


def structure_to_dict(s: StructureReport, titles: dict[str, str]) -> dict[str, Any]:
    """One structure of the JSON contract."""
    out = {
        "id": s.id,
        "name": s.name,
        "path": s.path,
        "location": s.location,
        "departement": s.departement,
        "label_status": s.label_status,
        "decision": s.decision.code.value,
        "decision_label": s.decision.label,
        "decision_reasons": list(s.decision.reasons),
        "decision_drivers": list(s.decision.drivers),
        "decision_policy": s.decision.policy,
        "score": s.score,
        "counts": s.counts(),
        "actions": [
            {
                "rule": a.rule,
                "severity": a.severity.value,
                "action": a.action,
                "deadline": a.deadline.isoformat() if a.deadline else None,
                "indicative": a.indicative,
                "deadline_basis": a.deadline_basis,
            }
            for a in s.decision.actions
        ],
        "results": [_result_dict(r, titles) for r in s.results],
    }
    if s.unread:
        out["unread"] = [{"field": f.field, "location": f.location, "message": f.reason} for f in s.unread]
    if s.notes:
        out["notes"] = list(s.notes)
    return out


def _input_to_dict(info: InputInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": info.path,
        "sha256": info.sha256,
        "format": None if info.format is None else str(info.format),
        "structures": info.structures,
        "errors": info.errors,
    }
    if info.warnings:
        out["warnings"] = info.warnings
    if info.layout is not None:
        out["layout"] = info.layout
    return out


def report_to_dict(report: AuditReport, *, structures: Any = None) -> dict[str, Any]:
    """The JSON report contract (``schemas/report.schema.json``), as plain data.

    ``structures``, when given, stands in for the list of structures (a writer that streams
    them one by one passes a placeholder).
    """
    ref = report.referential
    titles = {rule.id: rule.title for rule in report.rules}
    out: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "fsaudit_version": report.fsaudit_version,
        "referential": {
            "id": ref.id if ref else None,
            "title": ref.title if ref else None,
            "as_of": report.as_of.isoformat(),
            "valid_from": ref.valid_from.isoformat() if ref else None,
            "file": ref.path if ref else None,
            "sha256": ref.sha256 if ref else None,
            **({"overlay": ref.overlay.to_dict()} if getattr(ref, "overlay", None) is not None else {}),
        },
        "plugins": [{"name": p.name, "distribution": p.distribution, "version": p.version} for p in report.plugins],
        "inputs": [_input_to_dict(i) for i in report.inputs],
        "summary": report.summary(),
        "structures": ([structure_to_dict(s, titles) for s in report.structures] if structures is None else structures),
        "errors": [
            {"path": e.path, "location": e.location, "message": e.message, "level": e.level} for e in report.errors
        ],
        "plugin_errors": [{"plugin": e.plugin, "message": e.message} for e in report.plugin_errors],
        "sections": {section.key: _json_safe(section.data) for section in report.sections},
    }
    for addition in report.additions:
        out[addition.KEY] = _json_safe(addition.data)
    return out
