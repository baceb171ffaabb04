"""Building small ANCT lists for the tests (CSV text and records)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fsaudit_anct.columns import COLUMNS

FULL_DAY = "09:00 - 12:00 / 13:30 - 17:00"

BASE_RECORD: dict[str, str] = {
    "id_fs": "1",
    "insee_dep": "01",
    "lib_fs": "France services de Valserhône",
    "adresse": "5-9 Rue des Papetiers",
    "complement_adresse": "",
    "insee_com": "01033",
    "code_postal": "01200",
    "lib_com": "Valserhône",
    "latitude": "46.1060711578546",
    "longitude": "5.8260084241619",
    "mail": "franceservices@example.org",
    "telephone": "04 50 00 00 00",
    "h_lundi": "13:30 - 17:00",
    "h_mardi": FULL_DAY,
    "h_mercredi": FULL_DAY,
    "h_jeudi": FULL_DAY,
    "h_vendredi": "09:00 - 12:00 / 13:30 - 16:00",
    "h_samedi": "",
    "prise_rdv": "Non",
    "commentaire": "",
    "type_fs": "Principal",
    "format_fs": "Fixe",
    "groupe_fs": "",
    "labellisation_fs": "Espace labellisé 01/01/2020",
}


def record(**changes: str) -> dict[str, str]:
    """A record of the list (a real one, anonymised contacts) with ``changes``."""
    unknown = set(changes) - set(COLUMNS)
    if unknown:
        raise ValueError(f"unknown columns: {sorted(unknown)}")
    return {**BASE_RECORD, **changes}


def csv_text(
    records: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] = COLUMNS,
    delimiter: str = ",",
) -> str:
    """The records as the list publishes them: every text field quoted, numbers and empties bare."""
    out = io.StringIO(newline="")
    out.write(delimiter.join(f'"{c}"' for c in columns) + "\n")
    for item in records:
        fields = []
        for column in columns:
            value = str(item.get(column, ""))
            if value == "" or column in ("latitude", "longitude"):
                fields.append(value)
            else:
                fields.append('"' + value.replace('"', '""') + '"')
        out.write(delimiter.join(fields) + "\n")
    return out.getvalue()


def write_csv(path: Path, records: Sequence[Mapping[str, Any]], *, encoding: str = "utf-8", **kwargs: Any) -> Path:
    """Write ``records`` as an ANCT CSV at ``path``."""
    path.write_bytes(csv_text(records, **kwargs).encode(encoding))
    return path
