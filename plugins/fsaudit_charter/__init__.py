"""The France services charter rule pack: the rules of CHARTER.md §4 and the decision policy.

Registered through the ``fsaudit`` entry-point group exactly like a third-party plugin.
"""

from __future__ import annotations

from collections.abc import Sequence

from fsaudit import Decision, LoadedStructure, Result, Rule, RuleContext, hookimpl
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
    return "2"


@hookimpl
def fsaudit_rules() -> list[Rule]:
    return all_rules()


@hookimpl(trylast=True)
def fsaudit_decide(structure: LoadedStructure, results: Sequence[Result], context: RuleContext) -> Decision:
    return decision.decide(structure, results, context, _REMEDIATION)


@hookimpl
def fsaudit_referentials() -> tuple:
    from fsaudit_charter.referentials import charter_referentials

    return charter_referentials()
