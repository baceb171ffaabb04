"""Every charter rule has an example of each status it can return (FS-FIN-01 included)."""

from __future__ import annotations

import pytest

from fsaudit.testing import audit_structures, result_of
from fsaudit_charter import all_rules

from .status_examples import EXAMPLES, Example


def test_every_declared_status_has_an_example():
    """The examples show exactly the statuses each rule declares it can return, no fewer, no more."""
    declared = sorted((rule.id, status.value) for rule in all_rules() for status in rule.statuses)
    shown = sorted({(example.rule, example.status.value) for example in EXAMPLES})
    assert shown == declared


def test_examples_are_not_duplicated():
    """One example per rule and status, so that a new status needs a new example."""
    ids = [example.id for example in EXAMPLES]
    assert sorted(ids) == sorted(set(ids))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_gives_its_status_and_message(example: Example):
    """The example's declaration gives the rule the status and the exact message recorded."""
    report = audit_structures(
        example.structures(),
        as_of=example.as_of,
        departements=example.departements(),
        referential=example.referential() if example.referential else None,
    )
    result = result_of(report, example.rule, example.target)
    assert (result.status, result.message) == (example.status, example.message)
