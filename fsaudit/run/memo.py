"""Outcomes of cacheable rules, reused across structures that share the facts a rule reads.

A rule declared ``cacheable`` (see :class:`~fsaudit.model.rule.Rule`) promises that its outcome
depends on nothing but the facts named in its ``needs`` and the audit's context (referential,
date, options, configuration), which are the same for every structure of an audit. The engine
then runs it once per distinct combination of those facts and gives every other structure with
the same facts the same outcome; the location is still each structure's own. On the national
list a rule on the opening hours runs once per distinct week, a rule on the conseillers (which
the list does not give) once in all.

:func:`fsaudit.testing.assert_needs_cover` checks the promise on a plugin's own rules.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fsaudit.model.facts import fact_segments
from fsaudit.model.rule import Outcome, ReadOnlyMapping, Rule

__all__ = ["ABSENT", "MEMO_LIMIT", "PROBE", "PROBE_MISSES", "OutcomeMemo", "fact_value", "key_function"]

MEMO_LIMIT = 65536
"""Distinct fact combinations kept per rule; beyond, the rule runs on every new combination
(memory stays bounded on a list where every structure differs)."""


class _Absent:
    """The value of a fact whose parent is not declared (``label.status`` without ``label``):
    not the same as a declared parent whose field is empty."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()

_SCALARS = (bool, int, float)


def _typed(value: Any) -> Any:
    """``value`` as a key that tells ``True``, ``1`` and ``1.0`` apart (they are equal in
    Python), for the facts plugins add as plain JSON (extension facts)."""
    if isinstance(value, Mapping):
        return (ReadOnlyMapping, tuple(sorted((str(k), _typed(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return (tuple, tuple(_typed(v) for v in value))
    if isinstance(value, _SCALARS):
        return (type(value), value)
    return value


def fact_value(structure: Any, segments: Sequence[str]) -> Any:
    """The value of the fact at ``segments`` (``("label", "status")``) of ``structure``.

    A list on the way is the fact itself (``conseillers[].training_date`` is read as the whole
    list of conseillers); a parent that is not declared gives :data:`ABSENT`.
    """
    value = structure
    for name in segments:
        if value is None or value is ABSENT:
            return ABSENT
        if isinstance(value, tuple):
            return value
        if isinstance(value, Mapping):
            value = value.get(name, ABSENT)
        else:
            value = getattr(value, name)
    return value


def _getter(need: str) -> Callable[[Any], Any]:
    """A fast reader of one fact: a chain of attributes, stopping at the first list (``[]``)."""
    segments = fact_segments(need)
    if segments[0] == "extensions":
        return lambda structure: _typed(fact_value(structure, segments))
    head = need.split("[", 1)[0]
    names = [name for name in head.split(".") if name]
    if len(names) == 1:
        return operator.attrgetter(names[0])
    first, rest = names[0], names[1:]

    def chain(structure: Any) -> Any:
        value = getattr(structure, first)
        for name in rest:
            if value is None:
                return ABSENT
            if type(value) is tuple:
                return value  # a list whose path was written without ``[]``: taken whole
            value = getattr(value, name)
        return value

    return chain


def key_function(needs: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The memo key of a structure for a rule that needs ``needs``: the value of each fact,
    in the order of ``needs`` (a list on a fact's path is taken whole: see :func:`fact_value`)."""
    if any(not fact_segments(need) for need in needs):
        raise ValueError("a rule that needs the whole structure is not cacheable")
    getters = [_getter(need) for need in needs]
    if not getters:
        return lambda structure: ()
    if len(getters) == 1:
        (only,) = getters
        return lambda structure: (only(structure),)
    if len(getters) == 2:
        one, two = getters
        return lambda structure: (one(structure), two(structure))
    if len(getters) == 3:
        one, two, three = getters
        return lambda structure: (one(structure), two(structure), three(structure))
    return lambda structure: tuple([get(structure) for get in getters])


PROBE = 1024
"""Lookups after which a memo that almost never hits stops (see :class:`OutcomeMemo`)."""
PROBE_MISSES = 0.8
"""Share of distinct keys among the first :data:`PROBE` lookups above which the memo stops."""


class OutcomeMemo:
    """The outcomes of one cacheable rule, by the values of the facts it needs.

    A memo whose first :data:`PROBE` lookups were mostly distinct keys (declarations that differ
    in every fact the rule reads: generated or detailed ones) is given up for the rest of the
    audit: :meth:`remember` then answers ``False`` and the engine stops using it. Building,
    hashing and keeping keys that never come back costs more than it saves; the outcomes are
    the same either way, only the time changes.
    """

    __slots__ = ("key", "outcomes", "probed")

    def __init__(self, rule: Rule) -> None:
        self.key = key_function(rule.needs)
        self.outcomes: dict[tuple[Any, ...], Outcome] = {}
        self.probed = False

    def remember(self, key: tuple[Any, ...], outcome: Outcome, seen: int) -> bool:
        """Keep ``outcome`` for ``key``; ``seen`` is the number of lookups so far (the structures
        checked). ``False`` when the memo is not worth keeping (then it is emptied)."""
        outcomes = self.outcomes
        if len(outcomes) < MEMO_LIMIT:
            outcomes[key] = outcome
        if not self.probed and seen >= PROBE:
            self.probed = True
            if len(outcomes) > PROBE_MISSES * seen:
                outcomes.clear()
                return False
        return True
