"""`tahqiq seed add`: the text byte for byte, its sha256 and zones in the manifest, refusals that leave seeds/
untouched. Every test works on a project copy; the repository's seeds/ is never written."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tahqiq.cli import main
from tahqiq.manifest import load_manifest, sha256_text
from tahqiq.seeding import propose_zones

from conftest import MANIFEST, SEEDS_DIR, make_project
from studio_fixtures import tree_bytes

ARTICLE = ("عنوان الخبر\n\nكتب : مراسل\n\nالخميس، 30 يناير 2025\n\n"
           "قالت الشركة إن أرباحها بلغت 5 ملايين دولار.\nBack Top\n")  # written for this test


@pytest.mark.parametrize("doc", MANIFEST.documents, ids=lambda d: d.doc_id)
def test_proposed_zones_are_those_of_the_manifest(doc):
    """On the seeds the maintainer zoned by hand, the proposal finds every zone but the publisher name of 003
    (a byline the text does not mark)."""
    proposed = propose_zones(doc.read_text())
    assert proposed == {line: zone for line, zone in doc.zones.items() if (doc.doc_id, line) !=
                        ("003_8fcc2d3a299a1784", 6)}


def add(project_root: Path, file: Path, *args: str) -> int:
    return main(["--project", str(project_root), "seed", "add", str(file), *args])


def test_an_article_is_copied_byte_for_byte_and_recorded(tmp_path, capsys):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    before = project.manifest_file.read_text(encoding="utf-8")
    article = tmp_path / "new.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    assert add(project.root, article, "--split", "test", "--yes") == 0
    manifest = load_manifest(project.manifest_file)
    new = manifest.documents[-1]
    assert new.doc_id == f"005_{sha256_text(ARTICLE)[:16]}" and new.doc_id in capsys.readouterr().out
    assert new.path.read_bytes() == article.read_bytes() and new.sha256 == sha256_text(ARTICLE)
    assert (new.split, new.title) == ("test", "عنوان الخبر")
    assert new.zones == {0: "title", 2: "byline", 4: "dateline", 7: "boilerplate"}
    assert project.manifest_file.read_text(encoding="utf-8").startswith(before)  # comments and entries kept


def test_a_text_already_there_or_a_taken_id_is_refused_and_nothing_written(tmp_path, capsys):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    before = tree_bytes(project.seeds_dir)
    seed = MANIFEST.documents[3]
    assert add(project.root, seed.path, "--split", "train", "--yes") == 1  # a test document never moves to train
    assert f"already in the manifest as {seed.doc_id}" in capsys.readouterr().err
    article = tmp_path / "new.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    assert add(project.root, article, "--split", "train", "--yes", "--doc-id", seed.doc_id) == 1
    assert "is taken (split test)" in capsys.readouterr().err
    assert add(project.root, article, "--split", "train", "--yes", "--doc-id", ".hidden") == 1
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café".encode("latin-1"))
    assert add(project.root, latin1, "--split", "train", "--yes") == 1
    assert "not UTF-8" in capsys.readouterr().err
    assert tree_bytes(project.seeds_dir) == before


def test_without_a_terminal_the_zones_need_yes(tmp_path, capsys, monkeypatch):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    article = tmp_path / "new.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert add(project.root, article, "--split", "train") == 2
    assert "--yes" in capsys.readouterr().err
    assert len(load_manifest(project.manifest_file).documents) == len(MANIFEST.documents)


@pytest.mark.parametrize("body_line", ["وشارك في الاجتماع عدد من المسؤولين.",
                                       "ارتفعت المشاركة في الانتخابات إلى 60%.",
                                       "يشارك فيها الجميع.",
                                       "وقال إن الوزارة ستبحث عن حلول للمزيد من الأسر التي تضغط عليها الأسعار."],
                         ids=["took-part", "participation", "takes-part", "more-mid-line"])
def test_body_lines_with_furniture_words_are_no_boilerplate(body_line):
    """Furniture words inside a sentence (شارك in المشاركة, للمزيد mid-line) leave the line in the body."""
    assert propose_zones(f"عنوان الخبر\n{body_line}\nشارك\nابحث عن مواصفات هاتفك\n") == {
        0: "title", 2: "boilerplate", 3: "boilerplate"}


@pytest.mark.parametrize("doc_id", ["123", "yes", "null", "1.5"])
def test_a_doc_id_yaml_would_read_as_another_type_stays_a_string(tmp_path, doc_id):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    article = tmp_path / "new.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    assert add(project.root, article, "--split", "train", "--yes", "--doc-id", doc_id) == 0
    new = load_manifest(project.manifest_file).documents[-1]
    assert (new.doc_id, new.sha256) == (doc_id, sha256_text(ARTICLE))
    assert new.path.read_bytes() == ARTICLE.encode("utf-8")


def test_end_of_input_at_the_zone_prompt_is_a_refusal_and_nothing_written(tmp_path):
    """Ctrl-D on the terminal answers no question: exit 2 with a message, not an EOFError traceback."""
    project = make_project(tmp_path / "project", SEEDS_DIR)
    before = tree_bytes(project.seeds_dir)
    article = tmp_path / "new.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    terminal, stdin = pty.openpty()  # the prompt runs on a terminal only
    try:
        os.write(terminal, b"\x04")  # Ctrl-D at the start of a line: the end of input
        done = subprocess.run([sys.executable, "-m", "tahqiq", "--project", str(project.root), "seed", "add",
                               str(article), "--split", "train"], stdin=stdin, capture_output=True, text=True,
                              timeout=120)
    finally:
        os.close(terminal)
        os.close(stdin)
    assert done.returncode == 2 and "line 0 as title" in done.stdout
    assert "tahqiq: [usage] no answer (end of input): nothing written" in done.stderr
    assert "Traceback" not in done.stderr and tree_bytes(project.seeds_dir) == before
