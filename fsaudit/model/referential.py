"""Versioned charter referentials: the data every threshold, partner list and severity comes from.

Each file of ``rules/`` is one state of the charter (``charte-2020.json``, ``charte-2024.json``…),
validated against ``schemas/referential.schema.json`` when loaded. The audit date selects the
state in force: the one with the latest ``valid_from`` on or before that date.

Every value, partner and severity carries its source and its confidence mark (``C`` official or
primary source, ``C2`` secondary source only, ``U`` practice no source states); a préfecture
overlay (:mod:`fsaudit.model.overlay`) may change ``C2`` and ``U`` values, and an official ``C`` value
only with an explicit, reported flag.

A :class:`Referential` is read-only once built: its mappings are :class:`types.MappingProxyType`
and its lists tuples, so that a plugin's rule cannot change what the other rules read.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
from attrs import frozen

from fsaudit._resources import rules_dir, schema

__all__ = [
    "CONFIDENCE_LABELS",
    "CONFIDENCE_RANK",
    "Forfaits",
    "Partner",
    "Referential",
    "ReferentialError",
    "ReferentialValue",
    "first_in_force",
    "load_forfaits",
    "load_referential",
    "load_referentials",
    "normalize_name",
    "select_referential",
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
    allowed: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    other_sources: tuple[str, ...] = attrs.field(default=(), converter=tuple)


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
    other_sources: tuple[str, ...] = attrs.field(default=(), converter=tuple)


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
    partners: tuple[Partner, ...] = attrs.field(converter=tuple)
    local_service_categories: tuple[str, ...] = attrs.field(converter=tuple)
    severities: Mapping[str, str] = attrs.field(converter=_readonly)
    """Severity of each rule the referential weighs (``{"FS-HOR-01": "bloquant"}``)."""
    severity_entries: Mapping[str, ReferentialValue] = attrs.field(factory=dict, converter=_readonly)
    """The same severities with their source and confidence mark."""
    overlay: Any = None
    """The préfecture overlay applied (:class:`fsaudit.model.overlay.Overlay`), or ``None``."""

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
            raise ReferentialError(
                f"{self.path} : la clé « {key} » manque dans le référentiel {self.id}"
            ) from None

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


def _fail(path: Path, message: str) -> ReferentialError:
    return ReferentialError(f"{path} : {message}")


def _value(key: str, entry: Mapping[str, Any]) -> ReferentialValue:
    return ReferentialValue(
        key,
        entry["value"],
        entry["source"],
        entry.get("note"),
        entry.get("confidence", "C"),
        entry.get("label"),
        entry.get("stricter"),
        entry.get("minimum"),
        tuple(entry.get("allowed", ())),
        tuple(entry.get("other_sources", ())),
    )


def _consistency_problems(data: Mapping[str, Any]) -> list[str]:
    """What the schema cannot say: sources that exist, marks no higher than their source's,
    values within their own bounds, partner dates, a partner count the list can meet."""
    sources = data["sources"]
    found: list[str] = []

    def check_sources(where: str, entry: Mapping[str, Any]) -> None:
        for key in (entry["source"], *entry.get("other_sources", ())):
            if key not in sources:
                found.append(f"{where}.source : source inconnue « {key} »")
                return
        mark, source_mark = entry["confidence"], sources[entry["source"]]["confidence"]
        if CONFIDENCE_RANK[mark] > CONFIDENCE_RANK[source_mark]:
            found.append(
                f"{where}.confidence : fiabilité [{mark}] supérieure à celle de sa source "
                f"« {entry['source']} » [{source_mark}]"
            )

    for key, entry in data["values"].items():
        where = f"$.values.{key}"
        check_sources(where, entry)
        value = entry["value"]
        if entry.get("allowed") and value not in entry["allowed"]:
            found.append(f"{where}.value : « {value} » hors des valeurs admises ({', '.join(entry['allowed'])})")
        if entry.get("minimum") is not None and not isinstance(value, bool) and isinstance(value, int | float):
            if value < entry["minimum"]:
                found.append(f"{where}.value : {value} inférieur au minimum {entry['minimum']}")
    for index, partner in enumerate(data["partners"]):
        check_sources(f"$.partners[{index}]", partner)
        try:
            since = _dt.date.fromisoformat(partner["since"])
        except ValueError:
            found.append(f"$.partners[{index}].since : date invalide « {partner['since']} »")
            continue
        if since > _dt.date.fromisoformat(data["valid_from"]):
            found.append(f"$.partners[{index}].since : postérieure à l'entrée en vigueur du référentiel")
    for rule_id, entry in data["severities"].items():
        check_sources(f"$.severities.{rule_id}", entry)
    count = data["values"].get("partners.expected_count")
    if count is not None and isinstance(count["value"], int) and count["value"] > len(data["partners"]):
        found.append(
            f"$.values.partners.expected_count.value : {count['value']} partenaires attendus, "
            f"la liste n'en compte que {len(data['partners'])}"
        )
    return found


def load_referential(path: Path) -> Referential:
    """Read, validate and build one referential file."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except OSError as exc:
        raise _fail(path, f"lecture impossible ({exc.strerror})") from None
    except ValueError as exc:
        raise _fail(path, f"JSON invalide ({exc})") from None
    found = _schema_problems(data)
    if found:
        from fsaudit.inputs.reader import json_path

        details = "; ".join(f"{json_path(parts)} : {message}" for parts, message in found[:5])
        raise _fail(path, f"référentiel invalide : {details}")
    try:
        valid_from = _dt.date.fromisoformat(data["valid_from"])
    except ValueError:
        raise _fail(path, f"$.valid_from : date invalide « {data['valid_from']} »") from None
    problems = _consistency_problems(data)
    if problems:
        raise _fail(path, "; ".join(problems[:5]))
    severity_entries = {rule_id: _value(rule_id, entry) for rule_id, entry in data["severities"].items()}
    return Referential(
        id=data["id"],
        title=data["title"],
        valid_from=valid_from,
        path=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        sources=data["sources"],
        values={key: _value(key, entry) for key, entry in data["values"].items()},
        partners=tuple(
            Partner(
                p["id"], p["name"], tuple(p["aliases"]), p["source"], p["confidence"],
                _dt.date.fromisoformat(p["since"]), tuple(p.get("other_sources", ())),
            )
            for p in data["partners"]
        ),
        local_service_categories=tuple(data["local_service_categories"]),
        severities={rule_id: entry.value for rule_id, entry in severity_entries.items()},
        severity_entries=severity_entries,
    )


@functools.lru_cache(maxsize=1)
def _fast_validator() -> Any:
    """The referential schema compiled by jsonschema-rs: it says whether a file is valid, at a
    fraction of the cost of importing and running jsonschema on every start of fsaudit."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema("referential"))


def _schema_problems(data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Every schema problem of a referential, in French, sorted; none for a valid one.

    Valid data is accepted by the compiled validator; anything else goes to jsonschema, which
    explains each problem (the same explanations as for declarations)."""
    try:
        if _fast_validator().is_valid(data):
            return []
    except Exception:  # noqa: BLE001, S110 - any doubt: jsonschema decides and explains
        pass
    import jsonschema

    from fsaudit.inputs.validation import translate_schema_error

    validator = jsonschema.Draft202012Validator(schema("referential"))
    return sorted(
        (item for error in validator.iter_errors(data) for item in translate_schema_error(error)),
        key=lambda item: (list(map(str, item[0])), item[1]),
    )


@functools.lru_cache(maxsize=8)
def load_referentials(directory: Path | None = None) -> tuple[Referential, ...]:
    """Every referential of ``directory`` (default: the bundled ``rules/``), oldest first."""
    directory = directory or rules_dir()
    paths = sorted(directory.glob("charte-*.json"))
    if not paths:
        raise ReferentialError(f"{directory} : aucun référentiel (fichiers charte-*.json) trouvé")
    referentials = [load_referential(path) for path in paths]
    seen: dict[_dt.date, str] = {}
    for ref in referentials:
        if ref.valid_from in seen:
            raise ReferentialError(
                f"{ref.path} : même date d'entrée en vigueur ({ref.valid_from}) que {seen[ref.valid_from]}"
            )
        seen[ref.valid_from] = ref.path
    return tuple(sorted(referentials, key=lambda r: r.valid_from))


def select_referential(as_of: _dt.date, directory: Path | None = None) -> Referential:
    """The referential in force on ``as_of``."""
    candidates = [r for r in load_referentials(directory) if r.valid_from <= as_of]
    if not candidates:
        first = load_referentials(directory)[0]
        raise ReferentialError(
            f"aucun référentiel en vigueur au {as_of:%d/%m/%Y} : le premier ({first.id}) "
            f"s'applique à partir du {first.valid_from:%d/%m/%Y}"
        )
    return candidates[-1]


def first_in_force(
    referential: Referential, kind: str, key: str, history: Iterable[Referential] | None = None
) -> _dt.date | None:
    """Since when the requirement ``key`` has its present value, going back through the
    bundled referentials (``history``, oldest first) while the value stays the same.

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
    chain = [r for r in (history if history is not None else load_referentials()) if r.valid_from < referential.valid_from]
    since = referential.valid_from
    for ref in reversed(chain):
        if current(ref) != mine:
            break
        since = ref.valid_from
    return since


@frozen
class Forfaits:
    """The annual operating subsidy per labelled structure, by year."""

    amounts: dict[int, int]
    details: dict[int, str]
    source: str
    path: str

    def amount_for(self, year: int) -> int | None:
        """The forfait for ``year``, or ``None`` when the table has no such year."""
        return self.amounts.get(year)


@functools.lru_cache(maxsize=4)
def load_forfaits(directory: Path | None = None) -> Forfaits:
    """The subsidy table ``rules/forfaits.json``."""
    path = (directory or rules_dir()) / "forfaits.json"
    try:
        data = json.loads(path.read_bytes())
        years = {int(year): entry for year, entry in data["years"].items()}
        return Forfaits(
            amounts={year: int(entry["amount_eur"]) for year, entry in years.items()},
            details={year: str(entry["detail"]) for year, entry in years.items()},
            source=str(data["source"]),
            path=path.name,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _fail(path, f"table des forfaits illisible ({exc!r})") from None
