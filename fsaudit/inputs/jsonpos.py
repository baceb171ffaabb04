"""Where a JSON path is in a JSON text: line and column of the value (SARIF regions, waiver files).

One linear scan with a regular-expression tokenizer; only the wanted paths are kept. A text
that is not valid JSON gives no position at all (the caller then reports logical locations).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable

__all__ = ["Region", "json_regions"]

Region = tuple[int, int, int, int]
"""``(start line, start column, end line, end column)``, 1-based, columns in code points, end exclusive."""

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r\n]+)
       |(?P<str>"(?:[^"\\]|\\.)*")
       |(?P<open>[{\[])
       |(?P<close>[}\]])
       |(?P<colon>:)
       |(?P<comma>,)
       |(?P<lit>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)""",
    re.VERBOSE,
)


class _Frame:
    __slots__ = ("index", "is_object", "key", "path")

    def __init__(self, path: str, is_object: bool) -> None:
        self.path = path
        self.is_object = is_object
        self.key: str | None = None
        self.index = 0

    def child(self) -> str:
        if self.is_object:
            key = self.key or ""
            return f"{self.path}.{key}"
        return f"{self.path}[{self.index}]"


def json_regions(text: str, wanted: Iterable[str]) -> dict[str, Region]:
    """The region of each wanted JSON path (``$.structures[1].opening_hours``) found in ``text``."""
    wanted = set(wanted)
    try:
        json.loads(text)
    except ValueError:
        return {}
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_col(offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(newlines, offset)
        start = newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    starts: dict[str, int] = {}
    found: dict[str, Region] = {}
    stack: list[_Frame] = []
    expect_key = False

    def value_path() -> str:
        return stack[-1].child() if stack else "$"

    def finish(path: str, start: int, end: int) -> None:
        if path in wanted:
            found[path] = (*line_col(start), *line_col(end))

    start_offset = 1 if text.startswith("\ufeff") else 0
    for match in _TOKEN.finditer(text, start_offset):
        kind = match.lastgroup
        if kind == "ws" or kind == "colon":
            continue
        if kind == "comma":
            frame = stack[-1]
            if frame.is_object:
                expect_key = True
            else:
                frame.index += 1
            continue
        if kind == "str" and expect_key:
            stack[-1].key = json.loads(match.group())
            expect_key = False
            continue
        if kind == "open":
            path = value_path()
            starts[path] = match.start()
            stack.append(_Frame(path, match.group() == "{"))
            expect_key = stack[-1].is_object
            continue
        if kind == "close":
            frame = stack.pop()
            finish(frame.path, starts.pop(frame.path), match.end())
            expect_key = False
            continue
        finish(value_path(), match.start(), match.end())
    return found
