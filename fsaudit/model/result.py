"""What an audit finds: results, decisions and action plans, the report of each structure and of the
whole audit.

Every class here is a frozen attrs class; every output format (:mod:`fsaudit.model.result`) renders an
:class:`AuditReport`. Nothing in a report depends on the clock, the order plugins were loaded in or
the number of worker processes.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any, ClassVar, NamedTuple

import attrs
from attrs import frozen

from fsaudit.model.facts import InputProblem, UnreadFact
from fsaudit.model.location import Location, as_location
from fsaudit.model.rule import Severity, Status, as_severity, as_status

__all__ = [
    "Action",
    "Addition",
    "AuditReport",
    "BaselineComparison",
    "ConfigProvenance",
    "DateComparison",
    "Decision",
    "DecisionCode",
    "Identity",
    "InputInfo",
    "ReportFilterNote",
    "Result",
    "Section",
    "StructureReport",
    "UnusedAnswers",
    "WaiverSummary",
    "WorkerNotes",
    "compute_score",
]


class _ResultFields(NamedTuple):
    rule: str
    status: Status
    severity: Severity
    message: str
    location: Location
    field: str | None
    evidence: dict[str, Any]
    manual: bool
    waiver: dict[str, Any] | None


class Result(_ResultFields):
    """The result of one rule on one structure: an immutable value.

    ``rule``, ``status``, ``severity``, ``message`` (French), ``location`` (in the input),
    ``field`` (the declaration field it is about), ``evidence`` (JSON-ready facts), ``manual``
    (True when an auditor's answer, not the rule, set the status) and ``waiver`` (the waiver
    applied, if any). A named tuple, not an attrs class: an audit of the national list builds
    hundreds of thousands of them, and a tuple costs a quarter of the time to build. Change one
    with :meth:`evolve`.
    """

    __slots__ = ()

    def __new__(
        cls,
        rule: str,
        status: Status | str,
        severity: Severity | str,
        message: str,
        location: str,
        field: str | None = None,
        evidence: dict[str, Any] | None = None,
        manual: bool = False,
        waiver: dict[str, Any] | None = None,
    ) -> Result:
        return tuple.__new__(
            cls,
            (
                rule,
                as_status(status),
                as_severity(severity),
                message,
                as_location(location),
                field,
                {} if evidence is None else evidence,
                manual,
                waiver,
            ),
        )

    def evolve(self, **changes: Any) -> Result:
        """A copy with ``changes`` (the same keyword names as the constructor)."""
        return Result(**{**self._asdict(), **changes})


class DecisionCode(str, enum.Enum):
    """Labellisation recommendations (CHARTER §4)."""

    AVIS_FAVORABLE = "avis_favorable"
    AVIS_FAVORABLE_SOUS_RESERVE = "avis_favorable_sous_reserve"
    AVIS_DEFAVORABLE = "avis_defavorable"
    MAINTIEN = "maintien"
    MAINTIEN_PLAN_ACTIONS = "maintien_plan_actions"
    MAINTIEN_CONDITIONNEL = "maintien_conditionnel"
    INSTRUCTION_INCOMPLETE = "instruction_incomplete"

    @property
    def label(self) -> str:
        """French label."""
        return _DECISION_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the best outcome; a higher rank is a worse recommendation."""
        return _DECISION_RANK[self]


_DECISION_LABELS = {
    DecisionCode.AVIS_FAVORABLE: "Avis favorable",
    DecisionCode.AVIS_FAVORABLE_SOUS_RESERVE: "Avis favorable sous réserve",
    DecisionCode.AVIS_DEFAVORABLE: "Avis défavorable",
    DecisionCode.MAINTIEN: "Maintien du label",
    DecisionCode.MAINTIEN_PLAN_ACTIONS: "Maintien avec plan d'actions",
    DecisionCode.MAINTIEN_CONDITIONNEL: "Maintien conditionnel",
    DecisionCode.INSTRUCTION_INCOMPLETE: "Instruction incomplète",
}


_DECISION_RANK = {
    DecisionCode.AVIS_FAVORABLE: 0,
    DecisionCode.MAINTIEN: 0,
    DecisionCode.AVIS_FAVORABLE_SOUS_RESERVE: 1,
    DecisionCode.MAINTIEN_PLAN_ACTIONS: 1,
    DecisionCode.INSTRUCTION_INCOMPLETE: 2,
    DecisionCode.AVIS_DEFAVORABLE: 3,
    DecisionCode.MAINTIEN_CONDITIONNEL: 3,
}


@frozen
class Action:
    """One action of the action plan: what to do about a finding, and by when."""

    rule: str
    severity: Severity = attrs.field(converter=Severity)
    action: str
    deadline: _dt.date | None
    indicative: bool = False
    """True when no text sets the deadline (CHARTER.md: [U]): every report that shows the
    deadline says « délai indicatif »."""
    deadline_basis: str | None = None
    """Where the deadline comes from, in French (the referential value, its mark, an overlay)."""

    @property
    def deadline_label(self) -> str:
        """``avant le 27/12/2025 (délai indicatif)``, or ``sans échéance`` (French)."""
        if self.deadline is None:
            return "sans échéance"
        return f"avant le {self.deadline:%d/%m/%Y}" + (" (délai indicatif)" if self.indicative else "")


@frozen
class Decision:
    """The recommendation for one structure, with the findings that drove it."""

    code: DecisionCode = attrs.field(converter=DecisionCode)
    reasons: tuple[str, ...] = ()
    """French sentences explaining the decision."""
    drivers: tuple[str, ...] = ()
    """Ids of the rules whose results drove the decision."""
    actions: tuple[Action, ...] = ()
    policy: str = "charte"

    @property
    def label(self) -> str:
        """French label of the decision."""
        return self.code.label


def compute_score(results: Iterable[Result]) -> float | None:
    """Share of applicable criteria met, in percent with one decimal, or ``None`` if none applies.

    Applicable criteria are the results with status pass, warn, fail or waived; pass and warn
    (an observation, not a failure) count as met, and so does waived (the criterion is met by
    derogation). Manual checks, rule errors and not-applicable rules are left out.
    """
    statuses = [result.status for result in results]
    count = statuses.count  # identity first, in C: a quarter of the cost of a loop in Python
    met = count(Status.PASS) + count(Status.WARN) + count(Status.WAIVED)
    total = met + count(Status.FAIL)
    if total == 0:
        return None
    return round(100.0 * met / total, 1)


@frozen
class Identity:
    """Who and where a structure is, as declared: what a fiche or an avis shows besides the
    findings (nothing personal: conseillers and referents are not here)."""

    canton: str | None = None
    commune: str | None = None
    address: Any = None  # fsaudit.model.declaration.Address
    coordinates: Any = None  # fsaudit.model.declaration.Coordinates
    type: Any = None  # fsaudit.model.declaration.StructureType
    format: Any = None  # fsaudit.model.declaration.Format
    group: str | None = None
    parent_id: str | None = None
    gestionnaire: Any = None  # fsaudit.model.declaration.Gestionnaire
    label: Any = None  # fsaudit.model.declaration.Label

    @classmethod
    def of(cls, structure: Any) -> Identity:
        """The identity of a declared :class:`~fsaudit.model.declaration.Structure`."""
        return cls(
            structure.canton,
            structure.commune,
            structure.address,
            structure.coordinates,
            structure.type,
            structure.format,
            structure.group,
            structure.parent_id,
            structure.gestionnaire,
            structure.label,
        )


@frozen
class StructureReport:
    """Everything the audit says about one structure."""

    id: str
    name: str
    path: str
    location: Location = attrs.field(converter=as_location)
    departement: str | None
    label_status: str | None
    results: tuple[Result, ...]
    decision: Decision
    score: float | None
    unread: tuple[UnreadFact, ...] = ()
    """Facts of the input that could not be read for this structure (its input problems)."""
    notes: tuple[str, ...] = ()
    """French notes on how the structure was read (a provisional identifier…)."""
    identity: Identity = attrs.field(factory=Identity)
    """Where the structure is and what it is, as declared (not written in the JSON report v1)."""

    @property
    def unjudged(self) -> int:
        """Results left out of the score because they are no verdict: checks to make (``manual``,
        facts not read among them) and rule errors. A score is always shown with this count."""
        return sum(1 for r in self.results if r.status is Status.MANUAL or r.status is Status.ERROR)

    @property
    def score_without_waivers(self) -> float | None:
        """The score as if no waiver applied: each waived result counts with its original status."""
        restored = [
            r.evolve(status=Status(r.waiver["original_status"]))
            if r.status is Status.WAIVED and r.waiver and r.waiver.get("original_status")
            else r
            for r in self.results
        ]
        return compute_score(restored)

    def result(self, rule_id: str) -> Result | None:
        """The result of ``rule_id`` on this structure, or ``None``."""
        return next((r for r in self.results if r.rule == rule_id), None)

    def counts(self) -> dict[str, int]:
        """Number of results by status (every status present, zeros included)."""
        counter = Counter([r.status for r in self.results])
        return {status._value_: counter.get(status, 0) for status in Status}


@frozen
class InputInfo:
    """One input file of the audit."""

    path: str
    sha256: str | None
    format: str | None
    structures: int
    errors: int
    """Problems of this input at the error level (data not read)."""
    layout: str | None = None
    """The layout of the format the reader recognised (``liste-2022``), when it says one."""
    warnings: int = 0
    """Problems of this input at the warning level (elements ignored, a file not read on purpose)."""

    @classmethod
    def counting(
        cls,
        path: str,
        sha256: str | None,
        format: str | None,
        structures: int,
        problems: Sequence[InputProblem],
        layout: str | None = None,
    ) -> InputInfo:
        """The entry of an input whose problems are ``problems``: errors and warnings counted apart."""
        errors = sum(1 for problem in problems if problem.is_error)
        return cls(path, sha256, format, structures, errors, layout, len(problems) - errors)


def _lines(value: Any) -> tuple[str, ...]:
    """A section's lines: one text is its lines (not one character per line), else each item."""
    if isinstance(value, str):
        return tuple(value.splitlines())
    return tuple(value)


@frozen
class Section:
    """A section a plugin adds to the report (see the ``fsaudit_report_sections`` hook)."""

    key: str
    title: str
    data: Any = None
    """JSON-ready data, written under ``sections.<key>`` of the JSON report."""
    text: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    """French lines for the terminal report (one text is split into its lines)."""
    rows: tuple[dict[str, Any], ...] = ()
    """Rows (same keys, French headers) for tabular formats such as the Excel report."""


@frozen
class Addition:
    """A part of the report that a core feature adds beside the structures: JSON-ready ``data``
    (an object, or a list) written under :attr:`KEY` in the JSON report. Subclasses give typed
    access and French text."""

    KEY: ClassVar[str] = ""
    data: Any

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """``data[key]``, or ``default``."""
        return self.data.get(key, default)


@frozen
class WaiverSummary(Addition):
    """``--waivers``: the file, and the waivers applied, expired, not yet in force and unused."""

    KEY: ClassVar[str] = "waivers"

    @property
    def file(self) -> str:
        """The waiver file, as the user named it."""
        return str(self.data["file"])

    def notices(self) -> list[dict[str, Any]]:
        """Waivers that did not apply (expired, not yet in force, unused), each with its message."""
        return [item for key in ("expired", "not_started", "unused") for item in self.data[key]]


@frozen
class BaselineComparison(Addition):
    """``--baseline``: the previous report's provenance and the failures new, fixed, waived and
    unchanged since it (and, for SARIF, other findings whose status changed and new input problems)."""

    KEY: ClassVar[str] = "baseline"

    def gating(self, fail_on: Severity) -> list[dict[str, Any]]:
        """New failures at ``fail_on`` or above: the only ones that fail the command."""
        return [f for f in self.data["new"] if Severity(f["severity"]).rank >= fail_on.rank]


@frozen
class DateComparison(Addition):
    """``--compare-as-of``: the results and decisions that change at a second audit date."""

    KEY: ClassVar[str] = "comparison"


@frozen
class WorkerNotes(Addition):
    """``--jobs``: worker processes restarted, with the messages for standard error."""

    KEY: ClassVar[str] = "workers"

    @property
    def messages(self) -> list[str]:
        """French messages for standard error."""
        return list(self.data["messages"])


@frozen
class ConfigProvenance(Addition):
    """``--config`` (or a ``pyproject.toml``): the file of the plugins' configuration, its hash,
    and the plugins it configures."""

    KEY: ClassVar[str] = "config"


@frozen
class ReportFilterNote(Addition):
    """``--departement``, ``--decision``, ``--regle``, ``--statut``: what the report shows of
    the audit (``structures_shown`` of ``structures_audited``), in French (``description``)."""

    KEY: ClassVar[str] = "filter"

    def line(self) -> str:
        """« Filtre : département 32 ; … — 3 structures affichées sur 24 auditées »."""
        data = self.data
        return (
            f"Filtre : {data['description']} — {data['structures_shown']} structure(s) affichée(s) "
            f"sur {data['structures_audited']} auditée(s)"
        )


@frozen
class UnusedAnswers(Addition):
    """Answers of the auditor (« Vérifications ») that no check needed: a list, one per answer."""

    KEY: ClassVar[str] = "unused_answers"

    def __iter__(self) -> Any:
        return iter(self.data)


_STATUS_SEVERITY = attrgetter("status", "severity")


@frozen
class AuditReport:
    """The whole audit."""

    fsaudit_version: str
    as_of: _dt.date
    referential: Any  # fsaudit.model.referential.Referential
    inputs: tuple[InputInfo, ...]
    structures: tuple[StructureReport, ...]
    errors: tuple[InputProblem, ...]
    plugins: tuple[Any, ...] = ()  # PluginInfo
    plugin_errors: tuple[Any, ...] = ()  # PluginError
    rules: tuple[Any, ...] = ()  # Rule, sorted by id
    fail_on: Severity = Severity.MAJEUR
    sections: tuple[Section, ...] = ()
    """Sections added by plugins (``fsaudit_report_sections``), sorted by key."""
    waivers: WaiverSummary | None = None
    baseline: BaselineComparison | None = None
    comparison: DateComparison | None = None
    workers: WorkerNotes | None = None
    unused_answers: UnusedAnswers | None = None
    config: ConfigProvenance | None = None
    filter: ReportFilterNote | None = None
    """What a filtered report shows of the audit (``None``: the whole audit)."""

    @property
    def additions(self) -> tuple[Addition, ...]:
        """The parts core features added (waivers, baseline, comparison…), sorted by key."""
        found = (
            self.waivers,
            self.baseline,
            self.comparison,
            self.workers,
            self.unused_answers,
            self.config,
            self.filter,
        )
        return tuple(sorted((a for a in found if a is not None), key=lambda a: a.KEY))

    def failing(self, level: Severity | None = None) -> list[tuple[StructureReport, Result]]:
        """Failures at or above ``level`` (default: the report's ``fail_on``)."""
        level = level or self.fail_on
        return [
            (s, r)
            for s in self.structures
            for r in s.results
            if r.status is Status.FAIL and r.severity.rank >= level.rank
        ]

    def result(self, rule_id: str, structure_id: str | None = None) -> Result | None:
        """The result of ``rule_id`` on the named structure (default: the first one)."""
        for structure in self.structures:
            if structure_id is None or structure.id == structure_id:
                return structure.result(rule_id)
        return None

    @property
    def rule_errors(self) -> list[tuple[StructureReport, Result]]:
        """Results whose rule failed to run."""
        return [(s, r) for s in self.structures for r in s.results if r.status is Status.ERROR]

    @property
    def input_errors(self) -> list[InputProblem]:
        """Input problems that are errors (something given could not be read), not warnings."""
        return [problem for problem in self.errors if problem.is_error]

    def status_severities(self) -> Counter[tuple[Status, Severity]]:
        """How many results have each (status, severity) pair, in one pass over every result
        (the national list ×10 has 711,250): what the summary and the exit code are counted from."""
        return Counter(map(_STATUS_SEVERITY, chain.from_iterable(s.results for s in self.structures)))

    def summary(self) -> dict[str, Any]:
        """Counts: structures, decisions, statuses, input and rule errors."""
        decisions = Counter(s.decision.code.value for s in self.structures)
        # Each (status, severity) pair counted once; the three counts derived from these few pairs.
        pairs = self.status_severities()
        statuses: Counter[Status] = Counter()
        for (status, _severity), count in pairs.items():
            statuses[status] += count
        threshold = self.fail_on.rank
        failing = sum(
            n for (status, severity), n in pairs.items() if status is Status.FAIL and severity.rank >= threshold
        )
        return {
            "structures": len(self.structures),
            "inputs": len(self.inputs),
            "decisions": {code.value: decisions.get(code.value, 0) for code in DecisionCode},
            "statuses": {status.value: statuses.get(status, 0) for status in Status},
            "failing": failing,
            "fail_on": self.fail_on.value,
            "input_errors": len(self.input_errors),
            "input_warnings": len(self.errors) - len(self.input_errors),
            "unreadable_structures": sum(1 for s in self.structures if s.unread),
            "rule_errors": statuses.get(Status.ERROR, 0),
            "plugin_errors": len(self.plugin_errors),
        }

    def flatten(self, keys: Iterable[str] = ("structure", "rule", "status")) -> list[list[Any]]:
        """One row per result with the chosen keys, for tests and tabular formats.

        Keys: ``structure``, ``name``, ``path``, ``rule``, ``status``, ``severity``, ``message``,
        ``location``, ``field``, ``decision``.
        """
        keys = list(keys)
        rows = []
        for s in self.structures:
            for r in s.results:
                row = {
                    "structure": s.id,
                    "name": s.name,
                    "path": s.path,
                    "rule": r.rule,
                    "status": r.status.value,
                    "severity": r.severity.value,
                    "message": r.message,
                    "location": r.location,
                    "field": r.field,
                    "decision": s.decision.code.value,
                }
                rows.append([row[k] for k in keys])
        return rows
