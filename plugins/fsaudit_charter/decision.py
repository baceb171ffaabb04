"""The charter's decision policy (CHARTER.md §4), registered ``trylast`` so a préfecture can
supply its own through the ``fsaudit_decide`` hook."""

from __future__ import annotations

import datetime as _dt
import operator
from collections.abc import Sequence
from typing import Any

from fsaudit import (
    Action,
    Decision,
    DecisionCode,
    LabelStatus,
    LoadedStructure,
    Result,
    RuleContext,
    Severity,
    Status,
)

__all__ = ["decide", "policy"]

_ACTIONABLE = (Severity.BLOQUANT, Severity.MAJEUR, Severity.MINEUR)


def _ids(results: Sequence[Result]) -> tuple[str, ...]:
    return tuple(sorted({r.rule for r in results}))


def deadline_basis(context: RuleContext, key: str) -> tuple[bool, str]:
    """Whether the deadline of referential value ``key`` is indicative (no text sets it: not a
    [C] value), and where it comes from, in French."""
    referential = context.referential
    entry = referential.values[key]
    indicative = entry.confidence != "C"
    kind = f"délai indicatif [{entry.confidence}]" if indicative else f"délai [{entry.confidence}]"
    text = f"{kind} : {entry.value} jours (référentiel {referential.id})"
    overlay = referential.overlay
    change = next((c for c in overlay.changes if c.key == key), None) if overlay is not None else None
    if change is not None:
        text += (
            f", fixé par la surcouche {overlay.path} ({overlay.author}) ; valeur nationale : {change.official} jours"
        )
    elif indicative:
        text += ", qu'aucun texte ne fixe ; la préfecture peut le modifier (surcouche --referentiel)"
    return indicative, text


def action_plan(results: Sequence[Result], context: RuleContext, remediation: dict[str, str]) -> tuple[Action, ...]:
    """One action per failed criterion of gravity mineur or more, with its deadline: the rule's
    remediation (any plugin's rule: ``context.rules``), else the charter's own, else the finding."""
    actions = []
    for result in sorted(results, key=lambda r: (-r.severity.rank, r.rule)):
        if result.status is not Status.FAIL or result.severity not in _ACTIONABLE:
            continue
        key = f"deadlines.{result.severity.value}_days"
        days = context.value(key)
        deadline = context.as_of + _dt.timedelta(days=int(days))
        indicative, basis = deadline_basis(context, key)
        rule = context.rules.get(result.rule)
        text = (rule.remediation if rule is not None else None) or remediation.get(result.rule) or result.message
        actions.append(Action(result.rule, result.severity, text, deadline, indicative, basis))
    return tuple(actions)


_WHAT_DECIDES = operator.attrgetter("rule", "status", "severity")
"""What the policy reads of each result (besides a failure's message, which an action may quote)."""

_DECISIONS: dict[int, tuple[RuleContext, dict[tuple[Any, ...], Decision], frozenset[str]]] = {}
"""Decisions already taken in an audit (by its context), by what the policy reads; with the
rules whose action is their remediation (the others' actions quote their failure's message)."""
_DECISIONS_LIMIT = 65536


def decide(
    structure: LoadedStructure,
    results: Sequence[Result],
    context: RuleContext,
    remediation: dict[str, str],
) -> Decision:
    """The decision of :func:`policy`, taken once per audit for each combination of what the
    policy reads: whether the structure is labelled (or its label undeclared) and each result's
    rule, status and severity, and the message of a failure whose action quotes it (a rule
    without remediation). Thousands of structures of the national list share a handful of
    combinations."""
    entry = _DECISIONS.get(id(context))
    if entry is None or entry[0] is not context:
        if len(_DECISIONS) >= 8:
            _DECISIONS.clear()
        remedied = {rule_id for rule_id, rule in context.rules.items() if rule.remediation}
        remedied.update(rule_id for rule_id, text in remediation.items() if text)
        entry = _DECISIONS[id(context)] = (context, {}, frozenset(remedied))
    remedied_rules = entry[2]
    label = structure.structure.label
    key = (
        label is None,
        label is not None and label.status is LabelStatus.LABELLED,
        tuple(map(_WHAT_DECIDES, results)),
        tuple([r.message for r in results if r.status is Status.FAIL and r.rule not in remedied_rules]),
    )
    known = entry[1]
    found = known.get(key)
    if found is None:
        found = policy(structure, results, context, remediation)
        if len(known) < _DECISIONS_LIMIT:
            known[key] = found
    return found


def policy(
    structure: LoadedStructure,
    results: Sequence[Result],
    context: RuleContext,
    remediation: dict[str, str],
) -> Decision:
    """Candidates: défavorable / favorable sous réserve / favorable; labelled structures:
    maintien conditionnel / avec plan d'actions / maintien; pending manual checks (of gravity
    mineur or more) or rule errors turn any decision that is not already the worst into
    *instruction incomplète*."""
    label = structure.structure.label
    labelled = label is not None and label.status is LabelStatus.LABELLED
    bloquant = [r for r in results if r.status is Status.FAIL and r.severity is Severity.BLOQUANT]
    majeur = [r for r in results if r.status is Status.FAIL and r.severity is Severity.MAJEUR]
    pending = [
        r for r in results if (r.status is Status.MANUAL and r.severity in _ACTIONABLE) or r.status is Status.ERROR
    ]
    actions = action_plan(results, context, remediation)
    reasons: list[str] = []
    if label is None:
        # The decision's wording (avis or maintien) is the label status: a missing fact, never
        # taken for a candidature (a labelled structure would get a candidate's refusal).
        return _undeclared_label(bloquant, majeur, pending, actions)
    if bloquant:
        code = DecisionCode.MAINTIEN_CONDITIONNEL if labelled else DecisionCode.AVIS_DEFAVORABLE
        reasons.append(f"{len(bloquant)} critère(s) bloquant(s) non conforme(s) : {', '.join(_ids(bloquant))}")
        if labelled:
            reasons.append(
                "mise en conformité exigée dans le délai du plan d'actions (délai indicatif), à défaut retrait du label"
            )
        return Decision(code, tuple(reasons), _ids(bloquant), actions)
    if pending:
        reasons.extend(_pending_reasons(pending))
        if majeur:
            reasons.append(f"{len(majeur)} critère(s) majeur(s) non conforme(s) : {', '.join(_ids(majeur))}")
        return Decision(DecisionCode.INSTRUCTION_INCOMPLETE, tuple(reasons), _ids(pending + majeur), actions)
    if majeur:
        code = DecisionCode.MAINTIEN_PLAN_ACTIONS if labelled else DecisionCode.AVIS_FAVORABLE_SOUS_RESERVE
        reasons.append(f"{len(majeur)} critère(s) majeur(s) non conforme(s) : {', '.join(_ids(majeur))}")
        return Decision(code, tuple(reasons), _ids(majeur), actions)
    code = DecisionCode.MAINTIEN if labelled else DecisionCode.AVIS_FAVORABLE
    reasons.append("aucun critère bloquant ou majeur non conforme")
    return Decision(code, tuple(reasons), (), actions)


def _undeclared_label(
    bloquant: Sequence[Result], majeur: Sequence[Result], pending: Sequence[Result], actions: tuple[Action, ...]
) -> Decision:
    """*Instruction incomplète* for a structure whose label status is not declared: candidate or
    labelled, its decision is not the same one; the findings that would drive it are listed."""
    reasons = [
        "statut de labellisation non déclaré (candidature ou structure labellisée) : décision à rendre "
        "une fois le statut connu"
    ]
    for found, what in ((bloquant, "bloquant(s)"), (majeur, "majeur(s)")):
        if found:
            reasons.append(f"{len(found)} critère(s) {what} non conforme(s) : {', '.join(_ids(found))}")
    reasons.extend(_pending_reasons(pending))
    drivers = _ids([*bloquant, *majeur, *pending])
    return Decision(DecisionCode.INSTRUCTION_INCOMPLETE, tuple(reasons), drivers, actions)


def _pending_reasons(pending: Sequence[Result]) -> list[str]:
    """« 3 vérification(s) à faire par l'auditeur : … », « 1 règle(s) en erreur : … »."""
    manual = [r for r in pending if r.status is Status.MANUAL]
    errors = [r for r in pending if r.status is Status.ERROR]
    reasons = []
    if manual:
        reasons.append(f"{len(manual)} vérification(s) à faire par l'auditeur : {', '.join(_ids(manual))}")
    if errors:
        reasons.append(f"{len(errors)} règle(s) en erreur : {', '.join(_ids(errors))}")
    return reasons
