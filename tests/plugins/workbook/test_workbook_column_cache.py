"""The workbook reader's per-column converters and value cache read exactly as cell-by-cell parsing."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest
from workbook_helpers import headers, problems, structures_sheet, write

from fsaudit_workbook import cells
from fsaudit_workbook.reader import read_workbook

SAMPLES = [
    ("text", None, " Maison "),
    ("code", None, 7),
    ("postal", None, "1004"),
    ("departement", None, "2a"),
    ("commune", None, 1004),
    ("number", None, "6,5"),
    ("integer", None, 12.0),
    ("bool", None, "x"),
    ("date", None, _dt.date(2022, 5, 12)),
    ("time", None, "9h30"),
    ("month", None, "janvier 2024"),
    ("modes", None, "permanence, visio"),
    ("rule", None, "fs-hor-05"),
    ("choice", "jour", "Lundi"),
    ("result", None, "conforme"),
]


@pytest.mark.parametrize(("kind", "choices", "value"), SAMPLES)
def test_column_converter_reads_as_parse(kind: str, choices: str | None, value: object) -> None:
    """The converter chosen once for a column gives what ``cells.parse`` gives for the same cell."""
    assert cells.converter(kind, choices)(value) == cells.parse(kind, value, choices)


def test_repeated_bad_value_is_reported_at_every_cell(tmp_path: Path) -> None:
    """A bad value repeated down a column is reported at each of its cells, not only the first."""
    sheets = {
        "Structures": structures_sheet(["S1", "Maison"]),
        "Horaires": [headers("Horaires"), ["S1", "lundi", "9h75", "12h"], ["S1", "mardi", "9h75", "12h"]],
    }
    result = read_workbook(write(tmp_path / "declaration.xlsx", sheets))
    assert problems(result) == [
        (
            "Horaires!C2",
            "colonne « Début » : « 9h75 » n'est pas une heure entre 0h et 24h ; attendu par exemple 9h, 9h30 ou 09:00",
        ),
        (
            "Horaires!C3",
            "colonne « Début » : « 9h75 » n'est pas une heure entre 0h et 24h ; attendu par exemple 9h, 9h30 ou 09:00",
        ),
    ]


def test_equal_values_of_different_types_are_read_apart(tmp_path: Path) -> None:
    """A number and a boolean that compare equal (1 and VRAI) are each read by their own type."""
    sheets = {
        "Structures": structures_sheet(["S1", "Maison"], ["S2", "Autre"]),
        "Conseillers": [headers("Conseillers"), ["S1", "C1", 1], ["S2", "C2", True]],
    }
    result = read_workbook(write(tmp_path / "declaration.xlsx", sheets))
    assert problems(result) == [
        ("Conseillers!C3", "colonne « ETP » : « VRAI » n'est pas un nombre ; attendu par exemple 6,5"),
    ]
    assert result.structures[0].structure.conseillers[0].fte == 1.0
