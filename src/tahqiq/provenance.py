"""What is known of each document's provenance: what the manifest records and how long the text is. Every document
is written to `provenance.csv` in the repo; the card and Croissant show the first ones, so that their size does not
grow with the number of documents."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import NamedTuple

from tahqiq.agreement import LISTED
from tahqiq.atomic import atomic_write_text
from tahqiq.manifest import Manifest

PROVENANCE_FILE = "provenance.csv"
SHOWN = LISTED  # documents the card and Croissant list by name; all of them are in PROVENANCE_FILE


class Provenance(NamedTuple):
    doc_id: str
    split: str
    title: str | None  # as the text shows it
    publisher: str | None  # named in the text
    rights: str
    code_points: int
    sha256: str


def provenance(manifest: Manifest, code_points: dict[str, int]) -> list[Provenance]:
    """One record per document of the manifest, in its order; `code_points` has the length of the texts the build
    read (checked against the manifest by validation); the others are read from their seed files and checked here.
    Raises ManifestInvalid for a seed that is unreadable or not the text its sha256 names."""
    return [Provenance(doc.doc_id, doc.split, doc.title, doc.source, doc.copyright,
                       code_points[doc.doc_id] if doc.doc_id in code_points else len(doc.checked_text()),
                       doc.sha256)
            for doc in manifest.documents]


def write_provenance(path: Path, records: list[Provenance]) -> None:
    """Every record as a CSV row (UTF-8, a header row, empty where the text shows no title or publisher)."""
    text = io.StringIO()
    writer = csv.writer(text)  # RFC 4180 line ends: a field holding a lone \r is quoted too
    writer.writerow(Provenance._fields)
    writer.writerows(["" if value is None else value for value in record] for record in records)
    atomic_write_text(path, text.getvalue())


def shown_note(records: list[Provenance]) -> str:
    """Where the full list is, and how much of it is shown."""
    where = f"with the full sha256 of its text, in `{PROVENANCE_FILE}`"
    if len(records) <= SHOWN:
        return f"Every document is also listed, {where}."
    return f"The first {SHOWN} of {len(records)} documents are shown; every document is listed, {where}."
