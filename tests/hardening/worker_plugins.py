"""Plugins that kill the worker process auditing a given structure, for the worker-death tests.

Instances are registered as extra plugins; their classes are importable by module name, so that
worker processes (started with ``spawn``) can unpickle them.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import attrs
from rule_plugins import make_rule

from fsaudit.model.rule import Outcome, Rule
from fsaudit.plugin.hookspecs import hookimpl


@attrs.frozen
class KillWorker:
    """Provides TEST-KILL-01: kills the worker checking structure ``victim``.

    With ``once`` set to a marker file, only the first worker dies (a transient crash: the
    out-of-memory killer, a flaky native library); the marker records that it happened.
    """

    victim: str
    once: str | None = None

    def check(self, structure: Any, ctx: Any) -> Outcome:
        in_worker = multiprocessing.parent_process() is not None
        if in_worker and structure.id == self.victim:
            if self.once is None:
                os._exit(9)
            marker = Path(self.once)
            if not marker.exists():
                marker.write_text("mort une fois", encoding="utf-8")
                os._exit(9)
        return Outcome.passed("le processus a survécu")

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return [make_rule("TEST-KILL-01", self.check, severity="info")]
