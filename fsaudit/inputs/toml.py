"""TOML files the user writes (waivers, a préfecture overlay): syntax errors said in French."""

from __future__ import annotations

import re
import tomllib

from fsaudit.model.facts import InputProblem

__all__ = ["toml_problem"]

_TOML_ERRORS = {
    "Invalid value": "valeur invalide",
    "Invalid date or datetime": (
        "date invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA ; une date JJ/MM/AAAA s'écrit entre guillemets)"
    ),
    "Cannot overwrite a value": "valeur déjà définie",
    "Unterminated string": "texte non terminé",
    "Expected '=' after a key in a key/value pair": "« = » attendu après le nom du champ",
    "Expected newline or end of document after a statement": "fin de ligne attendue après la valeur",
    "Invalid statement": "ligne invalide",
    "Unclosed array": "liste non fermée",
    "Unclosed inline table": "table en ligne non fermée",
}
_TOML_WHERE = re.compile(r"^(?P<msg>.*?) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$")
_UNQUOTED_DATE = re.compile(r"^\s*([\w-]+)\s*=\s*(\d{1,2}/\d{1,2}/\d{4})\s*(#.*)?$")
_ISO_DATE = re.compile(r"^\s*[\w-]+\s*=\s*(\d{4}-\d{2}-\d{2})\s*(#.*)?$")


def _impossible_date(line: str) -> str | None:
    """« 2025-02-30 » on ``line``: well written, but no such day; ``None`` otherwise."""
    import datetime as _dt

    found = _ISO_DATE.match(line)
    if found is None:
        return None
    try:
        _dt.date.fromisoformat(found.group(1))
    except ValueError:
        return found.group(1)
    return None


def toml_problem(
    path: str,
    exc: tomllib.TOMLDecodeError,
    lines: list[str],
    offset: int = 0,
    item: str | None = None,
    last: int | None = None,
) -> InputProblem:
    """A TOML syntax error in French, at its line (``offset`` lines into the file) and column;
    ``item`` names the table it is in (« dérogation n° 2 »), ``last`` the last line of that
    table (where an error at the end of the table is)."""
    match = _TOML_WHERE.match(str(exc))
    english = match.group("msg") if match else str(exc)
    french = next((fr for en, fr in _TOML_ERRORS.items() if english.startswith(en)), "syntaxe incorrecte")
    if english.startswith("Cannot declare"):
        french = "table déclarée deux fois"
    if match and match.group("line"):
        line = int(match.group("line")) + offset
        where = f"ligne {line}, colonne {match.group('col')}"
        date = _UNQUOTED_DATE.match(lines[line - 1]) if line <= len(lines) else None
        impossible = _impossible_date(lines[line - 1]) if line <= len(lines) else None
        if date is not None:
            french = (
                f'date « {date.group(2)} » à écrire entre guillemets ("{date.group(2)}") ou sous la forme AAAA-MM-JJ'
            )
        elif impossible is not None:
            french = f"date « {impossible} » inexistante : ce jour n'existe pas dans ce mois"
    else:
        where = "fin du fichier" if last is None else f"ligne {last}"
    if item is not None:
        where += f" ({item})"
    return InputProblem(path, where, f"TOML invalide : {french}")
