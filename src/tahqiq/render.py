"""Printing a Report, kept apart from the checks: plain text for people, JSON for programs."""

from __future__ import annotations

import json

from tahqiq.issues import Issue, Report


def _location(issue: Issue) -> str:
    parts = [issue.file]
    if issue.task_id is not None:
        parts.append(f"task {issue.task_id}")
    if issue.annotation_id is not None:
        parts.append(f"annotation {issue.annotation_id}")
    if issue.region_id is not None:
        parts.append(f"region {issue.region_id}")
    if issue.pointer:
        parts.append(issue.pointer)
    return " · ".join(parts)


def render_text(report: Report) -> str:
    lines = []
    for issue in report.issues:
        lines.append(f"{issue.severity.value} [{issue.code}] L{issue.level} {_location(issue)}")
        lines.append(f"    {issue.message}")
        lines.append(f"    hint: {issue.hint}")
    verdict = "ok" if report.ok else "FAILED"
    lines.append(f"{verdict}: {report.files} file(s), {report.tasks} task(s), {len(report.errors)} error(s), "
                 f"{len(report.warnings)} warning(s)")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    return json.dumps({
        "ok": report.ok,
        "files": report.files,
        "tasks": report.tasks,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "issues": [issue.to_dict() for issue in report.issues],
    }, ensure_ascii=False, indent=2)
