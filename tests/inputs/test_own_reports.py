"""Reports written by fsaudit are never read as declarations.

An auditor who writes the reports into the declarations' folder (``-o decl/rapports``) audits
them on the next run: before, the JSON report's structures came back as duplicates of the real
ones (FS-NET-01 *bloquant* on each), and the CSV report's 600 rows were read as 600 places of
the « médiation numérique » list. Each reporter now recognises its own reports
(``Reporter.recognise``), and such a file is named in a warning, not read.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_json import read_v1

from fsaudit.inputs.files import own_report, read_input
from fsaudit.plugin.manager import load_plugins
from fsaudit.report.reporter import Reporter

RECOGNISED = ("json", "csv", "xlsx", "sarif")
"""The report formats a reader of fsaudit would otherwise take for a declaration file."""

Run = Callable[..., tuple[int, str, str]]


def _verdicts(report: dict) -> list[tuple[str, str, str, tuple[tuple[str, str], ...]]]:
    return [
        (s["id"], s["path"], s["decision"], tuple((r["rule"], r["status"]) for r in s["results"]))
        for s in report["structures"]
    ]


@pytest.fixture
def reports(network: Path, run: Run) -> Path:
    """Every report format of the ``network`` fixture's audit, written inside ``decl/``."""
    code, _out, err = run(
        "audit", "decl", "-f", "json,csv,xlsx,sarif,text,markdown,junit,html", "-o", "decl/rapports",
        "--as-of", "2025-06-30",
    )  # fmt: skip
    assert code in (0, 1), err
    shutil.copy("decl/rapports/rapport.sarif", "decl/rapports/sarif.json")  # SARIF named .json
    return Path("decl/rapports")


def test_reports_in_the_folder_are_named_and_not_audited(reports: Path, run: Run) -> None:
    """The second audit of the folder gives the first one's verdicts, structure by structure,
    and one warning per report a reader could have taken for declarations."""
    first = read_v1(reports / "rapport.json")
    code, _out, _err = run("audit", "decl", "-f", "json", "-o", "second.json", "--as-of", "2025-06-30")
    second = read_v1("second.json")
    assert _verdicts(second) == _verdicts(first)
    net = [r["status"] for s in second["structures"] for r in s["results"] if r["rule"] == "FS-NET-01"]
    assert net and "fail" not in net
    named = {
        "decl/rapports/rapport.json": "json",
        "decl/rapports/rapport.csv": "csv",
        "decl/rapports/rapport.xlsx": "xlsx",
        "decl/rapports/sarif.json": "sarif",
    }
    problems = {p["path"]: p for p in second["errors"] if p["path"].startswith("decl/rapports/")}
    assert set(problems) == set(named)
    for path, name in named.items():
        assert problems[path]["level"] == "avertissement"
        assert problems[path]["message"].startswith(
            f"rapport d'audit écrit par fsaudit (format {name}), pas une déclaration : fichier non lu"
        )
    inputs = {i["path"]: i for i in second["inputs"]}
    assert {inputs[path]["format"] for path in named} == {f"rapport-{name}" for name in named.values()}
    assert all(
        (inputs[path]["structures"], inputs[path]["errors"], inputs[path]["warnings"]) == (0, 0, 1) for path in named
    )
    assert code == 1  # the network fixture's failures, as in the first audit, not an input error


def test_same_verdicts_with_two_jobs(reports: Path, run: Run) -> None:
    """Workers recognise the reports as the parent does."""
    run("audit", "decl", "-f", "json", "-o", "one.json", "--as-of", "2025-06-30")
    run("audit", "decl", "-f", "json", "-o", "two.json", "--as-of", "2025-06-30", "--jobs", "2")
    assert Path("one.json").read_bytes() == Path("two.json").read_bytes()


def _reporters() -> dict[str, Reporter]:
    return {r.name: r for r in load_plugins().reporters}


def test_reports_saved_again_are_recognised(reports: Path, tmp_path: Path) -> None:
    """A report opened and saved again keeps being recognised: the JSON report with its keys
    sorted, the CSV report saved by a spreadsheet (Windows-1252, « , », quoted), the Excel
    report saved by openpyxl."""
    import openpyxl

    reporters = list(_reporters().values())
    sorted_json = tmp_path / "trie.json"
    sorted_json.write_text(json.dumps(json.loads((reports / "rapport.json").read_bytes()), sort_keys=True), "utf-8")
    rows = list(csv.reader(io.StringIO((reports / "rapport.csv").read_text("utf-8-sig")), delimiter=";"))
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(rows)
    resaved_csv = tmp_path / "excel.csv"
    resaved_csv.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))
    resaved_xlsx = tmp_path / "resave.xlsx"
    openpyxl.load_workbook(reports / "rapport.xlsx").save(resaved_xlsx)
    for path, name in ((sorted_json, "json"), (resaved_csv, "csv"), (resaved_xlsx, "xlsx")):
        found = own_report(path.read_bytes(), reporters)
        assert found is not None and found.name == name, path


def test_declarations_are_not_taken_for_reports(samples: Path) -> None:
    """No bundled declaration, workbook or national list is recognised as a report."""
    reporters = list(_reporters().values())
    files = [p for p in samples.rglob("*") if p.suffix in {".json", ".csv", ".xlsx", ".ods"}]
    assert len(files) >= 8
    for path in files:
        assert own_report(path.read_bytes(), reporters) is None, path


@given(st.binary(max_size=2048))
def test_recognisers_never_raise(data: bytes) -> None:
    """Every built-in recogniser answers on any bytes, ZIP-like and JSON-like heads included."""
    for reporter in _REPORTERS:
        for candidate in (data, b"PK\x03\x04" + data, b'{"fsaudit_version": "1", "runs": ["fsaudit"' + data):
            assert reporter.recognise(candidate) in (True, False)


_REPORTERS = [r for r in load_plugins().reporters if r.recognise is not None]


def test_every_format_a_reader_takes_has_a_recogniser() -> None:
    """The report formats whose files a built-in reader would read all recognise their reports."""
    assert {r.name for r in _REPORTERS} >= set(RECOGNISED)


def test_a_failing_recogniser_does_not_stop_the_reading(tmp_path: Path, samples: Path) -> None:
    """A third-party recogniser that raises counts as « not mine »: the file is read as before."""

    def broken(data: bytes) -> bool:
        raise RuntimeError("bogue")

    path = tmp_path / "decl.json"
    shutil.copy(samples / "exemple-candidature.json", path)
    plugins = load_plugins()
    odd = Reporter("bizarre", "format de test", ".json", render=lambda report, options: b"", recognise=broken)
    info, result = read_input(str(path), plugins.readers, [odd, *plugins.reporters])
    assert info.format == "json" and result.structures
