"""The bundled national list: every record audited, hours results checked independently."""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fsaudit.cli.main import main
from fsaudit.model.result import AuditReport
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit

AS_OF = _dt.date(2024, 9, 1)
SHA256 = "6eabcb0792c8681af513e65560a7dea08e15d3e72b070a14ca1fed032164efad"


@pytest.fixture(scope="module")
def liste() -> Path:
    """The bundled list."""
    return Path(__file__).resolve().parents[3] / "samples" / "anct" / "liste-fs-20240801.csv"


@pytest.fixture(scope="module")
def report(liste: Path) -> AuditReport:
    """The audit of the whole list at 1 September 2024."""
    return audit([liste], as_of=AS_OF)


# --- an independent reading of the raw file: regular expressions, no CSV parser ----------------

_START = re.compile(r'^"(\d+)","(\d{2}|2[AB]|\d{3})",', re.M)
_HOURS = re.compile(
    r',((?:"[^"]*")?),((?:"[^"]*")?),((?:"[^"]*")?),((?:"[^"]*")?),((?:"[^"]*")?),((?:"[^"]*")?),"(?:Oui|Non)",'
)
_KIND = re.compile(r'"(Principal|Antenne)","(Fixe|Multisites|Bus_équivalent|Fixe_antenne\(s\)|Itinérante)"')
_RANGE = re.compile(r"(\d\d):(\d\d) - (\d\d):(\d\d)")


def _raw_records(text: str) -> dict[str, dict[str, Any]]:
    """id → type, format and the set of open minutes of each of the six days."""
    starts = list(_START.finditer(text))
    out: dict[str, dict[str, Any]] = {}
    for here, following in zip(starts, [*starts[1:], None], strict=True):
        chunk = text[here.start() : following.start() if following else len(text)]
        days = _HOURS.search(chunk)
        assert days is not None, here.group(1)
        kind, fmt = _KIND.findall(chunk)[-1]
        minutes = []
        ranges = []
        for cell in days.groups():
            open_minutes: set[int] = set()
            found = [(int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)) for h1, m1, h2, m2 in _RANGE.findall(cell)]
            for start, end in found:
                open_minutes |= set(range(start, end))
            minutes.append(open_minutes)
            ranges.append(found)
        out[here.group(1)] = {
            "type": kind,
            "format": fmt,
            "departement": here.group(2),
            "minutes": minutes,
            "ranges": ranges,
        }
    return out


def _doubtful(ranges: list[tuple[int, int]], earliest: int, latest: int) -> bool:
    """A day whose length is unknown: placeholders alone (« 00:00 - 00:00 »), or a range
    reversed or outside the plausible hours (FS-HOR-03)."""
    if ranges and all(start == end for start, end in ranges):
        return True
    return any(start > end or (start != end and (start < earliest or end > latest)) for start, end in ranges)


def _expected(
    item: dict[str, Any], min_hours: int, min_days: int, bounds: tuple[int, int]
) -> tuple[str, str, float | None]:
    """FS-HOR-01 and FS-HOR-02: a verdict that a day of unknown length could change is manual."""
    if item["type"] == "Antenne":
        return "not_applicable", "not_applicable", None
    total = sum(len(day) for day in item["minutes"])
    if total == 0:
        return "manual", "manual", None
    doubtful = [_doubtful(day, *bounds) for day in item["ranges"]]
    certain = [
        set().union(*(set(range(a, b)) for a, b in day if not _doubtful([(a, b)], *bounds))) if doubt else minutes
        for day, minutes, doubt in zip(item["ranges"], item["minutes"], doubtful, strict=True)
    ]
    certain_total = sum(len(day) for day in certain)
    certain_days = sum(1 for day in certain if day)
    at_most = certain_total + sum(24 * 60 - len(day) for day, doubt in zip(certain, doubtful, strict=True) if doubt)
    may_open = certain_days + sum(1 for day, doubt in zip(certain, doubtful, strict=True) if doubt and not day)
    below = "warn" if item["format"] in ("Bus_équivalent", "Itinérante") else "fail"
    hours = "pass" if certain_total >= min_hours * 60 else "manual" if at_most >= min_hours * 60 else below
    days = "pass" if certain_days >= min_days else "manual" if may_open >= min_days else below
    return hours, days, round(total / 60, 2)


@pytest.fixture(scope="module")
def raw(liste: Path) -> dict[str, dict[str, Any]]:
    """The raw file read with regular expressions."""
    return _raw_records(liste.read_text(encoding="utf-8"))


def test_sample_is_the_published_file(liste: Path) -> None:
    """The bundled list is the published export, byte for byte (its SHA-256 is in its README)."""
    assert hashlib.sha256(liste.read_bytes()).hexdigest() == SHA256
    assert SHA256 in (liste.parent / "README.md").read_text(encoding="utf-8")


def test_every_record_is_audited_without_input_error(report: AuditReport) -> None:
    """All 2,845 records are read and audited, with no input problem."""
    assert (len(report.structures), report.errors, [i.format for i in report.inputs]) == (
        2845,
        (),
        ["anct-csv"],
    )


def test_hours_results_match_an_independent_computation(report: AuditReport, raw: dict[str, dict[str, Any]]) -> None:
    """FS-HOR-01 and FS-HOR-02 per structure equal a regex reading of the raw file."""
    referential = select_referential(AS_OF)
    min_hours, min_days = (
        referential.value("hours.min_weekly_hours"),
        referential.value("hours.min_open_days"),
    )
    assert len(raw) == 2845
    bounds = tuple(
        int(text[:2]) * 60 + int(text[3:])
        for text in (referential.value("hours.plausible_earliest"), referential.value("hours.plausible_latest"))
    )
    expected = {sid: _expected(item, min_hours, min_days, bounds) for sid, item in raw.items()}
    actual = {}
    for s in report.structures:
        hours, days = s.result("FS-HOR-01"), s.result("FS-HOR-02")
        assert hours is not None and days is not None
        actual[s.id] = (hours.status.value, days.status.value, hours.evidence.get("heures_hebdomadaires"))
    assert actual == expected
    assert Counter(v[0] for v in actual.values())["fail"] > 0


def test_national_summary_counts_match_the_raw_file(report: AuditReport, raw: dict[str, dict[str, Any]]) -> None:
    """The national section counts structures, départements and formats as the raw file has them."""
    national = next(s for s in report.sections if s.key == "national").data
    formats = Counter(
        "antenne"
        if item["type"] == "Antenne"
        else {
            "Fixe": "fixe",
            "Fixe_antenne(s)": "fixe",
            "Multisites": "multisites",
            "Bus_équivalent": "bus",
            "Itinérante": "itinerant",
        }[item["format"]]
        for item in raw.values()
    )
    assert (national["structures"], national["departements"], national["categories"]) == (
        2845,
        len({item["departement"] for item in raw.values()}),
        dict(sorted(formats.items())),
    )


def test_departement_rows_cover_every_departement(report: AuditReport) -> None:
    """One row per département, all with the same keys, adding up to the national total."""
    section = next(s for s in report.sections if s.key == "par_departement")
    assert len(section.rows) == 102
    assert len({tuple(row) for row in section.rows}) == 1
    assert sum(row["Structures"] for row in section.rows) == 2845


def test_main_job_command(liste: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``fsaudit audit`` on the list prints the national summary first and no input error."""
    code = main(["audit", str(liste), "--as-of", "2024-09-01"])
    out, err = capsys.readouterr()
    assert code == 1  # bloquant failures (hours), no input error (that would be 2 or more)
    assert err == ""
    lines = out.splitlines()
    assert lines[2] == "Entrées : 1 fichier(s), 2\u202f845 structure(s), 0 erreur(s) de saisie"
    assert lines[4] == "Synthèse nationale"
    assert lines[5].startswith("  2\u202f845 structures dans 102 départements : 2\u202f721 principales (")
