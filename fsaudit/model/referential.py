"""Versioned charter referentials: the data every threshold, partner list and severity comes from.

A :class:`Referential` is one state of the charter. Plugins provide them (the charter plugin reads
``rules/charte-*.json`` with :func:`fsaudit.inputs.referential.load_referential`, through the
``fsaudit_referentials`` hook); the audit date selects the state in force: the one with the latest
``valid_from`` on or before that date (:func:`referential_in_force`).

Every value, partner and severity carries its source and its confidence mark (``C`` official or
primary source, ``C2`` secondary source only, ``U`` practice no source states); a préfecture
overlay (:mod:`fsaudit.inputs.overlay`) may change ``C2`` and ``U`` values, and an official ``C`` value
only with an explicit, reported flag.

A :class:`Referential` is read-only once built: its mappings are :class:`types.MappingProxyType`
and its lists tuples, so that a plugin's rule cannot change what the other rules read.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
from attrs import frozen

__all__ = [
    "CONFIDENCE_LABELS",
    "CONFIDENCE_RANK",
    "Partner",
    "Referential",
    "ReferentialError",
    "ReferentialValue",
    "first_in_force",
    "normalize_name",
    "referential_in_force",
]

CONFIDENCE_RANK = {"U": 0, "C2": 1, "C": 2}
"""How sure a source is: a value never claims more than its source."""

CONFIDENCE_LABELS = {
    "C": "source officielle ou primaire",
    "C2": "source secondaire seulement",
    "U": "pratique qu'aucune source ne formule",
}
"""French meaning of each confidence mark."""


class ReferentialError(Exception):
    """A referential file is missing, unreadable or invalid; the message is in French."""


@functools.lru_cache(maxsize=8192)
def normalize_name(text: str) -> str:
    """Fold a name for comparison: no accents, no case, no punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).split())


def _readonly(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy of ``value`` (made once, when the referential is built)."""
    if isinstance(value, MappingProxyType):
        return value
    return MappingProxyType(dict(value))


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _readonly_sources(value: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType({key: _readonly(entry) for key, entry in value.items()})


def _plain(value: Any) -> Any:
    """``value`` with read-only mappings turned back into dicts (to pickle a referential)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


@frozen
class ReferentialValue:
    """One value of a referential (a threshold, a deadline, a severity) with its source."""

    key: str
    value: Any
    source: str
    note: str | None = None
    confidence: str = attrs.field(default="C", validator=attrs.validators.in_(tuple(CONFIDENCE_RANK)))
    """``C``, ``C2`` or ``U``: the confidence mark of the requirement (CHARTER.md §2)."""
    label: str | None = None
    """What the value is, in French."""
    stricter: str | None = None
    """``higher``/``lower`` (numbers, ISO dates) or ``true``/``false`` (booleans): the way a
    change makes the requirement stricter; ``None`` when no way is stricter."""
    minimum: float | None = None
    allowed: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    other_sources: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@frozen
class Partner:
    """A national partner (opérateur) of a referential."""

    id: str
    name: str
    aliases: tuple[str, ...]
    source: str
    confidence: str = "C"
    since: _dt.date | None = None
    """First day the partner belongs to the national core."""
    other_sources: tuple[str, ...] = attrs.field(default=(), converter=_texts)


def _partners(value: Iterable[Partner]) -> tuple[Partner, ...]:
    return tuple(value)


@frozen
class Referential:
    """One state of the charter, read-only (see the module docstring)."""

    id: str
    title: str
    valid_from: _dt.date
    path: str
    sha256: str
    sources: Mapping[str, Mapping[str, str]] = attrs.field(converter=_readonly_sources)
    values: Mapping[str, ReferentialValue] = attrs.field(converter=_readonly)
    partners: tuple[Partner, ...] = attrs.field(converter=_partners)
    local_service_categories: tuple[str, ...] = attrs.field(converter=_texts)
    severities: Mapping[str, str] = attrs.field(converter=_readonly)
    """Severity of each rule the referential weighs (``{"FS-HOR-01": "bloquant"}``)."""
    severity_entries: Mapping[str, ReferentialValue] = attrs.field(factory=dict, converter=_readonly)
    """The same severities with their source and confidence mark."""
    overlay: Any = None
    """The préfecture overlay applied (:class:`fsaudit.inputs.overlay.Overlay`), or ``None``."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Read-only mappings do not pickle: a referential travels to worker processes (--jobs)
        # as plain data and is built again, read-only, on arrival.
        state = {field.name: _plain(getattr(self, field.name)) for field in attrs.fields(type(self))}
        return (_rebuild_referential, (state,))

    def value(self, key: str) -> Any:
        """The value for ``key``; a missing key is a :class:`ReferentialError` naming the file."""
        try:
            return self.values[key].value
        except KeyError:
            raise ReferentialError(f"{self.path} : la clé « {key} » manque dans le référentiel {self.id}") from None

    def source_of(self, key: str) -> Mapping[str, str]:
        """The source entry (title, confidence) behind the value ``key``."""
        return self.sources[self.values[key].source]

    def severity_for(self, rule_id: str, default: str) -> str:
        """The severity this referential gives ``rule_id``, else the rule's own default."""
        return self.severities.get(rule_id, default)

    @functools.cached_property
    def _alias_index(self) -> dict[str, Partner]:
        index: dict[str, Partner] = {}
        for partner in self.partners:
            for name in (partner.id, partner.name, *partner.aliases):
                index.setdefault(normalize_name(name), partner)
        return index

    def resolve_partner(self, name: str) -> Partner | None:
        """The partner a declared name designates (``CAF`` → CNAF), or ``None``."""
        return self._alias_index.get(normalize_name(name))

    def closest_partner(self, name: str) -> Partner | None:
        """The partner whose name or alias is closest to ``name``, for suggestions."""
        key = normalize_name(name)
        match = difflib.get_close_matches(key, sorted(self._alias_index), n=1, cutoff=0.5)
        return self._alias_index[match[0]] if match else None


def _rebuild_referential(state: dict[str, Any]) -> Referential:
    return Referential(**state)


def referential_in_force(as_of: _dt.date, referentials: Sequence[Referential]) -> Referential:
    """The referential of ``referentials`` (oldest first) in force on ``as_of``: the one with the
    latest ``valid_from`` on or before that date; :class:`ReferentialError` when there is none."""
    if not referentials:
        raise ReferentialError("aucun référentiel de la charte n'est chargé (plugin « charter » désactivé ?)")
    candidates = [r for r in referentials if r.valid_from <= as_of]
    if not candidates:
        first = referentials[0]
        raise ReferentialError(
            f"aucun référentiel en vigueur au {as_of:%d/%m/%Y} : le premier ({first.id}) "
            f"s'applique à partir du {first.valid_from:%d/%m/%Y}"
        )
    return candidates[-1]


def first_in_force(referential: Referential, kind: str, key: str, history: Iterable[Referential]) -> _dt.date | None:
    """Since when the requirement ``key`` has its present value, going back through the
    referentials of ``history`` (oldest first) while the value stays the same.

    ``kind`` is ``value`` (a key of ``values``), ``severity`` (a rule id) or ``partner`` (a
    partner id: since it belongs to the core). ``None`` when ``referential`` does not hold it.
    """

    def current(ref: Referential) -> Any:
        if kind == "value":
            entry = ref.values.get(key)
            return None if entry is None else ("v", entry.value)
        if kind == "severity":
            return ref.severities.get(key)
        return ("p", key) if any(p.id == key for p in ref.partners) else None

    mine = current(referential)
    if mine is None:
        return None
    chain = [r for r in history if r.valid_from < referential.valid_from]
    since = referential.valid_from
    for ref in reversed(chain):
        if current(ref) != mine:
            break
        since = ref.valid_from
    return since
