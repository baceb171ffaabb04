"""The cyclic garbage collector, tuned for the length of an audit.

An audit allocates millions of small objects that live until the report is written (structures,
results). With the interpreter's default thresholds the collector scans them again and again as
they age: half the time of an audit of the national list ×10 went there, for no garbage (the
objects an audit creates hold no reference cycles it drops). During an audit the youngest
generation is collected every :data:`YOUNG_THRESHOLD` allocations instead of 700, and the older
generations practically never; the thresholds are restored afterwards.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["YOUNG_THRESHOLD", "collector_tuned"]

YOUNG_THRESHOLD = 100_000
"""Allocations between two collections of the youngest generation during an audit."""


@contextlib.contextmanager
def collector_tuned() -> Iterator[None]:
    """Collect rarely inside the ``with`` block; the previous thresholds are restored after it."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], YOUNG_THRESHOLD), 1000, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
