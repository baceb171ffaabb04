"""What a rule is, what it returns, and what it is given.

A rule plugin returns :class:`Rule` objects from its ``fsaudit_rules`` hook. A rule's check is
a plain function: ``check(structure, ctx) -> Outcome`` for a structure rule, or
``check(structures, departements, ctx) -> Mapping[structure_id, Outcome]`` for a network
rule (``structures`` are :class:`~fsaudit.inputs.reader.LoadedStructure`). The engine attaches
the rule id, the severity in force and the location in the input; the rule only says
what it found.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

if TYPE_CHECKING:
    import datetime as _dt

    from fsaudit.model.referential import Referential

__all__ = [
    "PLUGIN_FAILURES",
    "RULE_ID_PATTERN",
    "CharterReference",
    "Outcome",
    "ReadOnlyMapping",
    "Rule",
    "RuleContext",
    "Scope",
    "Severity",
    "Status",
    "frozen_data",
    "plain_data",
]

RULE_ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{2,3}$")
"""Rule ids look like ``FS-HOR-01`` or ``GERS-SAM-01``: upper-case words and a number."""


class Status(str, enum.Enum):
    """The status of one rule on one structure."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    WARN = "warn"
    NOT_APPLICABLE = "not_applicable"
    MANUAL = "manual"
    WAIVED = "waived"
    ERROR = "error"

    @property
    def label(self) -> str:
        """French label for reports."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.PASS: "conforme",
    Status.FAIL: "non conforme",
    Status.WARN: "avertissement",
    Status.NOT_APPLICABLE: "sans objet",
    Status.MANUAL: "à vérifier",
    Status.WAIVED: "dérogation",
    Status.ERROR: "erreur de règle",
}


class Severity(str, enum.Enum):
    """How much a failure weighs; ``bloquant`` prevents the label."""

    BLOQUANT = "bloquant"
    MAJEUR = "majeur"
    MINEUR = "mineur"
    INFO = "info"

    @property
    def rank(self) -> int:
        """3 for bloquant down to 0 for info, to compare severities."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.BLOQUANT: 3, Severity.MAJEUR: 2, Severity.MINEUR: 1, Severity.INFO: 0}


class Scope(str, enum.Enum):
    """Whether a rule judges one structure at a time or the whole set of structures."""

    STRUCTURE = "structure"
    NETWORK = "network"


def as_status(value: Any) -> Status:
    """``value`` as a :class:`Status` (``Status(value)`` only when it is not one already: the
    enum's own lookup is slow, and every result of every rule goes through here)."""
    return value if type(value) is Status else Status(value)


def as_severity(value: Any) -> Severity:
    """``value`` as a :class:`Severity` (see :func:`as_status`)."""
    return value if type(value) is Severity else Severity(value)


def _evidence(value: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(value or {})


@frozen
class Outcome:
    """What a rule found on one structure. Build it with the named constructors."""

    status: Status = attrs.field(converter=as_status)
    message: str
    evidence: dict[str, Any] = attrs.field(factory=dict, converter=_evidence)
    field: str | None = None
    """Dotted path of the declaration field the outcome is about (``opening_hours.monday``,
    ``conseillers[1].training_date``); the engine turns it into a location in the input."""

    @classmethod
    def passed(cls, message: str, *, field: str | None = None, **evidence: Any) -> Outcome:
        """The structure meets the rule."""
        return cls(Status.PASS, message, evidence, field)

    @classmethod
    def failed(cls, message: str, *, field: str | None = None, **evidence: Any) -> Outcome:
        """The structure does not meet the rule."""
        return cls(Status.FAIL, message, evidence, field)

    @classmethod
    def warned(cls, message: str, *, field: str | None = None, **evidence: Any) -> Outcome:
        """An observation that does not fail the rule."""
        return cls(Status.WARN, message, evidence, field)

    @classmethod
    def manual(cls, message: str, *, field: str | None = None, **evidence: Any) -> Outcome:
        """The auditor must judge: the declaration lacks what the rule needs."""
        return cls(Status.MANUAL, message, evidence, field)

    @classmethod
    def not_applicable(cls, message: str, *, field: str | None = None, **evidence: Any) -> Outcome:
        """The rule does not apply to this structure."""
        return cls(Status.NOT_APPLICABLE, message, evidence, field)


@frozen
class CharterReference:
    """Where a requirement comes from, and how sure we are of it.

    ``confidence`` is ``C`` (official or primary source), ``C2`` (secondary source only) or
    ``U`` (reported practice no source states: the rule is configurable and its severity is
    at most *mineur*).
    """

    text: str
    source: str
    confidence: str = attrs.field(validator=attrs.validators.in_(("C", "C2", "U")))


def _statuses(value: Any) -> tuple[Status, ...]:
    return tuple(as_status(item) for item in value)


def _check_rule_id(instance: Any, attribute: Any, value: str) -> None:
    if not RULE_ID_PATTERN.match(value):
        raise ValueError(f"identifiant de règle invalide : {value!r} (attendu par exemple FS-HOR-01)")


def _check_uncertain(rule: Rule) -> None:
    """A requirement no source states ([U]) is at most *mineur* (see :class:`CharterReference`):
    a rule resting on it never makes a structure lose its label."""
    if rule.reference.confidence == "U" and rule.severity.rank > Severity.MINEUR.rank:
        raise ValueError(
            f"règle {rule.id} : exigence de fiabilité [U] (aucune source ne l'établit) de gravité "
            f"« {rule.severity.value} » ; attendu au plus « mineur »"
        )


@frozen
class Rule:
    """A rule: its metadata (data, shown to auditors) and its check function."""

    id: str = attrs.field(validator=_check_rule_id)
    title: str
    severity: Severity = attrs.field(converter=Severity)
    """Default severity; the referential in force may set another."""
    applies_to: str
    """Which structures the rule judges, in French (``structures principales fixes et multisites``)."""
    domain: str
    """Domain in French: horaires, conseillers, partenaires, services locaux, locaux, réseau…"""
    reference: CharterReference
    description: str
    """What the rule checks and why, in French."""
    remediation: str
    """How to fix a failure, in French."""
    check: Callable[..., Any] | None = attrs.field(default=None, eq=False, repr=False)
    scope: Scope = attrs.field(default=Scope.STRUCTURE, converter=Scope)
    needs: tuple[str, ...] = ()
    """Declaration facts the rule's verdict depends on, as dotted paths (``opening_hours``,
    ``conseillers[].start_date``): a fact of the structure that could not be read and overlaps
    one of them makes the rule *manual* instead of running on what is left."""
    statuses: tuple[Status, ...] = attrs.field(default=(), converter=_statuses)
    """The statuses the check can return (``error`` and ``waived`` come from the engine), for
    documentation and for tests that want an example of each; empty when not declared."""
    cacheable: bool = False
    """True when the check's outcome depends on nothing but the facts named in ``needs`` and the
    context (referential, date, options, configuration): the engine then runs it once per
    distinct combination of those facts in an audit and reuses the outcome for every structure
    that has the same facts (its location stays each structure's own). A structure rule with a
    ``check`` only; ``needs`` must then name every fact the check reads, which
    :func:`fsaudit.testing.assert_needs_cover` verifies on examples."""

    def __attrs_post_init__(self) -> None:
        _check_uncertain(self)


class ReadOnlyMapping(Mapping[str, Any]):
    """A mapping no plugin can change: what one rule is given, every other rule sees as given.

    Writing to it raises :class:`TypeError`, which makes the writing rule an ``error``. Unlike
    :class:`types.MappingProxyType` it can be pickled (worker processes receive it).
    """

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("lecture seule : une règle ne peut pas modifier ce qu'elle reçoit")

    def __delitem__(self, key: str) -> None:
        raise TypeError("lecture seule : une règle ne peut pas modifier ce qu'elle reçoit")

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError("lecture seule : une règle ne peut pas modifier ce qu'elle reçoit")

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReadOnlyMapping, (self._data,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        """Hashable when its values are (text, numbers, tuples, read-only mappings): a frozen
        structure holding extension facts stays hashable."""
        return hash(tuple(sorted(self._data.items(), key=lambda item: str(item[0]))))


def frozen_data(value: Any) -> Any:
    """JSON-shaped ``value`` made read-only all the way down: objects become
    :class:`ReadOnlyMapping`, lists tuples."""
    if isinstance(value, Mapping):
        return ReadOnlyMapping({str(k): frozen_data(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen_data(v) for v in value)
    return value


def plain_data(value: Any) -> Any:
    """The JSON-shaped data of a :func:`frozen_data` value (dicts and lists again)."""
    if isinstance(value, Mapping):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [plain_data(v) for v in value]
    return value


def _read_only(value: Mapping[str, Any] | None) -> ReadOnlyMapping:
    return value if isinstance(value, ReadOnlyMapping) else ReadOnlyMapping(value)


def _frozen_tables(value: Mapping[str, Any] | None) -> ReadOnlyMapping:
    tables: ReadOnlyMapping = frozen_data(dict(value or {}))
    return tables


PLUGIN_FAILURES: tuple[type[BaseException], ...] = (Exception, SystemExit, GeneratorExit)
"""What a plugin's code (a rule, a hook, a reader, a report format) may raise that is its failure,
not the command's: every exception, and ``sys.exit()`` (which would end the command with code 0
and no report: a CI gate passed silently). Ctrl-C (:class:`KeyboardInterrupt`) still stops it."""


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@frozen
class RuleContext:
    """What a check receives besides the structure: the referential in force and the date.

    Everything in it is read-only: a rule that tries to change the options or the referential
    gets an ``error``, and the other rules see them unchanged.
    """

    referential: Referential
    as_of: _dt.date
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_read_only)
    config: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_tables)
    """Each plugin's configuration table, by plugin name (``[plugins.NAME]`` of ``--config`` or
    ``[tool.fsaudit.plugins.NAME]`` of ``pyproject.toml``); read it with :meth:`plugin_config`."""
    rules: Mapping[str, Rule] = attrs.field(factory=dict, converter=_read_only, eq=False, repr=False)
    """Every rule of the audit by id (title, severity, remediation…), for the decision policy;
    empty where rules are checked (worker processes do not need it)."""
    unread_inputs: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    """For network rules: the inputs, or parts of them, that could not be read and may hold
    structures (« decl/casse.json », « liste.csv (ligne 12) »). A network rule that would conclude
    from a structure's absence (a canton without France services, an antenne's missing principal
    structure) says *à vérifier* when it is not empty: data not read is never taken as absent.
    Empty for structure rules."""

    def value(self, key: str) -> Any:
        """A referential value by its key (``hours.min_weekly_hours``)."""
        return self.referential.value(key)

    def plugin_config(self, plugin: str) -> Mapping[str, Any]:
        """The configuration table of ``plugin`` (its entry-point name), read-only; empty when
        none is given."""
        found = self.config.get(plugin)
        return found if found is not None else ReadOnlyMapping()
