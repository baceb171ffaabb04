"""Every cacheable charter rule reads nothing but the facts its ``needs`` name.

The engine reuses a cacheable rule's outcome for every structure with the same needed facts
(``fsaudit.run.memo``): a fact the rule reads but does not name would give one structure the
verdict of another. Each rule is checked on grafts of every pair of a varied pool of structures:
the status examples (one per rule and status), the samples and generated structures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fsaudit.testing
from fsaudit.inputs.files import read_input
from fsaudit.model.rule import RuleContext, Scope
from fsaudit.plugin.manager import load_plugins, select_referential
from fsaudit.testing.needs import graft_facts, needs_violations
from fsaudit.testing.strategies import structures
from fsaudit_charter import all_rules

from .status_examples import EXAMPLES

REPO = Path(__file__).resolve().parents[3]
CACHEABLE = [rule for rule in all_rules() if rule.cacheable]
DATES = (dt.date(2023, 10, 5), dt.date(2025, 6, 30))


def _pool() -> list:
    pool = {}
    for example in EXAMPLES:
        for structure in example.structures():
            pool.setdefault(repr(structure), structure)
    plugins = load_plugins()
    for sample in (
        "samples/gers/declarations/fs-auch.json",
        "samples/workbook/declaration-exemple.json",
        "samples/exemple-candidature.json",
    ):
        _info, read = read_input(str(REPO / sample), plugins.readers)
        for loaded in read.structures:
            pool.setdefault(repr(loaded.structure), loaded.structure)
    _info, read = read_input(str(REPO / "samples/anct/liste-fs-20240801.csv"), plugins.readers)
    for loaded in read.structures[::200]:
        pool.setdefault(repr(loaded.structure), loaded.structure)
    return list(pool.values())


POOL = _pool()


def test_every_structure_rule_of_the_charter_is_cacheable():
    """The charter's structure rules all promise to read only their needs (the network rules cannot)."""
    assert sorted(r.id for r in CACHEABLE) == sorted(r.id for r in all_rules() if r.scope is Scope.STRUCTURE)


def test_the_pool_is_varied():
    """The pool holds dozens of distinct structures, antennes, buses and list records among them."""
    assert len(POOL) >= 60
    assert {str(s.format) for s in POOL} >= {"Format.ANTENNE", "Format.BUS", "Format.FIXE", "None"}


@pytest.mark.parametrize("as_of", DATES, ids=str)
@pytest.mark.parametrize("rule", CACHEABLE, ids=lambda r: r.id)
def test_needs_cover_what_the_rule_reads(rule, as_of):
    """Grafting a structure's needed facts onto any other gives the same outcome as the structure itself."""
    context = RuleContext(select_referential(as_of), as_of)
    assert needs_violations(rule, POOL, context) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(structures(), min_size=2, max_size=4))
def test_needs_cover_generated_structures(pool):
    """The same on generated structures (any hours, conseillers, partners, scope), under the 2025 charter."""
    context = RuleContext(select_referential(DATES[1]), DATES[1])
    assert [v for rule in CACHEABLE for v in needs_violations(rule, pool, context)] == []


def test_a_forgotten_need_is_caught():
    """A rule that reads a fact its needs do not name is reported, with the pair of structures."""
    hor01 = next(r for r in CACHEABLE if r.id == "FS-HOR-01")
    forgetful = hor01.__class__(
        **{
            **{
                a: getattr(hor01, a)
                for a in (
                    "id",
                    "title",
                    "severity",
                    "applies_to",
                    "domain",
                    "reference",
                    "description",
                    "remediation",
                    "check",
                )
            },
            "needs": ("opening_hours",),
            "cacheable": True,
        }
    )
    context = RuleContext(select_referential(DATES[1]), DATES[1])
    found = needs_violations(forgetful, POOL, context)
    assert found
    assert found[0].startswith("FS-HOR-01: facts of structure #")
    with pytest.raises(AssertionError, match=r"^FS-HOR-01 reads facts its needs \['opening_hours'\] do not name"):
        fsaudit.testing.assert_needs_cover(forgetful, POOL, context)


def test_graft_takes_lists_whole_and_nested_facts_alone():
    """A list fact is taken whole; ``label.status`` alone, the label's date kept."""
    a, b = POOL[0], next(s for s in POOL if s.label is not None and s.label.date is not None)
    source = next(s for s in POOL if s.label is not None and s.label.status != b.label.status)
    grafted = graft_facts(b, source, ["label.status", "conseillers[].id"])
    assert (grafted.label.status, grafted.label.date, grafted.conseillers) == (
        source.label.status,
        b.label.date,
        source.conseillers,
    )
    assert graft_facts(a, a, ["opening_hours"]) == a
