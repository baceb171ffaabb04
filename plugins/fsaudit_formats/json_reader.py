"""Reader for JSON declarations (``schemas/declaration.schema.json``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson

from fsaudit.inputs import InputProblem, Reader, ReadResult, validate_declaration

__all__ = ["READER", "read_json"]


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"valeur {name} non admise en JSON")


def read_json(path: Path) -> ReadResult:
    """Read one JSON declaration file; every problem is reported, nothing raises."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ReadResult("json", problems=(InputProblem(name, "fichier", f"lecture impossible ({exc.strerror or exc})"),))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ReadResult(
            "json",
            problems=(
                InputProblem(name, f"octet {exc.start}", "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8"),
            ),
        )
    data = _fast_loads(text)
    try:
        if data is _SLOW:
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except _DuplicateKey as exc:
        return ReadResult("json", problems=(InputProblem(name, "fichier", f"clé « {exc.key} » présente deux fois dans un même objet"),))
    except json.JSONDecodeError as exc:
        return ReadResult(
            "json",
            problems=(
                InputProblem(name, f"ligne {exc.lineno}, colonne {exc.colno}", f"JSON invalide : {_french_json_error(exc.msg)}"),
            ),
        )
    except RecursionError:
        return ReadResult("json", problems=(InputProblem(name, "fichier", "JSON invalide : imbrication trop profonde"),))
    except ValueError as exc:
        message = str(exc)
        if "digits" in message:  # int() refuses more than sys.get_int_max_str_digits() digits
            message = "nombre trop long"
        return ReadResult("json", problems=(InputProblem(name, "fichier", f"JSON invalide : {message}"),))
    structures, departements, problems = validate_declaration(data, name)
    return ReadResult("json", tuple(structures), tuple(departements), tuple(problems))


_SLOW = object()
_KEY_END_SPACED = re.compile(r'"[ \t\n\r]+:')
_KEY_END = re.compile(r'"[ \t\n\r]*:')
_COLON_FIRST = (b'{":', b'[":', b',":', b':":')
"""How a string starting with ":" opens in orjson's compact output (a key ending with "{", "[",
"," or ":" looks the same: it only takes the strict parse)."""


def _fast_loads(text: str) -> Any:
    """``text`` parsed by orjson when that is certain to give what the strict parse gives, else ``_SLOW``.

    The strict parse (``json.loads`` with a duplicate-key hook, a Python call per object) is the
    reference: every file it would refuse or report, orjson refuses too or the key count below
    sends it there. Duplicate keys are excluded by counting: every key of the text ends with
    ``"``, optional whitespace and ``:``, so ``count`` of those endings (an upper bound: a string
    value may hold one too) is at least the number of keys written. orjson writes the parsed data
    back compactly, where ``":`` ends a key, or starts a string beginning with ":", or ends a
    string holding an escaped quote; without the last two, it counts exactly the keys kept.
    Equal counts mean that no key was written twice in an object.
    """
    try:
        data = orjson.loads(text)
        written = orjson.dumps(data)
    except (orjson.JSONDecodeError, TypeError):  # integers beyond 64 bits, depth, surrogates…: strict parse
        return _SLOW
    if b'\\"' in written or any(opening in written for opening in _COLON_FIRST):
        return _SLOW  # a string holding a quote, or starting with ":": not every '":' ends a key
    kept = written.count(b'":')
    typed = len(_KEY_END.findall(text)) if _KEY_END_SPACED.search(text) else text.count('":')
    return data if typed == kept else _SLOW


_JSON_ERRORS = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets doubles attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendu",
    "Unterminated string starting at": "texte non terminé",
    "Extra data": "données en trop après la fin du JSON",
    "Invalid control character at": "caractère de contrôle interdit",
    "Invalid \\escape": "séquence d'échappement invalide",
}


def _french_json_error(message: str) -> str:
    for english, french in _JSON_ERRORS.items():
        if message.startswith(english):
            return french
    return message


READER = Reader(
    name="json",
    description="Déclaration JSON (une structure, ou une liste et un bloc département)",
    extensions=(".json",),
    read=read_json,
)
