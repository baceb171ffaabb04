"""The declaration model: what a France services structure declares about itself.

Every class is a frozen attrs class. Any fact a real declaration may lack is optional
(``None`` means "not declared"), and the rules that need a missing fact answer ``manual`` or
``not_applicable`` instead of failing. Nothing here validates the *content* of a declaration
against the charter: that is the rules' job. Invariants checked here are only those without
which the value would not mean anything (for example a negative attendance count).

Field names are the keys of the JSON declaration format (``fsaudit/schemas/declaration.schema.json``).
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import typing
from typing import Any

import attrs
from attrs import field, frozen

from fsaudit.model.rule import ReadOnlyMapping

__all__ = [
    "WEEKDAYS",
    "WEEKDAY_LABELS",
    "Address",
    "Attendance",
    "Canton",
    "Conseiller",
    "Coordinates",
    "Declaration",
    "Departement",
    "Extensions",
    "Format",
    "Gestionnaire",
    "GestionnaireKind",
    "Label",
    "LabelStatus",
    "LocalService",
    "PartnerMode",
    "PartnerOffer",
    "Premises",
    "Structure",
    "StructureType",
    "TimeRange",
    "WeeklyHours",
]


class StructureType(str, enum.Enum):
    """Principal structure, or antenne attached to a principal one."""

    PRINCIPAL = "principal"
    ANTENNE = "antenne"


class Format(str, enum.Enum):
    """How the structure receives the public (ANCT ``format_fs``)."""

    FIXE = "fixe"
    MULTISITES = "multisites"
    BUS = "bus"
    ITINERANT = "itinerant"
    ANTENNE = "antenne"


class GestionnaireKind(str, enum.Enum):
    """The kind of body that runs the structure."""

    COLLECTIVITE = "collectivite"
    LA_POSTE = "la_poste"
    ASSOCIATION = "association"
    MSA = "msa"
    ETAT = "etat"
    AUTRE = "autre"


class LabelStatus(str, enum.Enum):
    """A candidate applies for the label; a labelled structure must keep it."""

    CANDIDATE = "candidate"
    LABELLED = "labelled"


class PartnerMode(str, enum.Enum):
    """How a national partner's offer is delivered in the structure."""

    PERMANENCE = "permanence"
    VISIO = "visio"
    RENDEZ_VOUS = "rendez_vous"
    REFERENT = "referent"


WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
WEEKDAY_LABELS: dict[str, str] = {
    "monday": "lundi",
    "tuesday": "mardi",
    "wednesday": "mercredi",
    "thursday": "jeudi",
    "friday": "vendredi",
    "saturday": "samedi",
    "sunday": "dimanche",
}


@functools.lru_cache(maxsize=4096)
def _hhmm_to_minutes(value: str) -> int:
    """``"09:30"`` → 570 (at most 1,441 valid texts: every rule that measures hours asks again)."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


@frozen(cache_hash=True)
class TimeRange:
    """An opening range within one day, ``HH:MM`` to ``HH:MM`` as declared.

    The range is kept as declared, even when it is incoherent (end before start,
    ``00:00 - 00:00`` placeholder): judging it is the job of rule FS-HOR-03.
    """

    start: str
    end: str

    @property
    def start_minutes(self) -> int:
        """Minutes after midnight of the start."""
        return _hhmm_to_minutes(self.start)

    @property
    def end_minutes(self) -> int:
        """Minutes after midnight of the end (``24:00`` is 1440)."""
        return _hhmm_to_minutes(self.end)

    @property
    def is_placeholder(self) -> bool:
        """True for the ``00:00 - 00:00`` ranges some exports use to mean nothing."""
        return self.start_minutes == 0 and self.end_minutes == 0

    @property
    def minutes(self) -> int:
        """Length in minutes, 0 when the range is empty or reversed."""
        return max(0, self.end_minutes - self.start_minutes)

    def __str__(self) -> str:
        return f"{self.start} - {self.end}"


def _ranges() -> tuple[TimeRange, ...]:
    return ()


@frozen(cache_hash=True)
class WeeklyHours:
    """Opening ranges for each day of the week; a day with no range is closed."""

    monday: tuple[TimeRange, ...] = field(factory=_ranges)
    tuesday: tuple[TimeRange, ...] = field(factory=_ranges)
    wednesday: tuple[TimeRange, ...] = field(factory=_ranges)
    thursday: tuple[TimeRange, ...] = field(factory=_ranges)
    friday: tuple[TimeRange, ...] = field(factory=_ranges)
    saturday: tuple[TimeRange, ...] = field(factory=_ranges)
    sunday: tuple[TimeRange, ...] = field(factory=_ranges)

    def day(self, name: str) -> tuple[TimeRange, ...]:
        """The ranges of day ``name`` (``"monday"`` … ``"sunday"``)."""
        ranges: tuple[TimeRange, ...] = getattr(self, name)
        return ranges

    def items(self) -> list[tuple[str, tuple[TimeRange, ...]]]:
        """``(day, ranges)`` pairs, Monday first."""
        return [(day, getattr(self, day)) for day in WEEKDAYS]

    @property
    def is_empty(self) -> bool:
        """True when no day has any range at all."""
        return not any(getattr(self, day) for day in WEEKDAYS)


@frozen
class Coordinates:
    """WGS84 position."""

    latitude: float = field(validator=attrs.validators.and_(attrs.validators.ge(-90), attrs.validators.le(90)))
    longitude: float = field(validator=attrs.validators.and_(attrs.validators.ge(-180), attrs.validators.le(180)))


@frozen
class Address:
    """Postal address."""

    street: str | None = None
    complement: str | None = None
    postal_code: str | None = None
    city: str | None = None


@frozen
class Gestionnaire:
    """The body that runs the structure."""

    kind: GestionnaireKind | None = None
    name: str | None = None


@frozen
class Label:
    """Where the structure stands with the label."""

    status: LabelStatus
    date: _dt.date | None = None


@frozen(cache_hash=True)
class Conseiller:
    """A conseiller France services, under a pseudonymous identifier."""

    id: str
    fte: float | None = field(
        default=None, validator=attrs.validators.optional([attrs.validators.ge(0), attrs.validators.le(1)])
    )
    """Full-time equivalent of this conseiller, from 0 to 1 (0.8: 80 % of full time)."""
    training_date: _dt.date | None = None
    training_days: float | None = field(default=None, validator=attrs.validators.optional(attrs.validators.ge(0)))
    start_date: _dt.date | None = None
    presence: WeeklyHours | None = None


@frozen(cache_hash=True)
class PartnerOffer:
    """A national partner offered in the structure, by the name the declaration uses."""

    operator: str
    modes: tuple[PartnerMode, ...] = ()
    referent: str | None = None


@frozen(cache_hash=True)
class LocalService:
    """A local complementary service added by the gestionnaire."""

    name: str
    category: str | None = None
    provider: str | None = None


@frozen(cache_hash=True)
class Premises:
    """What the premises offer; ``None`` is "not declared"."""

    confidential_space: bool | None = None
    free_access_station: bool | None = None
    printer_scanner: bool | None = None
    videoconference: bool | None = None
    free_of_charge: bool | None = None
    walk_in: bool | None = None
    signage: bool | None = None
    disability_access: bool | None = None
    """Access adapted to persons with disabilities (FS-LOC-05)."""


@frozen(cache_hash=True)
class Attendance:
    """Accompaniments counted for one month (``YYYY-MM``)."""

    month: str
    accompaniments: int = field(validator=attrs.validators.ge(0))


class Extensions(ReadOnlyMapping):
    """The extension facts of a structure, by namespace: read-only all the way down
    (:func:`fsaudit.model.rule.frozen_data`)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Extensions, (self._data,))


@frozen
class Structure:
    """One France services structure, as declared."""

    id: str
    name: str
    departement: str | None = None
    canton: str | None = None
    commune: str | None = None
    address: Address | None = None
    coordinates: Coordinates | None = None
    type: StructureType | None = None
    format: Format | None = None
    group: str | None = None
    parent_id: str | None = None
    gestionnaire: Gestionnaire | None = None
    label: Label | None = None
    opening_hours: WeeklyHours | None = None
    irregular_openings: str | None = None
    appointment_booking: bool | None = None
    conseillers: tuple[Conseiller, ...] | None = None
    partners: tuple[PartnerOffer, ...] | None = None
    local_services: tuple[LocalService, ...] | None = None
    premises: Premises | None = None
    attendance: tuple[Attendance, ...] | None = None
    comment: str | None = None
    extensions: Extensions | None = None
    """Facts that plugins declare, by namespace (``{"mon_departement": {"guichet_numerique": true}}``),
    each namespace validated by its plugin's JSON Schema (``fsaudit_extension_schemas``)."""

    @property
    def is_antenne(self) -> bool:
        """True when the structure is an antenne (by type or by format)."""
        return self.type is StructureType.ANTENNE or self.format is Format.ANTENNE


@frozen
class Canton:
    """A canton of a département."""

    code: str
    name: str | None = None


@frozen
class Departement:
    """What network rules need to know of a département."""

    code: str
    name: str | None = None
    cantons: tuple[Canton, ...] | None = None


@frozen
class Declaration:
    """The content of one declaration input: structures and an optional département block."""

    structures: tuple[Structure, ...]
    departement: Departement | None = None


def _attrs_class_of(annotation: Any) -> type | None:
    """The attrs class a field holds, through ``X | None`` and ``tuple[X, ...]``; ``None`` for a
    value (text, number, date, mapping)."""
    if attrs.has(annotation):
        return annotation
    for argument in typing.get_args(annotation):
        if argument is not type(None) and argument is not Ellipsis:
            found = _attrs_class_of(argument)
            if found is not None:
                return found
    return None


@functools.lru_cache(maxsize=1024)
def unknown_fact(path: str) -> str | None:
    """The first name of the fact path ``path`` (``premises.walk_in``, ``conseillers[].presence``)
    that is no field of a declared structure, or ``None`` when every name is one. Past a value
    that is not a structure of fields (a mapping of extension facts), any name is accepted."""
    from fsaudit.model.facts import fact_segments

    current: type | None = Structure
    for name in fact_segments(path):
        if current is None:
            return None
        hints = typing.get_type_hints(current)
        if name not in {f.name for f in attrs.fields(current)}:
            return name
        current = _attrs_class_of(hints[name])
    return None
