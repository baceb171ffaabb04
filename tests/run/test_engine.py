"""The engine runs every rule in isolation, sorts everything, and asks the policy hook."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from rule_plugins import RulesPlugin, make_rule

from fsaudit import (
    Decision,
    DecisionCode,
    Outcome,
    Rule,
    Section,
    Status,
    hookimpl,
)
from fsaudit.model.result import Section as ReportSection
from fsaudit.plugin.manager import load_plugins
from fsaudit.testing import audit_structures, make_structure, result_of


def test_raising_rule_gives_error_on_that_rule_only() -> None:
    """A rule that raises gets status error with the reason; the other rules still run."""

    def boom(structure: Any, ctx: Any) -> Outcome:
        raise ZeroDivisionError("division by zero")

    report = audit_structures([make_structure()], extra_plugins=[("t", RulesPlugin(make_rule("TST-BOOM-01", boom)))])
    result = result_of(report, "TST-BOOM-01")
    assert result.status is Status.ERROR
    assert result.message == "la règle n'a pas pu être évaluée : ZeroDivisionError : division by zero"
    assert result_of(report, "FS-HOR-01").status is Status.PASS
    assert report.rule_errors and report.structures[0].decision.code is DecisionCode.INSTRUCTION_INCOMPLETE


def test_malformed_and_reserved_outcomes_are_errors() -> None:
    """A check returning a non-Outcome, or a status reserved to the engine, gives error."""
    rules = RulesPlugin(
        make_rule("TST-BAD-01", lambda s, c: "pass"),
        make_rule("TST-BAD-02", lambda s, c: Outcome(Status.WAIVED, "dérogé")),
        make_rule("TST-BAD-03", lambda s, c: Outcome(Status.PASS, "")),
    )
    report = audit_structures([make_structure()], extra_plugins=[("t", rules)])
    messages = {r.rule: r.message for r in report.structures[0].results if r.status is Status.ERROR}
    assert messages == {
        "TST-BAD-01": "la règle n'a pas pu être évaluée : résultat mal formé (str au lieu d'Outcome)",
        "TST-BAD-02": "la règle n'a pas pu être évaluée : statut réservé au moteur : waived",
        "TST-BAD-03": "la règle n'a pas pu être évaluée : message absent",
    }


def test_results_sorted_whatever_the_plugin_order() -> None:
    """Results come sorted by rule id, whichever plugin registered first."""
    a = RulesPlugin(make_rule("TST-ZZZ-01", lambda s, c: Outcome.passed("ok")))
    b = RulesPlugin(make_rule("TST-AAA-01", lambda s, c: Outcome.passed("ok")))
    first = audit_structures([make_structure()], extra_plugins=[("a", a), ("b", b)])
    second = audit_structures([make_structure()], extra_plugins=[("b", b), ("a", a)])
    ids = [r.rule for r in first.structures[0].results]
    assert ids == sorted(ids)
    assert first.flatten(["rule", "status", "message"]) == second.flatten(["rule", "status", "message"])


def test_structures_sorted_naturally_by_id() -> None:
    """Structures are reported in natural id order (2 before 10), not input order."""
    report = audit_structures([make_structure(id=i) for i in ("10", "2", "1")])
    assert [s.id for s in report.structures] == ["1", "2", "10"]


def test_duplicate_rule_id_names_both_plugins() -> None:
    """Two plugins claiming one rule id is an error naming both; the first one keeps it."""
    plugins = load_plugins(extra=[("extra", RulesPlugin(make_rule("FS-HOR-01", lambda s, c: Outcome.passed("x"))))])
    assert [e.message for e in plugins.errors if e.plugin == "extra"] == [
        "la règle FS-HOR-01 est déclarée par deux plugins : « charter » et « extra » ; celle de « extra » est ignorée"
    ]
    assert plugins.rule_owner["FS-HOR-01"] == "charter"


def test_invalid_rule_id_is_refused() -> None:
    """Rule ids must look like FS-HOR-01."""
    try:
        make_rule("fs_hor_1")
    except ValueError as exc:
        assert "identifiant de règle invalide" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a malformed id was accepted")


class OldApiPlugin:
    """A plugin written for another API version."""

    @hookimpl
    def fsaudit_api_version(self) -> str:
        return "0"


def test_api_version_mismatch_is_a_clear_error() -> None:
    """A plugin declaring another API version is not loaded; the error names both versions."""
    plugins = load_plugins(extra=[("vieux", OldApiPlugin())])
    assert [(e.plugin, e.message) for e in plugins.errors] == [
        (
            "vieux",
            "version d'API '0' déclarée par le plugin, fsaudit fournit les versions '1' et '2' : plugin non chargé",
        )
    ]
    assert "vieux" not in [p.name for p in plugins.plugins]


class ReferentialsOnly:
    """A plugin that provides the charter's referentials and nothing else."""

    @hookimpl
    def fsaudit_referentials(self) -> Any:
        from fsaudit_charter.referentials import charter_referentials

        return charter_referentials()


def test_disabled_plugin_is_not_loaded() -> None:
    """A plugin disabled by name contributes no rule and no policy (another plugin gives the referentials)."""
    report = audit_structures(
        [make_structure()], disabled=["charter"], extra_plugins=[("referentiels", ReferentialsOnly())]
    )
    assert report.referential.id == "charte-2025"
    assert report.structures[0].results == ()
    assert report.structures[0].decision.code is DecisionCode.INSTRUCTION_INCOMPLETE
    assert report.structures[0].decision.reasons == ("aucune politique de décision n'est chargée",)


class HookChecker:
    """A plugin answering its rules through fsaudit_check_structure."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    @hookimpl
    def fsaudit_rules(self) -> list[Rule]:
        return [make_rule("TST-HOOK-01"), make_rule("TST-HOOK-02")]

    @hookimpl
    def fsaudit_check_structure(self, structure: Any) -> Any:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_hook_checks_answer_their_rules() -> None:
    """Rules without a check function are answered by the plugin's fsaudit_check_structure."""
    plugin = HookChecker({"TST-HOOK-01": Outcome.passed("ok"), "TST-HOOK-02": Outcome.failed("non", field="name")})
    report = audit_structures([make_structure()], extra_plugins=[("h", plugin)])
    assert result_of(report, "TST-HOOK-01").status is Status.PASS
    failed = result_of(report, "TST-HOOK-02")
    assert (failed.status, failed.location) == (Status.FAIL, "$.structures[0].name")


def test_hook_check_failure_errors_its_rules_only() -> None:
    """A raising hook check errors the rules of that plugin; charter rules still pass."""
    report = audit_structures([make_structure()], extra_plugins=[("h", HookChecker(RuntimeError("panne")))])
    assert result_of(report, "TST-HOOK-01").message == (
        "la règle n'a pas pu être évaluée : le plugin « h » a échoué : RuntimeError : panne"
    )
    assert result_of(report, "TST-HOOK-02").status is Status.ERROR
    assert result_of(report, "FS-HOR-01").status is Status.PASS


def test_hook_check_answering_for_a_foreign_rule() -> None:
    """Answering for a rule of another plugin is an error on that rule and a plugin error."""
    plugin = HookChecker(
        {"TST-HOOK-01": Outcome.passed("ok"), "TST-HOOK-02": Outcome.passed("ok"), "FS-HOR-01": Outcome.failed("faux")}
    )
    report = audit_structures([make_structure()], extra_plugins=[("h", plugin)])
    assert result_of(report, "FS-HOR-01").status is Status.ERROR
    assert any(e.plugin == "h" and "FS-HOR-01" in e.message for e in report.plugin_errors)


def test_missing_hook_answer_is_an_error() -> None:
    """A hook-checked rule that gets no answer is an error, not a silent pass."""
    report = audit_structures(
        [make_structure()], extra_plugins=[("h", HookChecker({"TST-HOOK-01": Outcome.passed("ok")}))]
    )
    assert (
        result_of(report, "TST-HOOK-02").message
        == "la règle n'a pas pu être évaluée : la règle n'a produit aucun résultat"
    )


class PrefecturePolicy:
    """A préfecture's own decision policy."""

    @hookimpl
    def fsaudit_decide(self, structure: Any, results: Any) -> Decision:
        return Decision(DecisionCode.AVIS_DEFAVORABLE, ("politique locale",), policy="prefecture")


def test_decision_policy_can_be_replaced() -> None:
    """A plugin's fsaudit_decide wins over the charter policy registered trylast."""
    report = audit_structures([make_structure()], extra_plugins=[("p", PrefecturePolicy())])
    decision = report.structures[0].decision
    assert (decision.code, decision.policy, decision.reasons) == (
        DecisionCode.AVIS_DEFAVORABLE,
        "prefecture",
        ("politique locale",),
    )


class SectionPlugin:
    """Adds a report section."""

    def __init__(self, key: str) -> None:
        self.key = key

    @hookimpl
    def fsaudit_report_sections(self, report: Any) -> list[ReportSection]:
        return [Section(self.key, "Titre", {"structures": len(report.structures)}, ("ligne",))]


def test_sections_are_collected_and_duplicates_named() -> None:
    """Sections from plugins are sorted by key; a key given twice names both plugins."""
    report = audit_structures(
        [make_structure()],
        extra_plugins=[("s2", SectionPlugin("b")), ("s1", SectionPlugin("a")), ("s3", SectionPlugin("a"))],
    )
    assert [s.key for s in report.sections] == ["a", "b"]
    assert [e.message for e in report.plugin_errors] == [
        "la section « a » est fournie par deux plugins : « s1 » et « s3 »"
    ]


def test_referential_selected_by_date() -> None:
    """The audit date selects the referential in force."""
    assert audit_structures([make_structure()], as_of=_dt.date(2023, 12, 31)).referential.id == "charte-2020"
    assert audit_structures([make_structure()], as_of=_dt.date(2024, 1, 1)).referential.id == "charte-2024"


def _busy(seconds: float) -> None:
    """Work (not sleep) for ``seconds``: what a slow rule does."""
    import time

    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass


def _slow(structure: Any, ctx: Any) -> Outcome:
    _busy(10)  # far past any limit below; returns (and fails the test) only if the limit did not work
    return Outcome.passed("fini")


def test_rule_past_its_time_limit_gives_error() -> None:
    """A rule that runs past the time limit is stopped: error on that rule, the others run."""
    from fsaudit.inputs.reader import LoadedStructure, ReadResult
    from fsaudit.model.result import InputInfo
    from fsaudit.run.checks import tripped_message
    from fsaudit.run.engine import audit_inputs

    loaded = (LoadedStructure(make_structure(), "<mémoire>", ("structures", 0)),)
    report = audit_inputs(
        [(InputInfo("<mémoire>", None, "memoire", 1, 0), ReadResult("memoire", loaded))],
        as_of=_dt.date(2025, 6, 30),
        extra_plugins=[("lent", RulesPlugin(make_rule("TST-SLOW-01", _slow)))],
        options={"rule_timeout": 0.2},
    )
    assert result_of(report, "TST-SLOW-01").message == tripped_message(0.2)
    assert tripped_message(0.2) == (
        "la règle n'a pas pu être évaluée : arrêtée après avoir dépassé son temps limite de 0,2 s ; "
        "elle n'est plus exécutée pour le reste de l'audit"
    )
    assert result_of(report, "FS-HOR-01").status is Status.PASS


def test_time_limit_is_per_rule_not_per_structure() -> None:
    """Rules that each stay under the limit all finish, however long the structure takes in all;
    a rule past the limit after them is still stopped."""
    from fsaudit.inputs.reader import LoadedStructure, ReadResult
    from fsaudit.model.result import InputInfo
    from fsaudit.run.checks import tripped_message
    from fsaudit.run.engine import audit_inputs

    def steady(structure: Any, ctx: Any) -> Outcome:
        _busy(0.15)
        return Outcome.passed("fini")

    rules = [make_rule(f"TST-STEADY-0{i}", steady) for i in range(1, 5)] + [make_rule("TST-STEADY-09", _slow)]
    loaded = (LoadedStructure(make_structure(), "<mémoire>", ("structures", 0)),)
    report = audit_inputs(
        [(InputInfo("<mémoire>", None, "memoire", 1, 0), ReadResult("memoire", loaded))],
        as_of=_dt.date(2025, 6, 30),
        extra_plugins=[("reguliers", RulesPlugin(*rules))],
        options={"rule_timeout": 0.25},
    )
    for i in range(1, 5):
        assert result_of(report, f"TST-STEADY-0{i}").status is Status.PASS
    assert result_of(report, "TST-STEADY-09").message == tripped_message(0.25)


def _slow_network(structures: Any, departements: Any, ctx: Any) -> dict[str, Outcome]:
    _busy(10)
    return {s.structure.id: Outcome.passed("fini") for s in structures}


def _exits(structure: Any, ctx: Any) -> Outcome:
    import sys

    sys.exit(0)


def _exits_network(structures: Any, departements: Any, ctx: Any) -> dict[str, Outcome]:
    raise GeneratorExit


def _audit_one(plugin: tuple[str, object], options: dict[str, Any] | None = None) -> Any:
    from fsaudit.inputs.reader import LoadedStructure, ReadResult
    from fsaudit.model.result import InputInfo
    from fsaudit.run.engine import audit_inputs

    loaded = (LoadedStructure(make_structure(), "<mémoire>", ("structures", 0)),)
    return audit_inputs(
        [(InputInfo("<mémoire>", None, "memoire", 1, 0), ReadResult("memoire", loaded))],
        as_of=_dt.date(2025, 6, 30),
        extra_plugins=[plugin],
        options=options or {},
    )


def test_network_rule_past_its_time_limit_gives_error() -> None:
    """A network rule is stopped by the same time limit as a structure rule (it ran to its end,
    and a hanging one hung the audit)."""
    from fsaudit import Scope
    from fsaudit.run.checks import tripped_message

    rule = make_rule("TST-SLOW-02", _slow_network, scope=Scope.NETWORK)
    report = _audit_one(("lent", RulesPlugin(rule)), {"rule_timeout": 0.2})
    assert result_of(report, "TST-SLOW-02").message == tripped_message(0.2)
    assert result_of(report, "FS-NET-01").status is Status.PASS


def test_a_rule_that_exits_is_an_error_not_the_end_of_the_command() -> None:
    """A rule calling sys.exit() (or raising GeneratorExit) gets status error like any failing rule;
    the command went on to exit 0 with no report, and a CI gate passed silently."""
    from fsaudit import Scope

    rules = [make_rule("TST-EXIT-01", _exits), make_rule("TST-EXIT-02", _exits_network, scope=Scope.NETWORK)]
    report = _audit_one(("sortie", RulesPlugin(*rules)))
    assert result_of(report, "TST-EXIT-01").status is Status.ERROR
    assert result_of(report, "TST-EXIT-02").status is Status.ERROR
    assert result_of(report, "FS-HOR-01").status is Status.PASS


def test_uncertain_requirement_is_at_most_mineur() -> None:
    """A rule resting on a requirement no source states ([U]) may not be majeur or bloquant: it
    would make a structure lose its label on a reported practice."""
    from fsaudit.model.rule import CharterReference

    uncertain = CharterReference("Pratique signalée", "Aucune source", "U")
    assert make_rule("FS-TST-01", reference=uncertain, severity="mineur").severity.value == "mineur"
    try:
        make_rule("FS-TST-02", reference=uncertain, severity="bloquant")
    except ValueError as exc:
        assert str(exc) == (
            "règle FS-TST-02 : exigence de fiabilité [U] (aucune source ne l'établit) de gravité « bloquant » ; "
            "attendu au plus « mineur »"
        )
    else:  # pragma: no cover
        raise AssertionError("a [U] rule of gravity bloquant was accepted")
