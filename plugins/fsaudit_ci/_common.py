"""Helpers shared by the CI report formats."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from fsaudit import AuditReport, Result, Severity, visible

__all__ = ["clean_text", "fr_date", "rule_severity", "rules_by_id", "waiver_text"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: Any) -> str:
    """Text without the control characters XML and terminals refuse (replaced by U+FFFD), and
    with the bytes of a file name that were not UTF-8 written visibly (``caf\\xe9.json``)."""
    return visible(_CONTROL.sub("\ufffd", str(text)))


def fr_date(iso: str | None) -> str:
    """``2025-12-31`` → ``31/12/2025``."""
    return _dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def rules_by_id(report: AuditReport) -> dict[str, Any]:
    """The report's rules by id."""
    return {rule.id: rule for rule in report.rules}


def rule_severity(report: AuditReport, rule: Any) -> Severity:
    """The severity of ``rule`` in the referential of the report."""
    ref = report.referential
    if ref is None:
        return Severity(rule.severity)
    return Severity(ref.severity_for(rule.id, Severity(rule.severity).value))


def waiver_text(result: Result) -> str:
    """``justification — approver, legal basis, du … au …`` for a waived result, else ``""``."""
    waiver = result.waiver
    if not waiver:
        return ""
    return (
        f"{waiver.get('justification', '')} — {waiver.get('approver', '')}, {waiver.get('legal_basis', '')}, "
        f"du {fr_date(waiver.get('start'))} au {fr_date(waiver.get('expiry'))}"
    )
