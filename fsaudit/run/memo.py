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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fsaudit.model.facts import fact_segments
from fsaudit.model.rule import Outcome, ReadOnlyMapping, Rule

__all__ = ["ABSENT", "MEMO_LIMIT", "OutcomeMemo", "fact_value", "key_function"]

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


def key_function(needs: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The memo key of a structure for a rule that needs ``needs``: the value of each fact,
    in the order of ``needs``."""
    paths = [fact_segments(need) for need in needs]
    if any(not segments for segments in paths):
        raise ValueError("a rule that needs the whole structure is not cacheable")
    typed = [segments[0] == "extensions" for segments in paths]
    if not any(typed) and all(len(segments) == 1 for segments in paths):
        names = [segments[0] for segments in paths]
        if len(names) == 1:
            (name,) = names

            def one(structure: Any) -> tuple[Any, ...]:
                return (getattr(structure, name),)

            return one
        return lambda structure: tuple([getattr(structure, name) for name in names])

    def key(structure: Any) -> tuple[Any, ...]:
        return tuple(
            [
                _typed(fact_value(structure, segments)) if tagged else fact_value(structure, segments)
                for segments, tagged in zip(paths, typed, strict=True)
            ]
        )

    return key


class OutcomeMemo:
    """The outcomes of one cacheable rule, by the values of the facts it needs."""

    __slots__ = ("key", "outcomes")

    def __init__(self, rule: Rule) -> None:
        self.key = key_function(rule.needs)
        self.outcomes: dict[tuple[Any, ...], Outcome] = {}

    def remember(self, key: tuple[Any, ...], outcome: Outcome) -> None:
        if len(self.outcomes) < MEMO_LIMIT:
            self.outcomes[key] = outcome
