"""The fsaudit command: exit codes, French messages, byte-identical reports."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from report_json import v1_of

from fsaudit.cli.exitcodes import ExitCode
from fsaudit.cli.main import main

GOOD = {
    "id": "A-1",
    "name": "France services A",
    "type": "principal",
    "format": "fixe",
    "label": {"status": "candidate"},
    "opening_hours": {
        day: [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "16:00"}]
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    },
}


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _short(hours: int) -> dict:
    return {**GOOD, "id": "B-1", "opening_hours": {"monday": [{"start": "09:00", "end": f"{9 + hours:02d}:00"}]}}


def test_exit_codes_are_documented_values() -> None:
    """The exit codes are the documented ones."""
    assert [(c.name, int(c)) for c in ExitCode] == [
        ("OK", 0),
        ("FAILURES", 1),
        ("USAGE", 2),
        ("INPUT_ERROR", 3),
        ("PLUGIN_ERROR", 4),
    ]


def test_no_failure_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A structure with no failure at the fail-on level exits 0, even with checks left to do."""
    code, out, _ = _run(capsys, "audit", str(_write(tmp_path, "a.json", GOOD)), "--as-of", "2022-05-12")
    assert code == ExitCode.OK
    assert "Constats non conformes de gravité majeur ou plus : 0" in out


def test_bloquant_failure_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bloquant failure fails the run at the default level."""
    code, out, _ = _run(capsys, "audit", str(_write(tmp_path, "b.json", _short(3))), "--as-of", "2022-05-12")
    assert code == ExitCode.FAILURES
    assert "✗ FS-HOR-01" in out and "Avis défavorable" in out


def test_fail_on_level_filters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A mineur failure fails the run only with --fail-on mineur."""
    data = {**GOOD, "opening_hours": {**GOOD["opening_hours"], "saturday": [{"start": "00:00", "end": "00:00"}]}}
    path = str(_write(tmp_path, "c.json", data))
    assert _run(capsys, "audit", path, "--as-of", "2022-05-12")[0] == ExitCode.OK
    assert _run(capsys, "audit", path, "--as-of", "2022-05-12", "--fail-on", "mineur")[0] == ExitCode.FAILURES


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit"], "fsaudit : erreur : aucune déclaration à auditer : indiquez au moins un fichier\n"),
        (["audit", "absent.json"], "fsaudit : erreur : fichier introuvable : absent.json\n"),
        (
            ["audit", "--bogus"],
            "fsaudit : erreur d'utilisation : option inconnue : --bogus\nfsaudit : voir « fsaudit --help »\n",
        ),
        (
            ["audit", "x.json", "--as-of", "31/02/2024"],
            "fsaudit : erreur : date invalide « 31/02/2024 » : attendu AAAA-MM-JJ ou JJ/MM/AAAA\n",
        ),
        (
            ["audit", "x.json", "--fail-on", "grave"],
            "fsaudit : erreur : --fail-on « grave » inconnu : attendu bloquant, majeur, mineur\n",
        ),
        (["audit", "x.json", "--format", "pdf"], None),
        (
            ["audit", "x.json", "--as-of", "2019-06-01"],
            "fsaudit : erreur : aucun référentiel en vigueur au 01/06/2019 : le premier (charte-2020) s'applique "
            "à partir du 01/01/2020\n",
        ),
        (["nimporte"], None),
    ],
)
def test_usage_errors_exit_2_in_french(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str | None,
) -> None:
    """Usage errors exit 2 with one French line and no traceback."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "x.json", GOOD)
    code, _out, err = _run(capsys, *args)
    assert code == ExitCode.USAGE
    assert "Traceback" not in err
    if message is not None:
        assert err == message
    else:
        assert err.startswith("fsaudit : erreur")


def test_bad_input_among_good_ones_exits_3_and_audits_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One unreadable input gives exit 3; the good inputs are still audited and reported."""
    good = _write(tmp_path, "good.json", GOOD)
    bad = _write(tmp_path, "bad.json", "{pas du json")
    out_file = tmp_path / "rapport.json"
    code, _, err = _run(
        capsys, "audit", str(good), str(bad), "--as-of", "2022-05-12", "-f", "json", "-o", str(out_file)
    )
    assert code == ExitCode.INPUT_ERROR
    report = json.loads(out_file.read_text(encoding="utf-8"))
    assert [s["id"] for s in report["structures"]] == ["A-1"]
    assert report["errors"] == [
        {
            "path": str(bad),
            "location": "ligne 1, colonne 2",
            "message": "JSON invalide : nom de clé entre guillemets doubles attendu",
            "level": "erreur",
        }
    ]
    assert (
        err == f"fsaudit : erreur de saisie : {bad}:ligne 1, colonne 2 : JSON invalide : nom de clé entre guillemets "
        "doubles attendu\n"
    )


def test_highest_exit_code_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Failures and input errors together give 3, the higher code."""
    code, _, _ = _run(
        capsys,
        "audit",
        str(_write(tmp_path, "b.json", _short(2))),
        str(_write(tmp_path, "bad.json", "[]")),
        "--as-of",
        "2022-05-12",
    )
    assert code == ExitCode.INPUT_ERROR


def test_json_report_is_byte_identical_and_names_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two runs on the same input give the same bytes; the report carries the input's sha256."""
    path = _write(tmp_path, "a.json", GOOD)
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    for out in (first, second):
        _run(capsys, "audit", str(path), "--as-of", "2024-03-01", "-f", "json", "-o", str(out))
    assert first.read_bytes() == second.read_bytes()
    report = v1_of(first.read_bytes())
    assert report["inputs"][0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report["referential"]["id"] == "charte-2024" and report["referential"]["as_of"] == "2024-03-01"
    structure = report["structures"][0]
    assert {"id", "name", "decision", "score", "results"} <= set(structure)
    assert {"rule", "status", "severity", "message", "location"} <= set(structure["results"][0])


def test_output_over_waivers_or_baseline_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report may not overwrite the waiver file either; nothing is written."""
    path = _write(tmp_path, "a.json", GOOD)
    waivers = _write(tmp_path, "derogations.json", {"waivers": []})
    before = waivers.read_bytes()
    code, _, err = _run(capsys, "audit", str(path), "--waivers", str(waivers), "-f", "json", "-o", str(waivers))
    assert code == ExitCode.USAGE and "le rapport écraserait un fichier que fsaudit lit" in err
    assert waivers.read_bytes() == before


def test_output_over_an_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Writing the report over a declaration is refused and the declaration is untouched."""
    path = _write(tmp_path, "a.json", GOOD)
    before = path.read_bytes()
    code, _, err = _run(capsys, "audit", str(path), "-f", "json", "-o", str(path))
    assert code == ExitCode.USAGE
    assert "le rapport écraserait un fichier que fsaudit lit" in err
    assert path.read_bytes() == before


def test_version_and_module_entry_point(tmp_path: Path) -> None:
    """`python -m fsaudit --version` prints the version and exits 0."""
    from fsaudit import __version__

    done = subprocess.run([sys.executable, "-m", "fsaudit", "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, f"fsaudit {__version__}\n")


def test_disable_plugin_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--disable NAME leaves a plugin out: its formats are unknown; without the charter plugin,
    which provides the referentials, no audit can be made and the command says why."""
    path = _write(tmp_path, "b.json", _short(2))
    code, _, err = _run(capsys, "audit", str(path), "--disable", "ci", "-f", "junit", "--as-of", "2022-05-12")
    assert code == ExitCode.USAGE
    assert "format de rapport inconnu « junit »" in err
    code, _, err = _run(capsys, "audit", str(path), "--disable", "charter", "--as-of", "2022-05-12")
    assert (code, err) == (
        ExitCode.USAGE,
        "fsaudit : erreur : aucun référentiel de la charte n'est chargé (plugin « charter » désactivé ?)\n",
    )


def test_rule_documentation_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """`fsaudit rules` lists rules; `fsaudit rules ID` explains one in French; unknown id is exit 2."""
    code, out, _ = _run(capsys, "rules")
    assert code == 0 and "FS-HOR-01" in out
    code, out, _ = _run(capsys, "rules", "fs-hor-04")
    assert code == 0 and "Comment corriger un écart" in out and "FS-HOR-04 — Horaires d'ouverture déclarés" in out
    code, _, err = _run(capsys, "rules", "FS-XXX-99")
    assert code == ExitCode.USAGE and "règle inconnue « FS-XXX-99 »" in err


def test_referentials_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`fsaudit referentials` lists each state of the charter with its dates."""
    code, out, _ = _run(capsys, "referentials")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["charte-2020", "charte-2024", "charte-2025"]
    assert "du 01/01/2024 au 31/12/2024" in out


@pytest.mark.parametrize(
    ("bad", "warning", "counts"),
    [
        (False, False, "1 structure, 0 erreur de saisie"),
        (True, False, "1 structure, 1 erreur de saisie"),
        (True, True, "2 structures, 1 erreur de saisie, 1 avertissement de saisie"),
    ],
)
def test_one_line_says_what_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: bool, warning: bool, counts: str
) -> None:
    """After -o, one line per file written, with French plurals (0 and 1 take the singular)."""
    paths = [str(_write(tmp_path, "a.json", GOOD))]
    if bad:
        paths.append(str(_write(tmp_path, "bad.json", "{")))
    if warning:
        paths.append(str(_write(tmp_path, "w.json", {**GOOD, "id": "W-1", "couleur": "bleu"})))
    out_dir = tmp_path / "rapports"
    code, out, _err = _run(capsys, "audit", *paths, "--as-of", "2022-05-12", "-f", "json,csv", "-o", str(out_dir))
    assert code == (ExitCode.INPUT_ERROR if bad else ExitCode.OK)
    assert out == "".join(f"Rapport écrit : {out_dir / name} ({counts})\n" for name in ("rapport.json", "rapport.csv"))


def test_input_error_is_printed_once_with_the_text_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With the text report on standard output, an input error is in it and not repeated on standard error."""
    bad = _write(tmp_path, "bad.json", "{pas du json")
    code, out, err = _run(capsys, "audit", str(_write(tmp_path, "a.json", GOOD)), str(bad), "--as-of", "2022-05-12")
    assert (code, err) == (ExitCode.INPUT_ERROR, "")
    assert [line for line in out.splitlines() if "nom de clé entre guillemets" in line] == [
        f"  {bad} — ligne 1, colonne 2 : JSON invalide : nom de clé entre guillemets doubles attendu"
    ]


def test_input_warning_is_labelled_as_a_warning_on_standard_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ignored unknown field is printed as « avertissement de saisie », not as an error, and exits 0."""
    path = _write(tmp_path, "w.json", {**GOOD, "couleur": "bleu"})
    code, _out, err = _run(
        capsys, "audit", str(path), "--as-of", "2022-05-12", "-f", "json", "-o", str(tmp_path / "r.json")
    )
    assert code == ExitCode.OK
    assert err.startswith(
        f"fsaudit : avertissement de saisie : {path}:$.couleur : champ inconnu « couleur » (champs admis : "
    )


def _broken_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    import fsaudit.run.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(fsaudit.run.engine, "audit", broken)


def test_internal_error_exits_4_with_two_french_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An internal error is one French line and a hint to rerun with --debug; exit 4, no traceback."""
    _broken_audit(monkeypatch)
    monkeypatch.delenv("FSAUDIT_DEBUG", raising=False)
    code, _out, err = _run(capsys, "audit", str(_write(tmp_path, "a.json", GOOD)))
    assert (code, err) == (
        ExitCode.PLUGIN_ERROR,
        "fsaudit : erreur interne : RuntimeError : panne simulée\n"
        "fsaudit : merci de signaler ce problème (relancer avec --debug pour le détail)\n",
    )


@pytest.mark.parametrize("how", ["--debug", "FSAUDIT_DEBUG"])
def test_debug_prints_the_traceback_of_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """--debug (anywhere on the line) or FSAUDIT_DEBUG=1 prints the traceback, then the French lines; exit 4."""
    _broken_audit(monkeypatch)
    args = ["audit", str(_write(tmp_path, "a.json", GOOD))]
    if how == "--debug":
        monkeypatch.delenv("FSAUDIT_DEBUG", raising=False)
        args.append("--debug")
    else:
        monkeypatch.setenv("FSAUDIT_DEBUG", "1")
    code, _out, err = _run(capsys, *args)
    lines = err.splitlines()
    assert code == ExitCode.PLUGIN_ERROR
    assert lines[0] == "Traceback (most recent call last):"
    assert 'raise RuntimeError("panne simulée")' in err
    assert lines[-3:] == [
        "RuntimeError: panne simulée",
        "fsaudit : erreur interne : RuntimeError : panne simulée",
        "fsaudit : merci de signaler ce problème avec le détail ci-dessus",
    ]
