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


@frozen
class InputProblem:
    """A problem in an input: the file, where in it, and what is expected, in French."""

    path: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.location} : {self.message}"


@frozen
class LoadedStructure:
    """A validated structure with where it came from."""

    structure: model.Structure
    path: str
    """The input file, as the user named it."""
    parts: PathParts = ()
    """JSON path of the structure inside the input's JSON-shaped data."""
    locate_fn: Locate | None = field(default=None, eq=False, repr=False)

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
    parts: PathParts = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    if kind == "anyOf":
        branches: dict[int, list[Any]] = {}
        for sub in error.context or []:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        useful = [errs for errs in branches.values() if not any(_is_null_branch(e) for e in errs)]
        if len(useful) == 1:
            out: list[tuple[PathParts, str]] = []
            for sub in useful[0]:
                out.extend(translate_schema_error(sub))
            return out
        return [(parts, f"valeur invalide : {_describe(value)}")]
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " ou ".join(_TYPE_NAMES.get(n, n) for n in names if n != "null")
        if "null" in names:
            wanted += " (ou null)"
        return [(parts, f"type incorrect : attendu {wanted}, reçu {_describe(value)}")]
    if kind == "required":
        missing = [name for name in error.validator_value if name not in value]
        return [(parts + (name,), f"champ obligatoire « {name} » manquant") for name in missing]
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extras = sorted(k for k in value if k not in error.schema.get("properties", {}))
        return [
            (parts + (name,), f"champ inconnu « {name} » (champs admis : {', '.join(allowed)})")
            for name in extras
        ]
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value if v is not None)
        return [(parts, f"valeur non reconnue : {_describe(value)} ; valeurs admises : {allowed}")]
    if kind == "pattern":
        hint = _pattern_hint(parts, error.validator_value)
        return [(parts, f"format invalide : {_describe(value)} ; attendu {hint}")]
    if kind == "format" and error.validator_value == "date":
        if not (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])", value)):
            return []  # the pattern error already says it
        return [(parts, f"date inexistante : {_describe(value)} ; attendu une date AAAA-MM-JJ du calendrier")]
    if kind == "minimum":
        return [(parts, f"valeur trop petite : {_describe(value)} ; minimum {error.validator_value}")]
    if kind == "maximum":
        return [(parts, f"valeur trop grande : {_describe(value)} ; maximum {error.validator_value}")]
    if kind == "minLength":
        return [(parts, "texte vide : une valeur est attendue")]
    if kind == "minItems":
        return [(parts, f"liste trop courte : au moins {error.validator_value} élément(s) attendu(s)")]
    return [(parts, f"valeur invalide ({kind}) : {_describe(value)}")]


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


def _schema_problems(data: Any, definition: str) -> list[tuple[PathParts, str]]:
    try:
        _fast_validator(definition)(data)
    except Exception:  # noqa: BLE001, S110 - any doubt: the full validator decides and explains
        pass
    else:
        return []
    found: list[tuple[PathParts, str]] = []
    for error in _validator(definition).iter_errors(data):
        found.extend(translate_schema_error(error))
    return found


def _sort_key(parts: PathParts) -> tuple[tuple[int, str | int], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in parts)


def validate_declaration(
    data: Any,
    path: str,
    *,
    locate: Locate | None = None,
) -> tuple[list[LoadedStructure], list[model.Departement], list[InputProblem]]:
    """Validate JSON-shaped declaration data and build the model.

    ``data`` is one structure (an object with ``id``) or a collection (an object with
    ``structures``). A structure with a problem is left out and every one of its problems is
    reported; the other structures of the input are kept. Problems are sorted by location.
    """
    from fsaudit.converter import converter, fast_structure

    def where(parts: PathParts) -> str:
        if locate is not None:
            found = locate(parts)
            if found:
                return found
        return json_path(parts)

    def problem(parts: PathParts, message: str) -> InputProblem:
        return InputProblem(path, where(parts), message)

    if not isinstance(data, Mapping):
        return [], [], [problem((), f"type incorrect : attendu un objet JSON, reçu {_describe(data)}")]

    collection = "structures" in data
    raw_problems = _schema_problems(data, "collection" if collection else "structure")
    raw_problems.sort(key=lambda item: (_sort_key(item[0]), item[1]))

    bad_structures: set[int] = set()
    bad_departement = False
    fatal = False
    for parts, _message in raw_problems:
        if not collection:
            fatal = True
        elif len(parts) >= 2 and parts[0] == "structures" and isinstance(parts[1], int):
            bad_structures.add(parts[1])
        elif parts and parts[0] == "departement":
            bad_departement = True
        else:
            fatal = True
    problems = [problem(parts, message) for parts, message in raw_problems]
    if fatal:
        return [], [], problems

    items = data["structures"] if collection else [data]
    loaded: list[LoadedStructure] = []
    for index, item in enumerate(items):
        parts = ("structures", index) if collection else ()
        if index in bad_structures:
            continue
        body = {k: v for k, v in item.items() if k != "$schema"} if "$schema" in item else item
        try:
            structure = fast_structure(body, model.Structure)
        except Exception:  # noqa: BLE001 - the explaining converter says what is wrong
            try:
                structure = converter.structure(body, model.Structure)
            except Exception as exc:  # noqa: BLE001 - every cattrs/attrs failure becomes a problem
                problems.extend(problem(parts + p, m) for p, m in _cattrs_problems(exc))
                continue
        loaded.append(LoadedStructure(structure, path, parts, locate_fn=locate))
    departements: list[model.Departement] = []
    if collection and data.get("departement") is not None and not bad_departement:
        try:
            departements.append(converter.structure(data["departement"], model.Departement))
        except Exception as exc:  # noqa: BLE001
            problems.extend(problem(("departement",) + p, m) for p, m in _cattrs_problems(exc))
    return loaded, departements, problems


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
