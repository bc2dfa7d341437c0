"""The seed manifest: per document its sha256, title, source, split and the zones of its non-body lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from tahqiq.errors import ManifestInvalid
from tahqiq.yamlfile import load_yaml


class SeedDoc(NamedTuple):
    """One entry (a tuple: a manifest may list very many documents, and every worker gets a copy)."""

    doc_id: str
    sha256: str
    title: str | None
    source: str | None
    language: str
    split: str
    copyright: str
    zones: dict[int, str]  # line number -> zone, for lines that are not body (shared by entries that agree)
    folder: Path  # where the seed texts are (one object for every entry)

    @property
    def path(self) -> Path:
        return self.folder / f"{self.doc_id}.txt"

    def read_text(self) -> str:
        """The seed exactly as stored: no newline translation, no stripping."""
        with open(self.path, encoding="utf-8", newline="") as fh:
            return fh.read()

    def checked_text(self) -> str:
        """The seed, refused unless it is the text its sha256 names (offsets point into it)."""
        try:
            text = self.read_text()
        except (OSError, UnicodeDecodeError) as err:
            raise ManifestInvalid(f"cannot read the seed text {self.path}: {err}") from None
        if sha256_text(text) != self.sha256:
            raise ManifestInvalid(f"{self.path} differs from its sha256 in {self.folder / 'manifest.yaml'}; seeds "
                                  "must never change (offsets point into them)")
        return text


@dataclass(frozen=True)
class Manifest:
    path: Path
    copyright: str
    documents: tuple[SeedDoc, ...]

    @cached_property
    def by_id(self) -> dict[str, SeedDoc]:
        return {doc.doc_id: doc for doc in self.documents}

    @cached_property  # asked for per batch of tasks: a manifest may list very many documents
    def splits(self) -> list[str]:
        return sorted({doc.split for doc in self.documents}, key=lambda s: (s != "train", s))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 (hex) of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(path: Path) -> Manifest:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
            raise ManifestInvalid(f"{path} holds no list `documents` (one entry per seed text)")
        docs, shared, folder = [], {}, path.parent  # held once: a manifest may list very many documents

        def once(value: Any) -> Any:
            return shared.setdefault(value, value) if isinstance(value, str) else value  # others: checked below

        entries = raw["documents"]
        for at, entry in enumerate(entries):
            entries[at] = None  # each parsed entry is let go once read (memory peaks here for a large manifest)
            zones = {int(line): zone for zone, lines in (entry.get("zones") or {}).items() for line in lines}
            zones = shared.setdefault(tuple(sorted(zones.items())), zones)
            rights = entry.get("copyright") or raw.get("copyright", "")
            docs.append(SeedDoc(
                doc_id=entry["doc_id"], sha256=entry["sha256"], title=entry.get("title"), source=entry.get("source"),
                language=once(entry.get("language", "ar")), split=once(entry["split"]), zones=zones,
                copyright=shared.setdefault(rights, rights),
                folder=folder,
            ))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ManifestInvalid(f"cannot read the seed manifest {path}: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ManifestInvalid(f"{path} is not of the expected form (a list `documents` of entries with doc_id, "
                              f"sha256 and split): {type(err).__name__}: {err}") from None
    _check_documents(path, docs)
    return Manifest(path=path, copyright=" ".join(str(raw.get("copyright", "")).split()), documents=tuple(docs))


SPLITS = ("train", "test")  # a test document never moves to train
# A doc id names files (seeds/<doc_id>.txt, annotations/<doc_id>.json): letters, digits, `_ . -`, no leading dot.
DOC_ID_PATTERN, DOC_ID_MAX = r"[A-Za-z0-9_][A-Za-z0-9_.-]*", 128


def safe_doc_id(doc_id: object) -> bool:
    """A doc id that names files safely (DOC_ID_PATTERN, at most DOC_ID_MAX characters)."""
    return isinstance(doc_id, str) and len(doc_id) <= DOC_ID_MAX and re.fullmatch(DOC_ID_PATTERN, doc_id) is not None


def _check_documents(path: Path, docs: list[SeedDoc]) -> None:
    """Each entry names a seed that exists, under a safe and unique doc id, in one of the splits."""
    seen = set()
    for doc in docs:
        if not safe_doc_id(doc.doc_id):
            raise ManifestInvalid(f"{path}: doc_id {doc.doc_id!r} is not a safe file name (letters, digits, _ . -)")
        if doc.doc_id in seen:
            raise ManifestInvalid(f"{path}: doc_id {doc.doc_id} is listed twice")
        seen.add(doc.doc_id)
        if doc.split not in SPLITS:
            raise ManifestInvalid(f"{path}: {doc.doc_id} has split {doc.split!r}; the splits are {', '.join(SPLITS)}")
        if not doc.path.is_file():
            raise ManifestInvalid(f"{path}: the seed text {doc.path} of {doc.doc_id} is missing")
