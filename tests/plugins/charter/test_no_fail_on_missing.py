"""Issue 14: a fact that is missing is never a breach, on any declaration (not only the test one).

Property: a rule that does not fail on a declaration does not fail once one fact it needs is taken
out. Declarations are drawn near the test structure (every fact sometimes missing, dates around the
audit date), where rules take all their statuses.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fsaudit.model import declaration as model
from fsaudit.model.rule import RuleContext, Scope, Status
from fsaudit.plugin.manager import select_referential
from fsaudit.testing import FULL_WEEK, PARTNERS_2025, make_structure, remove_fact, weekly
from fsaudit.testing.strategies import structures
from fsaudit_charter import all_rules

AS_OF = dt.date(2025, 6, 30)
CTX = RuleContext(select_referential(AS_OF), AS_OF)
CELLS = [(rule, fact) for rule in all_rules() if rule.scope is Scope.STRUCTURE for fact in rule.needs]

_dates = st.none() | st.sampled_from(
    [dt.date(2020, 6, 1), dt.date(2020, 12, 1), dt.date(2021, 1, 1), dt.date(2021, 6, 1), dt.date(2025, 9, 1)]
)
"""Few dates, around the test structure's label (01/01/2021) and after the audit: every order occurs."""
_flag = st.none() | st.booleans()
_conseiller = st.builds(
    model.Conseiller,
    id=st.sampled_from(["C1", "C2", "C3"]),
    fte=st.none() | st.just(1.0),
    training_date=_dates,
    training_days=st.none() | st.sampled_from([3.5, 6.5, 11.5]),
    start_date=_dates,
    presence=st.none() | st.sampled_from([FULL_WEEK, weekly(monday=["09:00-12:00"])]),
)
_offer = st.builds(
    model.PartnerOffer,
    operator=st.sampled_from([*PARTNERS_2025, "Mission locale"]),
    modes=st.just((model.PartnerMode.PERMANENCE,)),
    referent=st.none() | st.sampled_from(["Mme Référente", "aucun", "  "]),
)


@st.composite
def near_compliant(draw: st.DrawFn) -> model.Structure:
    """``make_structure()`` with each fact the rules read drawn, often missing (a principal structure
    of format antenne, a contradiction of the declaration, is left out)."""
    kind = draw(st.none() | st.sampled_from(model.StructureType))
    formats = [f for f in model.Format if not (kind is model.StructureType.PRINCIPAL and f is model.Format.ANTENNE)]
    return attrs.evolve(
        make_structure(),
        type=kind,
        format=draw(st.none() | st.sampled_from(formats)),
        label=draw(st.none() | st.builds(model.Label, st.sampled_from(model.LabelStatus), _dates)),
        opening_hours=draw(st.none() | st.sampled_from([FULL_WEEK, weekly(monday=["09:00-12:00"])])),
        conseillers=draw(st.none() | st.lists(_conseiller, max_size=3).map(tuple)),
        partners=draw(st.none() | st.lists(_offer, max_size=14).map(tuple)),
        premises=draw(st.none() | st.builds(model.Premises, *[_flag] * 8)),
        attendance=draw(st.none() | st.sampled_from([(), make_structure().attendance])),
    )


def _creates_failure(structure: model.Structure, rule, fact: str) -> tuple[str, str, Status, Status] | None:
    try:
        without = remove_fact(structure, fact)
    except ValueError:
        return None
    before, after = rule.check(structure, CTX).status, rule.check(without, CTX).status
    return (rule.id, fact, before, after) if after is Status.FAIL and before is not Status.FAIL else None


@settings(max_examples=max(100, settings.default.max_examples))  # ~2 s: it catches the old FS-AGT-02 defect
@given(near_compliant())
def test_removing_a_needed_fact_never_creates_a_failure(structure):
    """No rule goes from not failing to failing when one fact it needs is taken out."""
    assert [found for rule, fact in CELLS if (found := _creates_failure(structure, rule, fact))] == []


@given(structures(), st.sampled_from(CELLS))
def test_same_on_any_valid_declaration(structure, cell):
    """The same holds on any valid declaration the shared strategies draw."""
    rule, fact = cell
    assume(fact != "id")
    assume(not (structure.type is model.StructureType.PRINCIPAL and structure.format is model.Format.ANTENNE))
    assert _creates_failure(structure, rule, fact) is None
