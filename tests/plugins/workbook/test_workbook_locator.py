"""The cell locator of a read workbook: cells are located when asked, exactly where the values were typed."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from workbook_helpers import headers, problems, write

from fsaudit_workbook import reader
from fsaudit_workbook.layout import PARTENAIRES
from fsaudit_workbook.reader import read_workbook

FORMATS = ["xlsx", "ods"]


def _sheets() -> dict:
    return {
        # Columns in another order than the template's, some left out; two blank lines above the headers.
        "Structures": [
            ["Déclaration"],
            [],
            ["Nom", "Adresse", "Identifiant", "Latitude", "Commentaire", "Longitude"],
            ["Autre", None, "S0"],
            ["Maison", "1 rue de la Paix", "S1", 45.5, None, "4,8"],
        ],
        "Partenaires": [
            ["Modalités", "Identifiant", "Partenaire"],
            ["visio", "S1", "CAF"],
            ["permanence", "S1", "DGFiP"],
        ],
        "Conseillers": [headers("Conseillers"), ["S1", "C1", 1]],
        "Horaires": [
            ["Identifiant", "Jour", "Conseiller", "Début", "Fin"],
            ["S1", "lundi", None, "fermé"],
            ["S1", "mardi", None, "9h", "12h"],
            ["S1", "mardi", None, "14h", "17h"],
            ["S1", "mercredi", "C1", "9h", "12h"],
        ],
        "Locaux": [["Identifiant", "Signalétique"], ["S1", "oui"]],
        "Services locaux": [headers("Services locaux"), ["S1", "aucun"]],
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_kind_of_path_is_located_at_its_cell(tmp_path: Path, fmt: str) -> None:
    """Fields, groups, list items and their fields, opening ranges: the cell typed, or the deepest
    located parent when the column is absent or the item does not exist."""
    result = read_workbook(write(tmp_path / f"declaration.{fmt}", _sheets()))
    assert problems(result) == []
    loaded = result.structures[1]
    expected = {
        None: "Structures!C5",
        "name": "Structures!A5",
        "address": "Structures!B5",
        "address.street": "Structures!B5",
        "address.city": "Structures!B5",  # no Ville column: the address
        "coordinates": "Structures!D5",
        "coordinates.longitude": "Structures!F5",
        "coordinates.nothing": "Structures!D5",
        "comment": "Structures!E5",
        "partners": "Partenaires!C2",
        "partners[0]": "Partenaires!C2",
        "partners[1]": "Partenaires!C3",
        "partners[1].modes": "Partenaires!A3",
        "partners[1].referent": "Partenaires!C3",  # no Référent column: the item's cell
        "partners[2]": "Partenaires!C2",  # no such item: the list
        "conseillers[0].fte": "Conseillers!C2",
        "conseillers[0].presence": "Horaires!B5",
        "conseillers[0].presence.wednesday[0].start": "Horaires!D5",
        "conseillers[0].presence.wednesday[0].end": "Horaires!E5",
        "opening_hours": "Horaires!B2",
        "opening_hours.monday": "Horaires!B2",
        "opening_hours.tuesday": "Horaires!B3",
        "opening_hours.tuesday[1]": "Horaires!B4",
        "opening_hours.tuesday[1].start": "Horaires!D4",
        "opening_hours.tuesday[1].nothing": "Horaires!B4",
        "opening_hours.tuesday[2]": "Horaires!B3",
        "premises": "Locaux!A2",
        "premises.signage": "Locaux!B2",
        "premises.walk_in": "Locaux!A2",
        "local_services": "'Services locaux'!B2",
        "local_services[0]": "'Services locaux'!B2",
        "attendance": "Structures!C5",
    }
    found = {field: loaded.locate(field) for field in expected}
    assert found == expected
    assert result.structures[0].locate("partners") == "Structures!C4"  # no partner row: the structure
    assert result.structures[0].locate("address.street") == "Structures!B4"


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_locator_pickles_with_its_answers(tmp_path: Path, fmt: str) -> None:
    """The locator of a read workbook travels to worker processes and gives the same cells there."""
    result = read_workbook(write(tmp_path / f"declaration.{fmt}", _sheets()))
    locator = result.structures[1].locate_fn
    copy = pickle.loads(pickle.dumps(locator))
    for parts in [
        ("structures", 1),
        ("structures", 1, "partners", 1, "modes"),
        ("structures", 1, "address"),
        ("structures", 1, "opening_hours", "tuesday", 1, "end"),
        ("structures", 1, "partners", -1),
        ("structures", 1, "partners", "0"),
        ("structures", 7),
        ("departement",),
    ]:
        assert copy(parts) == locator(parts)
    assert copy(("structures", 1, "partners", 1, "modes")) == "Partenaires!A3"
    assert copy(("structures", 1, "opening_hours", "tuesday", 1, "end")) == "Horaires!E4"
    assert copy(("structures", 1, "partners", -1)) == "Partenaires!C2"
    assert copy(("structures", 7)) is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_schema_problems_quote_the_value_as_typed(tmp_path: Path, fmt: str) -> None:
    """A value refused by the schema is quoted as typed in its cell, wherever the headers are."""
    sheets = _sheets()
    sheets["Structures"][4][3] = "95,5"
    sheets["Fréquentation"] = [[], ["Accompagnements", "Identifiant", "Mois"], [" -5 ", "S1", "2024-01"]]
    result = read_workbook(write(tmp_path / f"declaration.{fmt}", sheets))
    assert problems(result) == [
        ("Structures!D5", "colonne « Latitude » : valeur trop grande : le nombre 95,5 ; maximum 90 (saisi : « 95,5 »)"),
        (
            "Fréquentation!A3",
            "colonne « Accompagnements » : valeur trop petite : le nombre -5 ; minimum 0 (saisi : « -5 »)",
        ),
    ]


def test_equal_modes_are_not_one_list_shared_by_rows() -> None:
    """Partner modes are read once per distinct cell value, yet every row gets its own list."""
    rows = [headers("Partenaires"), ["S1", "CAF", "visio, permanence"], ["S2", "CAF", "visio, permanence"]]
    sheet = reader._read_sheet(reader._State("declaration.xlsx"), "Partenaires", PARTENAIRES, rows, {})
    (_i1, first), (_i2, second) = sheet.rows
    assert first["modes"] == second["modes"] == ["visio", "permanence"]
    assert first["modes"] is not second["modes"]
