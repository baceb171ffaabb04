"""The JSON report version 2 loses nothing: on every sample, expanding it gives the version 1 report of
the same audit, whole; it validates against its schema; its tables are in the order of first use; and
version 1 (``--report-version 1``) is still written byte for byte as before version 2 existed."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import jsonschema_rs
import orjson
import pytest

import fsaudit
from fsaudit import Result, Severity, Status, UnreadFact, expand_v2
from fsaudit._resources import schema
from fsaudit.cli.main import main
from fsaudit.model.result import AuditReport
from fsaudit.run.engine import audit
from fsaudit.testing import audit_structures, make_structure
from fsaudit_formats.json_report import render_json

REPO = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "expected"

SAMPLES: dict[str, tuple[str, ...]] = {
    # samples/*/README.md give the dates (and the other commands) of each sample
    "exemple-candidature": ("samples/exemple-candidature.json", "--as-of", "2022-05-12"),
    "gers": ("samples/gers/declarations", "--as-of", "2023-10-05"),
    "gers-compare-as-of": ("samples/gers/declarations", "--as-of", "2023-12-31", "--compare-as-of", "2024-01-01"),
    "occitanie-2022": ("samples/occitanie-2022/declarations", "--as-of", "2022-05-12"),
    "partenaires-2025": ("samples/partenaires-2025/declarations", "--as-of", "2025-06-01"),
    "partenaires-2025-compare-as-of": (
        "samples/partenaires-2025/declarations",
        "--as-of",
        "2024-12-31",
        "--compare-as-of",
        "2025-01-01",
    ),
    "partenaires-2025-surcouche": (
        "samples/partenaires-2025/declarations",
        "--as-of",
        "2025-06-01",
        "--referentiel",
        "samples/partenaires-2025/surcouche-lot.toml",
    ),
    # samples/workbook/make_samples.py: meant for 2025-06-30
    "workbook-xlsx": ("samples/workbook/declaration-exemple.xlsx", "--as-of", "2025-06-30"),
    "workbook-ods": ("samples/workbook/declaration-exemple.ods", "--as-of", "2025-06-30"),
    "workbook-json": ("samples/workbook/declaration-exemple.json", "--as-of", "2025-06-30"),
    # the national list: its README gives no date; the figures are at 2024-09-01
    "anct-2024": ("samples/anct/liste-fs-20240801.csv", "--as-of", "2024-09-01"),
    # the 2022 list and the 2020 map extract at the date of tests/plugins/anct/test_anct_layouts.py
    "anct-2022": ("samples/anct/liste-fs-20221201.csv", "--as-of", "2023-01-15"),
    "anct-2020-geojson": ("tests/plugins/anct/fixtures/france-services-2020-extrait.geojson", "--as-of", "2023-01-15"),
}
"""Every bundled sample (and the 2020 GeoJSON extract of the ANCT tests), as ``fsaudit audit`` arguments."""


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[bytes, bytes]]:
    """The JSON reports (version 1, version 2) of a sample, written by ``fsaudit audit -o`` (each once)."""
    folder = tmp_path_factory.mktemp("reports")
    done: dict[str, tuple[bytes, bytes]] = {}

    def reports(name: str) -> tuple[bytes, bytes]:
        if name not in done:
            out = []
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(REPO)
                for version in "12":
                    target = folder / f"{name}-v{version}.json"
                    code = main(["audit", *SAMPLES[name], "-f", "json", "--report-version", version, "-o", str(target)])
                    assert code in (0, 1, 3)
                    out.append(target.read_bytes())
            done[name] = (out[0], out[1])
        return done[name]

    return reports


@pytest.fixture(scope="module")
def v2_validator() -> Any:
    """A validator of ``fsaudit/schemas/report-2.schema.json`` (compiled: the national list is large)."""
    return jsonschema_rs.Draft202012Validator(schema("report-2"))


def _schema_errors(validator: Any, data: Any) -> list[str]:
    return sorted(f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(data))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_v2_expands_to_the_v1_report(written: Callable[[str], tuple[bytes, bytes]], name: str) -> None:
    """expand_v2 of a sample's version 2 report is its version 1 report, whole document."""
    v1, v2 = written(name)
    assert expand_v2(json.loads(v2)) == json.loads(v1)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_v2_expansion_encodes_to_the_v1_bytes(written: Callable[[str], tuple[bytes, bytes]], name: str) -> None:
    """Encoded as version 1 is (orjson, two spaces), the expansion gives the version 1 file byte for byte:
    the same keys in the same order."""
    v1, v2 = written(name)
    assert orjson.dumps(expand_v2(json.loads(v2)), option=orjson.OPT_INDENT_2) + b"\n" == v1


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_v2_report_is_valid(written: Callable[[str], tuple[bytes, bytes]], v2_validator: Any, name: str) -> None:
    """A sample's version 2 report validates against report-2.schema.json."""
    _v1, v2 = written(name)
    data = json.loads(v2)
    assert (data["report_version"], _schema_errors(v2_validator, data)) == ("2.0", [])


def _first_uses(data: dict[str, Any]) -> dict[str, list[int]]:
    """The index of each table entry in the order the structures refer to them (each index once)."""
    seen: dict[str, dict[int, None]] = {name: {} for name in ("strings", "places", "evidence", "decisions")}
    for s in data["structures"]:
        seen["strings"].setdefault(s["path"])
        seen["decisions"].setdefault(s["decision"])
        for row in s["results"]:
            seen["strings"].setdefault(row[2])
            seen["places"].setdefault(row[3])
            seen["evidence"].setdefault(row[4])
        for place, reason in s.get("unread", ()):
            seen["places"].setdefault(place)
            seen["strings"].setdefault(reason)
        for note in s.get("notes", ()):
            seen["strings"].setdefault(note)
    return {name: list(indices) for name, indices in seen.items()}


@pytest.mark.parametrize("name", ["anct-2020-geojson", "anct-2022", "gers", "workbook-xlsx"])
def test_tables_are_in_the_order_of_first_use(written: Callable[[str], tuple[bytes, bytes]], name: str) -> None:
    """Each table lists its entries in the order the structures, read in order, first refer to them; none
    is unused."""
    _v1, v2 = written(name)
    data = json.loads(v2)
    assert _first_uses(data) == {name: list(range(len(data[name]))) for name in _first_uses(data)}


def test_national_list_is_at_most_2_kb_per_structure(written: Callable[[str], tuple[bytes, bytes]]) -> None:
    """The version 2 report of the national list (2024) takes at most 2 KB per structure (issue 18)."""
    _v1, v2 = written("anct-2024")
    assert len(json.loads(v2)["structures"]) == 2845
    assert len(v2) / 2845 <= 2048


def test_v1_report_is_byte_identical_to_before_v2(repo: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--report-version 1`` writes the bytes fsaudit wrote before version 2 existed (expected/: the
    report of the sample written then, its fsaudit version left as a placeholder)."""
    monkeypatch.chdir(repo)
    expected = (EXPECTED / "exemple-candidature-v1.json").read_bytes()
    _code, out, _err = run("audit", *SAMPLES["exemple-candidature"], "-f", "json", "--report-version", "1")
    assert out.encode("utf-8") == expected.replace(b"@FSAUDIT_VERSION@", fsaudit.__version__.encode())


# --- what the samples do not hold ----------------------------------------------------------------


def _v1_and_expanded(report: AuditReport) -> tuple[Any, Any]:
    """The version 1 report (as read back from JSON) and the expansion of the version 2 report."""
    v1 = json.loads(render_json(report, {"report_version": "1"}))
    return v1, expand_v2(json.loads(render_json(report, {"report_version": "2"})))


def _with_first_result(report: AuditReport, change: Callable[[Result], Result]) -> AuditReport:
    """``report`` with the first result of its first structure changed."""
    first, *others = report.structures
    results = (change(first.results[0]), *first.results[1:])
    return attrs.evolve(report, structures=(attrs.evolve(first, results=results), *others))


@pytest.fixture(scope="module")
def two_structures() -> AuditReport:
    """Two structures audited in memory; the second with an unread fact inside its own location."""
    return audit_structures(
        [make_structure(id="32-A"), make_structure(id="32-B")],
        unread={1: [UnreadFact("opening_hours.monday", "$.structures[1].opening_hours.monday", "« neuf heures »")]},
    )


CHANGES: dict[str, Callable[[Result], Result]] = {
    "severity-other-than-the-rule": lambda r: r.evolve(severity=Severity.MINEUR),
    "answered-by-an-auditor": lambda r: r.evolve(status=Status.PASS, manual=True, message="réponse de l'auditeur"),
    "waived": lambda r: r.evolve(
        status=Status.WAIVED,
        waiver={
            "structure": "32-A",
            "rule": r.rule,
            "field": None,
            "justification": "travaux",
            "approver": "Préfecture du Gers",
            "legal_basis": "courrier",
            "start": _dt.date(2025, 1, 1),
            "expiry": _dt.date(2025, 12, 31),
            "location": "$.waivers[0]",
            "file": "w.json",
            "original_status": "fail",
        },
    ),
    "location-outside-the-structure": lambda r: r.evolve(location="autre.xlsx:'Horaires'!C2", field=None),
    "location-of-the-structure-itself": lambda r: r.evolve(location="$.structures[0]", field=""),
    "evidence-of-every-kind": lambda r: r.evolve(
        evidence={
            "date": _dt.date(2025, 1, 31),
            "tuple": (1, "deux"),
            "severity": Severity.MAJEUR,
            "nested": {"list": [{"a": None}], 3: True},
            "decimal": 2.5,
        }
    ),
    "text-not-utf-8": lambda r: r.evolve(message="caf\udce9.json illisible"),
}
"""Results the samples do not have, made from a real one."""


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_v2_keeps_what_the_samples_lack(two_structures: AuditReport, v2_validator: Any, change: str) -> None:
    """A result with its own severity, an auditor's answer, a waiver, a location elsewhere or at the
    structure's, evidence of every JSON-ready kind, a text that is not valid Unicode: expanded, the
    version 2 report is the version 1 report, and it validates."""
    report = _with_first_result(two_structures, CHANGES[change])
    v1, expanded = _v1_and_expanded(report)
    assert expanded == v1
    assert _schema_errors(v2_validator, json.loads(render_json(report, {}))) == []


def test_unread_facts_and_notes_are_kept(two_structures: AuditReport) -> None:
    """A structure's unread facts and notes survive version 2."""
    first, second = two_structures.structures
    report = attrs.evolve(two_structures, structures=(first, attrs.evolve(second, notes=("identifiant provisoire",))))
    v1, expanded = _v1_and_expanded(report)
    assert (expanded["structures"][1]["unread"], expanded["structures"][1]["notes"]) == (
        [
            {
                "field": "opening_hours.monday",
                "location": "$.structures[1].opening_hours.monday",
                "message": "« neuf heures »",
            }
        ],
        ["identifiant provisoire"],
    )
    assert expanded == v1


def test_report_without_structures_expands(tmp_path: Path, v2_validator: Any) -> None:
    """A run where nothing could be read gives a valid version 2 report that expands to version 1's."""
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    report = audit([str(bad)], as_of=_dt.date(2025, 6, 30))
    data = json.loads(render_json(report, {}))
    assert (data["structures"], _schema_errors(v2_validator, data)) == ([], [])
    assert expand_v2(data) == json.loads(render_json(report, {"report_version": "1"}))


def test_v2_is_written_in_bounded_chunks() -> None:
    """The version 2 writer gives the report in several chunks, none much larger than a batch of structures."""
    from fsaudit.report.json_v2 import _BATCH

    report = audit_structures([make_structure(id=f"32-{n:03}") for n in range(400)])
    chunks = list(fsaudit.report_v2_chunks(report))
    assert len(chunks) > 3
    assert max(len(c) for c in chunks[1:-1]) < 2 * _BATCH
    assert b"".join(chunks) == render_json(report, {})


def test_writer_unpacks_results_as_they_are() -> None:
    """Result is the named tuple of the fields the version 2 writer unpacks directly (its fast path)."""
    from fsaudit.report import json_v2

    assert json_v2._RESULTS_UNPACK is True


def test_results_read_by_attribute_give_the_same_report(
    two_structures: AuditReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were Result another shape, the writer reads its attributes by name and writes the same bytes."""
    from fsaudit.report import json_v2

    report = _with_first_result(two_structures, CHANGES["waived"])
    unpacked = render_json(report, {})
    monkeypatch.setattr(json_v2, "_RESULTS_UNPACK", False)
    assert render_json(report, {}) == unpacked
