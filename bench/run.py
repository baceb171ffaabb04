"""Benchmarks: fsaudit against a baseline measured in the same run, as median ratios.

    python bench/run.py                 # every scenario, 5 runs each after a warm-up
    python bench/run.py --runs 3 --only json-dir version
    python bench/run.py --scale 100 --runs 1   # quick smoke run (tests/bench)

Each scenario times whole processes (start-up included) of fsaudit and of its baseline,
alternating them, and prints the median of the per-pair ratios: shared, noisy machines make
absolute seconds meaningless but ratios measured side by side stable. Peak memory (max RSS) is
read from the operating system for each child process. One scenario (``report-size``) is a size,
not a time: bytes per structure of a JSON report, in the same table. Every row says whether its
target is met; the last line names the targets missed. Inputs are generated once per run by
``bench/generate.py`` into a temporary folder (deterministic seed) and shared by the scenarios
that use the same input.

Child processes run without ``PYTHONDONTWRITEBYTECODE``, so that the warm-up leaves compiled
byte-code behind as any installed package has: otherwise every run would compile fsaudit's
modules again and start-up would be measured on a setup no user has.

Targets (issues "Performance" and 18): see bench/README.md, which records the figures this script
printed and explains every target missed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
FSAUDIT = [PY, "-m", "fsaudit"]
AS_OF = "2025-06-30"
ANCT_LIST = REPO / "samples" / "anct" / "liste-fs-20240801.csv"
"""The real national list (2,845 records): the ANCT scenarios repeat it ten times."""
ANCT_RECORDS = 2845
ANCT_SCHEMA = REPO / "samples" / "anct" / "liste-fs-2024.tableschema.json"
"""The list's Table Schema, for the ``frictionless validate`` baseline."""
KB = 1000
"""Report sizes are in kB of 1,000 bytes (the stricter reading of « 2 KB per structure »)."""


def child_environment() -> dict[str, str]:
    """The environment of measured processes: byte-code cached, no colour, not in CI mode."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FSAUDIT_DEBUG")}
    env["CI"] = "1"  # no progress bar
    return env


@attrs.frozen
class Measure:
    seconds: float
    max_rss_kib: int


def run_once(cmd: list[str], cwd: Path) -> Measure:
    """Run ``cmd`` in a fresh process; wall time and its peak memory."""
    # A fresh wrapper process per run, so that RUSAGE_CHILDREN holds exactly this child.
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "elapsed = time.perf_counter() - t\n"
        "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
    )
    done = subprocess.run(
        [PY, "-c", wrapper, *cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=child_environment(),
    )
    seconds, rss, code = done.stdout.split()
    if int(code) not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {done.stderr}")
    return Measure(float(seconds), int(rss))


@attrs.frozen
class Scenario:
    """A timed comparison: the median of ``subject`` time / ``baseline`` time, and of their peak memory."""

    name: str
    description: str
    target: str
    inputs: tuple[tuple[int, str], ...]
    """``(structures, format)`` of each input the scenario reads (generated once per run)."""
    subject: Callable[[Callable[[int, str], Path], Path], list[str]]
    baseline: Callable[[Callable[[int, str], Path], Path], list[str]]
    check: Callable[[float, float], bool]
    """Given the median ratio (subject / baseline) and the memory ratio, is the target met?"""
    same_reports: tuple[str, str] | None = None
    """Reports (in the scenario's folder) that must be byte-identical after the runs, or the
    target is missed whatever the time (``--jobs 1`` and ``--jobs 2``)."""
    informative: bool = False
    """Not a target of the issue: printed with its mark, never counted among the missed targets."""
    requires: tuple[str, ...] = ()
    """Modules the commands import: without one a scenario is not measured (a child that fails
    to import exits 1, which a run would otherwise take for an audit with findings)."""


@attrs.frozen
class SizeScenario:
    """A size, not a time: bytes per structure of the report ``command`` writes to ``report``."""

    name: str
    description: str
    target: str
    input: tuple[int, str]
    command: Callable[[Callable[[int, str], Path], Path], list[str]]
    report: str
    limit: int
    """Bytes per structure at most."""
    informative: bool = False
    requires: tuple[str, ...] = ()


@attrs.frozen
class Row:
    """What one scenario printed: its name, whether its target is met, and whether it counts."""

    name: str
    met: bool | None
    """``None``: not measured (an input or a module missing)."""
    informative: bool


class Inputs:
    """Generated inputs, by ``(structures, format)``, each made once in ``folder``.

    ``anct-list`` is the real national list itself for its 2,845 records (``ANCT_RECORDS``) and
    its first records otherwise (``--scale``); ``anct-x10`` repeats it (``generate.py``).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[tuple[int, str], Path] = {}

    def path(self, structures: int, fmt: str) -> Path:
        return (
            self.folder
            / {
                "json-dir": f"decl-{structures}",
                "anct-x10": f"anct-{structures}.csv",
                "anct-list": f"anct-{structures}.csv",
                "xlsx": f"decl-{structures}.xlsx",
                "ods": f"decl-{structures}.ods",
                "xlsx-dir": f"workbooks-{structures}",
            }[fmt]
        )

    def make(self, structures: int, fmt: str) -> Path:
        if fmt == "anct-list" and structures == ANCT_RECORDS:
            return ANCT_LIST
        key = (structures, fmt)
        if key not in self.made:
            out = self.path(structures, fmt)
            command = [PY, str(HERE / "generate.py"), "--structures", str(structures), "-o", str(out)]
            if fmt in ("anct-x10", "anct-list"):
                command += ["--format", "anct-csv", "--anct-source", str(ANCT_LIST)]
            else:
                command += ["--format", fmt]
            subprocess.run(command, check=True, env=child_environment())
            self.made[key] = out
        return self.made[key]


BASE_CSV = (
    "import csv, json, sys\n"
    "with open(sys.argv[1], encoding='utf-8', newline='') as f:\n"
    "    rows = list(csv.DictReader(f))\n"
    "with open(sys.argv[2], 'w', encoding='utf-8') as f:\n"
    "    json.dump(rows, f, ensure_ascii=False)\n"
)
BASE_JSON_DIR = (
    "import json, os, sys\n"
    "d = sys.argv[1]\n"
    "data = []\n"
    "for name in sorted(os.listdir(d)):\n"
    "    with open(os.path.join(d, name), encoding='utf-8') as f:\n"
    "        data.append(json.load(f))\n"
)
BASE_CALAMINE = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "wb = CalamineWorkbook.from_path(sys.argv[1])\n"
    "n = 0\n"
    "for name in wb.sheet_names:\n"
    "    for row in wb.get_sheet_by_name(name).to_python():\n"
    "        n += len(row)\n"
)
BASE_PANDAS = "import sys, pandas\npandas.read_excel(sys.argv[1], sheet_name=None)\n"


def _audit(path: Path, work: Path, *extra: str, report: str = "r.json") -> list[str]:
    return [*FSAUDIT, "audit", str(path), "--as-of", AS_OF, "-f", "json", "-o", str(work / report), *extra]


def _frictionless(path: Path) -> list[str]:
    """``frictionless validate --schema`` with the list's Table Schema (``--trusted``: the paths are absolute)."""
    return [PY, "-m", "frictionless", "validate", "--trusted", "--schema", str(ANCT_SCHEMA), str(path)]


def scenarios(scale: int) -> list[Scenario | SizeScenario]:
    """The scenarios of the issue; ``scale`` divides sizes for a quick smoke run."""
    n3 = max(1, 3000 // scale)
    n30 = max(1, 30000 // scale)
    anct1 = max(1, ANCT_RECORDS // scale)
    anct10 = max(1, 10 * ANCT_RECORDS // scale)
    return [
        Scenario(
            "anct-x10",
            f"ANCT list ×10 ({anct10} records) vs csv.DictReader → JSON",
            "≤ 5× the csv→json script",
            ((anct10, "anct-x10"),),
            lambda get, w: _audit(get(anct10, "anct-x10"), w),
            lambda get, w: [PY, "-c", BASE_CSV, str(get(anct10, "anct-x10")), str(w / "b.json")],
            lambda ratio, mem: ratio <= 5,
        ),
        Scenario(
            "frictionless",
            f"ANCT list ×10 ({anct10} records) vs frictionless validate with the list's Table Schema",
            "≤ 1× frictionless validate",
            ((anct10, "anct-x10"),),
            lambda get, w: _audit(get(anct10, "anct-x10"), w),
            lambda get, w: _frictionless(get(anct10, "anct-x10")),
            lambda ratio, mem: ratio <= 1,
            requires=("frictionless",),
        ),
        SizeScenario(
            "report-size",
            f"bytes per structure of the JSON report of the national list ({anct1} records)",
            f"≤ {2 * KB // 1000} kB per structure",
            (anct1, "anct-list"),
            lambda get, w: _audit(get(anct1, "anct-list"), w),
            "r.json",
            2 * KB,
        ),
        Scenario(
            "json-dir",
            f"{n3} JSON declaration files vs json.load of each",
            "≤ 3× a json.load loop",
            ((n3, "json-dir"),),
            lambda get, w: _audit(get(n3, "json-dir"), w),
            lambda get, w: [PY, "-c", BASE_JSON_DIR, str(get(n3, "json-dir"))],
            lambda ratio, mem: ratio <= 3,
        ),
        Scenario(
            "workbook",
            f"{n3}-structure workbook vs a bare python-calamine pass over every cell",
            "≤ 2× bare calamine",
            ((n3, "xlsx"),),
            lambda get, w: _audit(get(n3, "xlsx"), w),
            lambda get, w: [PY, "-c", BASE_CALAMINE, str(get(n3, "xlsx"))],
            lambda ratio, mem: ratio <= 2,
            requires=("python_calamine",),
        ),
        Scenario(
            "workbook-pandas",
            f"pandas.read_excel(sheet_name=None) alone vs fsaudit on the {n3}-structure workbook",
            "pandas / fsaudit ≥ 5×",
            ((n3, "xlsx"),),
            lambda get, w: [PY, "-c", BASE_PANDAS, str(get(n3, "xlsx"))],
            lambda get, w: _audit(get(n3, "xlsx"), w),
            lambda ratio, mem: ratio >= 5,
            requires=("pandas", "openpyxl"),
        ),
        Scenario(
            "growth",
            f"{n30} vs {n3} JSON structures (one file each)",
            "time ≤ 11× for 10× the files",
            ((n30, "json-dir"), (n3, "json-dir")),
            lambda get, w: _audit(get(n30, "json-dir"), w),
            lambda get, w: _audit(get(n3, "json-dir"), w),
            lambda ratio, mem: ratio <= 11,
        ),
        Scenario(
            "growth-memory",
            f"peak memory of fsaudit on {n30} JSON structures vs the bare json.load of the same files",
            "memory ≤ 2× a json.load loop",
            ((n30, "json-dir"),),
            lambda get, w: _audit(get(n30, "json-dir"), w),
            lambda get, w: [PY, "-c", BASE_JSON_DIR, str(get(n30, "json-dir"))],
            lambda ratio, mem: mem <= 2,
        ),
        Scenario(
            "version",
            "fsaudit --version vs python -c pass",
            "≤ 2.5× python -c pass",
            (),
            lambda get, w: [*FSAUDIT, "--version"],
            lambda get, w: [PY, "-c", "pass"],
            lambda ratio, mem: ratio <= 2.5,
        ),
        Scenario(
            "help",
            "fsaudit --help vs python -c pass",
            "≤ 2.5× python -c pass",
            (),
            lambda get, w: [*FSAUDIT, "--help"],
            lambda get, w: [PY, "-c", "pass"],
            lambda ratio, mem: ratio <= 2.5,
        ),
        Scenario(
            "jobs",
            f"--jobs 1 vs --jobs 2 on the ANCT list ×10 ({anct10} records; speed-up, same report)",
            "jobs 1 / jobs 2 ≥ 1.6×",
            ((anct10, "anct-x10"),),
            lambda get, w: _audit(get(anct10, "anct-x10"), w, "--jobs", "1"),
            lambda get, w: _audit(get(anct10, "anct-x10"), w, "--jobs", "2", report="r2.json"),
            lambda ratio, mem: ratio >= 1.6,
            same_reports=("r.json", "r2.json"),
        ),
        Scenario(
            "jobs-files",
            f"--jobs 1 vs --jobs 2 on {n3} JSON files (speed-up, same report; informative)",
            "jobs 1 / jobs 2 ≥ 1.6× (info)",
            ((n3, "json-dir"),),
            lambda get, w: _audit(get(n3, "json-dir"), w, "--jobs", "1"),
            lambda get, w: _audit(get(n3, "json-dir"), w, "--jobs", "2", report="r2.json"),
            lambda ratio, mem: ratio >= 1.6,
            same_reports=("r.json", "r2.json"),
            informative=True,
        ),
        Scenario(
            "jobs-workbooks",
            f"--jobs 1 vs --jobs 2 on {n3} structures in 6 workbooks (speed-up, same report; informative)",
            "jobs 1 / jobs 2 ≥ 1.6× (info)",
            ((n3, "xlsx-dir"),),
            lambda get, w: _audit(get(n3, "xlsx-dir"), w, "--jobs", "1"),
            lambda get, w: _audit(get(n3, "xlsx-dir"), w, "--jobs", "2", report="r2.json"),
            lambda ratio, mem: ratio >= 1.6,
            same_reports=("r.json", "r2.json"),
            informative=True,
        ),
    ]


def count_records(path: Path) -> int:
    """Records of a CSV list (a quoted field may span lines)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def same_bytes(first: Path, second: Path) -> str | None:
    """``None`` when both files hold the same bytes, else what differs (for the runs column)."""
    if not first.is_file() or not second.is_file():
        missing = [p.name for p in (first, second) if not p.is_file()]
        return f"report not written: {', '.join(missing)}"
    if first.read_bytes() != second.read_bytes():
        return (
            f"reports differ: {first.name} and {second.name} ({first.stat().st_size} and {second.stat().st_size} bytes)"
        )
    return None


def missing_modules(names: tuple[str, ...]) -> list[str]:
    """The modules of ``names`` that this interpreter (the children's) cannot import."""
    return [name for name in names if importlib.util.find_spec(name) is None]


HEADER = f"{'scenario':<16} {'target':<32} {'measured':>10} {'memory':>7}  met  runs (s, subject/baseline)"


def row_line(name: str, target: str, measured: str, memory: str, met: bool, details: str) -> str:
    """One row of the table (the format tests/bench reads)."""
    return f"{name:<16} {target:<32} {measured:>10} {memory:>7}  {'yes' if met else 'NO '}  {details}"


def measure_time(scenario: Scenario, inputs: Inputs, work: Path, runs: int) -> tuple[str, bool]:
    """Time ``scenario``: its table row and whether its target is met."""
    subject_cmd = scenario.subject(inputs.make, work)
    baseline_cmd = scenario.baseline(inputs.make, work)
    run_once(subject_cmd, work)  # warm-up (file cache, byte-code)
    run_once(baseline_cmd, work)
    ratios, memories, pairs = [], [], []
    for _ in range(runs):
        subject = run_once(subject_cmd, work)
        baseline = run_once(baseline_cmd, work)
        ratios.append(subject.seconds / baseline.seconds)
        memories.append(subject.max_rss_kib / baseline.max_rss_kib)
        pairs.append(f"{subject.seconds:.2f}/{baseline.seconds:.2f}")
    ratio = statistics.median(ratios)
    memory = statistics.median(memories)
    met = scenario.check(ratio, memory)
    details = " ".join(pairs)
    if scenario.same_reports is not None:
        problem = same_bytes(*(work / name for name in scenario.same_reports))
        if problem is not None:
            met = False
            details = f"{problem}; {details}"
    return row_line(scenario.name, scenario.target, f"{ratio:.2f}×", f"{memory:.2f}×", met, details), met


def measure_size(scenario: SizeScenario, inputs: Inputs, work: Path) -> tuple[str, bool]:
    """Write the report once (a size does not vary between runs): its table row and the verdict."""
    source = inputs.make(*scenario.input)
    run_once(scenario.command(inputs.make, work), work)
    size = (work / scenario.report).stat().st_size
    structures = count_records(source)
    per_structure = size / structures
    met = per_structure <= scenario.limit
    details = f"{structures} structures, {size} bytes"
    return row_line(scenario.name, scenario.target, f"{per_structure / KB:.2f} kB", "-", met, details), met


def summary(rows: list[Row]) -> str:
    """The final line: the missed targets by name (informative marks and unmeasured ones apart)."""
    missed = [r.name for r in rows if r.met is False and not r.informative]
    text = f"targets missed: {len(missed)}" + (f" ({', '.join(missed)})" if missed else "")
    unmeasured = [r.name for r in rows if r.met is None]
    if unmeasured:
        text += f"; not measured: {', '.join(unmeasured)}"
    below = [r.name for r in rows if r.met is False and r.informative]
    if below:
        text += f"; informative, below their mark: {', '.join(below)}"
    return text


def describe_machine() -> str:
    """One line: processor, cores, memory, Python, system, and the load when the run started."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = ""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages * size / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average at start {os.getloadavg()[0]:.2f}"
    return (
        f"machine: {cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}{load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="measured runs per scenario (after one warm-up)")
    parser.add_argument("--scale", type=int, default=1, help="divide input sizes (quick smoke run)")
    parser.add_argument("--only", nargs="*", help="scenario names to run")
    args = parser.parse_args(argv)
    chosen = [s for s in scenarios(args.scale) if not args.only or s.name in args.only]
    unknown = sorted(set(args.only or ()) - {s.name for s in scenarios(args.scale)})
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    print(describe_machine())
    print(HEADER)
    sys.stdout.flush()
    rows: list[Row] = []
    folder = Path(tempfile.mkdtemp(prefix="fsaudit-bench-"))
    inputs = Inputs(folder / "inputs")
    inputs.folder.mkdir()
    try:
        for scenario in chosen:
            work = folder / scenario.name
            work.mkdir()
            absent = missing_modules(scenario.requires)
            if absent:
                print(f"{scenario.name:<16} not measured: {', '.join(absent)} not installed (bench/requirements.txt)")
                rows.append(Row(scenario.name, None, scenario.informative))
                continue
            try:
                needed = scenario.inputs if isinstance(scenario, Scenario) else (scenario.input,)
                for structures, fmt in needed:
                    inputs.make(structures, fmt)
            except (subprocess.CalledProcessError, ImportError) as exc:
                print(f"{scenario.name:<16} not measured: input could not be generated ({exc})")
                rows.append(Row(scenario.name, None, scenario.informative))
                continue
            if isinstance(scenario, Scenario):
                line, met = measure_time(scenario, inputs, work, args.runs)
            else:
                line, met = measure_size(scenario, inputs, work)
            print(line)
            sys.stdout.flush()
            rows.append(Row(scenario.name, met, scenario.informative))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
