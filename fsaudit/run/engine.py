"""One audit: read the inputs, check them (in worker processes with ``jobs`` > 1), then the
network rules, the auditor's answers, waivers and decisions, and the report.

The engine knows no rule, format or policy of its own: all of them come from plugins. A rule
that raises or returns something malformed gives status ``error`` on that rule for that
structure, and every other rule still runs.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from fsaudit import __version__
from fsaudit.inputs.config import PluginConfig
from fsaudit.inputs.reader import LoadedStructure, ManualAnswer, ReadResult
from fsaudit.model.declaration import Departement
from fsaudit.model.facts import InputProblem
from fsaudit.model.location import Location
from fsaudit.model.referential import Referential
from fsaudit.model.result import (
    AuditReport,
    Identity,
    InputInfo,
    Result,
    Section,
    StructureReport,
    UnusedAnswers,
    WaiverSummary,
    WorkerNotes,
    compute_score,
)
from fsaudit.model.rule import RuleContext, Severity, Status
from fsaudit.plugin.calls import call_hook
from fsaudit.plugin.manager import PluginError, PluginSet, load_plugins
from fsaudit.run.checks import CheckedInput, Engine, check_input, check_read, natural_key
from fsaudit.run.collector import collector_tuned
from fsaudit.text.french import describe_exception

if TYPE_CHECKING:
    from fsaudit.run.waivers import WaiverSet

__all__ = ["add_sections", "apply_answer", "audit", "audit_inputs"]


def _structure_sort_key(loaded: LoadedStructure) -> tuple[Any, ...]:
    return (natural_key(loaded.structure.id), loaded.path, loaded.parts)


def audit(
    paths: Iterable[str | Path],
    *,
    as_of: _dt.date | None = None,
    disabled: Iterable[str] = (),
    extra_plugins: Sequence[tuple[str, object]] = (),
    fail_on: Severity | str = Severity.MAJEUR,
    options: dict[str, Any] | None = None,
    referential: Referential | None = None,
    plugins: PluginSet | None = None,
    jobs: int = 1,
    waivers: str | Path | WaiverSet | None = None,
    progress: Callable[[int], None] | None = None,
    config: PluginConfig | None = None,
    structure_progress: Callable[[int, int], None] | None = None,
    discovery_problems: Sequence[InputProblem] = (),
) -> AuditReport:
    """Audit the declarations in ``paths`` and return the report.

    ``as_of`` (default: today) selects the referential in force. ``disabled`` names plugins
    not to load. Input problems are in ``report.errors``; nothing here raises on bad input.
    A :class:`~fsaudit.model.referential.ReferentialError` is raised when no referential applies.

    ``paths`` are files (:func:`fsaudit.inputs.discover.expand_inputs` expands directories and
    globs); they are de-duplicated and sorted, so their order never changes the report. With
    ``jobs`` > 1 they are read and checked in that many worker processes
    (:mod:`fsaudit.run.parallel`), each building its plugin set from ``disabled`` and
    ``extra_plugins`` (``plugins`` is used in this process only); network rules, waivers and
    decisions run here, and the report is the same as with one job. ``waivers`` is a waiver
    file or a loaded :class:`~fsaudit.run.waivers.WaiverSet`. ``progress(n)`` is called each time
    ``n`` more files are done; ``structure_progress(done, total)`` as the structures of a file are
    checked (in this process), for a progress bar over one large input (the national list).
    ``config`` gives the plugins' configuration tables (:mod:`fsaudit.inputs.config`).
    ``discovery_problems`` are the problems met while finding ``paths`` (a folder that could not
    be read): network rules do not conclude from the absence of what it may hold
    (``RuleContext.unread_inputs``); the caller reports them.
    """
    with collector_tuned():
        return _audit(
            paths,
            as_of=as_of,
            disabled=disabled,
            extra_plugins=extra_plugins,
            fail_on=fail_on,
            options=options,
            referential=referential,
            plugins=plugins,
            jobs=jobs,
            waivers=waivers,
            progress=progress,
            config=config,
            structure_progress=structure_progress,
            discovery_problems=discovery_problems,
        )


def _audit(
    paths: Iterable[str | Path],
    *,
    as_of: _dt.date | None,
    disabled: Iterable[str],
    extra_plugins: Sequence[tuple[str, object]],
    fail_on: Severity | str,
    options: dict[str, Any] | None,
    referential: Referential | None,
    plugins: PluginSet | None,
    jobs: int,
    waivers: str | Path | WaiverSet | None,
    progress: Callable[[int], None] | None,
    config: PluginConfig | None,
    structure_progress: Callable[[int, int], None] | None,
    discovery_problems: Sequence[InputProblem] = (),
) -> AuditReport:
    as_of = as_of or _dt.date.today()
    disabled = tuple(disabled)
    plugins = plugins or load_plugins(disabled, extra_plugins)
    referential = referential or plugins.referential_at(as_of)
    context = RuleContext(
        referential=referential, as_of=as_of, options=dict(options or {}), config=config.plugins if config else {}
    )
    engine = Engine(plugins, context)
    ordered = sorted({str(path) for path in paths}, key=natural_key)
    tick = progress or (lambda n: None)
    workers: WorkerNotes | None = None
    if jobs > 1 and len(ordered) > 1:
        from fsaudit.run import parallel

        worker_config = parallel.WorkerConfig(
            tuple(sorted(disabled)), parallel.portable_plugins(extra_plugins), context
        )
        run = parallel.check_inputs(
            ordered,
            jobs=jobs,
            config=worker_config,
            in_parent=lambda path: check_input(path, plugins, engine),
            progress=tick,
        )
        checked = list(run.checked)
        if run.notes:
            workers = WorkerNotes({"restarted": list(run.restarted), "messages": list(run.notes)})
    else:
        checked = []
        for path in ordered:
            checked.append(check_input(path, plugins, engine, structure_progress))
            tick(1)
    return _assemble(
        checked,
        engine,
        fail_on=fail_on,
        waivers=waivers,
        workers=workers,
        config=config,
        discovery_problems=discovery_problems,
    )


def audit_inputs(
    inputs: Sequence[tuple[InputInfo, ReadResult]],
    *,
    as_of: _dt.date | None = None,
    disabled: Iterable[str] = (),
    extra_plugins: Sequence[tuple[str, object]] = (),
    fail_on: Severity | str = Severity.MAJEUR,
    options: dict[str, Any] | None = None,
    referential: Referential | None = None,
    plugins: PluginSet | None = None,
    waivers: str | Path | WaiverSet | None = None,
    config: PluginConfig | None = None,
) -> AuditReport:
    """Audit inputs already read (``(InputInfo, ReadResult)`` pairs, as :func:`read_input` gives)."""
    as_of = as_of or _dt.date.today()
    plugins = plugins or load_plugins(disabled, extra_plugins)
    referential = referential or plugins.referential_at(as_of)
    context = RuleContext(
        referential=referential, as_of=as_of, options=dict(options or {}), config=config.plugins if config else {}
    )
    engine = Engine(plugins, context)
    with collector_tuned():
        checked = [check_read(info, result, engine) for info, result in inputs]
        return _assemble(checked, engine, fail_on=fail_on, waivers=waivers, config=config)


def _assemble(
    checked: Sequence[CheckedInput],
    engine: Engine,
    *,
    fail_on: Severity | str,
    waivers: str | Path | WaiverSet | None = None,
    workers: WorkerNotes | None = None,
    config: PluginConfig | None = None,
    discovery_problems: Sequence[InputProblem] = (),
) -> AuditReport:
    """Network rules, manual answers, waivers and decisions on inputs already checked."""
    from fsaudit.run.waivers import WaiverLedger, load_waivers

    plugins = engine.plugins
    context = engine.context
    infos: list[InputInfo] = []
    problems: list[InputProblem] = []
    loaded: list[LoadedStructure] = []
    departements: list[Departement] = []
    structure_results: dict[int, dict[str, Result]] = {}
    answers: dict[tuple[str, str], ManualAnswer] = {}
    answered_at: dict[tuple[str, str], tuple[str, str]] = {}  # where each answer was given: input, cell
    check_errors: list[PluginError] = []
    for item in checked:
        infos.append(item.info)
        problems.extend(item.read.problems)
        departements.extend(item.read.departements)
        check_errors.extend(item.plugin_errors)
        for recorded in item.read.answers:
            problem = _refused_answer(recorded, item.info.path, answers, answered_at, context.as_of)
            if problem is not None:
                problems.append(problem)
        for read_structure, results in zip(item.read.structures, item.results, strict=True):
            structure_results[len(loaded)] = results
            loaded.append(read_structure)
    _trip(engine, loaded, structure_results, {rule for item in checked for rule in item.tripped} | engine.tripped)

    waiver_set = load_waivers(waivers) if isinstance(waivers, str | Path) else waivers
    ledger = None
    if waiver_set is not None:
        problems.extend(waiver_set.problems)
        ledger = WaiverLedger(waiver_set, context.as_of, (rule.id for rule in plugins.rules))

    order = sorted(range(len(loaded)), key=lambda i: _structure_sort_key(loaded[i]))
    ordered = [loaded[i] for i in order]
    merged_departements = _merge_departements(departements)
    network = engine.check_network(ordered, merged_departements, unread_inputs(problems, loaded, discovery_problems))
    reports: list[StructureReport] = []
    used: set[tuple[str, str]] = set()
    answered = {structure_id for structure_id, _ in answers}
    for position, index in enumerate(order):
        audited = loaded[index]
        structure = audited.structure
        merged = {**structure_results[index], **network[position]}
        if structure.id in answered:
            for rule_id, result in merged.items():
                answer = answers.get((structure.id, rule_id))
                if answer is not None and result.status is Status.MANUAL:
                    merged[rule_id] = apply_answer(result, answer)
                    used.add((structure.id, rule_id))
        if ledger is not None:
            merged = ledger.apply(structure.id, audited.path, merged)
        final = tuple(map(merged.__getitem__, sorted(merged)))
        reports.append(
            StructureReport(
                id=structure.id,
                name=structure.name,
                path=audited.path,
                location=audited.locate(),
                departement=structure.departement,
                label_status=structure.label.status.value if structure.label else None,
                results=final,
                decision=engine.decide(audited, final),
                score=compute_score(final),
                unread=audited.unread,
                notes=audited.notes,
                identity=Identity.of(structure),
            )
        )
    unused = _unused_answers(answers, answered_at, used)
    # Structure-rule errors come from every structure (and from every worker): one of each, sorted.
    found_errors = sorted(set(check_errors) | set(engine.plugin_errors), key=lambda e: (e.plugin, e.message))
    report = AuditReport(
        fsaudit_version=__version__,
        as_of=context.as_of,
        referential=context.referential,
        inputs=tuple(infos),
        structures=tuple(reports),
        errors=tuple(problems),
        plugins=plugins.plugins,
        plugin_errors=tuple(plugins.errors) + tuple(found_errors),
        rules=plugins.rules,
        fail_on=Severity(fail_on),
        waivers=WaiverSummary(ledger.summary(reports)) if ledger is not None else None,
        workers=workers,
        unused_answers=UnusedAnswers(unused) if unused else None,
        config=config.provenance() if config is not None and config.path is not None else None,
    )
    report = add_sections(report, plugins, ordered, merged_departements)
    if context.options.get("pseudonymize"):
        from fsaudit.run.privacy import personal_values, pseudonymize

        report = pseudonymize(report, personal_values(audited.structure for audited in ordered))
    return report


def unread_inputs(
    problems: Sequence[InputProblem],
    loaded: Sequence[LoadedStructure],
    left_out: Sequence[InputProblem] = (),
) -> list[str]:
    """The inputs, or parts of them, that may hold structures and were not read: what the folder
    search ``left_out`` (a folder not searched, a broken link, whatever the level it was said at),
    and each error of ``problems`` that no structure read owns (neither one of its unread facts
    nor a place inside it); as « path » (a file none of whose structures was read, or an error of
    the whole file) or « path (location) », in that order."""
    errors = [problem for problem in problems if problem.is_error]
    if not errors and not left_out:
        return []  # the common case: no structure is located for nothing
    owned: set[tuple[str, str]] = set()
    read = {item.path for item in loaded}
    for item in loaded:
        owned.add((item.path, str(item.locate())))
        owned.update((item.path, str(fact.location)) for fact in item.unread)
    out: dict[str, None] = {problem.path: None for problem in left_out}
    for problem in errors:
        location = str(problem.location)
        places = [location, *(str(place) for place in Location.of(location).enclosing())]
        if any((problem.path, place) in owned for place in places):
            continue
        whole = problem.path not in read or location in ("fichier", "$", "")
        out[problem.path if whole else f"{problem.path} ({location})"] = None
    return list(out)


def _trip(
    engine: Engine,
    loaded: Sequence[LoadedStructure],
    structure_results: dict[int, dict[str, Result]],
    tripped: set[str],
) -> None:
    """A rule stopped by its time limit on any structure is an error on every structure
    (except where unread facts kept it from running): the report is then the same whichever
    structure it hung on first and however the work was shared between processes."""
    if not tripped:
        return
    for index, item in enumerate(loaded):
        results = structure_results[index]
        blocked = engine.unreadable(item) if item.unread else {}
        for rule_id in tripped:
            if rule_id in results and rule_id not in blocked:
                results[rule_id] = engine._tripped_error(rule_id, item)


def _refused_answer(
    recorded: ManualAnswer,
    path: str,
    answers: dict[tuple[str, str], ManualAnswer],
    answered_at: dict[tuple[str, str], tuple[str, str]],
    as_of: _dt.date,
) -> InputProblem | None:
    """Record ``recorded`` in ``answers``, or say why it is not applied: dated after the audit,
    or a second, different answer to the same check (then neither is applied: which one the
    auditor stands by cannot be told, and the check stays to make)."""
    key = (recorded.structure_id, recorded.rule)
    if recorded.date > as_of:
        return InputProblem(
            path,
            str(recorded.location),
            f"réponse datée du {recorded.date:%d/%m/%Y}, après la date de l'audit ({as_of:%d/%m/%Y}) : non "
            "appliquée, la règle reste à vérifier",
        )
    previous = answers.get(key)
    if previous is None and key not in answered_at:
        answers[key] = recorded
        answered_at[key] = (path, str(recorded.location))
        return None
    if previous is not None and attrs.evolve(previous, location=recorded.location) == recorded:
        return None  # the same answer given again (the same workbook twice)
    answers.pop(key, None)
    first_path, first_location = answered_at[key]
    return InputProblem(
        path,
        str(recorded.location),
        f"la règle {recorded.rule} de la structure « {recorded.structure_id} » a déjà une autre réponse "
        f"({first_path} ({first_location})) : aucune des deux n'est appliquée, la règle reste à vérifier ; "
        "n'en garder qu'une",
    )


def apply_answer(result: Result, answer: ManualAnswer) -> Result:
    """A ``manual`` result settled by the auditor's recorded answer."""
    verdict = "conforme" if answer.status == "pass" else "non conforme"
    return result.evolve(
        status=Status(answer.status),
        message=f"vérifié par {answer.auditor} le {answer.date:%d/%m/%Y} : {verdict} — {answer.evidence}",
        location=answer.location,
        evidence={
            **result.evidence,
            "question": result.message,
            "constat": answer.evidence,
            "auditeur": answer.auditor,
            "date": answer.date.isoformat(),
        },
        manual=True,
    )


def _unused_answers(
    answers: Mapping[tuple[str, str], ManualAnswer],
    answered_at: Mapping[tuple[str, str], tuple[str, str]],
    used: set[tuple[str, str]],
) -> list[dict[str, Any]]:
    """The answers no ``manual`` result took, with the input and the place each was given in."""
    return [
        {
            "structure": a.structure_id,
            "rule": a.rule,
            "path": answered_at[key][0],
            "location": a.location,
            "message": "réponse de l'auditeur non utilisée : la règle n'est pas à vérifier manuellement "
            "pour cette structure (ou la structure est inconnue)",
        }
        for key, a in ((key, answers[key]) for key in sorted(answers) if key not in used)
    ]


def add_sections(
    report: AuditReport,
    plugins: PluginSet,
    structures: Sequence[LoadedStructure] = (),
    departements: Sequence[Departement] = (),
) -> AuditReport:
    """The report with the sections every ``fsaudit_report_sections`` implementation adds."""
    sections: dict[str, Section] = {}
    owners: dict[str, str] = {}
    errors: list[PluginError] = []
    call = call_hook(
        plugins.manager,
        "fsaudit_report_sections",
        report=report,
        structures=tuple(structures),
        departements=tuple(departements),
    )
    for failure in call.failures:
        errors.append(
            PluginError(failure.plugin, f"section de rapport impossible : {describe_exception(failure.error)}")
        )
    # Each plugin's answer, in the order of the plugins' names: the report never depends on the
    # order plugins were loaded in.
    answers = sorted(((call.owner_of(answer) or "?", answer) for answer in call.result or ()), key=lambda a: a[0])
    for plugin, answer in answers:
        items = list(answer) if isinstance(answer, list | tuple) else [answer]
        if not all(isinstance(item, Section) for item in items):
            errors.append(
                PluginError(plugin, "section de rapport impossible : fsaudit_report_sections doit renvoyer des Section")
            )
            continue
        for item in items:
            if item.key in sections:
                errors.append(
                    PluginError(
                        plugin,
                        f"la section « {item.key} » est fournie par deux plugins : « {owners[item.key]} » et « "
                        f"{plugin} »",
                    )
                )
                continue
            sections[item.key] = item
            owners[item.key] = plugin
    if not sections and not errors:
        return report
    return attrs.evolve(
        report,
        sections=tuple(sections[k] for k in sorted(sections)),
        plugin_errors=report.plugin_errors + tuple(errors),
    )


def _merge_departements(blocks: Sequence[Departement]) -> tuple[Departement, ...]:
    """One block per département code: the first one given wins, in a stable order."""
    seen: dict[str, Departement] = {}
    for block in blocks:
        seen.setdefault(block.code, block)
    return tuple(seen[code] for code in sorted(seen, key=natural_key))
