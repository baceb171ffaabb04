"""Safe, distinct file names derived from structure identifiers (untrusted input).

An identifier can be anything a declaration holds: ``../x``, ``CON``, 10,000 characters,
Arabic or Chinese text, or two identifiers that only differ by characters that cleaning
removes. Every name returned here is plain ASCII (letters, digits, ``-`` and ``_``), starts
with ``avis-`` (so no name is a device name such as ``CON`` or ``NUL`` on Windows, nor hidden,
nor a path), is at most 80 characters long, and differs from every other name of the same
list even on a case-insensitive file system.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["MAX_STEM", "safe_names"]

MAX_STEM = 60
"""Longest part of a name taken from the identifier."""
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _stem(raw: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE.sub("-", ascii_text).strip("-_")[:MAX_STEM].rstrip("-_")
    return stem or "structure"


def safe_names(ids: Iterable[str], extension: str) -> list[str]:
    """One file name per identifier, in the same order: ``avis-<cleaned id>[-n]<extension>``.

    Identifiers that clean to the same name (``a/b`` and ``a:b``, or one identifier given
    twice) get ``-2``, ``-3``… in their order.
    """
    taken: set[str] = set()
    names = []
    for raw in ids:
        base = f"avis-{_stem(raw)}"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names.append(name + extension)
    return names
