"""--jobs: worker processes give byte-identical reports; a dying worker is reported; progress."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pickle
import shutil
from pathlib import Path

import attrs
import pytest
from ci_test_plugins import DOOMED, DyingRule
from networks import AS_OF

from fsaudit.cli.main import progress_bar, show_progress
from fsaudit.inputs.reader import LoadedStructure, Reader, ReadResult
from fsaudit.model.rule import RuleContext
from fsaudit.plugin.hookspecs import hookimpl
from fsaudit.plugin.manager import load_plugins, select_referential
from fsaudit.run import parallel
from fsaudit.run.checks import Engine
from fsaudit.run.engine import audit
from fsaudit.run.parallel import chunked, location_table
from fsaudit.testing import make_structure

FORMATS = ("json", "junit", "sarif", "csv", "markdown", "text")


def outputs(folder: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir())}


def test_jobs_and_file_order_give_byte_identical_reports(network: Path, run) -> None:
    """--jobs 1 and --jobs 2, files named in any order or written to disk in another order: same bytes."""
    fmt = ",".join(FORMATS)
    run("audit", "decl", "--as-of", AS_OF, "-f", fmt, "-o", "one", "--jobs", "1")
    files = sorted(str(p) for p in Path("decl").rglob("*.json"))
    run("audit", *reversed(files), "--as-of", AS_OF, "-f", fmt, "-o", "two", "--jobs", "2")
    copy = Path("copy")
    for name in reversed(files):  # the same files, created on disk in the reverse order
        target = copy / "decl" / Path(name).relative_to("decl")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(name, target)
    os.chdir(copy)
    run("audit", "decl/sud", "decl", "--as-of", AS_OF, "-f", fmt, "-o", "../three", "--jobs", "2")
    os.chdir("..")
    assert outputs("one") == outputs("two") == outputs("three")
    assert len(outputs("one")) == len(FORMATS)


def test_dying_worker_is_reported_as_an_input_error(network: Path) -> None:
    """A file whose check kills its worker (twice) is an input error naming it; the others are audited."""
    paths = [str(p) for p in Path("decl").rglob("*.json")]
    report = audit(paths, as_of=dt.date.fromisoformat(AS_OF), jobs=2, extra_plugins=[("mourant", DyingRule())])
    assert [(e.path, e.location) for e in report.errors] == [("decl/b.json", "fichier")]
    assert report.errors[0].message.startswith("le processus qui auditait ce fichier s'est arrêté brutalement")
    assert sorted(s.id for s in report.structures) == sorted({"32-A", "32-C", "32-D", "32-E"})
    assert DOOMED not in {s.id for s in report.structures}
    assert report.workers.data["messages"][0].startswith("un processus de travail s'est arrêté brutalement")


def test_same_plugin_does_not_kill_the_serial_run(network: Path) -> None:
    """Without workers the same rule passes: the death above is the worker's, not the audit's."""
    report = audit(["decl/b.json"], as_of=dt.date.fromisoformat(AS_OF), extra_plugins=[("mourant", DyingRule())])
    assert report.errors == () and [s.id for s in report.structures] == [DOOMED]


def test_location_table_gives_the_readers_locations() -> None:
    """The picklable table built in the worker locates every field as the reader's function does."""

    def locate(parts: tuple) -> str | None:  # a workbook-like reader: one row per structure
        if parts[:2] != ("structures", 0) or len(parts) > 3:
            return None
        return "Structures!A2" if len(parts) == 2 else f"Horaires!{parts[2]}2"

    loaded = LoadedStructure(make_structure(), "classeur.xlsx", ("structures", 0), locate_fn=locate)
    portable = attrs.evolve(loaded, locate_fn=location_table(loaded))
    for field in (None, "opening_hours", "opening_hours.monday[0]", "conseillers[1].training_date", "comment"):
        assert portable.locate(field) == loaded.locate(field)


class _CountingLocator:
    """A reader's locate function shared by every structure of a file, counting its picklings."""

    pickled = 0

    def __call__(self, parts: tuple) -> str | None:
        return "Structures!A2" if len(parts) == 2 else None

    def __reduce__(self) -> tuple:
        type(self).pickled += 1
        return (_CountingLocator, ())


class _UnpicklableLocator:
    """A locate function that cannot travel: replaced by a table, tried once per file."""

    tried = 0

    def __call__(self, parts: tuple) -> str | None:
        return f"Structures!A{parts[1] + 2}" if len(parts) >= 2 else None

    def __reduce__(self) -> tuple:
        type(self).tried += 1
        raise TypeError("ne voyage pas")


class _SharedLocatorReader:
    """Reads ``*.cpt`` files as 40 structures located by one locator object."""

    def __init__(self, locator: object) -> None:
        self.locator = locator

    @hookimpl
    def fsaudit_readers(self) -> list[Reader]:
        def read(path: Path) -> ReadResult:
            structures = tuple(
                LoadedStructure(make_structure(id=f"S-{i}"), str(path), ("structures", i), locate_fn=self.locator)
                for i in range(40)
            )
            return ReadResult("compteur", structures)

        return [Reader("compteur", "test", (".cpt",), read)]


@pytest.mark.parametrize("locator_class", [_CountingLocator, _UnpicklableLocator])
def test_worker_pickles_a_shared_locator_once_per_chunk(
    locator_class: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A locate function shared by the structures of a file (a workbook's) is pickled once for
    the chunk, not once per structure (it holds the references of the whole workbook: pickling
    it per structure made --jobs ten times slower on workbooks); one that cannot be pickled is
    tried once and every structure gets a table giving the same locations."""
    locator = locator_class()
    plugins = load_plugins((), [("compteur", _SharedLocatorReader(locator))])
    context = RuleContext(select_referential(dt.date.fromisoformat(AS_OF)), dt.date.fromisoformat(AS_OF))
    monkeypatch.setitem(parallel._WORKER, "state", (plugins, Engine(plugins, context)))
    monkeypatch.setattr(locator_class, "pickled", 0, raising=False)
    monkeypatch.setattr(locator_class, "tried", 0, raising=False)
    (tmp_path / "a.cpt").write_text("x", encoding="utf-8")
    (tmp_path / "b.cpt").write_text("x", encoding="utf-8")
    (first, second) = pickle.loads(parallel._check_chunk([str(tmp_path / "a.cpt"), str(tmp_path / "b.cpt")]))
    assert len(first.read.structures) == len(second.read.structures) == 40
    if locator_class is _CountingLocator:
        assert locator_class.pickled == 1
    else:
        assert locator_class.tried == 2  # the chunk, then the one trial of the fallback
        for loaded in first.read.structures:
            assert isinstance(loaded.locate_fn, parallel.LocationTable)
            assert loaded.locate() == locator(loaded.parts)


def test_chunks_cover_every_file_in_order() -> None:
    """Chunks are consecutive, about four per worker, at most sixteen files."""
    paths = [f"f{i}.json" for i in range(100)]
    chunks = chunked(paths, 2)
    assert [p for c in chunks for p in c] == paths
    assert max(len(c) for c in chunks) == 13


def test_progress_callback_counts_every_file(network: Path) -> None:
    """The progress callback adds up to the number of files, with workers too."""
    seen: list[int] = []
    paths = [str(p) for p in Path("decl").rglob("*.json")]
    audit(paths, as_of=dt.date.fromisoformat(AS_OF), jobs=2, progress=seen.append)
    assert sum(seen) == len(paths)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "shown"),
    [(_Terminal(), {}, True), (_Terminal(), {"CI": "true"}, False), (io.StringIO(), {}, False)],
)
def test_progress_bar_only_on_an_interactive_terminal(stream: io.StringIO, environ: dict, shown: bool) -> None:
    """A progress bar on a terminal, never in CI nor when standard error is redirected."""
    assert show_progress(stream, environ) is shown


def test_progress_bar_shows_counts_on_a_terminal() -> None:
    """On a terminal, the bar counts files (shown once it lasts over a second)."""
    stream = _Terminal()
    bar = progress_bar(3, stream, {})
    with bar as tick:
        bar.bar.delay = 0  # show at once
        tick(2)
        bar.bar.refresh()
    assert "2/3" in stream.getvalue()


def test_progress_bar_counts_the_structures_of_one_large_input(tmp_path: Path) -> None:
    """With one input (the national list), the bar counts its structures as they are checked."""
    from fsaudit.run.checks import PROGRESS_EVERY

    path = tmp_path / "d.json"
    path.write_text(
        json.dumps({"structures": [{"id": f"S{i}", "name": f"S{i}"} for i in range(PROGRESS_EVERY + 30)]}),
        encoding="utf-8",
    )
    seen: list[tuple[int, int]] = []
    audit([str(path)], as_of=dt.date.fromisoformat(AS_OF), structure_progress=lambda d, t: seen.append((d, t)))
    assert seen == [(PROGRESS_EVERY, PROGRESS_EVERY + 30), (PROGRESS_EVERY + 30, PROGRESS_EVERY + 30)]
    stream = _Terminal()
    with progress_bar(1, stream, {}) as bar:
        bar.bar.delay = 0
        bar.structures(100, 130)
        bar.bar.refresh()
    assert "100/130" in stream.getvalue() and "structure" in stream.getvalue()
