"""`annotations/`: one Label Studio task per document, stored in a stable, diff-friendly form.

Only what the gold depends on is kept (volatile server fields such as timestamps are dropped); keys are sorted and
result items ordered by region position, so re-exporting unchanged work gives byte-identical files."""

from __future__ import annotations

import json
from pathlib import Path

from tahqiq.errors import DataError
from tahqiq.labels import CONTROLS
from tahqiq.model import annotator_id

TASK_KEYS = ("id", "data", "meta", "annotations")
ANNOTATION_KEYS = ("id", "completed_by", "ground_truth", "was_cancelled", "result")
ITEM_KEYS = ("id", "from_name", "to_name", "type", "value", "origin", "from_id", "to_id", "direction", "labels")
_ITEM_KEY_SET = frozenset(ITEM_KEYS)


def _item_order(result: list[dict], attribute_order: list[str]) -> list[dict]:
    spans = {item["id"]: item for item in result if item["type"] == "labels"}
    rank = {name: i for i, name in enumerate(attribute_order)}

    def key(item: dict) -> tuple:
        if item["type"] == "relation":
            return (2, 0, 0, "", item["from_id"], item["to_id"], ",".join(item["labels"]))
        span = spans.get(item["id"], item)
        start, end = span["value"].get("start", 0), span["value"].get("end", 0)
        attr_rank = -1 if item["type"] == "labels" else rank.get(item["from_name"], len(rank))
        return (1, start, -end, span.get("from_name", ""), item["id"], attr_rank, "")

    return sorted(result, key=key)


def _canonical_item(item: dict) -> dict:
    """The item's own keys. A number or choices attribute drops the copy of its region's text that the web UI adds
    on save (the span item holds the text; a textarea's `text` is its value and stays), and a number is always a
    float (the UI saves 17 where the gold says 17.0), so a save without changes gives the same bytes. An item that
    is canonical already is returned as it is (most are: copying them all is most of the cost)."""
    kept = item if item.keys() <= _ITEM_KEY_SET else {k: item[k] for k in ITEM_KEYS if k in item}
    control = CONTROLS.get(item["type"])
    if control is None or control.key == "text":
        return kept
    value = item["value"]
    number = control.feature == "float" and control.key in value
    if "text" not in value and not (number and type(value[control.key]) is not float):
        return kept
    value = {k: v for k, v in value.items() if k != "text"}
    if number:
        value[control.key] = float(value[control.key])
    return {**kept, "value": value}


def canonical_task(task: dict, *, attribute_order: list[str]) -> dict:
    annotations = []
    for annotation in sorted(task.get("annotations", []), key=lambda a: a["id"]):
        kept = {k: annotation[k] for k in ANNOTATION_KEYS if k in annotation}
        kept["completed_by"] = annotator_id(annotation.get("completed_by"))
        kept.setdefault("ground_truth", False)
        kept.setdefault("was_cancelled", False)
        kept["result"] = [_canonical_item(item) for item in _item_order(annotation["result"], attribute_order)]
        annotations.append(kept)
    out = {k: task[k] for k in TASK_KEYS if k in task}
    out["annotations"] = annotations
    return out


def dumps_tasks(tasks: list[dict]) -> str:
    return json.dumps(tasks, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def task_file(directory: Path, task: dict) -> Path:
    """`<directory>/<doc_id>.json`; a doc id that would lead anywhere else is refused (the schema forbids it too)."""
    path = directory / f"{task['data']['doc_id']}.json"
    if path.resolve().parent != directory.resolve():
        raise DataError(f"doc_id {task['data']['doc_id']!r} is not a plain file name; nothing was written")
    return path
