"""The declaration model, its converter and the JSON Schema agree with each other."""

from __future__ import annotations

import json

from hypothesis import given

from fsaudit.inputs.converter import structure_declaration, structure_structure, unstructure
from fsaudit.inputs.validation import validate_declaration
from fsaudit.model import declaration as model
from fsaudit.testing import make_structure, weekly
from fsaudit.testing.strategies import declarations, structures


@given(structures())
def test_structure_round_trip(structure: model.Structure) -> None:
    """structure(unstructure(x)) == x for any valid structure."""
    assert structure_structure(unstructure(structure)) == structure


@given(declarations())
def test_declaration_round_trip(declaration: model.Declaration) -> None:
    """A whole declaration survives unstructure/structure unchanged."""
    assert structure_declaration(unstructure(declaration)) == declaration


@given(declarations())
def test_unstructured_declaration_is_schema_valid_json(declaration: model.Declaration) -> None:
    """What the model unstructures is valid input: it passes the schema and loads back equal."""
    data = json.loads(json.dumps(unstructure(declaration)))
    loaded, departements, problems = validate_declaration(data, "gen.json")
    assert problems == []
    assert tuple(item.structure for item in loaded) == declaration.structures
    assert tuple(departements) == ((declaration.departement,) if declaration.departement else ())


def test_unstructure_omits_missing_facts() -> None:
    """Facts not declared are left out of the JSON, not written as null."""
    data = unstructure(model.Structure(id="1", name="A"))
    assert data == {"id": "1", "name": "A"}


def test_time_range_minutes_and_placeholder() -> None:
    """A range knows its length; 00:00 - 00:00 is a placeholder; a reversed range lasts 0."""
    assert model.TimeRange("09:00", "12:30").minutes == 210
    assert model.TimeRange("00:00", "00:00").is_placeholder
    assert model.TimeRange("14:00", "12:00").minutes == 0
    assert model.TimeRange("20:00", "24:00").end_minutes == 1440


def test_weekly_builder_and_items_order() -> None:
    """weekly() builds ranges; items() is Monday first, Sunday last."""
    hours = weekly(sunday=["10:00-12:00"], monday=["09:00-10:00"])
    assert next(day for day, _ in hours.items()) == "monday"
    assert hours.items()[-1] == ("sunday", (model.TimeRange("10:00", "12:00"),))
    assert not hours.is_empty and model.WeeklyHours().is_empty


def test_antenne_by_type_or_format() -> None:
    """A structure is an antenne by its type or by its format."""
    assert make_structure(type=model.StructureType.ANTENNE).is_antenne
    assert make_structure(type=None, format=model.Format.ANTENNE).is_antenne
    assert not make_structure().is_antenne


def test_section_text_given_as_one_string_is_its_lines():
    """``Section(text="…")`` given one string keeps its lines, not one character per line."""
    from fsaudit.model.result import Section

    assert Section("k", "Titre", text="Ligne 1\nLigne 2").text == ("Ligne 1", "Ligne 2")
    assert Section("k", "Titre", text=["a", "b"]).text == ("a", "b")
