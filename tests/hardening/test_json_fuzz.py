"""Hostile and random JSON inputs: never an exception, always a French problem with a location."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fsaudit.inputs.converter import unstructure
from fsaudit.testing.strategies import structures
from fsaudit_formats.json_reader import read_json

FRENCH_HINTS = (
    "attendu",
    "invalide",
    "inconnu",
    "manquant",
    "vide",
    "trop",
    "UTF-8",
    "inexistante",
    "présente",
    "non admise",
    "lecture",
    "reconnu",
    "incorrect",
    "date",
)
ENGLISH = ("Expecting", "maximum recursion", "Exceeds", "is not", "must be")


def _check(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(content)
    result = read_json(path)
    for problem in result.problems:
        assert problem.path == str(path)
        assert problem.location
        assert any(hint in problem.message for hint in FRENCH_HINTS), problem.message
        assert not any(word in problem.message for word in ENGLISH), problem.message
    if not result.problems:
        assert result.structures


@given(st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, content: bytes) -> None:
    """Random bytes never raise."""
    _check(tmp_path_factory.mktemp("b"), content)


@given(structures(), st.data())
def test_truncated_and_corrupted_declarations(tmp_path_factory, structure, data) -> None:
    """A valid declaration cut short or with a byte changed never raises."""
    raw = json.dumps(unstructure(structure), ensure_ascii=False).encode()
    cut = data.draw(st.integers(0, len(raw)))
    position = data.draw(st.integers(0, max(0, len(raw) - 1)))
    byte = data.draw(st.integers(0, 255))
    corrupted = raw[:position] + bytes([byte]) + raw[position + 1 :]
    folder = tmp_path_factory.mktemp("c")
    _check(folder, raw[:cut])
    _check(folder, corrupted)


def test_deep_nesting(tmp_path: Path) -> None:
    """Pathologically deep nesting is refused with a French message."""
    _check(tmp_path, b"[" * 100000 + b"]" * 100000)
    _check(tmp_path, b'{"id": "a", "name": "b", "comment": ' + b"[" * 5000 + b"]" * 5000 + b"}")


def test_huge_numbers_and_strings(tmp_path: Path) -> None:
    """Huge numbers and strings are reported, not crashed on."""
    _check(
        tmp_path,
        b'{"id": "a", "name": "b", "attendance": [{"month": "2024-01", "accompaniments": ' + b"9" * 10000 + b"}]}",
    )
    _check(tmp_path, b'{"id": "a", "name": "b", "coordinates": {"latitude": 1e999999, "longitude": 0}}')
    _check(tmp_path, b'{"id": "a", "name": "' + b"x" * 500_000 + b'"}')


def test_unusual_unicode(tmp_path: Path) -> None:
    """Lone surrogates, control characters and RTL marks are handled."""
    _check(tmp_path, b'{"id": "a\\ud800", "name": "\\u202eb"}')
    _check(tmp_path, '{"id": "\u0000", "name": "é\u0301"}'.encode())
