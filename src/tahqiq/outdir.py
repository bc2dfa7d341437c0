"""The build's output folder, guarded: it is only ever a previous build (marked by a file), never an input, the
project or the home folder; one build at a time holds it (a lock beside it); it is replaced by renames, and a swap
cut short by a kill is repaired by the next build."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tahqiq.atomic import umask
from tahqiq.errors import Busy, OutputRefused

MARKER = ".tahqiq-build"  # written into every build; a folder without it is never replaced
MARKER_TEXT = "Built by `tahqiq build`; the next build replaces this whole folder.\n"


def _related(a: Path, b: Path) -> bool:
    """a is b, or one lies inside the other."""
    return a == b or a in b.parents or b in a.parents


def check_out(out: Path, *, inputs: list[Path], project_root: Path) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a build."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputRefused(f"--out {out} is {'a link' if out.is_symlink() else 'a file'}, not a folder: name a folder "
                         "for the build")
    blocking = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise OutputRefused(f"--out {out} lies under {blocking}, which is a file, not a folder")
    target = out.resolve()
    inside = next((p for p in target.parents if (p / MARKER).is_file()), None)
    if inside is not None:
        raise OutputRefused(f"--out {out} lies inside the build {inside}, which the next build replaces whole: "
                            "name a folder outside it")
    for path in inputs:
        if _related(target, path.resolve()):
            raise OutputRefused(f"--out {out} overlaps the input {path}: the build replaces its output folder whole")
    for protected, what in ((project_root.resolve(), "the project folder"), (Path.home().resolve(), "your home "
                                                                                                   "folder")):
        if target == protected or target in protected.parents:
            raise OutputRefused(f"--out {out} is or contains {what}: name a folder of its own, such as dist/hub")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputRefused(f"--out {out} holds files that no build made (no {MARKER} in it): empty it, or name "
                         "another folder")


def _old(out: Path) -> Path:
    return out.with_name(f".{out.name}.old")


def repair(out: Path) -> None:
    """Finish or undo a swap a kill cut short: the previous build comes back when no new one took its place."""
    old = _old(out)
    if old.is_dir() and not out.exists():
        os.replace(old, out)
    elif old.is_dir():
        shutil.rmtree(old)


@contextmanager
def locked_staging(out: Path) -> Iterator[Path]:
    """Lock the folder that holds `out` (a lock on the folder itself, so no lock file is left behind), repair an
    interrupted swap, clear stale staging folders, and yield a fresh staging folder beside `out` (removed unless
    `swap_in` consumed it)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(out.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(f"another build into {out.parent} is running; wait for it to finish") from None
        repair(out)
        for stale in out.parent.glob(f".{out.name}.*.staging"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".staging", dir=out.parent))
        staging.chmod(0o777 & ~umask())  # mkdtemp makes it private; a build is as readable as any folder
        try:
            (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        os.close(folder)



def swap_in(staging: Path, out: Path) -> None:
    """Put a fully written staging folder in the place of `out`; the old build is removed only after the swap."""
    old = _old(out)
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    if old.exists():
        shutil.rmtree(old)
