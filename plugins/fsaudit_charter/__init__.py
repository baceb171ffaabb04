"""The France services charter rule pack: the rules of CHARTER.md §4 and the decision policy.

Registered through the ``fsaudit`` entry-point group exactly like a third-party plugin.
"""

from __future__ import annotations

from collections.abc import Sequence

from fsaudit.inputs.reader import LoadedStructure
from fsaudit.model.result import Decision, Result
from fsaudit.model.rule import Rule, RuleContext
from fsaudit.plugin.hookspecs import hookimpl
from fsaudit_charter import (
    activite,
    conseillers,
    decision,
    financement,
    horaires,
    locaux,
    mission,
    partenaires,
    reseau,
    services,
)

__all__ = ["all_rules"]

_MODULES = (horaires, conseillers, partenaires, services, locaux, mission, reseau, activite, financement)


def all_rules() -> list[Rule]:
    """Every rule of the pack, sorted by id."""
    return sorted((rule for module in _MODULES for rule in module.RULES), key=lambda r: r.id)


_REMEDIATION = {rule.id: rule.remediation for rule in all_rules()}


@hookimpl
def fsaudit_api_version() -> str:
    return "1"


@hookimpl
def fsaudit_rules() -> list[Rule]:
    return all_rules()


@hookimpl(trylast=True)
def fsaudit_decide(
    structure: LoadedStructure, results: Sequence[Result], context: RuleContext
) -> Decision:
    return decision.decide(structure, results, context, _REMEDIATION)
