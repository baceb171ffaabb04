"""Referentials: validated on load, selected by date, broken ones named by file and key."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from fsaudit.inputs.referential import load_referential
from fsaudit.inputs.referential import load_referentials as load_folder
from fsaudit.model.referential import ReferentialError, first_in_force
from fsaudit.plugin.manager import referentials as load_referentials
from fsaudit.plugin.manager import select_referential
from fsaudit_charter.referentials import load_forfaits, rules_dir


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    return folder


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load_error(tmp_path: Path, name: str, keys: tuple[str, ...], value: Any) -> tuple[Path, str]:
    """A copy of ``rules/<name>`` whose item at ``keys`` is ``value``, and the error loading it raises."""
    path = _copy(tmp_path) / name

    def change(data: Any) -> None:
        for key in keys[:-1]:
            data = data[key]
        data[keys[-1]] = value

    _edit(path, change)
    with pytest.raises(ReferentialError) as caught:
        load_referential(path)
    return path, str(caught.value)


def test_bundled_referentials_load_in_date_order() -> None:
    """The three states of the charter load, oldest first, with 9, 11 and 13 partners."""
    refs = load_referentials()
    assert [(r.id, r.valid_from.isoformat(), len(r.partners)) for r in refs] == [
        ("charte-2020", "2020-01-01", 9),
        ("charte-2024", "2024-01-01", 11),
        ("charte-2025", "2025-01-01", 13),
    ]


def test_selection_on_the_day_a_referential_changes() -> None:
    """The new state applies from its first day, the old one until the day before."""
    assert select_referential(_dt.date(2023, 12, 31)).id == "charte-2020"
    assert select_referential(_dt.date(2024, 1, 1)).id == "charte-2024"
    assert select_referential(_dt.date(2024, 12, 31)).id == "charte-2024"
    assert select_referential(_dt.date(2025, 1, 1)).id == "charte-2025"


def test_no_referential_before_2020() -> None:
    """An audit date before the first label has no referential, and the error says from when."""
    with pytest.raises(ReferentialError) as caught:
        select_referential(_dt.date(2019, 12, 31))
    assert str(caught.value) == (
        "aucun référentiel en vigueur au 31/12/2019 : le premier (charte-2020) s'applique à partir du 01/01/2020"
    )


def test_every_value_cites_a_known_source() -> None:
    """Each value, partner and severity of each referential names a source it defines."""
    for ref in load_referentials():
        for key, value in ref.values.items():
            assert value.source in ref.sources, (ref.id, key)
        for partner in ref.partners:
            assert partner.source in ref.sources, (ref.id, partner.id)


def test_not_json_names_the_file(tmp_path: Path) -> None:
    """A referential that is not JSON is an error naming the file."""
    path = tmp_path / "charte-2030.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ReferentialError, match=r"charte-2030\.json : JSON invalide"):
        load_referential(path)


def test_schema_violation_names_file_and_path(tmp_path: Path) -> None:
    """A value of the wrong shape is reported with the file and its JSON path."""
    path, message = load_error(
        tmp_path,
        "charte-2024.json",
        ("values", "hours.min_weekly_hours"),
        {"value": 24, "confidence": "C", "label": "x"},
    )
    assert message.startswith(f"{path} : référentiel invalide : ")
    assert message.endswith("$.values.hours.min_weekly_hours.source : champ obligatoire « source » manquant")


def test_unknown_source_names_the_key(tmp_path: Path) -> None:
    """A value citing a source the file does not define is refused, naming the key."""
    _path, message = load_error(tmp_path, "charte-2025.json", ("values", "staff.min_conseillers", "source"), "rumeur")
    assert message.endswith("$.values.staff.min_conseillers.source : source inconnue « rumeur »")


def test_missing_key_names_file_and_key() -> None:
    """Asking for a value the referential lacks names the file and the key."""
    ref = select_referential(_dt.date(2025, 6, 30))
    with pytest.raises(ReferentialError) as caught:
        ref.value("hours.max_weekly_hours")
    assert (
        str(caught.value)
        == "charte-2025.json : la clé « hours.max_weekly_hours » manque dans le référentiel charte-2025"
    )


def test_two_states_on_one_date_are_refused(tmp_path: Path) -> None:
    """Two referentials starting the same day would make the selection ambiguous."""
    folder = _copy(tmp_path)
    shutil.copyfile(folder / "charte-2024.json", folder / "charte-2024-bis.json")
    _edit(folder / "charte-2024-bis.json", lambda d: d.__setitem__("id", "charte-2024-bis"))
    with pytest.raises(ReferentialError, match="même date d'entrée en vigueur"):
        load_folder(folder)


def test_partner_aliases_and_renames() -> None:
    """Names as auditors write them resolve to the partner in force, renamed in 2024."""
    old, new = select_referential(_dt.date(2023, 6, 1)), select_referential(_dt.date(2024, 6, 1))
    assert old.resolve_partner("pole emploi").name == "Pôle emploi"
    assert new.resolve_partner("Pôle Emploi").name == "France Travail"
    assert new.resolve_partner("CARSAT").id == new.resolve_partner("Assurance retraite").id == "retraite"
    assert new.resolve_partner("DDFiP").id == "dgfip"
    assert old.resolve_partner("Anah") is None and new.resolve_partner("Anah").id == "anah"
    assert new.closest_partner("Caisse allocations familliales").id == "caf"


def test_subsidy_table() -> None:
    """The forfait by year comes from rules/forfaits.json."""
    forfaits = load_forfaits()
    assert [forfaits.amount_for(y) for y in (2020, 2023, 2024, 2025, 2026, 2027)] == [
        30000,
        35000,
        40000,
        45000,
        50000,
        None,
    ]


def test_referential_is_read_only() -> None:
    """Values, severities and sources cannot be written; partners and categories are tuples."""
    ref = select_referential(_dt.date(2025, 6, 30))
    import operator

    attempts = {
        "values": lambda: operator.setitem(ref.values, "hours.min_weekly_hours", None),
        "severities": lambda: operator.setitem(ref.severities, "FS-HOR-01", "info"),
        "severity_entries": lambda: operator.delitem(ref.severity_entries, "FS-HOR-01"),
        "sources": lambda: operator.setitem(ref.sources["cm-2022"], "title", "x"),
    }
    refused = []
    for name, attempt in attempts.items():
        with pytest.raises(TypeError):
            attempt()
        refused.append(name)
    assert refused == list(attempts)
    assert (type(ref.partners), type(ref.local_service_categories)) == (tuple, tuple)


def test_referential_pickles_read_only() -> None:
    """A referential sent to a worker process (--jobs) arrives equal and still read-only."""
    import pickle

    ref = select_referential(_dt.date(2025, 6, 30))
    copy = pickle.loads(pickle.dumps(ref))
    assert copy == ref
    with pytest.raises(TypeError):
        copy.values["staff.min_present"] = None  # type: ignore[index]


def test_value_claiming_more_than_its_source_is_refused(tmp_path: Path) -> None:
    """A value marked [C] whose source is only [U] is an error naming the key."""
    path, message = load_error(tmp_path, "charte-2025.json", ("values", "deadlines.majeur_days", "confidence"), "C")
    assert message == (
        f"{path} : $.values.deadlines.majeur_days.confidence : fiabilité [C] supérieure "
        "à celle de sa source « hypothese-fsaudit » [U]"
    )


def test_partner_count_above_the_list_is_refused(tmp_path: Path) -> None:
    """An expected partner count the list cannot meet is refused."""
    path, message = load_error(tmp_path, "charte-2025.json", ("values", "partners.expected_count", "value"), 14)
    assert message == (
        f"{path} : $.values.partners.expected_count.value : 14 partenaires attendus, la liste n'en compte que 13"
    )


def test_value_outside_its_allowed_list_is_refused(tmp_path: Path) -> None:
    """A text value must be one of its allowed values."""
    path, message = load_error(tmp_path, "charte-2025.json", ("values", "hours.roaming_status", "value"), "ignore")
    assert message == (
        f"{path} : $.values.hours.roaming_status.value : « ignore » hors des valeurs "
        "admises (warn, fail, not_applicable)"
    )


def test_unknown_severity_source_is_refused(tmp_path: Path) -> None:
    """A severity citing a source the file does not define is refused, naming the rule."""
    _path, message = load_error(tmp_path, "charte-2025.json", ("severities", "FS-HOR-01", "source"), "rumeur")
    assert message.endswith("$.severities.FS-HOR-01.source : source inconnue « rumeur »")


def test_first_in_force_walks_back_while_unchanged() -> None:
    """Since when a requirement has its value: 24 h since 2020, Urssaf since 2025, FS-PAR-02 mineur since 2020."""
    ref = select_referential(_dt.date(2025, 6, 30))
    assert [
        first_in_force(ref, "value", "hours.min_weekly_hours", load_referentials()),
        first_in_force(ref, "value", "partners.expected_count", load_referentials()),
        first_in_force(ref, "partner", "urssaf", load_referentials()),
        first_in_force(ref, "partner", "cheque_energie", load_referentials()),
        first_in_force(ref, "severity", "FS-PAR-02", load_referentials()),
        first_in_force(ref, "partner", "inconnu", load_referentials()),
    ] == [
        _dt.date(2020, 1, 1),
        _dt.date(2025, 1, 1),
        _dt.date(2025, 1, 1),
        _dt.date(2024, 1, 1),
        _dt.date(2020, 1, 1),
        None,
    ]
