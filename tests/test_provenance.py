"""Every document's provenance is in provenance.csv; the card and Croissant name the first ones, so that their size
does not grow with the number of documents."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import sys

import pytest

from tahqiq.build import build
from tahqiq.card import passes_table, provenance_table
from tahqiq.croissant import CROISSANT_FILE
from tahqiq.errors import ManifestInvalid
from tahqiq.manifest import sha256_text
from tahqiq.passes import PASS_FIELDS
from tahqiq.project import Project
from tahqiq.provenance import PROVENANCE_FILE, SHOWN, Provenance, write_provenance

from conftest import ANNOTATIONS_DIR, MANIFEST, ROOT, SEEDS_DIR, make_project

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


def _read(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_real_gold_lists_each_title_publisher_and_rights_as_the_manifest_has_them(built_repo):
    rows = _read(built_repo / PROVENANCE_FILE)
    assert [(r["doc_id"], r["title"], r["publisher"], r["rights"]) for r in rows] == [
        (d.doc_id, d.title or "", d.source or "", d.copyright) for d in MANIFEST.documents]
    assert any(r["title"] for r in rows)
    card = (built_repo / "README.md").read_text(encoding="utf-8")
    assert f"Every document is also listed, with the full sha256 of its text, in `{PROVENANCE_FILE}`." in card


@pytest.mark.parametrize("title", ["ديب سيك، إنفيديا", 'a "quoted", title', "line\nbreak", "lone\rreturn", "", None])
def test_any_title_comes_back_from_the_csv_as_written(tmp_path, title):
    record = Provenance("d1", "train", title, "ناشر, \"x\"", "© x\r\ny", 12, "ab" * 32)
    write_provenance(tmp_path / "p.csv", [record, record._replace(doc_id="d2")])
    rows = _read(tmp_path / "p.csv")
    assert [r["doc_id"] for r in rows] == ["d1", "d2"]
    assert rows[0] == {"doc_id": "d1", "split": "train", "title": title or "", "publisher": record.publisher,
                       "rights": record.rights, "code_points": "12", "sha256": record.sha256}


def test_a_seed_read_for_its_length_must_be_the_text_its_sha256_names(tmp_path):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    unannotated = project.manifest.documents[0]
    shutil.copytree(ANNOTATIONS_DIR, project.annotations_dir)
    (project.annotations_dir / f"{unannotated.doc_id}.json").unlink()
    seed = unannotated.path
    seed.write_bytes(seed.read_bytes() + b" ")
    out = tmp_path / "out"
    with pytest.raises(ManifestInvalid, match="differs from its sha256"):
        build(project=project, annotations=[project.annotations_dir], out=out, results=False)
    assert not out.exists()
    seed.write_bytes(seed.read_bytes()[:-1])
    assert sha256_text(unannotated.read_text()) == unannotated.sha256
    build(project=project, annotations=[project.annotations_dir], out=out, results=False)
    (row,) = [r for r in _read(out / PROVENANCE_FILE) if r["doc_id"] == unannotated.doc_id]
    assert int(row["code_points"]) == len(unannotated.read_text())


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row (an escaped pipe stays inside its cell)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_free_text_stays_in_its_own_table_cell():
    hostile = "a | b\nc <b>d</b>"
    records = [Provenance("d1", "train", hostile, hostile, hostile, 3, "ab" * 32)]
    row = provenance_table(records, "rights").splitlines()[2]
    assert _cells(row)[2:5] == [r"a \| b c &lt;b&gt;d&lt;/b&gt;"] * 3
    passes = [{"completed_by": 7, "gold": True, **dict.fromkeys(PASS_FIELDS, hostile), "documents": ["d1"]}]
    (row,) = passes_table(passes).splitlines()[2:]
    assert len(_cells(row)) == 9 and _cells(row)[2] == r"a \| b c &lt;b&gt;d&lt;/b&gt;"
