"""Baselines (--baseline) gate on new failures only; ``fsaudit compare`` lists new, fixed, unchanged."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from networks import AS_OF, SHORT_WEEK, structure, waive, write_declaration


def make_baseline(run) -> str:
    code, _out, _err = run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "base.json")
    assert code == 1
    return "base.json"


def test_known_failures_do_not_fail_the_run(network: Path, run) -> None:
    """With the previous report as baseline, unchanged failures give exit code 0."""
    base = make_baseline(run)
    code, _out, err = run("audit", "decl", "--as-of", AS_OF, "--baseline", base, "-f", "json", "-o", "new.json")
    assert code == 0
    assert err == (
        "fsaudit : référence base.json : 0 nouveau(x) constat(s) non conforme(s) dont 0 de gravité majeur ou plus, "
        "0 corrigé(s), 0 dérogé(s), 4 déjà connu(s)\n"
    )


def test_new_failure_fails_the_run(network: Path, run) -> None:
    """A failure absent from the baseline gives exit code 1 and is listed as new."""
    base = make_baseline(run)
    write_declaration(Path("decl/2.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    code, _out, _err = run("audit", "decl", "--as-of", AS_OF, "--baseline", base, "-f", "json", "-o", "new.json")
    report = json.loads(Path("new.json").read_text(encoding="utf-8"))
    assert code == 1
    assert [(f["structure"], f["rule"]) for f in report["baseline"]["new"]] == [
        ("32-A", "FS-HOR-01"),
        ("32-A", "FS-HOR-02"),
    ]


def test_baseline_is_keyed_on_ids_not_rows_or_files(network: Path, run) -> None:
    """Moving a failing structure to another file and row does not make its failures new."""
    base = make_baseline(run)
    Path("decl/b.json").unlink()
    write_declaration(
        Path("decl/10.json"), [structure("32-D"), structure("32-E"), structure("32-B", opening_hours=SHORT_WEEK)]
    )
    code, _out, _err = run("audit", "decl", "--as-of", AS_OF, "--baseline", base, "-f", "json", "-o", "new.json")
    report = json.loads(Path("new.json").read_text(encoding="utf-8"))
    assert code == 0
    assert (report["baseline"]["new"], len(report["baseline"]["unchanged"])) == ([], 4)


def test_fixed_failures_are_listed(network: Path, run) -> None:
    """A failure of the baseline that no longer fails is listed as fixed."""
    base = make_baseline(run)
    write_declaration(Path("decl/b.json"), [structure("32-B")])
    run("audit", "decl", "--as-of", AS_OF, "--baseline", base, "-f", "json", "-o", "new.json")
    report = json.loads(Path("new.json").read_text(encoding="utf-8"))
    assert [(f["structure"], f["rule"]) for f in report["baseline"]["fixed"]] == [
        ("32-B", "FS-HOR-01"),
        ("32-B", "FS-HOR-02"),
    ]


def test_failures_of_data_not_read_are_not_fixed(network: Path, run) -> None:
    """A failure whose file is no longer read (truncated), or whose rule is now « à vérifier » on
    facts not read, is neither fixed nor unchanged: « non réévalué », in the baseline, the
    comparison and their text (the baseline called them « corrigé »)."""
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "base.json")
    Path("decl/b.json").write_text('{"structures": [', encoding="utf-8")  # 32-B's file, truncated
    data = json.loads(Path("decl/sud/c.json").read_text(encoding="utf-8"))
    data["structures"][0]["opening_hours"]["monday"] = "neuf heures"  # 32-C's hours, unreadable
    Path("decl/sud/c.json").write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = run("audit", "decl", "--as-of", AS_OF, "--baseline", "base.json", "-f", "json", "-o", "r.json")
    assert code == 3  # the truncated file: an input error, whatever the baseline
    baseline = json.loads(Path("r.json").read_text(encoding="utf-8"))["baseline"]
    assert baseline["fixed"] == []
    unassessed = {(f["structure"], f["rule"]) for f in baseline["unassessed"]}
    assert unassessed == {("32-B", "FS-HOR-01"), ("32-B", "FS-HOR-02"), ("32-C", "FS-HOR-01"), ("32-C", "FS-HOR-02")}
    assert "0 corrigé(s)" in err and "4 non réévalué(s)" in err
    code, out, _err = run("compare", "base.json", "r.json")
    assert code == 0
    assert "0 corrigé(s)" in out and "4 non réévalué(s)" in out
    assert "  ? 32-B FS-HOR-01 (bloquant)" in out
    _code, out, _err = run("compare", "base.json", "r.json", "--format", "json")
    summary = json.loads(out)["summary"]
    assert (summary["fixed"], summary["unassessed"]) == (0, 4)


def test_baseline_provenance_is_recorded(network: Path, run) -> None:
    """The report names the baseline file with its hash, referential and audit date."""
    import hashlib

    base = make_baseline(run)
    run("audit", "decl", "--as-of", AS_OF, "--baseline", base, "-f", "json", "-o", "new.json")
    extra = json.loads(Path("new.json").read_text(encoding="utf-8"))["baseline"]
    assert (extra["file"], extra["sha256"], extra["referential"], extra["as_of"]) == (
        "base.json",
        hashlib.sha256(Path(base).read_bytes()).hexdigest(),
        "charte-2025",
        AS_OF,
    )


def test_input_errors_still_fail_with_a_baseline(network: Path, run) -> None:
    """A baseline does not hide an unreadable input: exit code 3."""
    base = make_baseline(run)
    Path("decl/broken.json").write_text("{", encoding="utf-8")
    code, _out, _err = run("audit", "decl", "--as-of", AS_OF, "--baseline", base, "-f", "json", "-o", "new.json")
    assert code == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2", "base.json:ligne 1, colonne 6 : JSON invalide (attendu un rapport JSON de fsaudit)"),
        (
            '{"structures": []}',
            "base.json:$.report_version : champ obligatoire « report_version » manquant ; "
            "attendu un rapport JSON de fsaudit (--format json)",
        ),
        (
            '{"report_version": "2.0", "structures": []}',
            "base.json:$.decisions : champ obligatoire « decisions » manquant (et 4 autre(s) problème(s)) ; "
            "attendu un rapport JSON de fsaudit (--format json)",
        ),
        (
            '{"report_version": "3.0", "structures": []}',
            "base.json:$.report_version : version de rapport 3.0 non prise en charge (attendu 1.x ou 2.x)",
        ),
    ],
)
def test_unusable_baseline_is_a_usage_error(network: Path, run, content: str, message: str) -> None:
    """A baseline that is not an fsaudit JSON report exits 2 saying where and what is expected."""
    Path("base.json").write_text(content, encoding="utf-8")
    code, _out, err = run("audit", "decl", "--baseline", "base.json")
    assert (code, err) == (2, f"fsaudit : erreur : référence --baseline inutilisable : {message}\n")


def compare_pair(run) -> tuple[str, str]:
    make_baseline(run)
    write_declaration(Path("decl/2.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    write_declaration(Path("decl/b.json"), [structure("32-B")])
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "new.json")
    return "base.json", "new.json"


def test_compare_lists_new_fixed_and_unchanged_failures(network: Path, run) -> None:
    """``fsaudit compare --format json`` gives the three lists keyed on structure and rule."""
    old, new = compare_pair(run)
    code, out, _err = run("compare", old, new, "--format", "json")
    data = json.loads(out)
    keys = {
        name: [(f["structure"], f["rule"]) for f in data[f"{name}_failures"]] for name in ("new", "fixed", "unchanged")
    }
    assert keys == {
        "new": [("32-A", "FS-HOR-01"), ("32-A", "FS-HOR-02")],
        "fixed": [("32-B", "FS-HOR-01"), ("32-B", "FS-HOR-02")],
        "unchanged": [("32-C", "FS-HOR-01"), ("32-C", "FS-HOR-02")],
    }
    assert code == 1


def test_compare_text_is_french(network: Path, run) -> None:
    """The text comparison starts with the counts in French."""
    old, new = compare_pair(run)
    _code, out, _err = run("compare", old, new)
    assert out.splitlines()[1] == "Constats non conformes : 2 nouveau(x), 2 corrigé(s), 0 dérogé(s), 2 inchangé(s)"


def test_compare_markdown_lists_new_failures(network: Path, run) -> None:
    """The Markdown comparison has a table of new failures."""
    old, new = compare_pair(run)
    _code, out, _err = run("compare", old, new, "--format", "markdown")
    assert "### Nouveaux constats" in out
    assert "| 32-A | FS-HOR-01 | bloquant | ouverture de 9 h par semaine, sous le minimum de 24 h |" in out


def test_compare_exit_code_follows_fail_on(network: Path, run) -> None:
    """Without new failures the comparison exits 0."""
    make_baseline(run)
    code, _out, _err = run("compare", "base.json", "base.json")
    assert code == 0


def test_compare_missing_file_is_a_usage_error(network: Path, run) -> None:
    """A missing report exits 2 naming it."""
    code, _out, err = run("compare", "a.json", "b.json")
    assert (code, err) == (2, "fsaudit : erreur : a.json : fichier introuvable\n")


def waived_pair(run) -> tuple[str, str]:
    """The baseline, and a new report where the failure 32-B FS-HOR-01 is waived."""
    make_baseline(run)
    run("audit", "decl", "--as-of", AS_OF, "--waivers", waive("32-B", "FS-HOR-01"), "-f", "json", "-o", "new.json")
    return "base.json", "new.json"


def test_compare_lists_a_waived_failure_as_waived_not_fixed(network: Path, run) -> None:
    """A failure still found but covered by a waiver is *dérogé* in ``fsaudit compare``, never *corrigé*."""
    old, new = waived_pair(run)
    _code, out, _err = run("compare", old, new, "--format", "json")
    data = json.loads(out)
    assert [(f["structure"], f["rule"]) for f in data["waived_failures"]] == [("32-B", "FS-HOR-01")]
    assert (data["fixed_failures"], data["summary"]) == (
        [],
        {"new": 0, "fixed": 0, "waived": 1, "unchanged": 3, "unassessed": 0, "requalified": 0},
    )


def test_compare_text_says_derogé(network: Path, run) -> None:
    """The text comparison counts and lists the waived failure as « dérogé »."""
    old, new = waived_pair(run)
    _code, out, _err = run("compare", old, new)
    lines = out.splitlines()
    assert lines[1] == "Constats non conformes : 0 nouveau(x), 0 corrigé(s), 1 dérogé(s), 3 inchangé(s)"
    start = lines.index("Constats dérogés (toujours constatés, couverts par une dérogation) :")
    assert lines[start + 1] == (
        "  ≈ 32-B FS-HOR-01 (bloquant) : ouverture de 9 h par semaine, sous le minimum de 24 h "
        "[decl/b.json $.structures[0].opening_hours]"
    )


def test_baseline_counts_a_waived_failure_apart(network: Path, run) -> None:
    """With --baseline, a failure of the baseline now waived is listed under ``waived``, not ``fixed``."""
    base = make_baseline(run)
    code, _out, err = run(
        "audit",
        "decl",
        "--as-of",
        AS_OF,
        "--baseline",
        base,
        "--waivers",
        waive("32-B", "FS-HOR-01"),
        "-f",
        "json",
        "-o",
        "new.json",
    )
    extra = json.loads(Path("new.json").read_text(encoding="utf-8"))["baseline"]
    assert code == 0
    assert ([(f["structure"], f["rule"]) for f in extra["waived"]], extra["fixed"]) == ([("32-B", "FS-HOR-01")], [])
    assert "0 corrigé(s), 1 dérogé(s), 3 déjà connu(s)" in err


def _junit_case(path: str, structure_id: str, rule: str) -> ET.Element:
    root = ET.parse(path).getroot()
    return next(
        c for c in root.iter("testcase") if c.get("classname") == structure_id and c.get("name", "").startswith(rule)
    )


def test_junit_known_failure_is_skipped_and_a_new_one_fails(network: Path, run) -> None:
    """With --baseline, a failure already in the baseline is <skipped> « déjà connu »; a new one is <failure>."""
    base = make_baseline(run)
    write_declaration(Path("decl/2.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    code, _out, _err = run("audit", "decl", "--as-of", AS_OF, "--baseline", base, "-f", "junit", "-o", "r.xml")
    assert code == 1
    new = _junit_case("r.xml", "32-A", "FS-HOR-01")
    known = _junit_case("r.xml", "32-B", "FS-HOR-01")
    assert [child.tag for child in new] == ["failure"]
    assert [child.tag for child in known] == ["skipped"]
    assert known.find("skipped").get("message") == (
        "constat non conforme déjà connu (référence base.json) : ouverture de 9 h par semaine, sous le minimum de 24 h"
    )
    root = ET.parse("r.xml").getroot()
    assert root.get("failures") == "2"  # the two new failures of 32-A; the four known ones are skipped


def test_sarif_every_result_carries_a_baseline_state(network: Path, run) -> None:
    """With --baseline, every SARIF result has baselineState, whatever its level: a new failure and a
    new warning are « new », a known failure « unchanged », a failure now waived « updated »."""
    import attrs

    from fsaudit.model import declaration as model

    base = make_baseline(run)
    write_declaration(Path("decl/2.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    write_declaration(
        Path("decl/bus.json"), [attrs.evolve(structure("32-F", opening_hours=SHORT_WEEK), format=model.Format.BUS)]
    )
    run(
        "audit",
        "decl",
        "--as-of",
        AS_OF,
        "--baseline",
        base,
        "--waivers",
        waive("32-B", "FS-HOR-01"),
        "-f",
        "sarif",
        "-o",
        "r.sarif",
    )
    results = json.loads(Path("r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    states = {(r["properties"]["structure"], r["ruleId"], r["level"]): r.get("baselineState") for r in results}
    assert states == {
        ("32-A", "FS-HOR-01", "error"): "new",
        ("32-A", "FS-HOR-02", "error"): "new",
        ("32-B", "FS-HOR-01", "error"): "updated",
        ("32-B", "FS-HOR-02", "error"): "unchanged",
        ("32-C", "FS-HOR-01", "error"): "unchanged",
        ("32-C", "FS-HOR-02", "error"): "unchanged",
        ("32-F", "FS-HOR-01", "warning"): "new",
        ("32-F", "FS-HOR-02", "warning"): "new",
        # The laïcité check the auditor answers (level none): known for the structures already audited.
        **{(sid, "FS-MIS-01", "none"): "unchanged" for sid in ("32-A", "32-B", "32-C", "32-D", "32-E")},
        ("32-F", "FS-MIS-01", "none"): "new",
    }


def test_sarif_input_problem_carries_a_baseline_state(network: Path, run) -> None:
    """An input error absent from the baseline is a SARIF result « new »; present in it, « unchanged »."""
    Path("decl/broken.json").write_text("{", encoding="utf-8")
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "base.json")
    Path("decl/autre.json").write_text("[", encoding="utf-8")
    run("audit", "decl", "--as-of", AS_OF, "--baseline", "base.json", "-f", "sarif", "-o", "r.sarif")
    results = json.loads(Path("r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    states = [
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["baselineState"])
        for r in results
        if r["ruleId"] == "saisie/donnee-illisible"
    ]
    assert states == [("decl/autre.json", "new"), ("decl/broken.json", "unchanged")]


def test_sarif_on_identical_input_with_a_shared_id_is_all_unchanged(network: Path, run) -> None:
    """Two structures share an id (FS-NET-01), one with its hours « à vérifier », the other not:
    the same input against its own baseline gives no « new » result (each was compared with the
    first of its id)."""
    import attrs

    write_declaration(Path("decl/10.json"), [structure("32-D"), attrs.evolve(structure("32-D"), opening_hours=None)])
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "base.json")
    run("audit", "decl", "--as-of", AS_OF, "--baseline", "base.json", "-f", "sarif", "-o", "r.sarif")
    results = json.loads(Path("r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert {r["baselineState"] for r in results} == {"unchanged"}


def test_compare_with_a_report_filtered_by_departement_compares_its_departements(network: Path, run) -> None:
    """A report filtered by --departement shows some structures of the audit, not all: the
    comparison is limited to its départements, and says so; the others are neither new nor fixed."""
    write_declaration(Path("decl/46.json"), [structure("46-A", departement="46", opening_hours=SHORT_WEEK)])
    run("audit", "decl", "--as-of", AS_OF, "--departement", "32", "-f", "json", "-o", "base.json")
    whole = run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "new.json")
    assert whole[0] == 1
    code, out, _err = run("compare", "base.json", "new.json", "--format", "json")
    data = json.loads(out)
    assert (data["departements"], data["summary"]["new"], data["summary"]["unchanged"]) == (["32"], 0, 4)
    _code, text, _err = run("compare", "base.json", "new.json")
    assert text.splitlines()[1] == (
        "Comparaison limitée aux structures des départements 32 (rapport filtré par --departement)"
    )
    code, _out, err = run("audit", "decl", "--as-of", AS_OF, "--baseline", "base.json", "-f", "json", "-o", "b.json")
    baseline = json.loads(Path("b.json").read_text(encoding="utf-8"))["baseline"]
    assert (code, baseline["departements"], baseline["new"], baseline["changed"]) == (0, ["32"], [], [])
    assert err.endswith("(comparaison limitée aux départements 32 : rapport filtré par --departement)\n")


def test_a_report_filtered_by_status_cannot_be_compared(network: Path, run) -> None:
    """A report filtered by --statut (or --decision, --regle) holds part of each structure's
    results: refused as a reference, saying why and what filter is admitted."""
    run("audit", "decl", "--as-of", AS_OF, "--statut", "fail", "-f", "json", "-o", "base.json")
    code, _out, err = run("compare", "base.json", "base.json")
    assert code == 2
    assert err == (
        "fsaudit : erreur : base.json:$.filter : rapport filtré (statut non conforme) : il ne montre qu'une "
        "partie des résultats de chaque structure, qui ne peut être comparée ; produire le "
        "rapport sans --decision, --regle ni --statut (--departement est admis : la comparaison se limite alors à "
        "ses départements)\n"
    )


def test_failures_of_a_structure_that_became_a_bus_are_requalified_not_fixed(network: Path, run) -> None:
    """32-B short of hours becomes a bus (its failures now warnings) and 32-C an antenne (its hours
    rules sans objet): neither is a correction, « requalifié » in compare and in the baseline."""
    from fsaudit.model import declaration as model

    make_baseline(run)
    write_declaration(Path("decl/b.json"), [structure("32-B", opening_hours=SHORT_WEEK, format=model.Format.BUS)])
    antenne = structure("32-C", opening_hours=SHORT_WEEK, type=model.StructureType.ANTENNE, parent_id="32-A")
    write_declaration(Path("decl/sud/c.json"), [antenne])
    code, _out, err = run("audit", "decl", "--as-of", AS_OF, "--baseline", "base.json", "-f", "json", "-o", "new.json")
    baseline = json.loads(Path("new.json").read_text(encoding="utf-8"))["baseline"]
    keys = [(f["structure"], f["rule"]) for f in baseline["requalified"]]
    assert (code, baseline["fixed"], keys) == (
        0,
        [],
        [("32-B", "FS-HOR-01"), ("32-B", "FS-HOR-02"), ("32-C", "FS-HOR-01"), ("32-C", "FS-HOR-02")],
    )
    assert "0 corrigé(s), 0 dérogé(s), 0 déjà connu(s), 4 requalifié(s)" in err
    _code, out, _err = run("compare", "base.json", "new.json", "--format", "json")
    summary = json.loads(out)["summary"]
    assert (summary["fixed"], summary["requalified"]) == (0, 4)
