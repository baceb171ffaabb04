"""What an input folder may hold besides declarations: named pipes, sockets, devices, symbolic link
loops, broken links, unreadable entries and file names that are not UTF-8. None of them hangs the
run, crashes it or is skipped in silence; every report is written.

Runs that could hang (a FIFO) go through a subprocess with a hard timeout: a hang fails the test
instead of blocking the suite.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from commands import run_fsaudit
from openpyxl import load_workbook

from fsaudit.cli.main import main
from fsaudit.inputs import files as _io
from fsaudit.inputs.files import read_input
from fsaudit.plugin.manager import load_plugins

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and symbolic links as on Unix")

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "samples" / "exemple-candidature.json"
GOOD_IDS = ["12-CAND-001", "12-CAND-002"]
AS_OF = "2025-06-30"
TIMEOUT = 60
ALL_FORMATS = "json,text,csv,junit,markdown,sarif,xlsx"


def fsaudit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m fsaudit ARGS`` in ``cwd``; a run that outlasts :data:`TIMEOUT` fails the test."""
    try:
        return run_fsaudit(*args, cwd=cwd, env={**os.environ, "CI": "true"}, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"fsaudit {' '.join(args)} did not end within {TIMEOUT} s (it hung)")


def report_errors(path: Path) -> list[dict[str, str]]:
    """The ``errors`` of the JSON report at ``path``."""
    return json.loads(path.read_text(encoding="utf-8"))["errors"]


def problem(path: str, message: str, level: str = "erreur", location: str = "fichier") -> dict[str, str]:
    """One of :func:`report_errors`."""
    return {"path": path, "location": location, "level": level, "message": message}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``d/`` holding the two-structure sample declaration, the cwd set to its parent."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    shutil.copyfile(GOOD, tmp_path / "d" / "bonne.json")
    return tmp_path


# --- named pipes, sockets, devices --------------------------------------------------------------


def test_fifo_in_a_folder_is_a_warning_and_never_opened(folder: Path) -> None:
    """A FIFO named x.json in a searched folder is left out with a warning; the run ends (exit 1
    for the sample's failures, not 3) and the declaration beside it is audited."""
    os.mkfifo(folder / "d" / "x.json")
    done = fsaudit(folder, "audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "r.json")
    assert done.returncode == 1, done.stderr
    assert report_errors(folder / "r.json") == [
        problem(
            "d/x.json", "ignoré : tube nommé (FIFO), pas un fichier ordinaire (il n'est pas ouvert)", "avertissement"
        )
    ]
    assert [s["id"] for s in json.loads((folder / "r.json").read_text(encoding="utf-8"))["structures"]] == GOOD_IDS


def test_fifo_named_explicitly_is_an_input_error(folder: Path) -> None:
    """A FIFO given on the command line is an input error (exit 3), never opened for reading."""
    os.mkfifo(folder / "x.json")
    done = fsaudit(folder, "audit", "x.json", "d/bonne.json", "--as-of", AS_OF, "-f", "json", "-o", "r.json")
    assert done.returncode == 3, done.stderr
    assert report_errors(folder / "r.json") == [
        problem("x.json", "ce n'est pas un fichier ordinaire mais un tube nommé (FIFO) : il n'est pas lu")
    ]


def test_fifo_matched_by_a_pattern_is_a_warning(folder: Path) -> None:
    """A FIFO matched by a glob is found, not named: a warning, and it is not opened."""
    os.mkfifo(folder / "d" / "x.json")
    done = fsaudit(folder, "audit", "d/*.json", "--as-of", AS_OF, "-f", "json", "-o", "r.json")
    assert done.returncode == 1, done.stderr
    assert [(e["path"], e["level"]) for e in report_errors(folder / "r.json")] == [("d/x.json", "avertissement")]


def test_fifo_as_baseline_is_a_usage_error(folder: Path) -> None:
    """--baseline naming a FIFO is refused at once (exit 2), never read."""
    os.mkfifo(folder / "base.json")
    done = fsaudit(folder, "audit", "d", "--as-of", AS_OF, "--baseline", "base.json")
    assert (done.returncode, done.stderr) == (
        2,
        "fsaudit : erreur : référence --baseline inutilisable : base.json : ce n'est pas un fichier ordinaire "
        "mais un tube nommé (FIFO) : il n'est pas lu\n",
    )


def test_fifo_as_waiver_file_is_an_input_error(folder: Path) -> None:
    """--waivers naming a FIFO is an input error of that file (exit 3), never read; the audit is reported."""
    os.mkfifo(folder / "w.toml")
    done = fsaudit(folder, "audit", "d", "--as-of", AS_OF, "--waivers", "w.toml", "-f", "json", "-o", "r.json")
    assert done.returncode == 3, done.stderr
    assert report_errors(folder / "r.json") == [
        problem("w.toml", "ce n'est pas un fichier ordinaire mais un tube nommé (FIFO) : il n'est pas lu")
    ]


def test_device_named_explicitly_is_an_input_error(folder: Path) -> None:
    """A character device (/dev/null) named as a declaration is an input error in French."""
    done = fsaudit(folder, "audit", os.devnull, "d/bonne.json", "--as-of", AS_OF, "-f", "json", "-o", "r.json")
    assert done.returncode == 3, done.stderr
    assert report_errors(folder / "r.json") == [
        problem(os.devnull, "ce n'est pas un fichier ordinaire mais un périphérique (mode caractère) : il n'est pas lu")
    ]


def test_socket_in_a_folder_is_a_warning(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Unix socket named s.json in a searched folder is left out with a warning."""
    monkeypatch.chdir(folder / "d")  # a short relative name: socket paths are limited to ~100 bytes
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind("s.json")
        monkeypatch.chdir(folder)
        code = main(["audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "r.json"])
    finally:
        server.close()
    assert code == 1
    assert report_errors(folder / "r.json") == [
        problem("d/s.json", "ignoré : socket, pas un fichier ordinaire (il n'est pas ouvert)", "avertissement")
    ]


def test_a_file_replaced_by_a_fifo_after_the_check_is_refused_without_blocking(tmp_path: Path) -> None:
    """The race is closed: a path that looks regular when examined but is a FIFO when opened is
    opened without blocking (O_NONBLOCK) and refused after the descriptor is examined (fstat)."""
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    code = textwrap.dedent(
        f"""
        import os, stat
        from fsaudit.inputs import files as _io
        real = os.stat
        class Regular:
            st_mode = stat.S_IFREG | 0o644
        os.stat = lambda path, *a, **k: Regular() if str(path) == {str(fifo)!r} else real(path, *a, **k)
        try:
            _io.open_regular({str(fifo)!r})
        except _io.NotReadable as exc:
            print(exc)
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("open_regular blocked on a FIFO")
    assert (done.returncode, done.stdout) == (
        0,
        "ce n'est pas un fichier ordinaire mais un tube nommé (FIFO) : il n'est pas lu\n",
    )


# --- links and unreadable entries ---------------------------------------------------------------


def test_symlink_loop_with_output_is_an_input_error_and_the_report_is_written(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two links pointing at each other in a folder, with -o: exit 3 (never 4), the report is
    written, each link is an input error in French, the declaration beside them is audited."""
    os.symlink("boucle2.json", folder / "d" / "boucle1.json")
    os.symlink("boucle1.json", folder / "d" / "boucle2.json")
    code = main(["audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "r.json"])
    out, err = capsys.readouterr()
    message = "boucle de liens symboliques : le lien ne mène à aucun fichier"
    assert code == 3
    assert report_errors(folder / "r.json") == [problem(f"d/boucle{n}.json", message) for n in (1, 2)]
    assert [s["id"] for s in json.loads((folder / "r.json").read_text(encoding="utf-8"))["structures"]] == GOOD_IDS
    assert out == "Rapport écrit : r.json (2 structures, 2 erreurs de saisie)\n"
    assert err == "".join(f"fsaudit : erreur de saisie : d/boucle{n}.json:fichier : {message}\n" for n in (1, 2))


def test_symlink_loop_named_explicitly_is_an_input_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A link to itself given on the command line is an input error (exit 3), not « introuvable »."""
    os.symlink("soi.json", folder / "soi.json")
    code = main(["audit", "soi.json", "--as-of", AS_OF, "-f", "json", "-o", "r.json"])
    capsys.readouterr()
    assert code == 3
    assert report_errors(folder / "r.json") == [
        problem("soi.json", "boucle de liens symboliques : le lien ne mène à aucun fichier")
    ]


def test_output_path_through_a_symlink_loop_is_a_usage_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o naming a link loop is refused before the audit (exit 2) with a French reason."""
    os.symlink("sortie.json", folder / "sortie.json")
    code = main(["audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "sortie.json"])
    _out, err = capsys.readouterr()
    assert (code, err) == (
        2,
        "fsaudit : erreur : sortie.json : chemin de sortie invalide (boucle de liens symboliques : le lien ne mène "
        "à aucun fichier)\n",
    )


def test_broken_link_in_a_folder_is_an_input_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A declaration link whose target is gone is an input error that says so."""
    os.symlink("partie.json", folder / "d" / "lien.json")
    code = main(["audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "r.json"])
    capsys.readouterr()
    assert code == 3
    assert report_errors(folder / "r.json") == [problem("d/lien.json", "lien symbolique cassé : sa cible n'existe pas")]


def test_link_to_a_folder_is_not_followed_and_said(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A link to a folder inside a searched folder is not followed (no loop can arise) and a warning says so."""
    os.symlink("..", folder / "d" / "parent")
    code = main(["audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "r.json"])
    capsys.readouterr()
    assert code == 1
    assert report_errors(folder / "r.json") == [
        problem(
            "d/parent",
            "lien symbolique vers un dossier : non parcouru (indiquez ce dossier lui-même pour l'auditer)",
            "avertissement",
            "dossier",
        )
    ]


def test_unreadable_folder_is_an_input_error(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sub-folder that cannot be listed is an input error (exit 3), never skipped in silence."""
    (folder / "d" / "ferme").mkdir()
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).endswith("ferme"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code = main(["audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "r.json"])
    capsys.readouterr()
    assert code == 3
    assert report_errors(folder / "r.json") == [
        problem(
            "d/ferme",
            "dossier illisible (accès refusé : droits insuffisants pour lire ce dossier) : "
            "ses déclarations ne sont pas auditées",
            "erreur",
            "dossier",
        )
    ]


def test_file_without_read_permission_is_an_input_error_in_french(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A declaration the system refuses to open is an input error with a French reason (the
    system's English text never reaches the report)."""
    real = _io.os.open

    def refuse(path: object, flags: int, *args: object) -> int:
        if str(path).endswith("bonne.json"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(_io.os, "open", refuse)
    info, result = read_input("d/bonne.json", load_plugins().readers)
    assert [(p.location, p.message, p.level) for p in result.problems] == [
        ("fichier", "accès refusé : droits insuffisants pour lire ce fichier", "erreur")
    ]
    assert (info.sha256, info.errors) == (None, 1)


def test_folder_holding_only_a_fifo_names_nothing(folder: Path) -> None:
    """A folder whose only « declaration » is a FIFO is a usage error that names what was ignored."""
    (folder / "vide").mkdir()
    os.mkfifo(folder / "vide" / "x.json")
    done = fsaudit(folder, "audit", "vide", "--as-of", AS_OF)
    assert (done.returncode, done.stderr) == (
        2,
        "fsaudit : erreur : aucune déclaration dans le dossier vide (extensions lues : .csv, .geojson, .json, "
        ".ods, .xlsm, .xlsx) ; ignoré : vide/x.json\n",
    )


# --- file names that are not UTF-8 ------------------------------------------------------------------


@pytest.fixture
def latin1_name(folder: Path) -> Path:
    """``d/café.json`` saved under a Latin-1 name (byte 0xE9, not UTF-8), beside nothing else."""
    (folder / "d" / "bonne.json").unlink()
    target = os.fsencode(folder / "d") + b"/caf\xe9.json"
    shutil.copyfile(GOOD, os.fsdecode(target))
    return folder


SHOWN = "d/caf\\xe9.json"
"""How reports show ``d/caf<0xE9>.json``: the byte that is not UTF-8 written visibly."""


def test_non_utf8_file_name_is_shown_visibly_in_every_format(
    latin1_name: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A declaration whose name is not UTF-8 is audited and every format is written, the name
    shown as ``caf\\xe9.json`` (SARIF: the URI of the real bytes, ``caf%E9.json``)."""
    code = main(["audit", "d", "--as-of", AS_OF, "-f", ALL_FORMATS, "-o", "out"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"Rapport écrit : out/rapport{ext} (2 structures, 0 erreur de saisie)"
        for ext in (".json", ".txt", ".csv", ".xml", ".md", ".sarif", ".xlsx")
    ]
    reports = latin1_name / "out"
    assert json.loads((reports / "rapport.json").read_text(encoding="utf-8"))["inputs"][0]["path"] == SHOWN
    text = (reports / "rapport.txt").read_text(encoding="utf-8")
    assert f"[12-CAND-001] France services de Naucelle — {SHOWN} ($.structures[0])" in text.splitlines()
    rows = list(csv.reader(io.StringIO((reports / "rapport.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert {row[2] for row in rows[1:]} == {SHOWN}
    assert f"`{SHOWN} $.structures[1].opening_hours`" in (reports / "rapport.md").read_text(encoding="utf-8")
    suites = ET.parse(reports / "rapport.xml").getroot().findall("testsuite")
    assert [s.get("file") for s in suites] == [SHOWN, SHOWN]
    sarif = json.loads((reports / "rapport.sarif").read_text(encoding="utf-8"))
    assert [a["location"]["uri"] for a in sarif["runs"][0]["artifacts"]] == ["d/caf%E9.json"]
    identite = load_workbook(reports / "rapport.xlsx")["Identité"]
    files = [row[4] for row in identite.iter_rows(min_row=2, values_only=True)]
    assert files == [SHOWN, SHOWN]


def test_non_utf8_file_name_in_an_error_message_on_the_terminal(
    latin1_name: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An input error of such a file prints on standard error with the name shown visibly."""
    name = os.fsdecode(os.fsencode(latin1_name / "d") + b"/caf\xe9.json")
    Path(name).write_bytes(b"{")
    code = main(["audit", "d", "--as-of", AS_OF, "-f", "json", "-o", "r.json"])
    _out, err = capsys.readouterr()
    assert code == 3
    assert (
        err == f"fsaudit : erreur de saisie : {SHOWN}:ligne 1, colonne 2 : JSON invalide : nom de clé entre guillemets "
        "doubles attendu\n"
    )


def test_file_name_with_a_line_break_cannot_forge_a_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A line break in a file name is shown as ``\\x0a`` in the text report, never as a new line."""
    (folder / "d" / "bonne.json").rename(folder / "d" / "a\n[FAUX] conforme.json")
    code = main(["audit", "d", "--as-of", AS_OF])
    out, _err = capsys.readouterr()
    assert code == 1
    assert (
        "[12-CAND-001] France services de Naucelle — d/a\\x0a[FAUX] conforme.json ($.structures[0])" in out.splitlines()
    )
    assert not [line for line in out.splitlines() if line.startswith("[FAUX]")]
