"""Random, mutated and malformed workbooks (.xlsx, .xlsm, .ods): never an exception, always a
French problem at a cell or at « fichier »."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fsaudit.inputs.files import read_input
from fsaudit.plugin.manager import load_plugins
from fsaudit_anct.reader import read_workbook as read_anct_workbook
from fsaudit_anct.reader import sniff_workbook
from fsaudit_workbook.layout import IGNORED_SHEETS, SHEETS
from fsaudit_workbook.reader import read_workbook

from .french import CELL, assert_french, reader_crashed
from .hostile import (
    ErrorValue,
    Formula,
    Huge,
    Member,
    Sheet,
    members_of,
    replace_member,
    write_workbook,
    write_zip,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "workbook"
READERS = load_plugins().readers
EXTENSIONS = (".xlsx", ".xlsm", ".ods")

IDS = st.sampled_from(["FS-1", "FS-2", " fs-1 ", "", "aucun", 1, 2.5])
TEXTS = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),  # any code point: RTL marks, controls…
    st.sampled_from(
        [
            "aucun",
            "fermé",
            "oui",
            "non",
            "x",
            "9h",
            "9h75",
            "24:00",
            "25:00",
            "lundi",
            "dimanche",
            "2024-01",
            "janvier 2024",
            "12/05/2022",
            "31/02/2020",
            "DGFiP",
            "ANTS",
            "32",
            "2A",
            "2C",
            "=1+1",
            "+33",
            "@x",
            "é\u0301",
            "\u202eFS",
            "\ufeff",
            "\u0000",
            "NaN",
            "1e999",
            "６",
            "conforme",
            "FS-HOR-05",
        ]
    ),
    st.builds(Huge, st.sampled_from(["é", "9", " ", "\u202e"]), st.integers(5_000, 200_000)),  # huge strings
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 0.5, 1e308, 5e-324, 2**63, 99999999]),
)
CELLS = st.one_of(
    st.none(),
    TEXTS,
    NUMBERS,
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
    st.builds(
        Formula,
        st.sampled_from(["=1+1", "=A1", "=B2/0"]),
        st.one_of(st.none(), st.integers(0, 99), st.text(max_size=5), st.booleans()),
    ),
    st.builds(ErrorValue, st.sampled_from(["#DIV/0!", "#N/A", "#REF!", "#VALUE!"])),
)
SHEET_NAMES = st.one_of(
    st.sampled_from(
        [s.name for s in SHEETS]
        + list(IGNORED_SHEETS)
        + ["Services", "structures", "Horaire", "Feuil1", "Liste FS", "O'Brien"]
    ),
    st.text(min_size=1, max_size=31),
)


@st.composite
def sheets(draw: st.DrawFn) -> list[Sheet]:
    """One to four sheets: known or random names (duplicates too), header rows with shuffled,
    doubled, missing or unknown headers, a title above, random cells and merged ranges."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(SHEET_NAMES)
        spec = next((s for s in SHEETS if s.name == name), draw(st.sampled_from(SHEETS)))
        headers = [c.header for c in spec.columns]
        headers = draw(st.permutations(headers))[: draw(st.integers(1, len(headers)))]
        if draw(st.booleans()):
            headers = [*headers, draw(st.sampled_from([headers[0], "Colonne inconnue", "", "Identifiant"]))]
        rows: list[list[object]] = [[draw(TEXTS)] for _ in range(draw(st.integers(0, 2)))]  # a title above
        rows.append(list(headers))
        for _ in range(draw(st.integers(0, 4))):
            row = [draw(IDS if h.startswith("Identifiant") else CELLS) for h in headers]
            rows.append(row)
        width = max(len(r) for r in rows)
        merged = []
        if draw(st.booleans()) and width > 1:
            top = draw(st.integers(1, len(rows)))
            merged.append(f"A{top}:B{min(len(rows), top + draw(st.integers(0, 1)))}")
        out.append(Sheet(name, rows, merged))
    return out


def check(path: Path) -> None:
    """Every reader that may take ``path`` reads it without raising; every problem is French."""
    result = read_workbook(path)
    for problem in result.problems:
        assert_french(problem, path)
        assert problem.location == "fichier" or CELL.match(problem.location), problem
    read_anct_workbook(path)  # the ANCT export reader must not raise either
    with path.open("rb") as handle:
        sniff_workbook(path, handle.read(65536))
    _info, through = read_input(str(path), READERS)
    assert not reader_crashed(through.problems), through.problems


@given(sheets(), st.sampled_from(EXTENSIONS))
def test_random_workbooks(tmp_path_factory, content: list[Sheet], extension: str) -> None:
    """Random sheets, headers and cells of every type never make the reader raise."""
    path = write_workbook(tmp_path_factory.mktemp("w") / f"fuzz{extension}", content)
    check(path)


@given(st.binary(max_size=400), st.sampled_from(EXTENSIONS))
def test_random_bytes(tmp_path_factory, content: bytes, extension: str) -> None:
    """Random bytes named like a workbook are reported unreadable, not raised."""
    path = tmp_path_factory.mktemp("b") / f"fuzz{extension}"
    path.write_bytes(content)
    check(path)


@given(st.sampled_from(["declaration-exemple.xlsx", "declaration-exemple.ods"]), st.data())
def test_mutated_and_truncated_samples(tmp_path_factory, sample: str, data: st.DataObject) -> None:
    """The bundled sample workbooks cut short or with bytes changed never make the reader raise."""
    raw = bytearray((SAMPLES / sample).read_bytes())
    for _ in range(data.draw(st.integers(0, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.one_of(st.just(len(raw)), st.integers(0, len(raw))))
    path = tmp_path_factory.mktemp("m") / sample
    path.write_bytes(bytes(raw[:cut]))
    check(path)


def test_empty_workbook_and_empty_sheets(tmp_path: Path) -> None:
    """A workbook without sheets, and a Structures sheet without rows, are reported in French."""
    for extension in EXTENSIONS:
        empty = write_workbook(tmp_path / f"vide{extension}", [])
        check(empty)
        blank = write_workbook(tmp_path / f"blanc{extension}", [Sheet("Structures", [])])
        assert [(p.location, p.message) for p in read_workbook(blank).problems] == [
            (
                "Structures!A1",
                "ligne d'en-têtes introuvable : la feuille « Structures » doit avoir une colonne "
                "« Identifiant » dans ses 10 premières lignes",
            ),
        ]


def test_sheets_with_the_same_name_are_refused(tmp_path: Path) -> None:
    """Two sheets with one name (a crafted file: no spreadsheet allows it) make the workbook unread,
    since the library gives one sheet's cells for both."""
    headers = [c.header for c in SHEETS[0].columns][:2]
    content = [
        Sheet("Structures", [headers, ["FS-1", "Un"]]),
        Sheet("Structures", [headers, ["FS-2", "Deux"]]),
    ]
    for extension in EXTENSIONS:
        path = write_workbook(tmp_path / f"double{extension}", content)
        check(path)
        result = read_workbook(path)
        assert result.structures == ()
        assert [(p.location, p.message) for p in result.problems] == [
            (
                "fichier",
                "plusieurs feuilles portent le nom « Structures », ce qu'aucun tableur n'admet : classeur "
                "non lu ; renommez-les",
            ),
        ]


def test_two_sheets_with_one_role_keep_the_first(tmp_path: Path) -> None:
    """« Services » and « Services locaux » both name the local services sheet: the first is read."""
    headers = [c.header for c in SHEETS[0].columns][:2]
    services = next(s for s in SHEETS if s.name == "Services locaux")
    service_headers = [c.header for c in services.columns][:2]
    content = [
        Sheet("Structures", [headers, ["FS-1", "Un"]]),
        Sheet("Services", [service_headers, ["FS-1", "Coworking"]]),
        Sheet("Services locaux", [service_headers, ["FS-1", "Aide numérique"]]),
    ]
    for extension in EXTENSIONS:
        path = write_workbook(tmp_path / f"role{extension}", content)
        check(path)
        result = read_workbook(path)
        assert [s.name for s in result.structures[0].structure.local_services] == ["Coworking"]
        assert [(p.location, p.message) for p in result.problems] == [
            (
                "'Services locaux'!A1",
                "feuille « Services locaux » ignorée : la feuille « Services » tient déjà ce rôle",
            ),
        ]


def test_damaged_sheet_makes_its_facts_unread(tmp_path: Path) -> None:
    """A sheet whose compressed data is damaged is reported at the sheet, in French; every structure
    of the workbook is kept, with the facts of that sheet unread (its rows could belong to any)."""
    members = members_of(SAMPLES / "declaration-exemple.xlsx")
    sheet = next(m for m in members if m.name == "xl/worksheets/sheet4.xml")  # Horaires
    garbled = sheet.data[:40] + bytes(b ^ 0x5A for b in sheet.data[40:])
    damaged = Member(sheet.name, garbled, sheet.size, sheet.crc)
    path = write_zip(tmp_path / "abime.xlsx", replace_member(members, damaged))
    check(path)
    result = read_workbook(path)
    (scan, horaires) = result.problems
    assert scan.location == "fichier"
    assert scan.message.startswith(
        "contrôle des formules impossible (archive ZIP endommagée ou tronquée ; détail technique : "
    )
    assert horaires.location == "Horaires!A1"
    assert horaires.message.startswith(
        "feuille « Horaires » illisible (archive ZIP endommagée ou tronquée ; détail technique : "
    )
    assert horaires.message.endswith(
        ") : ses données ne sont pas lues, les règles qui en dépendent sont à vérifier pour chaque structure du "
        "classeur"
    )
    assert [(s.structure.id, [(f.field, f.location, f.reason) for f in s.unread]) for s in result.structures] == [
        (
            sid,
            [
                ("opening_hours", "Horaires!A1", horaires.message),
                ("conseillers[].presence", "Horaires!A1", horaires.message),
            ],
        )
        for sid in ("EX-32-001", "EX-32-002", "EX-32-003", "EX-32-004")
    ]
