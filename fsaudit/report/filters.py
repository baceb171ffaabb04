"""Filters: what a report shows of an audit (``--departement``, ``--decision``, ``--regle``,
``--statut``).

The audit itself is never changed by a filter (every structure is audited, the exit code is the
whole audit's); a filtered report shows the structures of the départements and decisions asked
for, and of each only the results of the rules and statuses asked for (a structure left without
any is not shown). The report says what was filtered (``filter`` in the JSON report) and how many
structures it shows out of how many were audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from fsaudit.model.result import AuditReport, DecisionCode, ReportFilterNote
from fsaudit.model.rule import Status

__all__ = ["FilterError", "ReportFilter", "parse_filter"]


class FilterError(ValueError):
    """A filter value that designates nothing; the message is in French and lists what exists."""


@attrs.frozen
class ReportFilter:
    """What a report shows; an empty criterion does not filter."""

    departements: tuple[str, ...] = ()
    decisions: tuple[DecisionCode, ...] = ()
    rules: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.departements or self.decisions or self.rules or self.statuses)

    def describe(self) -> str:
        """The filter in French, for the report's header: ``département 32, 65 ; règle FS-HOR-01``."""
        parts = []
        if self.departements:
            parts.append(f"département {', '.join(self.departements)}")
        if self.decisions:
            parts.append(f"décision {', '.join(d.label for d in self.decisions)}")
        if self.rules:
            parts.append(f"règle {', '.join(self.rules)}")
        if self.statuses:
            parts.append(f"statut {', '.join(s.label for s in self.statuses)}")
        return " ; ".join(parts)

    def apply(self, report: AuditReport) -> AuditReport:
        """The report showing only what this filter selects, and saying so."""
        if not self:
            return report
        shown = []
        for structure in report.structures:
            if self.departements and structure.departement not in self.departements:
                continue
            if self.decisions and structure.decision.code not in self.decisions:
                continue
            results = structure.results
            if self.rules or self.statuses:
                results = tuple(
                    r
                    for r in results
                    if (not self.rules or r.rule in self.rules) and (not self.statuses or r.status in self.statuses)
                )
                if not results:
                    continue
            shown.append(attrs.evolve(structure, results=results) if results is not structure.results else structure)
        paths = {s.path for s in shown}
        audited = {s.path for s in report.structures}
        # A problem of a file none of whose structures was read belongs to no département,
        # decision or rule: it is always shown (the exit code counts it).
        errors = (
            tuple(e for e in report.errors if e.path in paths or e.path not in audited)
            if len(shown) < len(report.structures)
            else report.errors
        )
        note = ReportFilterNote(
            {
                "description": self.describe(),
                "departements": list(self.departements),
                "decisions": [d.value for d in self.decisions],
                "rules": list(self.rules),
                "statuses": [s.value for s in self.statuses],
                "structures_shown": len(shown),
                "structures_audited": len(report.structures),
                "input_problems_hidden": len(report.errors) - len(errors),
            }
        )
        return attrs.evolve(report, structures=tuple(shown), errors=errors, filter=note)


def _values(texts: Iterable[str]) -> list[str]:
    return [part.strip() for text in texts for part in text.split(",") if part.strip()]


def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("_", " ").replace("'", " ").strip()


def parse_filter(
    *,
    departements: Sequence[str] = (),
    decisions: Sequence[str] = (),
    rules: Sequence[str] = (),
    statuses: Sequence[str] = (),
    known_rules: Iterable[str] = (),
) -> ReportFilter:
    """A filter from the command line's values (each option repeatable and comma-separated);
    decisions and statuses by code or French label, in any case and accents
    (``avis_defavorable`` or « Avis défavorable », ``fail`` or « non conforme »)."""
    import re

    deps = []
    for code in _values(departements):
        code = code.upper().zfill(2) if code.isdigit() else code.upper()
        if not re.fullmatch(r"[0-9]{2}|2[AB]|9[78][0-9]", code):
            raise FilterError(f"--departement « {code} » : attendu un code de département (01 à 95, 2A, 2B, 971 à 989)")
        deps.append(code)
    by_decision = {_fold(d.value): d for d in DecisionCode} | {_fold(d.label): d for d in DecisionCode}
    chosen_decisions = []
    for text in _values(decisions):
        found = by_decision.get(_fold(text))
        if found is None:
            allowed = ", ".join(d.value for d in DecisionCode)
            raise FilterError(f"--decision « {text} » inconnue : attendu {allowed}")
        chosen_decisions.append(found)
    by_status = {_fold(s.value): s for s in Status} | {_fold(s.label): s for s in Status}
    chosen_statuses = []
    for text in _values(statuses):
        found_status = by_status.get(_fold(text))
        if found_status is None:
            allowed = ", ".join(f"{s.value} ({s.label})" for s in Status)
            raise FilterError(f"--statut « {text} » inconnu : attendu {allowed}")
        chosen_statuses.append(found_status)
    known = set(known_rules)
    chosen_rules = []
    for text in _values(rules):
        rule = text.upper()
        if known and rule not in known:
            raise FilterError(f"--regle « {text} » inconnue : voir « fsaudit rules »")
        chosen_rules.append(rule)
    return ReportFilter(
        tuple(dict.fromkeys(deps)),
        tuple(dict.fromkeys(chosen_decisions)),
        tuple(dict.fromkeys(chosen_rules)),
        tuple(dict.fromkeys(chosen_statuses)),
    )
