"""What every reader problem must be: located, and written in French for the auditor."""

from __future__ import annotations

import re
from pathlib import Path

from fsaudit.model.facts import InputProblem

FRENCH = re.compile(
    r"\b(attendu|attendue|colonne|feuille|classeur|archive|valeur|ligne|identifiant|structure|fichier|"
    r"illisible|absente?|inconnue?|obligatoire|manquante?|refusée?|invalide|doit|déjà|erreur|formule|champ|"
    r"heure|date|jour|nombre|texte|vide|double|ignorée|encodage|enregistrement|horaire|non)\b",
    re.IGNORECASE,
)
ENGLISH = (
    "Expecting",
    "is not valid",
    "is not of type",
    "must be",
    "Traceback",
    "not found",
    "NoneType",
    "KeyError",
    "IndexError",
    "ValueError",
    "TypeError",
    "list index",
    "object has no",
    "unexpected",
)
"""Library phrases that must not reach the auditor (before the technical detail)."""
TECHNICAL = "détail technique"
"""A library's own words may follow this marker, after the French explanation."""
CELL = re.compile(r"^(?:'(?:[^']|'')+'|[^!']+)!\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?$")


def assert_french(problem: InputProblem, path: Path) -> None:
    """``problem`` belongs to ``path``, has a location and a French message (library detail aside)."""
    assert problem.path == str(path), problem
    assert problem.location and problem.location.strip(), problem
    head = problem.message.split(TECHNICAL)[0]
    assert FRENCH.search(head), problem.message
    assert not any(word in head for word in ENGLISH), problem.message


def reader_crashed(problems: tuple[InputProblem, ...]) -> list[InputProblem]:
    """Problems that ``read_input`` made of a reader's uncaught exception (a reader bug)."""
    return [p for p in problems if p.message.startswith("le lecteur « ")]
