"""Every document's provenance is in provenance.csv; the card and Croissant name the first ones, so that their size
does not grow with the number of documents."""

from __future__ import annotations

import csv
import hashlib
import json
import sys

import pytest

from tahqiq.build import build
from tahqiq.croissant import CROISSANT_FILE
from tahqiq.project import Project
from tahqiq.provenance import PROVENANCE_FILE, SHOWN

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import write_project  # noqa: E402

DOCUMENTS = SHOWN + 7


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Project, object]:
    folder = tmp_path_factory.mktemp("provenance")
    write_project(folder / "project", DOCUMENTS, Project(ROOT))
    project = Project(folder / "project")
    out = folder / "out"
    build(project=project, annotations=[project.annotations_dir], out=out, results=False)
    return project, out


def test_provenance_csv_lists_every_document_with_its_length_and_full_sha256(built):
    project, out = built
    with open(out / PROVENANCE_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    documents = project.manifest.documents
    assert len(documents) == DOCUMENTS
    assert [(r["doc_id"], r["split"], r["sha256"], int(r["code_points"])) for r in rows] == [
        (d.doc_id, d.split, d.sha256, len(d.read_text())) for d in documents]
    assert all(r["rights"] == d.copyright for r, d in zip(rows, documents, strict=True))


def test_the_card_and_croissant_name_the_first_documents_and_point_to_the_csv(built):
    project, out = built
    documents = project.manifest.documents
    card = (out / "README.md").read_text(encoding="utf-8")
    metadata = json.loads((out / CROISSANT_FILE).read_text(encoding="utf-8"))
    collection = metadata["rai:dataCollection"]
    for doc in documents[:SHOWN]:
        assert f"| `{doc.doc_id}` |" in card and doc.sha256 in collection
    for doc in documents[SHOWN:]:
        assert f"| `{doc.doc_id}` |" not in card and doc.sha256 not in collection
    note = f"The first {SHOWN} of {DOCUMENTS} documents are shown; every document is listed"
    assert note in card and note in collection and f"`{PROVENANCE_FILE}`" in card
    (entry,) = [d for d in metadata["distribution"] if d.get("contentUrl") == PROVENANCE_FILE]
    assert entry["sha256"] == hashlib.sha256((out / PROVENANCE_FILE).read_bytes()).hexdigest()
