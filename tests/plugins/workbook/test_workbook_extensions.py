"""Plugins' extension facts in a workbook: the « Extensions » sheet (one row per fact: Identifiant,
Espace, Champ, Valeur), typed by its cell, located at its Valeur cell, never half-read."""

from __future__ import annotations

import datetime as _dt
import types
from pathlib import Path
from typing import Any

import guichet_plugin
import pytest
from openpyxl import load_workbook
from workbook_helpers import Formula, headers, structures_sheet, write

from fsaudit import hookimpl
from fsaudit.model import declaration as model
from fsaudit.model.rule import frozen_data
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit
from fsaudit_workbook.reader import read_workbook
from fsaudit_workbook.template import declaration_rows, render_workbook

AS_OF = _dt.date(2025, 6, 30)
FORMATS = ["xlsx", "ods"]
GUICHET = [("guichet", guichet_plugin)]
HOURS = "horaires_numeriques"


def _workbook(tmp_path: Path, fmt: str, *rows: list[Any], ids: tuple[str, ...] = ("S1",)) -> Path:
    sheets = {
        "Structures": structures_sheet(*([sid, f"Maison {sid}"] for sid in ids)),
        "Extensions": [headers("Extensions"), *rows],
    }
    return write(tmp_path / f"declaration.{fmt}", sheets)


def _problems(result: Any) -> list[tuple[str, str, str]]:
    return [(p.location, p.level, p.message) for p in result.problems]


def _unread(result: Any) -> list[tuple[str, list[tuple[str, str, str]]]]:
    return [(s.structure.id, [(f.field, f.location, f.reason) for f in s.unread]) for s in result.structures]


def _extensions(result: Any) -> dict[str, Any]:
    return {s.structure.id: s.structure.extensions for s in result.structures}


def _rule(report: Any) -> list[tuple[str, str, str, str]]:
    out = []
    for s in report.structures:
        result = s.result("GUI-NUM-01")
        out.append((s.id, result.status.value, result.message, str(result.location)))
    return out


def _errors(report: Any) -> list[tuple[str, str, str]]:
    return [(str(e.location), e.level, e.message) for e in report.errors]


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_values_are_typed_by_their_cell(tmp_path: Path, fmt: str) -> None:
    """Numbers (whole ones as integers), boolean cells and oui/non spellings, dates as ISO text, the rest text."""
    path = _workbook(
        tmp_path,
        fmt,
        ["S1", "dep", "entier", 8],
        ["S1", "dep", "decimal", 6.5],
        ["S1", "dep", "case", True],
        ["S1", "dep", "oui", " Oui "],
        ["S1", "dep", "non", "NON"],
        ["S1", "dep", "croix", "x"],
        ["S1", "dep", "chiffre", "1"],
        ["S1", "dep", "date", _dt.date(2024, 5, 1)],
        ["S1", "dep", "heure", _dt.time(9, 30)],
        ["S1", " autre ", " référent ", "  Mme Dupont "],
    )
    result = read_workbook(path)
    assert _problems(result) == []
    assert _extensions(result) == {
        "S1": {
            "dep": {
                "entier": 8,
                "decimal": 6.5,
                "case": True,
                "oui": True,
                "non": False,
                "croix": True,
                "chiffre": "1",
                "date": "2024-05-01",
                "heure": "09:30",
            },
            "autre": {"référent": "Mme Dupont"},
        }
    }
    assert type(result.structures[0].structure.extensions["dep"]["entier"]) is int


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_structure_without_extension_rows_has_no_extensions(tmp_path: Path, fmt: str) -> None:
    """Only the structures named in the sheet get extension facts; the others keep ``None``."""
    result = read_workbook(_workbook(tmp_path, fmt, ["S2", "dep", "x", 1], ids=("S1", "S2")))
    assert _extensions(result) == {"S1": None, "S2": {"dep": {"x": 1}}}


# --- auditing with a plugin that declares its facts ------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_finding_on_an_extension_fact_points_at_its_valeur_cell(tmp_path: Path, fmt: str) -> None:
    """The plugin's rule judges the fact read from the sheet; its finding is located at the Valeur cell."""
    path = _workbook(tmp_path, fmt, ["S1", "guichet", HOURS, 8], ["S2", "guichet", HOURS, 3], ids=("S1", "S2", "S3"))
    report = audit([path], as_of=AS_OF, extra_plugins=GUICHET)
    assert _errors(report) == []
    assert _rule(report) == [
        ("S1", "pass", "8 h d'aide numérique (minimum local 4 h)", "Extensions!D2"),
        ("S2", "fail", "3 h d'aide numérique, sous le minimum local de 4 h", "Extensions!D3"),
        ("S3", "manual", "heures d'aide numérique non déclarées", "Structures!A4"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_the_plugin_schema_refuses_is_an_error_at_its_cell(tmp_path: Path, fmt: str) -> None:
    """« huit » for a whole number: an error at the Valeur cell, the rule manual, the decision incomplete."""
    report = audit([_workbook(tmp_path, fmt, ["S1", "guichet", HOURS, "huit"])], as_of=AS_OF, extra_plugins=GUICHET)
    message = "type incorrect : attendu un nombre entier, reçu le texte « huit »"
    assert _errors(report) == [("Extensions!D2", "erreur", message)]
    assert _rule(report) == [
        ("S1", "manual", f"non évaluable : donnée illisible ou absente (Extensions!D2 : {message})", "Extensions!D2")
    ]
    assert report.structures[0].decision.code.value == "instruction_incomplete"
    assert len(report.input_errors) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_namespace_no_plugin_declares_is_a_warning_at_its_espace_cell(tmp_path: Path, fmt: str) -> None:
    """Facts for a plugin that is not loaded: one warning at the Espace cell, no input error, nothing unread."""
    path = _workbook(tmp_path, fmt, ["S1", "guichet", HOURS, 6], ["S1", "autre", "x", 1], ["S1", "autre", "y", 2])
    report = audit([path], as_of=AS_OF, extra_plugins=GUICHET)
    assert _errors(report) == [
        (
            "Extensions!B3",
            "avertissement",
            "extensions « autre » : aucun plugin chargé ne les déclare (espaces connus : guichet) : ignorées",
        )
    ]
    assert report.input_errors == []
    assert _rule(report) == [("S1", "pass", "6 h d'aide numérique (minimum local 4 h)", "Extensions!D2")]
    assert report.structures[0].unread == ()


# --- facts that are not read -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_fact_declared_twice_is_unread_and_neither_value_is_chosen(tmp_path: Path, fmt: str) -> None:
    """Two rows for one fact: an error at the second row's Champ; the fact is unread, its values both left out."""
    path = _workbook(
        tmp_path,
        fmt,
        ["S1", "guichet", HOURS, 8],
        ["S1", "guichet", "referent", "Mme Dupont"],
        ["S1", "guichet", HOURS, 2],
        ["S1", "guichet", HOURS, 9],
    )
    result = read_workbook(path)
    first = (
        "colonne « Champ » : le fait « guichet.horaires_numeriques » de la structure « S1 » est déjà déclaré "
        "ligne 2 : une seule ligne par fait ; aucune de ses valeurs n'est lue"
    )
    assert _problems(result) == [("Extensions!C4", "erreur", first), ("Extensions!C5", "erreur", first)]
    assert _unread(result) == [
        (
            "S1",
            [
                (f"extensions.guichet.{HOURS}", "Extensions!C4", first),
                (f"extensions.guichet.{HOURS}", "Extensions!C5", first),
            ],
        )
    ]
    assert _extensions(result) == {"S1": {"guichet": {"referent": "Mme Dupont"}}}
    report = audit([path], as_of=AS_OF, extra_plugins=GUICHET)
    assert _rule(report)[0][:2] == ("S1", "manual")
    assert _rule(report)[0][2].startswith(f"non évaluable : donnée illisible ou absente (Extensions!C4 : {first}")


def _requiring(namespace_schema: dict[str, Any]) -> types.ModuleType:
    """A plugin module declaring ``guichet`` with ``namespace_schema`` and the guichet rule."""
    plugin = types.ModuleType("guichet_strict")

    @hookimpl
    def fsaudit_extension_schemas() -> dict[str, Any]:
        return {"guichet": namespace_schema}

    @hookimpl
    def fsaudit_rules() -> list[Any]:
        return [guichet_plugin.RULE]

    plugin.fsaudit_extension_schemas = fsaudit_extension_schemas  # type: ignore[attr-defined]
    plugin.fsaudit_rules = fsaudit_rules  # type: ignore[attr-defined]
    return plugin


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_required_fact_that_was_not_read_is_not_reported_missing(tmp_path: Path, fmt: str) -> None:
    """A fact the schema requires but the sheet could not read is unread, not « manquant »; the namespace stays read."""
    strict = _requiring({**guichet_plugin.SCHEMA, "required": [HOURS, "referent"]})
    path = _workbook(
        tmp_path,
        fmt,
        ["S1", "guichet", HOURS, 8],
        ["S1", "guichet", HOURS, 8],
        ["S1", "guichet", "referent", "Mme Dupont"],
        ["S2", "guichet", HOURS, 5],
        ids=("S1", "S2"),
    )
    report = audit([path], as_of=AS_OF, extra_plugins=[("guichet_strict", strict)])
    duplicate = (
        "colonne « Champ » : le fait « guichet.horaires_numeriques » de la structure « S1 » est déjà déclaré "
        "ligne 2 : une seule ligne par fait ; aucune de ses valeurs n'est lue"
    )
    assert _errors(report) == [
        ("Extensions!C3", "erreur", duplicate),
        ("Extensions!B5", "erreur", "champ obligatoire « referent » (référent local) manquant"),
    ]
    assert [[(f.field, str(f.location)) for f in s.unread] for s in report.structures] == [
        [(f"extensions.guichet.{HOURS}", "Extensions!C3")],
        [("extensions.guichet", "Extensions!B5")],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_cells_are_reported_and_make_what_the_row_declares_unread(tmp_path: Path, fmt: str) -> None:
    """No Espace: every extension fact is unread; no Champ: the namespace; no Valeur: the fact. Each cell said."""
    path = _workbook(
        tmp_path,
        fmt,
        ["S1", None, "x", 1],
        ["S2", "guichet", None, None],
        ["S3", "guichet", HOURS, None],
        ids=("S1", "S2", "S3"),
    )
    result = read_workbook(path)
    espace = "colonne « Espace » : valeur obligatoire manquante"
    champ = "colonne « Champ » : valeur obligatoire manquante"
    valeur = "colonne « Valeur » : valeur obligatoire manquante"
    assert _problems(result) == [
        ("Extensions!B2", "erreur", espace),
        ("Extensions!C3", "erreur", champ),
        ("Extensions!D3", "erreur", valeur),
        ("Extensions!D4", "erreur", valeur),
    ]
    assert _unread(result) == [
        ("S1", [("extensions", "Extensions!B2", espace)]),
        ("S2", [("extensions.guichet", "Extensions!C3", champ)]),
        ("S3", [(f"extensions.guichet.{HOURS}", "Extensions!D4", valeur)]),
    ]
    report = audit([path], as_of=AS_OF, extra_plugins=GUICHET)
    assert [(sid, status) for sid, status, _m, _l in _rule(report)] == [
        ("S1", "manual"),
        ("S2", "manual"),
        ("S3", "manual"),
    ]
    assert [s.decision.code.value for s in report.structures] == ["instruction_incomplete"] * 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_unreadable_cells_are_reported_at_their_cell(tmp_path: Path, fmt: str) -> None:
    """A namespace with a space, a field with a dot, a formula without value, a date with an hour: errors, unread."""
    path = _workbook(
        tmp_path,
        fmt,
        ["S1", "mon espace", "x", 1],
        ["S1", "guichet", "a.b", 1],
        ["S1", "guichet", HOURS, Formula("=4+4")],
        ["S1", "guichet", "referent", _dt.datetime(2024, 5, 1, 10, 30)],
    )
    result = read_workbook(path)
    espace = (
        "colonne « Espace » : « mon espace » n'est pas un nom d'espace ; attendu le nom que le plugin donne à ses "
        "faits : lettres sans accent, chiffres, _ ou -, sans espace (par exemple mon_departement)"
    )
    champ = (
        "colonne « Champ » : « a.b » n'est pas un nom de champ ; attendu le nom que le plugin donne au fait, sans "
        "point ni crochet (par exemple guichet_numerique)"
    )
    formule = (
        "colonne « Valeur » : formule sans valeur calculée ; attendu une valeur : ouvrez le fichier dans un tableur "
        "et enregistrez-le, ou saisissez la valeur"
    )
    heure = (
        "colonne « Valeur » : « 01/05/2024 10:30 » porte une heure ; attendu une date sans heure, ou la date et "
        "l'heure en texte"
    )
    assert _problems(result) == [
        ("Extensions!B2", "erreur", espace),
        ("Extensions!C3", "erreur", champ),
        ("Extensions!D4", "erreur", formule),
        ("Extensions!D5", "erreur", heure),
    ]
    assert _unread(result) == [
        (
            "S1",
            [
                ("extensions", "Extensions!B2", espace),
                ("extensions.guichet", "Extensions!C3", champ),
                (f"extensions.guichet.{HOURS}", "Extensions!D4", formule),
                ("extensions.guichet.referent", "Extensions!D5", heure),
            ],
        )
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_identifier_behaves_as_in_every_other_sheet(tmp_path: Path, fmt: str) -> None:
    """An identifier not in Structures: an error at its cell; the only structure's extension facts are unread."""
    result = read_workbook(_workbook(tmp_path, fmt, ["S-1", "guichet", HOURS, 8]))
    message = "colonne « Identifiant » : identifiant « S-1 » absent de la feuille Structures"
    assert _problems(result) == [("Extensions!A2", "erreur", message)]
    reason = "ligne de la feuille « Extensions » à l'identifiant « S-1 » inconnu"
    assert _unread(result) == [("S1", [("extensions", "Extensions!A2", reason)])]
    assert _extensions(result) == {"S1": None}


@pytest.mark.parametrize("fmt", FORMATS)
def test_identifier_of_no_structure_among_several_leaves_every_structure_unread(tmp_path: Path, fmt: str) -> None:
    """Among several structures, a row whose identifier resembles none is reported and attached to
    none; it may be any structure's, so every structure's extension facts are unread."""
    result = read_workbook(_workbook(tmp_path, fmt, ["ZZZ-99", "guichet", HOURS, 8], ids=("S1", "S2")))
    message = "colonne « Identifiant » : identifiant « ZZZ-99 » absent de la feuille Structures"
    assert _problems(result) == [("Extensions!A2", "erreur", message)]
    reason = (
        "ligne de la feuille « Extensions » à l'identifiant « ZZZ-99 » inconnu : elle peut être celle de n'importe "
        "quelle structure du classeur"
    )
    assert _unread(result) == [(sid, [("extensions", "Extensions!A2", reason)]) for sid in ("S1", "S2")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sheet_without_its_valeur_column_makes_extensions_unread_everywhere(tmp_path: Path, fmt: str) -> None:
    """Without the Valeur column the sheet is not read: every structure's extension facts are unread."""
    sheets = {
        "Structures": structures_sheet(["S1", "A"], ["S2", "B"]),
        "Extensions": [["Identifiant", "Espace", "Champ"], ["S1", "guichet", HOURS]],
    }
    result = read_workbook(write(tmp_path / f"d.{fmt}", sheets))
    message = "colonne obligatoire « Valeur » absente de la feuille « Extensions » : la feuille n'est pas lue"
    assert _problems(result) == [("Extensions!A1", "erreur", message)]
    assert _unread(result) == [(sid, [("extensions", "Extensions!A1", message)]) for sid in ("S1", "S2")]


# --- writing ---------------------------------------------------------------------------------


def _structure(**extensions: Any) -> model.Structure:
    return model.Structure("S1", "Maison", extensions=model.Extensions(frozen_data(extensions)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_written_facts_read_back_with_their_types(tmp_path: Path, fmt: str) -> None:
    """A declaration's extension facts are written one row each (booleans as oui/non) and read back the same."""
    structure = _structure(guichet={HOURS: 8, "referent": "Mme Dupont", "ouvert": False}, dep={"taux": 0.25})
    path = tmp_path / f"d.{fmt}"
    path.write_bytes(render_workbook(fmt, select_referential(AS_OF), model.Declaration((structure,))))
    assert declaration_rows(model.Declaration((structure,)))["Extensions"] == [
        ["S1", "guichet", HOURS, 8],
        ["S1", "guichet", "referent", "Mme Dupont"],
        ["S1", "guichet", "ouvert", "non"],
        ["S1", "dep", "taux", 0.25],
    ]
    result = read_workbook(path)
    assert _problems(result) == []
    assert [s.structure for s in result.structures] == [structure]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ([1, 2], "une liste"),
        ({"a": 1}, "un objet"),
        (None, "null"),
        ("oui", "le texte « oui »"),
        (" espace ", "le texte «  espace  »"),
        ("", "le texte «  »"),
        (2**53 + 1, "le nombre 9007199254740993"),
    ],
    ids=["liste", "objet", "null", "oui", "espaces", "vide", "entier"],
)
def test_a_fact_the_workbook_would_read_otherwise_is_refused_when_writing(value: Any, shown: str) -> None:
    """Writing never changes a fact silently: a list, null, a text read as oui/non or trimmed, a huge integer."""
    with pytest.raises(ValueError) as caught:
        declaration_rows(model.Declaration((_structure(dep={"x": value}),)))
    assert str(caught.value) == (
        f"Extensions : le fait « dep.x » de la structure « S1 » ({shown}) ne peut pas être écrit dans un classeur "
        "sans changer : une ligne porte un nom d'espace, un nom de champ sans point ni crochet, et un nombre, "
        "oui/non ou un texte qui ne se lit pas oui/non, sans espace autour"
    )


def test_template_example_declares_one_extension_fact(tmp_path: Path) -> None:
    """The template's example fills the Extensions sheet once, with the fact of the plugin guide."""
    path = tmp_path / "t.xlsx"
    path.write_bytes(render_workbook("xlsx", select_referential(AS_OF), example=True))
    ws = load_workbook(path)["Extensions"]
    assert [list(row) for row in ws.iter_rows(values_only=True)] == [
        ["Identifiant", "Espace", "Champ", "Valeur"],
        ["EXEMPLE-01", "mon_departement", "guichet_numerique", "oui"],
    ]
    assert ws.column_dimensions["D"].number_format != "@"  # a number typed in Valeur stays a number
