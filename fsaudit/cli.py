"""The ``fsaudit`` command: parse, call the library, render, return an exit code.

Every expected failure prints one French line on standard error and returns an
:class:`~fsaudit.exitcodes.ExitCode`; no traceback reaches the user.
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
from fsaudit.exitcodes import ExitCode

FAIL_ON_LEVELS = ("bloquant", "majeur", "mineur")


class UsageProblem(Exception):
    """A usage error to report in French with exit code 2."""


def parse_date(text: str) -> _dt.date:
    """``2024-05-12`` or ``12/05/2024``."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return _dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise UsageProblem(f"date invalide « {text} » : attendu AAAA-MM-JJ ou JJ/MM/AAAA")


def exit_code_for(report: Any) -> ExitCode:
    """The exit code of an audit report; the highest that applies wins."""
    code = ExitCode.OK
    if report.failing():
        code = ExitCode.FAILURES
    if report.errors:
        code = max(code, ExitCode.INPUT_ERROR)
    if report.rule_errors or report.plugin_errors:
        code = max(code, ExitCode.PLUGIN_ERROR)
    return code


def _err(message: str) -> None:
    click.echo(f"fsaudit : {message}", err=True)


CONTEXT_SETTINGS = {"help_option_names": [], "max_content_width": 100}
_HELP = "Affiche cette aide et quitte."


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "-V", "--version", prog_name="fsaudit", message="%(prog)s %(version)s",
    help="Affiche la version et quitte.",
)
@click.help_option("-h", "--help", help=_HELP)
def cli() -> None:
    """Audit des structures France services au regard de la charte nationale."""


@cli.command("audit")
@click.help_option("-h", "--help", help=_HELP)
@click.argument("paths", nargs=-1, metavar="DÉCLARATION...")
@click.option("--as-of", "as_of", metavar="DATE", help="Date de l'audit (AAAA-MM-JJ) : choisit le référentiel en vigueur. Par défaut : aujourd'hui.")
@click.option("--format", "-f", "formats", multiple=True, metavar="FORMAT", help="Format du rapport : text (défaut), json… ; répétable ou séparé par des virgules.")
@click.option("--output", "-o", "output", metavar="FICHIER", help="Écrit le rapport dans ce fichier (ce dossier avec plusieurs formats).")
@click.option("--fail-on", "fail_on", default="majeur", metavar="NIVEAU", help="Gravité à partir de laquelle un constat fait échouer la commande : bloquant, majeur (défaut) ou mineur.")
@click.option("--disable", "disabled", multiple=True, metavar="PLUGIN", help="Désactive un plugin par son nom (répétable).")
@click.option("--compare-as-of", "compare_as_of", metavar="DATE", help="Audite aussi les mêmes déclarations à cette date (référentiel alors en vigueur) et signale les résultats et décisions qui changent.")
def audit_command(
    paths: Sequence[str],
    as_of: str | None,
    formats: Sequence[str],
    output: str | None,
    fail_on: str,
    disabled: Sequence[str],
    compare_as_of: str | None = None,
) -> int:
    """Audite une ou plusieurs déclarations et recommande une décision par structure."""
    from fsaudit._io import OutputError, check_output_path, write_atomic
    from fsaudit.engine import audit
    from fsaudit.plugins import load_plugins
    from fsaudit.referential import ReferentialError

    if not paths:
        raise UsageProblem("aucune déclaration à auditer : indiquez au moins un fichier")
    if fail_on not in FAIL_ON_LEVELS:
        raise UsageProblem(f"--fail-on « {fail_on} » inconnu : attendu {', '.join(FAIL_ON_LEVELS)}")
    date = parse_date(as_of) if as_of else _dt.date.today()
    for path in paths:
        if not Path(path).exists():
            raise UsageProblem(f"fichier introuvable : {path}")
    names = [name.strip() for item in (formats or ("text",)) for name in item.split(",") if name.strip()]
    plugins = load_plugins(disabled)
    reporters = []
    for name in dict.fromkeys(names):
        reporter = plugins.reporter(name)
        if reporter is None:
            known = ", ".join(r.name for r in plugins.reporters)
            raise UsageProblem(f"format de rapport inconnu « {name} » : formats disponibles : {known}")
        reporters.append(reporter)
    if len(reporters) > 1 and not output:
        raise UsageProblem("plusieurs formats demandés : indiquez un dossier de sortie avec -o")
    if not output and any(r.binary for r in reporters):
        raise UsageProblem(f"le format {reporters[0].name} s'écrit dans un fichier : indiquez-le avec -o")

    compare_date = parse_date(compare_as_of) if compare_as_of else None
    try:
        if compare_date is not None:
            from fsaudit.datecompare import audit_compared

            report = audit_compared(paths, as_of=date, compare_as_of=compare_date, plugins=plugins, fail_on=fail_on)
        else:
            report = audit(paths, as_of=date, plugins=plugins, fail_on=fail_on)
    except ReferentialError as exc:
        raise UsageProblem(str(exc)) from None

    input_paths = [Path(p) for p in paths]
    try:
        if output and len(reporters) > 1:
            directory = Path(output)
            for reporter in reporters:
                target = directory / f"rapport{reporter.extension}"
                check_output_path(target, input_paths)
                write_atomic(target, reporter.render(report, {}))
        elif output:
            target = Path(output)
            check_output_path(target, input_paths)
            write_atomic(target, reporters[0].render(report, {}))
        else:
            data = reporters[0].render(report, {"color": sys.stdout.isatty()})
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except OutputError as exc:
        _err(str(exc))
        return ExitCode.USAGE
    for problem in report.errors:
        _err(f"erreur de saisie : {problem}")
    for error in report.plugin_errors:
        _err(f"plugin « {error.plugin} » : {error.message}")
    return exit_code_for(report)


@cli.command("rules")
@click.help_option("-h", "--help", help=_HELP)
@click.argument("rule_id", required=False, metavar="RÈGLE")
@click.option("--as-of", "as_of", metavar="DATE", help="Date du référentiel dont on lit les gravités (défaut : aujourd'hui).")
@click.option("--disable", "disabled", multiple=True, metavar="PLUGIN", help="Désactive un plugin par son nom.")
def rules_command(rule_id: str | None, as_of: str | None, disabled: Sequence[str]) -> int:
    """Liste les règles, ou explique la règle RÈGLE (par exemple FS-HOR-01)."""
    from fsaudit.plugins import load_plugins
    from fsaudit.referential import ReferentialError, select_referential
    from fsaudit.textdoc import describe_rule, rules_table

    plugins = load_plugins(disabled)
    date = parse_date(as_of) if as_of else _dt.date.today()
    try:
        referential = select_referential(date)
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
    from fsaudit.referential import load_referentials

    refs = load_referentials()
    for index, ref in enumerate(refs):
        until = refs[index + 1].valid_from - _dt.timedelta(days=1) if index + 1 < len(refs) else None
        period = f"du {ref.valid_from:%d/%m/%Y}" + (f" au {until:%d/%m/%Y}" if until else " à aujourd'hui")
        click.echo(f"{ref.id:<14} {period:<30} {len(ref.partners):>2} partenaires  {ref.title}")
    return ExitCode.OK


@cli.command("plugins")
@click.help_option("-h", "--help", help=_HELP)
def plugins_command() -> int:
    """Liste les plugins chargés, leur distribution, leur version et leurs règles."""
    from fsaudit.plugins import load_plugins

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (never raises on user error)."""
    args = list(sys.argv[1:] if argv is None else argv)
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
    except Exception as exc:
        if os.environ.get("FSAUDIT_DEBUG"):
            raise
        _err(f"erreur interne : {type(exc).__name__} : {exc}")
        _err("merci de signaler ce problème (relancer avec FSAUDIT_DEBUG=1 pour le détail)")
        return ExitCode.PLUGIN_ERROR
    if result is None:
        return ExitCode.OK
    return int(result)
