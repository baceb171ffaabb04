"""Load and worker deaths: a large batch with workers in bounded memory; a worker that dies never
makes an input disappear.

The default run audits 5,000 generated structures (12 to 20 s on 2 cores); set
``FSAUDIT_LOAD_STRUCTURES=30000`` for the national-scale run (about 2 minutes, 1.7 GB peak in
the main process), documented in docs/security.md for nightly runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fsaudit.cli.exitcodes import ExitCode
from fsaudit.cli.main import exit_code_for
from fsaudit.inputs.converter import unstructure
from fsaudit.run.engine import audit
from fsaudit.testing import make_structure

from .worker_plugins import KillWorker

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2025, 6, 30)
LOAD_STRUCTURES = int(os.environ.get("FSAUDIT_LOAD_STRUCTURES", "5000"))
MIB = 2**20


def peak_tree_rss(command: list[str], cwd: Path, timeout: float) -> tuple[int, int]:
    """Run ``command``; its exit status and the peak of the summed RSS of its process tree
    (sampled from /proc between waits of at most 50 ms for the command to end)."""

    def tree(pid: int) -> list[int]:
        found = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                    for child in handle.read().split():
                        found += tree(int(child))
        except OSError:
            pass
        return found

    def rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as handle:
                return next((int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS:")), 0)
        except OSError:
            return 0

    peak = 0
    deadline = time.monotonic() + timeout
    with subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        while True:
            peak = max(peak, sum(rss(pid) for pid in tree(process.pid)))
            try:
                return process.wait(timeout=0.05), peak
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    process.kill()
                    raise AssertionError(f"no result after {timeout} s") from None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads process memory from /proc")
def test_large_batch_with_workers_in_bounded_memory(tmp_path: Path) -> None:
    """A generated batch (one JSON file per structure) audited with --jobs 2: every structure is
    in the report, no input error, and the whole process tree stays under 256 MiB + 96 KiB per
    structure (a safety limit: about 0.7 GiB for 5,000)."""
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate.py"),
            "--structures",
            str(LOAD_STRUCTURES),
            "--format",
            "json-dir",
            "-o",
            str(tmp_path / "decl"),
        ],
        check=True,
        capture_output=True,
    )
    command = [
        sys.executable,
        "-m",
        "fsaudit",
        "audit",
        "decl",
        "--jobs",
        "2",
        "--as-of",
        AS_OF.isoformat(),
        "-f",
        "json",
        "-o",
        "rapport.json",
    ]
    code, peak = peak_tree_rss(command, tmp_path, timeout=60 + LOAD_STRUCTURES * 0.02)
    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert code == ExitCode.FAILURES  # generated structures include failing ones, none unreadable
    assert report["errors"] == []
    assert len(report["structures"]) == len(report["inputs"]) == LOAD_STRUCTURES
    assert peak < 256 * MIB + LOAD_STRUCTURES * 96 * 1024, f"{peak / MIB:.0f} MiB"


def declarations(folder: Path, count: int) -> list[str]:
    """``count`` one-structure declarations ``01.json``… with ids ``S01``…"""
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(1, count + 1):
        path = folder / f"{n:02d}.json"
        structure = make_structure(id=f"S{n:02d}", name=f"France services {n:02d}")
        path.write_text(json.dumps(unstructure(structure), ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_worker_dying_once_is_retried_and_nothing_is_lost(tmp_path: Path) -> None:
    """A worker killed once (a transient crash) while checking S05: its files are checked again in
    a fresh worker, every structure is audited, and the restart is reported."""
    paths = declarations(tmp_path / "decl", 12)
    marker = tmp_path / "mort"
    report = audit(paths, as_of=AS_OF, jobs=2, extra_plugins=[("tueur", KillWorker("S05", once=str(marker)))])
    assert marker.exists()
    assert report.errors == ()
    assert [s.id for s in report.structures] == [f"S{n:02d}" for n in range(1, 13)]
    assert str(tmp_path / "decl" / "05.json") in report.workers.data["restarted"]
    assert report.workers.data["messages"][0].startswith(
        "un processus de travail s'est arrêté brutalement ; fichiers repris un par un dans un processus neuf : "
    )
    assert exit_code_for(report) == ExitCode.OK


def test_worker_dying_every_time_loses_no_other_input(tmp_path: Path) -> None:
    """A file that kills every worker is an input error (exit code 3); every other file, including
    those that shared its chunk, is audited: each input is in the report exactly once."""
    paths = declarations(tmp_path / "decl", 20)
    report = audit(paths, as_of=AS_OF, jobs=2, extra_plugins=[("tueur", KillWorker("S11"))])
    victim = str(tmp_path / "decl" / "11.json")
    assert [(e.path, e.location) for e in report.errors] == [(victim, "fichier")]
    assert report.errors[0].message == (
        "le processus qui auditait ce fichier s'est arrêté brutalement, deux fois (plantage d'un lecteur ou "
        "d'une règle, mémoire épuisée) : fichier non audité"
    )
    assert sorted(i.path for i in report.inputs) == sorted(paths)
    assert [s.id for s in report.structures] == [f"S{n:02d}" for n in range(1, 21) if n != 11]
    assert exit_code_for(report) == ExitCode.INPUT_ERROR
