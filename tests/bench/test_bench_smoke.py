"""The benchmark harness still runs: a tiny run prints every row against its target, then the misses.

It asserts no timing: benchmarks are read by people (bench/README.md), never gated in CI.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
ROW = re.compile(
    r"^(?P<name>\S+)\s+(?P<target>.+?)\s+(?P<measured>\d+\.\d\d(×| kB))\s+(?P<memory>\d+\.\d\d×|-)"
    r"\s+(?P<met>yes|NO)\s+\S"
)
SMOKE = ["frictionless", "report-size", "json-dir", "version", "jobs"]


def _bench_run() -> ModuleType:
    """bench/run.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("fsaudit_bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_bench_harness_prints_every_target_and_the_misses() -> None:
    """bench/run.py at 1/100 scale, one run: a row per scenario with its target, the misses named last."""
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--scale", "100", "--runs", "1", "--only", *SMOKE],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = done.stdout.splitlines()
    rows = {m["name"]: m for m in map(ROW.match, lines) if m}
    missed = [name for name in rows if rows[name]["met"] == "NO"]
    assert lines[0].startswith("machine: ")
    assert list(rows) == SMOKE
    assert [rows[name]["target"] for name in ("frictionless", "report-size", "jobs")] == [
        "≤ 1× frictionless validate",
        "≤ 2 kB per structure",
        "jobs 1 / jobs 2 ≥ 1.6×",
    ]
    assert "reports differ" not in rows["jobs"].string
    assert lines[-1] == f"targets missed: {len(missed)}" + (f" ({', '.join(missed)})" if missed else "")


def test_summary_names_missed_unmeasured_and_informative_apart() -> None:
    """The last line names the missed targets, then those not measured, then informative marks not reached."""
    run = _bench_run()
    rows = [
        run.Row("anct-x10", False, False),
        run.Row("version", True, False),
        run.Row("workbook-pandas", None, False),
        run.Row("jobs-files", False, True),
        run.Row("jobs", False, False),
    ]
    assert run.summary(rows) == (
        "targets missed: 2 (anct-x10, jobs); not measured: workbook-pandas; informative, below their mark: jobs-files"
    )


def test_summary_without_a_miss() -> None:
    """With every target met, the last line says 0 and names nothing."""
    run = _bench_run()
    assert run.summary([run.Row("version", True, False), run.Row("jobs-files", True, True)]) == "targets missed: 0"


def test_reports_that_differ_are_a_problem(tmp_path: Path) -> None:
    """--jobs reports that differ by one byte are reported with their sizes; identical ones are not."""
    run = _bench_run()
    (tmp_path / "r.json").write_bytes(b'{"a": 1}')
    (tmp_path / "r2.json").write_bytes(b'{"a": 2} ')
    (tmp_path / "r3.json").write_bytes(b'{"a": 1}')
    assert [run.same_bytes(tmp_path / "r.json", tmp_path / name) for name in ("r2.json", "r3.json")] == [
        "reports differ: r.json and r2.json (8 and 9 bytes)",
        None,
    ]


def test_replicated_list_keeps_identifiers_numeric_and_unique(tmp_path: Path) -> None:
    """Copies of a list with numeric ids get id + k × 10^d (and -k on groups); other ids get -k."""
    source = tmp_path / "liste.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id_fs", "groupe_fs"], ["1", "G"], ["7", ""]])
    other = tmp_path / "autre.csv"
    with other.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id_fs", "groupe_fs"], ["temp_1", ""]])
    written = []
    generate = [sys.executable, str(REPO / "bench" / "generate.py"), "--format", "anct-csv"]
    for name, count in (("liste.csv", 5), ("autre.csv", 2)):
        out = tmp_path / f"x-{name}"
        options = ["--structures", str(count), "--anct-source", str(tmp_path / name), "-o", str(out)]
        subprocess.run([*generate, *options], check=True, timeout=60)
        with out.open(encoding="utf-8", newline="") as handle:
            written.append(list(csv.reader(handle))[1:])
    assert written == [
        [["1", "G"], ["7", ""], ["11", "G-1"], ["17", ""], ["21", "G-2"]],
        [["temp_1", ""], ["temp_1-1", ""]],
    ]
