"""A third-party plugin's own facts (extension facts with a JSON Schema) and configuration."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import guichet_plugin
import pytest

from fsaudit import Status
from fsaudit.inputs.config import ConfigError, find_config, load_config
from fsaudit.run.engine import audit

AS_OF = _dt.date(2025, 6, 30)
PLUGIN = [("guichet", guichet_plugin)]


def _declaration(tmp_path: Path, **extensions: Any) -> str:
    structures = [
        {"id": sid, "name": f"Structure {sid}", **({"extensions": value} if value is not None else {})}
        for sid, value in extensions.items()
    ]
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"structures": structures}), encoding="utf-8")
    return str(path)


def _statuses(report: Any) -> dict[str, tuple[str, str]]:
    return {s.id: (s.result("GUI-NUM-01").status.value, s.result("GUI-NUM-01").message) for s in report.structures}


def test_extension_fact_is_read_and_judged_with_the_configured_minimum(tmp_path: Path) -> None:
    """The rule reads its namespace of ``extensions`` and the minimum of its configuration table."""
    config = tmp_path / "fsaudit.toml"
    config.write_text("[plugins.guichet]\nminimum = 6\n", encoding="utf-8")
    path = _declaration(
        tmp_path, A={"guichet": {"horaires_numeriques": 8}}, B={"guichet": {"horaires_numeriques": 5}}, C=None
    )
    report = audit([path], as_of=AS_OF, extra_plugins=PLUGIN, config=load_config(config))
    assert _statuses(report) == {
        "A": ("pass", "8 h d'aide numérique (minimum local 6 h)"),
        "B": ("fail", "5 h d'aide numérique, sous le minimum local de 6 h"),
        "C": ("manual", "heures d'aide numérique non déclarées"),
    }
    assert report.config is not None and report.config["plugins"] == ["guichet"]
    assert report.result("GUI-NUM-01", "B").location == "$.structures[1].extensions.guichet.horaires_numeriques"


def test_without_configuration_the_plugin_default_applies(tmp_path: Path) -> None:
    """No configuration table: ``plugin_config`` is empty and the plugin's own default is used."""
    report = audit(
        [_declaration(tmp_path, B={"guichet": {"horaires_numeriques": 5}})], as_of=AS_OF, extra_plugins=PLUGIN
    )
    assert _statuses(report)["B"][0] == "pass"
    assert report.config is None


def test_remediation_of_a_plugin_rule_becomes_the_action(tmp_path: Path) -> None:
    """The action plan takes a plugin rule's remediation, as it does the charter's."""
    config = tmp_path / "fsaudit.toml"
    config.write_text("[plugins.guichet]\nminimum = 6\n", encoding="utf-8")
    report = audit(
        [_declaration(tmp_path, B={"guichet": {"horaires_numeriques": 5}})],
        as_of=AS_OF,
        extra_plugins=PLUGIN,
        config=load_config(config),
    )
    (action,) = [a for a in report.structures[0].decision.actions if a.rule == "GUI-NUM-01"]
    assert action.action == "Ouvrir un créneau d'aide numérique supplémentaire et le déclarer."


def test_a_value_the_plugin_schema_refuses_is_unread_not_judged(tmp_path: Path) -> None:
    """A value the plugin's schema refuses is an input error at its place; the rule is manual."""
    path = _declaration(tmp_path, A={"guichet": {"horaires_numeriques": "huit"}})
    report = audit([path], as_of=AS_OF, extra_plugins=PLUGIN)
    assert [(e.location, e.message, e.level) for e in report.errors] == [
        (
            "$.structures[0].extensions.guichet.horaires_numeriques",
            "type incorrect : attendu un nombre entier, reçu le texte « huit »",
            "erreur",
        ),
    ]
    result = report.result("GUI-NUM-01", "A")
    assert result.status is Status.MANUAL and result.message.startswith("non évaluable : donnée illisible")
    assert report.structures[0].decision.code.value == "instruction_incomplete"


def test_a_namespace_no_plugin_declares_is_ignored_with_a_warning(tmp_path: Path) -> None:
    """Extension facts for a plugin that is not loaded: a warning, and nothing else changes."""
    path = _declaration(tmp_path, A={"autre": {"x": 1}})
    report = audit([path], as_of=AS_OF, extra_plugins=PLUGIN)
    assert [(e.location, e.level) for e in report.errors] == [("$.structures[0].extensions.autre", "avertissement")]
    assert report.errors[0].message.startswith("extensions « autre » : aucun plugin chargé ne les déclare")


def test_configuration_in_pyproject_and_bad_files(tmp_path: Path) -> None:
    """``[tool.fsaudit.plugins.NAME]`` of a pyproject.toml is found; a bad file says where."""
    (tmp_path / "pyproject.toml").write_text("[tool.fsaudit.plugins.guichet]\nminimum = 2\n", encoding="utf-8")
    found = find_config(tmp_path)
    assert found is not None and found.plugins == {"guichet": {"minimum": 2}}
    (tmp_path / "x.toml").write_text("[plugins]\nguichet = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "x.toml")
    assert [(p.location, p.message) for p in caught.value.problems] == [
        ("plugins.guichet", "table attendue : les réglages du plugin (clé = valeur)")
    ]


def test_extension_facts_travel_to_worker_processes(tmp_path: Path) -> None:
    """With --jobs 2 the report is the same (extension facts and configuration are picklable)."""
    from fsaudit.report.json_contract import report_to_dict

    config = tmp_path / "fsaudit.toml"
    config.write_text("[plugins.guichet]\nminimum = 6\n", encoding="utf-8")
    paths = []
    for n in range(3):
        folder = tmp_path / f"f{n}"
        folder.mkdir()
        paths.append(_declaration(folder, **{f"S{n}": {"guichet": {"horaires_numeriques": 4 + n}}}))
    kwargs = {"as_of": AS_OF, "extra_plugins": PLUGIN, "config": load_config(config)}
    assert report_to_dict(audit(paths, jobs=1, **kwargs)) == report_to_dict(audit(paths, jobs=2, **kwargs))
