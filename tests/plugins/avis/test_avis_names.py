"""File names of the avis: derived safely from untrusted structure identifiers."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fsaudit_avis.names import safe_names


def test_hostile_identifiers_give_safe_distinct_names() -> None:
    """Path parts, device names, non-ASCII, long and colliding ids give the expected names."""
    ids = ["../x", "CON", "nul.txt", "é/ü", "..", "", "a/b", "a:b", "A:B", "32-001", "32-001", "x" * 300, "北京"]
    assert safe_names(ids, ".odt") == [
        "avis-x.odt",
        "avis-CON.odt",
        "avis-nul-txt.odt",
        "avis-e-u.odt",
        "avis-structure.odt",
        "avis-structure-2.odt",
        "avis-a-b.odt",
        "avis-a-b-2.odt",
        "avis-A-B-3.odt",
        "avis-32-001.odt",
        "avis-32-001-2.odt",
        "avis-" + "x" * 60 + ".odt",
        "avis-structure-3.odt",
    ]


@given(st.lists(st.text(max_size=80), max_size=20))
def test_any_identifiers_give_distinct_plain_names(ids: list[str]) -> None:
    """Whatever the identifiers, names are distinct without case, plain ASCII and short."""
    names = safe_names(ids, ".odt")
    assert len({n.lower() for n in names}) == len(ids)
    for name in names:
        assert name.startswith("avis-") and len(name) <= 80
        assert all(c.isascii() and (c.isalnum() or c in "-_.") for c in name)


def test_names_extract_inside_the_folder(tmp_path: Path) -> None:
    """Entries named by safe_names extract inside the target folder, one file each."""
    ids = ["../../evil", "/etc/passwd", "C:\\Windows\\x", "CON", "con"]
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in safe_names(ids, ".odt"):
            z.writestr(name, b"x")
    target = tmp_path / "out"
    with zipfile.ZipFile(archive) as z:
        z.extractall(target)
    assert sorted(p.name for p in target.iterdir()) == [
        "avis-C-Windows-x.odt",
        "avis-CON.odt",
        "avis-con-2.odt",
        "avis-etc-passwd.odt",
        "avis-evil.odt",
    ]
    assert all(p.parent == target for p in target.rglob("*"))
