"""Through the command: bad inputs of every format give exit code 3 and French errors at their
location, and the other inputs of the same run are still audited."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsaudit.cli.main import main

from .french import CELL, assert_french
from .hostile import (
    ErrorValue,
    Formula,
    Sheet,
    bomb,
    content_of,
    members_of,
    replace_member,
    write_workbook,
    write_zip,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
GOOD = SAMPLES / "exemple-candidature.json"
GOOD_IDS = ["12-CAND-001", "12-CAND-002"]
AS_OF = "2025-06-30"


def hostile_inputs(folder: Path) -> dict[str, str]:
    """One bad input per format and kind of damage: file name → expected error location pattern."""
    folder.mkdir()
    xlsx = (SAMPLES / "workbook" / "declaration-exemple.xlsx").read_bytes()
    ods = (SAMPLES / "workbook" / "declaration-exemple.ods").read_bytes()
    (folder / "tronque.xlsx").write_bytes(xlsx[: len(xlsx) // 3])
    (folder / "tronque.ods").write_bytes(ods[: len(ods) // 2])
    (folder / "octets.xlsm").write_bytes(bytes(range(256)) * 4)
    members = members_of(SAMPLES / "workbook" / "declaration-exemple.xlsx")
    raw = content_of(members, "xl/worksheets/sheet3.xml")
    write_zip(
        folder / "bombe.xlsx",
        replace_member(members, bomb("xl/worksheets/sheet3.xml", raw[:50], b" " * 2**20, 1024, raw[50:])),
    )
    headers = ["Identifiant", "Nom", "Département"]
    write_workbook(folder / "cellules.ods", [Sheet("Structures", [headers, ["FS-9", Formula("=A1"), ErrorValue()]])])
    anct = (SAMPLES / "anct" / "liste-fs-20240801.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "liste-cp1252.csv").write_bytes(("".join(anct[:5]) + '"99","2C","Nom"\r\n').encode("cp1252"))
    (folder / "liste-bom.csv").write_bytes(b"\xef\xbb\xbf" + "".join(anct[:3]).encode() + b'"100,"01"\n')
    (folder / "casse.json").write_bytes(b'{"structures": [{"id": 1e999')
    (folder / "vide.json").write_bytes(b"")
    return {
        "tronque.xlsx": "fichier",
        "tronque.ods": "fichier",
        "octets.xlsm": "fichier",
        "bombe.xlsx": "fichier",
        "cellules.ods": "cell",
        "liste-cp1252.csv": "ligne 6",
        "liste-bom.csv": "ligne 4",
        "casse.json": "any",
        "vide.json": "any",
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_inputs_of_every_format_exit_3_and_the_others_are_audited(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    jobs: str,
) -> None:
    """Truncated, random, bomb, bad-cell, badly encoded and broken inputs: exit code 3, each one
    reported in French at its location, and the good declaration and the good ANCT records audited."""
    folder = tmp_path / "entrees"
    expected = hostile_inputs(folder)
    shutil.copyfile(GOOD, folder / "bonne.json")
    code = main(
        [
            "audit",
            str(folder),
            "--as-of",
            AS_OF,
            "-f",
            "json",
            "-o",
            str(tmp_path / "rapport.json"),
            "--jobs",
            jobs,
        ]
    )
    capsys.readouterr()
    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert code == 3
    by_file: dict[str, list[dict]] = {}
    for error in report["errors"]:
        by_file.setdefault(Path(error["path"]).name, []).append(error)
    assert sorted(by_file) == sorted(expected)
    for name, where in expected.items():
        for error in by_file[name]:
            problem = type("P", (), {"path": error["path"], "location": error["location"], "message": error["message"]})
            assert_french(problem, Path(error["path"]))  # type: ignore[arg-type]
            if where == "cell":
                assert CELL.match(error["location"]), error
            elif where != "any":
                assert error["location"].startswith(where), error
            assert not error["message"].startswith("le lecteur « "), error
    ids = {s["id"] for s in report["structures"]}
    assert set(GOOD_IDS) <= ids
    assert {"1", "2", "3", "4"} <= ids  # the readable records of both ANCT lists


@given(st.binary(max_size=300), st.sampled_from([".json", ".csv", ".xlsx", ".ods", ".xlsm"]))
def test_random_input_next_to_a_good_one(tmp_path_factory, content: bytes, extension: str) -> None:
    """Whatever the bytes of one input, the run ends with exit code 3 (or 0/1 if they happen to be a
    valid declaration) and the good declaration beside it is audited."""
    folder = tmp_path_factory.mktemp("c")
    shutil.copyfile(GOOD, folder / "bonne.json")
    (folder / f"hasard{extension}").write_bytes(content)
    code = main(["audit", str(folder), "--as-of", AS_OF, "-f", "json", "-o", str(folder / "rapport.json")])
    report = json.loads((folder / "rapport.json").read_text(encoding="utf-8"))
    assert code == (3 if report["errors"] else code) and code in (0, 1, 3)
    assert set(GOOD_IDS) <= {s["id"] for s in report["structures"]}
    for error in report["errors"]:
        assert error["location"]
        assert not error["message"].startswith("le lecteur « "), error
