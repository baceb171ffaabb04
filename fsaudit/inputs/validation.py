"""The validation every declaration goes through, whatever its format.

A reader turns its input into JSON-shaped data and calls :func:`validate_declaration`: JSON Schema
first (every problem, in French, at its location), then cattrs into the model. Nothing the input
holds is dropped: a value that cannot be read is recorded as an unread fact of its structure.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from fsaudit._resources import schema
from fsaudit.inputs.reader import LoadedStructure
from fsaudit.model import declaration as model
from fsaudit.model.facts import (
    ERROR,
    WARNING,
    InputProblem,
    Locate,
    PathParts,
    UnreadFact,
    facts_overlap,
    field_path,
    json_path,
)
from fsaudit.text.french import FIELD_LABELS, closest_name

__all__ = ["translate_schema_error", "validate_declaration", "validate_extensions"]

# --- French messages for JSON Schema errors ------------------------------------------------

_TYPE_NAMES = {
    "string": "un texte",
    "number": "un nombre",
    "integer": "un nombre entier",
    "boolean": "un booléen (true ou false)",
    "object": "un objet",
    "array": "une liste",
    "null": "null",
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"le texte « {value[:80]}{'…' if len(value) > 80 else ''} »"
    if isinstance(value, int | float):
        return f"le nombre {value}"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return repr(value)


_PATTERN_HINTS = {
    "time": "une heure HH:MM entre 00:00 et 24:00",
    "date": "une date AAAA-MM-JJ",
    "month": "un mois AAAA-MM",
    "departement": "un code de département INSEE (01 à 95, 2A, 2B, 971 à 989)",
    "commune": "un code commune INSEE à 5 caractères",
}


def _pattern_hint(parts: Sequence[str | int], pattern: str) -> str:
    last = next((p for p in reversed(parts) if isinstance(p, str)), "")
    if "24:00" in pattern:
        return _PATTERN_HINTS["time"]
    if last in ("date", "training_date", "start_date") or "(0[1-9]|[12][0-9]|3[01])" in pattern:
        return _PATTERN_HINTS["date"]
    if last == "month":
        return _PATTERN_HINTS["month"]
    if last in ("departement", "code") and "2[AB]" in pattern:
        return _PATTERN_HINTS["departement"]
    if last == "commune":
        return _PATTERN_HINTS["commune"]
    return f"une valeur de la forme {pattern}"


def _is_null_branch(error: Any) -> bool:
    return bool(error.validator == "type" and error.validator_value == "null")


def translate_schema_error(error: Any) -> list[tuple[PathParts, str]]:
    """One jsonschema error → ``(path, French message)`` pairs (any schema of fsaudit)."""
    return [(issue.parts, issue.message) for issue in _translate(error)]


@frozen
class _Issue:
    """A schema problem: where, the French message, the validator keyword, and for an
    unknown key the closest allowed one that the object lacks."""

    parts: PathParts
    message: str
    kind: str
    suggestion: str | None = None
    container_unread: bool = False
    """An unknown key in a week of hours (``lun``, ``Mo``): the whole week is not read, since a
    day missing from it would be read as closed."""


_MAXIMUM_HINTS = {
    "fte": " (un ETP va de 0 à 1 par conseiller : 0,8 pour 80 % d'un temps plein)",
}
"""What to type instead, by field, when a value is above its maximum (a percentage typed as an ETP)."""


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _french_name(name: str, absent: Sequence[str]) -> str | None:
    """The absent field whose French name ``name`` is (``lundi`` → ``monday``, ``partenaires`` →
    ``partners``, ``horaires`` → ``opening_hours``): a declaration written with the French names
    of the workbook's headers."""
    labels = {FIELD_LABELS[key]: key for key in absent if key in FIELD_LABELS}
    found = closest_name(name, labels, cutoff=0.85)
    if found is None and len(name) >= 5:  # « horaires » for « horaires d'ouverture »
        starts = [label for label in labels if closest_name(name, [label.split()[0]], cutoff=1.0)]
        found = starts[0] if len(starts) == 1 else None
    return labels[found] if found is not None else None


def _gloss(name: str) -> str:
    """`` (fin)`` after a JSON key that is not French (``end``), for the auditor who reads it."""
    from fsaudit.text.french import FIELD_LABELS

    label = FIELD_LABELS.get(name)
    return f" ({label})" if label and label != name else ""


def _translate(error: Any) -> list[_Issue]:
    parts: PathParts = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    if kind == "anyOf":
        branches: dict[int, list[Any]] = {}
        for sub in error.context or []:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        useful = [errs for errs in branches.values() if not any(_is_null_branch(e) for e in errs)]
        if len(useful) == 1:
            out: list[_Issue] = []
            for sub in useful[0]:
                out.extend(_translate(sub))
            return out
        return [_Issue(parts, f"valeur invalide : {_describe(value)}", kind)]
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " ou ".join(_TYPE_NAMES.get(n, n) for n in names if n != "null")
        if "null" in names:
            wanted += " (ou null)"
        return [_Issue(parts, f"type incorrect : attendu {wanted}, reçu {_describe(value)}", kind)]
    if kind == "required":
        missing = [name for name in error.validator_value if name not in value]
        return [
            _Issue((*parts, name), f"champ obligatoire « {name} »{_gloss(name)} manquant", kind) for name in missing
        ]
    if kind == "additionalProperties":
        properties = error.schema.get("properties", {})
        allowed = sorted(properties)
        extras = sorted(k for k in value if k not in properties)
        absent = [name for name in allowed if name not in value]
        out = []
        week = set(properties) == set(_DAYS)
        for name in extras:
            suggestion = closest_name(name, absent) or _french_name(name, absent)
            if suggestion is not None:
                message = f"champ inconnu « {name} » : voulez-vous dire « {suggestion} »{_gloss(suggestion)} ?"
            else:
                message = f"champ inconnu « {name} » (champs admis : {', '.join(allowed)})"
            out.append(_Issue((*parts, name), message, kind, suggestion, week and suggestion is None))
        return out
    if kind == "enum":
        admitted = ", ".join(str(v) for v in error.validator_value if v is not None)
        return [_Issue(parts, f"valeur non reconnue : {_describe(value)} ; valeurs admises : {admitted}", kind)]
    if kind == "pattern":
        hint = _pattern_hint(parts, error.validator_value)
        return [_Issue(parts, f"format invalide : {_describe(value)} ; attendu {hint}", kind)]
    if kind == "format" and error.validator_value == "date":
        if not (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])", value)):
            return []  # the pattern error already says it
        return [
            _Issue(parts, f"date inexistante : {_describe(value)} ; attendu une date AAAA-MM-JJ du calendrier", kind)
        ]
    if kind == "minimum":
        return [_Issue(parts, f"valeur trop petite : {_describe(value)} ; minimum {error.validator_value}", kind)]
    if kind == "maximum":
        hint = _MAXIMUM_HINTS.get(str(parts[-1]) if parts else "", "")
        return [_Issue(parts, f"valeur trop grande : {_describe(value)} ; maximum {error.validator_value}{hint}", kind)]
    if kind == "minLength":
        return [_Issue(parts, "texte vide : une valeur est attendue", kind)]
    if kind == "minItems":
        return [_Issue(parts, f"liste trop courte : au moins {error.validator_value} élément(s) attendu(s)", kind)]
    return [_Issue(parts, f"valeur invalide ({kind}) : {_describe(value)}", kind)]


@functools.lru_cache(maxsize=4)
def _validator(definition: str) -> Any:
    import jsonschema

    full = schema("declaration")
    return jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{definition}", "$defs": full["$defs"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


@functools.lru_cache(maxsize=4)
def _fast_validator(definition: str) -> Callable[[Any], Any]:
    """A compiled validator (jsonschema-rs) for the common case of valid input.

    It only answers "valid or not" (it raises when not): when it says valid, the data is valid
    for the jsonschema validator too (tests/inputs/test_validation_paths.py checks it); when not,
    or when it cannot take the data at all, the jsonschema validator runs to report every
    problem with its French message.
    """
    import jsonschema_rs

    full = schema("declaration")
    validator = jsonschema_rs.validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/$defs/{definition}",
            "$defs": full["$defs"],
        },
        validate_formats=True,
    )
    is_valid = validator.is_valid

    def check(data: Any) -> Any:
        if not is_valid(data):
            raise ValueError(f"invalide pour le schéma « {definition} »")
        return data

    return check


def _schema_issues(data: Any, definition: str) -> list[_Issue]:
    try:
        _fast_validator(definition)(data)
    except Exception:  # noqa: BLE001, S110 - any doubt: the full validator decides and explains
        pass
    else:
        return []
    found: dict[tuple[PathParts, str], _Issue] = {}
    for error in _validator(definition).iter_errors(data):
        for issue in _translate(error):
            found.setdefault((issue.parts, issue.message), issue)
    return sorted(found.values(), key=lambda issue: (_sort_key(issue.parts), issue.message))


def _schema_problems(data: Any, definition: str) -> list[tuple[PathParts, str]]:
    return [(issue.parts, issue.message) for issue in _schema_issues(data, definition)]


def _sort_key(parts: PathParts) -> tuple[tuple[int, str | int], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in parts)


_STRUCTURE_KEYS = frozenset(attrs.fields_dict(model.Structure))
_MAX_ROUNDS = 12
"""Rounds of pruning a structure may take; each round removes at least one value, and a
structure nested deeper than this is read as wholly unreadable."""


def validate_declaration(
    data: Any,
    path: str,
    *,
    locate: Locate | None = None,
    unread: Mapping[int, Sequence[UnreadFact]] | None = None,
) -> tuple[list[LoadedStructure], list[model.Departement], list[InputProblem]]:
    """Validate JSON-shaped declaration data and build the model.

    ``data`` is one structure (an object with ``id``) or a collection (an object with
    ``structures``). Every problem is reported, sorted by location, and **no structure is left
    out**: a value that cannot be read (wrong type, bad pattern, unknown key that looks like a
    known one) is removed and recorded as an :class:`UnreadFact` of its structure, so that the
    rules needing it answer ``manual`` rather than judge what is left. A structure without a
    readable ``id`` gets a provisional one (``sans-identifiant-3``). An unknown key that
    resembles no field is ignored with a warning.

    ``unread`` gives, by structure index (0 for a single structure), facts the reader itself
    could not read (a workbook cell « neuf heures »); the reader reports their problems and
    leaves them out of ``data``.
    """
    from fsaudit.inputs.converter import converter, fast_structure

    def where(parts: PathParts) -> str:
        if locate is not None:
            found = locate(parts)
            if found:
                return found
        return json_path(parts)

    def problem(parts: PathParts, message: str, level: str = ERROR) -> InputProblem:
        return InputProblem(path, where(parts), message, level)

    if not isinstance(data, Mapping):
        return [], [], [problem((), f"type incorrect : attendu un objet JSON, reçu {_describe(data)}")]

    given = unread or {}
    collection = "structures" in data
    if not collection and not (_STRUCTURE_KEYS & set(data)):
        return (
            [],
            [],
            [
                problem(
                    (),
                    "objet non reconnu : attendu une structure (avec « id » et « name ») ou une "
                    "collection (avec « structures »)",
                )
            ],
        )
    issues = _schema_issues(data, "collection" if collection else "structure")
    if not issues and not given:
        # The common case: everything valid, nothing unread.
        items = data["structures"] if collection else [data]
        loaded: list[LoadedStructure] = []
        problems: list[InputProblem] = []
        for index, item in enumerate(items):
            parts: PathParts = ("structures", index) if collection else ()
            body = {k: v for k, v in item.items() if k != "$schema"} if "$schema" in item else item
            try:
                if _contradicts(body):
                    raise ValueError("type and format contradict")
                structure = fast_structure(body, model.Structure)
            except Exception:  # noqa: BLE001 - the careful path says what is wrong
                one, found = _load_structure(item, parts, index, path, locate, where, problem, ())
                loaded.append(one)
                problems.extend(found)
                continue
            loaded.append(LoadedStructure(structure, path, parts, locate_fn=locate))
        departements = _departement(data, collection, converter, problem, problems, bad=False)
        return loaded, departements, problems

    problems = []
    bad_departement = False
    if collection:
        for issue in issues:
            parts = issue.parts
            if len(parts) >= 2 and parts[0] == "structures" and isinstance(parts[1], int):
                continue  # the structure's own pass reports it
            if parts and parts[0] == "departement":
                bad_departement = True
                problems.append(problem(parts, issue.message))
            elif issue.kind == "additionalProperties" and len(parts) == 1:
                problems.append(problem(parts, f"{issue.message} : ignoré", WARNING))
            else:
                problems.append(problem(parts, issue.message))
                return [], [], problems
        items = data["structures"]
    else:
        items = [data]
    troubled = {
        issue.parts[1]
        for issue in issues
        if len(issue.parts) >= 2 and issue.parts[0] == "structures" and isinstance(issue.parts[1], int)
    }
    loaded = []
    for index, item in enumerate(items):
        parts = ("structures", index) if collection else ()
        if collection and index not in troubled and index not in given and isinstance(item, Mapping):
            # Valid and read whole: the fast path, as when the whole input is valid.
            body = {k: v for k, v in item.items() if k != "$schema"} if "$schema" in item else item
            try:
                if _contradicts(body):
                    raise ValueError("type and format contradict")
                loaded.append(LoadedStructure(fast_structure(body, model.Structure), path, parts, locate_fn=locate))
                continue
            except Exception:  # noqa: BLE001, S110 - the careful path below says what is wrong
                pass
        one, found = _load_structure(item, parts, index, path, locate, where, problem, given.get(index, ()))
        loaded.append(one)
        problems.extend(found)
    departements = _departement(data, collection, converter, problem, problems, bad=bad_departement)
    return loaded, departements, problems


def _departement(
    data: Mapping[str, Any], collection: bool, converter: Any, problem: Any, problems: list[InputProblem], *, bad: bool
) -> list[model.Departement]:
    if not collection or data.get("departement") is None or bad:
        return []
    try:
        return [converter.structure(data["departement"], model.Departement)]
    except Exception as exc:  # noqa: BLE001
        problems.extend(problem(("departement", *p), m) for p, m in _cattrs_problems(exc))
        return []


def _prune(body: dict[str, Any], parts: PathParts) -> PathParts:
    """Remove the value at ``parts`` (relative to the structure) and return what was removed.

    A list element is never removed on its own (the indices of the others would shift and
    their locations with them): the whole list goes. An empty ``parts`` empties the structure.
    """
    while parts and isinstance(parts[-1], int):
        parts = parts[:-1]
    if not parts:
        body.clear()
        return ()
    container: Any = body
    for index, part in enumerate(parts[:-1]):
        try:
            container = container[part]
        except (KeyError, IndexError, TypeError):
            return parts[: index + 1]  # already gone with a parent
    if isinstance(container, dict):
        container.pop(parts[-1], None)
    return parts


def _load_structure(
    item: Any,
    parts: PathParts,
    index: int,
    path: str,
    locate: Locate | None,
    where: Callable[[PathParts], str],
    problem: Callable[..., InputProblem],
    given: Sequence[UnreadFact],
) -> tuple[LoadedStructure, list[InputProblem]]:
    """One structure, read as far as it can be: unreadable values removed and recorded."""
    import copy

    from fsaudit.inputs.converter import converter

    problems: list[InputProblem] = []
    facts: list[UnreadFact] = list(given)
    notes: list[str] = []
    readable = isinstance(item, Mapping)
    if readable:
        body: dict[str, Any] = {k: copy.deepcopy(v) for k, v in item.items() if k != "$schema"}
    else:
        problems.append(problem(parts, f"type incorrect : attendu un objet (une structure), reçu {_describe(item)}"))
        facts.append(UnreadFact("", where(parts), "structure illisible"))
        body = {}

    def remove(rel: PathParts, location: str, reason: str) -> None:
        removed = _prune(body, rel)
        facts.append(UnreadFact(field_path(removed), location, reason))

    first = True
    for _ in range(_MAX_ROUNDS):
        issues = _schema_issues(body, "structure")
        if not issues:
            break
        for issue in issues:
            rel = issue.parts
            location = where(parts + rel)
            if len(rel) == 1 and rel[0] in ("id", "name"):
                if first and readable:
                    problems.append(problem(parts + rel, issue.message))
                _prune(body, rel)
                continue  # a provisional id or name is given below, and said as such
            target = rel[:-1] if issue.kind == "required" else rel  # an object lacking a field goes
            if issue.kind == "additionalProperties":
                _prune(body, rel)
                container = rel[:-1]
                if issue.suggestion is not None or issue.container_unread:
                    if first:
                        problems.append(problem(parts + rel, issue.message))
                    unread = (*container, issue.suggestion) if issue.suggestion is not None else container
                    facts.append(UnreadFact(field_path(unread), location, issue.message))
                elif first:
                    problems.append(problem(parts + rel, f"{issue.message} : ignoré", WARNING))
                continue
            if first:
                problems.append(problem(parts + rel, issue.message))
                remove(target, location, issue.message)
            else:
                removed = _prune(body, target)
                beneath = next((f for f in facts if facts_overlap(f.field, field_path(removed))), None)
                facts.append(
                    UnreadFact(
                        field_path(removed),
                        beneath.location if beneath else location,
                        beneath.reason if beneath else issue.message,
                    )
                )
        first = False
        _identity(body, index, parts, where, facts, notes)
    else:
        body = {k: body[k] for k in ("id", "name") if k in body}
        facts.append(UnreadFact("", where(parts), "structure illisible"))
    _identity(body, index, parts, where, facts, notes)
    if _contradicts(body):
        message = "type « principal » et format « antenne » se contredisent : type et format non lus, à vérifier"
        problems.append(problem((*parts, "format"), message))
        for key in ("type", "format"):
            remove((key,), where((*parts, key)), message)

    structure = None
    for _ in range(_MAX_ROUNDS):
        try:
            structure = converter.structure(body, model.Structure)
            break
        except Exception as exc:  # noqa: BLE001 - every cattrs/attrs failure becomes a fact
            for rel, message in _cattrs_problems(exc):
                problems.append(problem(parts + rel, message))
                remove(rel, where(parts + rel), message)
            _identity(body, index, parts, where, facts, notes)
    if structure is None:
        body = {k: body[k] for k in ("id", "name")}
        facts.append(UnreadFact("", where(parts), "structure illisible"))
        structure = converter.structure(body, model.Structure)
    return (
        LoadedStructure(structure, path, parts, locate_fn=locate, unread=_dedupe(facts), notes=tuple(notes)),
        problems,
    )


def _contradicts(body: Mapping[str, Any]) -> bool:
    """``type: principal`` with ``format: antenne``: read as an antenne, the structure would
    escape every rule of principal structures."""
    return body.get("format") == "antenne" and body.get("type") == "principal"


def _identity(
    body: dict[str, Any],
    index: int,
    parts: PathParts,
    where: Callable[[PathParts], str],
    facts: list[UnreadFact],
    notes: list[str],
) -> None:
    """Give a structure without a readable ``id`` or ``name`` a provisional one, said as such."""
    if not isinstance(body.get("id"), str) or not body["id"].strip():
        provisional = f"sans-identifiant-{index + 1}"
        body["id"] = provisional
        reason = f"identifiant absent ou illisible : identifiant provisoire « {provisional} »"
        facts.append(UnreadFact("id", where((*parts, "id")), reason))
        notes.append(reason)
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        body["name"] = "(nom absent ou illisible)"
        facts.append(UnreadFact("name", where((*parts, "name")), "nom absent ou illisible"))


def _dedupe(facts: Sequence[UnreadFact]) -> tuple[UnreadFact, ...]:
    return tuple(dict.fromkeys(facts))


def _cattrs_problems(exc: BaseException) -> list[tuple[PathParts, str]]:
    """Flatten a cattrs structuring error into ``(path, French message)`` pairs."""
    import cattrs

    out: list[tuple[PathParts, str]] = []

    def walk(error: BaseException, parts: PathParts) -> None:
        if isinstance(error, cattrs.BaseValidationError):
            for sub in error.exceptions:
                note = next(
                    (n for n in getattr(sub, "__notes__", []) if hasattr(n, "name") or hasattr(n, "index")),
                    None,
                )
                extra: PathParts = ()
                if note is not None and hasattr(note, "name"):
                    extra = (note.name,)
                elif note is not None and hasattr(note, "index"):
                    extra = (note.index,)
                walk(sub, parts + extra)
        else:
            text = str(error)
            if isinstance(error, ValueError) and text:
                out.append((parts, f"valeur invalide : {text}"))
            else:
                out.append((parts, f"valeur invalide ({type(error).__name__}) : {text}"))

    walk(exc, ())
    return out


@functools.lru_cache(maxsize=64)
def _extension_validator(namespace: str, schema_json: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(schema_json))


def validate_extensions(
    loaded: LoadedStructure, schemas: Mapping[str, Any]
) -> tuple[LoadedStructure, list[InputProblem]]:
    """Check a structure's extension facts against the schemas the plugins declared
    (``fsaudit_extension_schemas``): a value a schema refuses is an input error at its place,
    removed and recorded as an unread fact (``extensions.<namespace>.<field>``); a namespace no
    plugin declares is ignored with a warning. A required field the reader could not read (an
    unread fact of the structure) is not reported missing. Nothing happens to a structure without
    extensions."""
    from fsaudit.model.declaration import Extensions
    from fsaudit.model.rule import frozen_data, plain_data

    extensions = loaded.structure.extensions
    if not extensions:
        return loaded, []
    problems: list[InputProblem] = []
    facts: list[UnreadFact] = []
    kept: dict[str, Any] = {}
    for namespace in sorted(extensions):
        where = loaded.locate(f"extensions.{namespace}")
        schema = schemas.get(namespace)
        if schema is None:
            known = ", ".join(sorted(schemas)) or "aucun"
            problems.append(
                InputProblem(
                    loaded.path,
                    where,
                    f"extensions « {namespace} » : aucun plugin chargé ne les déclare (espaces connus : {known}) "
                    ": ignorées",
                    WARNING,
                )
            )
            continue
        data = plain_data(extensions[namespace])
        validator = _extension_validator(namespace, json.dumps(schema, sort_keys=True))
        found: dict[tuple[PathParts, str], _Issue] = {}
        for error in validator.iter_errors(data):
            for issue in _translate(error):
                found.setdefault((issue.parts, issue.message), issue)
        prefix: PathParts = ("extensions", namespace)
        for issue in sorted(found.values(), key=lambda i: (_sort_key(i.parts), i.message)):
            if issue.kind == "required" and any(
                facts_overlap(fact.field, field_path(prefix + issue.parts)) for fact in loaded.unread
            ):
                continue  # not missing: the input holds it but it was not read (already said where)
            location = loaded.locate(field_path(prefix + issue.parts))
            problems.append(InputProblem(loaded.path, location, issue.message))
            target = issue.parts[:-1] if issue.kind == "required" else issue.parts
            removed = _prune(data, target) if target and isinstance(data, dict) else ()
            if not removed:
                data = {}
            facts.append(UnreadFact(field_path(prefix + removed), location, issue.message))
        kept[namespace] = data
    structure = attrs.evolve(
        loaded.structure, extensions=Extensions({k: frozen_data(v) for k, v in kept.items()}) if kept else None
    )
    return attrs.evolve(loaded, structure=structure, unread=_dedupe((*loaded.unread, *facts))), problems
