"""Choosing a reader: extension first, sniffing only when a candidate needs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fsaudit.inputs.files import choose_reader, read_input
from fsaudit.inputs.reader import Reader, ReadResult
from fsaudit.model.facts import InputProblem


def _reader(name: str, extensions: tuple[str, ...], sniff=None, priority: int = 0) -> Reader:
    return Reader(name, name, extensions, lambda p: ReadResult(name), sniff, priority)


def test_extension_picks_the_reader_without_opening(tmp_path: Path) -> None:
    """A reader without sniffing is chosen by extension alone (the file is not even opened)."""
    assert choose_reader(tmp_path / "absent.json", [_reader("json", (".json",))]).name == "json"


def test_sniffer_must_claim_the_file(tmp_path: Path) -> None:
    """A reader with a sniff function that declines the file is never chosen by extension."""
    path = tmp_path / "liste.csv"
    path.write_text("a,b\n", encoding="utf-8")
    picky = _reader("anct", (".csv",), sniff=lambda p, head: head.startswith(b"id_fs"), priority=10)
    assert choose_reader(path, [picky]) is None
    path.write_text("id_fs,lib_fs\n", encoding="utf-8")
    assert choose_reader(path, [picky]).name == "anct"


def test_priority_order_between_claimants(tmp_path: Path) -> None:
    """The sniffing reader of higher priority is tried before the generic one."""
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK")
    generic = _reader("workbook", (".xlsx",))
    special = _reader("anct", (".xlsx",), sniff=lambda p, head: False, priority=10)
    assert choose_reader(path, [special, generic]).name == "workbook"


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    """A file with an unknown extension is offered to the sniffers."""
    path = tmp_path / "export.txt"
    path.write_text("id_fs\n", encoding="utf-8")
    sniffer = _reader("anct", (".csv",), sniff=lambda p, head: head.startswith(b"id_fs"))
    assert choose_reader(path, [sniffer]).name == "anct"


def test_unknown_format_is_an_input_problem(tmp_path: Path) -> None:
    """A file no reader claims is reported in French with the formats fsaudit reads."""
    path = tmp_path / "notes.docx"
    path.write_bytes(b"x")
    info, result = read_input(str(path), [_reader("json", (".json",))])
    assert [p.message for p in result.problems] == [
        "format de fichier non reconnu (extension « .docx ») ; formats lus : .json"
    ]
    assert info.errors == 1


def _problems(result: ReadResult) -> list[tuple[str, str, str]]:
    return [(str(p.location), p.message, p.level) for p in result.problems]


def test_an_empty_file_is_said_to_be_empty(tmp_path: Path) -> None:
    """0 bytes, or only a byte-order mark and white space, whatever the extension: « fichier
    vide », not a format or a JSON syntax error; no reader is asked to read it."""
    asked: list[str] = []
    reader = Reader("json", "json", (".json",), lambda p: asked.append(str(p)) or ReadResult("json"))
    for name, data in (("a.json", b""), ("b.json", b"\xef\xbb\xbf \r\n\t\n"), ("c.xlsx", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        _info, result = read_input(str(path), [reader])
        assert _problems(result) == [("fichier", "fichier vide : aucune donnée à lire ; formats lus : .json", "erreur")]
    assert asked == []
    (tmp_path / "d.json").write_bytes(b" 0 ")  # something, however little, is read
    assert _problems(read_input(str(tmp_path / "d.json"), [reader])[1]) != []
    assert asked == [str(tmp_path / "d.json")]


def test_the_only_reader_of_an_extension_says_what_it_expected(tmp_path: Path) -> None:
    """A ``.csv`` that the one CSV reader's sniffer declines is read by it anyway, so that its
    own message (the header it expected) is given instead of « format non reconnu »."""
    path = tmp_path / "liste.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")

    def read(p: Path) -> ReadResult:
        return ReadResult("anct", problems=(InputProblem(str(p), "ligne 1", "en-tête non reconnu"),))

    picky = Reader("anct", "anct", (".csv",), read, lambda p, head: False, 10)
    _info, result = read_input(str(path), [picky, _reader("json", (".json",))])
    assert _problems(result) == [("ligne 1", "en-tête non reconnu", "erreur")]
    other = _reader("autre", (".csv",), sniff=lambda p, head: False)
    _info, result = read_input(str(path), [picky, other])
    assert _problems(result) == [
        ("fichier", "format de fichier non reconnu (extension « .csv ») ; formats lus : .csv", "erreur")
    ]


def test_a_file_that_holds_nothing_to_audit_is_a_warning(tmp_path: Path) -> None:
    """A file read without error but without any structure (a list with its header only) is
    never silent: it gets a warning; a file with problems of its own keeps only those."""
    path = tmp_path / "liste.json"
    path.write_text("{}", encoding="utf-8")
    info, result = read_input(str(path), [_reader("json", (".json",))])
    assert _problems(result) == [("fichier", "aucune structure dans ce fichier : rien à auditer", "avertissement")]
    assert info.structures == 0
    failing = Reader(
        "json", "json", (".json",), lambda p: ReadResult("json", problems=(InputProblem(str(p), "$", "illisible"),))
    )
    assert _problems(read_input(str(path), [failing])[1]) == [("$", "illisible", "erreur")]


def _exits(path: Path) -> ReadResult:
    import sys

    sys.exit(0)


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda p: None, "réponse mal formée : NoneType au lieu d'un ReadResult"),
        (lambda p: {"structures": []}, "réponse mal formée : dict au lieu d'un ReadResult"),
        (lambda p: ReadResult("x", structures=({"id": "A"},)), "structures doit être une suite de LoadedStructure"),
        (lambda p: ReadResult("x", problems=("illisible",)), "problems doit être une suite de InputProblem"),
        (_exits, "SystemExit"),
    ],
)
def test_a_reader_that_answers_garbage_is_its_input_s_error(tmp_path: Path, read: Any, message: str) -> None:
    """A plugin's reader that returns something else than a ReadResult of the right objects, or
    calls sys.exit(), gives an error of that input naming the reader (the whole audit stopped with
    « erreur interne », or exited 0 with no report)."""
    path = tmp_path / "a.fsx"
    path.write_text("x=1\n", encoding="utf-8")
    info, result = read_input(str(path), [Reader("fsx", "test", (".fsx",), read)])
    [(location, text, level)] = _problems(result)
    assert (location, level, info.structures) == ("fichier", "erreur", 0)
    assert text.startswith("le lecteur « fsx » a échoué : ") and message in text
