"""Masking personal data in reports meant to circulate (``--pseudonymize``).

Declarations name people: conseillers (by an identifier a structure may have filled with a real
name) and partners' local referents. In a pseudonymized report every such value, wherever it
appears in a message, evidence, reason or action, is replaced by a stable pseudonym
(« conseiller 1 », « référent 2 »): the same person gets the same pseudonym throughout one
report, numbered in the report's own order, so that the report stays deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from fsaudit.model.declaration import Structure
from fsaudit.model.result import AuditReport, Decision, Result, StructureReport

__all__ = ["personal_values", "pseudonymize"]


def personal_values(structures: Iterable[Structure]) -> dict[str, str]:
    """Every personal value of ``structures`` mapped to its pseudonym, in declaration order."""
    mapping: dict[str, str] = {}
    counters = {"conseiller": 0, "référent": 0}

    def add(value: str | None, kind: str) -> None:
        if value is None or not value.strip() or value in mapping:
            return
        counters[kind] += 1
        mapping[value] = f"{kind} {counters[kind]}"

    for structure in structures:
        for conseiller in structure.conseillers or ():
            add(conseiller.id, "conseiller")
        for offer in structure.partners or ():
            add(offer.referent, "référent")
    return mapping


def _replacer(mapping: Mapping[str, str]) -> Any:
    if not mapping:
        return lambda text: text
    # Longest first, so that « Jean Dupont » is replaced before « Jean ».
    # Whole words only, so that a short identifier (« C1 ») never matches inside another word.
    alternatives = "|".join(re.escape(v) for v in sorted(mapping, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return lambda text: pattern.sub(lambda m: mapping[m.group(0)], text)


def _walk(value: Any, replace: Any) -> Any:
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list | tuple):
        return type(value)(_walk(v, replace) for v in value)
    if isinstance(value, dict):
        return {_walk(k, replace): _walk(v, replace) for k, v in value.items()}
    return value


def _addition(addition: Any, replace: Any) -> Any:
    return None if addition is None else attrs.evolve(addition, data=_walk(addition.data, replace))


def pseudonymize(report: AuditReport, mapping: Mapping[str, str]) -> AuditReport:
    """The report with every value of ``mapping`` replaced by its pseudonym."""
    replace = _replacer(mapping)

    def result(r: Result) -> Result:
        return r.evolve(
            message=replace(r.message), evidence=_walk(r.evidence, replace), waiver=_walk(r.waiver, replace)
        )

    def decision(d: Decision) -> Decision:
        actions = tuple(attrs.evolve(a, action=replace(a.action)) for a in d.actions)
        return attrs.evolve(d, reasons=tuple(replace(x) for x in d.reasons), actions=actions)

    def structure(s: StructureReport) -> StructureReport:
        return attrs.evolve(
            s,
            results=tuple(result(r) for r in s.results),
            decision=decision(s.decision),
            unread=tuple(attrs.evolve(f, reason=replace(f.reason)) for f in s.unread),
            notes=tuple(replace(note) for note in s.notes),
        )

    return attrs.evolve(
        report,
        structures=tuple(structure(s) for s in report.structures),
        errors=tuple(attrs.evolve(e, message=replace(e.message)) for e in report.errors),
        sections=tuple(
            attrs.evolve(s, data=_walk(s.data, replace), text=_walk(s.text, replace), rows=_walk(s.rows, replace))
            for s in report.sections
        ),
        waivers=_addition(report.waivers, replace),
        baseline=_addition(report.baseline, replace),
        comparison=_addition(report.comparison, replace),
        workers=_addition(report.workers, replace),
        unused_answers=_addition(report.unused_answers, replace),
        config=report.config,
        filter=report.filter,
    )
