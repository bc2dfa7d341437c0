"""What the command line prints: reports for people (text) and programs (JSON), summaries, and progress on the
terminal (bars and spinners on a TTY; in logs, a periodic line for long runs only)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol, TypeVar

from tahqiq.issues import CATALOGUE, Issue, Report

T = TypeVar("T")
LOG_EVERY = 10.0  # seconds between progress lines when stderr is not a terminal
REPORT_FORMAT_VERSION = 3  # of `tahqiq validate --format json`; raised whenever a key changes meaning


class Place(Protocol):
    """Where an issue is in a tool's own terms (Label Studio's ids for a pull)."""

    def describe(self) -> str: ...


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


def render_text(report: Report, *, max_issues: int | None = None,
                places: Mapping[Issue, Place] | None = None) -> str:
    """Every issue with its location and message, then each hint once per code, the annotations level 3 skipped,
    and a summary with the count per code. An issue with a place (its ids in Label Studio, for a pull) is named by
    it first, its stored location following."""
    shown = report.issues if max_issues is None else report.issues[:max_issues]
    lines = []
    for issue in shown:
        place = (places or {}).get(issue)
        lines.append(f"{issue.severity.value} [{issue.code}] L{issue.level} "
                     f"{place.describe() if place is not None else _location(issue)}")
        if place is not None:
            lines.append(f"    stored as: {_location(issue)}")
        lines.append(f"    {issue.message}")
        for other in issue.related:
            lines.append(f"    see also: {other.file} · {other.pointer}")
    if len(shown) < len(report.issues):
        lines.append(f"… {len(report.issues) - len(shown)} more issue(s) not shown (--max-issues {max_issues})")
    counts = report.counts()
    if counts:
        lines.append("hints:")
        lines += [f"  [{code}] {CATALOGUE[code].hint}" for code in counts]
    for skip in report.skipped:
        which = f" · region(s) {', '.join(skip.region_ids)}" if skip.region_ids else ""
        lines.append(f"note: level 3 skipped for {skip.file} · task {skip.task_id} · annotation "
                     f"{skip.annotation_id}{which} until its level 2 error(s) are fixed ({', '.join(skip.codes)})")
    verdict = "ok" if report.ok else "FAILED"
    per_code = f" — {', '.join(f'{code} {n}' for code, n in counts.items())}" if counts else ""
    lines.append(f"{verdict}: {report.files} file(s), {report.tasks} task(s), {len(report.errors)} error(s), "
                 f"{len(report.warnings)} warning(s){per_code}")
    return "\n".join(lines)


def render_json(report: Report, *, max_issues: int | None = None) -> str:
    shown = report.issues if max_issues is None else report.issues[:max_issues]
    counts = report.counts()
    return json.dumps({
        "format_version": REPORT_FORMAT_VERSION,
        "ok": report.ok,
        "files": report.files,
        "tasks": report.tasks,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "counts": counts,
        "hints": {code: CATALOGUE[code].hint for code in counts},
        "issues": [{k: v for k, v in issue.to_dict().items() if k != "hint"} for issue in shown],
        "issues_not_shown": len(report.issues) - len(shown),
        "skipped": [{"file": s.file, "task_id": s.task_id, "annotation_id": s.annotation_id, "codes": list(s.codes),
                     "region_ids": list(s.region_ids)} for s in report.skipped],
    }, ensure_ascii=False, indent=2)


class TerminalProgress:
    """tqdm bars and spinners on stderr when it is a terminal."""

    def track(self, items: Iterable[T], *, desc: str, unit: str, total: int | None = None) -> Iterator[T]:
        from tqdm import tqdm

        yield from tqdm(items, desc=desc, unit=unit, total=total, disable=None, file=sys.stderr)

    @contextmanager
    def waiting(self, desc: str) -> Iterator[Callable[[], None]]:
        from tqdm import tqdm

        with tqdm(desc=desc, total=None, bar_format="{desc}: {elapsed}", disable=None, file=sys.stderr) as bar:
            yield bar.refresh

    @contextmanager
    def counter(self, desc: str, unit: str) -> Iterator[Callable[[int], None]]:
        """A running count with its rate: a bar on a terminal; in a log, one quiet line every LOG_EVERY seconds of a
        long run (and none for a short one)."""
        if sys.stderr.isatty():
            from tqdm import tqdm

            with tqdm(desc=desc, unit=unit, unit_scale=True, file=sys.stderr) as bar:
                yield bar.update
            return
        start = last = time.monotonic()
        done = 0

        def advance(n: int) -> None:
            nonlocal done, last
            done += n
            now = time.monotonic()
            if now - last >= LOG_EVERY:
                last = now
                print(f"{desc}: {done:,} {unit}s, {done / (now - start):,.0f} {unit}s/s", file=sys.stderr,
                      flush=True)

        yield advance
