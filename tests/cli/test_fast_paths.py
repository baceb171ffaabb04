"""Fast paths and caches of the hot loop give exactly what the plain code gives."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rule_plugins import make_rule

from fsaudit.inputs.converter import converter, fast_structure, unstructure
from fsaudit.inputs.reader import LoadedStructure
from fsaudit.inputs.validation import validate_declaration
from fsaudit.model import declaration as model
from fsaudit.model.facts import _field_parts, json_path
from fsaudit.model.result import Result
from fsaudit.model.rule import Severity, Status
from fsaudit.plugin.hookspecs import hookimpl
from fsaudit.plugin.manager import select_referential
from fsaudit.report.json_contract import _json_safe
from fsaudit.testing import weekly
from fsaudit.testing.strategies import structures, weekly_hours
from fsaudit_charter.conseillers import _merge, _union
from fsaudit_charter.horaires import _day_minutes, day_minutes, weekly_minutes
from fsaudit_charter.services import partner_in_name


def _json(structure: model.Structure) -> Any:
    return json.loads(json.dumps(unstructure(structure)))


@given(structures())
def test_fast_structure_equals_the_explaining_converter(structure: model.Structure) -> None:
    """The fast converter builds the same structure as the converter that explains errors."""
    data = _json(structure)
    assert fast_structure(data, model.Structure) == converter.structure(data, model.Structure)


def test_fast_structure_refusal_falls_back_to_the_explaining_converter(monkeypatch: Any) -> None:
    """When the fast converter refuses data, the explaining converter still builds the structure."""
    import fsaudit.inputs.converter

    def refuse(data: Any, cls: Any) -> Any:
        raise ValueError("refused")

    monkeypatch.setattr(fsaudit.inputs.converter, "fast_structure", refuse)
    loaded, _deps, problems = validate_declaration({"id": "S1", "name": "Nom"}, "d.json")
    assert ([item.structure for item in loaded], problems) == ([model.Structure("S1", "Nom")], [])


@given(structures(), st.sampled_from(["", "name", "opening_hours.monday[0]", "conseillers[1].training_date"]))
def test_locate_without_reader_is_the_json_path(structure: model.Structure, field: str) -> None:
    """Without a reader's locate function, a field is located at its JSON path (cached pieces)."""
    loaded = LoadedStructure(structure, "d.json", ("structures", 3))
    expected = json_path(("structures", 3) + (_field_parts(field) if field else ()))
    assert loaded.locate(field or None) == expected


@given(weekly_hours())
def test_cached_day_minutes_equal_computed(hours: model.WeeklyHours) -> None:
    """Cached minutes of a day equal the minutes computed afresh, for tuples and lists."""
    for _day, ranges in hours.items():
        assert day_minutes(ranges) == _day_minutes(ranges) == day_minutes(list(ranges))


def test_weekly_minutes_gives_a_fresh_dict() -> None:
    """Changing the dict weekly_minutes returned does not change the next answer."""
    hours = weekly(monday=["09:00-12:00"])
    first = weekly_minutes(hours)
    first["monday"] = 0
    assert weekly_minutes(hours)["monday"] == 180


@given(weekly_hours())
def test_cached_union_equals_merge(hours: model.WeeklyHours) -> None:
    """Cached merged intervals equal the intervals merged afresh."""
    for _day, ranges in hours.items():
        assert _union(ranges) == _merge(ranges)


def test_partner_in_name_answers_per_referential() -> None:
    """A name is looked up in the referential given, not in one asked before."""
    import datetime as _dt

    old = select_referential(_dt.date(2021, 1, 1))
    new = select_referential(_dt.date(2025, 6, 30))
    assert partner_in_name("Permanence Urssaf", old) is None
    found = partner_in_name("Permanence Urssaf", new)
    assert found is not None and partner_in_name("Permanence Urssaf", old) is None


def test_result_converts_plain_status_and_severity() -> None:
    """Result still accepts status and severity as their string values."""
    result = Result("FS-HOR-01", "fail", "majeur", "message", "$")
    assert (result.status, result.severity) == (Status.FAIL, Severity.MAJEUR)


def test_json_safe_keeps_plain_values_and_converts_the_others() -> None:
    """Plain values pass as they are; dates, enums, tuples and keys are made JSON-ready."""
    import datetime as _dt

    value = {1: (Status.PASS, _dt.date(2024, 1, 2), None, 1.5, True), "k": attrs}
    assert _json_safe(value) == {"1": ["pass", "2024-01-02", None, 1.5, True], "k": str(attrs)}


def test_version_is_answered_without_importing_click() -> None:
    """fsaudit --version prints the version before the command-line framework is imported."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.argv = ['fsaudit', '--version']\n"
        "from fsaudit.__main__ import main\n"
        "main()\n"
        "print('click' in sys.modules, 'fsaudit.run.engine' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[1] == "False False"


def test_fast_version_prints_what_click_prints(capsys: Any) -> None:
    """The fast --version answer is the one the click command gives."""
    import sys

    from fsaudit.__main__ import main as fast_main
    from fsaudit.cli.main import main as cli_main

    assert cli_main(["--version"]) == 0
    from_click = capsys.readouterr().out
    argv = sys.argv
    sys.argv = ["fsaudit", "-V"]
    try:
        assert fast_main() == 0
    finally:
        sys.argv = argv
    assert capsys.readouterr().out == from_click


def test_command_restores_garbage_collector_settings(capsys: Any) -> None:
    """The collector thresholds tuned for an audit are put back when the command ends."""
    import gc

    from fsaudit.cli.main import GC_THRESHOLD, main

    before = gc.get_threshold()
    assert before != GC_THRESHOLD
    main(["referentials"])
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


class _UnpicklableEvidence:
    """Provides TEST-PKL-01, whose evidence holds a function (it cannot be pickled)."""

    @staticmethod
    def check(structure: Any, ctx: Any) -> Any:
        from fsaudit.model.rule import Outcome

        return Outcome.passed("preuve non sérialisable", outil=lambda: None)

    @hookimpl
    def fsaudit_rules(self) -> list[Any]:
        return [make_rule("TEST-PKL-01", self.check, severity="info")]


def test_worker_sends_unpicklable_evidence_as_text(samples: Any) -> None:
    """A worker pickles its chunk once; evidence that cannot be pickled travels as text."""
    import datetime as _dt
    import pickle

    from fsaudit.model.rule import RuleContext
    from fsaudit.plugin.manager import load_plugins
    from fsaudit.run import parallel
    from fsaudit.run.checks import Engine

    plugins = load_plugins((), [("test-pkl", _UnpicklableEvidence())])
    context = RuleContext(select_referential(_dt.date(2025, 6, 30)), _dt.date(2025, 6, 30))
    parallel._WORKER["state"] = (plugins, Engine(plugins, context))
    try:
        sent = parallel._check_chunk((str(samples / "exemple-candidature.json"),))
    finally:
        parallel._WORKER.clear()
    (checked,) = pickle.loads(sent)
    evidence = checked.results[0]["TEST-PKL-01"].evidence
    assert isinstance(sent, bytes) and evidence["outil"].startswith("<function ")


def test_help_is_answered_without_importing_click() -> None:
    """fsaudit --help prints the stored help before the command-line framework is imported."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.argv = ['fsaudit', '--help']\n"
        "from fsaudit.__main__ import main\n"
        "main()\n"
        "print('click' in sys.modules, 'fsaudit.run.engine' in sys.modules)\n"
    )
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.startswith("Usage: fsaudit [OPTIONS] COMMAND [ARGS]...")
    assert done.stdout.splitlines()[-1] == "False False"


def test_stored_help_is_what_click_renders() -> None:
    """fsaudit/_help.py is click's rendering of the command group (regenerate with
    ``python -m fsaudit.cli.helpgen`` when this fails)."""
    from fsaudit.cli import _help, helpgen

    assert sorted(_help.HELP) == sorted(helpgen.WIDTHS)
    for width in helpgen.WIDTHS:
        assert _help.HELP[width] == helpgen.render_help(width), width


@pytest.mark.parametrize("columns", ["", "0", "abc", "40", "60", "80", "99", "100", "132"])
def test_fast_help_prints_what_click_prints(columns: str, capsys: Any, monkeypatch: Any) -> None:
    """At every width, stored or not, ``fsaudit --help`` prints what the click command prints."""
    import sys

    from fsaudit.__main__ import main as fast_main
    from fsaudit.cli.main import main as cli_main

    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    else:
        monkeypatch.delenv("COLUMNS", raising=False)
    assert cli_main(["--help"]) == 0
    from_click = capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["fsaudit", "-h"])
    assert fast_main() == 0
    assert capsys.readouterr().out == from_click


def test_valid_inputs_and_referentials_never_import_jsonschema(tmp_path: Any) -> None:
    """jsonschema (a tenth of a second to import) is only needed to explain invalid data: an
    audit of valid declarations validates them and the referentials with the compiled validator."""
    import subprocess
    import sys
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "samples" / "exemple-candidature.json"
    code = (
        "import sys\n"
        "from fsaudit.cli.main import main\n"
        f"main(['audit', {str(sample)!r}, '-f', 'json', '-o', {str(tmp_path / 'r.json')!r}])\n"
        "print('jsonschema' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "False"
    assert (tmp_path / "r.json").stat().st_size > 0
