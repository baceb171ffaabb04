"""Data a workbook holds but that cannot be read is never treated as absent (issue 14).

Misspelt sheets and columns, unreadable cells and identifiers several structures carry become
unread facts of the structures they may belong to (their rules answer *manual*, their decision
is *instruction incomplète*); a sheet or column of the auditor's own and the template's example
are ignored with a warning.
"""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from pathlib import Path

import pytest
from workbook_helpers import edit_workbook, headers, structures_sheet, write

from fsaudit.cli.main import main
from fsaudit.model import declaration as model
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit
from fsaudit.testing import make_structure, result_of
from fsaudit_workbook.layout import SHEETS
from fsaudit_workbook.reader import read_workbook
from fsaudit_workbook.template import (
    EXAMPLE_ID,
    declaration_rows,
    example_declaration,
    render_workbook,
)

AS_OF = _dt.date(2025, 6, 1)
FORMATS = ["xlsx", "ods"]
SAMPLE_IDS = ["EX-32-001", "EX-32-002", "EX-32-003", "EX-32-004"]


def _sample(samples: Path, tmp_path: Path, fmt: str) -> Path:
    target = tmp_path / f"declaration.{fmt}"
    shutil.copy(samples / "workbook" / f"declaration-exemple.{fmt}", target)
    return target


def _problems(result: object) -> list[tuple[str, str, str]]:
    return [(p.location, p.level, p.message) for p in result.problems]


def _unread(result: object) -> list[tuple[str, list[tuple[str, str, str]]]]:
    return [(s.structure.id, [(f.field, f.location, f.reason) for f in s.unread]) for s in result.structures]


def _verdicts(report: object) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [(s.id, s.decision.code.value, [(r.rule, r.status.value) for r in s.results]) for s in report.structures]


# --- sheets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_misspelt_sheet_makes_its_facts_unread_for_every_structure(samples: Path, tmp_path: Path, fmt: str) -> None:
    """« Horaire » for « Horaires » is an error naming the expected sheet; the hours of every structure are unread."""
    path = edit_workbook(_sample(samples, tmp_path, fmt), renames={"Horaires": "Horaire"})
    message = "feuille « Horaire » inconnue ; attendu « Horaires » ?"
    result = read_workbook(path)
    assert _problems(result) == [("Horaire!A1", "erreur", message)]
    facts = [("opening_hours", "Horaire!A1", message), ("conseillers[].presence", "Horaire!A1", message)]
    assert _unread(result) == [(sid, facts) for sid in SAMPLE_IDS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_misspelt_sheet_gives_manual_hours_and_incomplete_decisions(samples: Path, tmp_path: Path, fmt: str) -> None:
    """With « Horaires » misspelt, FS-HOR-04 is manual (not fail) and every decision is instruction incomplète."""
    report = audit([edit_workbook(_sample(samples, tmp_path, fmt), renames={"Horaires": "Horaire"})], as_of=AS_OF)
    assert [
        (s.id, result_of(report, "FS-HOR-04", s.id).status.value, s.decision.code.value) for s in report.structures
    ] == [(sid, "manual", "instruction_incomplete") for sid in SAMPLE_IDS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unrelated_sheet_is_a_warning_and_ignored(samples: Path, tmp_path: Path, fmt: str) -> None:
    """A sheet whose name resembles none of the layout (« Notes ») is ignored with a warning: same audit."""
    path = _sample(samples, tmp_path, fmt)
    edit_workbook(path, renames={"Vérifications": "Notes"})  # the samples' Vérifications sheet is empty
    result = read_workbook(path)
    assert _problems(result) == [
        (
            "Notes!A1",
            "avertissement",
            "feuille « Notes » inconnue : ignorée (feuilles lues : Structures, Horaires, Conseillers, Partenaires, "
            "Services locaux, Locaux, Fréquentation, Département, Vérifications, Extensions)",
        ),
    ]
    assert all(not s.unread for s in result.structures)
    report = audit([path], as_of=AS_OF)
    assert report.input_errors == []
    assert _verdicts(report) == _verdicts(audit([samples / "workbook" / f"declaration-exemple.{fmt}"], as_of=AS_OF))


@pytest.mark.parametrize("fmt", FORMATS)
def test_sheets_without_declaration_data_are_ignored_silently(tmp_path: Path, fmt: str) -> None:
    """Instructions, Listes and the test kit's « Attendus » sheet are no data and no warning."""
    from fsaudit.testing.workbook_kit import SHEET

    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Instructions": [["Lisez-moi"]],
            "Listes": [["oui"]],
            SHEET: [["Date d'audit"]],
            "Structures": structures_sheet(["S1", "Maison"]),
        },
    )
    result = read_workbook(path)
    assert (_problems(result), _unread(result)) == ([], [("S1", [])])


# --- columns -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_misspelt_column_makes_its_facts_unread_for_the_rows(samples: Path, tmp_path: Path, fmt: str) -> None:
    """« Date de formaton » is an error at its header; the training date of each row that fills it is unread."""
    path = edit_workbook(_sample(samples, tmp_path, fmt), cells={("Conseillers", 1, 4): "Date de formaton"})
    message = "colonne « Date de formaton » inconnue ; attendu « Date de formation » ?"
    result = read_workbook(path)
    assert _problems(result) == [("Conseillers!D1", "erreur", message)]
    assert _unread(result) == [
        (
            "EX-32-001",
            [
                ("conseillers[0].training_date", "Conseillers!D2", message),
                ("conseillers[1].training_date", "Conseillers!D3", message),
            ],
        ),
        ("EX-32-002", [("conseillers[0].training_date", "Conseillers!D4", message)]),
        ("EX-32-003", []),
        (
            "EX-32-004",
            [
                ("conseillers[0].training_date", "Conseillers!D5", message),
                ("conseillers[1].training_date", "Conseillers!D6", message),
            ],
        ),
    ]
    report = audit([path], as_of=AS_OF)
    assert [result_of(report, "FS-AGT-02", sid).status.value for sid in SAMPLE_IDS] == [
        "manual",
        "manual",
        "not_applicable",
        "manual",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unrelated_column_is_a_warning_and_the_file_is_audited(samples: Path, tmp_path: Path, fmt: str) -> None:
    """An auditor's column « Notes de l'auditeur » in Structures is a warning: same verdicts, no input-error exit
    code."""
    path = edit_workbook(
        _sample(samples, tmp_path, fmt), columns={"Structures": ("Notes de l'auditeur", {2: "RAS", 4: "à revoir"})}
    )
    expected = ", ".join(f"« {c.header} »" for c in SHEETS[0].columns)
    assert _problems(read_workbook(path)) == [
        (
            "Structures!W1",
            "avertissement",
            f"colonne « Notes de l'auditeur » inconnue : ignorée (colonnes attendues {expected})",
        ),
    ]
    out = tmp_path / "rapport.json"
    alone = tmp_path / "seul.json"
    sample = samples / "workbook" / f"declaration-exemple.{fmt}"
    code = main(["audit", str(path), "--as-of", AS_OF.isoformat(), "-f", "json", "-o", str(out)])
    assert code == main(["audit", str(sample), "--as-of", AS_OF.isoformat(), "-f", "json", "-o", str(alone)]) == 1
    report, reference = json.loads(out.read_text()), json.loads(alone.read_text())
    assert [(e["level"], e["location"]) for e in report["errors"]] == [("avertissement", "Structures!W1")]
    assert [{k: v for k, v in s.items() if k != "path"} for s in report["structures"]] == [
        {k: v for k, v in s.items() if k != "path"} for s in reference["structures"]
    ]


# --- cells -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_unreadable_cell_is_reported_and_the_structure_kept(samples: Path, tmp_path: Path, fmt: str) -> None:
    """« neuf heures » in Horaires!C2, « un » and « hier » in one Conseillers row: each cell reported, the structure
    kept."""
    path = edit_workbook(
        _sample(samples, tmp_path, fmt),
        cells={("Horaires", 2, 3): "neuf heures", ("Conseillers", 2, 3): "un", ("Conseillers", 2, 4): "hier"},
    )
    result = read_workbook(path)
    hours = "colonne « Début » : « neuf heures » n'est pas une heure ; attendu par exemple 9h, 9h30 ou 09:00"
    fte = "colonne « ETP » : « un » n'est pas un nombre ; attendu par exemple 6,5"
    trained = "colonne « Date de formation » : « hier » n'est pas une date ; attendu une date JJ/MM/AAAA"
    assert _problems(result) == [
        ("Horaires!C2", "erreur", hours),
        ("Conseillers!C2", "erreur", fte),
        ("Conseillers!D2", "erreur", trained),
    ]
    assert _unread(result) == [
        (
            "EX-32-001",
            [
                ("conseillers[0].fte", "Conseillers!C2", fte),
                ("conseillers[0].training_date", "Conseillers!D2", trained),
                ("opening_hours.monday", "Horaires!C2", hours),
            ],
        ),
        ("EX-32-002", []),
        ("EX-32-003", []),
        ("EX-32-004", []),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_structure_with_an_unreadable_cell_is_audited_as_incomplete(samples: Path, tmp_path: Path, fmt: str) -> None:
    """The structure stays in the report: rules needing the unread facts are manual, the decision incomplète."""
    path = edit_workbook(
        _sample(samples, tmp_path, fmt), cells={("Horaires", 2, 3): "neuf heures", ("Conseillers", 2, 3): "un"}
    )
    report = audit([path], as_of=AS_OF)
    reference = audit([samples / "workbook" / f"declaration-exemple.{fmt}"], as_of=AS_OF)
    assert [s.id for s in report.structures] == SAMPLE_IDS
    first = report.structures[0]
    assert first.decision.code.value == "instruction_incomplete"
    # ETP unreadable: a conseiller of ETP 0 is no conseiller at work, so the count (FS-AGT-01) and
    # whose training and presence to judge (FS-AGT-02 to 04) are unknown too. FS-NET-02 lacks the
    # bus's canton in the sample itself.
    assert sorted(r.rule for r in first.results if r.status.value == "manual") == [
        "FS-AGT-01",
        "FS-AGT-02",
        "FS-AGT-03",
        "FS-AGT-04",
        "FS-HOR-01",
        "FS-HOR-02",
        "FS-HOR-03",
        "FS-HOR-04",
        "FS-NET-02",
    ]
    assert sorted(r.rule for r in first.results if r.message.startswith("non évaluable")) == [
        "FS-AGT-01",
        "FS-AGT-02",
        "FS-AGT-03",
        "FS-AGT-04",
        "FS-HOR-01",
        "FS-HOR-02",
        "FS-HOR-03",
        "FS-HOR-04",
    ]
    assert _verdicts(report)[1:] == _verdicts(reference)[1:]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unreadable_time_makes_only_its_day_unread(tmp_path: Path, fmt: str) -> None:
    """An unreadable end time leaves out its range and makes its day unread; the other days are read."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison"]),
            "Horaires": [headers("Horaires"), ["S1", "lundi", "9h", "midi"], ["S1", "mardi", "9h", "12h"]],
        },
    )
    result = read_workbook(path)
    (loaded,) = result.structures
    assert loaded.structure.opening_hours == model.WeeklyHours(tuesday=(model.TimeRange("09:00", "12:00"),))
    message = "colonne « Fin » : « midi » n'est pas une heure ; attendu par exemple 9h, 9h30 ou 09:00"
    assert _unread(result) == [("S1", [("opening_hours.monday", "Horaires!D2", message)])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unreadable_required_item_value_makes_the_list_unread(tmp_path: Path, fmt: str) -> None:
    """A month without readable Accompagnements cannot be an item: the attendance list is unread, the row left out."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison"]),
            "Fréquentation": [headers("Fréquentation"), ["S1", "2024-01", "beaucoup"], ["S1", "2025-01", 120]],
        },
    )
    result = read_workbook(path)
    message = "colonne « Accompagnements » : « beaucoup » n'est pas un nombre entier ; attendu par exemple 120"
    assert _problems(result) == [("Fréquentation!C2", "erreur", message)]
    assert result.structures[0].structure.attendance == (model.Attendance("2025-01", 120),)
    assert _unread(result) == [("S1", [("attendance", "Fréquentation!C2", message)])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unreadable_departement_cell_makes_canton_coverage_unread(tmp_path: Path, fmt: str) -> None:
    """A bad cell of the Département sheet: no block, and its cantons are unread for every structure (FS-NET-02
    manual)."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison", "32", "3201"], ["S2", "Autre", "32", "3202"]),
            "Département": [headers("Département"), ["32", "Gers", "3201", "Auch-1"], ["3x", None, "3202", "Auch-2"]],
        },
    )
    result = read_workbook(path)
    message = (
        "colonne « Département » : « 3X » diffère du département « 32 » de la ligne 2 : un seul département "
        "par classeur"
    )
    assert result.departements == ()
    assert _unread(result) == [(sid, [("departement.cantons", "Département!A3", message)]) for sid in ("S1", "S2")]
    report = audit([path], as_of=AS_OF)
    assert [result_of(report, "FS-NET-02", sid).status.value for sid in ("S1", "S2")] == ["manual", "manual"]


# --- identifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_duplicate_identifiers_keep_both_structures(tmp_path: Path, fmt: str) -> None:
    """Two rows « S1 » in Structures: both audited, FS-NET-01 fails on both, the rows of other sheets are unread for
    both."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison"], ["S1", "Doublon"], ["S2", "Seule"]),
            "Partenaires": [headers("Partenaires"), ["S1", "CAF"], ["S2", "CPAM"]],
            "Horaires": [headers("Horaires"), ["S2", "lundi", "9h", "12h"]],
        },
    )
    result = read_workbook(path)
    assert _problems(result) == [
        (
            "Structures!A3",
            "erreur",
            "colonne « Identifiant » : identifiant « S1 » déjà utilisé ligne 2 ; attendu un identifiant unique dans le "
            "classeur : les lignes des autres feuilles qui portent cet identifiant ne sont rattachées à aucune de ces "
            "structures",
        ),
    ]
    reason = (
        "identifiant « S1 » porté par plusieurs lignes de la feuille Structures : les lignes de la feuille "
        "« Partenaires » qui le portent ne sont rattachées à aucune d'elles"
    )
    assert _unread(result) == [
        ("S1", [("partners", "Partenaires!A2", reason)]),
        ("S1", [("partners", "Partenaires!A2", reason)]),
        ("S2", []),
    ]
    assert [s.structure.name for s in result.structures] == ["Maison", "Doublon", "Seule"]
    report = audit([path], as_of=AS_OF)
    assert [(s.id, s.name, s.result("FS-NET-01").status.value) for s in report.structures] == [
        ("S1", "Maison", "fail"),
        ("S1", "Doublon", "fail"),
        ("S2", "Seule", "pass"),
    ]
    assert [s.decision.code.value for s in report.structures][:2] == ["instruction_incomplete"] * 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_structure_without_identifier_is_kept_with_a_provisional_one(tmp_path: Path, fmt: str) -> None:
    """A Structures row without identifier is audited as « sans-identifiant-N »: the facts of the other sheets are
    unread."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison"], [None, "Sans identifiant"]),
            "Horaires": [headers("Horaires"), ["S1", "lundi", "9h", "12h"]],
            "Locaux": [headers("Locaux"), ["S1", "oui"]],
        },
    )
    result = read_workbook(path)
    assert _problems(result) == [("Structures!A3", "erreur", "colonne « Identifiant » : valeur obligatoire manquante")]
    unjoined = (
        "identifiant absent ou illisible : les lignes des autres feuilles ne peuvent pas être rattachées à "
        "cette structure"
    )
    assert _unread(result) == [
        ("S1", []),
        (
            "sans-identifiant-2",
            [
                ("opening_hours", "Structures!A3", unjoined),
                ("conseillers[].presence", "Structures!A3", unjoined),
                ("premises", "Structures!A3", unjoined),
                (
                    "id",
                    "Structures!A3",
                    "identifiant absent ou illisible : identifiant provisoire « sans-identifiant-2 »",
                ),
            ],
        ),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_row_with_an_unknown_identifier_makes_the_likely_structure_unread(tmp_path: Path, fmt: str) -> None:
    """A row whose identifier is not in Structures is an error at that cell, and the facts of that
    sheet are unread for the structure it was most likely meant for (the only one of the workbook,
    or the one with a close identifier), or for every structure when it resembles none: judging
    any of them without the row could fail it wrongly."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S-01", "Maison"], ["T-77", "Autre"]),
            "Partenaires": [headers("Partenaires"), ["S-01", "CAF"], ["S01", "CPAM"], ["Z9", "MSA"]],
        },
    )
    result = read_workbook(path)
    assert _problems(result) == [
        (
            "Partenaires!A3",
            "erreur",
            "colonne « Identifiant » : identifiant « S01 » absent de la feuille Structures ; voulez-vous dire « "
            "S-01 » ?",
        ),
        ("Partenaires!A4", "erreur", "colonne « Identifiant » : identifiant « Z9 » absent de la feuille Structures"),
    ]
    anywhere = (
        "partners",
        "Partenaires!A4",
        "ligne de la feuille « Partenaires » à l'identifiant « Z9 » inconnu : elle peut être celle de n'importe "
        "quelle structure du classeur",
    )
    assert _unread(result) == [
        (
            "S-01",
            [
                ("partners", "Partenaires!A3", "ligne de la feuille « Partenaires » à l'identifiant « S01 » inconnu"),
                anywhere,
            ],
        ),
        ("T-77", [anywhere]),
    ]


# --- the template's traps ---------------------------------------------------------------------


def _with_example(tmp_path: Path, fmt: str, *, keep: set[str] | None = None) -> Path:
    """The template's example structure (and its rows in every sheet, or in ``keep`` only) next to S1."""
    referential = select_referential(AS_OF)
    declaration, answers = example_declaration([p.name for p in referential.partners])
    real = make_structure(id="S1", name="Maison")
    rows = declaration_rows(model.Declaration((*declaration.structures, real), declaration.departement), answers)
    sheets = {}
    for spec in SHEETS:
        kept = [r for r in rows[spec.name] if keep is None or spec.name in keep or r[0] != EXAMPLE_ID]
        sheets[spec.name] = [headers(spec.name), *kept]
    return write(tmp_path / f"exemple.{fmt}", sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_forgotten_example_is_skipped_with_a_warning(tmp_path: Path, fmt: str) -> None:
    """The template's example left in every sheet is not audited: one warning says so and how to remove it."""
    result = read_workbook(_with_example(tmp_path, fmt))
    assert _problems(result) == [
        (
            "Structures!A2",
            "avertissement",
            f"structure d'exemple « {EXAMPLE_ID} » du modèle ignorée, elle n'est pas auditée : supprimez ses "
            "lignes des "
            "feuilles Structures, Horaires, Conseillers, Partenaires, Services locaux, Locaux, Fréquentation, "
            "Département, Vérifications (ou créez le modèle sans exemple : fsaudit template --sans-exemple)",
        ),
    ]
    assert [s.structure.id for s in result.structures] == ["S1"]
    assert result.answers == ()
    assert result.departements == ()


@pytest.mark.parametrize("fmt", FORMATS)
def test_example_rows_left_in_one_sheet_are_skipped_with_a_warning(tmp_path: Path, fmt: str) -> None:
    """Example rows left in Horaires after its Structures row was deleted: a warning at the first one, not an error per
    row."""
    path = _with_example(tmp_path, fmt, keep={"Horaires"})
    edit = read_workbook(path)
    assert _problems(edit) == [
        (
            "Horaires!A2",
            "avertissement",
            f"structure d'exemple « {EXAMPLE_ID} » du modèle ignorée, elle n'est pas auditée : supprimez ses "
            "lignes des "
            "feuilles Horaires (ou créez le modèle sans exemple : fsaudit template --sans-exemple)",
        ),
    ]
    assert [s.structure.id for s in edit.structures] == ["S1"]


BOOLEANS = [
    ("oui", True),
    (" Oui ", True),
    ("OUI", True),
    ("o", True),
    ("O", True),
    ("x", True),
    ("X", True),
    ("vrai", True),
    ("VRAI", True),
    ("1", True),
    (1, True),
    (True, True),
    ("non", False),
    ("N", False),
    ("n", False),
    ("faux", False),
    ("Faux ", False),
    ("0", False),
    (0, False),
    (False, False),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_oui_non_column_reads_the_usual_spellings(tmp_path: Path, fmt: str) -> None:
    """oui/non, o/n, x, vrai/faux, 1/0 (text or number), any case and spaces, in Locaux and « Prise de rendez-vous »."""
    booking = [c.key for c in SHEETS[0].columns].index("appointment_booking")
    locaux = next(s for s in SHEETS if s.name == "Locaux")
    flags = [c.key for c in locaux.columns if c.kind == "bool"]
    structures = [[f"S{n}", "Maison"] + [None] * (booking - 2) + [value] for n, (value, _b) in enumerate(BOOLEANS)]
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(*structures),
            "Locaux": [headers("Locaux")]
            + [[f"S{n}"] + [value] * len(flags) for n, (value, _b) in enumerate(BOOLEANS)],
        },
    )
    result = read_workbook(path)
    assert _problems(result) == []
    read = [
        (s.structure.appointment_booking, {getattr(s.structure.premises, key) for key in flags})
        for s in result.structures
    ]
    assert read == [(expected, {expected}) for _value, expected in BOOLEANS]


def test_oui_non_drop_downs_accept_other_spellings(tmp_path: Path) -> None:
    """The template's oui/non drop-downs suggest oui and non without refusing x, vrai or 1 (xlsx and ods)."""
    import io
    import zipfile

    from openpyxl import load_workbook

    referential = select_referential(AS_OF)
    path = tmp_path / "modele.xlsx"
    path.write_bytes(render_workbook("xlsx", referential, example=False))
    wb = load_workbook(path)
    shown = {
        (spec.name, column.key): next(
            dv.showErrorMessage
            for dv in wb[spec.name].data_validations.dataValidation
            if str(dv.sqref).startswith(f"{chr(65 + n)}2:")
        )
        for spec in SHEETS
        for n, column in enumerate(spec.columns)
        if column.choices
    }
    assert {key for key, value in shown.items() if value} == {
        ("Structures", "type"),
        ("Structures", "format"),
        ("Structures", "gestionnaire_kind"),
        ("Structures", "label_status"),
        ("Horaires", "day"),
        ("Vérifications", "result"),
    }
    content = zipfile.ZipFile(io.BytesIO(render_workbook("ods", referential))).read("content.xml").decode()
    oui_non = content.count('of:cell-content-is-in-list("oui";"non")')
    assert oui_non == sum(1 for spec in SHEETS for c in spec.columns if c.choices == "oui_non") == 9
    assert content.count('table:message-type="stop" table:display="true"') == 6


@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_departement_code_makes_canton_coverage_unread(tmp_path: Path, fmt: str) -> None:
    """A département code that is no INSEE code drops the block: its cantons are unread, not « no list »."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison", "32", "3201"]),
            "Département": [headers("Département"), ["3x", "Gers", "3201", "Auch-1"]],
        },
    )
    result = read_workbook(path)
    message = (
        "colonne « Département » : « 3X » n'est pas un code de département ; attendu un code INSEE : 01 à 95, "
        "2A, 2B, 971 à 989"
    )
    assert _problems(result) == [("Département!A2", "erreur", message)]
    assert _unread(result) == [("S1", [("departement.cantons", "Département!A2", message)])]
    assert result_of(audit([path], as_of=AS_OF), "FS-NET-02", "S1").status.value == "manual"


# --- columns of a second value -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_column_of_a_second_hour_makes_the_hours_unread(samples: Path, tmp_path: Path, fmt: str) -> None:
    """« Début 2 » filled in Horaires is an error at its header; the hours of the rows' structure are unread, FS-HOR-01
    manual."""
    path = edit_workbook(_sample(samples, tmp_path, fmt), columns={"Horaires": ("Début 2", {2: "13h30", 3: "13h30"})})
    message = (
        "colonne « Début 2 » non lue : la colonne « Début » prend une seule valeur par ligne ; saisir une ligne par "
        "créneau (un jour ouvert le matin et l'après-midi a deux lignes), puis supprimer cette colonne"
    )
    result = read_workbook(path)
    assert _problems(result) == [("Horaires!F1", "erreur", message)]
    facts = [("opening_hours", "Horaires!F2", message), ("conseillers[].presence", "Horaires!F2", message)]
    assert _unread(result) == [("EX-32-001", facts), ("EX-32-002", []), ("EX-32-003", []), ("EX-32-004", [])]
    report = audit([path], as_of=AS_OF)
    first = report.structures[0]
    assert (result_of(report, "FS-HOR-01", "EX-32-001").status.value, first.decision.code.value) == (
        "manual",
        "instruction_incomplete",
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_column_of_a_second_partner_makes_the_partners_unread(samples: Path, tmp_path: Path, fmt: str) -> None:
    """« Partenaire 2 » filled in Partenaires is an error at its header; the partners of the row's structure are
    unread, FS-PAR-01 manual."""
    path = edit_workbook(_sample(samples, tmp_path, fmt), columns={"Partenaires": ("Partenaire 2", {2: "Anah"})})
    message = (
        "colonne « Partenaire 2 » non lue : la colonne « Partenaire » prend une seule valeur par ligne ; saisir une "
        "ligne par partenaire, puis supprimer cette colonne"
    )
    result = read_workbook(path)
    assert _problems(result) == [("Partenaires!E1", "erreur", message)]
    assert _unread(result) == [
        ("EX-32-001", [("partners", "Partenaires!E2", message)]),
        ("EX-32-002", []),
        ("EX-32-003", []),
        ("EX-32-004", []),
    ]
    assert result_of(audit([path], as_of=AS_OF), "FS-PAR-01", "EX-32-001").status.value == "manual"


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_second_value_column_and_unrelated_column_are_warnings(tmp_path: Path, fmt: str) -> None:
    """« Fin après-midi » left empty and « Commentaire » filled are ignored with a warning: nothing unread."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison"]),
            "Horaires": [
                [*headers("Horaires"), "Fin après-midi", "Commentaire"],
                ["S1", "lundi", "9h", "12h", None, None, "fermé l'été"],
            ],
        },
    )
    expected = "« Identifiant », « Jour », « Début », « Fin », « Conseiller »"
    result = read_workbook(path)
    assert _problems(result) == [
        (
            "Horaires!F1",
            "avertissement",
            f"colonne « Fin après-midi » inconnue : ignorée (colonnes attendues {expected})",
        ),
        ("Horaires!G1", "avertissement", f"colonne « Commentaire » inconnue : ignorée (colonnes attendues {expected})"),
    ]
    assert _unread(result) == [("S1", [])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_second_value_column_of_structures_makes_that_value_unread(tmp_path: Path, fmt: str) -> None:
    """« Date du label 2 » filled in Structures: an error at its header, the label date of that row unread."""
    path = write(
        tmp_path / f"d.{fmt}",
        {
            "Structures": [
                ["Identifiant", "Nom", "Statut du label", "Date du label", "Date du label 2"],
                ["S1", "Maison", "labellisée", "01/01/2021", "02/02/2022"],
                ["S2", "Autre", "labellisée", "01/01/2021", None],
            ],
        },
    )
    message = (
        "colonne « Date du label 2 » non lue : une structure a une seule valeur « Date du label », à saisir dans la "
        "colonne « Date du label », puis supprimer cette colonne"
    )
    result = read_workbook(path)
    assert _problems(result) == [("Structures!E1", "erreur", message)]
    assert _unread(result) == [("S1", [("label.date", "Structures!E2", message)]), ("S2", [])]


# --- sheets renamed with more words ------------------------------------------------------------

RENAMED = [
    ("Fréquentation", "Fréquentation mensuelle", ["attendance"]),
    ("Partenaires", "Partenaires nationaux", ["partners"]),
    ("Services locaux", "Services complémentaires", ["local_services"]),
    ("Horaires", "Horaires d'ouverture", ["opening_hours", "conseillers[].presence"]),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("sheet", "renamed", "facts"), RENAMED)
def test_sheet_renamed_with_more_words_makes_its_facts_unread_for_every_structure(
    samples: Path, tmp_path: Path, fmt: str, sheet: str, renamed: str, facts: list[str]
) -> None:
    """« Fréquentation mensuelle » is an error naming the expected sheet; not read, its facts unread everywhere."""
    path = edit_workbook(_sample(samples, tmp_path, fmt), renames={sheet: renamed})
    where = "'" + renamed.replace("'", "''") + "'!A1"
    message = f"feuille « {renamed} » non lue : la feuille attendue s'appelle « {sheet} » ; renommer la feuille"
    result = read_workbook(path)
    assert _problems(result) == [(where, "erreur", message)]
    assert _unread(result) == [(sid, [(fact, where, message) for fact in facts]) for sid in SAMPLE_IDS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_renamed_attendance_sheet_is_not_judged_undeclared(samples: Path, tmp_path: Path, fmt: str) -> None:
    """With « Fréquentation mensuelle », FS-ACT-01 is manual for every structure, not « non déclarée »."""
    path = edit_workbook(_sample(samples, tmp_path, fmt), renames={"Fréquentation": "Fréquentation mensuelle"})
    report = audit([path], as_of=AS_OF)
    assert [result_of(report, "FS-ACT-01", sid).status.value for sid in SAMPLE_IDS] == ["manual"] * 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_renamed_conseillers_sheet_gives_one_error_not_one_per_presence(
    samples: Path, tmp_path: Path, fmt: str
) -> None:
    """« Conseillers France services » is one error: the presences citing its conseillers are not each an error."""
    path = edit_workbook(_sample(samples, tmp_path, fmt), renames={"Conseillers": "Conseillers France services"})
    where = "'Conseillers France services'!A1"
    message = (
        "feuille « Conseillers France services » non lue : la feuille attendue s'appelle « Conseillers » ; "
        "renommer la feuille"
    )
    result = read_workbook(path)
    assert _problems(result) == [(where, "erreur", message)]
    assert _unread(result) == [(sid, [("conseillers", where, message)]) for sid in SAMPLE_IDS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_renamed_structures_sheet_is_suggested(tmp_path: Path, fmt: str) -> None:
    """« Liste des structures » is an error, and the missing Structures sheet suggests it."""
    path = write(
        tmp_path / f"d.{fmt}",
        {"Liste des structures": structures_sheet(["S1", "Maison"]), "Horaires": [headers("Horaires")]},
    )
    result = read_workbook(path)
    assert _problems(result) == [
        (
            "fichier",
            "erreur",
            "feuille « Structures » absente : le classeur doit avoir une feuille Structures (voir « fsaudit "
            "template ») ; voulez-vous dire « Liste des structures » ?",
        ),
        (
            "'Liste des structures'!A1",
            "erreur",
            "feuille « Liste des structures » non lue : la feuille attendue s'appelle « Structures » ; renommer la "
            "feuille",
        ),
    ]
    assert result.structures == ()


@pytest.mark.parametrize("fmt", FORMATS)
def test_sheet_with_more_words_beside_the_known_one_is_a_warning(samples: Path, tmp_path: Path, fmt: str) -> None:
    """« Horaires 2023 » next to « Horaires » (present) looks like no absent sheet: a warning, nothing unread."""
    path = _sample(samples, tmp_path, fmt)
    edit_workbook(path, renames={"Vérifications": "Horaires 2023"})  # the samples' Vérifications sheet is empty
    result = read_workbook(path)
    assert [(p.location, p.level) for p in result.problems] == [("'Horaires 2023'!A1", "avertissement")]
    assert all(not s.unread for s in result.structures)
