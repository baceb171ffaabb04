"""Inputs: what a reader returns, and the validation every declaration goes through.

Whatever its format, a declaration is turned into JSON-shaped data and validated here: JSON
Schema first (every problem, in French, with its location), then cattrs into the model. A
reader that knows where each value came from (a workbook cell) passes a ``locate`` function
that turns a JSON path into that place; problems and findings then point at it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from fsaudit import model
from fsaudit._resources import schema

__all__ = [
    "InputProblem",
    "LoadedStructure",
    "ManualAnswer",
    "ReadResult",
    "Reader",
    "UnreadFact",
    "closest_name",
    "fact_segments",
    "facts_overlap",
    "field_path",
    "json_path",
    "validate_declaration",
]

PathParts = tuple[str | int, ...]
Locate = Callable[[PathParts], str | None]


def json_path(parts: Iterable[str | int]) -> str:
    """``("structures", 0, "name")`` → ``$.structures[0].name``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@functools.lru_cache(maxsize=4096)
def _field_parts(field_path: str) -> PathParts:
    return tuple(
        name if name else int(index) for name, index in _FIELD_PART.findall(field_path)
    )


@functools.lru_cache(maxsize=4096)
def _field_suffix(field_path: str) -> str:
    """``opening_hours.monday[0]`` → ``.opening_hours.monday[0]``, the end of a JSON path."""
    return json_path(_field_parts(field_path))[1:]


@functools.lru_cache(maxsize=4096)
def _structure_path(parts: PathParts) -> str:
    return json_path(parts)


ERROR = "erreur"
WARNING = "avertissement"


@frozen
class InputProblem:
    """A problem in an input: the file, where in it, and what is expected, in French.

    ``level`` is ``"erreur"`` (something the input holds could not be read: exit code 3) or
    ``"avertissement"`` (something was ignored that the audit does not need, such as an
    auditor's own column).
    """

    path: str
    location: str
    message: str
    level: str = attrs.field(default=ERROR, validator=attrs.validators.in_((ERROR, WARNING)))

    @property
    def is_error(self) -> bool:
        """True for an error, False for a warning."""
        return self.level == ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.location} : {self.message}"


def field_path(parts: Iterable[str | int]) -> str:
    """``("conseillers", 1, "start_date")`` → ``conseillers[1].start_date`` (a rule's ``field``)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_SEGMENT_SPLIT = re.compile(r"\.|\[\d*\]")


@functools.lru_cache(maxsize=4096)
def fact_segments(path: str) -> tuple[str, ...]:
    """The names along a fact path, list indices dropped: ``conseillers[1].start_date`` and
    ``conseillers[].start_date`` both give ``("conseillers", "start_date")``; ``""`` (the whole
    structure) gives ``()``."""
    return tuple(part for part in _SEGMENT_SPLIT.split(path) if part)


def facts_overlap(a: str, b: str) -> bool:
    """True when one fact path contains the other (``conseillers`` and ``conseillers[1].fte``)."""
    sa, sb = fact_segments(a), fact_segments(b)
    n = min(len(sa), len(sb))
    return sa[:n] == sb[:n]


def closest_name(name: str, known: Iterable[str], *, cutoff: float = 0.75) -> str | None:
    """The known name closest to ``name`` (case, accents and spacing ignored), for
    « voulez-vous dire … ? » hints; ``None`` when nothing is close enough."""
    import difflib
    import unicodedata

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", str(text))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
        return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())

    by_fold: dict[str, str] = {}
    for item in known:
        by_fold.setdefault(fold(item), item)
    folded = fold(name)
    if folded in by_fold:
        return by_fold[folded]
    match = difflib.get_close_matches(folded, sorted(by_fold), n=1, cutoff=cutoff)
    return by_fold[match[0]] if match else None


@frozen
class UnreadFact:
    """A fact the input holds but that could not be read (a cell « neuf heures », a misspelt
    sheet, a value of the wrong type).

    Data that was not read is never treated as absent: every rule whose ``needs`` overlap
    ``field`` answers ``manual`` (« non évaluable : donnée illisible… ») instead of running on
    what is left, and the structure's decision is *instruction incomplète*.
    """

    field: str
    """Dotted path in the structure (``opening_hours.monday``, ``conseillers[1].start_date``);
    ``""`` is the whole structure."""
    location: str
    """Where in the input (``Horaires!C2``, ``$.structures[0].name``, ``ligne 12, colonne h_lundi``)."""
    reason: str
    """What could not be read, in French."""

    def __str__(self) -> str:
        return f"{self.location} : {self.reason}"


@frozen
class LoadedStructure:
    """A validated structure with where it came from."""

    structure: model.Structure
    path: str
    """The input file, as the user named it."""
    parts: PathParts = ()
    """JSON path of the structure inside the input's JSON-shaped data."""
    locate_fn: Locate | None = field(default=None, eq=False, repr=False)
    unread: tuple[UnreadFact, ...] = ()
    """Facts the input holds for this structure but that could not be read (see
    :class:`UnreadFact`); empty for a structure read whole."""
    notes: tuple[str, ...] = ()
    """French notes on how the structure was read (an identifier derived from the record…)."""

    def locate(self, field_path: str | None = None) -> str:
        """Where ``field_path`` (``opening_hours.monday[0]``) of this structure is in the input.

        With a reader's ``locate`` function (a workbook), the deepest known place wins: a field
        with no cell of its own points at its row. Otherwise it is the JSON path.
        """
        if self.locate_fn is None:
            # Same as json_path(self.parts + field parts), from cached pieces.
            return _structure_path(self.parts) + (_field_suffix(field_path) if field_path else "")
        parts = self.parts + (_field_parts(field_path) if field_path else ())
        probe = parts
        while True:
            found = self.locate_fn(probe)
            if found:
                return found
            if len(probe) <= len(self.parts):
                break
            probe = probe[:-1]
        return json_path(parts)


@frozen
class ManualAnswer:
    """An auditor's answer to a ``manual`` check, recorded in the input (a workbook sheet).

    The engine applies it to the ``manual`` result of ``rule`` on ``structure_id``: the status
    becomes ``status`` (pass or fail) and the result is marked as manual. An answer to a rule
    that is not ``manual`` leaves the rule's own result in place and is listed as unused.
    """

    structure_id: str
    rule: str
    status: str = attrs.field(validator=attrs.validators.in_(("pass", "fail")))
    evidence: str
    auditor: str
    date: _dt.date
    location: str


@frozen
class ReadResult:
    """What a reader got out of one input."""

    format: str
    structures: tuple[LoadedStructure, ...] = ()
    departements: tuple[model.Departement, ...] = ()
    problems: tuple[InputProblem, ...] = ()
    answers: tuple[ManualAnswer, ...] = ()


@frozen
class Reader:
    """An input format. ``read(path)`` returns a :class:`ReadResult` and never raises on bad
    content: it reports problems. ``sniff(path, head)`` says whether a file whose extension is
    not enough to decide is of this format (``head`` is its first 64 KiB)."""

    name: str
    description: str
    extensions: tuple[str, ...]
    read: Callable[[Path], ReadResult] = field(eq=False, repr=False)
    sniff: Callable[[Path, bytes], bool] | None = field(default=None, eq=False, repr=False)
    priority: int = 0
    """Among readers that claim a file, the highest priority reads it."""


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (``json.loads`` would keep the last silently)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for ``json.loads`` that raises :class:`DuplicateKeyError`."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


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
    return error.validator == "type" and error.validator_value == "null"


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


def _gloss(name: str) -> str:
    """`` (fin)`` after a JSON key that is not French (``end``), for the auditor who reads it."""
    from fsaudit.frtext import FIELD_LABELS

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
        return [_Issue(parts + (name,), f"champ obligatoire « {name} »{_gloss(name)} manquant", kind) for name in missing]
    if kind == "additionalProperties":
        properties = error.schema.get("properties", {})
        allowed = sorted(properties)
        extras = sorted(k for k in value if k not in properties)
        absent = [name for name in allowed if name not in value]
        out = []
        for name in extras:
            suggestion = closest_name(name, absent)
            if suggestion is not None:
                message = f"champ inconnu « {name} » : voulez-vous dire « {suggestion} » ?"
            else:
                message = f"champ inconnu « {name} » (champs admis : {', '.join(allowed)})"
            out.append(_Issue(parts + (name,), message, kind, suggestion))
        return out
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value if v is not None)
        return [_Issue(parts, f"valeur non reconnue : {_describe(value)} ; valeurs admises : {allowed}", kind)]
    if kind == "pattern":
        hint = _pattern_hint(parts, error.validator_value)
        return [_Issue(parts, f"format invalide : {_describe(value)} ; attendu {hint}", kind)]
    if kind == "format" and error.validator_value == "date":
        if not (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])", value)):
            return []  # the pattern error already says it
        return [_Issue(parts, f"date inexistante : {_describe(value)} ; attendu une date AAAA-MM-JJ du calendrier", kind)]
    if kind == "minimum":
        return [_Issue(parts, f"valeur trop petite : {_describe(value)} ; minimum {error.validator_value}", kind)]
    if kind == "maximum":
        return [_Issue(parts, f"valeur trop grande : {_describe(value)} ; maximum {error.validator_value}", kind)]
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
    for the jsonschema validator too (tests/core/test_validation_paths.py checks it); when not,
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


_STRUCTURE_KEYS = frozenset(
    attrs.fields_dict(model.Structure)
)
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
    from fsaudit.converter import converter, fast_structure

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
        return [], [], [
            problem(
                (),
                "objet non reconnu : attendu une structure (avec « id » et « name ») ou une "
                "collection (avec « structures »)",
            )
        ]
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
        problems.extend(problem(("departement",) + p, m) for p, m in _cattrs_problems(exc))
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

    from fsaudit.converter import converter

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
                if issue.suggestion is not None:
                    if first:
                        problems.append(problem(parts + rel, issue.message))
                    facts.append(UnreadFact(field_path(container + (issue.suggestion,)), location, issue.message))
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
        LoadedStructure(
            structure, path, parts, locate_fn=locate, unread=_dedupe(facts), notes=tuple(notes)
        ),
        problems,
    )


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
        facts.append(UnreadFact("id", where(parts + ("id",)), reason))
        notes.append(reason)
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        body["name"] = "(nom absent ou illisible)"
        facts.append(UnreadFact("name", where(parts + ("name",)), "nom absent ou illisible"))


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
