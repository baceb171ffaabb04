"""Choosing a reader: extension first, sniffing only when a candidate needs it."""

from __future__ import annotations

from pathlib import Path

from fsaudit.inputs.files import choose_reader, read_input
from fsaudit.inputs.reader import Reader, ReadResult


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
    assert [p.message for p in result.problems] == ["format de fichier non reconnu ; formats lus : .json"]
    assert info.errors == 1
