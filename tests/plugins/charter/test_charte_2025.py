"""Issue 19: the 2025 referential says what the texts say (partners, sources, count, DGEC)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fsaudit.model import declaration as model
from fsaudit.model.referential import first_in_force
from fsaudit.plugin.manager import referentials as load_referentials
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit
from fsaudit.testing import PARTNERS_2025, audit_structures, make_structure, result_of
from fsaudit_charter import all_rules

REF_2025 = select_referential(dt.date(2025, 6, 1))
SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "partenaires-2025" / "declarations" / "lot-2025-06.json"


def _offers(*names: str) -> tuple[model.PartnerOffer, ...]:
    return tuple(model.PartnerOffer(n, (model.PartnerMode.PERMANENCE,), "Référent") for n in names)


def test_2025_partners_are_the_2024_ones_plus_agirc_arrco_and_urssaf():
    """The 2025 core is the 11 partners of 2024, then Agirc-Arrco and Urssaf, both from 1 January 2025."""
    ref_2024 = select_referential(dt.date(2024, 6, 1))
    added = [
        (p.id, p.since, p.source, p.confidence)
        for p in REF_2025.partners
        if p.id not in {q.id for q in ref_2024.partners}
    ]
    assert added == [
        ("agirc_arrco", dt.date(2025, 1, 1), "senat-plf-2026", "C"),
        ("urssaf", dt.date(2025, 1, 1), "senat-plf-2026", "C"),
    ]


def test_2025_title_and_partner_sources_do_not_cite_the_arrete():
    """Neither the title nor any partner's source is the arrêté du 16 juin 2025, which lists no partner."""
    cited = {p.source for p in REF_2025.partners} | {s for p in REF_2025.partners for s in p.other_sources}
    assert ("arrete-2025" in cited, "arrêté" in REF_2025.title.lower()) == (False, False)


def test_expected_count_is_a_disputed_value_with_both_sources():
    """The count is 13 by the Sénat's listing, marked [C2] with the « au moins 12 » release as other source."""
    entry = REF_2025.values["partners.expected_count"]
    assert (entry.value, entry.confidence, entry.source, entry.other_sources) == (
        13,
        "C2",
        "senat-plf-2026",
        ("communique-2025-11",),
    )
    assert REF_2025.sources["communique-2025-11"]["confidence"] == "C2"


@pytest.mark.parametrize("name", ["DGEC", "Direction générale de l'énergie et du climat", "chèque énergie"])
def test_dgec_is_the_cheque_energie(name: str):
    """DGEC and chèque énergie name the same partner, from 2024 on."""
    assert [ref.resolve_partner(name).id for ref in load_referentials()[1:]] == ["cheque_energie"] * 2


@pytest.mark.parametrize(
    "name",
    ["Agirc Arrco", "AGIRC-ARRCO", "agirc-arrco", "retraite complémentaire", "Retraite complémentaire Agirc-Arrco"],
)
def test_agirc_arrco_aliases(name: str):
    """The usual spellings of Agirc-Arrco resolve to it (and retraite complémentaire is not the CNAV)."""
    assert REF_2025.resolve_partner(name).id == "agirc_arrco"


def test_dgec_counts_for_fs_par_01():
    """A structure declaring « DGEC » offers the chèque énergie: all 13 partners are offered."""
    names = tuple("DGEC" if n == "Chèque énergie" else n for n in PARTNERS_2025)
    result = result_of(audit_structures([make_structure(partners=_offers(*names))]), "FS-PAR-01")
    assert (result.status.value, result.evidence["partenaires_proposes"][:3]) == (
        "pass",
        ["agirc_arrco", "anah", "caf"],
    )


def test_done_when_2024_partners_only_on_1_june_2025():
    """Audited on 01/06/2025, the 2024 partners only miss Agirc-Arrco and Urssaf, citing the Sénat's source."""
    names = [n for n in PARTNERS_2025 if n not in ("Agirc-Arrco", "Urssaf")]
    result = result_of(
        audit_structures([make_structure(partners=_offers(*names))], as_of=dt.date(2025, 6, 1)), "FS-PAR-01"
    )
    assert (result.status.value, result.evidence["manquants"], result.evidence["sources_manquants"]) == (
        "fail",
        ["Agirc-Arrco (retraite complémentaire)", "Urssaf"],
        {
            "Agirc-Arrco (retraite complémentaire)": REF_2025.sources["senat-plf-2026"]["title"],
            "Urssaf": REF_2025.sources["senat-plf-2026"]["title"],
        },
    )


def test_sample_gramat_misses_the_2025_partners():
    """The sample Gramat (2024 partners under their aliases) misses exactly Agirc-Arrco and Urssaf on 01/06/2025."""
    report = audit([SAMPLE], as_of=dt.date(2025, 6, 1))
    result = report.result("FS-PAR-01", "46-201")
    assert (result.status.value, result.message) == (
        "fail",
        "2 partenaires nationaux manquants sur 13 (charte-2025) : Agirc-Arrco (retraite complémentaire) et "
        "Urssaf, exigés depuis le 01/01/2025 (source : Sénat, avis sur le projet de loi de finances pour 2026)",
    )


def test_partner_since_is_the_first_referential_that_has_it():
    """Each partner's « since » date is where the bundled history first holds it, without a gap."""
    refs = load_referentials()
    wrong = [
        (ref.id, p.id) for ref in refs for p in ref.partners if p.since != first_in_force(ref, "partner", p.id, refs)
    ]
    assert wrong == []


def test_every_source_is_cited():
    """Each source a referential defines is cited by a value, a partner or a severity."""
    unused = []
    for ref in load_referentials():
        cited = set()
        for entry in (*ref.values.values(), *ref.severity_entries.values()):
            cited |= {entry.source, *entry.other_sources}
        for partner in ref.partners:
            cited |= {partner.source, *partner.other_sources}
        unused += [(ref.id, key) for key in ref.sources if key not in cited]
    assert unused == []


def test_severity_marks_are_the_rules_marks():
    """The confidence mark of each severity in rules/ is the mark of the rule's requirement."""
    marks = {rule.id: rule.reference.confidence for rule in all_rules()}
    wrong = [
        (ref.id, rule_id, entry.confidence)
        for ref in load_referentials()
        for rule_id, entry in ref.severity_entries.items()
        if entry.confidence != marks[rule_id]
    ]
    assert wrong == []


def test_every_rule_has_a_severity_in_every_referential():
    """Each referential weighs every charter rule, at its default severity (a préfecture overlay changes it)."""
    defaults = {rule.id: rule.severity.value for rule in all_rules()}
    assert [dict(ref.severities) for ref in load_referentials()] == [defaults] * 3


def test_uncertain_values_are_marked_u():
    """The action-plan deadlines, which no text states, are [U] values with their minimum of one day."""
    entries = [REF_2025.values[f"deadlines.{level}_days"] for level in ("bloquant", "majeur", "mineur")]
    assert [(e.value, e.confidence, e.minimum, e.stricter) for e in entries] == [
        (90, "U", 1, "lower"),
        (180, "U", 1, "lower"),
        (365, "U", 1, "lower"),
    ]


def test_partners_added_since_2024_are_named_with_their_operator():
    """The partners added since 2024 carry their operator in their name (DGEC) or what they are."""
    assert [p.name for p in REF_2025.partners][-4:] == [
        "Agence nationale de l'habitat (Anah)",
        "Chèque énergie (DGEC)",
        "Agirc-Arrco (retraite complémentaire)",
        "Urssaf",
    ]
