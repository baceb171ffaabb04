"""The JSON reader's fast parse gives exactly what the strict parse gives, duplicate keys included."""

from __future__ import annotations

import json
from typing import Any

from fsaudit_formats import json_reader
from hypothesis import given
from hypothesis import strategies as st

TRICKY = st.text(alphabet='ab:"\\ {},[]\u00e9', max_size=6)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.lists(st.tuples(TRICKY, inner), max_size=3),
    max_leaves=12,
)


def _text(value: Any, separator: str, doubled: bool) -> str:
    """JSON text of ``value`` where a list of pairs is an object, the first pair written twice if ``doubled``."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        pairs = value + value[:1] if doubled else value
        return "{" + ", ".join(json.dumps(k) + separator + _text(v, separator, doubled) for k, v in pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v, separator, doubled) for v in value) + "]"
    return json.dumps(value)


def _strict(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=json_reader._no_duplicates)
    except json_reader._DuplicateKey:
        return "duplicate"


def _fast_or_strict(text: str) -> Any:
    found = json_reader._fast_loads(text)
    return _strict(text) if found is json_reader._SLOW else found


@given(VALUES, st.sampled_from([":", ": ", " : ", "\n:\t"]), st.booleans())
def test_fast_parse_equals_strict_parse(value: Any, separator: str, doubled: bool) -> None:
    """Any data, with quotes, colons and backslashes in keys and strings, parses as the strict parse does."""
    text = _text(value, separator, doubled)
    assert _fast_or_strict(text) == _strict(text)


def test_duplicate_key_behind_a_string_starting_with_colon_is_found() -> None:
    """A string value opening with ":" (escaped in the text) cannot hide a duplicate key from the count."""
    text = '{"a": 1, "a": 2, "b": "\\u003ax"}'
    assert json_reader._fast_loads(text) is json_reader._SLOW


def test_duplicate_key_with_spaced_colon_is_found() -> None:
    """A key written with spaces before its colon is counted."""
    assert json_reader._fast_loads('{"a" : 1, "a": 2}') is json_reader._SLOW


def test_plain_declaration_takes_the_fast_parse() -> None:
    """A file with distinct keys and ordinary strings is parsed by the fast path."""
    assert json_reader._fast_loads('{"id": "A", "name": "B", "hours": ["09:00"]}') == {
        "id": "A", "name": "B", "hours": ["09:00"]}
