"""Structuring JSON-like data into the declaration model, and back.

The converter is private to fsaudit (never cattrs' global one) and strict: unknown keys are
errors. It runs *after* JSON Schema validation, which rejects wrong types before cattrs could
coerce them (cattrs would turn ``None`` into ``'None'`` or ``'no'`` into ``True``).
"""

from __future__ import annotations

import datetime as _dt
import types
from typing import Any, Optional, TypeVar

import cattrs
from cattrs.gen import make_dict_unstructure_fn

from fsaudit.model import declaration as model
from fsaudit.model.rule import frozen_data, plain_data

T = TypeVar("T")

__all__ = ["converter", "fast_structure", "structure_declaration", "structure_structure", "unstructure"]


def _structure_date(value: Any, _type: Any) -> _dt.date:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"date attendue au format AAAA-MM-JJ, reçu {value!r}")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date inexistante « {value} »") from None


def _structure_extensions(value: Any, _type: Any) -> model.Extensions:
    if not isinstance(value, dict):
        raise ValueError(f"objet attendu (un objet par plugin), reçu {value!r}")
    return model.Extensions({str(k): frozen_data(v) for k, v in value.items()})


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    conv.register_structure_hook(_dt.date, _structure_date)
    conv.register_structure_hook(model.Extensions, _structure_extensions)
    conv.register_unstructure_hook(model.Extensions, plain_data)
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
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True))
    return conv


converter = _make_converter()


def _is_optional(cls: Any) -> bool:
    args = getattr(cls, "__args__", None)
    return (
        isinstance(cls, types.UnionType | type(Optional[int]))  # noqa: UP045 - both kinds of union exist
        and args is not None
        and len(args) == 2
        and type(None) in args
    )


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = getattr(cls, "__args__", None)
    return getattr(cls, "__origin__", None) is tuple and args is not None and len(args) == 2 and args[1] is Ellipsis


def _make_fast_converter() -> cattrs.Converter:
    """The same structuring as :data:`converter`, for data already valid for the JSON Schema.

    Optional fields, homogeneous tuples and enums get direct hooks (cattrs' generic ones look
    the inner hook up for every value), and no error is collected field by field. Any error
    here is re-raised by :func:`fast_structure`'s caller through :data:`converter`, which
    explains it; values built are equal to what :data:`converter` builds (tests check it).
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=False)
    conv.register_structure_hook(_dt.date, _structure_date)
    conv.register_structure_hook(model.Extensions, _structure_extensions)

    def optional_hook(cls: Any) -> Any:
        inner = next(arg for arg in cls.__args__ if arg is not type(None))
        handler = conv.get_structure_hook(inner)

        def structure_optional(value: Any, _type: Any) -> Any:
            return None if value is None else handler(value, inner)

        return structure_optional

    def tuple_hook(cls: Any) -> Any:
        inner = cls.__args__[0]
        handler = conv.get_structure_hook(inner)

        def structure_tuple(value: Any, _type: Any) -> Any:
            return tuple([handler(item, inner) for item in value])

        return structure_tuple

    def enum_hook(cls: Any) -> Any:
        members = cls._value2member_map_

        def structure_enum(value: Any, _type: Any) -> Any:
            member = members.get(value) if isinstance(value, str) else None
            return member if member is not None else cls(value)

        return structure_enum

    conv.register_structure_hook_factory(_is_optional, optional_hook)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, tuple_hook)
    conv.register_structure_hook(model.WeeklyHours, _shared_hours(conv.get_structure_hook(model.WeeklyHours)))
    enums = (model.StructureType, model.Format, model.GestionnaireKind, model.LabelStatus, model.PartnerMode)
    for cls in enums:
        conv.register_structure_hook(cls, enum_hook(cls))
    return conv


SHARED_LIMIT = 65536
"""Most distinct weekly schedules kept by :func:`_shared_hours` (then it starts again)."""


def _hours_key(data: Any) -> tuple[Any, ...] | None:
    """A hashable image of hours data valid for the schema (``{"monday": [{"start", "end"}, …],
    …}``: a range has exactly these two keys, both strings), or ``None`` for anything else (then
    nothing is shared)."""
    try:
        return tuple([(day, *[(item["start"], item["end"]) for item in ranges]) for day, ranges in data.items()])
    except Exception:  # noqa: BLE001 - not the shape the schema allows: structured as it is
        return None


def _shared_hours(structure: Any) -> Any:
    """``structure`` (the generated WeeklyHours hook), returning one shared object for equal
    data: a national list repeats a few hundred schedules thousands of times, the objects are
    immutable, and equal schedules that are the same object compare at once (the engine's
    outcome memo hashes and compares them for every hours rule)."""
    shared: dict[tuple[Any, ...], model.WeeklyHours] = {}

    def structure_hours(data: Any, cls: Any) -> model.WeeklyHours:
        key = _hours_key(data)
        try:
            found = None if key is None else shared.get(key)
        except TypeError:  # a value that cannot be hashed (not valid for the schema)
            key = None
        if key is None:
            built: model.WeeklyHours = structure(data, cls)
            return built
        if found is None:
            if len(shared) >= SHARED_LIMIT:
                shared.clear()
            found = shared[key] = structure(data, cls)
        return found

    return structure_hours


_fast = _make_fast_converter()


def fast_structure(data: Any, cls: type[T]) -> T:
    """Structure schema-valid ``data`` into ``cls``; raises on any problem (then use
    :data:`converter`, whose errors say where)."""
    return _fast.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Turn a model object into JSON-ready data (``None`` and empty defaults omitted)."""
    return converter.unstructure(obj)


def structure_structure(data: Any) -> model.Structure:
    """Build a :class:`~fsaudit.model.declaration.Structure` from schema-valid data."""
    return converter.structure(data, model.Structure)


def structure_declaration(data: Any) -> model.Declaration:
    """Build a :class:`~fsaudit.model.declaration.Declaration` from schema-valid data."""
    return converter.structure(data, model.Declaration)
