"""Rule metadata, `fsaudit rules` and docs/rules.md: every catalogue id documented, in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from fsaudit.cli.main import main
from fsaudit.model.rule import Severity, Status
from fsaudit.plugin.manager import load_plugins
from fsaudit_charter import all_rules
from fsaudit_charter.docgen import rules_markdown

from .catalogue import CATALOGUE

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_pack_has_exactly_the_catalogue():
    """The charter pack provides every id of the CHARTER catalogue, and no other."""
    assert sorted(r.id for r in all_rules()) == sorted(CATALOGUE)


def test_rules_are_loaded_from_the_charter_plugin():
    """Every catalogue rule is loaded through the entry point of the charter plugin."""
    plugins = load_plugins()
    assert {plugins.rule_owner.get(rule_id) for rule_id in CATALOGUE} == {"charter"}


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.reference.confidence == "U"], ids=lambda r: r.id)
def test_uncertain_rules_are_configurable_and_mild(rule):
    """A [U] rule has a default severity of at most mineur and says it is configurable."""
    assert rule.severity.rank <= Severity.MINEUR.rank
    assert "paramétrable" in rule.description


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_metadata_complete(rule):
    """Every rule has a title, scope, description, remediation, source, its statuses and the facts it
    reads (none only for a rule that cannot fail: FS-MIS-01, answered by the auditor)."""
    assert all(
        (
            rule.title,
            rule.applies_to,
            rule.description,
            rule.remediation,
            rule.reference.text,
            rule.reference.source,
        )
    )
    assert rule.check is not None and rule.statuses
    assert rule.needs or Status.FAIL not in rule.statuses


def test_rules_listing_names_every_id_within_100_columns(capsys):
    """`fsaudit rules` lists every catalogue id and no line is wider than 100 columns."""
    assert main(["rules", "--as-of", "2025-06-30"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert [rule_id for rule_id in CATALOGUE if not any(line.startswith(rule_id + " ") for line in lines)] == []
    assert [line for line in lines if len(line) > 100] == []


@pytest.mark.parametrize("rule_id", CATALOGUE)
def test_rules_id_explains_with_full_source(rule_id, capsys):
    """`fsaudit rules ID` shows the full source of the rule, within 100 columns."""
    rule = next(r for r in all_rules() if r.id == rule_id)
    assert main(["rules", rule_id, "--as-of", "2025-06-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{rule_id} — {rule.title}\n")
    source = out.split("  Source : ", 1)[1].split("\n  Fiabilité", 1)[0]
    assert " ".join(source.split()) == rule.reference.source
    assert [line for line in out.splitlines() if len(line) > 100] == []


def test_docs_rules_md_matches_metadata():
    """docs/rules.md is what the metadata generates (regenerate: python -m fsaudit_charter.docgen)."""
    assert DOC.read_text(encoding="utf-8") == rules_markdown()


def test_docs_have_one_section_per_rule():
    """docs/rules.md has one section per catalogue id."""
    headings = [line[3:] for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert headings == sorted(CATALOGUE)
