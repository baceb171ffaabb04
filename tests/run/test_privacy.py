"""--pseudonymize masks conseillers and referents consistently within one report."""

from __future__ import annotations

import datetime as _dt
import json

from fsaudit.model import declaration as model
from fsaudit.report.json_contract import report_to_dict
from fsaudit.run.privacy import personal_values, pseudonymize
from fsaudit.testing import audit_structures, make_structure


def _late(name: str) -> model.Conseiller:
    return model.Conseiller(name, 1.0, _dt.date(2022, 1, 1), 6.5, _dt.date(2021, 1, 1))


def test_names_replaced_everywhere_and_consistently() -> None:
    """A conseiller's name disappears from the report and gets one pseudonym everywhere."""
    structures = [
        make_structure(id="A", conseillers=(_late("Jeanne Martin"), _late("Paul"))),
        make_structure(id="B", conseillers=(_late("Jeanne Martin"),)),
    ]
    report = audit_structures(structures)
    mapping = personal_values(structures)
    assert mapping["Jeanne Martin"] == "conseiller 1" and mapping["Paul"] == "conseiller 2"
    before = json.dumps(report_to_dict(report), ensure_ascii=False)
    assert "Jeanne Martin" in before
    masked = json.dumps(report_to_dict(pseudonymize(report, mapping)), ensure_ascii=False)
    assert "Jeanne Martin" not in masked and "Paul" not in masked
    assert masked.count("conseiller 1") >= 2


def test_whole_words_only() -> None:
    """A short identifier is not replaced inside another word."""
    report = audit_structures([make_structure(conseillers=(_late("C1"),))])
    masked = pseudonymize(report, {"C1": "conseiller 1"})
    messages = " ".join(r.message for r in masked.structures[0].results)
    assert "C1" not in messages.replace("C10", "")
    assert pseudonymize(report, {"FS": "x"}).structures[0].results[0].rule == "FS-ACT-01"


def test_referents_are_personal_data() -> None:
    """Local referents' names are pseudonymized too."""
    structure = make_structure()
    mapping = personal_values([structure])
    assert mapping[structure.partners[0].referent] == "référent 1"


def test_cli_pseudonymize(tmp_path, capsys) -> None:
    """`fsaudit audit --pseudonymize` writes a report without the conseillers' names."""
    from fsaudit.cli.main import main

    data = {
        "id": "A",
        "name": "France services A",
        "conseillers": [{"id": "Jeanne Martin", "training_date": "2022-01-01", "start_date": "2021-01-01"}],
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    plain, masked = tmp_path / "plain.json", tmp_path / "masked.json"
    main(["audit", str(path), "--as-of", "2025-06-30", "-f", "json", "-o", str(plain)])
    main(["audit", str(path), "--as-of", "2025-06-30", "-f", "json", "-o", str(masked), "--pseudonymize"])
    capsys.readouterr()
    assert "Jeanne Martin" in plain.read_text(encoding="utf-8")
    text = masked.read_text(encoding="utf-8")
    assert "Jeanne Martin" not in text and "conseiller 1" in text


def test_cli_pseudonymize_masks_unread_facts_and_the_baseline_s_texts(tmp_path, capsys) -> None:
    """The reason a fact was not read can quote a name (« reçu le texte « avec Marc Simon » »): it is
    masked in the structure's unread facts too (only the input errors were); findings taken from
    the baseline keep their rule, not their text, which may name people no longer declared."""
    from fsaudit.cli.main import main

    def conseiller(name: str, **more: object) -> dict:
        return {"id": name, "training_date": "2022-01-01", "training_days": 2, "start_date": "2021-01-01", **more}

    before = {"id": "A", "name": "France services A", "conseillers": [conseiller("Marie Dupont")]}
    after = {
        "id": "A",
        "name": "France services A",
        "conseillers": [conseiller("Marc Simon", training_days=10)],
        "comment": "ouvert",
        "opening_hours": {"monday": "avec Marc Simon"},
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(before), encoding="utf-8")
    base = tmp_path / "base.json"
    main(["audit", str(path), "--as-of", "2025-06-30", "-f", "json", "-o", str(base)])
    path.write_text(json.dumps(after), encoding="utf-8")
    out = tmp_path / "out"
    formats = "json,text,csv,markdown,sarif,junit"
    options = ["--pseudonymize", "--baseline", str(base), "-f", formats, "-o", str(out)]
    main(["audit", str(path), "--as-of", "2025-06-30", *options])
    capsys.readouterr()
    assert "Marie Dupont" in base.read_text(encoding="utf-8")
    for report in sorted(out.iterdir()):
        text = report.read_text(encoding="utf-8")
        assert "Marc Simon" not in text and "Marie Dupont" not in text, report.name
    data = json.loads((out / "rapport.json").read_text(encoding="utf-8"))
    assert "avec conseiller 1" in json.dumps(data, ensure_ascii=False)
    fixed = data["baseline"]["fixed"] + data["baseline"].get("unassessed", [])
    assert fixed and {f["message"] for f in fixed} == {"(texte de la référence non repris : rapport pseudonymisé)"}
