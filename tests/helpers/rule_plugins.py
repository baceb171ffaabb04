"""Test rules and the plugin that provides them: one factory instead of a ``Rule(...)`` written out
in every test file.

The plugin class is defined at module level, so that worker processes (started with ``spawn``)
can unpickle an instance whose rules' checks are module-level functions.
"""

from __future__ import annotations

from typing import Any

from fsaudit import CharterReference, Rule, hookimpl

REFERENCE = CharterReference("Exigence de test", "Source de test", "C")
"""The charter reference of every test rule (no test reads it)."""


def make_rule(rule_id: str, check: Any = None, **changes: Any) -> Rule:
    """A ``majeur`` rule ``rule_id`` of domain ``test`` running ``check`` (none: a plugin's hook
    answers it); ``changes`` sets any other field (``severity``, ``needs``, ``scope``…)."""
    fields: dict[str, Any] = {
        "title": f"Règle {rule_id}",
        "severity": "majeur",
        "applies_to": "toutes",
        "domain": "test",
        "reference": REFERENCE,
        "description": "Règle de test.",
        "remediation": "Corriger.",
        "check": check,
    }
    return Rule(id=rule_id, **{**fields, **changes})


class RulesPlugin:
    """A plugin providing the given rules."""

    def __init__(self, *rules: Rule) -> None:
        self.rules = list(rules)

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return self.rules
