"""`tahqiq evaluate`, the benchmark's scorer: the gold scores 1.0 against itself, nervaluate and seqeval agree with
it, a prediction with one value wrong, one span shifted and one label changed lowers exactly the metrics it should,
bad prediction files are refused with codes, and the same input always gives the same output."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from nervaluate import Evaluator
from seqeval.metrics import f1_score

from tahqiq.cli import main
from tahqiq.errors import Refused
from tahqiq.evaluate import benchmark, evaluate, gold_lines, pre_annotator_lines
from tahqiq.metrics import bio_of, score

from conftest import LABELS, PROJECT

CONFIGS = ("entities", "numbers", "claims")


@pytest.fixture(scope="module")
def benches():
    return {config: benchmark(PROJECT, config=config, split="test") for config in CONFIGS}


def write_lines(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def scores_of(bench, lines: list[dict]):
    return score(bench.config, bench.rows, {line["id"]: line for line in lines}, labels=LABELS,
                 link_targets=bench.link_targets)


@pytest.mark.parametrize("config", CONFIGS)
def test_the_gold_scores_one_against_itself(benches, config):
    result = scores_of(benches[config], gold_lines(benches[config], LABELS))
    assert result.headline and all(m.value == m.low == m.high == 1.0 for m in result.headline.values())
    if config == "entities":
        assert all(s["f1"] == 1.0 for s in result.details["nervaluate"].values())
    else:
        key = "attribute_accuracy" if config == "numbers" else "attribute_macro_f1"
        assert all(v == 1.0 for v in result.details[key].values() if v is not None)


def test_nervaluate_and_seqeval_agree_with_the_scorer(benches):
    bench = benches["entities"]
    (lines,) = pre_annotator_lines(bench, PROJECT).values()
    result = scores_of(bench, list(lines.values()))
    gold = [[{"label": s["label"], "start": s["start"], "end": s["end"] - 1} for s in row["entities"]]
            for row in bench.rows]
    pred = [[{"label": s["label"], "start": s["start"], "end": s["end"] - 1}
             for s in (lines.get(row["id"]) or {}).get("entities", [])] for row in bench.rows]
    overall = Evaluator(gold, pred, tags=list(LABELS.layers["entity"].labels)).evaluate()["overall"]
    assert result.headline["strict_f1"].value == pytest.approx(overall["strict"].f1)
    for scheme in ("strict", "exact", "partial", "ent_type"):
        assert result.details["nervaluate"][scheme]["f1"] == pytest.approx(overall[scheme].f1)
    gold_tags = [row["ner_tags"] for row in bench.rows]
    pred_tags = [bio_of(row["text"], (lines.get(row["id"]) or {}).get("entities", []))[0] for row in bench.rows]
    assert gold_tags == [bio_of(row["text"], row["entities"])[0] for row in bench.rows]
    assert result.headline["seqeval_f1"].value == pytest.approx(f1_score(gold_tags, pred_tags))
    assert 0.0 < result.headline["strict_f1"].value < 1.0


def test_one_mistake_of_each_kind_lowers_exactly_its_metrics(benches):
    entities = gold_lines(benches["entities"], LABELS)
    line = next(x for x in entities if len(x["entities"]) >= 2)
    shifted, relabelled = line["entities"][0], line["entities"][1]
    shifted["end"] -= 1  # one span shifted: strict and exact drop, ent_type and partial keep it
    relabelled["label"] = "LAW" if relabelled["label"] != "LAW" else "ORG"  # one label: strict and ent_type drop
    result = scores_of(benches["entities"], entities)
    schemes = {k: v["f1"] for k, v in result.details["nervaluate"].items()}
    assert schemes["strict"] < schemes["exact"] < 1.0 and schemes["ent_type"] < 1.0
    assert schemes["partial"] < 1.0 and schemes["exact"] == schemes["ent_type"]

    numbers = gold_lines(benches["numbers"], LABELS)
    item = next(n for x in numbers for n in x["numbers"] if n.get("value"))
    item["value"] *= 10  # one value wrong: value F1 and value accuracy drop, span F1 does not
    result = scores_of(benches["numbers"], numbers)
    assert result.headline["span_f1_exact"].value == 1.0 and result.headline["value_f1"].value < 1.0
    accuracy = result.details["attribute_accuracy"]
    assert accuracy["value"] < 1.0 and accuracy["unit"] == accuracy["kind"] == 1.0


def test_a_system_that_predicts_nothing_scores_zero(benches, tmp_path):
    path = write_lines(tmp_path / "empty.jsonl", [{"id": benches["claims"].rows[0]["id"], "claims": []}])
    (result,) = evaluate(PROJECT, config="claims", predictions=path).values()
    assert result.headline
    assert {name: m.value for name, m in result.headline.items()} == dict.fromkeys(result.headline, 0.0)


@pytest.mark.parametrize(("change", "code"), [
    (lambda lines: lines[0].update(id="no-such-row"), "unknown-row-id"),
    (lambda lines: lines.append(copy.deepcopy(lines[0])), "duplicate-row-id"),
    (lambda lines: lines[0]["entities"][0].update(end=10**6), "offset-out-of-range"),
    (lambda lines: lines[0]["entities"][0].update(text="شيء آخر"), "span-text-mismatch"),
    (lambda lines: lines[0]["entities"][0].pop("label"), "schema-violation"),
    (lambda lines: lines[0]["entities"][0].update(label="COMPANY"), "unknown-label"),
])
def test_bad_prediction_files_are_refused_with_a_code(benches, tmp_path, change, code):
    lines = [x for x in gold_lines(benches["entities"], LABELS) if x["entities"]]
    lines[0]["entities"][0]["text"] = benches["entities"].by_id[lines[0]["id"]]["text"][
        lines[0]["entities"][0]["start"]:lines[0]["entities"][0]["end"]]
    change(lines)
    path = write_lines(tmp_path / "bad.jsonl", lines)
    with pytest.raises(Refused) as refused:
        evaluate(PROJECT, config="entities", predictions=path)
    assert code in {i.code for i in refused.value.report.errors}
    assert main(["evaluate", "--config", "entities", "--predictions", str(path)]) == 1


def test_the_same_input_gives_the_same_output(benches, tmp_path, capsys):
    path = write_lines(tmp_path / "gold.jsonl", gold_lines(benches["numbers"], LABELS))
    outputs = []
    for _ in range(2):
        assert main(["evaluate", "--config", "numbers", "--predictions", str(path), "--format", "json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and json.loads(outputs[0])["gold.jsonl"]["headline"]["value_f1"]["value"] == 1.0


def test_label_studio_exports_with_predictions_are_converted(benches, tmp_path):
    tasks = [t for p in sorted(PROJECT.annotations_dir.glob("*.json")) for t in json.loads(p.read_text("utf-8"))]
    for task in tasks:
        gold = next(a for a in task["annotations"] if a["ground_truth"])
        task["predictions"] = [{"model_version": "gold-copy", "result": gold["result"]}]
        del task["annotations"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    (result,) = evaluate(PROJECT, config="entities", predictions=path).values()
    assert all(m.value == 1.0 for m in result.headline.values())


def test_the_pre_annotators_are_scored_without_a_file(capsys):
    assert main(["evaluate", "--config", "numbers"]) == 0
    assert "numbers-rules" in capsys.readouterr().out


def test_a_plain_export_with_prediction_ids_says_what_to_do(tmp_path):
    tasks = [t for p in sorted(PROJECT.annotations_dir.glob("*.json")) for t in json.loads(p.read_text("utf-8"))]
    for task in tasks:
        task["predictions"] = [7]  # what Label Studio's plain JSON export holds
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Refused) as refused:
        evaluate(PROJECT, config="entities", predictions=path)
    assert all("ids only" in i.message for i in refused.value.report.errors)
