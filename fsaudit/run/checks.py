"""Running the rules: every rule on every structure in isolation, with a time limit and a
circuit breaker, and the decision policy.

A rule that raises, returns something malformed or runs past its time limit gives status
``error`` on that rule for that structure, and every other rule still runs. Facts a structure's
input could not be read block the rules that need them (*manual*); see ``docs/honest-verdicts.md``.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import attrs

from fsaudit.inputs.files import read_input
from fsaudit.inputs.reader import LoadedStructure, ReadResult
from fsaudit.model.declaration import Departement
from fsaudit.model.facts import UnreadFact, fact_segments
from fsaudit.model.location import Location
from fsaudit.model.result import (
    Decision,
    DecisionCode,
    InputInfo,
    Result,
)
from fsaudit.model.rule import PLUGIN_FAILURES, Outcome, Rule, RuleContext, Scope, Severity, Status
from fsaudit.plugin.calls import call_hook
from fsaudit.plugin.manager import PluginError, PluginSet
from fsaudit.run.memo import OutcomeMemo
from fsaudit.text.french import describe_exception

__all__ = [
    "DEFAULT_RULE_TIMEOUT",
    "CheckedInput",
    "Engine",
    "RuleTimeout",
    "check_input",
    "check_read",
    "natural_key",
    "tripped_message",
]

_RULE_STATUSES = (Status.PASS, Status.FAIL, Status.WARN, Status.NOT_APPLICABLE, Status.MANUAL)


_new_tuple = tuple.__new__
"""``_new_tuple(Result, fields)``: a result from its nine fields already converted (the
engine's values are), without the conversions of ``Result(...)``."""


def _memo_for(rule: Rule) -> OutcomeMemo | None:
    """The outcome memo of a cacheable rule (see :mod:`fsaudit.run.memo`)."""
    if not rule.cacheable or rule.scope is not Scope.STRUCTURE or rule.check is None:
        return None
    try:
        return OutcomeMemo(rule)
    except ValueError:
        return None


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts ``"2"`` before ``"10"``."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


DEFAULT_RULE_TIMEOUT = 30.0
"""Seconds a rule may take on one structure before it is stopped (``error``)."""


class RuleTimeout(Exception):
    """Raised inside a rule that ran past its time limit."""

    french = True
    """Its message is meant for the auditor as it is (see :func:`fsaudit.text.french.describe_exception`)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"temps limite de {seconds:g} s dépassé".replace(".", ","))
        self.seconds = seconds


def tripped_message(seconds: float) -> str:
    """The one message of every result of a rule stopped by its time limit (the circuit breaker).

    The same on every structure, whichever one the rule hung on and whatever the number of
    worker processes, so that the report does not depend on how the work was shared.
    """
    limit = f"{seconds:g}".replace(".", ",")
    return (
        f"la règle n'a pas pu être évaluée : arrêtée après avoir dépassé son temps limite de {limit} s ; "
        "elle n'est plus exécutée pour le reste de l'audit"
    )


class _TimeLimit:
    """A per-call time limit with ``SIGALRM``, where it can be used (Unix, main thread).

    Worker processes run rules in their main thread, so the limit applies there; elsewhere
    (another thread, Windows) it is a no-op. ``arm()`` before a call, ``disarm()`` after.

    One interval timer serves every call made inside the ``with`` block: ``arm()`` and
    ``disarm()`` only note when the current call started (two system calls per rule, 23 rules
    per structure, were a tenth of the rule loop). When the timer fires, the handler stops the
    current call if it has run for the whole limit, and otherwise sets the timer again for what
    that call has left, or for a whole limit between calls.
    """

    def __init__(self, seconds: float | None) -> None:
        usable = (
            seconds is not None
            and seconds > 0
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )
        self.seconds = float(seconds) if seconds is not None and usable else None
        self._previous: Any = None
        self._started: float | None = None

    def __enter__(self) -> _TimeLimit:
        if self.seconds is not None:
            self._previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.seconds is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
        self._started = None

    def _expired(self, signum: int, frame: Any) -> None:
        seconds = self.seconds or 0
        started = self._started
        if started is None:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            return
        left = seconds - (time.monotonic() - started)
        if left > 0:
            # The timer started before this call did: wait for the rest of its limit.
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4))
            return
        self._started = None
        signal.setitimer(signal.ITIMER_REAL, seconds)
        raise RuleTimeout(seconds)

    def arm(self) -> None:
        self._started = time.monotonic()

    def disarm(self) -> None:
        self._started = None


class Engine:
    """Runs the rules of a :class:`~fsaudit.plugin.manager.PluginSet` under one referential."""

    def __init__(self, plugins: PluginSet, context: RuleContext) -> None:
        self.plugins = plugins
        self.context = context
        self.referential = context.referential
        self._decide_context: RuleContext | None = None
        self._severity = {
            rule.id: Severity(self.referential.severity_for(rule.id, rule.severity.value)) for rule in plugins.rules
        }
        self.structure_rules = [r for r in plugins.rules if r.scope is Scope.STRUCTURE]
        self.network_rules = [r for r in plugins.rules if r.scope is Scope.NETWORK]
        self.plugin_errors: list[PluginError] = []
        self._checks = [
            (rule.id, rule.check, _memo_for(rule)) for rule in self.structure_rules if rule.check is not None
        ]
        self._owned: dict[tuple[str, Scope], list[Rule]] = {}
        self._hook_ids: dict[Scope, frozenset[str]] = {}
        self._needs = {rule.id: tuple(fact_segments(need) for need in rule.needs) for rule in plugins.rules}
        self.tripped: set[str] = set()
        """Rules stopped by their time limit: not run again in this audit (the circuit breaker)."""
        self.checked = 0
        """Structures checked so far (the lookups of each outcome memo)."""
        self._timeout = float(context.options.get("rule_timeout", DEFAULT_RULE_TIMEOUT) or 0)

    def _tripped_error(self, rule_id: str, loaded: LoadedStructure) -> Result:
        return Result(
            rule=rule_id,
            status=Status.ERROR,
            severity=self._severity[rule_id],
            message=tripped_message(self._timeout),
            location=loaded.locate(),
        )

    # --- facts that were not read ----------------------------------------------------------

    def unreadable(self, loaded: LoadedStructure) -> dict[str, list[UnreadFact]]:
        """The rules that cannot be judged on ``loaded``: ``{rule_id: unread facts they need}``.

        A rule needs a fact when one of its ``needs`` contains the unread fact's path or is
        contained in it. A rule that declares no ``needs`` is judged anyway, but a *fail* it
        gives on a structure with unread facts becomes *manual* (see :meth:`_guard_unread`).
        """
        if not loaded.unread:
            return {}
        facts = [(fact, fact_segments(fact.field)) for fact in loaded.unread]
        blocked: dict[str, list[UnreadFact]] = {}
        for rule_id, needs in self._needs.items():
            for fact, segments in facts:
                if any(need[: len(segments)] == segments[: len(need)] for need in needs):
                    blocked.setdefault(rule_id, []).append(fact)
        return blocked

    def _not_evaluable(self, rule_id: str, loaded: LoadedStructure, facts: Sequence[UnreadFact]) -> Result:
        # A day and its range can both be unread for one cell: each place and reason said once.
        said = list(dict.fromkeys(str(fact) for fact in facts))
        shown = " ; ".join(said[:3])
        more = f" ; et {len(said) - 3} autre(s)" if len(said) > 3 else ""
        return Result(
            rule=rule_id,
            status=Status.MANUAL,
            severity=self._severity[rule_id],
            message=f"non évaluable : donnée illisible ou absente ({shown}{more})",
            location=facts[0].location,
            field=facts[0].field or None,
            evidence={"donnees_illisibles": [str(fact) for fact in facts]},
        )

    def _guard_unread(self, loaded: LoadedStructure, results: dict[str, Result]) -> None:
        """Rules that needed unread facts become *manual*; a *fail* of a rule that does not
        say what it needs, on a structure with unread facts, too (it may have judged a gap)."""
        blocked = self.unreadable(loaded)
        for rule_id, facts in blocked.items():
            if rule_id in results:
                results[rule_id] = self._not_evaluable(rule_id, loaded, facts)
        for rule_id, result in results.items():
            if result.status is Status.FAIL and not self._needs.get(rule_id):
                results[rule_id] = self._not_evaluable(rule_id, loaded, loaded.unread)

    # --- one result --------------------------------------------------------------------

    def _error(self, rule_id: str, loaded: LoadedStructure, reason: str) -> Result:
        return Result(
            rule=rule_id,
            status=Status.ERROR,
            severity=self._severity[rule_id],
            message=f"la règle n'a pas pu être évaluée : {reason}",
            location=loaded.locate(),
        )

    @staticmethod
    def _malformed(outcome: Any) -> str | None:
        """Why ``outcome`` is not one a rule may return (in French), or ``None``."""
        if not isinstance(outcome, Outcome):
            return f"résultat mal formé ({type(outcome).__name__} au lieu d'Outcome)"
        if outcome.status not in _RULE_STATUSES:
            return f"statut réservé au moteur : {outcome.status.value}"
        if not isinstance(outcome.message, str) or not outcome.message:
            return "message absent"
        return None

    def _result(
        self, rule_id: str, loaded: LoadedStructure, outcome: Any, places: dict[str | None, Location] | None = None
    ) -> Result:
        reason = self._malformed(outcome)
        if reason is not None:
            return self._error(rule_id, loaded, reason)
        return self._outcome_result(rule_id, loaded, outcome, {} if places is None else places)

    def _outcome_result(
        self, rule_id: str, loaded: LoadedStructure, outcome: Outcome, places: dict[str | None, Location]
    ) -> Result:
        """The result of a well-formed outcome; ``places`` caches the structure's locations by
        field (a structure's rules point at a handful of fields)."""
        field = outcome.field
        location = places.get(field)
        if location is None:
            try:
                location = places[field] = loaded.locate(field)
            except Exception:  # noqa: BLE001
                return self._error(rule_id, loaded, f"champ inconnu : {field!r}")
        # The evidence dict is the outcome's own (a copy made when the outcome was built), shared
        # by every result of a cached outcome: results are values, nothing changes them in place.
        return _new_tuple(
            Result,
            (
                rule_id,
                outcome.status,
                self._severity[rule_id],
                outcome.message,
                location,
                field,
                outcome.evidence,
                False,
                None,
            ),
        )

    # --- structure rules ---------------------------------------------------------------

    def time_limit(self) -> _TimeLimit:
        """The time limit of one rule call, ``options["rule_timeout"]`` seconds (default
        :data:`DEFAULT_RULE_TIMEOUT`), to enter once around many calls of :meth:`check_structure`."""
        return _TimeLimit(self.context.options.get("rule_timeout", DEFAULT_RULE_TIMEOUT))

    def check_structure(self, loaded: LoadedStructure, limit: _TimeLimit | None = None) -> dict[str, Result]:
        """Results of every structure rule on one structure, by rule id.

        Each rule runs under the time limit ``options["rule_timeout"]`` (seconds, default
        :data:`DEFAULT_RULE_TIMEOUT`) where signals allow it (see :class:`_TimeLimit`); ``limit``
        is one already entered (:meth:`time_limit`) for a batch of structures.
        """
        if limit is None:
            with self.time_limit() as own:
                return self._check_structure(loaded, own)
        return self._check_structure(loaded, limit)

    def _check_structure(self, loaded: LoadedStructure, limit: _TimeLimit) -> dict[str, Result]:
        results: dict[str, Result] = {}
        structure = loaded.structure
        context = self.context
        skip = self.unreadable(loaded) if loaded.unread else {}
        arm, disarm = limit.arm, limit.disarm
        tripped = self.tripped
        severity = self._severity
        places: dict[str | None, Location] = {}
        self.checked += 1
        checked = self.checked
        for rule_id, check, memo in self._checks:
            if rule_id in skip:
                continue  # judged on what is left, it could fail for data that was not read
            if rule_id in tripped:
                results[rule_id] = self._tripped_error(rule_id, loaded)
                continue
            key = None
            if memo is not None:
                try:
                    key = memo.key(structure)
                    known = memo.outcomes.get(key)
                except Exception:  # noqa: BLE001 - a fact that cannot be a key (unhashable): run the rule
                    key = known = None
                if known is not None:
                    # _outcome_result, inlined for the common case of a field already located
                    # (most results of a large audit come this way)
                    field = known.field
                    location = places.get(field)
                    if location is None:
                        results[rule_id] = self._outcome_result(rule_id, loaded, known, places)
                    else:
                        results[rule_id] = _new_tuple(
                            Result,
                            (
                                rule_id,
                                known.status,
                                severity[rule_id],
                                known.message,
                                location,
                                field,
                                known.evidence,
                                False,
                                None,
                            ),
                        )
                    continue
            try:
                arm()
                outcome = check(structure, context)
                disarm()
            except RuleTimeout:
                disarm()
                tripped.add(rule_id)
                results[rule_id] = self._tripped_error(rule_id, loaded)
                continue
            except PLUGIN_FAILURES as exc:  # isolation: one rule, one error
                disarm()
                results[rule_id] = self._error(rule_id, loaded, describe_exception(exc))
                continue
            reason = self._malformed(outcome)
            if reason is not None:
                results[rule_id] = self._error(rule_id, loaded, reason)
                continue
            results[rule_id] = self._outcome_result(rule_id, loaded, outcome, places)
            if key is not None and not memo.remember(key, outcome, checked):  # type: ignore[union-attr]
                # Given up (its keys hardly repeat): the rule runs without memo from the next structure.
                self._checks = [(r, c, None if m is memo else m) for r, c, m in self._checks]
        self._run_hook(
            "fsaudit_check_structure",
            {"structure": loaded, "context": context},
            Scope.STRUCTURE,
            {loaded.structure.id: loaded},
            {loaded.structure.id: results},
            per_structure=False,
            limit=limit,
        )
        for rule in self.structure_rules:
            if rule.id not in results and rule.id not in skip:
                results[rule.id] = self._error(rule.id, loaded, "la règle n'a produit aucun résultat")
        if loaded.unread:
            for rule_id in skip:
                results.setdefault(rule_id, None)  # type: ignore[arg-type]
            self._guard_unread(loaded, results)
            for rule_id in [k for k, v in results.items() if v is None]:
                del results[rule_id]
        return results

    def _hook_rules(self, plugin: str, scope: Scope) -> list[Rule]:
        owned = self._owned.get((plugin, scope))
        if owned is None:
            owned = self._owned[(plugin, scope)] = [
                r
                for r in self.plugins.rules
                if r.check is None and r.scope is scope and self.plugins.rule_owner[r.id] == plugin
            ]
        return owned

    def _run_hook(
        self,
        name: str,
        kwargs: dict[str, Any],
        scope: Scope,
        loaded_by_id: Mapping[str, LoadedStructure],
        results_by_structure: dict[str, dict[str, Result]],
        per_structure: bool,
        limit: _TimeLimit | None = None,
    ) -> None:
        """Call a check hook through pluggy: each plugin's answer sets the results of its own
        rules without ``check``; a plugin that fails, or answers something malformed, gives
        ``error`` on its rules only; one stopped by the time limit is not called again."""
        hook_rules = self._hook_ids.get(scope)
        if hook_rules is None:  # once per scope, not once per structure
            hook_rules = self._hook_ids[scope] = frozenset(
                r.id for r in self.plugins.rules if r.check is None and r.scope is scope
            )
        if not hook_rules:
            return
        stopped = frozenset(
            plugin
            for plugin in {self.plugins.rule_owner[r] for r in hook_rules}
            if all(rule.id in self.tripped for rule in self._hook_rules(plugin, scope))
        )

        def fail(rule_ids: AbstractSet[str], reason: str | None) -> None:
            for sid, loaded in loaded_by_id.items():
                for rule_id in sorted(rule_ids):
                    results_by_structure[sid][rule_id] = (
                        self._tripped_error(rule_id, loaded) if reason is None else self._error(rule_id, loaded, reason)
                    )

        for plugin in stopped:
            fail({r.id for r in self._hook_rules(plugin, scope)}, None)
        call = call_hook(self.plugins.manager, name, limit=limit, skip=stopped, **kwargs)
        for failure in call.failures:
            owned = {r.id for r in self._hook_rules(failure.plugin, scope)} if failure.plugin != "*" else hook_rules
            if isinstance(failure.error, RuleTimeout):
                self.tripped.update(owned)
                fail(owned, None)
            else:
                who = f"le plugin « {failure.plugin} »" if failure.plugin != "*" else "un wrapper de ce hook"
                fail(owned, f"{who} a échoué : {describe_exception(failure.error)}")
        for answer in call.result or ():
            owner = call.owner_of(answer)
            owned = {r.id for r in self._hook_rules(owner, scope)} if owner is not None else hook_rules
            who = owner or "?"
            if not isinstance(answer, Mapping):
                fail(owned, f"le plugin « {who} » a renvoyé {type(answer).__name__} au lieu d'un dictionnaire")
                continue
            for rule_id, value in answer.items():
                if rule_id not in owned:
                    self.plugin_errors.append(
                        PluginError(
                            who,
                            f"résultat pour la règle {rule_id!r}, qui n'est pas une règle de ce plugin sans "
                            "fonction check",
                        )
                    )
                    if rule_id in self._severity:
                        fail({rule_id}, f"le plugin « {who} » a répondu pour une règle qui n'est pas la sienne")
                    continue
                if per_structure:
                    if not isinstance(value, Mapping):
                        fail({rule_id}, "résultat réseau mal formé")
                        continue
                    for sid, outcome in value.items():
                        if sid in loaded_by_id:
                            results_by_structure[sid][rule_id] = self._result(rule_id, loaded_by_id[sid], outcome)
                else:
                    ((sid, loaded),) = loaded_by_id.items()
                    results_by_structure[sid][rule_id] = self._result(rule_id, loaded, value)

    # --- network rules -----------------------------------------------------------------

    def check_network(
        self,
        structures: Sequence[LoadedStructure],
        departements: Sequence[Departement],
        unread_inputs: Sequence[str] = (),
    ) -> list[dict[str, Result]]:
        """Results of every network rule, one dict per structure (same order as given);
        ``unread_inputs`` are the inputs or parts of inputs not read (``RuleContext.unread_inputs``)."""
        out: list[dict[str, Result]] = [{} for _ in structures]
        if not structures:
            return out
        context = attrs.evolve(self.context, unread_inputs=unread_inputs) if unread_inputs else self.context
        places: list[dict[str | None, Location]] = [{} for _ in structures]  # locations by field, per structure
        with self.time_limit() as limit:  # each network rule under the same limit as a structure rule
            self._network_checks(structures, departements, context, out, places, limit)
            by_id = self._network_hook(structures, departements, context, out, limit)
        expected = len(self.network_rules)
        for index, loaded in enumerate(structures):
            results = out[index]
            if len(results) < expected:
                mine = by_id.get(loaded.structure.id, results)
                for rule in self.network_rules:
                    if rule.id not in results:
                        results[rule.id] = mine.get(rule.id) or self._error(
                            rule.id, loaded, "la règle n'a produit aucun résultat"
                        )
            if loaded.unread:
                self._guard_unread(loaded, results)
        return out

    def _network_checks(
        self,
        structures: Sequence[LoadedStructure],
        departements: Sequence[Departement],
        context: RuleContext,
        out: list[dict[str, Result]],
        places: list[dict[str | None, Location]],
        limit: _TimeLimit,
    ) -> None:
        for rule in self.network_rules:
            if rule.check is None:
                continue
            try:
                limit.arm()
                answer = rule.check(structures, departements, context)
                limit.disarm()
                if not isinstance(answer, Mapping):
                    raise TypeError(f"{type(answer).__name__} au lieu d'un dictionnaire")
            except RuleTimeout:
                limit.disarm()
                self.tripped.add(rule.id)
                for index, loaded in enumerate(structures):
                    out[index][rule.id] = self._tripped_error(rule.id, loaded)
                continue
            except PLUGIN_FAILURES as exc:
                limit.disarm()
                for index, loaded in enumerate(structures):
                    out[index][rule.id] = self._error(rule.id, loaded, describe_exception(exc))
                continue
            for index, loaded in enumerate(structures):
                outcome = answer.get(loaded.structure.id)
                if outcome is None:
                    out[index][rule.id] = self._error(rule.id, loaded, "aucun résultat pour cette structure")
                else:
                    out[index][rule.id] = self._result(rule.id, loaded, outcome, places[index])

    def _network_hook(
        self,
        structures: Sequence[LoadedStructure],
        departements: Sequence[Departement],
        context: RuleContext,
        out: list[dict[str, Result]],
        limit: _TimeLimit,
    ) -> dict[str, dict[str, Result]]:
        """The network rules a plugin answers through ``fsaudit_check_network``: results by id."""
        by_id: dict[str, dict[str, Result]] = {}
        if any(rule.check is None for rule in self.network_rules):
            loaded_by_id: dict[str, LoadedStructure] = {}
            for index, loaded in enumerate(structures):
                by_id.setdefault(loaded.structure.id, out[index])
                loaded_by_id.setdefault(loaded.structure.id, loaded)
            kwargs = {"structures": structures, "departements": departements, "context": context}
            self._run_hook(
                "fsaudit_check_network", kwargs, Scope.NETWORK, loaded_by_id, by_id, per_structure=True, limit=limit
            )
        return by_id

    # --- decision -------------------------------------------------------------------------

    def decide(self, loaded: LoadedStructure, results: Sequence[Result]) -> Decision:
        """The recommendation from the ``fsaudit_decide`` hook, isolated like a rule.

        Whatever the policy says, a structure with facts that could not be read gets
        *instruction incomplète*: no verdict is rendered on the strength of unread data.
        """
        decision = self._decide(loaded, results)
        if loaded.unread:
            # The unread places come first, also when the policy already said « incomplète » (for
            # the checks those facts left to make): the reader of the avis learns what to correct.
            facts = loaded.unread
            places = list(dict.fromkeys(fact.location for fact in facts))
            shown = ", ".join(places[:5]) + (" …" if len(places) > 5 else "")
            head = (
                f"{len(places)} donnée(s) de la déclaration illisible(s) ou absente(s) ({shown}) : "
                "aucune décision ne peut être rendue avant leur correction"
            )
            if decision.code is DecisionCode.INSTRUCTION_INCOMPLETE:
                reasons = (head, *decision.reasons)
            else:
                reasons = (head, *(f"en l'état des données lues : {reason}" for reason in decision.reasons))
            decision = attrs.evolve(decision, code=DecisionCode.INSTRUCTION_INCOMPLETE, reasons=reasons)
        return decision

    def _decide(self, loaded: LoadedStructure, results: Sequence[Result]) -> Decision:
        if self._decide_context is None:
            # The policy reads every rule's metadata (its remediation becomes the action).
            self._decide_context = attrs.evolve(self.context, rules={r.id: r for r in self.plugins.rules})
        call = call_hook(
            self.plugins.manager, "fsaudit_decide", structure=loaded, results=results, context=self._decide_context
        )
        for failure in call.failures:
            self.plugin_errors.append(
                PluginError(failure.plugin, f"fsaudit_decide a échoué : {describe_exception(failure.error)}")
            )
        decision = call.result
        if decision is None:
            if call.failures:
                reason = "; ".join(f"{f.plugin} : {describe_exception(f.error)}" for f in call.failures)
                return Decision(
                    DecisionCode.INSTRUCTION_INCOMPLETE,
                    reasons=(f"la politique de décision a échoué ({reason})",),
                    policy="erreur",
                )
            return Decision(
                DecisionCode.INSTRUCTION_INCOMPLETE,
                reasons=("aucune politique de décision n'est chargée",),
                policy="aucune",
            )
        if not isinstance(decision, Decision):
            who = call.owner_of(decision) or "fsaudit_decide"
            self.plugin_errors.append(PluginError(who, f"décision mal formée : {type(decision).__name__}"))
            return Decision(
                DecisionCode.INSTRUCTION_INCOMPLETE,
                reasons=("la politique de décision a renvoyé une décision mal formée",),
                policy="erreur",
            )
        return decision


@attrs.frozen
class CheckedInput:
    """One input, read and checked by every structure rule: what a worker process sends back.

    ``results`` has one ``{rule_id: Result}`` per structure of ``read.structures``, in order.
    """

    info: InputInfo
    read: ReadResult
    results: tuple[dict[str, Result], ...]
    plugin_errors: tuple[PluginError, ...] = ()
    tripped: frozenset[str] = frozenset()
    """Rules stopped by their time limit while this input was checked."""


def check_input(
    path: str, plugins: PluginSet, engine: Engine, on_structure: Callable[[int, int], None] | None = None
) -> CheckedInput:
    """Read one input and run every structure rule on each of its structures."""
    info, result = read_input(path, plugins.readers, plugins.reporters)
    return check_read(info, result, engine, on_structure)


def _checked_extensions(result: ReadResult, info: InputInfo, schemas: Any) -> tuple[ReadResult, InputInfo]:
    from fsaudit.inputs.validation import validate_extensions

    structures = []
    problems = list(result.problems)
    for item in result.structures:
        checked, found = validate_extensions(item, schemas)
        structures.append(checked)
        problems.extend(found)
    errors = sum(1 for problem in problems if problem.is_error)
    info = attrs.evolve(info, errors=errors, warnings=len(problems) - errors)
    return attrs.evolve(result, structures=tuple(structures), problems=tuple(problems)), info


PROGRESS_EVERY = 100
"""Structures checked between two calls of ``on_structure`` (a progress bar for one large input)."""


def check_read(
    info: InputInfo, result: ReadResult, engine: Engine, on_structure: Callable[[int, int], None] | None = None
) -> CheckedInput:
    """Run every structure rule on each structure of an input already read (their extension
    facts checked first against the plugins' schemas); ``on_structure(done, total)`` is called
    every :data:`PROGRESS_EVERY` structures and at the end."""
    if any(item.structure.extensions for item in result.structures):
        result, info = _checked_extensions(result, info, engine.plugins.extension_schemas)
    before = len(engine.plugin_errors)
    with engine.time_limit() as limit:  # one timer for the whole input (two system calls, not two per structure)
        if on_structure is None:
            results = tuple(engine.check_structure(item, limit) for item in result.structures)
        else:
            total = len(result.structures)
            checked = []
            for done, item in enumerate(result.structures, start=1):
                checked.append(engine.check_structure(item, limit))
                if done % PROGRESS_EVERY == 0 or done == total:
                    on_structure(done, total)
            results = tuple(checked)
    errors = tuple(engine.plugin_errors[before:])
    del engine.plugin_errors[before:]
    return CheckedInput(info, result, results, errors, frozenset(engine.tripped))
