"""Hostile rule plugins for the isolation tests, importable by worker processes."""

from __future__ import annotations

from typing import Any

from rule_plugins import make_rule

from fsaudit import Outcome, Rule, hookimpl

CALLS: list[str] = []
"""Structures the hanging rule was called on, in this process."""


def hang(structure: Any, ctx: Any) -> Outcome:
    """Works far past any time limit of the tests: only the limit stops it (were the limit
    broken, it would pass after 30 s and the tests would fail rather than hang)."""
    import time

    CALLS.append(structure.id)
    until = time.monotonic() + 30
    while time.monotonic() < until:
        pass
    return Outcome.passed("fini")


def write_options(structure: Any, ctx: Any) -> Outcome:
    ctx.options["rule_timeout"] = 0
    return Outcome.passed("écrit")


class HangingRule:
    """A plugin whose rule never returns."""

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return [make_rule("TST-HANG-01", hang, needs=("opening_hours",))]


class WritingRule:
    """A plugin whose rule tries to change the options every other rule reads."""

    @hookimpl(tryfirst=True)
    def fsaudit_rules(self) -> list[Rule]:
        return [make_rule("TST-WRITE-01", write_options, needs=("opening_hours",))]
