"""Expanding files, directories and globs into the sorted list of inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from fsaudit.inputs.discover import DiscoveryError, expand_inputs

EXTENSIONS = (".json", ".xlsx")


def touch(path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("{}", encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in (
        "d/10.json",
        "d/2.json",
        "d/sub/a.XLSX",
        "d/notes.txt",
        "d/.cache/x.json",
        "d/~$lock.xlsx",
        "e/b.json",
    ):
        touch(name)
    return tmp_path


def test_directory_is_searched_recursively_by_reader_extensions(tree: Path) -> None:
    """A directory gives its files with a known extension (any case), in natural order."""
    assert expand_inputs(["d"], EXTENSIONS).files == ("d/2.json", "d/10.json", "d/sub/a.XLSX")


def test_hidden_entries_and_lock_files_are_skipped(tree: Path) -> None:
    """Hidden folders and office lock files (~$…) found in a directory are not inputs."""
    found = expand_inputs(["d"], EXTENSIONS).files
    assert not any(".cache" in p or "~$" in p for p in found)


def test_glob_crosses_folders(tree: Path) -> None:
    """``**`` patterns are expanded across folders."""
    assert expand_inputs(["**/*.json"], EXTENSIONS).files == ("d/2.json", "d/10.json", "e/b.json")


def test_same_file_named_several_ways_is_read_once(tree: Path) -> None:
    """A file reached through a path, another spelling, a directory and a glob appears once."""
    found = expand_inputs(["./d/2.json", "d/2.json", "d", "d/*.json"], EXTENSIONS)
    assert found.files == ("d/2.json", "d/10.json", "d/sub/a.XLSX")


def test_argument_order_does_not_change_the_list(tree: Path) -> None:
    """The result is sorted whatever the order of the arguments."""
    assert expand_inputs(["e", "d/10.json", "d/2.json"], EXTENSIONS) == expand_inputs(
        ["d/2.json", "e", "d/10.json"], EXTENSIONS
    )


def test_a_named_file_is_kept_whatever_its_extension(tree: Path) -> None:
    """A file named explicitly is an input even with an unknown extension (the reader decides)."""
    assert expand_inputs(["d/notes.txt"], EXTENSIONS).files == ("d/notes.txt",)


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("absent.json", "fichier introuvable : absent.json"),
        ("zz/*.json", "aucun fichier ne correspond au motif zz/*.json"),
        ("empty", "aucune déclaration dans le dossier empty (extensions lues : .json, .xlsx)"),
    ],
)
def test_argument_naming_nothing_is_a_french_error(tree: Path, argument: str, message: str) -> None:
    """A missing file, a glob matching nothing or a folder without declarations is an error."""
    Path("empty").mkdir()
    with pytest.raises(DiscoveryError) as info:
        expand_inputs([argument], EXTENSIONS)
    assert str(info.value) == message


def test_cli_reports_missing_input_as_usage_error(tree: Path, run) -> None:
    """``fsaudit audit`` with a glob matching nothing exits 2 with the French message."""
    code, _out, err = run("audit", "zz/*.json")
    assert (code, err) == (2, "fsaudit : erreur : aucun fichier ne correspond au motif zz/*.json\n")
