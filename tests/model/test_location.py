"""A location is the text an auditor reads and the parts a report format needs."""

from __future__ import annotations

import json
import pickle

import pytest

from fsaudit import Location


@pytest.mark.parametrize(
    ("location", "parts"),
    [
        (Location.json("$.structures[0].name"), {"kind": "json", "path": "$.structures[0].name"}),
        (Location.at_cell("Horaires", "C12"), {"kind": "cell", "sheet": "Horaires", "cell": "C12"}),
        (Location.at_cell("Services locaux", "B3"), {"kind": "cell", "sheet": "Services locaux", "cell": "B3"}),
        (Location.at_cell("L'été", "A3:F3"), {"kind": "cell", "sheet": "L'été", "cell": "A3:F3"}),
        (Location.sheet_row("Feuille1", 124), {"kind": "row", "sheet": "Feuille1", "line": 124}),
        (Location.text_line(124, "h_mardi"), {"kind": "line", "line": 124, "column": "h_mardi"}),
        (Location.text_line(12), {"kind": "line", "line": 12}),
        (Location("ligne 1, colonne 17"), {"kind": "position", "line": 1, "column": "17"}),
        (Location("octet 23"), {"kind": "byte", "line": 23}),
        (Location.file(), {"kind": "file"}),
        (Location("en dehors de tout"), {"kind": "other"}),
    ],
)
def test_every_form_gives_its_parts(location: Location, parts: dict) -> None:
    """Each named constructor writes a text whose parts are read back the same."""
    assert location.parts() == parts
    assert Location.of(str(location)).parts() == parts


def test_a_location_is_its_text() -> None:
    """It prints, compares, sorts, pickles and goes to JSON as its text."""
    where = Location.at_cell("Services locaux", "B3")
    assert where == "'Services locaux'!B3" and f"{where}" == "'Services locaux'!B3"
    assert sorted([Location("b"), Location("a")]) == ["a", "b"]
    assert pickle.loads(pickle.dumps(where)).cell == "B3"
    assert json.dumps({"location": where}) == '{"location": "\'Services locaux\'!B3"}'


def test_enclosing_places() -> None:
    """JSON paths and CSV columns are inside their parents; a cell is inside nothing."""
    assert Location.json("$.a[1].b").enclosing() == ["$.a[1]", "$.a", "$"]
    assert Location.text_line(12, "x").enclosing() == ["ligne 12"]
    assert Location.at_cell("Horaires", "C2").enclosing() == []
