"""Level 1: the file is UTF-8 JSON and matches the JSON Schema of an export, built in memory from the label set
(`schema/export.schema.json` is its published copy, written by `tahqiq generate`).

`jsonschema` is the reference validator and writes every message; `jsonschema-rs` only screens each task first,
because the pure-Python validator runs at a few tasks per second on full articles (scripts/bench_scale.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator

from tahqiq.issues import Issue, make_issue, pointer
from tahqiq.labels import CONTROLS, TEXT_NAME, Attribute, LabelSet
from tahqiq.manifest import DOC_ID_MAX, DOC_ID_PATTERN
from tahqiq.strictjson import MISSING, json_fault

DOC_ID = {"type": "string", "pattern": f"^{DOC_ID_PATTERN}$", "maxLength": DOC_ID_MAX}


def _offsets() -> dict:
    return {"start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}}


def _one_of_enum(values) -> dict:
    return {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "string", "enum": list(values)}}


def _control_value(attr: Attribute) -> dict:
    """The JSON Schema of the answer a control stores, under the key it stores it."""
    control = attr.control
    if control.feature == "class":
        answer = {"type": "string", "enum": list(attr.choices)}
    elif control.feature == "float":
        answer = {"type": "number"}
    else:
        answer = {"type": "string", "minLength": 1}
    if control.listed:
        answer = {"type": "array", "minItems": 1, "maxItems": 1, "items": answer}
    return {control.key: answer}


def export_schema(labels: LabelSet) -> dict:
    """JSON Schema (Draft 2020-12) of a Label Studio 1.23 JSON export as Tahqiq uses it."""
    region_rules = []
    for layer in labels.layers.values():
        region_rules.append({
            "if": {"properties": {"from_name": {"const": layer.name}}, "required": ["from_name"]},
            "then": {"properties": {
                "type": {"const": "labels"},
                "value": {"type": "object", "required": ["start", "end", "text", "labels"],
                          "properties": {**_offsets(), "text": {"type": "string"},
                                         "labels": _one_of_enum(layer.span_labels)}}}},
        })
    for attr in labels.attributes.values():
        props = _control_value(attr)
        region_rules.append({
            "if": {"properties": {"from_name": {"const": attr.name}}, "required": ["from_name"]},
            "then": {"properties": {
                "type": {"const": attr.control.name},
                "value": {"type": "object", "required": list(props), "properties": {**_offsets(), **props}}}},
        })
    from_names = [*labels.layers, *labels.attributes]
    region_item = {
        "type": "object",
        "required": ["id", "from_name", "to_name", "type", "value"],
        "properties": {
            "id": {"type": "string", "minLength": 1},
            "from_name": {"enum": from_names},
            "to_name": {"const": TEXT_NAME},
            "type": {"enum": ["labels", *CONTROLS]},
            "value": {"type": "object"},
        },
        "allOf": region_rules,
    }
    relation_item = {
        "type": "object",
        "required": ["from_id", "to_id", "type", "labels"],
        "properties": {
            "from_id": {"type": "string", "minLength": 1},
            "to_id": {"type": "string", "minLength": 1},
            "type": {"const": "relation"},
            "direction": {"enum": ["right", "left", "bi"]},
            "labels": {"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"type": "string", "enum": list(labels.relations)}},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://tahqiq.dev/schema/export.schema.json",
        "title": "Tahqiq Label Studio export",
        "description": "A Label Studio 1.23 JSON export (list of tasks) annotated with the Tahqiq labeling config. "
                       "Generated from schema/labels.yaml by `tahqiq generate`; do not edit.",
        "type": "array",
        "items": {"$ref": "#/$defs/task"},
        "$defs": {
            "task": {
                "type": "object",
                "required": ["id", "data", "annotations"],
                "properties": {
                    "id": {"type": "integer"},
                    "data": {"type": "object", "required": ["text"],
                             "properties": {"text": {"type": "string"}, "doc_id": DOC_ID}},
                    "meta": {"type": "object"},
                    "annotations": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
                },
            },
            "annotation": {
                "type": "object",
                "required": ["id", "result"],
                "properties": {
                    "id": {"type": "integer"},
                    "completed_by": {"anyOf": [{"type": "integer"}, {"type": "object"}, {"type": "null"}]},
                    "was_cancelled": {"type": "boolean"},
                    "ground_truth": {"type": "boolean"},
                    "result": {"type": "array", "items": {"$ref": "#/$defs/result_item"}},
                },
            },
            "result_item": {
                "if": {"properties": {"type": {"const": "relation"}}, "required": ["type"]},
                "then": {"$ref": "#/$defs/relation_item"},
                "else": {"$ref": "#/$defs/region_item"},
            },
            "region_item": region_item,
            "relation_item": relation_item,
        },
    }


def _screen(schema: dict) -> dict:
    """The same schema, faster to check: a region item's rules (one `if from_name is X then …` per name, all of
    them tried) become one chain of if/then/else that stops at the item's own name. The names are distinct
    constants, so the two accept exactly the same items; messages still come from the reference form."""
    defs = dict(schema["$defs"])
    item = dict(defs["region_item"])
    chain: dict = {}
    for rule in reversed(item.pop("allOf")):
        chain = {**rule, **({"else": chain} if chain else {})}
    defs["region_item"] = {**item, **chain}
    return {**schema, "$defs": defs}


class _Validators:
    """The reference validator and the fast per-task screen of one label set, built once per label set."""

    def __init__(self, labels: LabelSet):
        schema = export_schema(labels)
        Draft202012Validator.check_schema(schema)
        self.labels = labels  # held so that the id this is cached under is never reused
        self.reference = Draft202012Validator(schema)
        task_schema = {"$defs": schema["$defs"], "$ref": "#/$defs/task"}
        self.task_screen = jsonschema_rs.Draft202012Validator(_screen(task_schema))
        self.task_reference = Draft202012Validator(task_schema)


_CACHE: dict[int, _Validators] = {}


def validators(labels: LabelSet) -> _Validators:
    if id(labels) not in _CACHE:
        _CACHE[id(labels)] = _Validators(labels)
    return _CACHE[id(labels)]


DEFAULT_MAX_FILE_MB = 1024  # per export file; raise it with --max-file-mb or TAHQIQ_MAX_FILE_MB
def file_problem(path: Path, *, max_bytes: int) -> Issue | None:
    """Why `path` is not read at all: not a regular file, or larger than `max_bytes`."""
    name = str(path)
    try:
        if not path.is_file():
            return make_issue("file-unreadable", f"{path} is not a regular file (a folder, device, pipe or broken "
                              "link)", file=name)
        size = path.stat().st_size
    except OSError as err:
        return make_issue("file-unreadable", f"cannot read {path}: {err}", file=name)
    if size > max_bytes:
        return make_issue("file-too-large", f"{path} has {size:,} bytes, more than the limit of {max_bytes:,}",
                          file=name)
    return None


def load_json(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_MB << 20) -> tuple[Any, list[Issue]]:
    """Parse one export file whole; on failure the data is MISSING and the issue says why (line and column where
    JSON itself is broken). Only regular files are read, and only up to `max_bytes`."""
    name = str(path)
    problem = file_problem(path, max_bytes=max_bytes)
    if problem is not None:
        return MISSING, [problem]
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark some editors add is not content
    except (OSError, UnicodeDecodeError) as err:
        return MISSING, [make_issue("file-unreadable", f"cannot read {path}: {err}", file=name)]
    data, fault = json_fault(text)
    if fault is not None:
        return MISSING, [make_issue(fault.code, str(fault), file=name)]
    return data, []


def error_code(error, path: list) -> str:
    if error.validator in ("pattern", "maxLength") and path[-2:] == ["data", "doc_id"]:
        return "doc-id-invalid"
    if error.validator == "enum" and len(path) >= 2 and path[-2] == "labels":
        return "unknown-label"
    if error.validator == "enum" and len(path) >= 2 and path[-2] == "choices":
        return "unknown-choice"
    return "schema-violation"


def _ids(task: Any, path: list) -> dict[str, Any]:
    """Task id, annotation id and region id along an error path inside `task`, where the task has them."""
    task_id = annotation_id = region_id = None
    if isinstance(task, dict):
        task_id = task.get("id")
        if len(path) >= 2 and path[0] == "annotations":
            try:
                annotation = task["annotations"][path[1]]
                annotation_id = annotation.get("id")
                if len(path) >= 4 and path[2] == "result":
                    item = annotation["result"][path[3]]
                    region_id = item.get("id") or item.get("from_id")
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
    return {"task_id": task_id if isinstance(task_id, int) else None,
            "annotation_id": annotation_id if isinstance(annotation_id, int) else None,
            "region_id": region_id if isinstance(region_id, str) else None}


def leaf_errors(errors) -> Iterator:
    """The most specific errors: descend into if/then and $ref wrappers."""
    for error in errors:
        if error.context:
            yield from leaf_errors(error.context)
        else:
            yield error


def not_a_list(data: Any, *, file: str) -> Issue:
    """The one issue of a file that holds something other than a list of tasks, saying what it holds."""
    kind = {type(None): "null", dict: "an object", str: "a string", bool: "a boolean"}.get(type(data), "a number")
    return make_issue("schema-violation", f"the file holds {kind}, not a list of Label Studio tasks", file=file)


def task_schema_issues(task: Any, *, index: int, file: str, labels: LabelSet) -> list[Issue]:
    """Schema issues of the task at `index` of a file, most specific first and in order of position. The fast
    validator screens the task; only a task it rejects goes through the reference validator for messages."""
    checks = validators(labels)
    if checks.task_screen.is_valid(task):
        return []
    found = [([index, *e.absolute_path], e) for e in leaf_errors(checks.task_reference.iter_errors(task))]
    found.sort(key=lambda pe: [(isinstance(p, str), p) for p in pe[0]])
    return [make_issue(error_code(error, path), error.message, file=file, pointer=pointer(*path),
                       **_ids(task, path[1:])) for path, error in found]


def schema_errors(data: Any, *, file: str, labels: LabelSet) -> tuple[set[int], list[Issue]]:
    """Schema issues of a whole parsed file, and the indices of the tasks they fall in."""
    if not isinstance(data, list):
        return set(), [not_a_list(data, file=file)]
    found = {i: task_schema_issues(task, index=i, file=file, labels=labels) for i, task in enumerate(data)}
    return {i for i, issues in found.items() if issues}, [issue for issues in found.values() for issue in issues]
