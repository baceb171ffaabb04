"""Reading a referential file: JSON validated by ``schemas/referential.schema.json``, then checked
for what a schema cannot say (sources that exist, confidence marks no higher than their source's,
values within their bounds), then built into a read-only :class:`~fsaudit.model.referential.Referential`.

The charter plugin reads its ``rules/charte-*.json`` with these functions; a plugin that ships
referentials of its own does the same.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fsaudit._resources import schema
from fsaudit.model.referential import (
    CONFIDENCE_RANK,
    Partner,
    Referential,
    ReferentialError,
    ReferentialValue,
)

__all__ = ["load_referential", "load_referentials"]


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
        from fsaudit.model.facts import json_path

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
                p["id"],
                p["name"],
                tuple(p["aliases"]),
                p["source"],
                p["confidence"],
                _dt.date.fromisoformat(p["since"]),
                tuple(p.get("other_sources", ())),
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


def load_referentials(directory: Path, pattern: str = "charte-*.json") -> tuple[Referential, ...]:
    """Every referential file of ``directory`` matching ``pattern``, oldest first; two with the same
    date of entry into force are an error."""
    paths = sorted(directory.glob(pattern))
    if not paths:
        raise ReferentialError(f"{directory} : aucun référentiel (fichiers {pattern}) trouvé")
    referentials = [load_referential(path) for path in paths]
    seen: dict[_dt.date, str] = {}
    for ref in referentials:
        if ref.valid_from in seen:
            raise ReferentialError(
                f"{ref.path} : même date d'entrée en vigueur ({ref.valid_from}) que {seen[ref.valid_from]}"
            )
        seen[ref.valid_from] = ref.path
    return tuple(sorted(referentials, key=lambda r: r.valid_from))
