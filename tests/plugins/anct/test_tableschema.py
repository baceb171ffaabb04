"""The Table Schema of the 2024 list (samples/anct/liste-fs-2024.tableschema.json) against the reader.

Real records: « ANCT – Liste des structures France services, data.gouv.fr, export du
01/08/2024 » (Licence Ouverte 2.0, shipped in samples/anct/). ``frictionless`` is a test
dependency (``.[test]``): the schema is checked by the reference implementation, and the
command the documentation gives a data officer is run as written.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from frictionless import Schema
from hypothesis import given
from hypothesis import strategies as st

from fsaudit_anct.columns import COLUMNS
from fsaudit_anct.hours import DayKind, parse_day
from fsaudit_anct.layouts import fold, layouts, recognise

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "samples" / "anct"
SCHEMA_PATH = SAMPLES / "liste-fs-2024.tableschema.json"
LIST_2024 = SAMPLES / "liste-fs-20240801.csv"
DAY_COLUMNS = ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")


def _schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _field(name: str) -> dict[str, Any]:
    return next(field for field in _schema()["fields"] if field["name"] == name)


def _layout() -> Any:
    return next(layout for layout in layouts() if layout.id == "liste-2024")


def _validate(cwd: Path, schema: str, table: str) -> dict[str, Any]:
    """``frictionless validate --json --schema SCHEMA TABLE`` run in ``cwd``, its report."""
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "--schema", schema, table],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _errors(report: dict[str, Any]) -> list[tuple[str, int | None, str | None]]:
    return [(e["type"], e.get("rowNumber"), e.get("fieldName")) for task in report["tasks"] for e in task["errors"]]


def test_fields_are_the_published_columns_in_order() -> None:
    """The schema's fields are the columns of the 2024 list, in the file's order."""
    assert [field["name"] for field in _schema()["fields"]] == list(COLUMNS)


def test_fields_are_the_columns_the_layout_maps_or_ignores() -> None:
    """Every column the liste-2024 layout maps or knows to ignore is a field, and nothing else is."""
    layout = _layout()
    known = {layout.published(name) for name in layout.columns} | set(layout.ignored.columns)
    assert sorted(field["name"] for field in _schema()["fields"]) == sorted(known)


def test_header_of_the_fields_is_recognised_as_the_2024_layout() -> None:
    """A header written from the schema's fields is recognised exactly as the liste-2024 layout."""
    found = recognise([field["name"] for field in _schema()["fields"]])
    assert (found.layout.id, found.exact, found.missing, found.unused) == ("liste-2024", True, (), ())


def test_every_field_has_a_french_title_and_description() -> None:
    """Each field has a non-empty title and description (for data.gouv.fr users)."""
    missing = [f["name"] for f in _schema()["fields"] if not f.get("title") or not f.get("description")]
    assert missing == []


def test_type_enum_is_the_reader_vocabulary() -> None:
    """type_fs allows exactly the values the reader's liste-2024 layout accepts, as written."""
    assert _field("type_fs")["constraints"]["enum"] == list(_layout().displays["type"])


def test_format_enum_is_the_reader_vocabulary() -> None:
    """format_fs allows exactly the values the reader's liste-2024 layout accepts, as written."""
    assert _field("format_fs")["constraints"]["enum"] == list(_layout().displays["format"])


def test_appointment_booking_values_are_the_reader_values() -> None:
    """prise_rdv's true and false values are those the reader reads as true and false."""
    field = _field("prise_rdv")
    values = _layout().values["appointment_booking"]
    read = {text: values[fold(text)] for text in _layout().displays["appointment_booking"]}
    assert (field["type"], field["trueValues"], field["falseValues"]) == (
        "boolean",
        [text for text, value in read.items() if value is True],
        [text for text, value in read.items() if value is False],
    )


def test_departement_enum_is_the_official_geographic_code() -> None:
    """insee_dep allows exactly the codes of the INSEE referential fsaudit names départements from."""
    with (REPO / "fsaudit" / "text" / "departements.json").open(encoding="utf-8") as handle:
        codes = list(json.load(handle)["names"])
    assert _field("insee_dep")["constraints"]["enum"] == codes


def test_schema_is_a_valid_table_schema() -> None:
    """frictionless validates the descriptor against the Table Schema profile without an error."""
    report = Schema.validate_descriptor(str(SCHEMA_PATH))
    assert (report.valid, report.flatten(["type", "note"])) == (True, [])


def test_primary_key_is_the_identifier() -> None:
    """The primary key is id_fs, missing values are written as empty cells."""
    schema = _schema()
    assert (schema["primaryKey"], schema["missingValues"]) == (["id_fs"], [""])


@given(st.from_regex(_field("h_lundi")["constraints"]["pattern"], fullmatch=True))
def test_every_cell_the_hour_pattern_accepts_is_read_with_its_ranges(cell: str) -> None:
    """A day cell the schema's pattern accepts is an opening fsaudit reads, range for range."""
    written = tuple(tuple(part.split(" - ")) for part in cell.split(" / "))
    read = parse_day(cell)
    assert (read.kind, read.ranges, read.note) == (DayKind.OPEN, written, None)


def test_every_day_column_has_the_same_pattern() -> None:
    """The six day columns share one pattern (the published style)."""
    patterns = {_field(column)["constraints"]["pattern"] for column in DAY_COLUMNS}
    assert len(patterns) == 1


def test_frictionless_on_the_2024_list() -> None:
    """The documented command on the real 2024 list: 2,845 rows, two mail cells with several addresses."""
    report = _validate(REPO, str(SCHEMA_PATH.relative_to(REPO)), str(LIST_2024.relative_to(REPO)))
    task = report["tasks"][0]
    assert (task["stats"]["rows"], task["stats"]["fields"], _errors(report)) == (
        2845,
        24,
        [("type-error", 637, "mail"), ("type-error", 1274, "mail")],
    )


def test_frictionless_reports_each_broken_constraint(tmp_path: Path) -> None:
    """Five records of the list, each broken in one column: one error per break, where it is."""
    with LIST_2024.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, records = rows[0], [list(row) for row in rows[1:7]]
    at = {name: index for index, name in enumerate(header)}
    records[0][at["insee_dep"]] = "1"  # the leading zero a spreadsheet drops
    records[1][at["id_fs"]] = records[0][at["id_fs"]]  # a duplicate identifier
    records[2][at["format_fs"]] = "Camion"
    records[3][at["h_mardi"]] = "9h-12h"
    records[4][at["prise_rdv"]] = "oui"
    records[5][at["latitude"]] = "46,1"
    with (tmp_path / "liste.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *records])
    shutil.copy(SCHEMA_PATH, tmp_path / "schema.json")
    assert _errors(_validate(tmp_path, "schema.json", "liste.csv")) == [
        ("constraint-error", 2, "insee_dep"),
        ("primary-key", 3, None),
        ("constraint-error", 4, "format_fs"),
        ("constraint-error", 5, "h_mardi"),
        ("type-error", 6, "prise_rdv"),
        ("type-error", 7, "latitude"),
    ]
