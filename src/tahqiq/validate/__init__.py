"""Validation in levels that follow the data: L1 JSON + schema, L2 structure, L3 meaning.

Each check is a pure generator of Issues. Export files are read task by task (`reader`); every task is checked on
its own (in worker processes when asked), and only the ids that must be unique across tasks are checked here, in
file order, so the report is the same for any number of workers. Level 3 runs on every region that level 2 did not
make meaningless; the regions it skipped are listed in `Report.skipped`, so a report never looks complete when it is
not. A caller that wants more of the sound tasks (the build's rows) passes `then`, which runs in the same worker on each
batch of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tahqiq.issues import Issue, Report, Severity, Skipped, make_issue
from tahqiq.labels import LabelSet
from tahqiq.manifest import Manifest
from tahqiq.model import Task, parse_task
from tahqiq.parallel import default_workers, ordered_map
from tahqiq.progress import SILENT, Progress
from tahqiq.strictjson import MISSING, JsonFault
from tahqiq.validate.meaning import check_meaning, choose_annotation, sentence_spans
from tahqiq.validate.reader import RawTask, Unframed, file_position, parse_task_json, scan_tasks
from tahqiq.validate.schema import (
    DEFAULT_MAX_FILE_MB,
    file_problem,
    load_json,
    not_a_list,
    task_schema_issues,
)
from tahqiq.validate.structure import (
    TaskIndex,
    TaskKeys,
    check_across,
    check_annotation,
    check_seed,
    meaningless_regions,
)

BATCH_TASKS = 64  # tasks per unit of work handed to a worker


@dataclass
class Validation:
    report: Report
    tasks: list[Task] = field(default_factory=list)  # tasks that passed the schema, in file order (if kept)


@dataclass
class Checked:
    """What checking one task found; made where the task was checked (possibly another process)."""

    index: int
    issues: list[Issue] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    keys: TaskKeys | None = None  # None when the schema failed (nothing more was checked)
    task: Task | None = None  # the parsed task (dropped before it leaves a worker unless the caller keeps tasks)
    sound: bool = False  # no error of its own: `then` takes it
    fault: JsonFault | None = None  # its JSON failed: that is all the report says of the file
    offset: int = 0  # where the task starts in its file


@dataclass(frozen=True)
class Context:
    """Everything a worker needs to check tasks, sent once per worker."""

    labels: LabelSet
    manifest: Manifest
    keep_tasks: bool
    then: Callable[[list[Task]], Any] | None


_CONTEXT: list[Context] = []  # the worker's context, set once when the worker starts


def _set_context(context: Context) -> None:
    _CONTEXT[:] = [context]


def export_files(paths: Iterable[Path]) -> list[Path]:
    """Export files named directly, and the *.json files of named folders, in a stable order."""
    files = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return files


def check_task(task: Task, *, labels: LabelSet, manifest: Manifest) -> tuple[list[Issue], list[Skipped]]:
    """Every check of one task that needs no other task."""
    issues = [*check_seed(task, manifest), *choose_annotation(task)]
    skipped = []
    sentences = sentence_spans(task, manifest)
    for annotation in task.annotations:
        structural = list(check_annotation(task, annotation, labels))
        issues += structural
        broken = meaningless_regions(annotation, structural)
        if broken:
            codes = tuple(dict.fromkeys(code for found in broken.values() for code in found))
            skipped.append(Skipped(task.file, task.id, annotation.id, codes, region_ids=tuple(broken)))
        if not annotation.was_cancelled:
            issues += check_meaning(task, annotation, labels=labels, sentences=sentences, meaningless=broken)
    return issues, skipped


def _check_one(raw: RawTask, file: str, context: Context) -> Checked:
    value = raw.value
    if raw.data is not None:
        value, fault = parse_task_json(raw.data)
        if fault is not None:
            return Checked(raw.index, fault=fault, offset=raw.offset)
    issues = task_schema_issues(value, index=raw.index, file=file, labels=context.labels)
    if issues:
        return Checked(raw.index, issues)
    task = parse_task(value, index=raw.index, file=file)
    issues, skipped = check_task(task, labels=context.labels, manifest=context.manifest)
    sound = not any(i.severity is Severity.ERROR for i in issues)
    return Checked(raw.index, issues, skipped, TaskKeys.of(task), task, sound)


def _whole(path: Path, max_bytes: int) -> tuple[list[RawTask], list[Issue]]:
    """The tasks of a file read whole by the strict parser, or the issue that says why it cannot be read."""
    data, issues = load_json(path, max_bytes=max_bytes)
    if data is MISSING:
        return [], issues
    if not isinstance(data, list):
        return [], [not_a_list(data, file=str(path))]
    return [RawTask(i, None, task) for i, task in enumerate(data)], []


@dataclass
class Unit:
    """A unit of work: a batch of tasks of one file, or (no tasks) a mark of what became of the file."""

    file: str
    raws: list[RawTask] = field(default_factory=list)
    mark: str | None = None  # UNFRAMED at byte `offset`; END of the file; UNREADABLE: `problem` says why
    problem: Issue | None = None
    offset: int = 0


UNFRAMED, END, UNREADABLE = "unframed", "end", "unreadable"


@dataclass
class Batch:
    """The checked tasks of one unit, and what `then` made of the sound ones."""

    checked: list[Checked]
    product: Any = None


def _check_batch(file: str, raws: list[RawTask], context: Context) -> Batch:
    checked = [_check_one(raw, file, context) for raw in raws]
    sound = [c.task for c in checked if c.sound and c.task is not None]
    product = context.then(sound) if context.then is not None and sound else None
    if not context.keep_tasks:
        for c in checked:
            c.task = None
    return Batch(checked, product)


def check_unit(unit: Unit) -> tuple[Unit, Batch]:
    """Check a batch of tasks of one file (what a worker does); a mark passes through, so it arrives in order."""
    return (Unit(unit.file, mark=unit.mark, problem=unit.problem, offset=unit.offset),
            _check_batch(unit.file, unit.raws, _CONTEXT[0]))


def _units(path: Path, *, stream: bool) -> Iterator[Unit]:
    file, batch = str(path), []
    if stream:
        try:
            for raw in scan_tasks(path):
                batch.append(raw)
                if len(batch) == BATCH_TASKS:
                    yield Unit(file, batch)
                    batch = []
            if batch:
                yield Unit(file, batch)
        except Unframed as unframed:
            yield Unit(file, mark=UNFRAMED, offset=unframed.offset)
    else:
        yield Unit(file, mark=UNFRAMED)
    yield Unit(file, mark=END)


WHOLE_MAX_BYTES = 64 << 20  # a file the scan cannot frame is read whole, for the exact message, up to this size


def _fault_issue(path: Path, checked: Checked) -> Issue:
    """The issue of a task whose JSON failed, placed in the file as the whole-file parser would place it."""
    fault = checked.fault
    assert fault is not None
    if fault.line is None:
        return make_issue(fault.code, str(fault), file=str(path))
    line, column = file_position(path, checked.offset)
    if fault.line == 1:
        column += fault.column - 1
    else:
        line, column = line + fault.line - 1, fault.column
    return make_issue(fault.code, str(JsonFault(fault.message, line, column)), file=str(path))


def _unframed_issue(path: Path, offset: int) -> Issue:
    line, column = file_position(path, offset)
    return make_issue("json-invalid", f"line {line}, column {column}: the file is not a JSON array of Label Studio "
                      "tasks from here on (a stray value, a missing comma or bracket, or a file cut short)",
                      file=str(path))


@dataclass
class _FileState:
    """What one file has given so far; reported when the file ends, unless the file turns out broken."""

    issues: list[Issue] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    new: TaskIndex = field(default_factory=TaskIndex)
    handed: int = 0  # tasks handed to the caller
    fault: Checked | None = None  # the first task whose JSON failed
    unframed: int | None = None  # where the framing failed


class Run:
    """One validation run over export files: iterate it for the batches of checked tasks, in file order; the report
    is complete when the iteration ends. Ids are checked across tasks as batches arrive, so nothing but the index
    of ids and the issues is kept. A task whose JSON fails ends its file: the report says where, and nothing else of
    the file (as a parser of the whole file would). A file the scan cannot frame is read again whole by the strict
    parser when it is small (for its exact message), and otherwise reported where the framing broke."""

    def __init__(self, paths: Iterable[Path], *, labels: LabelSet, manifest: Manifest,
                 max_file_bytes: int = DEFAULT_MAX_FILE_MB << 20, workers: int | None = None,
                 then: Callable[[list[Task]], Any] | None = None, keep_tasks: bool = False, stream: bool = True,
                 progress: Progress = SILENT):
        self.paths = list(paths)
        self.files = export_files(self.paths)
        self.context = Context(labels, manifest, keep_tasks, then)
        self.max_file_bytes = max_file_bytes
        self.stream = stream
        self.progress = progress
        self.report = Report()
        self._abandoned: set[str] = set()  # files whose remaining tasks need not be read
        self._problems = {p: file_problem(p, max_bytes=max_file_bytes) for p in self.files}  # looked at once
        readable = [p for p, problem in self._problems.items() if problem is None]
        self.workers = default_workers(sum(p.stat().st_size for p in readable)) if workers is None else workers

    def _all_units(self) -> Iterator[Unit]:
        for path in self.files:
            problem = self._problems[path]
            if problem is not None:
                yield Unit(str(path), mark=UNREADABLE, problem=problem)
                continue
            for unit in _units(path, stream=self.stream):
                if unit.file in self._abandoned and unit.mark != END:
                    continue
                yield unit

    def __iter__(self) -> Iterator[Batch]:
        if not self.files:
            self.report.extend([make_issue("empty-input", "no *.json export in "
                                           f"{', '.join(map(str, self.paths)) or 'no path'}",
                                           file=", ".join(map(str, self.paths)))])
        seen = TaskIndex()  # ids of the files done
        state = _FileState()
        results = ordered_map(check_unit, self._all_units(), workers=self.workers, initializer=_set_context,
                              initargs=(self.context,))
        with self.progress.counter(desc="validating", unit="task") as advance:
            for unit, batch in results:
                advance(len(batch.checked))
                if unit.mark == UNREADABLE:
                    self.report.files += 1
                    self.report.extend([unit.problem])
                    continue
                if state.fault is None and state.unframed is None:
                    state.fault = next((c for c in batch.checked if c.fault is not None), None)
                    if state.fault is not None:
                        self._abandoned.add(unit.file)
                    elif unit.mark == UNFRAMED:
                        state.unframed = unit.offset
                    elif batch.checked:
                        self._account(batch, state, seen)
                        yield batch
                if unit.mark == END:
                    yield from self._end(Path(unit.file), state, seen)
                    state = _FileState()

    @staticmethod
    def _account(batch: Batch, state: _FileState, seen: TaskIndex) -> None:
        """Add a batch's issues to its file's, with the ids it shares with tasks before it."""
        for checked in batch.checked:
            if checked.keys is not None:
                state.issues += check_across(checked.keys, seen=seen, new=state.new)
            state.issues += checked.issues
            state.skipped += checked.skipped
        state.handed += len(batch.checked)

    def _end(self, path: Path, state: _FileState, seen: TaskIndex) -> Iterator[Batch]:
        """Report what the file gave, or what broke it."""
        report = self.report
        report.files += 1
        if state.fault is not None and state.fault.fault.code != "file-unreadable":
            report.extend([_fault_issue(path, state.fault)])
            return
        if state.fault is not None or state.unframed is not None:
            if self.stream and state.unframed is not None and path.stat().st_size > WHOLE_MAX_BYTES:
                report.extend([_unframed_issue(path, state.unframed)])
                return
            raws, issues = _whole(path, self.max_file_bytes)
            if issues:
                report.extend(issues)
                return
            handed, state = state.handed, _FileState()
            quiet = Context(self.context.labels, self.context.manifest, False, None)
            for context, part in ((quiet, raws[:handed]), (self.context, raws[handed:])):
                for start in range(0, len(part), BATCH_TASKS):  # what was handed out is checked, not handed again
                    batch = _check_batch(str(path), part[start:start + BATCH_TASKS], context)
                    self._account(batch, state, seen)
                    if context is self.context:
                        yield batch
        if not state.handed:
            report.extend([make_issue("empty-export", f"{path} holds an empty list of tasks", file=str(path))])
        report.extend(state.issues)
        report.skipped += state.skipped
        report.tasks += state.handed
        seen.update(state.new)


def validate_paths(paths: Iterable[Path], *, labels: LabelSet, manifest: Manifest,
                   max_file_bytes: int = DEFAULT_MAX_FILE_MB << 20, workers: int | None = None,
                   stream: bool = True) -> Validation:
    """Validate Label Studio export files against the schema of `labels` and the checks a schema cannot express,
    keeping the parsed tasks. A published repo is checked against its own labels. No file, or a file without a
    task, is an error."""
    run = Run(paths, labels=labels, manifest=manifest, max_file_bytes=max_file_bytes, workers=workers,
              keep_tasks=True, stream=stream)
    tasks = [checked.task for batch in run for checked in batch.checked if checked.task is not None]
    return Validation(run.report, tasks)
