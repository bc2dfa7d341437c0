"""Writes happen whole or not at all, also for a set of files."""

from __future__ import annotations

import pytest

from tahqiq.atomic import atomic_write_many


def test_a_failing_file_leaves_every_file_of_the_set_unchanged(tmp_path):
    first = tmp_path / "a.json"
    first.write_text("old", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OSError):
        atomic_write_many({first: b"new", blocker / "b.json": b"new"})
    assert first.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "not-a-folder"]  # no temporary files left


def test_all_files_are_written(tmp_path):
    files = {tmp_path / "x" / f"{n}.json": f"{n}".encode() for n in range(3)}
    atomic_write_many(files)
    assert {p: p.read_bytes() for p in files} == files
