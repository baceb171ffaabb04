"""The ANCT list in CSV: mapping, encodings and separators, locations, errors, sniffing."""

from __future__ import annotations

import datetime as _dt
import pickle
from pathlib import Path

import pytest
from anct_helpers import csv_text, record, write_csv

from fsaudit.inputs.files import choose_reader
from fsaudit.model import declaration as model
from fsaudit.model.facts import InputProblem
from fsaudit.plugin.manager import load_plugins
from fsaudit.run.engine import audit
from fsaudit.testing import result_of
from fsaudit_anct.columns import build_record
from fsaudit_anct.reader import CSV_READER, read_csv, sniff_csv

AS_OF = _dt.date(2024, 9, 1)


def _read_one(tmp_path: Path, **changes: str) -> model.Structure:
    result = read_csv(write_csv(tmp_path / "liste.csv", [record(**changes)]))
    assert result.problems == ()
    (loaded,) = result.structures
    return loaded.structure


def test_record_maps_to_a_structure(tmp_path: Path) -> None:
    """A published record becomes the structure its columns describe; other facts stay None."""
    s = _read_one(tmp_path, groupe_fs="PI14", prise_rdv="Oui", commentaire="Ouvert le premier samedi")
    assert s == model.Structure(
        id="1",
        name="France services de Valserhône",
        departement="01",
        commune="01033",
        address=model.Address("5-9 Rue des Papetiers", None, "01200", "Valserhône"),
        coordinates=model.Coordinates(46.1060711578546, 5.8260084241619),
        type=model.StructureType.PRINCIPAL,
        format=model.Format.FIXE,
        group="PI14",
        label=model.Label(model.LabelStatus.LABELLED, _dt.date(2020, 1, 1)),
        opening_hours=model.WeeklyHours(
            monday=(model.TimeRange("13:30", "17:00"),),
            tuesday=(model.TimeRange("09:00", "12:00"), model.TimeRange("13:30", "17:00")),
            wednesday=(model.TimeRange("09:00", "12:00"), model.TimeRange("13:30", "17:00")),
            thursday=(model.TimeRange("09:00", "12:00"), model.TimeRange("13:30", "17:00")),
            friday=(model.TimeRange("09:00", "12:00"), model.TimeRange("13:30", "16:00")),
        ),
        appointment_booking=True,
        comment="Ouvert le premier samedi",
    )


@pytest.mark.parametrize(
    ("format_fs", "expected"),
    [
        ("Fixe", model.Format.FIXE),
        ("Multisites", model.Format.MULTISITES),
        ("Bus_équivalent", model.Format.BUS),
        ("Itinérante", model.Format.ITINERANT),
        ("Fixe_antenne(s)", model.Format.FIXE),
    ],
)
def test_format_mapping(tmp_path: Path, format_fs: str, expected: model.Format) -> None:
    """Each ``format_fs`` value maps to its format; a fixed site with antennes is fixed."""
    assert _read_one(tmp_path, format_fs=format_fs).format is expected


def test_antenne_type(tmp_path: Path) -> None:
    """``type_fs`` Antenne makes an antenne."""
    assert _read_one(tmp_path, type_fs="Antenne", format_fs="Fixe_antenne(s)").is_antenne


def test_all_days_empty_means_hours_not_communicated(tmp_path: Path) -> None:
    """With every day empty, the hours are not communicated: FS-HOR-04 and FS-HOR-01 are manual (« horaires
    à compléter », CHARTER §4), never failing."""
    days = {c: "" for c in ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")}
    path = write_csv(tmp_path / "liste.csv", [record(**days)])
    assert read_csv(path).structures[0].structure.opening_hours is None
    report = audit([path], as_of=AS_OF)
    assert [result_of(report, r).status.value for r in ("FS-HOR-01", "FS-HOR-04")] == ["manual", "manual"]


def test_every_day_not_communicated_is_no_hours(tmp_path: Path) -> None:
    """« Horaires non communiqués » on every day is the same as no hours, without notes."""
    days = {
        c: "Horaires non communiqués" for c in ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")
    }
    s = _read_one(tmp_path, **days)
    assert (s.opening_hours, s.irregular_openings) == (None, None)


def test_one_day_not_communicated_is_unread(tmp_path: Path) -> None:
    """A day « non communiqué » among known days is an unread fact (no input problem): the hours
    rules are *à vérifier*, never judged without that day."""
    path = write_csv(tmp_path / "liste.csv", [record(h_mercredi="Horaires non communiqués")])
    result = read_csv(path)
    assert result.problems == ()
    assert [(f.field, f.location, f.reason) for f in result.structures[0].unread] == [
        (
            "opening_hours.wednesday",
            "ligne 2, colonne h_mercredi",
            "horaires non communiqués (« Horaires non communiqués »)",
        )
    ]
    report = audit([path], as_of=AS_OF)
    assert [result_of(report, r).status.value for r in ("FS-HOR-01", "FS-HOR-02")] == ["manual", "manual"]


def test_ferme_everywhere_is_no_published_week(tmp_path: Path) -> None:
    """« fermé » or ``-`` on every day opens no day: the hours are not published (not « 0 h »)."""
    days = {c: "-" for c in ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")}
    assert _read_one(tmp_path, **days).opening_hours is None


def test_placeholder_is_flagged_at_its_cell(tmp_path: Path) -> None:
    """A ``00:00 - 00:00`` placeholder is kept and FS-HOR-03 points at its line and column."""
    path = write_csv(tmp_path / "liste.csv", [record(h_mercredi="00:00 - 00:00")])
    result = result_of(audit([path], as_of=AS_OF), "FS-HOR-03")
    assert (result.status.value, result.location) == ("fail", "ligne 2, colonne h_mercredi")


def test_unreadable_day_is_a_warning_and_an_unread_fact(tmp_path: Path) -> None:
    """An unreadable day is a warning at its cell and an unread fact; the record is still read."""
    path = write_csv(tmp_path / "liste.csv", [record(), record(id_fs="2", h_mardi="9h à midi")])
    result = read_csv(path)
    assert result.problems == (
        InputProblem(
            str(path),
            "ligne 3, colonne h_mardi",
            "horaire illisible : « 9h à midi » (nombre d'heures impair : début et fin des créneaux "
            "impossibles à apparier) ; attendu des créneaux HH:MM - "
            "HH:MM séparés par « / » (par exemple 09:00 - 12:00 / 13:30 - 17:00), une cellule vide ou "
            "« fermé » pour un jour fermé ; jour non évalué (à vérifier)",
            "avertissement",
        ),
    )
    second = result.structures[1]
    assert [(f.field, f.location) for f in second.unread] == [("opening_hours.tuesday", "ligne 3, colonne h_mardi")]
    assert second.structure.opening_hours is not None
    assert second.structure.opening_hours.wednesday == (
        model.TimeRange("09:00", "12:00"),
        model.TimeRange("13:30", "17:00"),
    )


def test_unreadable_day_makes_the_hours_rules_manual(tmp_path: Path) -> None:
    """With one day unreadable, FS-HOR-01 and FS-HOR-02 are *à vérifier*, never *non conforme*,
    and the decision is *instruction incomplète*."""
    path = write_csv(tmp_path / "liste.csv", [record(h_mardi="9h à midi", h_mercredi="", h_jeudi="")])
    report = audit([path], as_of=AS_OF)
    assert [result_of(report, r).status.value for r in ("FS-HOR-01", "FS-HOR-02")] == ["manual", "manual"]
    assert report.structures[0].decision.code.value == "instruction_incomplete"


def test_appointment_note_is_evidence(tmp_path: Path) -> None:
    """A day ``Sur RDV : 14:30 - 17:00`` keeps its hours; the cell is FS-HOR-05's evidence."""
    path = write_csv(tmp_path / "liste.csv", [record(h_mardi="Sur RDV : 14:30 - 17:00")])
    report = audit([path], as_of=AS_OF)
    result = result_of(report, "FS-HOR-05")
    assert (result.status.value, result.location) == ("manual", "ligne 2, colonne h_mardi")
    assert result.evidence["texte"] == "mardi (h_mardi) : « Sur RDV : 14:30 - 17:00 »"


def test_line_numbers_are_physical_lines(tmp_path: Path) -> None:
    """After a comment spanning three lines, the next record's location is its physical line."""
    path = write_csv(
        tmp_path / "liste.csv",
        [
            record(commentaire="ligne un\nligne deux\n\nligne quatre"),
            record(id_fs="2", h_jeudi="00:00 - 00:00"),
        ],
    )
    loaded = read_csv(path).structures
    assert [s.locate() for s in loaded] == ["ligne 2", "ligne 6"]
    assert loaded[1].locate("opening_hours.thursday[0]") == "ligne 6, colonne h_jeudi"


def test_location_of_fields(tmp_path: Path) -> None:
    """Fields point at their columns; the week at its six day columns; unknown facts at the line."""
    (loaded,) = read_csv(write_csv(tmp_path / "liste.csv", [record()])).structures
    assert [loaded.locate(f) for f in ("label.date", "coordinates", "address.city", "opening_hours", "partners")] == [
        "ligne 2, colonne labellisation_fs",
        "ligne 2, colonnes latitude, longitude",
        "ligne 2, colonne lib_com",
        "ligne 2, colonnes h_lundi à h_samedi",
        "ligne 2",
    ]


def test_spreadsheet_save_reads_the_same(tmp_path: Path) -> None:
    """BOM + ``;`` + Windows-1252 with decimal commas reads the same structures as the published CSV."""
    published = read_csv(write_csv(tmp_path / "a.csv", [record(), record(id_fs="2", lib_fs="Cœur d'Hérault")]))
    rows = [
        record(latitude="46,1060711578546", longitude="5,8260084241619"),
        record(id_fs="2", lib_fs="Cœur d'Hérault", latitude="46,1060711578546", longitude="5,8260084241619"),
    ]
    saved = tmp_path / "b.csv"
    saved.write_bytes(csv_text(rows, delimiter=";").encode("cp1252"))
    assert [s.structure for s in read_csv(saved).structures] == [s.structure for s in published.structures]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark before the header is accepted."""
    path = tmp_path / "liste.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([record()]).encode("utf-8"))
    result = read_csv(path)
    assert (len(result.structures), result.problems) == (1, ())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_text_save_reads_the_same(tmp_path: Path, encoding: str) -> None:
    """A spreadsheet's « Texte Unicode » save (UTF-16 with its byte-order mark, tab-separated,
    decimal commas) reads the same structures as the published CSV, as ``.csv`` and as ``.txt``
    (claimed by sniffing)."""
    published = read_csv(write_csv(tmp_path / "a.csv", [record(), record(id_fs="2", lib_fs="Cœur d'Hérault")]))
    rows = [
        record(latitude="46,1060711578546", longitude="5,8260084241619"),
        record(id_fs="2", lib_fs="Cœur d'Hérault", latitude="46,1060711578546", longitude="5,8260084241619"),
    ]
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    data = (bom + csv_text(rows, delimiter="\t")).encode(encoding)
    for name in ("b.csv", "b.txt"):
        saved = tmp_path / name
        saved.write_bytes(data)
        assert sniff_csv(saved, data[:1001])  # a head cut inside a character still sniffs
        assert [s.structure for s in read_csv(saved).structures] == [s.structure for s in published.structures]
        (chosen,) = [r for r in load_plugins().readers if r.name == CSV_READER.name]
        assert choose_reader(saved, load_plugins().readers) == chosen


def test_spreadsheet_leading_zeros_are_restored(tmp_path: Path) -> None:
    """Codes a spreadsheet turned into numbers get their leading zeros back (1 → 01)."""
    s = _read_one(tmp_path, insee_dep="1", insee_com="1033", code_postal="1200")
    assert (s.departement, s.commune, s.address.postal_code if s.address else None) == (
        "01",
        "01033",
        "01200",
    )


def test_corsican_commune_number_gets_its_zeros_back(tmp_path: Path) -> None:
    """A Corsican commune code written without its zeros (``2B14``, as R wrote them in 2020) is ``2B014``."""
    s = _read_one(tmp_path, insee_dep="2B", insee_com="2b14")
    assert (s.departement, s.commune) == ("2B", "2B014")


def test_wrong_field_count(tmp_path: Path) -> None:
    """A record with the wrong number of fields is reported at its line; the others are read."""
    text = csv_text([record(), record(id_fs="2")])
    lines = text.split("\n")
    lines[1] = lines[1] + ',"en trop"'
    path = tmp_path / "liste.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_csv(path)
    assert [(p.location, p.message) for p in result.problems] == [
        (
            "ligne 2",
            "25 champs au lieu des 24 de l'en-tête (séparateur « , ») ; vérifiez les guillemets et les "
            "séparateurs : enregistrement non lu",
        )
    ]
    assert [s.structure.id for s in result.structures] == ["2"]


def test_unterminated_quote(tmp_path: Path) -> None:
    """A quote left open until the end of the file is reported at the record's first line."""
    path = tmp_path / "liste.csv"
    path.write_text(csv_text([record()]) + '"2","01","France services\n', encoding="utf-8")
    result = read_csv(path)
    assert [(p.location, p.message) for p in result.problems] == [
        (
            "ligne 3",
            "CSV mal formé (guillemet ouvrant sans guillemet fermant jusqu'à la fin du fichier) : "
            "enregistrement non lu",
        )
    ]
    assert len(result.structures) == 1


def test_csv_errors_are_said_in_french(tmp_path: Path) -> None:
    """A field above the csv module's limit and a character after a closing quote are said in
    French at their record's line; the other records are read."""
    path = tmp_path / "liste.csv"
    text = csv_text([record(), record(id_fs="2", lib_fs="x" * 140_000), record(id_fs="3")])
    path.write_text(text.replace('"3","01"', '"3"x,"01"', 1), encoding="utf-8")
    result = read_csv(path)
    assert [(str(p.location), p.message) for p in result.problems] == [
        (
            "ligne 3",
            "CSV mal formé (champ de plus de 131\u202f072 caractères, la limite du lecteur CSV) : "
            "enregistrement non lu",
        ),
        ("ligne 4", "CSV mal formé (caractère inattendu après un guillemet fermant) : enregistrement non lu"),
    ]
    assert [s.structure.id for s in result.structures] == ["1"]


def test_header_without_identifier_or_name_is_refused(tmp_path: Path) -> None:
    """A header with neither identifier nor name is refused at line 1, with the columns expected,
    those found and the closest layout; nothing is read."""
    path = tmp_path / "liste.csv"
    path.write_text("h_lundi,h_mardi\n09:00 - 12:00,\n", encoding="utf-8")
    result = read_csv(path)
    assert [(p.location, p.message, p.level) for p in result.problems] == [
        (
            "ligne 1",
            "en-tête non reconnu : ni identifiant ni nom de structure ; disposition la plus proche : "
            "« liste-2024 » (Liste nationale des France services, disposition de 2024 (type_fs, format_fs, "
            "groupe_fs, labellisation_fs)), colonnes attendues : id_fs, insee_dep, lib_fs, adresse, "
            "complement_adresse, insee_com, code_postal, lib_com, latitude, longitude, h_lundi, h_mardi, "
            "h_mercredi, h_jeudi, h_vendredi, h_samedi, prise_rdv, commentaire, type_fs, format_fs, "
            "groupe_fs, labellisation_fs ; colonnes trouvées : h_lundi, h_mardi",
            "erreur",
        )
    ]
    assert result.structures == ()


@pytest.mark.parametrize(
    ("header", "row", "reason"),
    [
        (
            "Structure;Nom;Fichier;Règle;Statut;Constat",
            "32-001;France services d'Auch;decl.json;FS-HOR-01;conforme;35 h",
            "en-tête non reconnu : 1 colonne(s) de cette disposition (Nom) pour 5 qu'elle ne connaît pas "
            "(Structure, Fichier, Règle, Statut, Constat) : ce tableau n'est pas une liste de France services ; "
            "disposition la plus proche : « mediation-numerique »",
        ),
        (
            "id;nom;adresse;commune;code_postal;horaires",
            "b2;Médiathèque;1 rue;Valserhône;01200;Sa 10:00-12:00",
            "en-tête non reconnu : colonne dispositif_programmes_nationaux absente : sans elle, les France services "
            "ne se distinguent pas des autres lieux de cette liste ; "
            "disposition la plus proche : « mediation-numerique »",
        ),
    ],
)
def test_table_that_only_shares_columns_with_a_layout_is_refused(
    tmp_path: Path, header: str, row: str, reason: str
) -> None:
    """A table with a « Nom » column among columns the list does not have (here, findings) was read
    as one structure per row, and a list of digital-inclusion places without the column that
    names its France services as all of its places: both are refused at line 1."""
    path = tmp_path / "tableau.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = read_csv(path)
    assert result.structures == ()
    [problem] = result.problems
    assert (problem.location, problem.level) == ("ligne 1", "erreur")
    assert problem.message.startswith(reason)


def test_schema_problem_points_at_the_column(tmp_path: Path) -> None:
    """A value the declaration schema rejects is reported at its column; the record is kept
    with that fact unread."""
    path = write_csv(tmp_path / "liste.csv", [record(insee_dep="2C"), record(id_fs="2")])
    result = read_csv(path)
    assert [(p.location, p.message) for p in result.problems] == [
        (
            "ligne 2, colonne insee_dep",
            "format invalide : le texte « 2C » ; attendu un code de département INSEE (01 à 95, 2A, 2B, 971 à 989)",
        )
    ]
    assert [s.structure.id for s in result.structures] == ["1", "2"]
    assert [(f.field, f.location) for f in result.structures[0].unread] == [
        ("departement", "ligne 2, colonne insee_dep")
    ]


def test_empty_identifier_gets_a_derived_one(tmp_path: Path) -> None:
    """A record with an empty ``id_fs`` is kept under an identifier derived from the record: a
    warning at that cell and a note on the structure say so."""
    result = read_csv(write_csv(tmp_path / "liste.csv", [record(id_fs="")]))
    (loaded,) = result.structures
    derived = loaded.structure.id
    assert derived.startswith("fs-01-")
    assert [(p.location, p.message, p.level) for p in result.problems] == [
        ("ligne 2, colonne id_fs", f"identifiant vide : identifiant dérivé « {derived} »", "avertissement")
    ]
    assert loaded.notes == (
        f"identifiant vide : identifiant dérivé « {derived} » du nom, du département, de la commune et de l'adresse",
    )


@pytest.mark.parametrize(
    ("changes", "location", "message", "field", "kept"),
    [
        (
            {"labellisation_fs": "En cours"},
            "ligne 2, colonne labellisation_fs",
            "labellisation illisible : « En cours » ; attendu « Espace labellisé JJ/MM/AAAA »",
            "label",
            None,
        ),
        (
            {"labellisation_fs": "Espace labellisé 31/02/2020"},
            "ligne 2, colonne labellisation_fs",
            "date de labellisation inexistante : « Espace labellisé 31/02/2020 » ; structure retenue "
            "comme labellisée, sans date",
            "label",
            model.Label(model.LabelStatus.LABELLED, None),
        ),
        (
            {"prise_rdv": "Parfois"},
            "ligne 2, colonne prise_rdv",
            "valeur non reconnue : « Parfois » ; valeurs admises : Oui, Non",
            "appointment_booking",
            None,
        ),
        (
            {"format_fs": "Camping-car"},
            "ligne 2, colonne format_fs",
            "valeur non reconnue : « Camping-car » ; valeurs admises : Fixe, Multisites, "
            "Bus_équivalent, Fixe_antenne(s), Itinérante, Mobile",
            "format",
            None,
        ),
        (
            {"latitude": "46°06'"},
            "ligne 2, colonne latitude",
            "latitude illisible : « 46°06' » ; attendu un nombre décimal entre -90 et 90 (WGS84) : "
            "position non retenue",
            "coordinates",
            None,
        ),
    ],
)
def test_unreadable_values(
    tmp_path: Path, changes: dict[str, str], location: str, message: str, field: str, kept: object
) -> None:
    """An unreadable label, Oui/Non, format or coordinate is a problem at its cell; the field is
    left out and recorded as unread there."""
    path = write_csv(tmp_path / "liste.csv", [record(**changes)])
    result = read_csv(path)
    assert [(p.path, p.location, p.message) for p in result.problems] == [(str(path), location, message)]
    assert getattr(result.structures[0].structure, field) == kept
    assert [f.location for f in result.structures[0].unread] == [location]


def test_read_result_pickles(tmp_path: Path) -> None:
    """What the reader returns crosses a process boundary: locations still work after pickling."""
    result = read_csv(write_csv(tmp_path / "liste.csv", [record(h_mardi="9h à midi")]))
    copy = pickle.loads(pickle.dumps(result))
    assert copy.structures[0].locate("opening_hours.tuesday") == "ligne 2, colonne h_mardi"
    assert copy == result


@pytest.mark.parametrize("name", ["liste-fs.csv", "export.txt", "donnees"])
def test_anct_csv_is_recognised_whatever_its_name(tmp_path: Path, name: str) -> None:
    """A file with the ANCT header is read by the ANCT reader whatever its name."""
    path = write_csv(tmp_path / name, [record()])
    assert choose_reader(path, load_plugins().readers).name == "anct-csv"


def test_other_csv_is_not_claimed(tmp_path: Path) -> None:
    """A CSV without any column of a known layout is not claimed by the ANCT reader."""
    path = tmp_path / "autre.csv"
    path.write_text("code,libelle,heures\n1,Mairie,24\n", encoding="utf-8")
    assert not sniff_csv(path, path.read_bytes())
    chosen = choose_reader(path, load_plugins().readers)
    assert chosen is None or chosen.name != CSV_READER.name


def test_semicolon_header_is_sniffed(tmp_path: Path) -> None:
    """A ``;``-separated ANCT header (spreadsheet save) is recognised."""
    path = tmp_path / "liste.csv"
    path.write_bytes(csv_text([record()], delimiter=";").encode("cp1252"))
    assert sniff_csv(path, path.read_bytes())


def test_records_sharing_a_week_get_their_own_data() -> None:
    """A week, a label or a choice is read once for all the records that write it, yet each
    record's data is its own: changing one record's hours or label changes no other record."""
    first = build_record(record())
    first.data["opening_hours"]["monday"].append({"start": "18:00", "end": "19:00"})
    first.data["opening_hours"]["tuesday"][0]["end"] = "11:00"
    first.data["label"]["date"] = "1999-01-01"
    second = build_record(record(id_fs="2"))
    assert second.data["opening_hours"]["monday"] == [{"start": "13:30", "end": "17:00"}]
    assert second.data["opening_hours"]["tuesday"][0] == {"start": "09:00", "end": "12:00"}
    assert second.data["label"] == {"status": "labelled", "date": "2020-01-01"}


@pytest.mark.parametrize(("value", "quoted"), [(1, "« 1 »"), (1.0, "« 1.0 »"), (True, "« True »")])
def test_day_cell_of_another_type_is_read_as_its_text(value: object, quoted: str) -> None:
    """Spreadsheet day cells that are numbers or booleans are reported as written, each in its
    own way (``1``, ``1.0`` and ``True`` are equal in Python, not in the list)."""
    for other in (1, 1.0, True):  # whichever was read before
        build_record({**record(), "h_lundi": other})
    issues = build_record({**record(), "h_lundi": value}).issues
    assert [(i.fields, (i.message or "").split(" (")[0]) for i in issues] == [
        (("monday",), f"horaire illisible : {quoted}")
    ]


def test_same_text_in_two_columns_is_read_for_each_column() -> None:
    """A value is read against its own column's list: ``Antenne`` is a type, not a format."""
    read = build_record(record(type_fs="Antenne", format_fs="Antenne"))
    assert read.data["type"] == "antenne"
    assert "format" not in read.data
    assert [(i.fields, i.message, i.facts) for i in read.issues] == [
        (
            ("format",),
            "valeur non reconnue : « Antenne » ; valeurs admises : Fixe, Multisites, Bus_équivalent, "
            "Fixe_antenne(s), Itinérante, Mobile",
            ("format",),
        )
    ]
