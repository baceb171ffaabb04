"""The benchmark harness still runs: a tiny run of two scenarios prints every ratio.

It asserts no timing: benchmarks are read by people (bench/README.md), never gated in CI.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^(?P<name>\S+)\s+.+?\s+(?P<ratio>\d+\.\d\d)\s+(?P<memory>\d+\.\d\d)\s+(yes|NO)\s+\S")


def test_bench_harness_prints_every_ratio() -> None:
    """bench/run.py at 1/100 scale, one run, completes and prints a ratio row per scenario."""
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--scale",
            "100",
            "--runs",
            "1",
            "--only",
            "json-dir",
            "version",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = done.stdout.splitlines()
    rows = {m["name"]: m for m in map(ROW.match, lines) if m}
    assert lines[0].startswith("machine: ")
    assert sorted(rows) == ["json-dir", "version"]
    assert lines[-1].startswith("targets missed: ")
