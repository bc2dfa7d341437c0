"""The baselines trained on the train split: their lines follow docs/predictions.md, they are deterministic, and no
text or label of the test split reaches them — test-split gold can be wiped without moving a prediction, while a
change to the train gold does move them. Small pieces (BIO decoding, the gazetteer, the claim span) are checked on
sentences with known answers."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tahqiq.baselines import run
from tahqiq.baselines.claim_classifier import train_claims
from tahqiq.baselines.crf import bio_spans
from tahqiq.baselines.gazetteer import train_gazetteer
from tahqiq.cli import baseline as cli_baseline
from tahqiq.project import Project

from conftest import ANNOTATIONS_DIR, LABELS, MANIFEST, PROJECT, ROOT, SEEDS_DIR, make_project

BASELINES = [("entities", "crf"), ("entities", "gazetteer"), ("numbers", None), ("claims", None)]
TEST_DOCS = {d.doc_id for d in MANIFEST.documents if d.split == "test"}
LAYER_OF = {layer.config: layer for layer in LABELS.layers.values()}


def all_predictions(project: Project, split: str = "test") -> dict[tuple[str, str | None], list[dict]]:
    rows = run.gold_rows(project)
    return {(config, model): run.predict_split(rows[config], config, split, model=model)
            for config, model in BASELINES}


@pytest.fixture(scope="module")
def gold() -> dict[str, dict[str, list[dict]]]:
    return run.gold_rows(PROJECT)


@pytest.fixture(scope="module")
def predictions() -> dict[tuple[str, str | None], list[dict]]:
    return all_predictions(PROJECT)


def _span_problems(span: dict, text: str, where: str) -> list[str]:
    start, end = span["start"], span["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return [f"{where}: offsets {start}..{end} outside a text of {len(text)}"]
    return [f"{where}: text differs"] if span.get("text", text[start:end]) != text[start:end] else []


def format_problems(line: dict, row: dict, config: str) -> list[str]:
    """What in one prediction line breaks docs/predictions.md for its row (labels and choices from labels.yaml)."""
    layer, where = LAYER_OF[config], line.get("id")
    problems = [] if line["id"] == row["id"] else [f"{where}: not the id of row {row['id']}"]
    allowed = {"id", config} | ({"has_claim"} if config == "claims" else set())
    problems += [f"{where}: unknown key {key}" for key in set(line) - allowed]
    for span in line[config]:
        problems += _span_problems(span, row["text"], where)
        if not layer.single_label and span["label"] not in layer.labels:
            problems.append(f"{where}: label {span['label']}")
        for name, attr in layer.attributes.items():
            value = span.get(name)
            if attr.choices and value not in (*attr.choices, None):
                problems.append(f"{where}: {name} {value!r}")
            if attr.control.feature == "float" and not isinstance(value, (int, float, type(None))):
                problems.append(f"{where}: {name} {value!r} is not a number")
        for link in span.get("links", []):
            if link["relation"] not in {"has_number", "about", "source"}:
                problems.append(f"{where}: relation {link['relation']}")
            problems += _span_problems(link, row["text"], where)
    if config == "claims" and line.get("has_claim") not in ("yes", "no", None):
        problems.append(f"{where}: has_claim {line['has_claim']!r}")
    return problems


@pytest.mark.parametrize("config, model", BASELINES)
def test_lines_follow_the_prediction_format(config, model, predictions, gold):
    lines, rows = predictions[(config, model)], gold[config]["test"]
    assert [line["id"] for line in lines] == [row["id"] for row in rows]  # every row of the split, once, in order
    assert [p for line, row in zip(lines, rows, strict=True) for p in format_problems(line, row, config)] == []
    assert any(line[config] for line in lines)  # each baseline finds something


def test_the_format_check_finds_problems(gold):
    row = gold["entities"]["test"][0]
    bad = {"id": row["id"], "entities": [{"start": 0, "end": len(row["text"]) + 1, "label": "PERSON"}], "x": 1}
    assert len(format_problems(bad, row, "entities")) == 3


def test_output_is_the_same_in_two_processes():
    """Two fresh processes with different hash seeds print the same predictions for every baseline."""
    code = ("import json; from tahqiq.baselines import run; from tahqiq.project import find_project; "
            f"rows = run.gold_rows(find_project()); print(json.dumps([run.predict_split(rows[c], c, 'test', model=m) "
            f"for c, m in {BASELINES!r}], ensure_ascii=False))")
    outputs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                              env=os.environ | {"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert outputs[0] == outputs[1] and json.loads(outputs[0])


def changed_copy(folder: Path, change: Callable[[dict], None]) -> Project:
    """A project with this repository's seeds and annotations, `change` applied to every task."""
    project = make_project(folder, SEEDS_DIR)
    shutil.copytree(ANNOTATIONS_DIR, project.annotations_dir)
    for path in sorted(project.annotations_dir.glob("*.json")):
        tasks = json.loads(path.read_text(encoding="utf-8"))
        for task in tasks:
            change(task)
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return project


def test_test_split_gold_never_reaches_a_baseline(tmp_path, predictions):
    """Every region of every test-split annotation deleted: the test-split predictions do not move."""
    def wipe_test(task: dict) -> None:
        if task["data"]["doc_id"] in TEST_DOCS:
            for annotation in task["annotations"]:
                annotation["result"] = []

    wiped = changed_copy(tmp_path / "wiped", wipe_test)
    assert not any(row["entities"] for row in run.gold_rows(wiped)["entities"]["test"])  # the change took
    assert all_predictions(wiped) == predictions


def test_train_split_gold_shapes_the_trained_baselines(tmp_path, predictions):
    """Train entities relabelled LAW and train claims typed `policy`: every trained baseline moves, the rules
    (numbers) do not."""
    def relabel_train(task: dict) -> None:
        if task["data"]["doc_id"] not in TEST_DOCS:
            for item in (i for a in task["annotations"] for i in a["result"]):
                if item.get("from_name") == "entity":
                    item["value"]["labels"] = ["LAW"]
                elif item.get("from_name") == "claim_type":
                    item["value"]["choices"] = ["policy"]

    moved = all_predictions(changed_copy(tmp_path / "relabelled", relabel_train))
    for baseline in BASELINES:
        assert (moved[baseline] == predictions[baseline]) == (baseline == ("numbers", None)), baseline
    found = [span for line in moved[("entities", "gazetteer")] for span in line["entities"]]
    assert any(span["label"] == "LAW" for span in found)
    assert {c["claim_type"] for line in moved[("claims", None)] for c in line["claims"]} == {"policy"}


def tahqiq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tahqiq", *args], capture_output=True, text=True, cwd=ROOT)


def test_the_command_prints_one_json_line_per_row(gold):
    done = tahqiq("baseline", "--config", "entities", "--model", "gazetteer", "--split", "test")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == [row["id"] for row in gold["entities"]["test"]]


@pytest.mark.parametrize("args, message", [
    (["--config", "documents"], "invalid choice"),
    (["--config", "numbers", "--model", "crf"], "--model chooses an entity baseline"),
    (["--config", "claims", "--split", "dev"], "no split 'dev'"),
])
def test_the_command_refuses_what_it_cannot_do(args, message):
    done = tahqiq("baseline", *args)
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""
    assert "Traceback" not in done.stderr


def test_the_command_offers_what_the_library_has():
    assert cli_baseline.CONFIGS == run.CONFIGS and cli_baseline.ENTITY_MODELS == run.ENTITY_MODELS


def test_bio_tags_become_spans():
    tokens = [(0, 3), (4, 7), (8, 9), (10, 12), (13, 15)]
    assert bio_spans(tokens, ["B-ORG", "I-ORG", "O", "I-PERS", "B-PERS"]) == [
        (0, 7, "ORG"), (10, 12, "PERS"), (13, 15, "PERS")]


def test_the_gazetteer_takes_the_frequent_label_the_longest_name_and_leaves_proclitics_outside():
    mentions = [("ديب سيك", "ORG"), ("ديب سيك", "PRODUCT"), ("ديب سيك", "ORG"), ("سيك", "PERS")]
    gazetteer = train_gazetteer([{"entities": [{"text": t, "label": label} for t, label in mentions]}])
    text = "وبديب سيك أعلنت، وسيك"
    assert [(text[e["start"]:e["end"]], e["label"]) for e in gazetteer.predict(text, "body")["entities"]] == [
        ("ديب سيك", "ORG"), ("سيك", "PERS")]


def test_a_claim_spans_the_trimmed_sentence_with_its_numbers():
    """With one class seen in training, each classifier answers the majority value."""
    claim = {"text": "بلغت التكلفة 6 ملايين دولار", "checkworthy": "yes", "claim_type": "cost", "modality": "asserted"}
    classifier = train_claims([{"text": claim["text"], "zone": "body", "has_claim": "yes", "claims": [claim]}])
    text = "وبلغت تكلفة التدريب 6 ملايين دولار."
    line = classifier.predict(text, "body")
    assert line["has_claim"] == "yes"
    (predicted,) = line["claims"]
    assert predicted["text"] == "بلغت تكلفة التدريب 6 ملايين دولار"
    assert (predicted["checkworthy"], predicted["claim_type"], predicted["modality"]) == ("yes", "cost", "asserted")
    assert [text[link["start"]:link["end"]] for link in predicted["links"]] == ["6 ملايين دولار"]
    assert classifier.predict(text, "caption") == {"has_claim": "no", "claims": []}


def test_the_card_reports_what_the_printed_commands_reproduce(built_repo, tmp_path):
    """Every baseline figure in the built card equals what `tahqiq baseline … > f.jsonl` and `tahqiq evaluate
    --predictions f.jsonl` print."""
    readme = (built_repo / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Benchmark results")[1].split("The rule-based pre-annotators offered")[0]
    commands = re.findall(r"^(tahqiq baseline .*) > (\S+)\n(tahqiq evaluate .*)$", section, flags=re.M)
    assert len(commands) == 4
    tahqiq = str(Path(sys.executable).parent / "tahqiq")
    for baseline, out, evaluate in commands:
        lines = subprocess.run([tahqiq, *baseline.split()[1:]], cwd=ROOT, capture_output=True, text=True, check=True)
        (tmp_path / out).write_text(lines.stdout, encoding="utf-8")
        scored = subprocess.run([tahqiq, *evaluate.split()[1:], "--format", "json"], cwd=tmp_path,
                                capture_output=True, text=True, env={**os.environ, "TAHQIQ_PROJECT": str(ROOT)})
        assert scored.returncode == 0, scored.stderr
        (result,) = json.loads(scored.stdout).values()
        config = evaluate.split("--config ")[1].split()[0]
        system = re.search(r"--model (\w+)", baseline).group(1) if "--model" in baseline else f"{config} baseline"
        for metric, m in result["headline"].items():
            row = f"| `{config}` | {system} | `{metric}` | {100 * m['value']:.1f} | " \
                  f"{100 * m['low']:.1f}–{100 * m['high']:.1f} |"
            assert row in section, row
