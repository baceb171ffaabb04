"""Generate realistic declarations for benchmarks, deterministically for a given seed.

    python bench/generate.py --structures 3000 --format json-dir -o /tmp/decl
    python bench/generate.py --structures 28450 --format anct-csv -o /tmp/anct.csv
    python bench/generate.py --structures 3000 --format xlsx -o /tmp/decl.xlsx

Structures vary: opening hours (about one in six below 24 h or 5 days), partners (some missing or
written with aliases), conseillers (1 to 3, some with training after the label), premises,
attendance. Identifiers are unique.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import random
import sys
from pathlib import Path

from fsaudit.inputs.converter import unstructure
from fsaudit.model import declaration as model

PARTNER_NAMES = [
    "DGFiP",
    "France Titres",
    "Justice",
    "CAF",
    "CPAM",
    "CARSAT",
    "MSA",
    "France Travail",
    "La Poste",
    "Anah",
    "Chèque énergie",
    "Urssaf",
]
PARTNER_ALIASES = {
    "DGFiP": "DDFiP",
    "France Titres": "ANTS",
    "France Travail": "Pôle emploi",
    "CPAM": "Assurance maladie",
}
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
ANCT_DAYS = ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")
AS_OF = _dt.date(2025, 6, 30)
"""Audit date of the benchmarks (bench/run.py): selects the referential of the workbook lists."""
ANCT_COLUMNS = [
    "id_fs",
    "insee_dep",
    "lib_fs",
    "adresse",
    "complement_adresse",
    "insee_com",
    "code_postal",
    "lib_com",
    "latitude",
    "longitude",
    "mail",
    "telephone",
    *ANCT_DAYS,
    "prise_rdv",
    "commentaire",
    "type_fs",
    "format_fs",
    "groupe_fs",
    "labellisation_fs",
]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day(rng: random.Random, short: bool) -> tuple[model.TimeRange, ...]:
    start = rng.choice([480, 510, 540, 570])
    if short:
        return (model.TimeRange(_hhmm(start), _hhmm(start + rng.choice([120, 180]))),)
    morning_end = rng.choice([720, 750])
    afternoon = rng.choice([810, 840])
    end = rng.choice([1020, 1050, 1080])
    return (model.TimeRange(_hhmm(start), _hhmm(morning_end)), model.TimeRange(_hhmm(afternoon), _hhmm(end)))


def _hours(rng: random.Random, weak: bool) -> model.WeeklyHours:
    open_days = list(DAYS[:5]) if not weak or rng.random() < 0.5 else list(DAYS[:4])
    if rng.random() < 0.2:
        open_days.append("saturday")
    ranges = {day: _day(rng, weak and rng.random() < 0.6) for day in open_days}
    if rng.random() < 0.03:
        ranges["wednesday"] = (model.TimeRange("00:00", "00:00"),)
    return model.WeeklyHours(**ranges)


def make_structures(count: int, seed: int = 2024) -> list[model.Structure]:
    """``count`` structures with unique ids."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        weak = rng.random() < 1 / 6
        dep = rng.choice(DEPARTEMENTS)
        label_date = _dt.date(2020, 1, 1) + _dt.timedelta(days=rng.randrange(0, 1500))
        partners = [
            model.PartnerOffer(
                PARTNER_ALIASES.get(name, name) if rng.random() < 0.2 else name,
                (rng.choice(list(model.PartnerMode)),),
                None if rng.random() < 0.05 else f"Référent {name}",
            )
            for name in PARTNER_NAMES
            if rng.random() > (0.08 if weak else 0.01)
        ]
        conseillers = tuple(
            model.Conseiller(
                f"C{index}-{n}",
                rng.choice([0.5, 0.8, 1.0]),
                label_date - _dt.timedelta(days=rng.randrange(-30, 200)),
                rng.choice([6.5, 6.5, 11.5, 3.5]),
                label_date - _dt.timedelta(days=rng.randrange(0, 60)),
            )
            for n in range(rng.choice([1, 2, 2, 2, 3]))
        )
        attendance = tuple(
            model.Attendance(f"{year}-{month:02d}", rng.randrange(80, 900))
            for year in (2023, 2024)
            for month in range(1, 13)
        )
        out.append(
            model.Structure(
                id=f"GEN-{index + 1:06d}",
                name=f"France services générée n° {index + 1}",
                departement=dep,
                canton=f"{dep}{rng.randrange(1, 30):02d}",
                commune=f"{dep[:2].replace('2A', '20').replace('2B', '20')}{rng.randrange(1, 999):03d}",
                type=model.StructureType.PRINCIPAL,
                format=rng.choice([model.Format.FIXE] * 8 + [model.Format.MULTISITES, model.Format.BUS]),
                gestionnaire=model.Gestionnaire(rng.choice(list(model.GestionnaireKind)), "Gestionnaire"),
                label=model.Label(model.LabelStatus.LABELLED, label_date),
                opening_hours=_hours(rng, weak),
                conseillers=conseillers,
                partners=tuple(partners),
                local_services=(model.LocalService("Atelier numérique", rng.choice(["numérique", "social", "jeux"])),),
                premises=model.Premises(*(rng.random() > 0.05 for _ in range(7))),
                attendance=attendance,
            )
        )
    return out


def write_json_dir(structures: list[model.Structure], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for s in structures:
        (out / f"{s.id}.json").write_text(json.dumps(unstructure(s), ensure_ascii=False), encoding="utf-8")


def _anct_day(ranges: tuple[model.TimeRange, ...]) -> str:
    return " / ".join(f"{r.start} - {r.end}" for r in ranges)


def write_anct_csv(structures: list[model.Structure], out: Path) -> None:
    formats = {model.Format.FIXE: "Fixe", model.Format.MULTISITES: "Multisites", model.Format.BUS: "Bus_équivalent"}
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(ANCT_COLUMNS)
        for n, s in enumerate(structures, start=1):
            hours = s.opening_hours or model.WeeklyHours()
            writer.writerow(
                [
                    str(n),
                    s.departement,
                    s.name,
                    "1 place de la Mairie",
                    "",
                    s.commune,
                    s.commune,
                    "Commune",
                    "45.0",
                    "2.0",
                    "contact@example.org",
                    "01 02 03 04 05",
                    *(_anct_day(hours.day(day)) for day in DAYS),
                    "Non",
                    "",
                    "Principal",
                    formats.get(s.format, "Fixe"),
                    "",
                    f"Espace labellisé {s.label.date:%d/%m/%Y}",
                ]
            )


def write_workbook(structures: list[model.Structure], fmt: str, out: Path) -> None:
    """A declaration workbook (``xlsx`` or ``ods``) written by the workbook plugin's own writer,
    the one behind ``fsaudit template``, with the partner lists of the referential in force."""
    from fsaudit.plugin.manager import select_referential
    from fsaudit_workbook.template import render_workbook

    referential = select_referential(AS_OF)
    out.write_bytes(render_workbook(fmt, referential, model.Declaration(tuple(structures))))


WORKBOOK_FILES = 6
"""``xlsx-dir``: the structures are split into this many workbooks (one per département, say)."""


def write_workbook_dir(structures: list[model.Structure], out: Path, files: int = WORKBOOK_FILES) -> None:
    """``files`` workbooks of consecutive structures (identifiers stay unique across them)."""
    out.mkdir(parents=True, exist_ok=True)
    size = -(-len(structures) // files)
    for index in range(files):
        part = structures[index * size : (index + 1) * size]
        if part:
            write_workbook(part, "xlsx", out / f"departement-{index + 1}.xlsx")


def replicate_anct(source: Path, count: int, out: Path) -> None:
    """``count`` records of the real ANCT list ``source``, repeated as often as needed.

    Copy ``k`` (from 1) of a record gets a new ``id_fs`` and ``-k`` appended to its ``groupe_fs``,
    so that identifiers stay unique and each copy keeps its own groups. Numeric identifiers stay
    numeric (the list's Table Schema requires it): copy ``k`` of ``id`` is ``id + k × 10^d``, with
    ``10^d`` above every identifier of the source (list of 2024: copy 1 of ``1`` is ``10001``);
    other identifiers get ``-k`` appended.
    """
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, records = rows[0], rows[1:]
    id_at, group_at = header.index("id_fs"), header.index("groupe_fs")
    numeric = all(record[id_at].isdigit() for record in records)
    step = 10 ** max((len(record[id_at]) for record in records), default=1)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for n in range(count):
            copy, row = divmod(n, len(records))
            record = list(records[row])
            if copy:
                identifier = record[id_at]
                record[id_at] = str(int(identifier) + copy * step) if numeric else f"{identifier}-{copy}"
                if record[group_at]:
                    record[group_at] = f"{record[group_at]}-{copy}"
            writer.writerow(record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--structures", type=int, required=True)
    parser.add_argument("--format", required=True, choices=["json-dir", "anct-csv", "xlsx", "ods", "xlsx-dir"])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument(
        "--anct-source",
        type=Path,
        metavar="CSV",
        help="with --format anct-csv: repeat the records of this real ANCT list instead of generating them",
    )
    args = parser.parse_args(argv)
    if args.anct_source is not None:
        if args.format != "anct-csv":
            parser.error("--anct-source goes with --format anct-csv")
        replicate_anct(args.anct_source, args.structures, args.output)
        return 0
    structures = make_structures(args.structures, args.seed)
    if args.format == "json-dir":
        write_json_dir(structures, args.output)
    elif args.format == "anct-csv":
        write_anct_csv(structures, args.output)
    elif args.format == "xlsx-dir":
        write_workbook_dir(structures, args.output)
    else:
        write_workbook(structures, args.format, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
