"""push / pull against the real Label Studio of the session (tests/studio_fixtures.py): annotations made through
the API the way the web UI stores them come back into annotations/, validate, build and load with `datasets`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from datasets import load_dataset

from tahqiq.build import build
from tahqiq.cli import main
from tahqiq.studio.pull import PullRefused, UnsyncedAnnotations, pull
from tahqiq.studio.push import push
from tahqiq.validate import validate_paths

from conftest import ANNOTATIONS_DIR, LABELS, MANIFEST, PROJECT
from studio_fixtures import EMOJI_DOC, EMOJI_TEXT, tree_bytes

pytestmark = pytest.mark.studio

def gold_copy(tmp_path: Path) -> Path:
    """A private copy of the repository's gold; tests never write into the real annotations/."""
    assert any(ANNOTATIONS_DIR.glob("*.json")), "the repository's annotations/ holds no gold to test with"
    return Path(shutil.copytree(ANNOTATIONS_DIR, tmp_path / "annotations"))


def task_ids(client, project: str) -> dict[str, int]:
    (project_id,) = [p.id for p in client.projects.list(title=project) if p.title == project]
    return {t.data["doc_id"]: t.id for t in client.tasks.list(project=project_id)}


def span(rid: str, layer: str, label: str, text: str, start: int, end: int) -> dict:
    """A region as the web UI stores it."""
    return {"id": rid, "from_name": layer, "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def attribute(rid: str, name: str, control: str, text: str, start: int, end: int, value) -> dict:
    """A per-region attribute as the web UI stores it: same id as its region, the region's offsets and text."""
    payload = {"number": {"number": value}, "textarea": {"text": [value]}, "choices": {"choices": [value]}}[control]
    base = {"start": start, "end": end} if control == "textarea" else {"start": start, "end": end,
                                                                        "text": text[start:end]}
    return {"id": rid, "from_name": name, "to_name": "text", "type": control, "origin": "manual",
            "value": {**base, **payload}}


def ui_annotation(text: str) -> list[dict]:
    """Entity, number (value/unit/kind/bound) and claim regions with two relations, on EMOJI_TEXT."""
    e = (text.index("إنفيديا"), text.index("إنفيديا") + len("إنفيديا"))
    n = (text.index("30"), text.index("دولار") + len("دولار"))
    c = (text.index("قالت"), n[1])
    return [
        span("Xq3vB7kL0a", "entity", "ORG", text, *e),
        span("Np2Lw8Rt5c", "number", "NUM", text, *n),
        attribute("Np2Lw8Rt5c", "value", "number", text, *n, 30e9),
        attribute("Np2Lw8Rt5c", "unit", "textarea", text, *n, "USD"),
        attribute("Np2Lw8Rt5c", "kind", "choices", text, *n, "money"),
        attribute("Np2Lw8Rt5c", "bound", "choices", text, *n, "point"),
        attribute("Np2Lw8Rt5c", "approximate", "choices", text, *n, "no"),
        span("Cm9Zk1Yh4d", "claim", "CLAIM", text, *c),
        attribute("Cm9Zk1Yh4d", "checkworthy", "choices", text, *c, "yes"),
        attribute("Cm9Zk1Yh4d", "claim_type", "choices", text, *c, "market"),
        attribute("Cm9Zk1Yh4d", "modality", "choices", text, *c, "reported"),
        {"from_id": "Cm9Zk1Yh4d", "to_id": "Np2Lw8Rt5c", "type": "relation", "direction": "right",
         "labels": ["has_number"]},
        {"from_id": "Cm9Zk1Yh4d", "to_id": "Xq3vB7kL0a", "type": "relation", "direction": "right",
         "labels": ["source"]},
    ]


def test_push_twice_then_pull_changes_nothing(studio_home, studio_client, tmp_path):
    gold = gold_copy(tmp_path)
    before = tree_bytes(gold)
    first = push(project=PROJECT, home=studio_home, annotations_dir=gold, title="gold")
    second = push(project=PROJECT, home=studio_home, annotations_dir=gold, title="gold")
    n_annotations = sum(len(t.annotations) for t in validate_paths([gold], labels=LABELS, manifest=MANIFEST).tasks)
    documents = len(MANIFEST.documents)
    assert first.counts["tasks created"] == documents and first.counts["annotations created"] == n_annotations
    assert first.counts["predictions created"] == documents
    assert second.counts == {**dict.fromkeys(second.counts, 0), "tasks kept": 5,
                             "annotations kept": n_annotations, "predictions kept": 5}
    tasks = list(studio_client.tasks.list(project=first.project_id))
    assert len(tasks) == documents
    assert sum(len(t.annotations) for t in tasks) == n_annotations
    assert all(len(t.predictions) == 1 for t in tasks)

    result = pull(project=PROJECT, home=studio_home, annotations_dir=gold, title="gold")
    assert [c.written for c in result.changes] == [False] * 5
    assert tree_bytes(gold) == before  # ids, annotators and bytes survive the round trip


def test_pull_keeps_files_of_tasks_absent_from_the_export(studio_home, studio_client, tmp_path):
    gold = gold_copy(tmp_path)
    push(project=PROJECT, home=studio_home, annotations_dir=gold, title="absent", predictions=False)
    doc_id, task_id = sorted(task_ids(studio_client, "absent").items())[0]
    studio_client.tasks.delete(id=str(task_id))
    before = tree_bytes(gold)
    result = pull(project=PROJECT, home=studio_home, annotations_dir=gold, title="absent")
    assert doc_id not in {c.doc_id for c in result.changes}
    assert tree_bytes(gold) == before


def test_pull_refuses_to_drop_annotations_the_server_never_had(studio_home, tmp_path):
    push(project=PROJECT, home=studio_home, annotations_dir=tmp_path / "empty", title="unsynced")
    gold = gold_copy(tmp_path)
    before = tree_bytes(gold)
    with pytest.raises(UnsyncedAnnotations, match="tahqiq studio push"):
        pull(project=PROJECT, home=studio_home, annotations_dir=gold, title="unsynced")
    assert tree_bytes(gold) == before


def test_ui_annotation_comes_back_validates_builds_and_loads(studio_home, studio_client, emoji_project, tmp_path):
    annotations = gold_copy(tmp_path)  # new work joins the gold of both splits
    push(project=emoji_project, home=studio_home, annotations_dir=annotations, title="ui-roundtrip")
    task_id = task_ids(studio_client, "ui-roundtrip")[EMOJI_DOC]
    made = studio_client.annotations.create(id=task_id, result=ui_annotation(EMOJI_TEXT))

    result = pull(project=emoji_project, home=studio_home, annotations_dir=annotations, title="ui-roundtrip")
    (change,) = [c for c in result.changes if c.written]
    assert (change.doc_id, change.added, change.relations_added) == (EMOJI_DOC, 3, 2)
    assert change.annotations_added == [made.id]
    assert validate_paths([annotations], labels=LABELS, manifest=emoji_project.manifest).report.ok

    out = tmp_path / "hub"
    build(project=emoji_project, annotations=[annotations], out=out)
    cache = str(tmp_path / "hf-cache")  # fresh: a warm cache can serve stale Parquet
    (doc,) = [d for d in load_dataset(str(out), "documents", cache_dir=cache)["train"] if d["doc_id"] == EMOJI_DOC]
    assert doc["text"] == EMOJI_TEXT
    (entity,) = doc["entities"]
    assert entity["start"] == EMOJI_TEXT.index("إنفيديا") == 12  # code points: the emoji counts once
    assert doc["text"][entity["start"]:entity["end"]] == entity["text"] == "إنفيديا"
    (number,) = doc["numbers"]
    assert (number["text"], number["value"], number["unit"]) == ("30 مليار دولار", 30e9, "USD")
    (claim,) = doc["claims"]
    assert (claim["number_ids"], claim["source_ids"]) == ([number["id"]], [entity["id"]])

    studio_client.annotations.update(id=made.id, result=[
        {**item, "value": {**item["value"], "choices": ["yes"]}} if item.get("from_name") == "approximate"
        else item for item in ui_annotation(EMOJI_TEXT)])
    again = pull(project=emoji_project, home=studio_home, annotations_dir=annotations, title="ui-roundtrip")
    (change,) = [c for c in again.changes if c.written]
    assert (change.added, change.changed, change.removed) == (0, 1, 0)


def test_invalid_annotations_make_pull_fail_and_write_nothing(studio_home, studio_client, emoji_project,
                                                              tmp_path, capsys):
    annotations = tmp_path / "annotations"
    push(project=emoji_project, home=studio_home, annotations_dir=annotations, title="invalid",
         predictions=False)
    ids = task_ids(studio_client, "invalid")
    studio_client.annotations.create(id=ids[EMOJI_DOC], result=ui_annotation(EMOJI_TEXT))
    pull(project=emoji_project, home=studio_home, annotations_dir=annotations, title="invalid")
    before = tree_bytes(annotations)
    assert before

    seed = emoji_project.manifest.by_id["003_8fcc2d3a299a1784"]
    text = seed.read_text()
    past_end = span("BadOffs001", "entity", "ORG", text, len(text) - 3, len(text))
    past_end["value"]["end"] = len(text) + 40
    studio_client.annotations.create(id=ids[seed.doc_id], result=[past_end])
    studio_client.annotations.create(id=ids["000_d95377dd74b849ec"], result=[
        span("BadLabel01", "entity", "COMPANY", text, 0, 7)])

    with pytest.raises(PullRefused) as refused:
        pull(project=emoji_project, home=studio_home, annotations_dir=annotations, title="invalid")
    issues = {i.code: i for i in refused.value.report.errors}
    assert set(issues) == {"offset-out-of-range", "unknown-label"}
    assert issues["offset-out-of-range"].task_id == ids[seed.doc_id]
    assert issues["offset-out-of-range"].region_id == "BadOffs001"
    assert issues["offset-out-of-range"].pointer.endswith("/value/end")
    assert issues["unknown-label"].region_id == "BadLabel01"
    assert issues["unknown-label"].pointer.endswith("/result/0/value/labels/0")
    assert tree_bytes(annotations) == before

    code = main(["--project", str(emoji_project.root), "studio", "pull", "--studio-dir", str(studio_home.root),
                 "--title", "invalid", "--annotations-dir", str(annotations)])
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.out + out.err
    assert "[offset-out-of-range]" in out.out and "[unknown-label]" in out.out and "nothing written" in out.out
    assert tree_bytes(annotations) == before


def test_push_from_a_published_repo_reopens_the_gold(studio_home, studio_client, built_repo, tmp_path):
    """A correction cycle from the built Hub repo alone: push --from it, pull into an empty folder, get the gold."""
    summary = push(project=PROJECT, home=studio_home, annotations_dir=tmp_path / "not-used", title="reopened",
                   source=str(built_repo), predictions=False)
    tasks = validate_paths([ANNOTATIONS_DIR], labels=LABELS, manifest=MANIFEST).tasks
    n_annotations = sum(len(t.annotations) for t in tasks)
    assert summary.counts["tasks created"] == len(MANIFEST.documents)
    assert summary.counts["annotations created"] == n_annotations
    assert sum(len(t.annotations) for t in studio_client.tasks.list(project=summary.project_id)) == n_annotations
    fresh = tmp_path / "annotations"
    pull(project=PROJECT, home=studio_home, annotations_dir=fresh, title="reopened")
    assert tree_bytes(fresh) == tree_bytes(ANNOTATIONS_DIR)


def test_push_from_a_missing_source_is_a_clear_error(studio_home, tmp_path, capsys):
    code = main(["studio", "push", "--studio-dir", str(studio_home.root), "--title", "nowhere",
                 "--from", str(tmp_path / "no-such-build")])
    out = capsys.readouterr()
    assert code == 2 and "Traceback" not in out.out + out.err
    assert "no-such-build" in out.err


def as_the_web_ui_saves(result: list[dict]) -> list[dict]:
    """What Label Studio's editor sends on Update: number/choices items carry their region's text, whole numbers
    are integers."""
    spans = {i["id"]: i["value"]["text"] for i in result if i["type"] == "labels"}
    saved = []
    for item in result:
        item = {**item, "value": dict(item.get("value", {}))} if item["type"] != "relation" else item
        if item["type"] in ("number", "choices"):
            item["value"]["text"] = spans[item["id"]]
        if item["type"] == "number" and float(item["value"]["number"]).is_integer():
            item["value"]["number"] = int(item["value"]["number"])
        saved.append(item)
    return saved


def test_an_unchanged_save_in_the_editor_pulls_back_byte_identical(studio_home, studio_client, tmp_path):
    gold = gold_copy(tmp_path)
    before = tree_bytes(gold)
    summary = push(project=PROJECT, home=studio_home, annotations_dir=gold, title="resave", predictions=False)
    saved = 0
    for task in studio_client.tasks.list(project=summary.project_id):
        for annotation in task.annotations:
            studio_client.annotations.update(id=annotation["id"], result=as_the_web_ui_saves(annotation["result"]))
            saved += 1
    assert saved >= 5
    result = pull(project=PROJECT, home=studio_home, annotations_dir=gold, title="resave")
    assert [c.written for c in result.changes] == [False] * 5
    assert tree_bytes(gold) == before


def test_two_tasks_for_one_document_are_refused_by_push_and_pull(studio_home, studio_client, tmp_path, capsys):
    annotations = gold_copy(tmp_path)
    push(project=PROJECT, home=studio_home, annotations_dir=annotations, title="twins", predictions=False)
    ids = task_ids(studio_client, "twins")
    doc_id = sorted(ids)[0]
    original = studio_client.tasks.get(id=ids[doc_id])
    twin = studio_client.tasks.create(project=original.project, data=dict(original.data))
    before = tree_bytes(annotations)
    for command in ("push", "pull"):
        code = main(["studio", command, "--studio-dir", str(studio_home.root), "--title", "twins",
                     "--annotations-dir", str(annotations)])
        out = capsys.readouterr()
        assert code == 1 and "Traceback" not in out.out + out.err
        assert "[duplicate-doc-id]" in out.out
        assert f"Label Studio tasks {ids[doc_id]} and {twin.id} both hold {doc_id}" in out.out
    assert tree_bytes(annotations) == before
    assert len(studio_client.tasks.get(id=twin.id).annotations or []) == 0  # push sent nothing to either twin
