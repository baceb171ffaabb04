"""Comparing an audit with the same inputs audited at another date (``--compare-as-of``).

The same inputs, read once, are audited at the audit date and again at the comparison date
(which selects the referential in force then, and is the date every date-dependent rule
uses). The comparison lists, structure by structure, the rule results whose status or
severity changes and the decisions that change. It is added to the report twice:

* ``report.comparison`` (top-level key ``comparison`` of the JSON report), the full
  data described in :func:`compare_reports`;
* a :class:`~fsaudit.model.result.Section` with key ``comparaison``: French lines for the text report,
  one row per change for tabular formats, and the counts as its data.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from fsaudit.model.result import AuditReport, DateComparison, Section, StructureReport

__all__ = ["SECTION_KEY", "audit_compared", "compare_reports", "comparison_section", "with_comparison"]

SECTION_KEY = "comparaison"


def _key(s: StructureReport) -> tuple[str, str, str]:
    return (s.path, s.location, s.id)


def _referential(report: AuditReport) -> dict[str, Any]:
    ref = report.referential
    return {"id": ref.id, "valid_from": ref.valid_from.isoformat(), "title": ref.title}


def compare_reports(base: AuditReport, other: AuditReport) -> dict[str, Any]:
    """What changes from ``base`` to ``other`` (the same inputs audited at another date).

    Returns JSON-ready data::

        {"as_of": "2023-12-31", "referential": {"id", "valid_from", "title"},
         "compare_as_of": "2024-01-01", "compare_referential": {...},
         "structures_compared": 24, "structures_changed": 2, "decisions_changed": 1,
         "changes": [{"structure", "name", "path", "location",
                      "decision": {"from", "to", "from_label", "to_label"} or None,
                      "results": [{"rule", "from", "to", "severity_from", "severity_to",
                                   "message_from", "message_to"}]}]}

    A result changes when its status or its severity changes; a rule present on one side only
    is reported with ``None`` on the other. Structures are matched by input, location and id.
    """
    others = {_key(s): s for s in other.structures}
    changes: list[dict[str, Any]] = []
    decisions_changed = 0
    for before in base.structures:
        after = others.get(_key(before))
        if after is None:
            continue
        results: list[dict[str, Any]] = []
        rules = sorted({r.rule for r in before.results} | {r.rule for r in after.results})
        for rule in rules:
            old = before.result(rule)
            new = after.result(rule)
            if old is not None and new is not None and old.status is new.status and old.severity is new.severity:
                continue
            results.append(
                {
                    "rule": rule,
                    "from": old.status.value if old else None,
                    "to": new.status.value if new else None,
                    "severity_from": old.severity.value if old else None,
                    "severity_to": new.severity.value if new else None,
                    "message_from": old.message if old else None,
                    "message_to": new.message if new else None,
                }
            )
        decision = None
        if before.decision.code is not after.decision.code:
            decisions_changed += 1
            decision = {
                "from": before.decision.code.value,
                "to": after.decision.code.value,
                "from_label": before.decision.label,
                "to_label": after.decision.label,
            }
        if results or decision:
            changes.append(
                {
                    "structure": before.id,
                    "name": before.name,
                    "path": before.path,
                    "location": before.location,
                    "decision": decision,
                    "results": results,
                }
            )
    return {
        "as_of": base.as_of.isoformat(),
        "referential": _referential(base),
        "compare_as_of": other.as_of.isoformat(),
        "compare_referential": _referential(other),
        "structures_compared": len(base.structures),
        "structures_changed": len(changes),
        "decisions_changed": decisions_changed,
        "changes": changes,
    }


_STATUS_FR = {
    "pass": "conforme",
    "fail": "non conforme",
    "warn": "avertissement",
    "not_applicable": "sans objet",
    "manual": "à vérifier",
    "waived": "dérogation",
    "error": "erreur de règle",
    None: "absente",
}


def _date_fr(iso: str) -> str:
    return f"{_dt.date.fromisoformat(iso):%d/%m/%Y}"


def comparison_section(data: dict[str, Any]) -> Section:
    """The French section of the text report (and rows for tabular formats)."""
    when = _date_fr(data["compare_as_of"])
    ref = data["compare_referential"]["id"]
    lines = [
        f"  Audit de référence au {_date_fr(data['as_of'])} (référentiel {data['referential']['id']}) ; "
        "mêmes déclarations, statuts et décisions qui changent :",
    ]
    rows: list[dict[str, Any]] = []
    if not data["changes"]:
        lines.append("  aucun changement de statut ni de décision.")
    else:
        lines.append(
            f"  {data['structures_changed']} structure(s) sur {data['structures_compared']} changent, "
            f"dont {data['decisions_changed']} de décision."
        )
    for change in data["changes"]:
        lines.append(f"  [{change['structure']}] {change['name']} ({change['path']}, {change['location']})")
        decision = change["decision"]
        if decision:
            lines.append(f"    Décision : {decision['from_label']} → {decision['to_label']}")
            rows.append(
                {
                    "Structure": change["structure"],
                    "Nom": change["name"],
                    "Règle": "décision",
                    "Avant": decision["from_label"],
                    "Après": decision["to_label"],
                    "Message": "",
                }
            )
        for item in change["results"]:
            severity = item["severity_to"] or item["severity_from"]
            if item["severity_from"] and item["severity_to"] and item["severity_from"] != item["severity_to"]:
                severity = f"{item['severity_from']} → {item['severity_to']}"
            message = item["message_to"] or item["message_from"] or ""
            lines.append(
                f"    {item['rule']} ({severity}) : {_STATUS_FR[item['from']]} → {_STATUS_FR[item['to']]} — {message}"
            )
            rows.append(
                {
                    "Structure": change["structure"],
                    "Nom": change["name"],
                    "Règle": item["rule"],
                    "Avant": _STATUS_FR[item["from"]],
                    "Après": _STATUS_FR[item["to"]],
                    "Message": message,
                }
            )
    return Section(
        key=SECTION_KEY,
        title=f"Comparaison avec un audit au {when} (référentiel {ref}) :",
        data={
            "compare_as_of": data["compare_as_of"],
            "compare_referential": ref,
            "structures_changed": data["structures_changed"],
            "decisions_changed": data["decisions_changed"],
        },
        text=tuple(lines),
        rows=tuple(rows),
    )


def with_comparison(base: AuditReport, other: AuditReport) -> AuditReport:
    """``base`` with the comparison against ``other`` (``comparison``) and its section."""
    data = compare_reports(base, other)
    section = comparison_section(data)
    sections = sorted([*(s for s in base.sections if s.key != SECTION_KEY), section], key=lambda s: s.key)
    return attrs.evolve(
        base,
        comparison=DateComparison(data),
        sections=tuple(sections),
    )


def audit_compared(
    paths: Iterable[str | Path],
    *,
    as_of: _dt.date,
    compare_as_of: _dt.date,
    plugins: Any = None,
    disabled: Sequence[str] = (),
    fail_on: str = "majeur",
    options: dict[str, Any] | None = None,
    config: Any = None,
) -> AuditReport:
    """Audit ``paths`` at ``as_of`` and compare with the same inputs audited at ``compare_as_of``.

    The inputs are read once. Raises :class:`~fsaudit.model.referential.ReferentialError` when no
    referential applies at either date.
    """
    from fsaudit.inputs.files import read_input
    from fsaudit.plugin.manager import load_plugins
    from fsaudit.run.engine import audit_inputs

    plugins = plugins or load_plugins(disabled)
    inputs = [read_input(str(path), plugins.readers, plugins.reporters) for path in paths]
    base = audit_inputs(inputs, as_of=as_of, fail_on=fail_on, options=options, plugins=plugins, config=config)
    other = audit_inputs(inputs, as_of=compare_as_of, fail_on=fail_on, options=options, plugins=plugins, config=config)
    return with_comparison(base, other)
