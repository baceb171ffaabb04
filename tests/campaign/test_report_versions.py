"""Saved JSON reports of both versions: ``fsaudit compare`` and ``--baseline`` read a version 2
report as the version 1 dictionary of the same audit, and refuse a broken one saying where."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from networks import AS_OF, SHORT_WEEK, structure, write_declaration

from fsaudit.campaign.compare import ReportFileError, _fast_subset_check, _subset_validator, load_report_file


def _write_both(run, name: str, *extra: str) -> tuple[Path, Path]:
    """The JSON report of ``decl`` written as ``NAME-v1.json`` and ``NAME-v2.json``."""
    paths = (Path(f"{name}-v1.json"), Path(f"{name}-v2.json"))
    for version, path in zip("12", paths, strict=True):
        run("audit", "decl", "--as-of", AS_OF, *extra, "-f", "json", "--report-version", version, "-o", str(path))
    return paths


def _change_network() -> None:
    """32-A now fails FS-HOR-01/02, 32-B no longer does (32-C still does)."""
    write_declaration(Path("decl/2.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    write_declaration(Path("decl/b.json"), [structure("32-B")])


def test_v2_report_file_loads_as_its_v1_dictionary(network: Path, run) -> None:
    """load_report_file gives a version 2 report as exactly the version 1 report of the same audit."""
    v1, v2 = _write_both(run, "r")
    assert load_report_file(v2).data == json.loads(v1.read_bytes())


def test_v1_report_file_loads_as_written(network: Path, run) -> None:
    """load_report_file gives a version 1 report's JSON as written."""
    v1, _v2 = _write_both(run, "r")
    assert load_report_file(v1).data == json.loads(v1.read_bytes())


@pytest.mark.parametrize(("old", "new"), [("1", "2"), ("2", "1"), ("2", "2")])
def test_compare_reads_either_version_on_either_side(network: Path, run, old: str, new: str) -> None:
    """fsaudit compare lists the same failures whatever version each report is written in."""
    before = _write_both(run, "old")
    _change_network()
    after = _write_both(run, "new")

    def lists(old_path: Path, new_path: Path) -> dict[str, Any]:
        code, out, _err = run("compare", str(old_path), str(new_path), "--format", "json")
        data = json.loads(out)
        return {"code": code, **{k: v for k, v in data.items() if k.endswith("_failures") or k == "summary"}}

    expected = lists(before[0], after[0])
    assert [(f["structure"], f["rule"]) for f in expected["new_failures"]] == [
        ("32-A", "FS-HOR-01"),
        ("32-A", "FS-HOR-02"),
    ]
    assert lists(before[int(old) - 1], after[int(new) - 1]) == expected


def test_baseline_of_version_2_gates_like_version_1(network: Path, run) -> None:
    """--baseline given a version 2 report gives the same exit code and comparison as given version 1."""
    base = _write_both(run, "base")
    _change_network()
    outcomes = []
    for path in base:
        code, _out, err = run(
            "audit", "decl", "--as-of", AS_OF, "--baseline", str(path), "-f", "json", "-o", f"new-{path.name}"
        )
        comparison = json.loads(Path(f"new-{path.name}").read_bytes())["baseline"]
        del comparison["file"], comparison["sha256"]
        outcomes.append((code, err.replace(path.name, "BASE"), comparison))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0][:2] == (
        1,
        "fsaudit : référence BASE : 2 nouveau(x) constat(s) non conforme(s) dont 2 de gravité majeur ou plus, "
        "2 corrigé(s), 0 dérogé(s), 2 déjà connu(s)\n",
    )


def _rule_id_number(doc: dict[str, Any]) -> None:
    doc["structures"][0]["results"][0][0] = 5


def _row_too_short(doc: dict[str, Any]) -> None:
    del doc["structures"][0]["results"][0][4:]


def _extra_not_an_object(doc: dict[str, Any]) -> None:
    doc["structures"][0]["results"][0][5:] = [["manual"]]


def _negative_decision(doc: dict[str, Any]) -> None:
    doc["structures"][1]["decision"] = -1


def _message_outside_strings(doc: dict[str, Any]) -> None:
    doc["structures"][0]["results"][2][2] = len(doc["strings"])


def _place_as_a_decimal(doc: dict[str, Any]) -> None:
    doc["structures"][0]["results"][1][3] = 1.0


def _unknown_rule(doc: dict[str, Any]) -> None:
    doc["structures"][0]["results"][0][0] = "XX-01"


def _no_places(doc: dict[str, Any]) -> None:
    del doc["places"]


BROKEN: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_rule_id_number, "$.structures[0].results[0][0] : type incorrect : attendu un texte, reçu le nombre 5"),
    (_row_too_short, "$.structures[0].results[0] : liste trop courte : au moins 5 élément(s) attendu(s)"),
    (
        _extra_not_an_object,
        "$.structures[0].results[0][5] : type incorrect : attendu un objet, reçu une liste",
    ),
    (_negative_decision, "$.structures[1].decision : valeur trop petite : le nombre -1 ; minimum 0"),
    (
        _message_outside_strings,
        "$.structures[0].results[2][2] : renvoi {strings} hors de la table « strings » ({strings} entrée(s))",
    ),
    (
        _place_as_a_decimal,
        "$.structures[0].results[1][3] : renvoi 1.0 hors de la table « places » ({places} entrée(s))",
    ),
    (_unknown_rule, "$.structures[0].results[0] : gravité absente : la règle « XX-01 » n'est pas dans « rules »"),
    (_no_places, "$.places : champ obligatoire « places » manquant"),
]


@pytest.fixture
def v2_document(network: Path, run) -> dict[str, Any]:
    """The version 2 report of the network, as loaded from JSON."""
    _v1, v2 = _write_both(run, "r")
    return dict(json.loads(v2.read_bytes()))


@pytest.mark.parametrize(("breaks", "message"), BROKEN, ids=[b.__name__ for b, _m in BROKEN])
def test_broken_v2_report_is_refused_saying_where(
    v2_document: dict[str, Any], breaks: Callable[[dict[str, Any]], None], message: str
) -> None:
    """A version 2 report broken in one place is refused with its JSON path and what is expected."""
    sizes = {"strings": len(v2_document["strings"]), "places": len(v2_document["places"])}
    breaks(v2_document)
    Path("broken.json").write_text(json.dumps(v2_document), encoding="utf-8")
    with pytest.raises(ReportFileError) as caught:
        load_report_file("broken.json")
    assert str(caught.value) == (
        f"broken.json:{message.format(**sizes)} ; attendu un rapport JSON de fsaudit (--format json)"
    )


@pytest.mark.parametrize("breaks", [None, *(b for b, _m in BROKEN)], ids=["valid", *(b.__name__ for b, _m in BROKEN)])
def test_compiled_subset_check_agrees_with_jsonschema(
    v2_document: dict[str, Any], breaks: Callable[[dict[str, Any]], None] | None
) -> None:
    """The compiled (jsonschema-rs) check accepts a report exactly when jsonschema finds no problem in it."""
    if breaks is not None:
        breaks(v2_document)
    full = list(_subset_validator("2").iter_errors(v2_document))
    assert _fast_subset_check("2")(v2_document) is (not full)
