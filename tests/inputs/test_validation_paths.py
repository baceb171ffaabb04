"""The fast validator and the explaining validator agree: fast 'valid' is never wrong."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fsaudit.inputs.converter import unstructure
from fsaudit.inputs.validation import _fast_validator, _validator
from fsaudit.testing.strategies import structures

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 3000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["09:00", "24:00", "2023-02-30", "2024-01-01", "32", "fixe", ""]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _replace(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = json.loads(json.dumps(node))
    copy[head] = _replace(copy[head], rest, value)
    return copy


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    data = json.loads(json.dumps(unstructure(draw(structures()))))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)))
        if path and draw(st.booleans()) and isinstance(path[-1], str):
            parent = _replace(data, (), data)
            node = parent
            for part in path[:-1]:
                node = node[part]
            del node[path[-1]]
            data = parent
        else:
            data = _replace(data, path, draw(_json_values))
    return data


@given(mutated())
def test_fast_valid_implies_valid(data: Any) -> None:
    """When the compiled validator accepts data, the reference validator finds no error."""
    try:
        _fast_validator("structure")(data)
    except Exception:  # noqa: BLE001 - rejection is always safe: the reference validator explains
        return
    assert list(_validator("structure").iter_errors(data)) == []


@given(structures())
def test_valid_structures_take_the_fast_path(structure: Any) -> None:
    """Valid declarations are accepted by the compiled validator (the fast path is used)."""
    _fast_validator("structure")(json.loads(json.dumps(unstructure(structure))))
