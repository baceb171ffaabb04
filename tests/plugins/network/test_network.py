"""The network view: summary by département, national totals, attendance and canton coverage."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from fsaudit.inputs.converter import unstructure
from fsaudit.model import declaration as model
from fsaudit.model.result import AuditReport, Section
from fsaudit.run.engine import audit
from fsaudit.testing import make_structure, weekly
from fsaudit_formats.text_report import render_text
from fsaudit_network.network import (
    DepartementSummary,
    Gathered,
    departement_key,
    fr_hours,
    fr_int,
    fr_pct,
    fr_signed,
    summarize,
)

AS_OF = _dt.date(2024, 9, 1)
GERS = model.Departement(
    "32",
    "Gers",
    (model.Canton("3201", "Auch-1"), model.Canton("3202", "Auch-2"), model.Canton("3203", "Auch-3")),
)


def _months(year: int, counts: Sequence[int]) -> tuple[model.Attendance, ...]:
    return tuple(model.Attendance(f"{year}-{m:02d}", n) for m, n in enumerate(counts, start=1))


def _gers_structures() -> list[model.Structure]:
    """Two Gers structures whose attendance adds up to the Gers figures of October 2023."""
    first = make_structure(id="32-A", canton="3201", attendance=_months(2022, [2000] * 8) + _months(2023, [2500] * 8))
    second = make_structure(
        id="32-B", canton="3203", attendance=_months(2022, [1815] * 7 + [1813]) + _months(2023, [2349] * 8)
    )
    return [first, second]


def _write(path: Path, structures: Sequence[model.Structure], departement: model.Departement | None = None) -> Path:
    data: dict[str, Any] = {"structures": [unstructure(s) for s in structures]}
    if departement is not None:
        data["departement"] = unstructure(departement)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _section(report: AuditReport, key: str) -> Section:
    return next(s for s in report.sections if s.key == key)


@pytest.fixture
def gers(tmp_path: Path) -> AuditReport:
    """A Gers declaration (cantons listed) and one Aveyron structure, audited together."""
    aveyron = make_structure(id="12-A", departement="12", canton=None, attendance=None, format=model.Format.BUS)
    return audit(
        [
            _write(tmp_path / "gers.json", _gers_structures(), GERS),
            _write(tmp_path / "aveyron.json", [aveyron]),
        ],
        as_of=AS_OF,
    )


def test_attendance_and_canton_line(gers: AuditReport) -> None:
    """The Gers line gives canton coverage and attendance growth in French number formatting."""
    text = _section(gers, "par_departement").text
    assert (
        "    32 Gers : 2/3 cantons couverts (sans France services : Auch-2) ; 38\u202f792 accompagnements de "
        "janvier à août 2023, +8\u202f274 (+27,11 %) sur les mêmes mois de 2022." in text
    )


def test_full_canton_coverage(tmp_path: Path) -> None:
    """Every listed canton with a structure reads ``3/3 cantons couverts``."""
    structures = [*_gers_structures(), make_structure(id="32-C", canton="3202", attendance=None)]
    report = audit([_write(tmp_path / "gers.json", structures, GERS)], as_of=AS_OF)
    (row,) = _section(report, "par_departement").rows
    assert (row["Cantons couverts"], row["Cantons"]) == (3, 3)
    assert any(
        line.startswith("    32 Gers : 3/3 cantons couverts ; ") for line in _section(report, "par_departement").text
    )


def test_departement_rows(gers: AuditReport) -> None:
    """Rows: one per département in INSEE order, the same French keys, facts read from the inputs."""
    rows = _section(gers, "par_departement").rows
    assert [(r["Département"], r["Nom"], r["Structures"], r["Fixes"], r["Bus"]) for r in rows] == [
        ("12", "Aveyron", 1, 0, 1),
        ("32", "Gers", 2, 2, 0),
    ]
    assert list(rows[0]) == list(rows[1])
    assert (rows[1]["Accompagnements"], rows[1]["Évolution (%)"], rows[1]["Période"]) == (
        38792,
        27.11,
        "janvier à août 2023",
    )


def test_national_section_needs_two_departements(gers: AuditReport, tmp_path: Path) -> None:
    """The national section appears with two départements, not with one."""
    assert _section(gers, "national").data["departements"] == 2
    one = audit([_write(tmp_path / "gers.json", _gers_structures(), GERS)], as_of=AS_OF)
    assert [s.key for s in one.sections] == ["par_departement"]


def test_no_section_for_a_single_structure(tmp_path: Path) -> None:
    """A single structure gets no network summary."""
    report = audit([_write(tmp_path / "one.json", [make_structure()])], as_of=AS_OF)
    assert report.sections == ()


def test_hours_figures_come_from_the_results(tmp_path: Path) -> None:
    """24 h over 5 days counts FS-HOR-01 and FS-HOR-02 passes; the median uses FS-HOR-01's hours."""
    short = make_structure(id="S", opening_hours=weekly(monday=["09:00-12:00"], tuesday=["09:00-12:00"]))
    antenne = make_structure(id="A", type=model.StructureType.ANTENNE)
    none = make_structure(id="N", opening_hours=None)
    # a Friday of placeholders alone could make 5 days: FS-HOR-02 à vérifier, hours declared
    doubtful = make_structure(
        id="D",
        opening_hours=weekly(
            monday=["09:00-17:00"],
            tuesday=["09:00-17:00"],
            wednesday=["09:00-17:00"],
            thursday=["09:00-17:00"],
            friday=["00:00-00:00"],
        ),
    )
    structures = [make_structure(), short, antenne, none, doubtful]
    report = audit([_write(tmp_path / "x.json", structures)], as_of=AS_OF)
    data = _section(report, "par_departement").data["departements"][0]
    assert data["hours"] == {
        "judged": 2,
        "compliant_24h_5_days": 1,
        "under_min_hours": 1,
        "under_min_days": 1,
        "roaming_warned": 0,
        "not_declared": 1,
        "unread": 0,
        "to_check": 1,
        "weekly_hours_quartiles": [6.0, 32.0, 32.5],  # FS-HOR-01 judged D's 32 h
    }
    assert data["categories"] == {"antenne": 1, "fixe": 4}


def test_facts_come_from_the_audited_structures(tmp_path: Path) -> None:
    """Sections use the structures the engine audited: an input changed afterwards changes nothing."""
    from fsaudit.inputs.files import read_input
    from fsaudit.plugin.manager import load_plugins
    from fsaudit.run.engine import audit_inputs

    path = _write(tmp_path / "gers.json", _gers_structures(), GERS)
    plugins = load_plugins()
    read = read_input(str(path), plugins.readers)
    path.write_text("{}", encoding="utf-8")
    report = audit_inputs([read], as_of=AS_OF, plugins=plugins)
    section = _section(report, "par_departement")
    assert section.data["notes"] == []
    assert "Format inconnu" not in section.rows[0]


def test_large_audit_text_puts_summaries_first(tmp_path: Path) -> None:
    """Above 30 structures the text report starts with the summaries and lists failures one per line."""
    structures = [make_structure(id=f"F{i:02d}") for i in range(31)]
    structures[3] = attrs.evolve(structures[3], opening_hours=weekly(monday=["09:00-12:00"]))
    report = audit([_write(tmp_path / "many.json", structures)], as_of=AS_OF)
    lines = render_text(report, {}).decode("utf-8").splitlines()
    assert lines.index("Synthèse par département") < min(i for i, line in enumerate(lines) if line.startswith("["))
    block = lines[lines.index(next(line for line in lines if line.startswith("[F03]"))) :][:3]
    assert block == [
        "[F03] France services de test (dép. 32, $.structures[3]) — Maintien conditionnel",
        "  ✗ FS-HOR-01  bloquant ouverture de 3 h par semaine, sous le minimum de 24 h [$.structures[3].opening_hours]",
        "  ✗ FS-HOR-02  bloquant ouverte 1 jour(s) par semaine, sous le minimum de 5 [$.structures[3].opening_hours]",
    ]


def test_quartiles_are_nearest_rank() -> None:
    """Quartiles are values of the data (nearest rank), so they read as real schedules."""
    summary = DepartementSummary("32", weekly_minutes=[1440, 1800, 1950, 2100])
    assert summary.quartiles() == (1440, 1800, 1950)


def test_departement_order() -> None:
    """Départements sort in INSEE order: 19, 2A, 2B, 21 … 95, 971; no code last."""
    codes = ["971", "21", None, "2B", "19", "2A", "01"]
    assert sorted(codes, key=departement_key) == ["01", "19", "2A", "2B", "21", "971", None]


def test_french_numbers() -> None:
    """Thousands with a narrow no-break space, decimal comma, signed percentages."""
    assert [
        fr_int(38792),
        fr_signed(8274),
        fr_signed(-12),
        fr_pct(27.1134, signed=True),
        fr_pct(-3.5, signed=True),
        fr_pct(93.61, 1),
        fr_hours(1950),
        fr_hours(1440),
    ] == [
        "38\u202f792",
        "+8\u202f274",
        "−12",
        "+27,11 %",
        "−3,50 %",
        "93,6 %",
        "32 h 30",
        "24 h",
    ]


def test_roaming_structures_below_minimum_are_warnings(tmp_path: Path) -> None:
    """A bus below the minimum counts as below, and the summary says it is a warning, not a failure."""
    bus = make_structure(id="B", format=model.Format.BUS, opening_hours=weekly(monday=["09:00-12:00"]))
    report = audit([_write(tmp_path / "x.json", [make_structure(), bus])], as_of=AS_OF)
    section = _section(report, "par_departement")
    assert section.data["departements"][0]["hours"]["roaming_warned"] == 1
    assert section.text[3] == (
        "  Ouverture d'au moins 24 h sur 5 jours (FS-HOR-01 et FS-HOR-02) : 1 des 2 structures dont les "
        "horaires "
        "sont jugés (50,0 %) ; 1 sous le minimum d'heures, 1 sous le minimum de jours, dont 1 bus ou "
        "offre(s) "
        "itinérante(s) (avertissement, pas d'échec)."
    )


def test_summaries_count_tallies_as_structures_one_by_one(tmp_path: Path) -> None:
    """Summaries count each distinct tally once, times the structures that share it: the figures
    are those of adding the structures one by one."""
    short = make_structure(id="S", opening_hours=weekly(monday=["09:00-12:00"], tuesday=["09:00-12:00"]))
    structures = [
        *(make_structure(id=f"F{i}") for i in range(3)),
        short,
        attrs.evolve(short, id="S2"),
        make_structure(id="A", type=model.StructureType.ANTENNE),
        make_structure(id="N", opening_hours=None),
        make_structure(id="B", departement="12", format=model.Format.BUS),
    ]
    report = audit([_write(tmp_path / "x.json", structures)], as_of=AS_OF)
    departements, total = summarize(report, Gathered({}, {}, ()))
    expected = {d.code: DepartementSummary(d.code, d.name) for d in departements}
    expected_total = DepartementSummary(None, "Ensemble")
    for s in report.structures:
        expected[s.departement].add(s, None)
        expected_total.add(s, None)
    assert [d.data() for d in departements] == [expected[d.code].data() for d in departements]
    assert [d.row() for d in departements] == [expected[d.code].row() for d in departements]
    assert (total.data(), total.row()) == (expected_total.data(), expected_total.row())
    counts = (total.structures, total.judged, total.compliant, total.under_hours, total.no_hours)
    assert counts == (8, 6, 4, 2, 1)


def _section(report: AuditReport, key: str = "par_departement") -> Any:
    return next(section for section in report.sections if section.key == key)


def test_growth_counts_only_structures_comparable_on_both_years() -> None:
    """One structure with January 2024 and 2025 (+16,67 %) and one with January 2025 only: the
    département grows +16,67 %, not +150 %, on one structure, the other left out and counted."""
    summary = DepartementSummary("32")
    summary.attend((("2024-01", 60), ("2025-01", 70)))
    summary.attend((("2025-01", 80),))
    growth = summary.growth()
    assert growth == {
        "year": 2025,
        "months": [1],
        "accompaniments": 150,
        "structures": 2,
        "comparable_structures": 1,
        "left_out_structures": 1,
        "common_months": [1],
        "comparable": 70,
        "previous": 60,
        "difference": 10,
        "growth_pct": 16.67,
    }
    assert summary.attendance_text() == (
        "150 accompagnements de janvier 2025, +10 (+16,67 %) sur les mêmes mois de 2024, évolution "
        "calculée sur 1 structure(s) déclarant les deux années (1 laissée(s) de côté, sans mois "
        "comparable en 2024)"
    )


def test_growth_compares_a_structure_only_on_its_months_of_both_years() -> None:
    """A structure declaring March only in the latest year is compared on January alone."""
    summary = DepartementSummary("32")
    summary.attend((("2024-01", 100), ("2025-01", 110), ("2025-03", 500)))
    growth = summary.growth()
    assert (growth["comparable"], growth["previous"], growth["common_months"]) == (110, 100, [1])


def test_hours_judged_only_when_both_rules_judged() -> None:
    """A structure whose FS-HOR-02 could not judge is not in the denominator of the 24 h / 5 days share."""
    from fsaudit.model.result import DecisionCode
    from fsaudit.model.rule import Status

    summary = DepartementSummary("32")
    summary.count(("fixe", Status.PASS, Status.MANUAL, DecisionCode.INSTRUCTION_INCOMPLETE, True, True))
    summary.count(("fixe", Status.PASS, Status.PASS, DecisionCode.INSTRUCTION_INCOMPLETE, False, True))
    assert (summary.judged, summary.compliant, summary.unread_hours, summary.no_hours) == (1, 1, 1, 0)


def test_unread_hours_are_counted_apart_from_undeclared_hours(tmp_path: Path) -> None:
    """A structure whose hours could not be read is « horaires illisibles », not « non déclarés »."""
    from fsaudit.model.facts import UnreadFact
    from fsaudit.testing import audit_structures

    structures = [make_structure(id="A", departement="32"), make_structure(id="B", departement="32")]
    report = audit_structures(
        structures,
        as_of=AS_OF,
        unread={0: [UnreadFact("opening_hours.monday", "ligne 2, colonne h_lundi", "horaire illisible")]},
    )
    hours = _section(report).data["departements"][0]["hours"]
    assert (hours["judged"], hours["unread"], hours["not_declared"]) == (1, 1, 0)


def test_unread_type_is_neither_principal_nor_antenne(tmp_path: Path) -> None:
    """A structure whose type could not be read is counted as « type ou format illisible »."""
    from fsaudit.model.facts import UnreadFact
    from fsaudit.testing import audit_structures

    structures = [make_structure(id="A", departement="32"), make_structure(id="B", departement="32")]
    report = audit_structures(
        structures, as_of=AS_OF, unread={1: [UnreadFact("type", "ligne 3", "valeurs contradictoires")]}
    )
    row = _section(report).rows[0]
    assert (row["Principales"], row["Type ou format illisible"]) == (1, 1)


_LIST_NOTE = (
    "  Les fichiers audités (la liste nationale par exemple) ne renseignent ni les conseillers, ni les "
    "partenaires, ni les locaux, ni la fréquentation : ces critères restent à vérifier auprès des "
    "gestionnaires (instruction incomplète)."
)


def _national_text(tmp_path: Path, structures: Sequence[model.Structure]) -> tuple[str, ...]:
    report = audit([str(_write(tmp_path / "d.json", structures))], as_of=AS_OF)
    return next(s for s in report.sections if s.key == "national").text


def test_national_summary_says_when_no_input_declares_staff_partners_or_premises(tmp_path: Path) -> None:
    """Inputs that declare none of conseillers, partners, premises and attendance (the national
    list) get the note that those criteria are left to check; whatever the reader."""
    bare = [
        attrs.evolve(
            make_structure(id=f"{dep}-A", departement=dep),
            conseillers=None,
            partners=None,
            premises=None,
            attendance=None,
        )
        for dep in ("32", "65")
    ]
    assert _LIST_NOTE in _national_text(tmp_path, bare)


def test_national_summary_has_no_list_note_when_facts_are_declared(tmp_path: Path) -> None:
    """Declarations with conseillers and partners do not get the national list's note."""
    declared = [make_structure(id=f"{dep}-A", departement=dep) for dep in ("32", "65")]
    assert _LIST_NOTE not in _national_text(tmp_path, declared)


def test_months_after_de_are_elided_before_a_vowel() -> None:
    """« d'avril à août 2023 », « d'octobre 2024 », « de mars 2025 »; the period alone has no « de »."""
    from fsaudit_network.network import _months, _months_phrase

    assert [_months_phrase([4, 5, 6, 7, 8], 2023), _months_phrase([10], 2024), _months_phrase([3], 2025)] == [
        "d'avril à août 2023",
        "d'octobre 2024",
        "de mars 2025",
    ]
    assert _months([4, 6], 2023) == "avril et juin 2023"
