"""Random, mutated and oddly encoded ANCT lists (CSV, .xlsx, .ods): never an exception, always a
French problem at a line and column (or a cell)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fsaudit.inputs.files import read_input
from fsaudit.plugin.manager import load_plugins
from fsaudit_anct.columns import COLUMNS
from fsaudit_anct.reader import read_csv, sniff_csv
from fsaudit_anct.reader import read_workbook as read_anct_workbook

from .french import CELL, assert_french, reader_crashed
from .hostile import Sheet, write_workbook
from .test_workbook_fuzz import CELLS, TEXTS

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "anct" / "liste-fs-20240801.csv"
READERS = load_plugins().readers
# A column is named as the file's header writes it (an approximate header such as « h"_lundi » is
# read as h_lundi, and located by its own text).
CSV_LOCATION = re.compile(r"^(fichier|ligne [0-9]+(, colonnes? .+)?)$", re.S)
SHEET_ROW = re.compile(r"^(?:'(?:[^']|'')+'|[^!']+), ligne [0-9]+$")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
FIELD = st.one_of(
    TEXTS,
    st.sampled_from(
        [
            "09:00 - 12:00 / 13:30 - 17:00",
            "9h30 – 12h15",
            "fermé",
            "Horaires non communiqués",
            "NC",
            "00:00 - 00:00",
            "25:00 - 26:00",
            "12:00 - 09:00",
            "Oui",
            "Non",
            "Principal",
            "Antenne",
            "Fixe",
            "Bus_équivalent",
            "Fixe_antenne(s)",
            "Espace labellisé 01/01/2020",
            "Espace labellisé 31/02/2020",
            "46,5",
            "1e400",
            "2C",
            "1",
            'a "quoted" value',
            "line\nbreak",
            "semi;colon",
            "comma,here",
            "",
        ]
    ),
)


def _header_and_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [next(handle) for _ in range(40)]


SAMPLE_LINES = _header_and_lines(SAMPLE)


def check_csv(path: Path) -> None:
    """The CSV reader and the sniffer never raise; every problem is French and located."""
    result = read_csv(path)
    for problem in result.problems:
        assert_french(problem, path)
        assert CSV_LOCATION.match(problem.location), problem
    sniff_csv(path, path.read_bytes()[:65536])
    _info, through = read_input(str(path), READERS)
    assert not reader_crashed(through.problems), through.problems


@st.composite
def anct_csv(draw: st.DrawFn) -> bytes:
    """A header (columns shuffled, dropped or doubled) and records of random fields, in one of the
    encodings the list is found in, with ``,`` or ``;``; a few fields and lines are damaged."""
    columns = list(draw(st.permutations(COLUMNS)))
    columns = [c for c in columns if draw(st.integers(0, 9)) > 0]  # now and then a column is missing
    if draw(st.booleans()):
        columns.append(draw(st.sampled_from([*COLUMNS, "inconnue", ""])))
    separator = draw(st.sampled_from([",", ";"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(columns)
    for _ in range(draw(st.integers(0, 4))):
        row = [str(draw(FIELD)) for _ in columns]
        row = row[: draw(st.integers(0, len(row)))] if draw(st.integers(0, 9)) == 0 else row  # short record
        writer.writerow(row)
    text = buffer.getvalue()
    if draw(st.integers(0, 4)) == 0:  # an unbalanced quote somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + '"' + text[at:]
    if encoding == "cp1252":
        return text.encode("cp1252", errors="replace")
    return text.encode(encoding)


@given(anct_csv())
def test_random_anct_lists(tmp_path_factory, content: bytes) -> None:
    """Random fields, headers, separators and encodings (UTF-8, BOM, Windows-1252) never raise."""
    path = tmp_path_factory.mktemp("a") / "liste.csv"
    path.write_bytes(content)
    check_csv(path)


@given(st.binary(max_size=400))
def test_random_bytes(tmp_path_factory, content: bytes) -> None:
    """Random bytes after a valid header, and random bytes alone, never raise."""
    folder = tmp_path_factory.mktemp("r")
    header = folder / "liste.csv"
    header.write_bytes(SAMPLE_LINES[0].encode() + content)
    check_csv(header)
    alone = folder / "seul.csv"
    alone.write_bytes(content)
    check_csv(alone)


@given(st.sampled_from(ENCODINGS), st.data())
def test_mutated_sample_lines(tmp_path_factory, encoding: str, data: st.DataObject) -> None:
    """The first lines of the real national list, re-encoded, cut short or with bytes changed, never raise."""
    raw = bytearray("".join(SAMPLE_LINES).encode(encoding, errors="replace"))
    for _ in range(data.draw(st.integers(0, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.one_of(st.just(len(raw)), st.integers(0, len(raw))))
    path = tmp_path_factory.mktemp("s") / "liste.csv"
    path.write_bytes(bytes(raw[:cut]))
    check_csv(path)


def test_encodings_give_the_same_structures(tmp_path: Path) -> None:
    """The same lines in UTF-8, UTF-8 with a BOM and Windows-1252 give the same declarations."""
    text = "".join(SAMPLE_LINES)
    read = []
    for encoding in ENCODINGS:
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        result = read_csv(path)
        assert result.problems == ()
        read.append([s.structure for s in result.structures])
    assert read[0] == read[1] == read[2]
    assert len(read[0]) == len(SAMPLE_LINES) - 1


@st.composite
def anct_sheet(draw: st.DrawFn) -> list[Sheet]:
    """The ANCT header on a first sheet (maybe below empty rows) and records of random cells."""
    columns = list(draw(st.permutations(COLUMNS)))
    rows: list[list[object]] = [[] for _ in range(draw(st.integers(0, 2)))]
    rows.append(columns)
    for _ in range(draw(st.integers(0, 4))):
        rows.append([draw(st.one_of(CELLS, FIELD)) for _ in columns])
    return [Sheet(draw(st.sampled_from(["Feuil1", "Liste FS", "O'Brien"])), rows)]


@given(anct_sheet(), st.sampled_from([".xlsx", ".ods"]))
def test_random_anct_workbooks(tmp_path_factory, content: list[Sheet], extension: str) -> None:
    """Random cells of every type under the ANCT header of a workbook export never raise."""
    path = write_workbook(tmp_path_factory.mktemp("x") / f"liste{extension}", content)
    result = read_anct_workbook(path)
    for problem in result.problems:
        assert_french(problem, path)
        assert problem.location == "fichier" or CELL.match(problem.location) or SHEET_ROW.match(problem.location), (
            problem
        )
    _info, through = read_input(str(path), READERS)
    assert not reader_crashed(through.problems), through.problems
    refused = any(p.message.startswith("archive refusée") for p in through.problems)  # e.g. 1 MB of spaces
    assert through.format == "anct-tableur" or refused, through
