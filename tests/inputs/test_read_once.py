"""An input file is read once: hashed, sniffed and read from the same bytes."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from fsaudit import InputFile
from fsaudit.inputs import files
from fsaudit.inputs.files import read_input
from fsaudit.plugin.manager import load_plugins

REPO = Path(__file__).resolve().parents[2]
SAMPLES = {
    "json": REPO / "samples" / "workbook" / "declaration-exemple.json",
    "xlsx": REPO / "samples" / "workbook" / "declaration-exemple.xlsx",
    "ods": REPO / "samples" / "workbook" / "declaration-exemple.ods",
    "csv": REPO / "samples" / "anct" / "liste-fs-20221201.csv",
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_input_is_opened_once(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_input opens the file once, whatever its format: the file is deleted as soon as it is
    opened, so that any second open (by the reader, zipfile or the spreadsheet library) would fail."""
    target = tmp_path / SAMPLES[kind].name
    shutil.copyfile(SAMPLES[kind], target)
    readers = load_plugins().readers
    opened: list[str] = []
    real_open = files.open_regular

    def open_then_delete(path: Any) -> Any:
        opened.append(str(path))
        handle = real_open(path)
        os.unlink(path)
        return handle

    monkeypatch.setattr(files, "open_regular", open_then_delete)
    info, result = read_input(str(target), readers)
    assert [p for p in result.problems if p.is_error] == []
    assert result.structures
    assert opened == [str(target)]
    assert info.sha256 is not None


def test_an_input_file_serves_its_bytes(tmp_path: Path) -> None:
    """After the one read, the file on disk may change: the reader sees what was hashed."""
    path = tmp_path / "d.json"
    path.write_bytes(b'{"id": "A", "name": "B"}')
    file = InputFile.read(path)
    path.write_bytes(b"changed")
    assert file.read_bytes() == b'{"id": "A", "name": "B"}'
    assert file.read_text() == '{"id": "A", "name": "B"}'
    with file.open("rb") as handle:
        assert handle.read(5) == b'{"id"'
    assert isinstance(files.source(file), io.BytesIO)
    assert files.source(path) == str(path)
