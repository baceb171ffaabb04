"""Hypothesis strategies for declarations: every value they build is valid input.

Shared by fsaudit's own tests and by plugin authors (``from fsaudit.testing import strategies``).
Every structure drawn here, unstructured to JSON, passes the declaration schema.
"""

from __future__ import annotations

import datetime as _dt

from hypothesis import strategies as st

from fsaudit.model import declaration as model

__all__ = [
    "attendance",
    "conseillers",
    "declarations",
    "departement_codes",
    "structures",
    "time_ranges",
    "weekly_hours",
]

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=30,
)
_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,11}", fullmatch=True)
departement_codes = st.one_of(
    st.integers(1, 95).map(lambda n: f"{n:02d}").filter(lambda c: c != "20"),
    st.sampled_from(["2A", "2B", "971", "972", "973", "974", "976"]),
)
_dates = st.dates(_dt.date(2015, 1, 1), _dt.date(2030, 12, 31))


@st.composite
def time_ranges(draw: st.DrawFn, *, well_formed: bool = False) -> model.TimeRange:
    """A range of the day; with ``well_formed``, start < end within 06:00-22:00."""
    if well_formed:
        start = draw(st.integers(6 * 4, 21 * 4)) * 15
        end = draw(st.integers(start // 15 + 1, 22 * 4)) * 15
    else:
        start = draw(st.integers(0, 24 * 60))
        end = draw(st.integers(0, 24 * 60))
    return model.TimeRange(f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}")


def weekly_hours(*, well_formed: bool = False, max_ranges: int = 3) -> st.SearchStrategy[model.WeeklyHours]:
    """Opening hours for a week."""
    day = st.lists(time_ranges(well_formed=well_formed), max_size=max_ranges).map(tuple)
    return st.builds(model.WeeklyHours, **{d: day for d in model.WEEKDAYS})


conseillers = st.builds(
    model.Conseiller,
    id=_ids,
    fte=st.none() | st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 2)),
    training_date=st.none() | _dates,
    training_days=st.none() | st.sampled_from([3.5, 6.5, 11.5, 12.0]),
    start_date=st.none() | _dates,
    presence=st.none() | weekly_hours(well_formed=True, max_ranges=2),
)

attendance = st.builds(
    model.Attendance,
    month=st.tuples(st.integers(2019, 2026), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    accompaniments=st.integers(0, 20000),
)

_partner_names = (
    st.sampled_from(
        [
            "DGFiP",
            "CAF",
            "CPAM",
            "CARSAT",
            "MSA",
            "Pôle emploi",
            "France Travail",
            "La Poste",
            "ANTS",
            "Justice",
            "Anah",
            "Chèque énergie",
            "Urssaf",
            "Mission locale",
        ]
    )
    | _text
)


def structures(*, well_formed_hours: bool = False) -> st.SearchStrategy[model.Structure]:
    """Any valid structure declaration (most optional facts sometimes missing)."""
    return st.builds(
        model.Structure,
        id=_ids,
        name=_text,
        departement=st.none() | departement_codes,
        canton=st.none() | _ids,
        commune=st.none() | st.from_regex(r"[0-9]{5}", fullmatch=True),
        address=st.none() | st.builds(model.Address, street=st.none() | _text, city=st.none() | _text),
        coordinates=st.none()
        | st.builds(
            model.Coordinates,
            latitude=st.floats(-90, 90, allow_nan=False),
            longitude=st.floats(-180, 180, allow_nan=False),
        ),
        type=st.none() | st.sampled_from(model.StructureType),
        format=st.none() | st.sampled_from(model.Format),
        group=st.none() | _ids,
        parent_id=st.none() | _ids,
        gestionnaire=st.none()
        | st.builds(
            model.Gestionnaire, kind=st.none() | st.sampled_from(model.GestionnaireKind), name=st.none() | _text
        ),
        label=st.none() | st.builds(model.Label, status=st.sampled_from(model.LabelStatus), date=st.none() | _dates),
        opening_hours=st.none() | weekly_hours(well_formed=well_formed_hours),
        irregular_openings=st.none() | _text,
        appointment_booking=st.none() | st.booleans(),
        conseillers=st.none() | st.lists(conseillers, max_size=4).map(tuple),
        partners=st.none()
        | st.lists(
            st.builds(
                model.PartnerOffer,
                operator=_partner_names,
                modes=st.lists(st.sampled_from(model.PartnerMode), max_size=2, unique=True).map(tuple),
                referent=st.none() | _text,
            ),
            max_size=14,
        ).map(tuple),
        local_services=st.none()
        | st.lists(
            st.builds(
                model.LocalService,
                name=_text,
                category=st.none()
                | st.sampled_from(
                    ["administratif", "numérique", "social", "convivialité", "coworking", "autre", "sport"]
                ),
                provider=st.none() | _text,
            ),
            max_size=3,
        ).map(tuple),
        premises=st.none() | st.builds(model.Premises, *[st.none() | st.booleans() for _ in range(8)]),
        attendance=st.none() | st.lists(attendance, max_size=6).map(tuple),
        comment=st.none() | _text,
    ).filter(_consistent)


def _consistent(structure: model.Structure) -> bool:
    """Not a principal type with an antenne format: a contradiction the reader refuses."""
    return not (structure.type is model.StructureType.PRINCIPAL and structure.format is model.Format.ANTENNE)


@st.composite
def declarations(draw: st.DrawFn) -> model.Declaration:
    """A declaration of 1 to 4 structures with unique ids and an optional département block."""
    items = draw(st.lists(structures(), min_size=1, max_size=4, unique_by=lambda s: s.id))
    departement = draw(
        st.none()
        | st.builds(
            model.Departement,
            code=departement_codes,
            name=st.none() | _text,
            cantons=st.none()
            | st.lists(st.builds(model.Canton, code=_ids, name=st.none() | _text), max_size=5).map(tuple),
        )
    )
    return model.Declaration(tuple(items), departement)
