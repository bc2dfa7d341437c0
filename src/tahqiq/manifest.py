"""The seed manifest: per document its sha256, title, source, split and the zones of its non-body lines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from tahqiq.errors import DataError
from tahqiq.yamlfile import load_yaml


@dataclass(frozen=True)
class SeedDoc:
    doc_id: str
    sha256: str
    title: str | None
    source: str | None
    language: str
    split: str
    copyright: str
    zones: dict[int, str]  # line number -> zone, for lines that are not body
    path: Path

    def read_text(self) -> str:
        """The seed exactly as stored: no newline translation, no stripping."""
        with open(self.path, encoding="utf-8", newline="") as fh:
            return fh.read()


@dataclass(frozen=True)
class Manifest:
    path: Path
    copyright: str
    documents: tuple[SeedDoc, ...]

    @cached_property
    def by_id(self) -> dict[str, SeedDoc]:
        return {doc.doc_id: doc for doc in self.documents}

    @property
    def splits(self) -> list[str]:
        return sorted({doc.split for doc in self.documents}, key=lambda s: (s != "train", s))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_manifest(path: Path) -> Manifest:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
        docs = []
        for entry in raw["documents"]:
            zones = {int(line): zone for zone, lines in (entry.get("zones") or {}).items() for line in lines}
            docs.append(SeedDoc(
                doc_id=entry["doc_id"], sha256=entry["sha256"], title=entry.get("title"), source=entry.get("source"),
                language=entry.get("language", "ar"), split=entry["split"], zones=zones,
                copyright=entry.get("copyright") or raw.get("copyright", ""),
                path=path.parent / f"{entry['doc_id']}.txt",
            ))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataError(f"cannot read the seed manifest {path}: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise DataError(f"{path} is not of the expected form (documents with doc_id, sha256 and split): "
                        f"{type(err).__name__}: {err}") from None
    return Manifest(path=path, copyright=" ".join(str(raw.get("copyright", "")).split()), documents=tuple(docs))
