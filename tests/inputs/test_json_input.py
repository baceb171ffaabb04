"""JSON declarations: every problem is reported, in French, with the file and JSON path."""

from __future__ import annotations

import json
from pathlib import Path

from fsaudit.model.facts import InputProblem
from fsaudit_formats.json_reader import read_json


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _problems(path: Path) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in read_json(path).problems]


def test_single_structure_file_loads(tmp_path: Path) -> None:
    """A file holding one structure object gives that structure at $."""
    path = _write(tmp_path, "one.json", '{"id": "A-1", "name": "France services A"}')
    result = read_json(path)
    assert result.problems == ()
    assert [s.structure.id for s in result.structures] == ["A-1"]
    assert result.structures[0].locate() == "$"
    assert result.structures[0].locate("opening_hours.monday[1]") == "$.opening_hours.monday[1]"


def test_not_json(tmp_path: Path) -> None:
    """Broken JSON gives the line and column, in French."""
    path = _write(tmp_path, "broken.json", '{"id": "x",\n  "name": }')
    assert _problems(path) == [("ligne 2, colonne 11", "JSON invalide : valeur attendue")]


def test_wrong_shape(tmp_path: Path) -> None:
    """A list at the top level is not a declaration."""
    path = _write(tmp_path, "list.json", "[1, 2]")
    assert _problems(path) == [("$", "type incorrect : attendu un objet JSON, reçu une liste")]


def test_wrong_types_unknown_keys_and_missing_fields_all_reported(tmp_path: Path) -> None:
    """Every problem of a structure is reported, sorted by location, not just the first; the
    structure is still audited, with what could not be read recorded as unread facts."""
    data = {
        "id": 12,
        "opening_hours": {"monday": [{"start": "9h", "end": "12:00"}], "funday": []},
        "premises": {"walk_in": "oui"},
        "colour": "bleu",
    }
    path = _write(tmp_path, "bad.json", json.dumps(data))
    assert _problems(path) == [
        (
            "$.colour",
            "champ inconnu « colour » (champs admis : $schema, address, appointment_booking, attendance, "
            "canton, comment, commune, conseillers, coordinates, departement, extensions, format, gestionnaire, "
            "group, id, irregular_openings, label, local_services, name, opening_hours, parent_id, "
            "partners, premises, type) : ignoré",
        ),
        ("$.id", "type incorrect : attendu un texte, reçu le nombre 12"),
        ("$.name", "champ obligatoire « name » (nom) manquant"),
        ("$.opening_hours.funday", "champ inconnu « funday » : voulez-vous dire « sunday » (dimanche) ?"),
        (
            "$.opening_hours.monday[0].start",
            "format invalide : le texte « 9h » ; attendu une heure HH:MM entre 00:00 et 24:00",
        ),
        ("$.premises.walk_in", "type incorrect : attendu un booléen (true ou false) (ou null), reçu le texte « oui »"),
    ]
    result = read_json(path)
    assert [p.level for p in result.problems] == ["avertissement"] + ["erreur"] * 5
    (loaded,) = result.structures
    assert (loaded.structure.id, loaded.structure.name) == ("sans-identifiant-1", "(nom absent ou illisible)")
    assert sorted({fact.field for fact in loaded.unread}) == [
        "id",
        "name",
        "opening_hours.monday",
        "opening_hours.monday[0].start",
        "opening_hours.sunday",
        "premises.walk_in",
    ]
    assert loaded.structure.opening_hours is not None and loaded.structure.opening_hours.monday == ()


def test_french_field_names_are_taken_for_the_fields_they_name(tmp_path: Path) -> None:
    """A key written with a field's French name (« lundi », « partenaires », « horaires ») leaves
    that field unread, with the key to use: it was declared, not left out."""
    data = {
        "id": "A",
        "name": "A",
        "horaires": {"monday": []},
        "partenaires": [{"operator": "CAF"}],
        "conseillers": [{"id": "c1", "presence": {"lundi": [{"start": "09:00", "end": "12:00"}]}}],
    }
    path = _write(tmp_path, "fr.json", json.dumps(data))
    assert _problems(path) == [
        (
            "$.conseillers[0].presence.lundi",
            "champ inconnu « lundi » : voulez-vous dire « monday » (lundi) ?",
        ),
        ("$.horaires", "champ inconnu « horaires » : voulez-vous dire « opening_hours » (horaires d'ouverture) ?"),
        ("$.partenaires", "champ inconnu « partenaires » : voulez-vous dire « partners » (partenaires) ?"),
    ]
    (loaded,) = read_json(path).structures
    assert sorted(fact.field for fact in loaded.unread) == [
        "conseillers[0].presence.monday",
        "opening_hours",
        "partners",
    ]


def test_unknown_day_leaves_the_whole_week_unread(tmp_path: Path) -> None:
    """A key like no day in a week of hours (« lun », « mon ») makes the whole week unread: the
    day it holds would otherwise be read as closed."""
    data = {"id": "A", "name": "A", "opening_hours": {"lun": [{"start": "09:00", "end": "17:00"}], "tuesday": []}}
    path = _write(tmp_path, "lun.json", json.dumps(data))
    assert _problems(path) == [
        (
            "$.opening_hours.lun",
            "champ inconnu « lun » (champs admis : friday, monday, saturday, sunday, thursday, tuesday, wednesday)",
        ),
    ]
    result = read_json(path)
    assert [p.level for p in result.problems] == ["erreur"]
    (loaded,) = result.structures
    assert [fact.field for fact in loaded.unread] == ["opening_hours"]


def test_no_silent_coercion(tmp_path: Path) -> None:
    """Strings are never coerced into numbers or booleans."""
    data = {"id": "A", "name": "A", "conseillers": [{"id": "c1", "fte": "1"}], "appointment_booking": "no"}
    path = _write(tmp_path, "coerce.json", json.dumps(data))
    assert _problems(path) == [
        (
            "$.appointment_booking",
            "type incorrect : attendu un booléen (true ou false) (ou null), reçu le texte « no »",
        ),
        ("$.conseillers[0].fte", "type incorrect : attendu un nombre (ou null), reçu le texte « 1 »"),
    ]


def test_fte_above_one_is_not_read(tmp_path: Path) -> None:
    """An ETP above 1 (a percentage typed as an ETP) is not read, with what to type instead."""
    data = {"id": "A", "name": "A", "conseillers": [{"id": "c1", "fte": 80}, {"id": "c2", "fte": 1}]}
    path = _write(tmp_path, "fte.json", json.dumps(data))
    assert _problems(path) == [
        (
            "$.conseillers[0].fte",
            "valeur trop grande : le nombre 80 ; maximum 1 (un ETP va de 0 à 1 par conseiller : 0,8 pour 80 % "
            "d'un temps plein)",
        ),
    ]


def test_dates_that_do_not_exist(tmp_path: Path) -> None:
    """A well-formed date that is not in the calendar is reported once, at its path."""
    data = {
        "id": "A",
        "name": "A",
        "label": {"status": "labelled", "date": "2023-02-30"},
        "conseillers": [{"id": "c1", "training_date": "12/05/2022"}],
    }
    path = _write(tmp_path, "dates.json", json.dumps(data))
    assert _problems(path) == [
        ("$.conseillers[0].training_date", "format invalide : le texte « 12/05/2022 » ; attendu une date AAAA-MM-JJ"),
        ("$.label.date", "date inexistante : le texte « 2023-02-30 » ; attendu une date AAAA-MM-JJ du calendrier"),
    ]


def test_enum_values_listed(tmp_path: Path) -> None:
    """An unknown enumerated value names the accepted values."""
    path = _write(tmp_path, "enum.json", json.dumps({"id": "A", "name": "A", "format": "camion"}))
    assert _problems(path) == [
        (
            "$.format",
            "valeur non reconnue : le texte « camion » ; valeurs admises : fixe, multisites, bus, itinerant, antenne",
        ),
    ]


def test_one_bad_structure_does_not_hide_the_others(tmp_path: Path) -> None:
    """In a collection, a structure with a problem is kept with its unread facts; the others
    load whole, each located at its own place."""
    data = {"structures": [{"id": "ok-1", "name": "A"}, {"id": "bad", "name": ""}, {"id": "ok-2", "name": "B"}]}
    path = _write(tmp_path, "mixed.json", json.dumps(data))
    result = read_json(path)
    assert [s.structure.id for s in result.structures] == ["ok-1", "bad", "ok-2"]
    assert result.problems == (InputProblem(str(path), "$.structures[1].name", "texte vide : une valeur est attendue"),)
    assert [fact.field for fact in result.structures[1].unread] == ["name"]
    assert result.structures[0].unread == result.structures[2].unread == ()
    assert result.structures[2].locate("name") == "$.structures[2].name"


def test_duplicate_key(tmp_path: Path) -> None:
    """A key given twice in one object is an error, not a silent overwrite."""
    path = _write(tmp_path, "dup.json", '{"id": "A", "name": "A", "name": "B"}')
    assert _problems(path) == [("fichier", "clé « name » présente deux fois dans un même objet")]


def test_not_utf8(tmp_path: Path) -> None:
    """A file in another encoding says so and where the first bad byte is."""
    path = _write(tmp_path, "latin1.json", '{"id": "A", "name": "Préfecture"}'.encode("cp1252"))
    assert _problems(path) == [("octet 23", "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8")]


def test_utf8_bom_accepted(tmp_path: Path) -> None:
    """A UTF-8 file with a byte-order mark (as Windows editors save it) is read."""
    path = _write(tmp_path, "bom.json", '\ufeff{"id": "A", "name": "Préfecture"}'.encode())
    assert read_json(path).problems == ()


def test_nan_rejected(tmp_path: Path) -> None:
    """NaN is not JSON and is refused."""
    path = _write(tmp_path, "nan.json", '{"id": "A", "name": "A", "coordinates": {"latitude": NaN, "longitude": 1}}')
    assert _problems(path) == [("fichier", "JSON invalide : valeur NaN non admise en JSON")]


def test_departement_block_problem_keeps_structures(tmp_path: Path) -> None:
    """A bad département block is reported; the structures are still audited."""
    data = {"structures": [{"id": "A", "name": "A"}], "departement": {"code": "999"}}
    path = _write(tmp_path, "dep.json", json.dumps(data))
    result = read_json(path)
    assert [s.structure.id for s in result.structures] == ["A"]
    assert result.departements == ()
    assert _problems(path) == [
        (
            "$.departement.code",
            "format invalide : le texte « 999 » ; attendu un code de département INSEE (01 à 95, 2A, 2B, 971 à 989)",
        ),
    ]


def test_principal_type_with_antenne_format_is_a_contradiction(tmp_path: Path) -> None:
    """``type: principal`` with ``format: antenne`` is not read as an antenne (which would leave
    out every rule of principal structures): an error, type and format unread."""
    data = {"id": "A", "name": "A", "type": "principal", "format": "antenne"}
    path = _write(tmp_path, "contradiction.json", json.dumps(data))
    message = "type « principal » et format « antenne » se contredisent : type et format non lus, à vérifier"
    assert _problems(path) == [("$.format", message)]
    (loaded,) = read_json(path).structures
    assert [fact.field for fact in loaded.unread] == ["type", "format"]
    assert (loaded.structure.type, loaded.structure.format) == (None, None)
