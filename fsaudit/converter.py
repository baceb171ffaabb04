"""Structuring JSON-like data into the declaration model, and back.

The converter is private to fsaudit (never cattrs' global one) and strict: unknown keys are
errors. It runs *after* JSON Schema validation, which rejects wrong types before cattrs could
coerce them (cattrs would turn ``None`` into ``'None'`` or ``'no'`` into ``True``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import cattrs
from cattrs.gen import make_dict_unstructure_fn

from fsaudit import model

__all__ = ["converter", "structure_declaration", "structure_structure", "unstructure"]


def _structure_date(value: Any, _type: Any) -> _dt.date:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"date attendue au format AAAA-MM-JJ, reçu {value!r}")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date inexistante « {value} »") from None


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    conv.register_structure_hook(_dt.date, _structure_date)
    conv.register_unstructure_hook(_dt.date, lambda d: d.isoformat())
    conv.register_unstructure_hook(tuple, list)
    # Lists, not tuples, in unstructured output, so that it is plain JSON.
    for cls in (
        model.WeeklyHours,
        model.Conseiller,
        model.Structure,
        model.Departement,
        model.Declaration,
        model.PartnerOffer,
    ):
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )
    return conv


converter = _make_converter()


def unstructure(obj: Any) -> Any:
    """Turn a model object into JSON-ready data (``None`` and empty defaults omitted)."""
    return converter.unstructure(obj)


def structure_structure(data: Any) -> model.Structure:
    """Build a :class:`~fsaudit.model.Structure` from schema-valid data."""
    return converter.structure(data, model.Structure)


def structure_declaration(data: Any) -> model.Declaration:
    """Build a :class:`~fsaudit.model.Declaration` from schema-valid data."""
    return converter.structure(data, model.Declaration)
