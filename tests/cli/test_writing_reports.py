"""Writing the reports: with the cyclic collector tuned as during the audit (the whole report is
alive while its formats are written, and a full collection would traverse all of it), into
folders created when missing."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from fsaudit import Reporter, hookimpl
from fsaudit.cli.main import main
from fsaudit.report import output
from fsaudit.run.collector import YOUNG_THRESHOLD

SAMPLE = Path(__file__).parents[2] / "samples" / "exemple-candidature.json"


def test_reports_are_written_with_the_collector_tuned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[tuple[int, int, int]] = []
    real = output.write_atomic

    def recording(path: Path, data: Any) -> None:
        seen.append(gc.get_threshold())
        real(path, data)

    monkeypatch.setattr(output, "write_atomic", recording)
    before = gc.get_threshold()
    code = main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json,text", "-o", str(tmp_path / "r")])
    capsys.readouterr()
    assert code in (0, 1)
    assert seen and all(threshold == (YOUNG_THRESHOLD, 1000, 1000) for threshold in seen)
    assert gc.get_threshold() == before
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["rapport.json", "rapport.txt"]


def test_missing_folders_of_the_output_are_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-o`` into folders that do not exist yet creates them (as ``--help`` says), for one
    format and for several."""
    one = tmp_path / "a" / "b" / "rapport.json"
    several = tmp_path / "c" / "d"
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json", "-o", str(one)]) in (0, 1)
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json,csv", "-o", str(several)]) in (0, 1)
    capsys.readouterr()
    assert one.is_file()
    assert sorted(p.name for p in several.iterdir()) == ["rapport.csv", "rapport.json"]


def test_one_output_per_format_in_the_order_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-f json -o a.json -f xlsx -o b.xlsx`` writes each format to its own file (the last ``-o``
    used to win: every format went into a folder named ``b.xlsx``); comma-separated formats pair
    in the same order, and each file holds what the folder form writes."""
    given = ["-f", "json", "-o", str(tmp_path / "a.json"), "-f", "xlsx", "-o", str(tmp_path / "b.xlsx")]
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", *given]) in (0, 1)
    mixed = ["-f", "csv,markdown", "-o", str(tmp_path / "c.csv"), "-o", str(tmp_path / "d.md")]
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", *mixed]) in (0, 1)
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json,csv", "-o", str(tmp_path / "f")]) in (0, 1)
    out = capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.xlsx", "c.csv", "d.md", "f"]
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "f" / "rapport.json").read_bytes()
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "f" / "rapport.csv").read_bytes()
    assert (tmp_path / "b.xlsx").read_bytes().startswith(b"PK")
    assert "Rapport écrit : " + str(tmp_path / "b.xlsx") in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-f", "json,xlsx", "-o", "a.json", "-o", "b.xlsx", "-o", "c"], "-o donné 3 fois pour 2 formats"),
        (
            ["-f", "json", "-f", "sarif", "-o", "a.json", "-o", "./a.json"],
            "« a.json » donné pour deux formats (json et sarif)",
        ),
        (["-f", "json", "-o", "a.json", "-o", "b.json"], "-o donné 2 fois pour 1 format :"),
        (["-f", "json,xlsx", "-o", "audit.json"], "« audit.json » a l'extension d'un rapport (.json)"),
    ],
)
def test_outputs_that_do_not_pair_are_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    """A count of ``-o`` that is neither 1 nor the number of formats, or two formats to one file,
    is a usage error before anything is audited or written."""
    monkeypatch.chdir(tmp_path)
    assert main(["audit", str(SAMPLE), "--as-of", "2025-06-30", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_for_one_format_receives_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing folder, or a path ending with « / », given to ``-o`` receives ``rapport.<extension>``
    (an existing folder used to be refused after the whole audit: « c'est un dossier »), also when
    paired with its format."""
    (tmp_path / "existant").mkdir()
    audit = ["audit", str(SAMPLE), "--as-of", "2025-06-30"]
    assert main([*audit, "-f", "json", "-o", str(tmp_path / "existant")]) in (0, 1)
    assert main([*audit, "-f", "csv", "-o", str(tmp_path / "nouveau") + "/"]) in (0, 1)
    paired = ["-f", "markdown", "-o", str(tmp_path / "existant"), "-f", "sarif", "-o", str(tmp_path / "s.sarif")]
    assert main([*audit, *paired]) in (0, 1)
    capsys.readouterr()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "existant",
        "existant/rapport.json",
        "existant/rapport.md",
        "nouveau",
        "nouveau/rapport.csv",
        "s.sarif",
    ]


class _BrokenFormats:
    """A plugin with a format that raises halfway through its chunks and one that answers text."""

    @staticmethod
    def _halfway(report: Any, options: Any) -> Any:
        yield b"debut"
        raise RuntimeError("panne du format")

    @hookimpl
    def fsaudit_reporters(self) -> list[Any]:
        return [
            Reporter("casse", "format de test", ".txt", lambda r, o: b"", stream=self._halfway),
            Reporter("texte", "format de test", ".txt", lambda r, o: "pas des octets"),
        ]


def test_a_format_that_fails_is_named_and_the_others_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plugin's format that raises, or renders text instead of bytes, is said in French with
    its name; the other formats are written and the command exits 4 (it stopped on « erreur
    interne », some reports unwritten and unsaid)."""
    from fsaudit.plugin import manager

    real = manager.load_plugins
    monkeypatch.setattr(
        manager, "load_plugins", lambda disabled=(), extra=(): real(disabled, [*extra, ("casse", _BrokenFormats())])
    )
    out = tmp_path / "r"
    code = main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "-f", "json,casse,texte,csv", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 4
    assert sorted(p.name for p in out.iterdir()) == ["rapport.csv", "rapport.json"]
    assert f"le format de rapport « casse » a échoué ({out / 'rapport.txt'} non écrit) : " in err
    assert "panne du format" in err and "le format de rapport « texte » a échoué" in err
    assert "erreur interne" not in err


def test_disabling_a_plugin_that_is_not_installed_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--disable chartre (a typo for charter) would audit with the plugin meant to be left out: it
    is refused, naming the installed plugins (it was accepted silently)."""
    assert main(["audit", str(SAMPLE), "--disable", "chartre"]) == 2
    err = capsys.readouterr().err
    assert "--disable « chartre » : aucun plugin installé de ce nom ; plugins installés : " in err
    assert "charter" in err
    assert main(["rules", "--disable", "chartre"]) == 2


def test_a_config_table_of_no_loaded_plugin_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt table (``[plugins.mon_departemnt]``) configured nothing, silently: a warning
    names it and the plugins loaded; the audit runs as without it."""
    config = tmp_path / "fsaudit.toml"
    config.write_text("[plugins.mon_departemnt]\nseuil = 3\n", encoding="utf-8")
    out = tmp_path / "r.json"
    code = main(["audit", str(SAMPLE), "--as-of", "2025-06-30", "--config", str(config), "-f", "json", "-o", str(out)])
    err = capsys.readouterr().err
    assert code in (0, 1)
    assert f"avertissement : {config} : table [plugins.mon_departemnt] : aucun plugin chargé de ce nom" in err
    assert "plugins chargés : anct, avis, charter" in err
