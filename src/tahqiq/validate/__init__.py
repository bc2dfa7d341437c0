"""Validation in levels that follow the data: L1 JSON + schema, L2 structure, L3 meaning.

Each check is a pure generator of Issues; `validate_paths` runs them over export files and collects a Report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tahqiq.issues import Report, Severity
from tahqiq.labels import LabelSet, load_labels
from tahqiq.manifest import Manifest, load_manifest
from tahqiq.paths import EXPORT_SCHEMA_FILE
from tahqiq.validate.meaning import check_meaning
from tahqiq.validate.schema import load_json, schema_errors
from tahqiq.validate.structure import ParsedTask, TaskIndex, check_structure, parse_task


@dataclass
class Validation:
    report: Report
    tasks: list[ParsedTask] = field(default_factory=list)  # tasks that passed the schema, in file order
    files: dict[Path, list[dict]] = field(default_factory=dict)  # the parsed content of every readable file


def export_files(paths: Iterable[Path]) -> list[Path]:
    """Export files named directly, and the *.json files of named folders, in a stable order."""
    files = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return files


def validate_paths(
    paths: Iterable[Path], *, manifest: Manifest | None = None, labels: LabelSet | None = None,
    schema_file: Path = EXPORT_SCHEMA_FILE,
) -> Validation:
    """Validate Label Studio export files against the schema and the checks a schema cannot express.
    `labels` and `schema_file` default to the project's; a published repo is checked against its own."""
    labels = labels or load_labels()
    manifest = manifest or load_manifest()
    result = Validation(report=Report())
    report = result.report
    index = TaskIndex()
    for path in export_files(paths):
        report.files += 1
        name = str(path)
        data, issues = load_json(path)
        report.extend(issues)
        if data is None:
            continue
        bad_tasks, issues = schema_errors(data, file=name, schema_file=schema_file)
        report.extend(issues)
        if not isinstance(data, list):
            continue
        result.files[path] = data
        report.tasks += len(data)
        for task_index, task in enumerate(data):
            if task_index in bad_tasks:
                continue
            parsed = parse_task(task, task_index=task_index, file=name, labels=labels)
            structural = list(check_structure(parsed, index=index, manifest=manifest))
            report.extend(structural)
            broken = {i.annotation_id for i in structural if i.severity is Severity.ERROR}
            clean = {a_index for a_index, a, _ in parsed.annotations if a["id"] not in broken}
            report.extend(check_meaning(parsed, labels=labels, manifest=manifest, clean=clean))
            result.tasks.append(parsed)
    return result
