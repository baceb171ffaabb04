"""The streamed JSON report of version 1 is exactly the report_to_dict contract encoded in one piece."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import orjson
import pytest

from fsaudit.report.json_contract import report_to_dict
from fsaudit.run.engine import audit
from fsaudit_formats.json_report import render_json

REPO = Path(__file__).resolve().parents[2]


def _one_piece(report) -> bytes:
    return orjson.dumps(report_to_dict(report), option=orjson.OPT_INDENT_2) + b"\n"


@pytest.mark.parametrize(
    ("paths", "as_of"),
    [
        (["samples/exemple-candidature.json"], "2022-05-12"),
        (["samples/gers/declarations"], "2023-10-05"),
        (
            ["samples/workbook/declaration-exemple.xlsx", "samples/occitanie-2022/declarations/tarn-81.json"],
            "2025-06-30",
        ),
    ],
)
def test_streamed_report_equals_one_piece_encoding(paths: list[str], as_of: str) -> None:
    """Version 1: structures encoded one by one give the same bytes as the whole contract encoded at once."""
    files = []
    for p in paths:
        path = REPO / p
        files += sorted(str(f) for f in path.rglob("*.json")) if path.is_dir() else [str(path)]
    report = audit(files, as_of=_dt.date.fromisoformat(as_of))
    assert report.structures
    assert render_json(report, {"report_version": "1"}) == _one_piece(report)


def test_report_without_structures(tmp_path: Path) -> None:
    """Version 1: a run where nothing could be read still gives a valid report with an empty list."""
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    report = audit([str(bad)], as_of=_dt.date(2025, 6, 30))
    data = render_json(report, {"report_version": "1"})
    assert data == _one_piece(report)
    assert orjson.loads(data)["structures"] == []
