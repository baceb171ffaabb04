"""A template-made workbook damaged at random is audited honestly (property-based, issue 14).

Starting from the sample workbooks (written by the template), Hypothesis writes garbage into
cells, misspells a sheet name slightly and adds a column of the auditor's own, then audits the
file through the CLI. Whatever it did: every structure of « Structures » is in the report, no
rule fails when it needs a fact that was made unreadable, the exit code is never 4 (a rule or
plugin error) and nothing raises.
"""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from report_json import read_v1
from workbook_helpers import edit_workbook

from fsaudit.cli.main import main
from fsaudit.inputs.converter import structure_declaration
from fsaudit.model.facts import facts_overlap
from fsaudit.plugin.manager import load_plugins
from fsaudit_workbook.layout import SHEETS
from fsaudit_workbook.template import declaration_rows

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "workbook"
AS_OF = _dt.date(2025, 6, 1)
DECLARATION = structure_declaration(json.loads((SAMPLES / "declaration-exemple.json").read_text(encoding="utf-8")))
ROWS = declaration_rows(DECLARATION)
NEEDS = {rule.id: rule.needs for rule in load_plugins().rules}

GARBAGE = ["??", "neuf heures", "n/a", "beaucoup", "peut-être", "#REF"]
"""Texts no column but a free-text or code one can read (no time, number, date, oui/non, list
value, rule id nor INSEE code)."""
UNREADABLE_KINDS = {
    "number",
    "integer",
    "date",
    "time",
    "month",
    "bool",
    "choice",
    "modes",
    "rule",
    "result",
    "departement",
    "commune",
    "postal",
}
"""Column kinds in which a garbage text is unreadable; in the others (text, code) it is a value."""
STRUCTURE_FACTS = {
    "street": "address.street",
    "complement": "address.complement",
    "postal_code": "address.postal_code",
    "city": "address.city",
    "latitude": "coordinates.latitude",
    "longitude": "coordinates.longitude",
    "gestionnaire_kind": "gestionnaire.kind",
    "gestionnaire_name": "gestionnaire.name",
    "label_status": "label.status",
    "label_date": "label.date",
}
SHEET_FACTS = {
    "Horaires": ("opening_hours", "conseillers[].presence"),
    "Conseillers": ("conseillers",),
    "Partenaires": ("partners",),
    "Services locaux": ("local_services",),
    "Locaux": ("premises",),
    "Fréquentation": ("attendance",),
    "Département": ("departement",),
}
"""What a misspelt sheet holds, for every structure (the test's own statement of the layout)."""
SPECS = {spec.name: spec for spec in SHEETS}
CELLS = [
    (sheet, row, col)
    for sheet, rows in ROWS.items()
    for row in range(2, len(rows) + 2)
    for col in range(1, len(SPECS[sheet].columns) + 1)
]
"""Every cell of the samples' data rows (1-based row and column, below the header row)."""


def _fact(sheet: str, row: int, col: int) -> tuple[str | None, str] | None:
    """The structure (by its identifier in the samples; ``None``: all of them) and the fact a
    garbage text at this cell makes unreadable, or ``None`` when the text is read as a value there
    (a name, a code, an identifier)."""
    column = SPECS[sheet].columns[col - 1]
    if column.kind not in UNREADABLE_KINDS:
        return None
    values = ROWS[sheet][row - 2]
    key = column.key
    if sheet == "Structures":
        return values[0], STRUCTURE_FACTS.get(key, key)
    if sheet == "Département":
        return None, "departement"
    owner = values[0]
    if sheet == "Horaires":
        week = "opening_hours" if values[4] is None else "conseillers[].presence"
        return owner, week if key == "day" else f"{week}.{_day(values[1])}"
    if sheet == "Locaux":
        return owner, f"premises.{key}"
    if sheet == "Fréquentation":
        return owner, "attendance"
    field = {"Conseillers": "conseillers", "Partenaires": "partners", "Services locaux": "local_services"}[sheet]
    return owner, f"{field}[].{key}"


def _day(label: str) -> str:
    from fsaudit.model.declaration import WEEKDAY_LABELS

    return next(day for day, text in WEEKDAY_LABELS.items() if text == label)


@st.composite
def damages(draw: st.DrawFn) -> tuple[dict, dict, dict]:
    """Garbage in up to four cells, maybe a sheet misspelt, maybe a column of the auditor's own."""
    cells = draw(st.dictionaries(st.sampled_from(CELLS), st.sampled_from(GARBAGE), max_size=4))
    renames = {}
    sheet = draw(st.none() | st.sampled_from(sorted(SHEET_FACTS)))
    if sheet is not None:
        renames[sheet] = draw(st.sampled_from([sheet[:-1], sheet[:2] + "x" + sheet[3:]]))
    columns = {}
    extra = draw(st.none() | st.sampled_from(sorted(ROWS)))
    if extra is not None:
        lines = range(2, len(ROWS[extra]) + 2)
        values = draw(st.dictionaries(st.sampled_from(lines), st.sampled_from(GARBAGE), max_size=3)) if lines else {}
        columns[extra] = ("Notes de l'auditeur", values)
    return cells, renames, columns


@settings(max_examples=20)
@given(st.sampled_from(["xlsx", "ods"]), damages())
def test_damaged_workbook_is_audited_honestly(tmp_path_factory, fmt: str, damage: tuple[dict, dict, dict]) -> None:
    """Every structure is reported, no rule fails on a fact made unreadable, the exit code is never 4."""
    cells, renames, columns = damage
    folder = tmp_path_factory.mktemp("abime")
    path = folder / f"declaration.{fmt}"
    shutil.copy(SAMPLES / f"declaration-exemple.{fmt}", path)
    edit_workbook(path, cells=cells, columns=columns, renames=renames)

    out = folder / "rapport.json"
    code = main(["audit", str(path), "--as-of", AS_OF.isoformat(), "-f", "json", "-o", str(out)])
    assert code in (0, 1, 3)
    report = read_v1(out)

    ids = [cells.get(("Structures", row, 1), values[0]) for row, values in enumerate(ROWS["Structures"], start=2)]
    assert sorted(s["id"] for s in report["structures"]) == sorted(ids)

    # The facts made unreadable, by row of Structures (the structure's « location »); None: all.
    rows = {f"Structures!A{row}": values[0] for row, values in enumerate(ROWS["Structures"], start=2)}
    unread: dict[str | None, set[str]] = {None: {fact for sheet in renames for fact in SHEET_FACTS[sheet]}}
    renamed = {values[0] for row, values in enumerate(ROWS["Structures"], start=2) if ("Structures", row, 1) in cells}
    for sheet, row, col in cells:
        found = None if sheet in renames else _fact(sheet, row, col)
        if found is None:
            continue
        owner, fact = found
        if sheet not in ("Structures", "Département") and ((sheet, row, 1) in cells or owner in renamed):
            continue  # the row's identifier, or its structure's, is garbage: a row of no structure (an error)
        unread.setdefault(owner, set()).add(fact)
    for sheet, row, col in cells:
        owner = ROWS[sheet][row - 2][0]
        # With the Conseillers sheet misspelt, a conseiller named on several rows is a schedule
        # (unread with the sheet); one named once may be a stray value on a row of opening hours.
        repeated = "Conseillers" in renames and (
            sum(
                1
                for (s, r, c), v in cells.items()
                if (s, c) == ("Horaires", 5) and v == cells[(sheet, row, col)] and ROWS[s][r - 2][0] == owner
            )
            > 1
        )
        if (
            (sheet, col) == ("Horaires", 5)
            and sheet not in renames
            and (sheet, row, 1) not in cells
            and owner not in renamed
            and not repeated
        ):
            # a garbage conseiller: the row is a presence of no conseiller, or opening hours
            day = "" if (sheet, row, 2) in cells else f".{_day(ROWS[sheet][row - 2][1])}"
            unread.setdefault(owner, set()).update({f"opening_hours{day}", "conseillers[].presence"})
    for structure in report["structures"]:
        facts = unread[None] | unread.get(rows[structure["location"]], set())
        failing = [
            (result["rule"], fact)
            for result in structure["results"]
            if result["status"] == "fail"
            for fact in facts
            for need in NEEDS[result["rule"]]
            if facts_overlap(need, fact)
        ]
        assert failing == [], (structure["id"], sorted(facts))


def test_stray_conseiller_with_the_conseillers_sheet_misspelt_leaves_its_day_unread(tmp_path: Path) -> None:
    """The Conseillers sheet misspelt (not read) and one row of Horaires with a stray value in its
    Conseiller column: that value, named on no other row, may sit on a row of opening hours, so
    its day is unread and FS-HOR-01 does not fail on what is left (found by the test above)."""
    path = tmp_path / "declaration.xlsx"
    shutil.copy(SAMPLES / "declaration-exemple.xlsx", path)
    edit_workbook(path, cells={("Horaires", 32, 5): "??"}, renames={"Conseillers": "Conseiller"})
    out = tmp_path / "rapport.json"
    main(["audit", str(path), "--as-of", AS_OF.isoformat(), "-f", "json", "-o", str(out)])
    report = read_v1(out)
    owner = ROWS["Horaires"][30][0]
    structure = next(s for s in report["structures"] if s["id"] == owner)
    day = _day(ROWS["Horaires"][30][1])
    assert f"opening_hours.{day}" in [u["field"] for u in structure["unread"]]
    assert {r["rule"]: r["status"] for r in structure["results"]}["FS-HOR-01"] != "fail"
