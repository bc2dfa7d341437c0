"""Level 2: structure a schema cannot express — ids, offsets, span texts, seeds, attribute and relation ends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tahqiq.issues import Issue, make_issue, pointer
from tahqiq.labels import CLAIM, LabelSet
from tahqiq.manifest import Manifest, sha256_text
from tahqiq.regions import ParsedAnnotation, Where, parse_annotation

EDGE_CHARS = set('"“”«»\'()[]{}،,.:؛;!?؟…')
CLAIM_END_CHARS = set(".،,:؛;")


@dataclass
class TaskIndex:
    """Ids seen so far across all files, with where they were first seen."""

    task_ids: dict[int, str] = field(default_factory=dict)
    doc_ids: dict[str, str] = field(default_factory=dict)
    annotation_ids: dict[int, str] = field(default_factory=dict)


AnnotationEntry = tuple[int, dict, ParsedAnnotation]  # (index in the task, the annotation, its regions and links)


@dataclass
class ParsedTask:
    task: dict
    task_index: int
    where: Where
    annotations: list[AnnotationEntry]


def live_and_truth(parsed: ParsedTask) -> tuple[list[AnnotationEntry], list[AnnotationEntry]]:
    """The non-cancelled annotations of a task and, among them, those marked ground truth: the gold is the one
    ground truth, or the only live annotation (validated by L3, used by the build)."""
    live = [entry for entry in parsed.annotations if not entry[1].get("was_cancelled")]
    return live, [entry for entry in live if entry[1].get("ground_truth")]


def parse_task(task: dict, *, task_index: int, file: str, labels: LabelSet) -> ParsedTask:
    where = Where(file=file, task_id=task["id"])
    parsed = []
    for a_index, annotation in enumerate(task["annotations"]):
        a_where = Where(file=file, task_id=task["id"], annotation_id=annotation["id"])
        base = pointer(task_index, "annotations", a_index, "result")
        parsed.append((a_index, annotation, parse_annotation(annotation["result"], labels=labels, where=a_where,
                                                             base=base)))
    return ParsedTask(task=task, task_index=task_index, where=where, annotations=parsed)


def check_ids(parsed: ParsedTask, *, index: TaskIndex, manifest: Manifest) -> Iterator[Issue]:
    task, where, ti = parsed.task, parsed.where, parsed.task_index
    here = f"{where.file}#{pointer(ti)}"
    if task["id"] in index.task_ids:
        yield where.issue("duplicate-task-id", f"task id {task['id']} was already used at "
                          f"{index.task_ids[task['id']]}", pointer(ti, "id"))
    else:
        index.task_ids[task["id"]] = here
    doc_id = task["data"].get("doc_id")
    if doc_id is not None and doc_id in index.doc_ids:
        yield where.issue("duplicate-doc-id", f"doc_id {doc_id!r} was already used at {index.doc_ids[doc_id]}",
                          pointer(ti, "data", "doc_id"))
    elif doc_id is not None:
        index.doc_ids[doc_id] = here
    seed = manifest.by_id.get(doc_id) if doc_id else None
    if seed is None:
        yield where.issue("unknown-doc-id", f"doc_id {doc_id!r} is not in {manifest.path.name}",
                          pointer(ti, "data", "doc_id") if doc_id else pointer(ti, "data"))
    elif sha256_text(task["data"]["text"]) != seed.sha256:
        yield where.issue("seed-mismatch", f"the text of {doc_id} differs from seeds/{doc_id}.txt "
                          f"(sha256 {sha256_text(task['data']['text'])[:12]}… != {seed.sha256[:12]}…)",
                          pointer(ti, "data", "text"))
    for a_index, annotation, _ in parsed.annotations:
        a_id = annotation["id"]
        if a_id in index.annotation_ids:
            yield make_issue("duplicate-annotation-id", f"annotation id {a_id} was already used at "
                             f"{index.annotation_ids[a_id]}", file=where.file, task_id=task["id"],
                             annotation_id=a_id, pointer=pointer(ti, "annotations", a_index, "id"))
        else:
            index.annotation_ids[a_id] = f"{here}/annotations/{a_index}"


def check_spans(text: str, parsed: ParsedAnnotation, where: Where) -> Iterator[Issue]:
    for region in parsed.regions.values():
        ptr = f"{region.pointer}/value"
        if not 0 <= region.start < region.end <= len(text):
            bad = "end" if 0 <= region.start < len(text) and region.end > region.start else "start"
            yield where.issue("offset-out-of-range", f"[{region.start}, {region.end}) is not a span of a text of "
                              f"{len(text)} code points", f"{ptr}/{bad}", region.id)
            continue
        actual = text[region.start:region.end]
        if actual != region.text:
            yield where.issue("span-text-mismatch", f"value.text is {region.text!r} but the text at "
                              f"[{region.start}, {region.end}) is {actual!r}", f"{ptr}/text", region.id)
            continue
        edge = CLAIM_END_CHARS if region.layer == CLAIM else EDGE_CHARS
        first, last = actual[0], actual[-1]
        if first.isspace() or last.isspace() or (region.layer != CLAIM and first in edge) or last in edge:
            yield where.issue("span-untrimmed", f"{region.layer} span {actual!r} starts or ends with whitespace "
                              "or punctuation", f"{ptr}/text", region.id)


def check_structure(parsed: ParsedTask, *, index: TaskIndex, manifest: Manifest) -> Iterator[Issue]:
    yield from check_ids(parsed, index=index, manifest=manifest)
    text = parsed.task["data"]["text"]
    for _, annotation, result in parsed.annotations:
        a_where = Where(file=parsed.where.file, task_id=parsed.task["id"], annotation_id=annotation["id"])
        yield from result.issues
        yield from check_spans(text, result, a_where)
