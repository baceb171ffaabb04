"""Waivers (dérogations): life cycle, effect on status, decision, score and exit code; file errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from networks import AS_OF
from report_json import read_v1

from fsaudit.report.json_contract import report_to_dict
from fsaudit.run.engine import audit
from fsaudit.run.waivers import load_waivers
from fsaudit.testing import result_of

BASE = {
    "justification": "Travaux dans la mairie : ouverture réduite",
    "approver": "Préfecture du Gers",
    "legal_basis": "Courrier du préfet du 3 mars 2025",
}


def waiver(
    structure: str, rule: str, start: str = "2025-01-01", expiry: str = "2025-12-31", **more: Any
) -> dict[str, Any]:
    return {"structure": structure, "rule": rule, **BASE, "start": start, "expiry": expiry, **more}


def write_waivers(items: list[dict[str, Any]], name: str = "derogations.json") -> str:
    Path(name).write_text(json.dumps({"waivers": items}, ensure_ascii=False, indent=2), encoding="utf-8")
    return name


def audit_with(items: list[dict[str, Any]]) -> Any:
    paths = [str(p) for p in Path("decl").rglob("*.json")]
    return audit(paths, as_of=dt.date.fromisoformat(AS_OF), waivers=write_waivers(items))


def test_active_waiver_turns_failure_into_waived(network: Path) -> None:
    """A waiver in force turns the fail result into ``waived`` carrying the waiver."""
    report = audit_with([waiver("32-B", "FS-HOR-01")])
    result = result_of(report, "FS-HOR-01", "32-B")
    assert result.status.value == "waived"
    assert (result.waiver["approver"], result.waiver["original_status"], result.waiver["location"]) == (
        "Préfecture du Gers",
        "fail",
        "$.waivers[0]",
    )


def test_waived_failure_no_longer_drives_the_decision(network: Path) -> None:
    """With both blocking failures waived, the labelled structure keeps its label."""
    report = audit_with([waiver("32-B", "FS-HOR-01"), waiver("32-B", "FS-HOR-02")])
    decision = next(s.decision for s in report.structures if s.id == "32-B")
    assert decision.code.value == "maintien"


def test_waived_failure_no_longer_fails_the_run(network: Path, run) -> None:
    """The exit code is 0 when every failure at --fail-on is waived."""
    path = write_waivers([waiver(s, r) for s in ("32-B", "32-C") for r in ("FS-HOR-01", "FS-HOR-02")])
    code, _out, _err = run("audit", "decl", "--as-of", AS_OF, "--waivers", path, "-f", "json")
    assert code == 0


def test_expired_waiver_does_not_apply_and_is_reported(network: Path) -> None:
    """A waiver whose expiry is before the audit date leaves the failure and is listed as expired."""
    report = audit_with([waiver("32-B", "FS-HOR-01", "2024-01-01", "2025-08-31")])
    assert result_of(report, "FS-HOR-01", "32-B").status.value == "fail"
    expired = report.waivers.data["expired"]
    assert [(e["structure"], e["would_apply"], e["message"]) for e in expired] == [
        ("32-B", True, "dérogation expirée le 31/08/2025 : elle ne couvre plus FS-HOR-01 pour 32-B")
    ]


def test_waiver_expiring_on_the_audit_date_still_applies(network: Path) -> None:
    """The expiry date is the last day the waiver applies."""
    report = audit_with([waiver("32-B", "FS-HOR-01", "2025-01-01", AS_OF)])
    assert result_of(report, "FS-HOR-01", "32-B").status.value == "waived"


def test_waiver_not_yet_started_does_not_apply(network: Path) -> None:
    """A waiver starting after the audit date leaves the failure and is listed as not started."""
    report = audit_with([waiver("32-B", "FS-HOR-01", "2025-10-01", "2026-06-30")])
    assert result_of(report, "FS-HOR-01", "32-B").status.value == "fail"
    assert [e["message"] for e in report.waivers.data["not_started"]] == [
        "dérogation en vigueur à partir du 01/10/2025 seulement : elle ne couvre pas encore FS-HOR-01 pour 32-B"
    ]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (waiver("32-A", "FS-HOR-01"), "aucun constat non conforme ni avertissement à couvrir (statut : conforme)"),
        (waiver("99-Z", "FS-HOR-01"), "structure 99-Z absente des déclarations auditées"),
        (waiver("32-B", "XX-ZZZ-01"), "règle XX-ZZZ-01 inconnue (ou son plugin est désactivé)"),
        (
            waiver("32-B", "FS-HOR-01", field="conseillers"),
            "le constat ne porte pas sur le champ conseillers (champ du constat : opening_hours)",
        ),
    ],
)
def test_waiver_matching_nothing_is_reported_with_its_reason(network: Path, item: dict[str, Any], reason: str) -> None:
    """An unused waiver is listed with why it matched no finding."""
    report = audit_with([item])
    (unused,) = report.waivers.data["unused"]
    assert unused["message"] == f"dérogation sans objet pour {item['rule']} et {item['structure']} : {reason}"


def test_waiver_on_a_field_covers_findings_below_it(network: Path) -> None:
    """A waiver with ``field`` applies to a finding on that field."""
    report = audit_with([waiver("32-B", "FS-HOR-01", field="opening_hours")])
    assert result_of(report, "FS-HOR-01", "32-B").status.value == "waived"


def test_second_waiver_for_the_same_finding_is_unused(network: Path) -> None:
    """The first waiver in the file applies; a duplicate is reported as unused."""
    report = audit_with([waiver("32-B", "FS-HOR-01"), waiver("32-B", "FS-HOR-01")])
    (unused,) = report.waivers.data["unused"]
    assert (unused["location"], unused["message"].split(" : ")[-1]) == (
        "$.waivers[1]",
        "une autre dérogation couvre déjà ce constat",
    )


def test_score_is_given_with_and_without_waivers(network: Path) -> None:
    """The structure score counts the waived criterion as met; the waiver summary gives the score without."""
    report = audit_with([waiver("32-B", "FS-HOR-01")])
    (scores,) = report.waivers.data["scores"]
    structure = next(s for s in report.structures if s.id == "32-B")
    assert scores["structure"] == "32-B"
    assert scores["score"] == structure.score
    assert scores["score_without_waivers"] < scores["score"]


def test_text_report_shows_score_without_waivers_and_the_waivers(network: Path, run) -> None:
    """The terminal report gives both scores and lists the waivers."""
    path = write_waivers([waiver("32-B", "FS-HOR-01"), waiver("32-B", "FS-HOR-02", "2024-01-01", "2024-12-31")])
    _code, out, _err = run("audit", "decl/b.json", "--as-of", AS_OF, "--waivers", path)
    assert "% sans dérogation)" in out
    assert "Dérogations (derogations.json) : 1 appliquée(s), 1 expirée(s), 0 pas encore en vigueur, 0 sans objet" in out


def test_waiver_file_hash_is_in_the_json_report(network: Path) -> None:
    """The JSON report records the waiver file and its SHA-256 (provenance)."""
    report = report_to_dict(audit_with([waiver("32-B", "FS-HOR-01")]))
    digest = hashlib.sha256(Path("derogations.json").read_bytes()).hexdigest()
    assert (report["waivers"]["file"], report["waivers"]["sha256"]) == ("derogations.json", digest)


def test_toml_waivers_are_read(tmp_path: Path) -> None:
    """A TOML file with [[waivers]] tables and native dates gives the same waivers as JSON."""
    path = tmp_path / "d.toml"
    path.write_text(
        '[[waivers]]\nstructure = "32-B"\nrule = "FS-HOR-01"\njustification = "j"\napprover = "a"\n'
        'legal_basis = "b"\nstart = 2025-01-01\nexpiry = 2025-12-31\n',
        encoding="utf-8",
    )
    loaded = load_waivers(path)
    assert loaded.problems == ()
    assert [(w.structure, w.rule, w.start, w.expiry, w.location) for w in loaded.waivers] == [
        ("32-B", "FS-HOR-01", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "ligne 1 (dérogation n° 1)")
    ]


def test_invalid_json_waivers_are_reported_with_json_paths(tmp_path: Path) -> None:
    """Schema errors give French messages at their JSON path, with the line and column of the value
    (of its object for a missing key); the valid waivers still load."""
    path = tmp_path / "d.json"
    bad = {
        "structure": "32-B",
        "rule": "FS-HOR-01",
        "justification": "",
        "approver": "a",
        "start": "2025-02-30",
        "expiry": "2025-12-31",
        "motif": "x",
    }
    path.write_text(json.dumps({"waivers": [waiver("32-C", "FS-HOR-01"), bad]}, indent=2), encoding="utf-8")
    loaded = load_waivers(path)
    assert [(p.location, p.message) for p in loaded.problems] == [
        ("$.waivers[1].justification (ligne 15, colonne 24)", "texte vide : une valeur est attendue"),
        (
            "$.waivers[1].legal_basis (ligne 12, colonne 5)",
            "champ obligatoire « legal_basis » (fondement juridique) manquant",
        ),
        (
            "$.waivers[1].motif (ligne 19, colonne 16)",
            "champ inconnu « motif » (champs admis : approver (autorité qui l'accorde), expiry (dernier jour couvert), "
            "field (champ de la déclaration), justification (raison de la dérogation), legal_basis (fondement "
            "juridique), rule (règle), start (premier jour couvert), structure (identifiant de la structure))",
        ),
        (
            "$.waivers[1].start (ligne 17, colonne 16)",
            "date inexistante : « 2025-02-30 » ; attendu une date du calendrier, AAAA-MM-JJ ou JJ/MM/AAAA",
        ),
    ]
    assert [w.structure for w in loaded.waivers] == ["32-C"]


def test_invalid_toml_waiver_locations_name_the_line(tmp_path: Path) -> None:
    """In TOML, a problem names the line of the field in its [[waivers]] table, and the field."""
    path = tmp_path / "d.toml"
    path.write_text(
        '# dérogations\n\n[[waivers]]\nstructure = "32-B"\nrule = "FS-HOR-01"\njustification = "j"\n'
        'approver = "a"\nlegal_basis = "b"\nstart = 2025-06-01\nexpiry = 2025-01-31\n',
        encoding="utf-8",
    )
    assert [(p.location, p.message) for p in load_waivers(path).problems] == [
        (
            "ligne 10 (dérogation n° 1, champ expiry (dernier jour couvert))",
            "fin de validité (31/01/2025) antérieure au début (01/06/2025)",
        )
    ]


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    """A TOML syntax error is one problem with its line and column, in French."""
    path = tmp_path / "d.toml"
    path.write_text('[[waivers]]\nstructure "32-B"\n', encoding="utf-8")
    assert [(p.location, p.message) for p in load_waivers(path).problems] == [
        ("ligne 2, colonne 11", "TOML invalide : « = » attendu après le nom du champ")
    ]


def test_waiver_file_problems_are_input_errors(network: Path, run) -> None:
    """A waiver file with a problem makes the run exit 3, naming the file and the location."""
    Path("bad.json").write_text('{"waivers": [{"structure": 1}]}', encoding="utf-8")
    code, _out, err = run("audit", "decl/2.json", "--as-of", AS_OF, "--waivers", "bad.json", "-f", "json")
    assert code == 3
    assert (
        "fsaudit : erreur de saisie : bad.json:$.waivers[0].structure (ligne 1, colonne 28) : type incorrect : "
        "attendu un texte, reçu le nombre 1\n"
    ) in err


def test_missing_waiver_file_is_a_usage_error(network: Path, run) -> None:
    """--waivers naming no file exits 2."""
    code, _out, err = run("audit", "decl/2.json", "--waivers", "absent.toml")
    assert (code, err) == (2, "fsaudit : erreur : fichier de dérogations introuvable : absent.toml\n")


def toml_waiver(structure: str, start: str = "2025-01-01", expiry: str = "2025-12-31") -> str:
    return (
        f'[[waivers]]\nstructure = "{structure}"\nrule = "FS-HOR-01"\njustification = "j"\napprover = "a"\n'
        f'legal_basis = "b"\nstart = {start}\nexpiry = {expiry}\n\n'
    )


def test_toml_waiver_with_an_impossible_date_loses_only_itself(tmp_path: Path) -> None:
    """A TOML date that does not exist (2025-02-30) is reported at its line, as a day that does not
    exist (it was blamed on its format); the other waivers load."""
    path = tmp_path / "d.toml"
    path.write_text(
        toml_waiver("32-A") + toml_waiver("32-B", expiry="2025-02-30") + toml_waiver("32-C"), encoding="utf-8"
    )
    loaded = load_waivers(path)
    assert [(p.location, p.message) for p in loaded.problems] == [
        (
            "ligne 17, colonne 10 (dérogation n° 2)",
            "TOML invalide : date « 2025-02-30 » inexistante : ce jour n'existe pas dans ce mois",
        )
    ]
    assert [(w.structure, w.location) for w in loaded.waivers] == [
        ("32-A", "ligne 1 (dérogation n° 1)"),
        ("32-C", "ligne 19 (dérogation n° 3)"),
    ]


def test_toml_french_date_without_quotes_says_how_to_write_it(tmp_path: Path) -> None:
    """``expiry = 31/12/2025`` (not TOML) is reported at its line with the two ways to write it."""
    path = tmp_path / "d.toml"
    path.write_text(toml_waiver("32-A", expiry="31/12/2025") + toml_waiver("32-B"), encoding="utf-8")
    loaded = load_waivers(path)
    assert [(p.location, p.message) for p in loaded.problems] == [
        (
            "ligne 8, colonne 12 (dérogation n° 1)",
            'TOML invalide : date « 31/12/2025 » à écrire entre guillemets ("31/12/2025") ou sous la forme AAAA-MM-JJ',
        )
    ]
    assert [w.structure for w in loaded.waivers] == ["32-B"]


@pytest.mark.parametrize("name", ["d.json", "d.toml"])
def test_waiver_dates_accept_jj_mm_aaaa(tmp_path: Path, name: str) -> None:
    """Dates are read as AAAA-MM-JJ or JJ/MM/AAAA, in JSON and (quoted) in TOML."""
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(
            json.dumps({"waivers": [waiver("32-B", "FS-HOR-01", "01/03/2025", "2025-09-30")]}), encoding="utf-8"
        )
    else:
        path.write_text(toml_waiver("32-B", start='"01/03/2025"', expiry="2025-09-30"), encoding="utf-8")
    loaded = load_waivers(path)
    assert loaded.problems == ()
    assert [(w.start, w.expiry) for w in loaded.waivers] == [(dt.date(2025, 3, 1), dt.date(2025, 9, 30))]


def test_each_bad_json_waiver_is_reported_and_the_others_apply(network: Path, run) -> None:
    """Two waivers with bad dates are each reported at their JSON path and line; the valid one still applies
    (its failure is waived) and the run exits 3 for the file's errors."""
    items = [
        waiver("32-B", "FS-HOR-01", "2025-1-1"),
        waiver("32-B", "FS-HOR-02"),
        waiver("32-C", "FS-HOR-01", expiry="31/02/2025"),
    ]
    path = write_waivers(items)
    code, _out, _err = run("audit", "decl", "--as-of", AS_OF, "--waivers", path, "-f", "json", "-o", "r.json")
    report = read_v1("r.json")
    assert code == 3
    assert [(e["location"], e["message"]) for e in report["errors"]] == [
        ("$.waivers[0].start (ligne 9, colonne 16)", "date invalide : « 2025-1-1 » ; attendu AAAA-MM-JJ ou JJ/MM/AAAA"),
        (
            "$.waivers[2].expiry (ligne 28, colonne 17)",
            "date inexistante : « 31/02/2025 » ; attendu une date du calendrier, AAAA-MM-JJ ou JJ/MM/AAAA",
        ),
    ]
    statuses = {(s["id"], r["rule"]): r["status"] for s in report["structures"] for r in s["results"]}
    assert (statuses[("32-B", "FS-HOR-02")], statuses[("32-B", "FS-HOR-01")], statuses[("32-C", "FS-HOR-01")]) == (
        "waived",
        "fail",
        "fail",
    )
