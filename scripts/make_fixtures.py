"""Regenerate the test fixtures from the gold: a small real-format export cut from two seed articles; one golden
invalid case per validation code (tests/cases/<code>/), each a single mutation of that fixture stored as a JSON
Patch (RFC 6902) beside the (code, JSON pointer) pairs it must produce; and valid near misses
(tests/near-misses/<name>/patch.json) that look suspicious but must validate clean. A case that is not JSON at all
is stored as the bytes themselves (export.json).

Run after the gold of the source lines changes: `.venv/bin/python scripts/make_fixtures.py`."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sys
from pathlib import Path

import jsonpatch
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CASES = ROOT / "tests" / "cases"
NEAR_MISSES = ROOT / "tests" / "near-misses"
EMPTY_FOLDER = object()  # a case whose input is a folder holding no export
# (fixture doc id, source doc id, first line, last line (exclusive), split, zones of the slice's lines)
SLICES = [
    ("fx-004", "004_22cbe569029b1730", 9, 13, "train", {}),
    ("fx-001", "001_5cf1961b90bbc695", 0, 11, "test",
     {"title": [0], "byline": [2], "dateline": [4], "caption": [6, 8]}),
]


def _gold(doc_id: str) -> tuple[str, list[dict]]:
    (task,) = json.loads((ROOT / "annotations" / f"{doc_id}.json").read_text(encoding="utf-8"))
    (gold,) = [a for a in task["annotations"] if a["ground_truth"]]
    return task["data"]["text"], gold["result"]


def cut(doc_id: str, first: int, last: int) -> tuple[str, list[dict]]:
    """The text of lines [first, last) and the gold items wholly inside it, offsets shifted."""
    text, result = _gold(doc_id)
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[:first])
    piece = "\n".join(lines[first:last])
    end = start + len(piece)
    spans = {i["id"]: i for i in result if i["type"] == "labels"}
    keep = {rid for rid, i in spans.items() if start <= i["value"]["start"] and i["value"]["end"] <= end}
    items = []
    for item in result:
        if item["type"] == "relation":
            if item["from_id"] in keep and item["to_id"] in keep:
                items.append(item)
        elif item["id"] in keep:
            item = copy.deepcopy(item)
            item["value"]["start"] -= start
            item["value"]["end"] -= start
            items.append(item)
    return piece, items


def make_fixture() -> list[dict]:
    seeds = FIXTURES / "seeds"
    shutil.rmtree(seeds, ignore_errors=True)
    seeds.mkdir(parents=True)
    manifest = {"copyright": "Excerpts of the Tahqiq seed articles; copyright remains with their publishers.",
                "documents": []}
    tasks = []
    for number, (fx_id, doc_id, first, last, split, zones) in enumerate(SLICES, start=1):
        text, items = cut(doc_id, first, last)
        (seeds / f"{fx_id}.txt").write_bytes(text.encode("utf-8"))
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        title = text.split("\n")[0] if "title" in zones else None
        manifest["documents"].append({"doc_id": fx_id, "sha256": sha, "title": title, "source": None,
                                      "language": "ar", "split": split, "zones": zones})
        tasks.append({"id": number, "data": {"doc_id": fx_id, "text": text}, "meta": {"sha256": sha},
                      "annotations": [{"id": number * 10 + 1, "completed_by": 1, "ground_truth": True,
                                       "was_cancelled": False, "result": items}]})
    (seeds / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    (FIXTURES / "export.json").write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
    return tasks


def find(result: list[dict], *, text: str | None = None, from_name: str = "entity", type_: str = "labels",
         region: str | None = None) -> int:
    """Index of the first item matching the span text (or region id), control name and type."""
    spans = {i["id"]: i for i in result if i["type"] == "labels"}
    for index, item in enumerate(result):
        if item.get("from_name") != from_name or item["type"] != type_:
            continue
        if region is not None and item["id"] == region:
            return index
        if text is not None and spans[item["id"]]["value"]["text"] == text:
            return index
    raise LookupError(f"no {from_name}/{type_} item for {text or region!r}")


def R(task: int, index: int, *rest: object) -> str:  # noqa: N802 - a pointer into the result list
    return "/" + "/".join(str(p) for p in (task, "annotations", 0, "result", index, *rest))


def attr_item(region: dict, name: str, kind: str, payload: dict) -> dict:
    value = {"start": region["value"]["start"], "end": region["value"]["end"], **payload}
    return {"id": region["id"], "from_name": name, "to_name": "text", "type": kind, "origin": "manual",
            "value": value}


def number_region(rid: str, text: str, start: int, value: float, unit: str, kind: str) -> list[dict]:
    span = {"id": rid, "from_name": "number", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": start + len(text), "text": text, "labels": ["NUM"]}}
    return [span, attr_item(span, "value", "number", {"number": value}),
            attr_item(span, "unit", "textarea", {"text": [unit]}),
            attr_item(span, "kind", "choices", {"choices": [kind]}),
            attr_item(span, "bound", "choices", {"choices": ["point"]}),
            attr_item(span, "approximate", "choices", {"choices": ["no"]})]


def cases(base: list[dict]) -> dict[str, tuple[object, list[list[str]]]]:
    """code -> (file content: tasks or raw bytes, expected [[code, pointer], …])."""
    out: dict[str, tuple[object, list[list[str]]]] = {}

    def case(code, mutate, expected):
        tasks = copy.deepcopy(base)
        result = mutate(tasks)
        out[code] = (result if isinstance(result, bytes) or result is EMPTY_FOLDER else tasks, expected)

    a_text = base[0]["data"]["text"]
    a = base[0]["annotations"][0]["result"]
    b = base[1]["annotations"][0]["result"]
    i_deepseek = find(a, text="ديب سييك")
    i_2048 = find(a, text="2048 وحدة معالجة رسوم", from_name="number")
    i_2048_value = find(a, text="2048 وحدة معالجة رسوم", from_name="value", type_="number")
    i_2048_unit = find(a, text="2048 وحدة معالجة رسوم", from_name="unit", type_="textarea")
    i_2048_kind = find(a, text="2048 وحدة معالجة رسوم", from_name="kind", type_="choices")
    i_2048_bound = find(a, text="2048 وحدة معالجة رسوم", from_name="bound", type_="choices")
    i_range_max = find(a, text="نحو 20-40 مرة", from_name="value_max", type_="number")
    i_range_value = find(a, text="نحو 20-40 مرة", from_name="value", type_="number")
    i_relation = next(i for i, item in enumerate(a) if item["type"] == "relation")
    linked = {x for item in a if item["type"] == "relation" for x in (item["from_id"], item["to_id"])}
    free_entities = [i for i, item in enumerate(a) if item.get("from_name") == "entity" and item["id"] not in linked]
    i_free, i_free2 = free_entities[0], free_entities[1]
    n_a = len(a)

    case("file-unreadable", lambda t: b"\xff\xfe[not utf-8", [["file-unreadable", ""]])
    case("json-invalid", lambda t: json.dumps(t, ensure_ascii=False)[:-40].encode("utf-8"),
         [["json-invalid", ""]])
    case("file-too-large", lambda t: None, [["file-too-large", ""]])  # checked with a 1 kB limit (limits.json)
    case("json-too-deep", lambda t: b"[" * 5000 + b"]" * 5000, [["json-too-deep", ""]])
    case("empty-export", lambda t: b"[]\n", [["empty-export", ""]])
    case("empty-input", lambda t: EMPTY_FOLDER, [["empty-input", ""]])
    case("doc-id-invalid", lambda t: t[0]["data"].update(doc_id="../../outside"),
         [["doc-id-invalid", "/0/data/doc_id"]])

    def repeat(t):
        twin = copy.deepcopy(a[i_free])
        twin["id"] = "e-repeat"
        t[0]["annotations"][0]["result"].append(twin)
    case("duplicate-span", repeat, [["duplicate-span", R(0, n_a)]])
    case("number-negative", lambda t: t[0]["annotations"][0]["result"][i_2048_value]["value"].update(number=-2048),
         [["number-negative", R(0, i_2048_value)], ["number-digits-mismatch", R(0, i_2048_value)]])
    def predicted_twice(t):
        for task in t:
            result = task.pop("annotations")[0]["result"]
            task["predictions"] = [{"model_version": "m1", "result": result}, {"model_version": "m1", "result": result}]
    case("duplicate-prediction", predicted_twice,
         [["duplicate-prediction", "/0/predictions/1"], ["duplicate-prediction", "/1/predictions/1"]])
    row = json.dumps({"id": "fx-001-000", "entities": []})
    case("unknown-row-id", lambda t: (row.replace("fx-001-000", "fx-001-999") + "\n").encode(),
         [["unknown-row-id", "/0/id"]])
    case("duplicate-row-id", lambda t: (row + "\n" + row + "\n").encode(), [["duplicate-row-id", "/1/id"]])
    case("schema-violation", lambda t: t[0]["annotations"][0]["result"][i_deepseek]["value"].update(start="5"),
         [["schema-violation", R(0, i_deepseek, "value", "start")]])
    case("unknown-label", lambda t: t[0]["annotations"][0]["result"][i_deepseek]["value"].update(labels=["COMPANY"]),
         [["unknown-label", R(0, i_deepseek, "value", "labels", 0)]])
    case("unknown-choice", lambda t: t[0]["annotations"][0]["result"][i_2048_kind]["value"].update(choices=["amount"]),
         [["unknown-choice", R(0, i_2048_kind, "value", "choices", 0)]])

    def dup_task(t):
        twin = copy.deepcopy(t[1])
        twin["id"] = t[0]["id"]
        t[1] = twin
    case("duplicate-task-id", dup_task, [["duplicate-task-id", "/1/id"]])

    def dup_doc(t):
        twin = copy.deepcopy(t[0])
        twin["id"] = 99
        twin["annotations"][0]["id"] = 991
        t.append(twin)
    case("duplicate-doc-id", dup_doc, [["duplicate-doc-id", "/2/data/doc_id"]])
    case("duplicate-annotation-id", lambda t: t[1]["annotations"][0].update(id=t[0]["annotations"][0]["id"]),
         [["duplicate-annotation-id", "/1/annotations/0/id"]])
    case("duplicate-region", lambda t: t[0]["annotations"][0]["result"][i_free2].update(id=a[i_free]["id"]),
         [["duplicate-region", R(0, i_free2)]])
    case("offset-out-of-range",
         lambda t: t[0]["annotations"][0]["result"][i_free]["value"].update(end=len(a_text) + 5),
         [["offset-out-of-range", R(0, i_free, "value", "end")]])
    case("offset-not-integer",
         lambda t: t[0]["annotations"][0]["result"][i_free]["value"].update(start=float(a[i_free]["value"]["start"])),
         [["offset-not-integer", R(0, i_free, "value", "start")]])
    case("span-text-mismatch", lambda t: t[0]["annotations"][0]["result"][i_free]["value"].update(text="شيء آخر"),
         [["span-text-mismatch", R(0, i_free, "value", "text")]])

    def untrim(t):
        value = t[0]["annotations"][0]["result"][i_deepseek]["value"]
        value["end"] += 1
        value["text"] = a_text[value["start"]:value["end"]]
    case("span-untrimmed", untrim, [["span-untrimmed", R(0, i_deepseek, "value", "text")]])
    case("attribute-orphan", lambda t: t[0]["annotations"][0]["result"][i_2048_unit].update(id="zz-none"),
         [["attribute-orphan", R(0, i_2048_unit)],  # level 3 still checks the region: its unit is now missing
          ["attribute-missing", R(0, i_2048)]])

    def wrong_layer(t):
        t[0]["annotations"][0]["result"].append(attr_item(a[i_deepseek], "kind", "choices", {"choices": ["count"]}))
    case("attribute-wrong-layer", wrong_layer, [["attribute-wrong-layer", R(0, n_a)]])
    case("attribute-span-mismatch",
         lambda t: t[0]["annotations"][0]["result"][i_2048_unit]["value"].update(start=a[i_2048]["value"]["start"] + 1),
         [["attribute-span-mismatch", R(0, i_2048_unit)]])
    case("attribute-duplicate", lambda t: t[0]["annotations"][0]["result"].append(copy.deepcopy(a[i_2048_bound])),
         [["attribute-duplicate", R(0, n_a)]])
    case("relation-dangling", lambda t: t[0]["annotations"][0]["result"][i_relation].update(to_id="nope"),
         [["relation-dangling", R(0, i_relation, "to_id")]])

    case("relation-duplicate", lambda t: t[0]["annotations"][0]["result"].append(copy.deepcopy(a[i_relation])),
         [["relation-duplicate", R(0, n_a)]])

    def wrong_rel(t):
        rel = t[0]["annotations"][0]["result"][i_relation]
        rel.update(labels=["has_number"], to_id=a[i_deepseek]["id"])
    case("relation-wrong-layer", wrong_rel, [["relation-wrong-layer", R(0, i_relation, "to_id")]])
    case("seed-mismatch", lambda t: t[0]["data"].update(text=a_text + "\n"), [["seed-mismatch", "/0/data/text"]])
    case("unknown-doc-id", lambda t: t[0]["data"].update(doc_id="fx-missing"), [["unknown-doc-id", "/0/data/doc_id"]])
    case("no-annotation", lambda t: t[0].update(annotations=[]), [["no-annotation", "/0/annotations"]])

    def second_live(t, ground_truth):
        twin = copy.deepcopy(t[0]["annotations"][0])
        twin.update(id=999, completed_by=2, ground_truth=ground_truth)
        t[0]["annotations"][0]["ground_truth"] = ground_truth
        t[0]["annotations"].append(twin)
    case("ambiguous-annotation", lambda t: second_live(t, False), [["ambiguous-annotation", "/0/annotations"]])
    case("multiple-ground-truth", lambda t: second_live(t, True),
         [["multiple-ground-truth", "/0/annotations/1/ground_truth"]])
    case("attribute-missing", lambda t: t[0]["annotations"][0]["result"].pop(i_2048_bound),
         [["attribute-missing", R(0, i_2048)]])
    i_range_bound = find(a, text="نحو 20-40 مرة", from_name="bound", type_="choices")
    bound_after_pop = i_range_bound - (1 if i_range_max < i_range_bound else 0)
    case("range-without-max", lambda t: t[0]["annotations"][0]["result"].pop(i_range_max),
         [["range-without-max", R(0, bound_after_pop)]])

    def max_not_range(t):
        t[0]["annotations"][0]["result"].append(attr_item(a[i_2048], "value_max", "number", {"number": 2048}))
    case("value-max-not-range", max_not_range,
         [["value-max-not-range", R(0, n_a)], ["range-inverted", R(0, n_a)]])

    def invert(t):
        result = t[0]["annotations"][0]["result"]
        low, high = result[i_range_value]["value"]["number"], result[i_range_max]["value"]["number"]
        result[i_range_value]["value"]["number"], result[i_range_max]["value"]["number"] = high, low
    case("range-inverted", invert, [["range-inverted", R(0, i_range_max)]])
    case("number-value-missing", lambda t: t[0]["annotations"][0]["result"].pop(i_2048_value),
         [["number-value-missing", R(0, i_2048)]])
    case("number-digits-mismatch",
         lambda t: t[0]["annotations"][0]["result"][i_2048_value]["value"].update(number=2049),
         [["number-digits-mismatch", R(0, i_2048_value)]])
    case("unit-invalid", lambda t: t[0]["annotations"][0]["result"][i_2048_unit]["value"].update(text=["GPUs"]),
         [["unit-invalid", R(0, i_2048_unit)]])

    def overlap(t):
        start = a_text.index("5 ملايين دولار")
        t[0]["annotations"][0]["result"] += number_region("n-overlap", "5 ملايين دولار", start, 5e6, "USD", "money")
    case("number-overlap", overlap, [["number-overlap", R(0, n_a)]])

    def in_product(t):
        start = a_text.index("H800") + 1
        t[0]["annotations"][0]["result"] += number_region("n-product", "800", start, 800, "chip", "count")
    case("number-inside-product", in_product, [["number-inside-product", R(0, n_a)]])

    def crossing(t):
        start = a_text.index("\n") - 5
        end = a_text.index("\n") + 5
        t[0]["annotations"][0]["result"].append(
            {"id": "e-cross", "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual",
             "value": {"start": start, "end": end, "text": a_text[start:end], "labels": ["ORG"]}})
    case("span-crosses-sentence", crossing, [["span-crosses-sentence", R(0, n_a)]])
    assert b, "the second fixture document has gold regions"
    return out


def near_misses(base: list[dict]) -> dict[str, list[dict]]:
    """name -> tasks that must validate without a single issue."""
    out: dict[str, list[dict]] = {}

    def near(name, mutate):
        tasks = copy.deepcopy(base)
        mutate(tasks)
        out[name] = tasks

    def second(t, **fields):
        twin = copy.deepcopy(t[0]["annotations"][0])
        twin.update(id=998, completed_by=2, **fields)
        t[0]["annotations"].append(twin)

    near("cancelled-second-annotation", lambda t: second(t, ground_truth=False, was_cancelled=True))
    near("two-passes-one-ground-truth", lambda t: (second(t, ground_truth=False),
                                                   t[0]["annotations"][0].update(ground_truth=True)))
    near("single-annotation-not-ground-truth", lambda t: t[0]["annotations"][0].update(ground_truth=False))
    near("annotator-as-object", lambda t: t[0]["annotations"][0].update(completed_by={"id": 7, "email": "a@b.c"}))
    near("result-in-reverse-order", lambda t: t[0]["annotations"][0]["result"].reverse())

    def both_labels(t):
        rel = next(i for i in t[0]["annotations"][0]["result"] if i["type"] == "relation" and i["labels"] == ["about"])
        rel["labels"] = ["about", "source"]
    near("relation-with-about-and-source", both_labels)

    def without_offsets(t):
        item = next(i for i in t[0]["annotations"][0]["result"] if i["type"] == "choices")
        del item["value"]["start"], item["value"]["end"]
    near("attribute-without-offsets", without_offsets)
    return out


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    base = make_fixture()
    staging = ROOT / "tests" / ".fixtures-staging"
    shutil.rmtree(staging, ignore_errors=True)
    for code, (content, expected) in cases(base).items():
        folder = staging / "cases" / code
        folder.mkdir(parents=True)
        if isinstance(content, bytes):
            (folder / "export.json").write_bytes(content)
        elif content is EMPTY_FOLDER:
            (folder / "export").mkdir()  # a folder without any *.json
            (folder / "export" / "README.txt").write_text("no export here\n", encoding="utf-8")
        else:
            _write_json(folder / "patch.json", jsonpatch.make_patch(base, content).patch)
        _write_json(folder / "expected.json", expected)
        if code == "file-too-large":
            _write_json(folder / "limits.json", {"max_file_bytes": 1000})
        if code == "duplicate-prediction":  # a Label Studio export with predictions, as `tahqiq evaluate` reads it
            _write_json(folder / "mode.json", {"read_as": "predictions"})
        if code in ("unknown-row-id", "duplicate-row-id"):  # prediction lines of the entities config, test split
            _write_json(folder / "mode.json", {"read_as": "prediction-lines", "config": "entities", "split": "test"})
    for name, tasks in near_misses(base).items():
        _write_json(staging / "near-misses" / name / "patch.json", jsonpatch.make_patch(base, tasks).patch)
    for name, target in (("cases", CASES), ("near-misses", NEAR_MISSES)):  # all generated, then swapped in
        shutil.rmtree(target, ignore_errors=True)
        (staging / name).rename(target)
    staging.rmdir()
    print(f"wrote {FIXTURES / 'export.json'}, {len(list(CASES.iterdir()))} cases under {CASES} and "
          f"{len(list(NEAR_MISSES.iterdir()))} near misses under {NEAR_MISSES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
