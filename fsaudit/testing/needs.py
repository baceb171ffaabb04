"""Checking that a cacheable rule's ``needs`` name every fact its check reads.

A rule declared ``cacheable`` is run once per distinct combination of the facts in its
``needs``, and its outcome reused for every structure with the same facts
(:mod:`fsaudit.run.memo`). A fact the check reads but ``needs`` forgets would make the engine
give one structure another's verdict. :func:`needs_violations` catches that on examples: for
every pair of structures ``(a, b)`` it builds ``b`` with ``a``'s needed facts grafted in, and the
rule must say of that hybrid exactly what it says of ``a``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from fsaudit.model.facts import fact_segments
from fsaudit.model.rule import Outcome, Rule, RuleContext
from fsaudit.run.memo import ABSENT, key_function

__all__ = ["assert_needs_cover", "graft_facts", "needs_violations"]


def _graft(target: Any, source: Any, segments: Sequence[str]) -> Any:
    if not segments or source is None or target is None or source is ABSENT or target is ABSENT:
        return source
    if isinstance(source, tuple) or isinstance(target, tuple):
        return source  # a list is one fact: taken whole
    name, rest = segments[0], segments[1:]
    if isinstance(target, Mapping):
        picked = source.get(name, ABSENT) if isinstance(source, Mapping) else ABSENT
        value = _graft(target.get(name, ABSENT), picked, rest)
        data = {k: v for k, v in target.items() if k != name}
        if value is not ABSENT:
            data[name] = value
        rebuilt: Any = type(target)
        return rebuilt(data)
    return attrs.evolve(target, **{name: _graft(getattr(target, name), getattr(source, name), rest)})


def graft_facts(target: Any, source: Any, needs: Iterable[str]) -> Any:
    """``target`` (a structure) with the facts ``needs`` of ``source`` in place of its own."""
    for need in needs:
        target = _graft(target, source, fact_segments(need))
    return target


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Outcome) and isinstance(b, Outcome):
        return (a.status, a.message, a.evidence, a.field) == (b.status, b.message, b.evidence, b.field)
    return type(a) is type(b) and repr(a) == repr(b)


def _run(rule: Rule, structure: Any, context: RuleContext) -> Any:
    try:
        return rule.check(structure, context)  # type: ignore[misc]
    except Exception as exc:  # noqa: BLE001 - an exception is an answer too: it must be the same
        return exc


def needs_violations(rule: Rule, structures: Sequence[Any], context: RuleContext) -> list[str]:
    """The pairs of ``structures`` on which ``rule`` reads a fact its ``needs`` do not name.

    Each line says which structure gave its facts, which gave the rest, and the two answers.
    Empty when the rule's outcome on every hybrid is its outcome on the structure whose facts it
    holds. The more the examples differ (hours, conseillers, partners, scope), the more this
    proves.
    """
    key = key_function(rule.needs)
    answers = [_run(rule, s, context) for s in structures]
    found: list[str] = []
    for i, source in enumerate(structures):
        for j, target in enumerate(structures):
            if i == j:
                continue
            hybrid = graft_facts(target, source, rule.needs)
            if key(hybrid) != key(source):  # pragma: no cover - the graft copies exactly those facts
                raise AssertionError(f"{rule.id}: grafting did not copy the needed facts")
            answer = _run(rule, hybrid, context)
            if not _same(answer, answers[i]):
                found.append(
                    f"{rule.id}: facts of structure #{i} ({getattr(source, 'id', '?')}) with the rest of #{j} "
                    f"({getattr(target, 'id', '?')}): {answer!r} instead of {answers[i]!r}"
                )
    return found


def assert_needs_cover(rule: Rule, structures: Sequence[Any], context: RuleContext) -> None:
    """Fail (``AssertionError``) when :func:`needs_violations` finds any, showing the first few."""
    found = needs_violations(rule, structures, context)
    if found:
        shown = "\n".join(found[:5])
        raise AssertionError(
            f"{rule.id} reads facts its needs {list(rule.needs)} do not name ({len(found)} case(s)):\n{shown}"
        )
