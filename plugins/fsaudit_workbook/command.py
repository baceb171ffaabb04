"""``fsaudit template``: the workbook plugin's command (``fsaudit_commands`` hook)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from fsaudit import CommandError, OutputError, ReferentialError, parse_date, select_referential, write_atomic

__all__ = ["template_command"]


@click.command("template")
@click.help_option("-h", "--help", help="Affiche cette aide et quitte.")
@click.option(
    "--output", "-o", "output", metavar="FICHIER", help="Classeur à créer : .xlsx (Excel) ou .ods (LibreOffice)."
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Date du référentiel dont les partenaires remplissent les listes déroulantes (défaut : aujourd'hui).",
)
@click.option("--sans-exemple", "no_example", is_flag=True, help="N'écrit pas la structure d'exemple.")
@click.option("--force", "force", is_flag=True, help="Remplace le fichier s'il existe déjà.")
def template_command(output: str | None, as_of: str | None, no_example: bool, force: bool) -> int:
    """Crée le classeur de déclaration à remplir (feuille Instructions, listes déroulantes, exemple)."""
    from fsaudit_workbook.template import render_workbook

    if not output:
        raise CommandError("indiquez le classeur à créer avec -o, par exemple -o declaration.xlsx")
    target = Path(output)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "ods"):
        raise CommandError(f"« {output} » : le modèle s'écrit en .xlsx ou en .ods")
    if target.exists() and not force:
        raise CommandError(f"{output} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer")
    date = parse_date(as_of) if as_of else _dt.date.today()
    try:
        referential = select_referential(date)
    except ReferentialError as exc:
        raise CommandError(str(exc)) from None
    try:
        write_atomic(target, render_workbook(fmt, referential, example=not no_example))
    except OutputError as exc:
        raise CommandError(str(exc)) from None
    click.echo(f"{output} : modèle de déclaration créé (référentiel {referential.id})")
    return 0
