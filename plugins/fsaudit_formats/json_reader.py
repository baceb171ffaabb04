"""Reader for JSON declarations (``schemas/declaration.schema.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fsaudit import (
    DuplicateKeyError,
    InputProblem,
    Reader,
    ReadResult,
    no_duplicate_keys,
    validate_declaration,
)

__all__ = ["READER", "read_json"]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"valeur {name} non admise en JSON")


def read_json(path: Path) -> ReadResult:
    """Read one JSON declaration file; every problem is reported, nothing raises."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ReadResult(
            "json", problems=(InputProblem(name, "fichier", f"lecture impossible ({exc.strerror or exc})"),)
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ReadResult(
            "json",
            problems=(
                InputProblem(name, f"octet {exc.start}", "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8"),
            ),
        )
    try:
        data = json.loads(text, object_pairs_hook=no_duplicate_keys, parse_constant=_reject_constant)
    except DuplicateKeyError as exc:
        return ReadResult(
            "json",
            problems=(InputProblem(name, "fichier", f"clé « {exc.key} » présente deux fois dans un même objet"),),
        )
    except json.JSONDecodeError as exc:
        return ReadResult(
            "json",
            problems=(
                InputProblem(
                    name, f"ligne {exc.lineno}, colonne {exc.colno}", f"JSON invalide : {_french_json_error(exc.msg)}"
                ),
            ),
        )
    except RecursionError:
        return ReadResult(
            "json", problems=(InputProblem(name, "fichier", "JSON invalide : imbrication trop profonde"),)
        )
    except ValueError as exc:
        message = str(exc)
        if "digits" in message:  # int() refuses more than sys.get_int_max_str_digits() digits
            message = "nombre trop long"
        return ReadResult("json", problems=(InputProblem(name, "fichier", f"JSON invalide : {message}"),))
    structures, departements, problems = validate_declaration(data, name)
    return ReadResult("json", tuple(structures), tuple(departements), tuple(problems))


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
