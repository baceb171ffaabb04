"""Plugins used by the CI tests: a rule that raises, and a rule that kills its worker process.

Instances are registered as extra plugins; their classes are importable, so that worker
processes (started with ``spawn``) can unpickle them.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

from rule_plugins import make_rule

from fsaudit.model.rule import Outcome, Rule
from fsaudit.plugin.hookspecs import hookimpl


def _raise(structure: Any, ctx: Any) -> Outcome:
    raise RuntimeError("panne simulée")


class BrokenRule:
    """Provides TEST-ERR-01, whose check always raises."""

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return [make_rule("TEST-ERR-01", _raise, severity="info")]


DOOMED = "32-B"
"""The structure whose check kills a worker process."""


def _die_in_worker(structure: Any, ctx: Any) -> Outcome:
    if multiprocessing.parent_process() is not None and structure.id == DOOMED:
        os._exit(7)
    return Outcome.passed("le processus a survécu")


class DyingRule:
    """Provides TEST-DIE-01, which calls ``os._exit`` on structure 32-B, only in a worker."""

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return [make_rule("TEST-DIE-01", _die_in_worker, severity="info")]
