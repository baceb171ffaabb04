"""A declaration written into a workbook and read back is the same declaration (.xlsx and .ods),
extension facts included."""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fsaudit.model import declaration as model
from fsaudit.model.rule import frozen_data
from fsaudit.plugin.manager import select_referential
from fsaudit.testing.strategies import declarations
from fsaudit_workbook import cells
from fsaudit_workbook.reader import read_workbook
from fsaudit_workbook.template import declaration_rows, render_workbook

REFERENTIAL = select_referential(_dt.date(2025, 6, 30))


def _strip(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def _writable(text: str) -> bool:
    return not any(ord(ch) in (0xFFFE, 0xFFFF) for ch in text)


def _sixteen_digits(value: float) -> float:
    return float(f"{value:.16g}")


def _reads_as_itself(read: Any, text: str) -> bool:
    try:
        return read(text) == text
    except cells.CellError:
        return False


_CHARACTERS = st.characters(blacklist_categories=("Cc", "Cs"))
_VALUES = st.one_of(
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(-1e300, 1e300),  # written with 16 digits in .xlsx: near the largest float, that overflows
    st.text(_CHARACTERS, min_size=1, max_size=20).filter(lambda t: _reads_as_itself(cells.fact_value, t)),
)
EXTENSIONS = st.dictionaries(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,11}", fullmatch=True),
    st.dictionaries(
        st.text(_CHARACTERS, min_size=1, max_size=12).filter(lambda t: _reads_as_itself(cells.field_name, t)),
        _VALUES,
        min_size=1,
        max_size=3,
    ),
    max_size=2,
)
"""Extension facts a workbook can say: per namespace, named facts whose values are numbers,
booleans or texts that do not read as oui/non (the writer refuses the others)."""


def with_extensions(declaration: model.Declaration, facts: list[dict[str, Any]]) -> model.Declaration:
    """``declaration`` with ``facts[n]`` as the extension facts of its structure ``n`` (none when empty)."""
    structures = tuple(
        attrs.evolve(s, extensions=model.Extensions(frozen_data(f)) if f else None)
        for s, f in zip(declaration.structures, facts + [{}] * len(declaration.structures), strict=False)
    )
    return attrs.evolve(declaration, structures=structures)


def normalize(declaration: model.Declaration, fmt: str) -> model.Declaration:
    """What the workbook can say: trimmed texts, empty sub-blocks as absent, unique conseillers.

    openpyxl writes numbers with 16 significant digits (``%.16g``): in .xlsx, a coordinate keeps
    those, far below a metre.
    """

    def texts(obj: object) -> object:
        changes = {}
        for a in attrs.fields(type(obj)):
            value = getattr(obj, a.name)
            if type(value) is str and a.name not in ("start", "end", "month"):
                changes[a.name] = _strip(value)
        return attrs.evolve(obj, **changes)

    out = []
    for s in declaration.structures:
        s = texts(s)
        address = texts(s.address) if s.address else None
        if address is not None and address == model.Address():
            address = None
        gestionnaire = texts(s.gestionnaire) if s.gestionnaire else None
        if gestionnaire is not None and gestionnaire == model.Gestionnaire():
            gestionnaire = None
        conseillers = s.conseillers
        if conseillers is not None:
            conseillers = tuple(attrs.evolve(c, id=f"{c.id}-{n}") for n, c in enumerate(conseillers))
        coordinates = s.coordinates
        if coordinates is not None and fmt == "xlsx":
            coordinates = model.Coordinates(
                _sixteen_digits(coordinates.latitude), _sixteen_digits(coordinates.longitude)
            )
        extensions = s.extensions
        if extensions is not None and fmt == "xlsx":
            extensions = model.Extensions(
                frozen_data(
                    {
                        ns: {k: _sixteen_digits(v) if type(v) is float else v for k, v in facts.items()}
                        for ns, facts in extensions.items()
                    }
                )
            )
        out.append(
            attrs.evolve(
                s,
                extensions=extensions,
                coordinates=coordinates,
                address=address,
                gestionnaire=gestionnaire,
                conseillers=conseillers,
                partners=None if s.partners is None else tuple(texts(p) for p in s.partners),
                local_services=None if s.local_services is None else tuple(texts(x) for x in s.local_services),
            )
        )
    departement = declaration.departement
    if departement is not None:
        departement = attrs.evolve(
            texts(departement),
            cantons=None if departement.cantons is None else tuple(texts(c) for c in departement.cantons),
        )
    return model.Declaration(tuple(out), departement)


def _usable(declaration: model.Declaration) -> bool:
    for s in declaration.structures:
        if (
            not s.name
            or any(not p.operator for p in s.partners or ())
            or any(not x.name for x in s.local_services or ())
        ):
            return False
    rows = declaration_rows(declaration)
    return all(_writable(v) for items in rows.values() for row in items for v in row if isinstance(v, str))


def _read_back(declaration: model.Declaration, fmt: str) -> tuple[list[model.Structure], tuple[model.Departement, ...]]:
    data = render_workbook(fmt, REFERENTIAL, declaration)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"declaration.{fmt}"
        path.write_bytes(data)
        result = read_workbook(path)
    assert result.problems == ()
    return [item.structure for item in result.structures], result.departements


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@given(declaration=declarations(), facts=st.lists(EXTENSIONS, max_size=3))
def test_declaration_round_trips_through_workbook(
    fmt: str, declaration: model.Declaration, facts: list[dict[str, Any]]
) -> None:
    """Any generated declaration with extension facts, written into the template and read back, is unchanged."""
    expected = normalize(with_extensions(declaration, facts), fmt)
    assume(_usable(expected))
    structures, departements = _read_back(expected, fmt)
    assert structures == list(expected.structures)
    assert departements == ((expected.departement,) if expected.departement else ())


def test_a_time_stored_on_the_spreadsheet_s_day_zero_is_a_time() -> None:
    """LibreOffice stores a time cell as a date and time on its day zero (30/12/1899): it is read
    as the time, as the same cell of an .xlsx is (it was refused in an .ods as « est une date »);
    a date and time on any other day is still refused."""
    import datetime as dt

    import pytest

    for day in (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1904, 1, 1)):
        assert cells.time(dt.datetime.combine(day, dt.time(9, 30))) == "09:30"
    with pytest.raises(cells.CellError, match="est une date"):
        cells.time(dt.datetime(2025, 3, 4, 9, 30))
    with pytest.raises(cells.CellError, match="a des secondes"):
        cells.time(dt.datetime(1899, 12, 30, 9, 30, 15))


def test_unknown_mode_is_quoted_once_when_it_is_the_whole_cell() -> None:
    """« non » alone: « modalité « non » inconnue », not « … inconnue dans « non » »; in a list,
    the cell is quoted too."""
    messages = []
    for value in ("non", "visio, non"):
        try:
            cells.modes(value)
        except cells.CellError as exc:
            messages.append(str(exc))
    assert [m.split(" ; ")[0] for m in messages] == [
        "modalité « non » inconnue",
        "modalité « non » inconnue dans « visio, non »",
    ]
