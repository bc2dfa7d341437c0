"""`.studio/pulls/`: per pull, the export Label Studio gave (`export-…`) and the stored form that was checked
(`pulled-…`). Only the last N pulls of each Label Studio project are kept (each is about 1 MB): enough to follow
the pointers of a failed pull, score or reopen a recent state, and tell what changed since the last pull."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from tahqiq.errors import UsageError
from tahqiq.studio.home import StudioHome

KEEP_ENV, DEFAULT_KEEP = "TAHQIQ_STUDIO_KEEP_PULLS", 10
_NAME = re.compile(r"(export|pulled)-(\d+)-(\d{8}-\d{6}-\d{6})\.json")


def keep_count(asked: int | None) -> int:
    """How many pulls to keep: `--keep`, else $TAHQIQ_STUDIO_KEEP_PULLS, else 10."""
    if asked is not None:
        return asked
    raw = os.environ.get(KEEP_ENV)
    if raw is None:
        return DEFAULT_KEEP
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"${KEEP_ENV}={raw!r} is not a whole number above 0")
    return int(raw)


def new_pull(home: StudioHome, project_id: int) -> tuple[Path, Path]:
    """The (export, checked stored form) file names of a pull starting now."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return (home.pulls_dir / f"export-{project_id}-{stamp}.json",
            home.pulls_dir / f"pulled-{project_id}-{stamp}.json")


def _pulls(home: StudioHome) -> dict[tuple[int, str], list[Path]]:
    """Files of each pull by (Label Studio project id, stamp), oldest first."""
    found: dict[tuple[int, str], list[Path]] = {}
    for path in home.pulls_dir.glob("*.json") if home.pulls_dir.is_dir() else []:
        match = _NAME.fullmatch(path.name)
        if match:
            found.setdefault((int(match[2]), match[3]), []).append(path)
    return dict(sorted(found.items(), key=lambda item: item[0][1]))


def prune(home: StudioHome, keep: int) -> list[Path]:
    """Delete all but the last `keep` pulls of each project (so `studio status` still has every project's last
    export); returns the files deleted."""
    by_project: dict[int, list[list[Path]]] = {}
    for (project_id, _), files in _pulls(home).items():
        by_project.setdefault(project_id, []).append(files)
    old = [path for pulls in by_project.values() for files in pulls[:max(len(pulls) - keep, 0)] for path in files]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def last_export(home: StudioHome, project_id: int) -> Path | None:
    """The export of the project's last pull, if one is kept."""
    exports = [p for (pulled, _), files in _pulls(home).items() if pulled == project_id for p in files
               if p.name.startswith("export-")]
    return exports[-1] if exports else None


def checked_form(path: Path) -> Path:
    """The stored form of a kept pull: for `export-…` its `pulled-…` sibling (ids and annotators restored, as
    checked), any other file as it is."""
    match = _NAME.fullmatch(path.name)
    if match and match[1] == "export":
        sibling = path.with_name(f"pulled-{match[2]}-{match[3]}.json")
        if sibling.is_file():
            return sibling
    return path
