"""Nothing is lost: inputs are never modified, a report is replaced atomically or not at all, and
a report never overwrites an input."""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fsaudit.cli.main import main
from fsaudit.report import output as _io
from fsaudit.report.output import OutputError, write_atomic

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
AS_OF = "2025-06-30"
SMALL_SAMPLES = [
    SAMPLES / "exemple-candidature.json",
    SAMPLES / "gers" / "declarations",
    SAMPLES / "occitanie-2022" / "declarations",
    SAMPLES / "workbook" / "declaration-exemple.json",
    SAMPLES / "workbook" / "declaration-exemple.ods",
    SAMPLES / "workbook" / "declaration-exemple.xlsx",
]
ALL_FORMATS = "json,text,csv,junit,markdown,sarif,xlsx"


def fingerprints(root: Path) -> dict[str, tuple[str, int]]:
    """SHA-256 and modification time (ns) of every file under ``root``."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def run(*args: str) -> int:
    """``fsaudit ARGS`` in this process, its output swallowed."""
    return main([str(a) for a in args])


def test_audits_never_modify_the_bundled_samples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Audits of every bundled sample (JSON, workbooks, ANCT list) in every report format, with
    workers, a date comparison and pseudonyms, leave every sample file byte for byte (and mtime)."""
    before = fingerprints(SAMPLES)
    assert (
        run(
            "audit",
            *SMALL_SAMPLES,
            "--as-of",
            AS_OF,
            "-f",
            ALL_FORMATS,
            "-o",
            tmp_path / "tous",
            "--jobs",
            "2",
            "--pseudonymize",
        )
        == 1
    )
    assert (
        run(
            "audit",
            *SMALL_SAMPLES,
            "--as-of",
            AS_OF,
            "--compare-as-of",
            "2022-05-01",
            "-f",
            "json",
            "-o",
            tmp_path / "dates.json",
        )
        == 1
    )
    assert (
        run(
            "audit",
            SAMPLES / "anct" / "liste-fs-20240801.csv",
            "--as-of",
            AS_OF,
            "-f",
            "json",
            "-o",
            tmp_path / "anct.json",
        )
        == 1
    )
    capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "tous").iterdir()) == [
        "rapport.csv",
        "rapport.json",
        "rapport.md",
        "rapport.sarif",
        "rapport.txt",
        "rapport.xlsx",
        "rapport.xml",
    ]
    assert fingerprints(SAMPLES) == before


def test_audits_never_modify_damaged_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Inputs that fail to read (truncated workbook, bad CSV, broken JSON) are left as they were."""
    folder = tmp_path / "entrees"
    folder.mkdir()
    raw = (SAMPLES / "workbook" / "declaration-exemple.xlsx").read_bytes()
    (folder / "tronque.xlsx").write_bytes(raw[: len(raw) // 2])
    (folder / "liste.csv").write_bytes((SAMPLES / "anct" / "liste-fs-20240801.csv").read_bytes()[:3000] + b'"\xff')
    (folder / "casse.json").write_bytes(b'{"structures": [')
    before = fingerprints(folder)
    assert run("audit", folder, "--as-of", AS_OF, "-f", "json,xlsx", "-o", tmp_path / "sortie") == 3
    capsys.readouterr()
    assert fingerprints(folder) == before


# --- atomic reports ---------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    """Every file in ``folder``."""
    return sorted(p.name for p in folder.iterdir())


def test_failed_write_keeps_the_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk error while writing leaves the old report whole and no temporary file; French error."""
    target = tmp_path / "rapport.json"
    target.write_bytes(b"ancien rapport")

    def disk_full(fd: int) -> None:
        raise OSError(28, "plus de place sur le disque")

    monkeypatch.setattr(_io.os, "fsync", disk_full)
    with pytest.raises(OutputError) as raised:
        write_atomic(target, b"nouveau rapport" * 1000)
    assert str(raised.value) == f"{target} : écriture impossible (plus de place sur le disque)"
    assert target.read_bytes() == b"ancien rapport"
    assert leftovers(tmp_path) == ["rapport.json"]


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symbolic links")
def test_a_report_under_a_broken_link_is_refused_in_french(tmp_path: Path) -> None:
    """A folder of the report's path that is a broken symbolic link: the system's EEXIST is said
    in French, and nothing is created at the link's target."""
    (tmp_path / "lien").symlink_to(tmp_path / "absent")
    target = tmp_path / "lien" / "rapport.json"
    with pytest.raises(OutputError) as raised:
        write_atomic(target, b"rapport")
    assert str(raised.value) == (
        f"{target} : écriture impossible (un élément du chemin existe mais n'est pas un dossier : "
        "un lien symbolique cassé ?)"
    )
    assert leftovers(tmp_path) == ["lien"]


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symbolic links")
def test_unwritable_report_paths_are_refused_before_the_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report path through a file or a broken link, or a folder without the right to write, is
    a usage error before anything is audited (it used to be found only when the report was
    written, after an audit that may take minutes)."""
    from fsaudit.run import engine

    monkeypatch.chdir(tmp_path)
    Path("fichier").write_text("x", encoding="utf-8")
    Path("lien").symlink_to(tmp_path / "absent")
    audited: list[object] = []
    monkeypatch.setattr(engine, "_audit", lambda *a, **k: audited.append(a) or pytest.fail("audit run"))
    sample = str(SAMPLES / "exemple-candidature.json")
    for output, reason in (
        ("fichier/r.json", "fichier est un fichier, pas un dossier"),
        ("fichier/sous/r.json", "fichier est un fichier, pas un dossier"),
        ("lien/r.json", "lien est un lien symbolique cassé, pas un dossier"),
    ):
        assert main(["audit", sample, "-f", "json", "-o", output]) == 2
        assert f"{output} : écriture impossible ({reason})" in capsys.readouterr().err
    if os.geteuid() != 0:  # root writes anywhere
        Path("protege").mkdir(mode=0o555)
        assert main(["audit", sample, "-f", "json", "-o", "protege/r.json"]) == 2
        assert "écriture impossible (dossier protege protégé en écriture)" in capsys.readouterr().err
    assert audited == []
    assert sorted(p.name for p in tmp_path.iterdir()) in (["fichier", "lien"], ["fichier", "lien", "protege"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_or_a_device_given_as_the_report_is_written_to_not_replaced(tmp_path: Path) -> None:
    """``-o /dev/null`` or ``-o /dev/stdout`` (a pipe in CI): the report is written through, and
    the device or pipe stays what it was (the rename of an atomic write put a regular file in
    place of /dev/null when run as root)."""
    import stat
    import threading

    pipe = tmp_path / "tube"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    write_atomic(pipe, [b"rap", b"port"])
    reader.join(timeout=10)
    assert received == [b"rapport"]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert leftovers(tmp_path) == ["tube"]


def test_write_errors_are_said_in_french() -> None:
    """Every system error a write can meet is said in French, never as the bare errno name."""
    import errno

    for code in (errno.ENOENT, errno.EEXIST, errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EISDIR, errno.EPIPE):
        message = _io._write_error(OSError(code, "english"))
        assert "erreur système" not in message and "english" not in message, message


def test_interrupted_write_keeps_the_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C halfway through the bytes leaves the old report whole and no temporary file."""
    target = tmp_path / "rapport.json"
    target.write_bytes(b"ancien rapport")
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle) -> None:
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> None:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise KeyboardInterrupt

    monkeypatch.setattr(_io.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"nouveau rapport" * 1000)
    assert target.read_bytes() == b"ancien rapport"
    assert leftovers(tmp_path) == ["rapport.json"]


_KILLABLE = """
import os, sys
from fsaudit.report import output as _io
from fsaudit.cli.main import main
ready = int(sys.argv[1])
stage = sys.argv[2]
real_fsync, real_replace = os.fsync, os.replace
def wait(*args):
    os.write(ready, b"1")
    sys.stdin.buffer.read()  # blocks until the test closes the pipe, after the signal
def fsync(fd):
    real_fsync(fd)
    wait()
def replace(src, dst):
    real_replace(src, dst)
    wait()
if stage == "writing":
    _io.os.fsync = fsync
else:
    _io.os.replace = replace
sys.exit(main(sys.argv[3:]))
"""


def killed_while_writing(folder: Path, stage: str, signum: int) -> int:
    """Run an audit writing ``folder/rapport.json``; kill it with ``signum`` once the report's
    bytes are written (``writing``: before the rename; ``renamed``: after it). Its exit status.

    The audit says it has reached that point by writing to a pipe, then blocks reading its standard
    input, which the test closes only once the signal is sent."""
    ready_read, ready_write = os.pipe()
    declaration = shutil.copyfile(SAMPLES / "exemple-candidature.json", folder / "declaration.json")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLABLE,
            str(ready_write),
            stage,
            "audit",
            str(declaration),
            "--as-of",
            AS_OF,
            "-f",
            "json",
            "-o",
            str(folder / "sortie" / "rapport.json"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(ready_write,),
    )
    os.close(ready_write)  # the audit holds the only writing end: its exit ends the pipe
    try:
        with os.fdopen(ready_read, "rb") as ready:
            reached = select.select([ready], [], [], 60)[0] and ready.read(1)
        assert reached == b"1", "the audit never reached the write"
        process.send_signal(signum)
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdin is not None
        process.stdin.close()


@pytest.fixture
def old_report(tmp_path: Path) -> bytes:
    """A previous report at ``sortie/rapport.json``."""
    (tmp_path / "sortie").mkdir()
    data = b'{"ancien": "rapport"}\n'
    (tmp_path / "sortie" / "rapport.json").write_bytes(data)
    return data


def test_sigterm_while_writing_keeps_the_old_report_and_no_temporary_file(tmp_path: Path, old_report: bytes) -> None:
    """A cancelled CI job (SIGTERM) in the middle of the write: the old report, nothing else, and
    the process still ends by SIGTERM."""
    assert killed_while_writing(tmp_path, "writing", signal.SIGTERM) == -signal.SIGTERM
    assert (tmp_path / "sortie" / "rapport.json").read_bytes() == old_report
    assert leftovers(tmp_path / "sortie") == ["rapport.json"]


def test_sigkill_while_writing_keeps_the_old_report(tmp_path: Path, old_report: bytes) -> None:
    """SIGKILL in the middle of the write leaves the old report whole; only the hidden temporary
    file of the new one remains (nothing can remove it)."""
    assert killed_while_writing(tmp_path, "writing", signal.SIGKILL) == -signal.SIGKILL
    assert (tmp_path / "sortie" / "rapport.json").read_bytes() == old_report
    names = leftovers(tmp_path / "sortie")
    assert names[-1] == "rapport.json" and len(names) == 2
    assert names[0].startswith(".rapport.json.") and names[0].endswith(".tmp")


def test_kill_after_the_rename_leaves_the_whole_new_report(tmp_path: Path, old_report: bytes) -> None:
    """Killed right after the rename: the new report, complete (valid JSON), and no temporary file."""
    assert killed_while_writing(tmp_path, "renamed", signal.SIGKILL) == -signal.SIGKILL
    report = json.loads((tmp_path / "sortie" / "rapport.json").read_text(encoding="utf-8"))
    assert sorted(s["id"] for s in report["structures"]) == ["12-CAND-001", "12-CAND-002"]
    assert leftovers(tmp_path / "sortie") == ["rapport.json"]


def test_report_permissions_follow_umask_or_the_replaced_file(tmp_path: Path) -> None:
    """A new report gets the usual permissions (not the temporary file's 0o600); a replaced report
    keeps its own."""
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "nouveau.json", b"{}")
        kept = tmp_path / "garde.json"
        kept.write_bytes(b"ancien")
        kept.chmod(0o640)
        write_atomic(kept, b"{}")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "nouveau.json").stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


# --- never over an input --------------------------------------------------------------------------


def test_directory_output_over_an_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Several formats into a folder where a declaration is named like one of the reports
    (``rapport.json``): refused in French, exit code 2, the declaration untouched."""
    folder = tmp_path / "dossier"
    folder.mkdir()
    declaration = shutil.copyfile(SAMPLES / "exemple-candidature.json", folder / "rapport.json")
    before = declaration.read_bytes()
    code = run("audit", declaration, "--as-of", AS_OF, "-f", "json,csv", "-o", folder)
    err = capsys.readouterr().err
    assert code == 2
    assert (
        f"fsaudit : erreur : {folder / 'rapport.json'} : le rapport écraserait un fichier que fsaudit lit "
        "(déclaration, dérogations ou rapport) ; choisissez un autre fichier" in err
    )
    assert declaration.read_bytes() == before


def test_output_over_an_input_given_through_another_path_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same file reached through a symbolic link or a relative path is recognised."""
    monkeypatch.chdir(tmp_path)
    declaration = shutil.copyfile(SAMPLES / "exemple-candidature.json", tmp_path / "declaration.json")
    (tmp_path / "lien.json").symlink_to(declaration)
    before = declaration.read_bytes()
    assert run("audit", "declaration.json", "--as-of", AS_OF, "-f", "json", "-o", "lien.json") == 2
    assert run("audit", str(declaration), "--as-of", AS_OF, "-f", "json", "-o", "./sous/../declaration.json") == 2
    capsys.readouterr()
    assert declaration.read_bytes() == before


def test_output_that_is_a_hard_link_of_an_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A report path that is another name of a declaration (a hard link) is refused like the declaration's own."""
    declaration = shutil.copyfile(SAMPLES / "exemple-candidature.json", tmp_path / "declaration.json")
    os.link(declaration, tmp_path / "autre-nom.json")
    before = declaration.read_bytes()
    assert run("audit", declaration, "--as-of", AS_OF, "-f", "json", "-o", tmp_path / "autre-nom.json") == 2
    assert "le rapport écraserait un fichier que fsaudit lit" in capsys.readouterr().err
    assert declaration.read_bytes() == before


def test_directory_output_over_an_input_writes_no_report_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When one report of a folder would overwrite a declaration, none is written (checked first)."""
    folder = tmp_path / "dossier"
    folder.mkdir()
    declaration = shutil.copyfile(SAMPLES / "exemple-candidature.json", folder / "rapport.json")
    assert run("audit", declaration, "--as-of", AS_OF, "-f", "csv,json", "-o", folder) == 2
    capsys.readouterr()
    assert leftovers(folder) == ["rapport.json"]


def test_compare_output_over_one_of_its_reports_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``fsaudit compare ancien.json nouveau.json -o ancien.json`` must not overwrite a report it reads."""
    good = SAMPLES / "exemple-candidature.json"
    assert run("audit", good, "--as-of", AS_OF, "-f", "json", "-o", tmp_path / "ancien.json") in (0, 1)
    shutil.copyfile(tmp_path / "ancien.json", tmp_path / "nouveau.json")
    before = (tmp_path / "ancien.json").read_bytes()
    code = run(
        "compare",
        tmp_path / "ancien.json",
        tmp_path / "nouveau.json",
        "-f",
        "json",
        "-o",
        tmp_path / "ancien.json",
    )
    capsys.readouterr()
    assert code == 2
    assert (tmp_path / "ancien.json").read_bytes() == before
