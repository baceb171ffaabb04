"""The known layouts of the national list, as data, and how a header is recognised.

Each export the ANCT has published (and the digital-inclusion cartography that lists France
services too) is described by one TOML file in ``layouts/``: the columns of each field and their
synonyms, the value vocabularies, the label's date formats. A new layout is a new file (and a
test), not new code. A header is recognised by the layout whose columns it has; a header close
to a layout is read with the columns it can map, and the columns used, missing and ignored are
said (:class:`Recognition`).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import attrs
from attrs import field, frozen

from fsaudit import normalize_name

__all__ = [
    "DAY_FIELDS",
    "FIELDS",
    "KIND_FIELDS",
    "Layout",
    "Recognition",
    "fold",
    "layouts",
    "load_layout",
    "recognise",
]

DAY_FIELDS: dict[str, str] = {
    "monday": "lundi",
    "tuesday": "mardi",
    "wednesday": "mercredi",
    "thursday": "jeudi",
    "friday": "vendredi",
    "saturday": "samedi",
    "sunday": "dimanche",
}
"""Day fields (one column per day) and their French names."""

KIND_FIELDS: tuple[str, ...] = ("type", "format", "itinerance", "format_anct", "categorie")
"""Fields whose values say the structure's type, format or whether it is itinerant."""

FIELDS: tuple[str, ...] = (
    "id",
    "departement",
    "name",
    "street",
    "complement",
    "commune",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    *DAY_FIELDS,
    "week",
    "appointment_booking",
    "comment",
    *KIND_FIELDS,
    "group",
    "label",
    "gestionnaire",
    "programmes",
)
"""Every field a layout may map, in the order problems are reported."""

DECLARATION_FIELDS: dict[str, tuple[str, ...]] = {
    "departement": ("departement",),
    "street": ("address.street",),
    "complement": ("address.complement",),
    "commune": ("commune",),
    "postal_code": ("address.postal_code",),
    "city": ("address.city",),
    "latitude": ("coordinates",),
    "longitude": ("coordinates",),
    **{day: (f"opening_hours.{day}",) for day in DAY_FIELDS},
    "week": ("opening_hours",),
    "appointment_booking": ("appointment_booking",),
    "comment": ("comment",),
    **{kind: ("type", "format") for kind in KIND_FIELDS},
    "group": ("group",),
    "label": ("label",),
    "gestionnaire": ("gestionnaire.kind",),
}
"""The declaration facts (dotted paths) a field gives: what is unread when its column is missing."""

_FACT_VALUES = {
    "type": ("principal", "antenne"),
    "format": ("fixe", "multisites", "bus", "itinerant"),
    "roaming": (True, False),
}
_GESTIONNAIRE_KINDS = ("collectivite", "la_poste", "association", "msa", "etat", "autre")


def fold(text: Any) -> str:
    """A column name or a value as compared: no accents, case, punctuation or doubled spaces."""
    return normalize_name(str(text if text is not None else "").replace("\ufeff", ""))


@frozen
class Ignored:
    """Columns a layout knows and the audit does not use (contacts, geocoder output…)."""

    columns: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()


@frozen
class LabelFormat:
    """How the label column writes a label: its prefixes (folded) and date formats (strptime)."""

    prefixes: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ("%d/%m/%Y",)


@frozen
class Keep:
    """Rows kept: those whose ``field`` contains ``contains`` (folded); the others are left aside."""

    field: str
    contains: str


def _check_kinds(instance: Layout, attribute: Any, value: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
    for name, vocabulary in value.items():
        if name not in KIND_FIELDS:
            raise ValueError(f"{instance.id}: kinds.{name} is not a kind field {KIND_FIELDS}")
        for text, facts in vocabulary.items():
            for fact, fact_value in facts.items():
                if fact not in _FACT_VALUES or fact_value not in _FACT_VALUES[fact]:
                    raise ValueError(f"{instance.id}: kinds.{name}.{text}: {fact} = {fact_value!r}")


def _check_columns(instance: Layout, attribute: Any, value: Mapping[str, Sequence[str]]) -> None:
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise ValueError(f"{instance.id}: unknown fields {unknown}")


@frozen
class Layout:
    """One known layout of the list (a file of ``layouts/``)."""

    id: str
    title: str
    order: int
    """Rank among layouts that recognise a header equally well (the newest first)."""
    signature: tuple[str, ...]
    """Fields whose columns identify the layout."""
    columns: dict[str, tuple[str, ...]] = field(validator=_check_columns)
    """Field → its column names, the published one first, then synonyms."""
    optional: tuple[str, ...] = ()
    """Fields some exports of this layout lack: their absence is no sign of another layout."""
    ignored: Ignored = Ignored()
    missing: tuple[str, ...] = ()
    """Cell values (folded) that mean « no value » (``NA`` written by R, ``0NULL``)."""
    integer_ids: bool = False
    """Identifiers written as numbers (``1.0``) are read as integers (``1``)."""
    values: dict[str, dict[str, Any]] = attrs.Factory(dict)
    """Field → folded cell value → declaration value (``prise_rdv``: ``oui`` → ``True``)."""
    kinds: dict[str, dict[str, dict[str, Any]]] = field(factory=dict, validator=_check_kinds)
    """Kind field → folded cell value → facts (``type``, ``format``, ``roaming``)."""
    label: LabelFormat = LabelFormat()
    keep: Keep | None = None
    displays: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    """Field → its accepted values as the file writes them (for « valeurs admises »); set by
    :func:`load_layout`, which folds the vocabularies' keys."""

    @functools.cached_property
    def _folded(self) -> dict[str, str]:
        """Folded column name → field."""
        out: dict[str, str] = {}
        for name, columns in self.columns.items():
            for column in columns:
                out.setdefault(fold(column), name)
        return out

    def field_of(self, column: str) -> str | None:
        """The field a header cell maps to, ``None`` when it maps to none."""
        return self._folded.get(fold(column))

    def is_ignored(self, column: str) -> bool:
        """True for a column this layout knows the audit does not use."""
        folded = fold(column)
        if folded in {fold(c) for c in self.ignored.columns}:
            return True
        return any(folded.startswith(fold(p)) for p in self.ignored.prefixes)

    def published(self, name: str) -> str:
        """The published column name of a field."""
        return self.columns[name][0]

    @property
    def expected(self) -> tuple[str, ...]:
        """Fields a complete export of this layout has."""
        return tuple(f for f in FIELDS if f in self.columns and f not in self.optional)


def _converter() -> Any:
    import cattrs

    converter = cattrs.Converter(forbid_extra_keys=True)
    return converter


def load_layout(text: str, name: str) -> Layout:
    """A layout from the text of its TOML file (``name`` for error messages)."""
    data = tomllib.loads(text)
    for key in ("signature", "optional", "missing"):
        if key in data:
            data[key] = tuple(data[key])
    if "columns" in data:
        data["columns"] = {k: tuple(v) for k, v in data["columns"].items()}
    try:
        layout = _converter().structure(data, Layout)
    except Exception as exc:
        raise ValueError(f"{name}: invalid layout ({exc})") from exc
    displays = {name: tuple(vocabulary) for name, vocabulary in (*layout.values.items(), *layout.kinds.items())}
    layout = attrs.evolve(
        layout,
        values={name: {fold(k): v for k, v in vocabulary.items()} for name, vocabulary in layout.values.items()},
        kinds={name: {fold(k): v for k, v in vocabulary.items()} for name, vocabulary in layout.kinds.items()},
        missing=tuple(fold(m) for m in layout.missing),
        label=LabelFormat(tuple(fold(p) for p in layout.label.prefixes), layout.label.date_formats),
        keep=None if layout.keep is None else Keep(layout.keep.field, fold(layout.keep.contains)),
        displays=displays,
    )
    missing = [f for f in layout.signature if f not in layout.columns]
    if missing:
        raise ValueError(f"{name}: signature fields without columns {missing}")
    for vocabulary_field in (*layout.values, *layout.kinds):
        if vocabulary_field not in layout.columns:
            raise ValueError(f"{name}: vocabulary for {vocabulary_field}, which has no column")
    if "gestionnaire" in layout.values:
        bad = sorted(set(layout.values["gestionnaire"].values()) - set(_GESTIONNAIRE_KINDS))
        if bad:
            raise ValueError(f"{name}: unknown gestionnaire kinds {bad}")
    return layout


@functools.cache
def layouts() -> tuple[Layout, ...]:
    """Every layout shipped in ``layouts/``, by ``order`` (the newest first)."""
    folder = resources.files("fsaudit_anct").joinpath("layouts")
    found = [
        load_layout(entry.read_text("utf-8"), entry.name) for entry in folder.iterdir() if entry.name.endswith(".toml")
    ]
    return tuple(sorted(found, key=lambda layout: (layout.order, layout.id)))


@frozen
class Recognition:
    """What a header is: the layout recognised (or the closest one), the field of each column.

    ``exact`` is true when the header has every column a complete export of the layout has.
    """

    layout: Layout
    positions: tuple[tuple[str, int, str], ...]
    """``(field, column index, column name as written)`` for each field read."""
    exact: bool
    missing: tuple[str, ...]
    """Expected fields whose column the header lacks."""
    unused: tuple[str, ...]
    """Header columns that no field maps and the layout does not know (ignored, with a warning)."""
    doubled: tuple[str, ...] = ()
    """Columns that map a field another column already gives (the first is read)."""

    @property
    def fields(self) -> dict[str, str]:
        """Field → column name as written in the header."""
        return {name: column for name, _index, column in self.positions}

    @property
    def readable(self) -> bool:
        """True when records can be told apart: an identifier or a name column."""
        names = {name for name, _i, _c in self.positions}
        return bool(names & {"id", "name"})

    def refusal(self) -> str | None:
        """Why the header cannot be read as its layout, in French, or ``None`` when it can.

        A complete header is read. An approximate one must name its records (an identifier or
        a name column), have more columns of the layout than columns the layout does not know,
        and have the column that tells the layout's France services from its other rows when the
        layout has one (``keep``): a table that shares a column « Nom » with a layout (an address
        book, a report of fsaudit) is not a list of France services, while a derivative of the
        list that kept two of its columns (``id_fs``, ``lib_fs``) is read, its other facts unread.
        """
        names = {name for name, _i, _c in self.positions}
        if not names & {"id", "name"}:
            return "ni identifiant ni nom de structure"
        if self.exact:
            return None
        layout = self.layout
        if len(self.positions) <= len(self.unused):
            used = ", ".join(column for _n, _i, column in self.positions)
            unknown = ", ".join(self.unused)
            return (
                f"{len(self.positions)} colonne(s) de cette disposition ({used}) pour {len(self.unused)} qu'elle "
                f"ne connaît pas ({unknown}) : ce tableau n'est pas une liste de France services"
            )
        if layout.keep is not None and layout.keep.field not in names:
            return (
                f"colonne {layout.published(layout.keep.field)} absente : sans elle, les France services ne se "
                "distinguent pas des autres lieux de cette liste"
            )
        return None

    def describe(self) -> str:
        """French: the layout, and for an approximate reading the columns used and missing."""
        used = ", ".join(column for _n, _i, column in self.positions)
        text = f"disposition « {self.layout.id} » ({self.layout.title})"
        if self.exact:
            return text
        missing = ", ".join(self.layout.published(f) for f in self.missing) or "aucune"
        return (
            f"en-tête non standard, proche de la {text} : lu avec les colonnes qu'il a ; colonnes "
            f"utilisées : {used} ; colonnes absentes (faits non lus, à vérifier) : {missing}"
        )


def _match(layout: Layout, header: Sequence[str]) -> Recognition:
    positions: list[tuple[str, int, str]] = []
    seen: set[str] = set()
    unused: list[str] = []
    doubled: list[str] = []
    for index, column in enumerate(header):
        name = str(column if column is not None else "").replace("\ufeff", "").strip().strip('"').strip()
        if not name:
            continue  # an unnamed column (R's row numbers) or trailing separators
        field_name = layout.field_of(name)
        if field_name is None:
            if not layout.is_ignored(name):
                unused.append(name)
            continue
        if field_name in seen:
            doubled.append(name)
            continue
        seen.add(field_name)
        positions.append((field_name, index, name))
    missing = tuple(f for f in layout.expected if f not in seen)
    exact = not missing and all(f in seen for f in layout.signature)
    return Recognition(layout, tuple(positions), exact, missing, tuple(unused), tuple(doubled))


def recognise(header: Sequence[Any]) -> Recognition:
    """The layout a header row is, or the closest one.

    A layout whose every expected column is present wins; otherwise the one that maps the
    most columns, then the one with the most signature columns, then the newest.
    """
    matches = [_match(layout, header) for layout in layouts()]

    def rank(m: Recognition) -> tuple[Any, ...]:
        names = {n for n, _i, _c in m.positions}
        signature = sum(1 for f in m.layout.signature if f in names)
        return (not m.exact, -len(m.positions), -signature, len(m.unused), m.layout.order)

    return min(matches, key=rank)


def claims(header: Sequence[Any], *, strong: bool) -> bool:
    """True when a header looks like one of the layouts: any mapped column (``strong=False``,
    for a CSV: no other reader takes them), or a readable header with at least three mapped
    columns and a signature column (``strong=True``, for a workbook)."""
    found = recognise(header)
    if not strong:
        return bool(found.positions)
    names = {n for n, _i, _c in found.positions}
    return found.readable and len(names) >= 3 and bool(names & set(found.layout.signature))
