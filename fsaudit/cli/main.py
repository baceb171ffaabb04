"""The ``fsaudit`` command: parse, call the library, render, return an exit code.

Every expected failure prints one French line on standard error and returns an
:class:`~fsaudit.cli.exitcodes.ExitCode`; no traceback reaches the user.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from fsaudit._version import __version__
from fsaudit.cli.exitcodes import ExitCode

FAIL_ON_LEVELS = ("bloquant", "majeur", "mineur")


class CommandError(Exception):
    """A usage error a command reports in French: one line on standard error, exit code 2, no
    traceback. Plugin commands (``fsaudit_commands`` hook) raise it too."""


UsageProblem = CommandError
"""The name the core's commands use."""


def parse_date(text: str) -> _dt.date:
    """``2024-05-12`` or ``12/05/2024``; :class:`CommandError` otherwise."""
    from fsaudit.text.french import parse_fr_date

    date = parse_fr_date(text)
    if date is None:
        raise UsageProblem(f"date invalide « {text.strip()} » : attendu AAAA-MM-JJ ou JJ/MM/AAAA")
    return date


def exit_code_for(report: Any) -> ExitCode:
    """The exit code of an audit report; the highest that applies wins.

    With a baseline (``report.baseline``), only failures that are not in the baseline
    count for :attr:`ExitCode.FAILURES`.
    """
    from fsaudit.model.rule import Status
    from fsaudit.run.baseline import new_failing

    code = ExitCode.OK
    pairs = report.status_severities()  # one pass over the results, not one per question
    new = new_failing(report)
    threshold = report.fail_on.rank
    failing = any(status is Status.FAIL and severity.rank >= threshold for status, severity in pairs)
    if new if new is not None else failing:
        code = ExitCode.FAILURES
    if report.input_errors:
        code = max(code, ExitCode.INPUT_ERROR)
    if report.plugin_errors or any(status is Status.ERROR for status, _severity in pairs):
        code = max(code, ExitCode.PLUGIN_ERROR)
    return code


def _err(message: str) -> None:
    from fsaudit.text.french import visible

    click.echo(visible(f"fsaudit : {message}"), err=True)


CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": [], "max_content_width": 100}
_HELP = "Affiche cette aide et quitte."


class _Commands(click.Group):
    """The ``fsaudit`` group: the core's commands, then those plugins add (``fsaudit_commands``),
    loaded only when a command the core lacks is asked for or listed."""

    def _plugin_commands(self) -> dict[str, click.Command]:
        from fsaudit.plugin.manager import default_plugins

        return {command.name: command for command in default_plugins().commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._plugin_commands().get(cmd_name)


@click.group(cls=_Commands, context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__,
    "-V",
    "--version",
    prog_name="fsaudit",
    message="%(prog)s %(version)s",
    help="Affiche la version et quitte.",
)
@click.help_option("-h", "--help", help=_HELP)
def cli() -> None:
    """Audit des structures France services au regard de la charte nationale."""


@cli.command("audit")
@click.help_option("-h", "--help", help=_HELP)
@click.argument("paths", nargs=-1, metavar="DÉCLARATION...")
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Date de l'audit (AAAA-MM-JJ) : choisit le référentiel en vigueur. Par défaut : aujourd'hui.",
)
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    metavar="FORMAT",
    help="Format du rapport : text (défaut), json… ; répétable ou séparé par des virgules.",
)
@click.option(
    "--output",
    "-o",
    "outputs",
    multiple=True,
    metavar="FICHIER",
    help="Écrit le rapport dans ce fichier, ou dans ce dossier (rapport.json…) avec plusieurs formats, s'il existe "
    "ou finit par « / » ; ou un -o par format, dans l'ordre des -f. Les dossiers manquants sont créés.",
)
@click.option(
    "--fail-on",
    "fail_on",
    default="majeur",
    metavar="NIVEAU",
    help="Gravité à partir de laquelle un constat fait échouer la commande : bloquant, majeur (défaut) ou mineur.",
)
@click.option(
    "--disable", "disabled", multiple=True, metavar="PLUGIN", help="Désactive un plugin par son nom (répétable)."
)
@click.option(
    "--compare-as-of",
    "compare_as_of",
    metavar="DATE",
    help="Audite aussi les mêmes déclarations à cette date (référentiel alors en vigueur) et signale les résultats et "
    "décisions qui changent.",
)
@click.option(
    "--jobs",
    "-j",
    "jobs",
    default="1",
    metavar="N",
    help="Lit et vérifie les déclarations dans N processus (0 : un par cœur). "
    "Le rapport est identique quel que soit N.",
)
@click.option(
    "--waivers",
    "waivers",
    metavar="FICHIER",
    help="Fichier de dérogations (JSON ou TOML) : les constats couverts par une dérogation en vigueur ne font plus "
    "échouer la commande.",
)
@click.option(
    "--baseline",
    "baseline",
    metavar="RAPPORT",
    help="Rapport JSON précédent : seuls les constats non conformes absents de ce rapport font échouer la commande.",
)
@click.option(
    "--rule-timeout",
    "rule_timeout",
    default=None,
    type=float,
    metavar="SECONDES",
    help="Temps maximal d'une règle sur une structure (30 s par défaut) ; au-delà, la règle est en erreur.",
)
@click.option(
    "--pseudonymize",
    "pseudonymize",
    is_flag=True,
    help="Remplace dans le rapport les noms des conseillers et des référents par des pseudonymes (« conseiller 1 »), "
    "les mêmes dans tout le rapport.",
)
@click.option(
    "--referentiel",
    "overlay",
    metavar="FICHIER",
    help="Surcouche de la préfecture (TOML) : modifie les valeurs [U] et [C2] du référentiel en vigueur (délais, "
    "gravités, nombre de partenaires…) ; elle et son auteur sont cités dans chaque rapport.",
)
@click.option(
    "--departement",
    "filter_departements",
    multiple=True,
    metavar="CODES",
    help="N'affiche dans le rapport que ces départements (« 32,65 ») ; l'audit et le code de sortie restent complets.",
)
@click.option(
    "--decision",
    "filter_decisions",
    multiple=True,
    metavar="DÉCISIONS",
    help="N'affiche que les structures de ces décisions (avis_defavorable, « Maintien conditionnel »…).",
)
@click.option(
    "--regle",
    "filter_rules",
    multiple=True,
    metavar="RÈGLES",
    help="N'affiche que les résultats de ces règles (FS-HOR-01,FS-PAR-01).",
)
@click.option(
    "--statut",
    "filter_statuses",
    multiple=True,
    metavar="STATUTS",
    help="N'affiche que les résultats de ces statuts (fail, manual, « non conforme », « à vérifier »…).",
)
@click.option(
    "--report-version",
    "report_version",
    default="2",
    metavar="VERSION",
    help="Version du rapport JSON : 2 (défaut, compacte) ou 1 (obsolète, conservée une version de plus).",
)
@click.option(
    "--config",
    "config_path",
    metavar="FICHIER",
    help="Réglages des plugins (TOML, une table [plugins.NOM] par plugin) ; sans cette option, la table [tool.fsaudit] "
    "du pyproject.toml du dossier courant, s'il y en a une.",
)
def audit_command(
    paths: Sequence[str],
    as_of: str | None,
    formats: Sequence[str],
    outputs: Sequence[str],
    fail_on: str,
    disabled: Sequence[str],
    compare_as_of: str | None = None,
    jobs: str = "1",
    waivers: str | None = None,
    baseline: str | None = None,
    pseudonymize: bool = False,
    rule_timeout: float | None = None,
    overlay: str | None = None,
    filter_departements: Sequence[str] = (),
    filter_decisions: Sequence[str] = (),
    filter_rules: Sequence[str] = (),
    filter_statuses: Sequence[str] = (),
    config_path: str | None = None,
    report_version: str = "2",
) -> int:
    """Audite des déclarations (fichiers, dossiers ou motifs comme « declarations/**/*.json ») et
    recommande une décision par structure."""
    from fsaudit.model.referential import ReferentialError
    from fsaudit.plugin.manager import load_plugins
    from fsaudit.report.output import OutputError, check_output_path, write_atomic
    from fsaudit.run.collector import collector_tuned
    from fsaudit.run.engine import audit

    if not paths:
        raise UsageProblem("aucune déclaration à auditer : indiquez au moins un fichier")
    if fail_on not in FAIL_ON_LEVELS:
        raise UsageProblem(f"--fail-on « {fail_on} » inconnu : attendu {', '.join(FAIL_ON_LEVELS)}")
    if report_version not in ("1", "2"):
        raise UsageProblem(f"--report-version « {report_version} » inconnue : attendu 1 ou 2")
    date = parse_date(as_of) if as_of else _dt.date.today()
    workers = parse_jobs(jobs)
    names = [name.strip() for item in (formats or ("text",)) for name in item.split(",") if name.strip()]
    check_disabled(disabled)
    plugins = load_plugins(disabled)
    shown = report_filter(plugins, filter_departements, filter_decisions, filter_rules, filter_statuses)
    found = discover_inputs(paths, plugins)
    paths = list(found.files)
    previous = load_baseline_option(baseline)
    if waivers is not None and not os.path.lexists(waivers):
        raise UsageProblem(f"fichier de dérogations introuvable : {waivers}")
    if waivers is not None and compare_as_of:
        raise UsageProblem("--waivers et --compare-as-of ne peuvent pas être employés ensemble")
    targets = report_targets(plugins, names, outputs)
    referential = overlaid_referential(overlay, date, compare_as_of) if overlay else None
    # Every target is checked before the audit: no report is written over what the user gave.
    config = plugin_config(config_path)
    if config is not None:
        loaded = {info.name for info in plugins.plugins}
        for name in sorted(set(config.plugins) - loaded):
            _err(
                f"avertissement : {config.path or 'configuration'} : table [plugins.{name}] : aucun plugin "
                f"chargé de ce nom, table ignorée ; plugins chargés : {', '.join(sorted(loaded))}"
            )
    given = [Path(p) for p in paths] + [Path(p) for p in (waivers, baseline, overlay, config_path) if p]
    try:
        for _reporter, target in targets:
            if target is not None:
                check_output_path(target, given)
    except OutputError as exc:
        raise UsageProblem(str(exc)) from None

    compare_date = parse_date(compare_as_of) if compare_as_of else None
    options: dict[str, Any] = {"pseudonymize": True} if pseudonymize else {}
    if rule_timeout is not None:
        if rule_timeout <= 0:
            raise UsageProblem(f"--rule-timeout « {rule_timeout:g} » invalide : attendu un nombre de secondes positif")
        options["rule_timeout"] = rule_timeout
    try:
        if compare_date is not None:
            from fsaudit.run.datecompare import audit_compared

            report = audit_compared(
                paths,
                as_of=date,
                compare_as_of=compare_date,
                plugins=plugins,
                fail_on=fail_on,
                options=options,
                config=config,
            )
        else:
            with progress_bar(len(paths)) as bar:
                report = audit(
                    paths,
                    as_of=date,
                    plugins=plugins,
                    disabled=disabled,
                    fail_on=fail_on,
                    jobs=workers,
                    waivers=waivers,
                    progress=bar,
                    structure_progress=bar.structures if bar.per_structure else None,
                    discovery_problems=found.problems,
                    options=options,
                    referential=referential,
                    config=config,
                )
    except ReferentialError as exc:
        raise UsageProblem(str(exc)) from None
    if found.problems:
        import attrs

        report = attrs.evolve(report, errors=found.problems + report.errors)
    if previous is not None:
        from fsaudit.run.baseline import apply_baseline

        report = apply_baseline(report, previous, pseudonymized=pseudonymize)
    audited = report  # the exit code and the notices are the whole audit's, whatever is shown
    report = shown.apply(report)
    present = {s.departement for s in audited.structures}
    for code in shown.departements:
        if code not in present:
            _err(f"avertissement : --departement {code} : aucune structure auditée de ce département")

    from fsaudit.model.rule import PLUGIN_FAILURES
    from fsaudit.text.french import describe_exception

    written: list[Path] = []
    broken: list[str] = []
    try:
        # Writing allocates while the whole report is alive: collected as during the audit, or a
        # full collection traverses every structure (1.7 s of the writing of 30,000 files).
        with collector_tuned():
            for reporter, target in targets:
                try:
                    if target is None:
                        options = {"color": sys.stdout.isatty(), "report_version": report_version}
                        for chunk in reporter.chunks(report, options):
                            sys.stdout.buffer.write(chunk)
                        sys.stdout.flush()
                    else:
                        write_atomic(target, reporter.chunks(report, {"report_version": report_version}))
                        written.append(target)
                except OutputError:
                    raise
                except PLUGIN_FAILURES as exc:  # a format's own failure: the others are written
                    where = "" if target is None else f" ({target} non écrit)"
                    broken.append(
                        f"le format de rapport « {reporter.name} » a échoué{where} : {describe_exception(exc)}"
                    )
    except OutputError as exc:
        for target in written:
            click.echo(written_line(target, report))
        _err(str(exc))
        return ExitCode.USAGE
    for target in written:
        click.echo(written_line(target, report))
    # The terminal report already lists input problems, plugin errors, waivers and the baseline:
    # standard error repeats them only when no text report is on standard output.
    on_terminal = any(target is None and reporter.name == "text" for reporter, target in targets)
    for line in terminal_notices(audited, text_shown=on_terminal and report is audited):
        _err(line)
    for line in broken:
        _err(line)
    code = exit_code_for(audited)
    return max(code, ExitCode.PLUGIN_ERROR) if broken else code


def check_disabled(disabled: Sequence[str]) -> None:
    """``--disable NAME`` of a plugin that is not installed (a typo) is a usage error: the audit
    would run with the plugin the user meant to leave out."""
    from fsaudit.plugin.manager import installed_plugin_names

    names = installed_plugin_names()
    unknown = [name for name in disabled if name not in names]
    if unknown:
        raise UsageProblem(
            f"--disable « {unknown[0]} » : aucun plugin installé de ce nom ; plugins installés : {', '.join(names)}"
        )


def report_targets(plugins: Any, names: Sequence[str], outputs: Sequence[str]) -> list[tuple[Any, Path | None]]:
    """Each report to write and its file (``None``: standard output), from the formats named
    (``-f``, in order) and the ``-o`` given: none (one text format on standard output), one (the
    file, or a folder: that of several formats, an existing one or one written with a final
    ``/``, ``rapport.<extension>`` each), or one per format, paired in order (``-f json -o a.json
    -f xlsx -o b.xlsx``)."""
    from fsaudit.text.french import fr_count

    reporters = []
    for name in names:
        reporter = plugins.reporter(name)
        if reporter is None:
            known = ", ".join(r.name for r in plugins.reporters)
            raise UsageProblem(f"format de rapport inconnu « {name} » : formats disponibles : {known}")
        reporters.append(reporter)
    if len(outputs) > 1:
        if len(outputs) != len(reporters):
            raise UsageProblem(
                f"-o donné {len(outputs)} fois pour {fr_count(len(reporters), 'format')} : donnez un -o par "
                "format, dans l'ordre des -f, ou un seul -o (un dossier pour plusieurs formats)"
            )
        pairs = list(
            dict.fromkeys(
                (r, _in_folder(r, o) if _is_folder(o) else Path(o)) for r, o in zip(reporters, outputs, strict=True)
            )
        )
        seen: dict[Path, str] = {}
        for reporter, target in pairs:
            key = Path(os.path.normcase(os.path.abspath(target)))
            if key in seen:
                raise UsageProblem(
                    f"-o « {target} » donné pour deux formats ({seen[key]} et {reporter.name}) : un fichier par format"
                )
            seen[key] = reporter.name
        return [(reporter, target) for reporter, target in pairs]
    reporters = list(dict.fromkeys(reporters))
    output = outputs[0] if outputs else None
    if len(reporters) > 1 and not output:
        raise UsageProblem("plusieurs formats demandés : indiquez un dossier de sortie avec -o, ou un -o par format")
    if not output and any(r.binary for r in reporters):
        raise UsageProblem(f"le format {reporters[0].name} s'écrit dans un fichier : indiquez-le avec -o")
    folder = output is not None and _is_folder(output)
    if output and len(reporters) > 1 and not folder:
        extension = Path(output).suffix.lower()
        if extension and extension in {r.extension.lower() for r in plugins.reporters}:
            raise UsageProblem(
                f"plusieurs formats demandés : -o désigne leur dossier, et « {output} » a l'extension d'un rapport "
                f"({extension}) : donnez un dossier (-o rapports) ou un -o par format"
            )
        folder = True
    if output and folder:
        return [(reporter, _in_folder(reporter, output)) for reporter in reporters]
    return [(reporter, Path(output) if output else None) for reporter in reporters]


def _is_folder(output: str) -> bool:
    """True when ``-o`` names a folder: an existing one, or one written with a final ``/``."""
    return os.path.isdir(output) or output.endswith(("/", os.sep))


def _in_folder(reporter: Any, folder: str) -> Path:
    return Path(folder) / f"rapport{reporter.extension}"


def written_line(target: Path, report: Any) -> str:
    """``Rapport écrit : rapport.xlsx (3 structures, 2 erreurs de saisie)``: one per file written."""
    from fsaudit.text.french import fr_count, shown_path

    errors = len(report.input_errors)
    warnings = len(report.errors) - errors
    counts = [
        fr_count(len(report.structures), "structure"),
        fr_count(errors, "erreur de saisie", "erreurs de saisie"),
    ]
    if warnings:
        counts.append(fr_count(warnings, "avertissement de saisie", "avertissements de saisie"))
    return f"Rapport écrit : {shown_path(str(target))} ({', '.join(counts)})"


def terminal_notices(report: Any, *, text_shown: bool) -> list[str]:
    """What standard error says after an audit: input errors and warnings, plugin errors and
    :func:`ci_notices`, each once; with ``text_shown`` (the text report is on standard output,
    and says all of it) only what the text report does not say."""
    if text_shown:
        workers = report.workers
        return [f"avertissement : {message}" for message in workers.messages] if workers else []
    lines = [
        f"{'erreur de saisie' if problem.is_error else 'avertissement de saisie'} : {problem}"
        for problem in report.errors
    ]
    lines += [f"plugin « {error.plugin} » : {error.message}" for error in report.plugin_errors]
    return lines + ci_notices(report)


def report_filter(
    plugins: Any, departements: Sequence[str], decisions: Sequence[str], rules: Sequence[str], statuses: Sequence[str]
) -> Any:
    """``--departement``, ``--decision``, ``--regle``, ``--statut``: what the reports show; a value
    that designates nothing is a usage error naming what exists."""
    from fsaudit.report.filters import FilterError, parse_filter

    try:
        return parse_filter(
            departements=departements,
            decisions=decisions,
            rules=rules,
            statuses=statuses,
            known_rules=(rule.id for rule in plugins.rules),
        )
    except FilterError as exc:
        raise UsageProblem(str(exc)) from None


def plugin_config(path: str | None) -> Any:
    """``--config``: the plugins' configuration tables; without it, those of a ``pyproject.toml``
    of the current folder with a ``[tool.fsaudit]`` table, or ``None``. A file that cannot be
    used is a usage error naming every problem."""
    from fsaudit.inputs.config import ConfigError, find_config, load_config

    try:
        return load_config(path) if path is not None else find_config(Path.cwd())
    except ConfigError as exc:
        for problem in exc.problems:
            _err(f"configuration : {problem}")
        raise UsageProblem(
            f"configuration {path or 'pyproject.toml'} inutilisable : {len(exc.problems)} problème(s) ci-dessus"
        ) from None


def parse_jobs(text: str) -> int:
    """``--jobs``: a whole number of processes, 0 for one per core."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise UsageProblem(f"--jobs « {text} » invalide : attendu un nombre entier de processus (0 : un par cœur)")
    return value or (os.cpu_count() or 1)


def discover_inputs(arguments: Sequence[str], plugins: Any) -> Any:
    """Files, directories and globs → the sorted, de-duplicated input files and the entries
    found beside them that are not read (:class:`fsaudit.inputs.discover.Discovery`)."""
    from fsaudit.inputs.discover import DiscoveryError, expand_inputs

    extensions = sorted({ext for reader in plugins.readers for ext in reader.extensions})
    try:
        return expand_inputs(arguments, extensions)
    except DiscoveryError as exc:
        raise UsageProblem(str(exc)) from None


def load_baseline_option(path: str | None) -> Any:
    """The ``--baseline`` report, or ``None``; an unusable file is a usage error."""
    if path is None:
        return None
    from fsaudit.campaign.compare import ReportFileError
    from fsaudit.run.baseline import load_baseline

    try:
        return load_baseline(path)
    except ReportFileError as exc:
        raise UsageProblem(f"référence --baseline inutilisable : {exc}") from None


def show_progress(stream: Any = None, environ: Any = None) -> bool:
    """A progress bar only on an interactive terminal, never in CI (``CI`` set)."""
    stream = sys.stderr if stream is None else stream
    environ = os.environ if environ is None else environ
    if environ.get("CI"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class progress_bar:
    """Context manager giving ``tick(n)``: a tqdm bar on standard error (counts, time left) for
    runs that last over a second, or a no-op. Over several files it counts files; over one file
    (the national list) it counts its structures, through :meth:`structures`. (A class named
    like a function: it is used as one, ``with progress_bar(n) as tick``.)"""

    def __init__(self, total: int, stream: Any = None, environ: Any = None) -> None:
        self.bar: Any = None
        self.per_structure = total == 1
        if total >= 1 and show_progress(stream, environ):
            from tqdm import tqdm

            self.bar = tqdm(
                total=None if self.per_structure else total,
                unit=" structure" if self.per_structure else " fichier",
                desc="audit",
                file=stream or sys.stderr,
                delay=1.0,
                leave=False,
                dynamic_ncols=True,
            )

    def structures(self, done: int, total: int) -> None:
        """``done`` of the ``total`` structures of the one input are checked."""
        if self.bar is not None and self.per_structure:
            if self.bar.total != total:
                self.bar.total = total
            self.bar.update(done - self.bar.n)

    def __enter__(self) -> progress_bar:
        return self

    def __call__(self, n: int) -> None:
        """``n`` more files are done."""
        if self.bar is not None and not self.per_structure:
            self.bar.update(n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def ci_notices(report: Any) -> list[str]:
    """Warnings for standard error: waivers that do not apply, workers restarted, new failures."""
    lines: list[str] = []
    summary = report.waivers
    if summary:
        lines.extend(f"{summary.file}:{item['location']} : {item['message']}" for item in summary.notices())
    workers = report.workers
    if workers:
        lines.extend(f"avertissement : {message}" for message in workers.messages)
    if report.unused_answers:
        # Only the JSON report lists them: an auditor would think the answer taken into account.
        lines.extend(
            f"avertissement : {item['path']} ({item['location']}) : {item['rule']} de « {item['structure']} » : "
            f"{item['message']}"
            for item in report.unused_answers
        )
    previous = report.baseline
    if previous is not None:
        gating = previous.gating(report.fail_on)
        lines.append(
            f"référence {previous['file']} : {len(previous['new'])} nouveau(x) constat(s) non conforme(s) "
            f"dont {len(gating)} de gravité {report.fail_on.value} ou plus, {len(previous['fixed'])} corrigé(s), "
            f"{len(previous.get('waived', ()))} dérogé(s), {len(previous['unchanged'])} déjà connu(s)"
            + (f", {len(previous['unassessed'])} non réévalué(s)" if previous.get("unassessed") else "")
            + (f", {len(previous['requalified'])} requalifié(s)" if previous.get("requalified") else "")
            + (
                f" (comparaison limitée aux départements {', '.join(previous['departements']) or 'aucun'} : "
                "rapport filtré par --departement)"
                if previous.get("departements") is not None
                else ""
            )
        )
    return lines


COMPARE_FORMATS = ("text", "json", "markdown")


@cli.command("compare")
@click.help_option("-h", "--help", help=_HELP)
@click.argument("old", metavar="ANCIEN.json")
@click.argument("new", metavar="NOUVEAU.json")
@click.option("--format", "-f", "fmt", default="text", metavar="FORMAT", help="text (défaut), json ou markdown.")
@click.option("--output", "-o", "output", metavar="FICHIER", help="Écrit la comparaison dans ce fichier.")
@click.option(
    "--fail-on",
    "fail_on",
    default="majeur",
    metavar="NIVEAU",
    help="Gravité à partir de laquelle un nouveau constat fait échouer la commande : bloquant, majeur (défaut) ou "
    "mineur.",
)
def compare_command(old: str, new: str, fmt: str, output: str | None, fail_on: str) -> int:
    """Compare deux rapports JSON : constats non conformes nouveaux, corrigés et inchangés
    (par identifiant de structure et de règle)."""
    from fsaudit.campaign.compare import ReportFileError, compare, load_report_file, render_comparison
    from fsaudit.report.output import OutputError, check_output_path, write_atomic

    if fmt not in COMPARE_FORMATS:
        raise UsageProblem(f"format « {fmt} » inconnu pour compare : attendu {', '.join(COMPARE_FORMATS)}")
    if fail_on not in FAIL_ON_LEVELS:
        raise UsageProblem(f"--fail-on « {fail_on} » inconnu : attendu {', '.join(FAIL_ON_LEVELS)}")
    try:
        before = load_report_file(old)
        after = load_report_file(new)
    except ReportFileError as exc:
        raise UsageProblem(str(exc)) from None
    comparison = compare(before.data, after.data, old_info=before.describe(), new_info=after.describe())
    data = render_comparison(comparison, fmt)
    if output:
        try:
            check_output_path(Path(output), [Path(old), Path(new)])
            write_atomic(Path(output), data)
        except OutputError as exc:
            _err(str(exc))
            return ExitCode.USAGE
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return ExitCode.FAILURES if comparison.failing(fail_on) else ExitCode.OK


@cli.command("rules")
@click.help_option("-h", "--help", help=_HELP)
@click.argument("rule_id", required=False, metavar="RÈGLE")
@click.option(
    "--as-of", "as_of", metavar="DATE", help="Date du référentiel dont on lit les gravités (défaut : aujourd'hui)."
)
@click.option("--disable", "disabled", multiple=True, metavar="PLUGIN", help="Désactive un plugin par son nom.")
def rules_command(rule_id: str | None, as_of: str | None, disabled: Sequence[str]) -> int:
    """Liste les règles, ou explique la règle RÈGLE (par exemple FS-HOR-01)."""
    from fsaudit.model.referential import ReferentialError
    from fsaudit.plugin.manager import load_plugins
    from fsaudit.text.ruledoc import describe_rule, rules_table

    check_disabled(disabled)
    plugins = load_plugins(disabled)
    date = parse_date(as_of) if as_of else _dt.date.today()
    try:
        referential = plugins.referential_at(date)
    except ReferentialError as exc:
        raise UsageProblem(str(exc)) from None
    if rule_id:
        rule = plugins.rule(rule_id.upper())
        if rule is None:
            raise UsageProblem(f"règle inconnue « {rule_id} » : voir « fsaudit rules »")
        click.echo(describe_rule(rule, referential, plugins.rule_owner[rule.id]))
    else:
        click.echo(rules_table(plugins.rules, referential))
    return ExitCode.OK


@cli.command("referentials")
@click.help_option("-h", "--help", help=_HELP)
def referentials_command() -> int:
    """Liste les référentiels de la charte et leurs dates d'entrée en vigueur."""
    from fsaudit.plugin.manager import referentials

    refs = referentials()
    for index, ref in enumerate(refs):
        until = refs[index + 1].valid_from - _dt.timedelta(days=1) if index + 1 < len(refs) else None
        period = f"du {ref.valid_from:%d/%m/%Y}" + (f" au {until:%d/%m/%Y}" if until else " à aujourd'hui")
        click.echo(f"{ref.id:<14} {period:<30} {len(ref.partners):>2} partenaires  {ref.title}")
    return ExitCode.OK


def overlaid_referential(path: str, date: _dt.date, compare_as_of: str | None = None) -> Any:
    """``--referentiel``: the referential in force on ``date`` with the préfecture overlay of
    ``path`` applied; every problem of the overlay is printed, and the run stops (exit code 2)."""
    from fsaudit.inputs.overlay import OverlayError, apply_overlay, load_overlay
    from fsaudit.model.referential import ReferentialError
    from fsaudit.plugin.manager import select_referential

    if compare_as_of:
        raise UsageProblem("--referentiel et --compare-as-of ne peuvent pas être employés ensemble")
    try:
        return apply_overlay(select_referential(date), load_overlay(path))
    except OverlayError as exc:
        for problem in exc.problems:
            _err(f"surcouche : {problem}")
        raise UsageProblem(
            f"surcouche {path} refusée : {len(exc.problems)} problème(s) ci-dessus, aucune valeur appliquée"
        ) from None
    except ReferentialError as exc:
        raise UsageProblem(str(exc)) from None


@cli.command("referentiel")
@click.help_option("-h", "--help", help=_HELP)
@click.option(
    "--as-of", "as_of", metavar="DATE", help="Date à laquelle lire le référentiel en vigueur (défaut : aujourd'hui)."
)
@click.option(
    "--referentiel",
    "overlay",
    metavar="FICHIER",
    help="Surcouche de la préfecture (TOML) à appliquer : les valeurs modifiées sont marquées « surcouche ».",
)
def referentiel_command(as_of: str | None, overlay: str | None) -> int:
    """Affiche, pour chaque exigence du référentiel en vigueur, sa valeur, depuis quand, sa source
    et sa fiabilité ([C], [C2], [U])."""
    from fsaudit.model.referential import ReferentialError
    from fsaudit.plugin.manager import referentials, select_referential
    from fsaudit.text.ruledoc import referential_text

    date = parse_date(as_of) if as_of else _dt.date.today()
    if overlay:
        referential = overlaid_referential(overlay, date)
    else:
        try:
            referential = select_referential(date)
        except ReferentialError as exc:
            raise UsageProblem(str(exc)) from None
    click.echo(referential_text(referential, date, referentials()))
    return ExitCode.OK


@cli.command("plugins")
@click.help_option("-h", "--help", help=_HELP)
def plugins_command() -> int:
    """Liste les plugins chargés, leur distribution, leur version et leurs règles."""
    from fsaudit.plugin.manager import load_plugins

    plugins = load_plugins()
    for info in plugins.plugins:
        rules = sorted(r for r, owner in plugins.rule_owner.items() if owner == info.name)
        dist = f"{info.distribution} {info.version}" if info.distribution else "(enregistré à la main)"
        click.echo(f"{info.name:<20} {dist}")
        if rules:
            click.echo(f"    règles : {', '.join(rules)}")
    for error in plugins.errors:
        _err(f"plugin « {error.plugin} » : {error.message}")
    return ExitCode.PLUGIN_ERROR if plugins.errors else ExitCode.OK


def _french_usage(exc: click.ClickException) -> str:
    if isinstance(exc, click.NoSuchOption):
        return f"option inconnue : {exc.option_name}"
    if isinstance(exc, click.BadOptionUsage):
        return f"option mal employée : {exc.option_name} ({exc.message})"
    if isinstance(exc, click.MissingParameter):
        name = exc.param.name if exc.param is not None else "?"
        return f"paramètre manquant : {name}"
    if isinstance(exc, click.UsageError) and "No such command" in exc.message:
        return f"commande inconnue : {exc.message.split(' ', 3)[-1]}"
    if isinstance(exc, click.UsageError) and "Got unexpected extra argument" in exc.message:
        return f"argument inattendu : {exc.message}"
    return exc.format_message()


GC_THRESHOLD = (10_000, 50, 100)
"""Garbage collector thresholds while a command runs. An audit allocates millions of objects
that live until the report is written and are almost never cyclic garbage: with Python's
default (700, 10, 10) the collector traverses them again and again (a third of the time of a
national audit, see bench/README.md)."""


def _tune_gc() -> tuple[int, ...]:
    import gc

    previous = gc.get_threshold()
    gc.freeze()  # modules, plugins and referentials: never garbage, never traversed again
    gc.set_threshold(*GC_THRESHOLD)
    return previous


def _restore_gc(previous: tuple[int, ...]) -> None:
    import gc

    gc.set_threshold(*previous)
    gc.unfreeze()


DEBUG_OPTION = "--debug"
"""Anywhere before ``--`` on the command line (``fsaudit audit x.json --debug``), or
``FSAUDIT_DEBUG=1`` in the environment: an internal error prints its traceback."""


def take_debug(args: list[str]) -> tuple[list[str], bool]:
    """The arguments without ``--debug`` (before any ``--``), and whether it was there or
    ``FSAUDIT_DEBUG`` is set to a value other than empty or ``0``."""
    end = args.index("--") if "--" in args else len(args)
    kept = [a for a in args[:end] if a != DEBUG_OPTION] + args[end:]
    wanted = len(kept) != len(args) or os.environ.get("FSAUDIT_DEBUG", "") not in ("", "0")
    return kept, wanted


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (never raises on user error)."""
    args, debug = take_debug(list(sys.argv[1:] if argv is None else argv))
    gc_state = _tune_gc()
    try:
        result = cli.main(args=args, prog_name="fsaudit", standalone_mode=False)
    except UsageProblem as exc:
        _err(f"erreur : {exc}")
        return ExitCode.USAGE
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        return ExitCode.USAGE
    except click.UsageError as exc:
        _err(f"erreur d'utilisation : {_french_usage(exc)}")
        _err("voir « fsaudit --help »")
        return ExitCode.USAGE
    except click.exceptions.Abort:
        _err("interrompu")
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        _err(f"erreur : {exc.format_message()}")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        _err("interrompu")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last guard: an internal error is one French line, never a traceback
        if debug:
            import traceback

            from fsaudit.text.french import visible

            sys.stderr.write(visible("".join(traceback.format_exception(exc))))
            sys.stderr.flush()
        _err(f"erreur interne : {type(exc).__name__} : {exc}")
        if debug:
            _err("merci de signaler ce problème avec le détail ci-dessus")
        else:
            _err("merci de signaler ce problème (relancer avec --debug pour le détail)")
        return ExitCode.PLUGIN_ERROR
    finally:
        _restore_gc(gc_state)
    if result is None:
        return ExitCode.OK
    return int(result)
