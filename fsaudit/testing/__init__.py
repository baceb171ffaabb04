"""Helpers for testing fsaudit and fsaudit plugins: builders, strategies, engines.

``make_structure(**changes)`` builds a declaration that meets every rule of the charter in
force in 2025, so that a test changes only the fact it is about::

    s = make_structure(opening_hours=weekly(monday=["09:00-12:00"]))

``audit_structures(structures, as_of=..., extra_plugins=...)`` audits in memory, without files;
``make_departement()`` is the département block under which ``make_structure()`` covers its
canton, and ``remove_fact(structure, "conseillers[].start_date")`` takes one fact out.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs

from fsaudit.model import declaration as model
from fsaudit.testing.needs import assert_needs_cover, needs_violations

__all__ = [
    "FULL_WEEK",
    "PARTNERS_2025",
    "assert_needs_cover",
    "audit_structures",
    "make_departement",
    "make_structure",
    "needs_violations",
    "remove_fact",
    "result_of",
    "weekly",
]


def _ranges(spec: Iterable[str]) -> tuple[model.TimeRange, ...]:
    out = []
    for item in spec:
        start, end = (part.strip() for part in item.split("-"))
        out.append(model.TimeRange(start, end))
    return tuple(out)


def weekly(**days: Iterable[str]) -> model.WeeklyHours:
    """``weekly(monday=["09:00-12:00", "13:30-17:00"])`` → :class:`~fsaudit.model.declaration.WeeklyHours`."""
    unknown = set(days) - set(model.WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown day(s): {sorted(unknown)}")
    return model.WeeklyHours(**{day: _ranges(spec) for day, spec in days.items()})


FULL_WEEK = weekly(
    monday=["09:00-12:00", "13:30-17:00"],
    tuesday=["09:00-12:00", "13:30-17:00"],
    wednesday=["09:00-12:00", "13:30-17:00"],
    thursday=["09:00-12:00", "13:30-17:00"],
    friday=["09:00-12:00", "13:30-17:00"],
)
"""32 h 30 over 5 days."""

PARTNERS_2025 = (
    "DGFiP",
    "France Titres",
    "Justice",
    "CAF",
    "CPAM",
    "Assurance retraite",
    "MSA",
    "France Travail",
    "La Poste",
    "Anah",
    "Chèque énergie",
    "Agirc-Arrco",
    "Urssaf",
)
"""The 13 national partners of 1 January 2025, by a name each resolves from."""


def make_structure(**changes: Any) -> model.Structure:
    """A principal fixed structure, labelled in 2021, that meets the 2025 charter: every rule
    passes (FS-NET-02 under :func:`make_departement`), except FS-MIS-01 (laïcité, a check the
    auditor answers: manual) and the rules that do not apply (FS-NET-03 to a principal one).

    Keyword arguments replace fields (``attrs.evolve``).
    """
    base = model.Structure(
        id="TEST-001",
        name="France services de test",
        departement="32",
        canton="3201",
        commune="32013",
        type=model.StructureType.PRINCIPAL,
        format=model.Format.FIXE,
        gestionnaire=model.Gestionnaire(model.GestionnaireKind.COLLECTIVITE, "Communauté de communes"),
        label=model.Label(model.LabelStatus.LABELLED, _dt.date(2021, 1, 1)),
        opening_hours=FULL_WEEK,
        conseillers=(
            model.Conseiller("C1", 1.0, _dt.date(2020, 11, 15), 6.5, _dt.date(2020, 12, 1), FULL_WEEK),
            model.Conseiller("C2", 1.0, _dt.date(2020, 11, 15), 6.5, _dt.date(2020, 12, 1), FULL_WEEK),
        ),
        partners=tuple(
            model.PartnerOffer(name, (model.PartnerMode.PERMANENCE,), f"Référent {name}") for name in PARTNERS_2025
        ),
        local_services=(model.LocalService("Conseiller numérique", "numérique", "Commune"),),
        premises=model.Premises(True, True, True, True, True, True, True, True),
        attendance=(
            model.Attendance("2024-01", 300),
            model.Attendance("2025-01", 330),
        ),
    )
    return attrs.evolve(base, **changes)


def make_departement(**changes: Any) -> model.Departement:
    """The Gers block with the one canton of :func:`make_structure` (``3201``, Auch-1)."""
    return attrs.evolve(model.Departement("32", "Gers", (model.Canton("3201", "Auch-1"),)), **changes)


def _is_optional(instance: Any, name: str) -> bool:
    """True when ``name`` of an attrs ``instance`` may be ``None`` (it defaults to ``None``)."""
    field = attrs.fields_dict(type(instance)).get(name)
    if field is None:
        raise ValueError(f"{type(instance).__name__} has no field {name!r}")
    return field.default is None


def remove_fact(structure: model.Structure, path: str) -> model.Structure:
    """``structure`` without the fact at ``path`` (a rule's ``needs`` entry), as a declaration
    that does not declare it would read.

    ``conseillers[].start_date`` removes the start date of every conseiller. A fact that cannot
    be ``None`` (``label.status``, ``partners[].operator``) removes the nearest enclosing fact
    that can (``label``, ``partners``). Raises :class:`ValueError` when nothing encloses it
    (``id``): such a fact is never missing, only unreadable.
    """
    names = [part for part in path.replace("[]", "").split(".") if part]

    def without(obj: Any, rest: list[str]) -> tuple[Any, bool]:
        """``obj`` without ``rest``; the flag says the caller must drop ``obj`` itself."""
        name, tail = rest[0], rest[1:]
        value = getattr(obj, name)
        if not tail or value is None:
            if _is_optional(obj, name):
                return attrs.evolve(obj, **{name: None}), False
            return obj, True
        if isinstance(value, tuple):
            items = []
            for item in value:
                changed, drop = without(item, tail)
                if drop:
                    break
                items.append(changed)
            else:
                return attrs.evolve(obj, **{name: tuple(items)}), False
        else:
            changed, drop = without(value, tail)
            if not drop:
                return attrs.evolve(obj, **{name: changed}), False
        if _is_optional(obj, name):
            return attrs.evolve(obj, **{name: None}), False
        return obj, True

    changed, drop = without(structure, names)
    if drop:
        raise ValueError(f"{path} cannot be missing from a structure: it is a required fact")
    return cast(model.Structure, changed)


def audit_structures(
    structures: Sequence[model.Structure],
    *,
    as_of: _dt.date = _dt.date(2025, 6, 30),
    departements: Sequence[model.Departement] = (),
    extra_plugins: Sequence[tuple[str, object]] = (),
    disabled: Iterable[str] = (),
    unread: Mapping[int, Sequence[Any]] | None = None,
    referential: Any = None,
) -> Any:
    """Audit structures in memory (no file) and return the :class:`~fsaudit.model.result.AuditReport`.

    ``unread`` gives, by structure index, :class:`~fsaudit.inputs.reader.UnreadFact` objects: facts the
    input held but a reader could not read. ``referential`` replaces the one in force on
    ``as_of`` (a referential with a préfecture overlay, say).
    """
    from fsaudit.inputs.reader import LoadedStructure, ReadResult
    from fsaudit.model.result import InputInfo
    from fsaudit.run.engine import audit_inputs

    unread = unread or {}
    loaded = tuple(
        LoadedStructure(s, "<mémoire>", ("structures", i), unread=tuple(unread.get(i, ())))
        for i, s in enumerate(structures)
    )
    info = InputInfo("<mémoire>", None, "memoire", len(loaded), 0)
    return audit_inputs(
        [(info, ReadResult("memoire", loaded, tuple(departements)))],
        as_of=as_of,
        extra_plugins=extra_plugins,
        disabled=disabled,
        referential=referential,
    )


def result_of(report: Any, rule_id: str, structure_id: str | None = None) -> Any:
    """The result of ``rule_id`` on the (first, or named) structure of ``report``."""
    for s in report.structures:
        if structure_id is None or s.id == structure_id:
            found = s.result(rule_id)
            if found is not None:
                return found
    raise LookupError(f"no result for {rule_id} on {structure_id or 'any structure'}")
