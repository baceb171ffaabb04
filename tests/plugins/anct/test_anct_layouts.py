"""Every known layout of the national list, recognised by its header, read from real records.

Real records: « ANCT – Liste des structures France services, data.gouv.fr, export du
01/12/2022 » (Licence Ouverte 2.0, shipped in samples/anct/) and « ANCT – carte des espaces
France services, données de septembre 2020 (anct-carto/France-services) » (six features in
tests/plugins/anct/fixtures/).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fsaudit.cli.main import cli
from fsaudit.model import declaration as model
from fsaudit.model.declaration import Format, StructureType
from fsaudit.plugin.manager import select_referential
from fsaudit.report.json_contract import report_to_dict
from fsaudit.run.engine import audit
from fsaudit.testing import result_of
from fsaudit_anct.layouts import layouts, load_layout, recognise
from fsaudit_anct.reader import read_csv, read_geojson, read_workbook

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[2] / "samples" / "anct"
LIST_2022 = SAMPLES / "liste-fs-20221201.csv"
MAP_2020 = HERE / "fixtures" / "france-services-2020-extrait.geojson"
AS_OF = _dt.date(2023, 1, 15)


def _lines_2022(count: int) -> list[str]:
    with LIST_2022.open(encoding="utf-8", newline="") as handle:
        return [next(handle) for _ in range(count + 1)]


def _rows_2022(count: int) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(_lines_2022(count)))))


def _write_rows(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_every_layout_file_loads() -> None:
    """The shipped layout files load, each with a distinct id, newest first."""
    assert [layout.id for layout in layouts()] == ["liste-2024", "liste-2022", "carte-2020", "mediation-numerique"]


def test_layout_with_an_unknown_key_is_refused() -> None:
    """A layout file with a key the format does not know is refused, naming the file."""
    with pytest.raises(ValueError, match=r"^essai\.toml: invalid layout"):
        load_layout('id = "x"\ntitle = "x"\norder = 9\nsignature = []\ncolumns = {}\ncolonnes = 1\n', "essai.toml")


@pytest.mark.parametrize(
    ("header", "layout", "exact"),
    [
        (SAMPLES.joinpath("liste-fs-20240801.csv").read_text("utf-8").splitlines()[0], "liste-2024", True),
        (_lines_2022(0)[0].strip(), "liste-2022", True),
        (_lines_2022(0)[0].strip() + ',"format_fs_anct"', "liste-2022", True),
        ('"LIB_FS","ID_FS","H_Lundi","Type_FS"', "liste-2024", False),
        (
            '"","MATRICULE","DEPARTEMENT","lib_france_services","COMMUNE","h_lundi","LABELISATION","result_score"',
            "carte-2020",
            False,
        ),
        (
            '"id","nom","commune","code_postal","adresse","horaires","dispositif_programmes_nationaux"',
            "mediation-numerique",
            True,
        ),
    ],
)
def test_layout_is_recognised_by_its_header(header: str, layout: str, exact: bool) -> None:
    """Each layout is recognised by its header, whatever the order, case or synonyms."""
    found = recognise(next(csv.reader([header])))
    assert (found.layout.id, found.exact) == (layout, exact)


def test_2022_export_is_read_whole() -> None:
    """Every record of the December 2022 export is read, as layout liste-2022; the only problems
    are the one unreadable hours cell and the ten principal structures whose name says they move or
    are antennes (« Bus France services … », « … - Antenne de … ») while « itinerance » says « Non »:
    warnings at their line and column."""
    result = read_csv(LIST_2022)
    assert (len(result.structures), result.layout) == (2683, "liste-2022")
    assert [(p.location, p.level) for p in result.problems if "itinerance" not in p.location] == [
        ("ligne 2746, colonne h_mardi", "avertissement")
    ]
    moving = [p for p in result.problems if "itinerance" in p.location]
    assert len(moving) == 10 and {p.level for p in moving} == {"avertissement"}
    bus = next(p for p in moving if "Pimms" in p.message)
    assert bus.message == (
        "le nom « Bus France services Pimms Médiation de Lyon » désigne une offre itinérante ou une antenne, alors "
        "que la colonne itinerance vaut « Non » : format non lu, à vérifier"
    )
    ids = [s.structure.id for s in result.structures]
    assert len(set(ids)) == 2683 and sum(i.startswith("temp_") for i in ids) == 159


def test_2022_hours_readable_share() -> None:
    """At least 99 % of the non-empty hours cells of the 2022 export are read."""
    with LIST_2022.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [r[c] for r in rows for c in ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")]
    filled = [c for c in cells if c.strip()]
    unread = sum(
        len([f for f in s.unread if f.field.startswith("opening_hours")]) for s in read_csv(LIST_2022).structures
    )
    assert unread == 1 and 1 - unread / len(filled) >= 0.99


_TIME = re.compile(r"(\d{1,2})\s*[:h]\s*(\d{2})?")


def _independent_ranges(cell: str) -> list[tuple[int, int]] | None:
    """The ranges of a 2022 cell by pairing its times in order (``-`` closed), in minutes; None
    when the times are odd in number or joined by anything but one dash, slash, comma, colon or space."""
    times = [int(h) * 60 + int(m or 0) for h, m in _TIME.findall(cell)]
    joins = [j.strip() for j in _TIME.split(cell)[3::3][:-1]] if times else []
    if len(times) % 2 or any(j not in ("-", "/", ",", ":", "") for j in joins):
        return None
    return list(zip(times[::2], times[1::2], strict=True))


def _expected_2022_hours(days: list[list[tuple[int, int]]], earliest: int, latest: int) -> str:
    """FS-HOR-01 on read days: a shortfall or a pass that a day of unknown length (placeholders
    alone, a range reversed or outside the plausible hours) could change is manual."""

    def sure(start: int, end: int) -> bool:
        return start < end and earliest <= start and end <= latest

    def doubtful(ranges: list[tuple[int, int]]) -> bool:
        return (bool(ranges) and all(a == b for a, b in ranges)) or any(a != b and not sure(a, b) for a, b in ranges)

    if sum(max(0, b - a) for ranges in days for a, b in ranges) == 0:
        return "manual"
    certain = [sum(b - a for a, b in ranges if sure(a, b)) for ranges in days]
    if sum(certain) >= 24 * 60:
        return "pass"
    most = sum(certain) + sum(24 * 60 - day for day, ranges in zip(certain, days, strict=True) if doubtful(ranges))
    return "manual" if most >= 24 * 60 else "fail"


def test_2022_hours_verdicts_agree_with_an_independent_reading() -> None:
    """FS-HOR-01 on every principal fixed structure of the 2022 export agrees with a reading that
    pairs the times of each cell in order; unread cells, and days of unknown length that could change
    the verdict, give « à vérifier »."""
    report = audit([LIST_2022], as_of=AS_OF)
    with LIST_2022.open(encoding="utf-8", newline="") as handle:
        rows = {r["id_fs"]: r for r in csv.DictReader(handle)}
    referential = select_referential(AS_OF)
    bounds = [
        int(text[:2]) * 60 + int(text[3:])
        for text in (referential.value("hours.plausible_earliest"), referential.value("hours.plausible_latest"))
    ]
    checked = 0
    for structure in report.structures:
        row = rows[structure.id]
        if row["format_fs"] != "Site principal" or row["itinerance"] != "Non":
            continue
        if re.search(r"\b(bus|itinérante?s?|antennes?)\b", row["lib_fs"].lower()):
            # its name says it moves or is an antenne: format unread, hours rule to check
            assert structure.result("FS-HOR-01").status.value == "manual", structure.id
            continue
        days = [
            _independent_ranges(row[c])
            for c in ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")
        ]
        status = structure.result("FS-HOR-01").status.value
        if any(day is None for day in days):
            assert status == "manual", structure.id
        else:
            assert status == _expected_2022_hours(days, *bounds), structure.id
        checked += 1
    assert checked == 2246  # and 10 principal structures named « Bus … », « … itinérante » or « … Antenne … »: manual


def test_2022_itinerance_says_fixed_place_or_itinerant(tmp_path: Path) -> None:
    """``itinerance`` Non makes a principal site a fixed place (judged by the 24 h rule), Oui an
    itinerant offer; an antenne keeps no format of its own."""
    rows = _rows_2022(3)
    header = rows[0]
    kind, roaming = header.index("format_fs"), header.index("itinerance")
    for row, (k, r) in zip(
        rows[1:], [("Site principal", "Non"), ("Site principal", "Oui"), ("Antenne", "Non")], strict=True
    ):
        row[kind], row[roaming] = k, r
    result = read_csv(_write_rows(tmp_path / "liste-2022.csv", rows))
    assert [(s.structure.type, s.structure.format) for s in result.structures] == [
        (StructureType.PRINCIPAL, Format.FIXE),
        (StructureType.PRINCIPAL, Format.ITINERANT),
        (StructureType.ANTENNE, None),
    ]


def test_2023_contradictory_row_leaves_type_unread(tmp_path: Path) -> None:
    """A 2023 row whose ``format_fs`` and ``format_fs_anct`` disagree is reported and its type
    is unread (à vérifier), not chosen."""
    rows = _rows_2022(1)
    rows[0].append("format_fs_anct")
    rows[1].append("Antenne")
    result = read_csv(_write_rows(tmp_path / "liste-2023.csv", rows))
    assert [(p.location, p.message, p.level) for p in result.problems] == [
        (
            "ligne 2, colonnes format_fs, format_fs_anct",
            "valeurs contradictoires : format_fs « Site principal », format_fs_anct « Antenne » : type "
            "(principale ou antenne) non retenu, à vérifier",
            "avertissement",
        )
    ]
    loaded = result.structures[0]
    assert (loaded.structure.type, [f.field for f in loaded.unread]) == (None, ["type"])


def test_2022_itinerance_gives_the_format(tmp_path: Path) -> None:
    """``itinerance`` Oui is an itinerant offer; ``format_fs`` Site principal a principal structure."""
    rows = _rows_2022(3)
    (third,) = [r for r in rows[1:] if r[0] == "3"]
    result = read_csv(_write_rows(tmp_path / "liste.csv", [rows[0], third]))
    structure = result.structures[0].structure
    assert (structure.type, structure.format) == (model.StructureType.PRINCIPAL, model.Format.ITINERANT)


def test_2022_semicolon_cp1252_crlf_reads_the_same(tmp_path: Path) -> None:
    """A spreadsheet save of the 2022 layout (``;``, Windows-1252, CRLF) gives the same structures."""
    rows = _rows_2022(20)
    plain = read_csv(_write_rows(tmp_path / "a.csv", rows))
    saved = read_csv(_write_rows(tmp_path / "b.csv", rows, delimiter=";", encoding="cp1252"))
    assert [s.structure for s in saved.structures] == [s.structure for s in plain.structures]


def test_2022_workbook_export_reads_as_the_csv(tmp_path: Path) -> None:
    """An .xlsx export of the 2022 layout gives the structures of its CSV."""
    from openpyxl import Workbook

    rows = _rows_2022(10)
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "liste.xlsx")
    from_book = read_workbook(tmp_path / "liste.xlsx")
    assert from_book.layout == "liste-2022"
    assert [s.structure for s in from_book.structures] == [
        s.structure for s in read_csv(_write_rows(tmp_path / "liste.csv", rows)).structures
    ]


def test_2020_geojson_is_read() -> None:
    """The 2020 map data: categorie and FORMAT_FS give type and format, months date labels (with
    a note), « Horaires non communiqués » is unread, a null geometry leaves the properties' point."""
    result = read_geojson(MAP_2020)
    assert result.layout == "carte-2020"
    by_id = {s.structure.id: s for s in result.structures}
    assert sorted(by_id) == ["1", "167", "179", "198", "440", "98"]
    assert (by_id["440"].structure.type, by_id["440"].structure.format) == (
        model.StructureType.ANTENNE,
        model.Format.ITINERANT,
    )
    assert by_id["1"].structure.label == model.Label(model.LabelStatus.LABELLED, _dt.date(2020, 1, 1))
    assert by_id["1"].notes == (
        "date de labellisation donnée au mois (01/2020) : retenue au premier jour du mois, 01/01/2020",
    )
    assert by_id["1"].structure.departement == "01"
    assert [f.field for f in by_id["198"].unread][:2] == ["opening_hours.monday", "opening_hours.tuesday"]
    assert by_id["167"].structure.irregular_openings.startswith("lundi (h_lundi) : « 9:00 - 13:00 / Sur RDV")
    assert by_id["98"].structure.coordinates is not None


def test_geojson_property_missing_from_one_feature_is_unread(tmp_path: Path) -> None:
    """A feature without a property the other features have (« h_mardi ») has that fact unread,
    with an error at the feature: its day is unknown, not closed."""
    data = json.loads(MAP_2020.read_text("utf-8"))
    del data["features"][0]["properties"]["h_mardi"]
    path = tmp_path / "carte.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = read_geojson(path)
    assert [(p.location, p.message, p.level) for p in result.problems if p.level == "erreur"] == [
        (
            "$.features[0].properties.h_mardi",
            "propriété(s) absente(s) de cette entité : h_mardi ; faits non lus",
            "erreur",
        )
    ]
    first = next(s for s in result.structures if s.structure.id == "1")
    assert [(f.field, f.reason) for f in first.unread] == [
        ("opening_hours.tuesday", "propriété h_mardi absente de cette entité")
    ]
    assert all(not s.unread for s in result.structures if s.structure.id not in ("1", "198"))


def test_2020_csv_twin_without_identifier_gets_derived_ids(tmp_path: Path) -> None:
    """A CSV twin written by R (unnamed row-number column, ``NA``), of the earliest generation
    (no identifier column): each structure gets a stable derived id, said in its notes."""
    features = json.loads(MAP_2020.read_text("utf-8"))["features"]
    header = [
        "",
        "DEPARTEMENT",
        "lib_france_services",
        "ADRESSE",
        "COMMUNE",
        "h_lundi",
        "h_mardi",
        "h_mercredi",
        "h_jeudi",
        "h_vendredi",
        "h_samedi",
        "LABELISATION",
        "categorie",
    ]
    rows = [header]
    for number, feature in enumerate(features, start=1):
        p = feature["properties"]
        rows.append(
            [
                str(number),
                p["DEPARTEMENT"],
                p["lib_france_services"],
                p["ADRESSE"],
                p["lib_com"],
                *(p[d] or "NA" for d in ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")),
                p["Labellisation"],
                p["categorie"],
            ]
        )
    path = _write_rows(tmp_path / "fs-2020.csv", rows)
    first = read_csv(path)
    again = read_csv(path)
    ids = [s.structure.id for s in first.structures]
    assert len(set(ids)) == 6 and ids == [s.structure.id for s in again.structures]
    assert ids[0].startswith("fs-01-")
    assert first.structures[0].notes[-1] == (
        f"identifiant dérivé « {ids[0]} » : la liste n'a pas de colonne d'identifiant ; dérivé du nom, "
        "du département, de la commune et de l'adresse"
    )


def test_float_matricule_is_an_integer_id(tmp_path: Path) -> None:
    """``MATRICULE`` written ``1.0`` is the identifier ``1``."""
    path = _write_rows(
        tmp_path / "fs.csv", [["MATRICULE", "lib_france_services", "h_lundi"], ["1.0", "Valserhône", "-"]]
    )
    assert read_csv(path).structures[0].structure.id == "1"


def test_file_without_hours_columns_is_never_judged(tmp_path: Path) -> None:
    """A two-column derivative (``id_fs``, ``lib_fs``) is read; its missing hours are unread and
    the hours rules answer « à vérifier », and the header warning names the missing columns."""
    path = _write_rows(tmp_path / "deux.csv", [["id_fs", "lib_fs"], ["1", "France services de Valserhône"]])
    report = audit([path], as_of=AS_OF)
    assert [result_of(report, r).status.value for r in ("FS-HOR-01", "FS-HOR-02")] == ["manual", "manual"]
    assert report.structures[0].decision.code.value == "instruction_incomplete"
    assert "h_lundi, h_mardi, h_mercredi, h_jeudi, h_vendredi, h_samedi" in report.errors[0].message


def test_missing_coordinate_column_is_said_once(tmp_path: Path) -> None:
    """A list without its latitude column: the header warning says it once and the coordinates
    are unread; no record gets « latitude manquante alors que l'autre coordonnée est donnée »."""
    rows = [["id_fs", "lib_fs", "longitude"], ["1", "France services A", "5.8"], ["2", "France services B", "4.1"]]
    result = read_csv(_write_rows(tmp_path / "sans-latitude.csv", rows))
    assert [(p.location, p.level) for p in result.problems] == [("ligne 1", "avertissement")]
    assert all("coordinates" in [f.field for f in s.unread] for s in result.structures)


def test_mediation_numerique_keeps_france_services_and_reads_osm_hours(tmp_path: Path) -> None:
    """A digital-inclusion list keeps the France Services places and reads their OSM hours; the
    other places are left aside in one warning."""
    rows = [
        ["id", "nom", "commune", "code_postal", "code_insee", "adresse", "horaires", "dispositif_programmes_nationaux"],
        [
            "a1",
            "France services de Valserhône",
            "Valserhône",
            "01200",
            "01033",
            "5-9 Rue des Papetiers",
            "Mo-Fr 09:00-12:00,13:30-17:00",
            "Conseillers numériques;France Services",
        ],
        ["b2", "Médiathèque", "Valserhône", "01200", "01033", "1 rue", "Sa 10:00-12:00", "Conseillers numériques"],
    ]
    result = read_csv(_write_rows(tmp_path / "lieux.csv", rows))
    assert [s.structure.id for s in result.structures] == ["a1"]
    structure = result.structures[0].structure
    assert (structure.departement, len(structure.opening_hours.friday)) == ("01", 2)
    assert [(p.location, p.level) for p in result.problems] == [("fichier", "avertissement")]


def test_json_report_records_the_layout_of_each_input(tmp_path: Path) -> None:
    """The JSON report says which layout each input was read as."""
    rows = _rows_2022(2)
    path = _write_rows(tmp_path / "liste.csv", rows)
    data = report_to_dict(audit([path, MAP_2020], as_of=AS_OF))
    assert sorted((Path(i["path"]).name, i["format"], i["layout"]) for i in data["inputs"]) == [
        ("france-services-2020-extrait.geojson", "anct-geojson", "carte-2020"),
        ("liste.csv", "anct-csv", "liste-2022"),
    ]


def test_compare_two_exports_of_different_years(tmp_path: Path) -> None:
    """``fsaudit compare`` of a 2022 and a 2024 audit matches structures by id across layouts."""
    rows = _rows_2022(1)
    rows[1][rows[0].index("h_mardi")] = ""  # structure 1 open 4 days in 2022
    old = _write_rows(tmp_path / "2022.csv", rows)
    new_lines = SAMPLES.joinpath("liste-fs-20240801.csv").read_text("utf-8").splitlines(keepends=True)[:2]
    new = tmp_path / "2024.csv"
    new.write_text("".join(new_lines), encoding="utf-8")
    runner = CliRunner()
    for name, source in (("a", old), ("b", new)):
        outcome = runner.invoke(
            cli, ["audit", str(source), "--as-of", "2024-09-01", "-f", "json", "-o", str(tmp_path / f"{name}.json")]
        )
        assert outcome.exit_code in (0, 2), outcome.output
    outcome = runner.invoke(cli, ["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "-f", "json"])
    comparison = json.loads(outcome.output)
    assert [(f["structure"], f["rule"]) for f in comparison["fixed_failures"]] == [("1", "FS-HOR-02")]
