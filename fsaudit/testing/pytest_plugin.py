"""The fsaudit pytest plugin (entry point ``pytest11``), for plugin authors and fsaudit itself.

Fixtures:

- ``make_structure``: the builder :func:`fsaudit.testing.make_structure` (a structure meeting
  the 2025 charter; keyword arguments change fields).
- ``fsaudit_audit``: audits structures in memory with chosen plugins and returns the
  :class:`fsaudit.AuditReport`; ``report.result("FS-HOR-01")`` gives a result.

    def test_my_rule(fsaudit_audit, make_structure):
        report = fsaudit_audit([make_structure(appointment_booking=False)], plugins=[("mine", my_plugin)])
        assert report.result("DEP-RDV-01").status is Status.FAIL

Spreadsheet fixtures: a ``test_*.xlsx`` or ``test_*.ods`` declaration workbook with an
« Attendus » sheet is collected and each expected result checked
(:mod:`fsaudit.testing.workbook_kit`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from typing import Any

import pytest


@pytest.fixture
def make_structure() -> Callable[..., Any]:
    """The structure builder of :mod:`fsaudit.testing`."""
    from fsaudit.testing import make_structure as builder

    return builder


@pytest.fixture
def fsaudit_audit() -> Callable[..., Any]:
    """Audit structures in memory: ``fsaudit_audit(structures, plugins=[(name, obj)], ...)``.

    ``builtin=False`` leaves out every installed plugin (built-in ones included) so that only
    ``plugins`` run, under ``referential`` (default: the charter's referential in force on
    ``as_of``, the one the built-in plugin provides); ``as_of`` defaults to 30 June 2025.
    """
    from fsaudit.testing import audit_structures

    def run(
        structures: Sequence[Any],
        *,
        plugins: Sequence[tuple[str, object]] = (),
        disabled: Iterable[str] = (),
        builtin: bool = True,
        as_of: _dt.date = _dt.date(2025, 6, 30),
        departements: Sequence[Any] = (),
        referential: Any = None,
    ) -> Any:
        off = set(disabled)
        if not builtin:
            off |= {ep.name for ep in metadata.entry_points(group="fsaudit")}
            if referential is None:
                from fsaudit.plugin.manager import select_referential

                referential = select_referential(as_of)
        return audit_structures(
            structures,
            as_of=as_of,
            departements=departements,
            extra_plugins=plugins,
            disabled=off,
            referential=referential,
        )

    return run


def pytest_collect_file(file_path: Any, parent: Any) -> Any:
    """Collect ``test_*.xlsx`` / ``test_*.ods`` workbooks that carry an « Attendus » sheet."""
    if file_path.suffix.lower() in (".xlsx", ".ods") and file_path.name.startswith("test_"):
        from fsaudit.testing.workbook_kit import WorkbookFile

        return WorkbookFile.from_parent(parent, path=file_path)
    return None
