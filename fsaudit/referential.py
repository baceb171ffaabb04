"""Versioned charter referentials: the data every threshold, partner list and severity comes from.

Each file of ``rules/`` is one state of the charter (``charte-2020.json``, ``charte-2024.json``…),
validated against ``schemas/referential.schema.json`` when loaded. The audit date selects the
state in force: the one with the latest ``valid_from`` on or before that date.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from attrs import frozen

from fsaudit._resources import rules_dir, schema

__all__ = [
    "Forfaits",
    "Partner",
    "Referential",
    "ReferentialError",
    "ReferentialValue",
    "load_forfaits",
    "load_referential",
    "load_referentials",
    "normalize_name",
    "select_referential",
]


class ReferentialError(Exception):
    """A referential file is missing, unreadable or invalid; the message is in French."""


@functools.lru_cache(maxsize=8192)
def normalize_name(text: str) -> str:
    """Fold a name for comparison: no accents, no case, no punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).split())


@frozen
class ReferentialValue:
    """One value of a referential with the key of its source."""

    key: str
    value: Any
    source: str
    note: str | None = None


@frozen
class Partner:
    """A national partner (opérateur) of a referential."""

    id: str
    name: str
    aliases: tuple[str, ...]
    source: str


@frozen
class Referential:
    """One state of the charter."""

    id: str
    title: str
    valid_from: _dt.date
    path: str
    sha256: str
    sources: dict[str, dict[str, str]]
    values: dict[str, ReferentialValue]
    partners: tuple[Partner, ...]
    local_service_categories: tuple[str, ...]
    severities: dict[str, str]

    def value(self, key: str) -> Any:
        """The value for ``key``; a missing key is a :class:`ReferentialError` naming the file."""
        try:
            return self.values[key].value
        except KeyError:
            raise ReferentialError(
                f"{self.path} : la clé « {key} » manque dans le référentiel {self.id}"
            ) from None

    def source_of(self, key: str) -> dict[str, str]:
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


def _fail(path: Path, message: str) -> ReferentialError:
    return ReferentialError(f"{path} : {message}")


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
        from fsaudit.inputs import json_path

        details = "; ".join(f"{json_path(parts)} : {message}" for parts, message in found[:5])
        raise _fail(path, f"référentiel invalide : {details}")
    sources = data["sources"]
    for key, entry in data["values"].items():
        if entry["source"] not in sources:
            raise _fail(path, f"$.values.{key}.source : source inconnue « {entry['source']} »")
    for index, partner in enumerate(data["partners"]):
        if partner["source"] not in sources:
            raise _fail(path, f"$.partners[{index}].source : source inconnue « {partner['source']} »")
    try:
        valid_from = _dt.date.fromisoformat(data["valid_from"])
    except ValueError:
        raise _fail(path, f"$.valid_from : date invalide « {data['valid_from']} »") from None
    return Referential(
        id=data["id"],
        title=data["title"],
        valid_from=valid_from,
        path=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        sources=sources,
        values={
            key: ReferentialValue(key, entry["value"], entry["source"], entry.get("note"))
            for key, entry in data["values"].items()
        },
        partners=tuple(
            Partner(p["id"], p["name"], tuple(p["aliases"]), p["source"]) for p in data["partners"]
        ),
        local_service_categories=tuple(data["local_service_categories"]),
        severities=dict(data["severities"]),
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

    from fsaudit.inputs import translate_schema_error

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
