"""Validation in levels that follow the data: L1 JSON + schema, L2 structure, L3 meaning.

Each check is a pure generator of Issues; `validate_paths` runs them over export files and collects a Report.
Level 3 runs on every annotation whose structure is sound; one with level 2 errors is listed in
`Report.skipped`, so a report never looks complete when it is not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tahqiq.issues import Report, Severity, Skipped, make_issue
from tahqiq.labels import LabelSet
from tahqiq.manifest import Manifest
from tahqiq.model import Task, parse_task
from tahqiq.validate.meaning import check_meaning, choose_annotation, sentence_spans
from tahqiq.validate.schema import DEFAULT_MAX_FILE_MB, MISSING, load_json, schema_errors
from tahqiq.validate.structure import TaskIndex, check_annotation, check_ids


@dataclass
class Validation:
    report: Report
    tasks: list[Task] = field(default_factory=list)  # tasks that passed the schema, in file order
    files: dict[Path, list[dict]] = field(default_factory=dict)  # the parsed content of every readable file


def export_files(paths: Iterable[Path]) -> list[Path]:
    """Export files named directly, and the *.json files of named folders, in a stable order."""
    files = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return files


def check_task(task: Task, *, index: TaskIndex, labels: LabelSet, manifest: Manifest, report: Report) -> None:
    report.extend(check_ids(task, index=index, manifest=manifest))
    report.extend(choose_annotation(task))
    sentences = sentence_spans(task, manifest)
    for annotation in task.annotations:
        structural = list(check_annotation(task, annotation, labels))
        report.extend(structural)
        errors = tuple(dict.fromkeys(i.code for i in structural if i.severity is Severity.ERROR))
        if errors:
            report.skipped.append(Skipped(task.file, task.id, annotation.id, errors))
        elif not annotation.was_cancelled:
            report.extend(check_meaning(task, annotation, labels=labels, sentences=sentences))


def validate_paths(paths: Iterable[Path], *, labels: LabelSet, manifest: Manifest,
                   max_file_bytes: int = DEFAULT_MAX_FILE_MB << 20) -> Validation:
    """Validate Label Studio export files against the schema of `labels` and the checks a schema cannot express.
    A published repo is checked against its own labels. No file, or a file without a task, is an error."""
    result = Validation(report=Report())
    report = result.report
    index = TaskIndex()
    paths = list(paths)
    files = export_files(paths)
    if not files:
        report.extend([make_issue("empty-input", f"no *.json export in {', '.join(map(str, paths)) or 'no path'}",
                                  file=", ".join(map(str, paths)))])
    for path in files:
        report.files += 1
        name = str(path)
        data, issues = load_json(path, max_bytes=max_file_bytes)
        report.extend(issues)
        if data is MISSING:
            continue
        if data == []:
            report.extend([make_issue("empty-export", f"{path} holds an empty list of tasks", file=name)])
            continue
        bad_tasks, issues = schema_errors(data, file=name, labels=labels)
        report.extend(issues)
        if not isinstance(data, list):
            continue
        result.files[path] = data
        report.tasks += len(data)
        for task_index, raw in enumerate(data):
            if task_index in bad_tasks:
                continue
            task = parse_task(raw, index=task_index, file=name)
            check_task(task, index=index, labels=labels, manifest=manifest, report=report)
            result.tasks.append(task)
    return result
