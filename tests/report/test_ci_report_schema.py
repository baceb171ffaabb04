"""The published JSON Schemas of the report (version 1 and version 2) validate real reports, with every
CI addition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from networks import AS_OF, SHORT_WEEK, structure, write_declaration

from fsaudit._resources import schema

REPO = Path(__file__).resolve().parents[2]


SCHEMAS = {"1": "report", "2": "report-2"}
"""The schema of each version of the JSON report."""


@pytest.fixture(scope="module", params=sorted(SCHEMAS))
def version(request: pytest.FixtureRequest) -> str:
    """A version of the JSON report (``--report-version``)."""
    return str(request.param)


@pytest.fixture(scope="module")
def validator(version: str) -> jsonschema.Draft202012Validator:
    """A validator of that version's schema (``fsaudit/schemas/report.schema.json``, ``report-2.schema.json``)."""
    report_schema = schema(SCHEMAS[version])
    jsonschema.Draft202012Validator.check_schema(report_schema)
    return jsonschema.Draft202012Validator(report_schema)


def errors_of(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in sorted(validator.iter_errors(data), key=str)]


@pytest.mark.parametrize("version", sorted(SCHEMAS))
def test_schema_is_published_under_its_urn(version: str) -> None:
    """Each report schema is Draft 2020-12 with id urn:fsaudit:schema:report:<version>."""
    report_schema = schema(SCHEMAS[version])
    assert (report_schema["$schema"], report_schema["$id"]) == (
        "https://json-schema.org/draft/2020-12/schema",
        f"urn:fsaudit:schema:report:{version}",
    )


def test_sample_reports_are_valid(
    version: str, validator: jsonschema.Draft202012Validator, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The JSON reports of the bundled samples validate against the schema."""
    monkeypatch.chdir(REPO)
    for sample in ("samples/exemple-candidature.json", "samples/gers/declarations"):
        code, out, _err = run("audit", sample, "--as-of", AS_OF, "-f", "json", "--report-version", version)
        assert code in (0, 1, 3)
        assert errors_of(validator, json.loads(out)) == []


def test_report_with_waivers_baseline_and_errors_is_valid(
    version: str,
    validator: jsonschema.Draft202012Validator,
    network: Path,
    run,
) -> None:
    """A report with waivers (all four kinds), a baseline (with a failure now waived, a status
    changed and a new input problem) and an input error validates."""
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "base.json")
    write_declaration(Path("decl/2.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    Path("decl/broken.json").write_text("{", encoding="utf-8")
    common = {"justification": "j", "approver": "a", "legal_basis": "b"}
    Path("w.json").write_text(
        json.dumps(
            {
                "waivers": [
                    {
                        "structure": "32-B",
                        "rule": "FS-HOR-01",
                        **common,
                        "start": "2025-01-01",
                        "expiry": "2025-12-31",
                        "field": "opening_hours",
                    },
                    {"structure": "32-B", "rule": "FS-HOR-02", **common, "start": "2024-01-01", "expiry": "2024-12-31"},
                    {"structure": "32-C", "rule": "FS-HOR-02", **common, "start": "2026-01-01", "expiry": "2026-12-31"},
                    {"structure": "32-D", "rule": "FS-HOR-02", **common, "start": "2025-01-01", "expiry": "2025-12-31"},
                ]
            }
        ),
        encoding="utf-8",
    )
    run(
        "audit",
        "decl",
        "--as-of",
        AS_OF,
        "--waivers",
        "w.json",
        "--baseline",
        "base.json",
        "-f",
        "json",
        "--report-version",
        version,
        "-o",
        "r.json",
    )
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert [len(data["waivers"][k]) for k in ("applied", "expired", "not_started", "unused")] == [1, 1, 1, 1]
    assert data["baseline"]["new"] and data["errors"]
    assert [len(data["baseline"][k]) for k in ("waived", "changed", "new_input_problems")] == [1, 1, 1]
    assert errors_of(validator, data) == []


def test_schema_rejects_an_unknown_status(
    version: str, validator: jsonschema.Draft202012Validator, network: Path, run
) -> None:
    """The schema is strict on results: a status outside the seven is an error."""
    _code, out, _err = run("audit", "decl/2.json", "--as-of", AS_OF, "-f", "json", "--report-version", version)
    data = json.loads(out)
    status = "status" if version == "1" else 1  # version 2: a result is [rule, status, …]
    data["structures"][0]["results"][0][status] = "ok"
    assert errors_of(validator, data) == [
        f"$.structures[0].results[0]{'.status' if version == '1' else '[1]'}: 'ok' is not one of "
        f"{['pass', 'fail', 'warn', 'not_applicable', 'manual', 'waived', 'error']!r}"
    ]


def test_inputs_count_errors_and_warnings_apart(
    version: str, validator: jsonschema.Draft202012Validator, network: Path, run
) -> None:
    """``inputs[].errors`` counts the input's errors only, ``warnings`` its warnings (absent when
    none): an unknown field is a warning, not an error (fsaudit 0.1.0 counted both as errors)."""
    data = json.loads(Path("decl/2.json").read_text(encoding="utf-8"))
    data["structures"][0]["couleur"] = "bleu"
    Path("decl/2.json").write_text(json.dumps(data), encoding="utf-8")
    Path("decl/broken.json").write_text("{", encoding="utf-8")
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "--report-version", version, "-o", "r.json")
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert errors_of(validator, data) == []
    counts = {i["path"]: (i["errors"], i.get("warnings")) for i in data["inputs"]}
    assert counts == {
        "decl/10.json": (0, None),
        "decl/2.json": (0, 1),
        "decl/b.json": (0, None),
        "decl/broken.json": (1, None),
        "decl/sud/c.json": (0, None),
    }
    assert (data["summary"]["input_errors"], data["summary"]["input_warnings"]) == (1, 1)
