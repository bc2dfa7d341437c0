"""The session's pulls/ keeps the last N pulls (both files of each), oldest dropped first."""

from __future__ import annotations

import pytest

from tahqiq.cli import main
from tahqiq.errors import UsageError
from tahqiq.studio.home import StudioHome
from tahqiq.studio.pulls import KEEP_ENV, keep_count, last_export, prune

from conftest import PROJECT


def make_pulls(home: StudioHome, stamps: list[str]) -> None:
    home.pulls_dir.mkdir(parents=True)
    for stamp in stamps:
        for kind in ("export", "pulled"):
            (home.pulls_dir / f"{kind}-7-{stamp}.json").write_text("[]", encoding="utf-8")
    (home.pulls_dir / "notes.txt").write_text("not a pull", encoding="utf-8")


def test_only_the_last_pulls_are_kept(tmp_path):
    home = StudioHome(root=tmp_path, venv=PROJECT.studio_dir / "venv")
    stamps = [f"20261130-1200{s:02d}-000000" for s in range(5)]
    make_pulls(home, stamps)
    removed = prune(home, 2)
    assert len(removed) == 6
    assert sorted(p.name for p in home.pulls_dir.iterdir()) == sorted(
        ["notes.txt", *(f"{k}-7-{s}.json" for s in stamps[-2:] for k in ("export", "pulled"))])
    assert last_export(home, 7).name == f"export-7-{stamps[-1]}.json" and last_export(home, 8) is None


def test_how_many_pulls_to_keep(monkeypatch):
    monkeypatch.delenv(KEEP_ENV, raising=False)
    assert keep_count(None) == 10 and keep_count(3) == 3
    monkeypatch.setenv(KEEP_ENV, "4")
    assert keep_count(None) == 4
    monkeypatch.setenv(KEEP_ENV, "0")
    with pytest.raises(UsageError, match=KEEP_ENV):
        keep_count(None)
    with pytest.raises(SystemExit) as refused:
        main(["studio", "pull", "--keep", "0"])
    assert refused.value.code == 2


def test_push_from_a_raw_export_without_its_stored_form_is_refused(tmp_path, capsys):
    raw = tmp_path / "export-3-20261130-120000-000000.json"
    raw.write_text('[{"id": 6, "data": {"text": "x", "doc_id": "d"}, "meta": {"tahqiq": {"task_id": 1}}, '
                   '"annotations": []}]', encoding="utf-8")
    assert main(["studio", "push", "--studio-dir", str(tmp_path), "--from", str(raw)]) == 2
    assert "pulled-" in capsys.readouterr().err


def test_each_project_keeps_its_own_last_pulls(tmp_path):
    """Pulls of one project never push out another project's last export (`studio status` compares with it)."""
    home = StudioHome(root=tmp_path, venv=PROJECT.studio_dir / "venv")
    home.pulls_dir.mkdir(parents=True)
    pulls = [(2, "20261130-120000-000000"), *((1, f"20261130-12000{s}-000000") for s in range(1, 4))]
    for project_id, stamp in pulls:
        for kind in ("export", "pulled"):
            (home.pulls_dir / f"{kind}-{project_id}-{stamp}.json").write_text("[]", encoding="utf-8")
    removed = prune(home, 2)
    assert sorted(p.name for p in removed) == [f"{k}-1-20261130-120001-000000.json" for k in ("export", "pulled")]
    assert last_export(home, 2).name == "export-2-20261130-120000-000000.json"
    assert last_export(home, 1).name == "export-1-20261130-120003-000000.json"
