"""A plugin cannot change what the other rules see, and a hanging rule costs one time limit."""

from __future__ import annotations

import datetime as _dt
import json
import pickle
from pathlib import Path

import isolation_plugins
from isolation_plugins import HangingRule, WritingRule

from fsaudit import Status
from fsaudit.model.rule import ReadOnlyMapping
from fsaudit.report.json_contract import report_to_dict
from fsaudit.run.checks import tripped_message
from fsaudit.run.engine import audit
from fsaudit.testing import audit_structures, make_structure, result_of

AS_OF = _dt.date(2025, 6, 30)


def test_read_only_mapping_refuses_writes_and_travels_to_workers() -> None:
    """Options are read-only for rules, yet picklable for worker processes."""
    options = ReadOnlyMapping({"rule_timeout": 2.0})
    for write in (lambda: options.__setitem__("x", 1), lambda: options.__delitem__("rule_timeout")):
        try:
            write()
        except TypeError as exc:
            assert str(exc) == "lecture seule : une règle ne peut pas modifier ce qu'elle reçoit"
        else:
            raise AssertionError("write accepted")
    assert pickle.loads(pickle.dumps(options)) == {"rule_timeout": 2.0}


def test_a_rule_writing_the_options_is_an_error_and_changes_nothing() -> None:
    """The writing rule gets ``error``; the built-in rules run as if it were not there."""
    report = audit_structures([make_structure()], extra_plugins=[("ecrivain", WritingRule())])
    result = result_of(report, "TST-WRITE-01")
    assert result.status is Status.ERROR
    assert result.message.endswith("lecture seule : une règle ne peut pas modifier ce qu'elle reçoit")
    assert result_of(report, "FS-HOR-01").status is Status.PASS


def _declarations(tmp_path: Path, files: int, per_file: int) -> list[str]:
    paths = []
    for f in range(files):
        structures = [{"id": f"S-{f}-{i}", "name": f"Structure {f}-{i}"} for i in range(per_file)]
        path = tmp_path / f"decl-{f}.json"
        path.write_text(json.dumps({"structures": structures}), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_a_hanging_rule_is_stopped_once_and_not_run_again(tmp_path: Path) -> None:
    """After one time-out the rule is an error on every structure without being called again."""
    isolation_plugins.CALLS.clear()
    paths = _declarations(tmp_path, 1, 40)
    report = audit(paths, as_of=AS_OF, extra_plugins=[("suspendu", HangingRule())], options={"rule_timeout": 0.05})
    assert len(isolation_plugins.CALLS) == 1
    messages = {s.result("TST-HANG-01").message for s in report.structures}
    assert messages == {tripped_message(0.05)}
    assert {s.result("TST-HANG-01").status for s in report.structures} == {Status.ERROR}
    assert len(report.structures) == 40


def test_a_hanging_rule_gives_the_same_report_with_any_number_of_workers(tmp_path: Path) -> None:
    """Each worker trips the rule on its own first structure; the report does not show it."""
    paths = _declarations(tmp_path, 4, 5)
    kwargs = {"as_of": AS_OF, "extra_plugins": [("suspendu", HangingRule())], "options": {"rule_timeout": 0.05}}
    one = report_to_dict(audit(paths, jobs=1, **kwargs))
    two = report_to_dict(audit(paths, jobs=2, **kwargs))
    assert one == two
    assert one["summary"]["statuses"]["error"] == 20
