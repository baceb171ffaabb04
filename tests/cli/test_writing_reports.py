"""Writing the reports: with the cyclic collector tuned as during the audit (the whole report is
alive while its formats are written, and a full collection would traverse all of it), into
folders created when missing."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from fsaudit.cli.main import main
from fsaudit.report import output
from fsaudit.run.collector import YOUNG_THRESHOLD

SAMPLE = Path(__file__).parents[2] / "samples" / "exemple-candidature.json"


def test_reports_are_written_with_the_collector_tuned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[tuple[int, int, int]] = []
    real = output.write_atomic

    def recording(path: Path, data: Any) -> None:
        seen.append(gc.get_threshold())
        real(path, data)

    monkeypatch.setattr(output, "write_atomic", recording)
    before = gc.get_threshold()
    code = main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json,text", "-o", str(tmp_path / "r")])
    capsys.readouterr()
    assert code in (0, 1)
    assert seen and all(threshold == (YOUNG_THRESHOLD, 1000, 1000) for threshold in seen)
    assert gc.get_threshold() == before
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["rapport.json", "rapport.txt"]


def test_missing_folders_of_the_output_are_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-o`` into folders that do not exist yet creates them (as ``--help`` says), for one
    format and for several."""
    one = tmp_path / "a" / "b" / "rapport.json"
    several = tmp_path / "c" / "d"
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json", "-o", str(one)]) in (0, 1)
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json,csv", "-o", str(several)]) in (0, 1)
    capsys.readouterr()
    assert one.is_file()
    assert sorted(p.name for p in several.iterdir()) == ["rapport.csv", "rapport.json"]
