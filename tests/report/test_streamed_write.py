"""Reports written as a stream: a reporter may give its bytes in chunks (``Reporter.stream``), which
``write_atomic`` writes one after the other into the temporary file it renames at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fsaudit import Reporter, write_atomic


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_chunks_are_written_one_after_the_other(tmp_path: Path) -> None:
    """An iterable of chunks is written as their concatenation."""
    target = tmp_path / "rapport.json"
    write_atomic(target, iter([b"{", b'"a": 1', b"}\n"]))
    assert (target.read_bytes(), _files(tmp_path)) == (b'{"a": 1}\n', ["rapport.json"])


def test_failing_stream_keeps_the_old_report(tmp_path: Path) -> None:
    """A stream that fails halfway leaves the old report whole and no temporary file; the error goes on."""
    target = tmp_path / "rapport.json"
    target.write_bytes(b"ancien rapport")

    def stream() -> Iterator[bytes]:
        yield b"nouveau " * 1000
        raise ValueError("rendu interrompu")

    with pytest.raises(ValueError, match=r"^rendu interrompu$"):
        write_atomic(target, stream())
    assert (target.read_bytes(), _files(tmp_path)) == (b"ancien rapport", ["rapport.json"])


def _render(report: object, options: dict[str, object]) -> bytes:
    return b"en un morceau"


def test_reporter_without_stream_gives_its_render_in_one_chunk() -> None:
    """Reporter.chunks of a format without ``stream`` is ``render``'s bytes, in one chunk."""
    reporter = Reporter("essai", "essai", ".txt", _render)
    assert list(reporter.chunks(None, {})) == [b"en un morceau"]  # type: ignore[arg-type]


def test_reporter_with_stream_gives_the_stream() -> None:
    """Reporter.chunks of a format with ``stream`` is what ``stream`` gives, with the same options."""
    seen: list[dict[str, object]] = []

    def stream(report: object, options: dict[str, object]) -> Iterator[bytes]:
        seen.append(options)
        yield from (b"en ", b"morceaux")

    reporter = Reporter("essai", "essai", ".txt", _render, stream=stream)
    assert list(reporter.chunks(None, {"report_version": "1"})) == [b"en ", b"morceaux"]  # type: ignore[arg-type]
    assert seen == [{"report_version": "1"}]
