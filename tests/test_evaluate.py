"""`tahqiq evaluate`: precision / recall of predictions against the gold, on hand-made cases with known counts,
on the built-in pre-annotators over the repository's gold, and through its command."""

from __future__ import annotations

import json
import shutil

import pytest

from tahqiq.baselines import PRE_ANNOTATORS
from tahqiq.cli import main
from tahqiq.errors import Refused
from tahqiq.evaluate import evaluate
from tahqiq.gold import gold_documents
from tahqiq.validate import validate_paths

from conftest import ANNOTATIONS_DIR, LABELS, MANIFEST, PROJECT

DOC = "003_8fcc2d3a299a1784"


@pytest.fixture(scope="module")
def text() -> str:
    return MANIFEST.by_id[DOC].read_text()


def region(rid: str, layer: str, label: str, text: str, surface: str, attrs: dict | None = None,
           after: str = "") -> list[dict]:
    """Result items of one region: the first `surface` at or after the first `after`."""
    start = text.index(surface, text.index(after))
    end = start + len(surface)
    items = [{"id": rid, "from_name": layer, "to_name": "text", "type": "labels",
              "value": {"start": start, "end": end, "text": surface, "labels": [label]}}]
    for name, (control, value) in (attrs or {}).items():
        key = {"number": "number", "textarea": "text", "choices": "choices"}[control]
        items.append({"id": rid, "from_name": name, "to_name": "text", "type": control,
                      "value": {"start": start, "end": end, key: value if control == "number" else [value]}})
    return items


def number_attrs(bound: str) -> dict:
    return {"value": ("number", 294000.0), "unit": ("textarea", "USD"), "kind": ("choices", "money"),
            "bound": ("choices", bound), "approximate": ("choices", "no")}


@pytest.fixture
def gold_dir(tmp_path, text):
    result = (region("e1", "entity", "ORG", text, "DeepSeek")
              + region("e2", "entity", "NORP", text, "الصينية", after="DeepSeek")
              + region("n1", "number", "NUM", text, "294 ألف دولار", number_attrs("point")))
    task = {"id": 4, "data": {"text": text, "doc_id": DOC}, "annotations": [
        {"id": 40, "completed_by": 1, "ground_truth": True, "result": result}]}
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / f"{DOC}.json").write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    assert validate_paths([folder], labels=LABELS, manifest=MANIFEST).report.ok
    return folder


def predictions_file(tmp_path, text, result: list[dict], model_version: str = "m1"):
    path = tmp_path / "predictions.json"
    tasks = [{"id": 9, "data": {"text": text, "doc_id": DOC},
              "predictions": [{"model_version": model_version, "result": result}]},
             {"id": 8, "data": {"text": "نص", "doc_id": "not-in-the-gold"},
              "predictions": [{"model_version": model_version, "result": []}]}]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def test_counts_exact_and_overlap_matches(gold_dir, tmp_path, text):
    result = (region("p1", "entity", "ORG", text, "DeepSeek")  # exact
              + region("p2", "entity", "NORP", text, "DeepSeek الصينية")  # overlaps e2, same label
              + region("p3", "entity", "ORG", text, "محور بلس")  # spurious
              + region("p4", "number", "NUM", text, "294 ألف دولار فقط", number_attrs("upper")))  # overlaps n1
    (score,) = evaluate(project=PROJECT, annotations=[gold_dir], predictions=[predictions_file(tmp_path, text, result)])
    assert score.model_version == "m1" and score.documents == [DOC]
    entity, number = score.layers["entity"], score.layers["number"]
    assert (entity.first, entity.second) == (2, 3)
    assert (entity.exact.tp, entity.exact.fp, entity.exact.fn) == (1, 2, 1)
    assert (entity.overlap.precision, entity.overlap.recall) == (2 / 3, 1.0)
    assert (number.exact.tp, number.overlap.tp) == (0, 1)
    assert number.attributes["kind"].exact == 1.0 and number.attributes["bound"].exact == 0.0
    assert "claim" not in score.layers  # nothing predicted there


def test_a_wrong_entity_label_is_not_a_match(gold_dir, tmp_path, text):
    result = region("p1", "entity", "PRODUCT", text, "DeepSeek")
    (score,) = evaluate(project=PROJECT, annotations=[gold_dir], predictions=[predictions_file(tmp_path, text, result)])
    assert score.layers["entity"].exact.tp == 0 and score.layers["entity"].overlap.tp == 0
    assert score.layers["entity"].attributes["label"].exact == 0.0


def test_invalid_predictions_are_refused_with_coded_issues(gold_dir, tmp_path, text):
    result = region("p1", "entity", "COMPANY", text, "DeepSeek")
    with pytest.raises(Refused) as refused:
        evaluate(project=PROJECT, annotations=[gold_dir], predictions=[predictions_file(tmp_path, text, result)])
    (issue,) = refused.value.report.errors
    assert issue.code == "unknown-label" and issue.pointer == "/0/predictions/0/result/0/value/labels/0"


def test_builtin_pre_annotators_against_the_repository_gold(tmp_path):
    gold = shutil.copytree(ANNOTATIONS_DIR, tmp_path / "annotations")
    manifest = MANIFEST
    docs = gold_documents(validate_paths([gold], labels=LABELS, manifest=MANIFEST).tasks, manifest=manifest)
    assert docs, "the repository's annotations/ holds no gold to evaluate against"
    scores = {s.model_version: s for s in evaluate(project=PROJECT, annotations=[gold])}
    assert set(scores) == {p.model_version for p in PRE_ANNOTATORS}
    for pre_annotator in PRE_ANNOTATORS:
        score = scores[pre_annotator.model_version]
        (layer,) = score.layers.values()
        assert list(score.layers) == [pre_annotator.layer]
        assert layer.first == sum(len(d.layer(pre_annotator.layer)) for d in docs)
        by_id = manifest.by_id
        assert layer.second == sum(len(pre_annotator.suggest(d.text, zones=by_id[d.doc_id].zones)) for d in docs)
        assert 0.0 < layer.overlap.precision <= 1.0 and 0.0 < layer.overlap.recall <= 1.0


def run(argv: list[str]) -> int:
    return main(["--project", str(PROJECT.root), *argv])


def test_command_prints_a_table_or_json(gold_dir, capsys):
    assert run(["evaluate", "--annotations", str(gold_dir)]) == 0
    assert "| numbers-rules-2 | number | 1 |" in capsys.readouterr().out
    assert run(["evaluate", "--annotations", str(gold_dir), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["layer"] for r in rows} == {"entity", "number", "claim"} and all(r["gold"] >= 0 for r in rows)


def test_command_refuses_invalid_gold_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    assert run(["evaluate", "--annotations", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "[json-invalid]" in out and "not evaluated" in out
