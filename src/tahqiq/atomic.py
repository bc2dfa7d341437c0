"""Writes that either happen whole or not at all: write to a temporary path beside the target, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write_many({path: data})


def umask() -> int:
    """The process's umask (reading it means setting it, so it is put back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _staged(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~umask())  # mkstemp makes it private; the file gets the mode any new file would
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(tmp)


def atomic_write_many(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary path first and rename them only when all are written, so a failure while
    writing (a full disk) changes none of them."""
    staged: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            staged[path] = _staged(path, data)
        for path, tmp in staged.items():
            os.replace(tmp, path)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
