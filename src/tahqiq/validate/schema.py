"""Level 1: the file is UTF-8 JSON and matches schema/export.schema.json.

`jsonschema` is the reference validator and writes every message; `jsonschema-rs` only screens each task first,
because the pure-Python validator runs at a few tasks per second on full articles (scripts/bench_validate.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator

from tahqiq.issues import Issue, make_issue, pointer
from tahqiq.paths import EXPORT_SCHEMA_FILE


@cache
def _schema(path: Path = EXPORT_SCHEMA_FILE) -> dict:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def validator(path: Path = EXPORT_SCHEMA_FILE) -> Draft202012Validator:
    return Draft202012Validator(_schema(path))


@cache
def task_screen(path: Path = EXPORT_SCHEMA_FILE) -> jsonschema_rs.Draft202012Validator:
    """A fast validator of one task (the schema's task definition, with the schema's $defs)."""
    schema = _schema(path)
    return jsonschema_rs.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/task"})


def load_json(path: Path) -> tuple[Any, list[Issue]]:
    """Parse a file; on failure the data is None and the issue names line and column."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [make_issue("file-unreadable", f"cannot read {path}: {err}", file=str(path))]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as err:
        return None, [make_issue("json-invalid", f"line {err.lineno}, column {err.colno}: {err.msg}",
                                 file=str(path))]


def _code(error) -> str:
    path = list(error.absolute_path)
    if error.validator == "enum" and len(path) >= 2 and path[-2] == "labels":
        return "unknown-label"
    if error.validator == "enum" and len(path) >= 2 and path[-2] == "choices":
        return "unknown-choice"
    return "schema-violation"


def _ids(data: Any, path: list) -> tuple[int | None, int | None, str | None]:
    """Task id, annotation id and region id along an error path, where the data has them."""
    task_id = annotation_id = region_id = None
    if path and isinstance(data, list) and isinstance(path[0], int) and path[0] < len(data):
        task = data[path[0]]
        task_id = task.get("id") if isinstance(task, dict) else None
        if len(path) >= 3 and path[1] == "annotations" and isinstance(task, dict):
            try:
                annotation = task["annotations"][path[2]]
                annotation_id = annotation.get("id")
                if len(path) >= 5 and path[3] == "result":
                    item = annotation["result"][path[4]]
                    region_id = item.get("id") or item.get("from_id")
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
    return (task_id if isinstance(task_id, int) else None,
            annotation_id if isinstance(annotation_id, int) else None,
            region_id if isinstance(region_id, str) else None)


def _leaf_errors(errors) -> Iterator:
    """The most specific errors: descend into if/then and $ref wrappers."""
    for error in errors:
        if error.context:
            yield from _leaf_errors(error.context)
        else:
            yield error


def schema_errors(data: Any, *, file: str, schema_file: Path = EXPORT_SCHEMA_FILE) -> tuple[set[int], list[Issue]]:
    """Schema issues, and the indices of the tasks they fall in (those tasks are not checked further)."""
    bad: set[int] = set()
    issues = []
    screen = task_screen(schema_file)
    clean = isinstance(data, list) and all(screen.is_valid(task) for task in data)
    errors = [] if clean else list(validator(schema_file).iter_errors(data))
    for error in sorted(_leaf_errors(errors), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        if path and isinstance(path[0], int):
            bad.add(path[0])
        task_id, annotation_id, region_id = _ids(data, path)
        issues.append(make_issue(_code(error), error.message, file=file, pointer=pointer(*path), task_id=task_id,
                                 annotation_id=annotation_id, region_id=region_id))
    return bad, issues
