"""Every hook goes through pluggy: wrappers and tryfirst/trylast work, and a fault in one
implementation is that plugin's only (the decision policy included)."""

from __future__ import annotations

from typing import Any

import pluggy
from rule_plugins import make_rule

from fsaudit import Decision, DecisionCode, Outcome, Rule, Status, hookimpl
from fsaudit.plugin.calls import call_hook
from fsaudit.plugin.manager import load_plugins
from fsaudit.testing import audit_structures, make_structure, result_of


class BrokenPolicy:
    """A préfecture policy that raises on every structure."""

    @hookimpl(tryfirst=True)
    def fsaudit_decide(self, structure: Any, results: Any, context: Any) -> Any:
        raise RuntimeError("politique cassée")


class StrictPolicy:
    """A préfecture policy that always refuses."""

    @hookimpl(tryfirst=True)
    def fsaudit_decide(self, structure: Any, results: Any, context: Any) -> Any:
        return Decision(DecisionCode.AVIS_DEFAVORABLE, ("politique de la préfecture",), policy="préfecture")


class DecisionStamp:
    """A new-style pluggy wrapper around the decision: it adds a reason to whatever was decided."""

    @hookimpl(wrapper=True)
    def fsaudit_decide(self, structure: Any, results: Any, context: Any) -> Any:
        decision = yield
        import attrs

        return attrs.evolve(decision, reasons=(*decision.reasons, "relu par le wrapper"))


def _answering_rule(rule_id: str) -> Rule:
    return make_rule(rule_id, severity="mineur", needs=("opening_hours",))


class Answering:
    """A plugin that answers its rule through fsaudit_check_structure."""

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return [_answering_rule("TST-HOOK-01")]

    @hookimpl
    def fsaudit_check_structure(self, structure: Any, context: Any) -> Any:
        return {"TST-HOOK-01": Outcome.passed("répondu")}


class Crashing:
    """A plugin whose fsaudit_check_structure raises."""

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return [_answering_rule("TST-HOOK-02")]

    @hookimpl
    def fsaudit_check_structure(self, structure: Any, context: Any) -> Any:
        raise ValueError("panne")


class Softener:
    """An old-style hookwrapper that turns every pass of TST-HOOK-01 into a warning."""

    @hookimpl(hookwrapper=True)
    def fsaudit_check_structure(self, structure: Any, context: Any) -> Any:
        outcome = yield
        answers = outcome.get_result()
        outcome.force_result(
            [{k: Outcome.warned("adouci") if k == "TST-HOOK-01" else v for k, v in a.items()} for a in answers]
        )


def test_a_failing_policy_leaves_the_decision_to_the_next_one() -> None:
    """The charter policy (trylast) decides when a préfecture's policy raises; the fault is reported."""
    report = audit_structures([make_structure()], extra_plugins=[("prefecture", BrokenPolicy())])
    assert report.structures[0].decision.code is DecisionCode.MAINTIEN
    assert [(e.plugin, e.message) for e in report.plugin_errors] == [
        ("prefecture", "fsaudit_decide a échoué : RuntimeError : politique cassée")
    ]


def test_tryfirst_policy_replaces_the_charter_and_wrappers_see_its_decision() -> None:
    """A tryfirst policy answers first; a pluggy wrapper around the hook changes what was decided."""
    report = audit_structures(
        [make_structure()], extra_plugins=[("prefecture", StrictPolicy()), ("relecture", DecisionStamp())]
    )
    decision = report.structures[0].decision
    assert (decision.code, decision.policy) == (DecisionCode.AVIS_DEFAVORABLE, "préfecture")
    assert decision.reasons == ("politique de la préfecture", "relu par le wrapper")


def test_one_check_hook_fails_the_others_answer() -> None:
    """A plugin whose check hook raises gets error on its rules; another plugin's rule is answered."""
    report = audit_structures([make_structure()], extra_plugins=[("repond", Answering()), ("panne", Crashing())])
    assert result_of(report, "TST-HOOK-01").status is Status.PASS
    broken = result_of(report, "TST-HOOK-02")
    assert (broken.status, broken.message) == (
        Status.ERROR,
        "la règle n'a pas pu être évaluée : le plugin « panne » a échoué : ValueError : panne",
    )


def test_a_hookwrapper_changes_the_answers_of_a_check_hook() -> None:
    """An old-style pluggy hookwrapper on fsaudit_check_structure sees and replaces the answers."""
    report = audit_structures([make_structure()], extra_plugins=[("repond", Answering()), ("doux", Softener())])
    result = result_of(report, "TST-HOOK-01")
    assert (result.status, result.message) == (Status.WARN, "adouci")


def test_registration_hooks_go_through_pluggy_and_isolate_faults() -> None:
    """A plugin whose fsaudit_rules raises is reported; the other plugins' rules load."""

    class BadRules:
        @hookimpl
        def fsaudit_rules(self) -> Any:
            raise KeyError("x")

    plugins = load_plugins(extra=[("mauvais", BadRules())])
    assert plugins.rule("FS-HOR-01") is not None
    assert [(e.plugin, e.message) for e in plugins.errors] == [("mauvais", "fsaudit_rules a échoué (KeyError : 'x')")]


def test_call_hook_outside_fsaudit_is_plain_pluggy() -> None:
    """Outside call_hook an implementation raises as pluggy's users expect."""
    plugins = load_plugins(extra=[("panne", Crashing())])
    impl = next(i for i in plugins.manager.hook.fsaudit_check_structure.get_hookimpls() if i.plugin_name == "panne")
    try:
        impl.function(structure=None, context=None)
    except ValueError as exc:
        assert str(exc) == "panne"
    else:
        raise AssertionError("no exception outside call_hook")
    call = call_hook(plugins.manager, "fsaudit_check_structure", structure=None, context=None)
    assert [(f.plugin, type(f.error).__name__) for f in call.failures] == [("panne", "ValueError")]
    assert isinstance(plugins.manager, pluggy.PluginManager)
