"""Level 2: structure a schema cannot express — ids, offsets, span texts, seeds, attribute and relation ends."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tahqiq.issues import Issue, Location, Severity, make_issue, pointer
from tahqiq.labels import CLAIM, LabelSet
from tahqiq.manifest import Manifest, sha256_text
from tahqiq.model import Annotation, Task

EDGE_CHARS = set('"“”«»\'()[]{}،,.:؛;!?؟…')
CLAIM_END_CHARS = set(".،,:؛;")


Seen = tuple  # (file, task index, annotation index or -1): where an id was first seen, kept small


@dataclass
class TaskIndex:
    """Ids seen so far, with where they were first seen: the only part of a validation that grows with the number
    of tasks (a few hundred bytes a task), so the places are tuples, not pointers."""

    task_ids: dict[int, Seen] = field(default_factory=dict)
    doc_ids: dict[str, Seen] = field(default_factory=dict)
    annotation_ids: dict[int, Seen] = field(default_factory=dict)

    def update(self, other: TaskIndex) -> None:
        for kind in ("task_ids", "doc_ids", "annotation_ids"):
            for key, where in getattr(other, kind).items():
                getattr(self, kind).setdefault(key, where)


@dataclass(frozen=True)
class Where:
    """The location shared by all issues of one annotation."""

    file: str
    task_id: int | None
    annotation_id: int | None = None

    def issue(self, code: str, message: str, ptr: str, region_id: str | None = None,
              related: tuple[Location, ...] = ()) -> Issue:
        return make_issue(code, message, file=self.file, pointer=ptr, task_id=self.task_id,
                          annotation_id=self.annotation_id, region_id=region_id, related=related)


@dataclass(frozen=True)
class TaskKeys:
    """What the checks across tasks need of one task: its ids and where they are."""

    file: str
    index: int
    task_id: int
    doc_id: str | None
    annotation_ids: tuple[tuple[int, int], ...]  # (annotation id, its index in the task)

    @classmethod
    def of(cls, task: Task) -> TaskKeys:
        return cls(task.file, task.index, task.id, task.doc_id, tuple((a.id, a.index) for a in task.annotations))


_PLACES = {"task_ids": ("id",), "doc_ids": ("data", "doc_id"), "annotation_ids": ("id",)}


def _location(kind: str, place: Seen) -> Location:
    file, task_index, annotation_index = place
    inner = ("annotations", annotation_index) if annotation_index >= 0 else ()
    return Location(file, pointer(task_index, *inner, *_PLACES[kind]))


def check_across(keys: TaskKeys, *, seen: TaskIndex, new: TaskIndex) -> Iterator[Issue]:
    """Ids used before: in `seen` (earlier files) or `new` (this file so far, where the task's ids are added)."""
    file = sys.intern(keys.file)  # one copy of the name for every place of the file
    where, ti = Where(file, keys.task_id), keys.index

    def first(kind: str, key, annotation_index: int = -1) -> Location | None:
        place = getattr(seen, kind).get(key) or getattr(new, kind).get(key)
        if place is None:
            getattr(new, kind)[key] = (file, ti, annotation_index)
            return None
        return _location(kind, place)

    ptr = pointer(ti, "id")
    if found := first("task_ids", keys.task_id):
        yield where.issue("duplicate-task-id", f"task id {keys.task_id} was already used at {found.file}#"
                          f"{found.pointer}", ptr, related=(found,))
    if keys.doc_id is not None:
        ptr = pointer(ti, "data", "doc_id")
        if found := first("doc_ids", keys.doc_id):
            yield where.issue("duplicate-doc-id", f"doc_id {keys.doc_id!r} was already used at {found.file}#"
                              f"{found.pointer}", ptr, related=(found,))
    for annotation_id, index in keys.annotation_ids:
        ptr = pointer(ti, "annotations", index, "id")
        if found := first("annotation_ids", annotation_id, index):
            yield make_issue("duplicate-annotation-id", f"annotation id {annotation_id} was already used at "
                             f"{found.file}#{found.pointer}", file=file, task_id=keys.task_id,
                             annotation_id=annotation_id, pointer=ptr, related=(found,))


def check_seed(task: Task, manifest: Manifest) -> Iterator[Issue]:
    """The task's document is in the manifest, with the same text."""
    where, doc_id = Where(task.file, task.id), task.doc_id
    seed = manifest.by_id.get(doc_id) if doc_id else None
    if seed is None:
        yield where.issue("unknown-doc-id", f"doc_id {doc_id!r} is not in {manifest.path.name}",
                          pointer(task.index, "data", "doc_id") if doc_id else pointer(task.index, "data"))
    elif sha256_text(task.text) != seed.sha256:
        yield where.issue("seed-mismatch", f"the text of {doc_id} differs from seeds/{doc_id}.txt "
                          f"(sha256 {sha256_text(task.text)[:12]}… != {seed.sha256[:12]}…)",
                          pointer(task.index, "data", "text"))


def check_items(annotation: Annotation, labels: LabelSet, where: Where) -> Iterator[Issue]:
    """Span ids, and the ends of attribute and relation items."""
    regions = annotation.regions
    for span in annotation.spans:
        first = regions[span.id]
        if first.pointer != span.pointer:
            yield where.issue("duplicate-region", f"region id {span.id!r} is used by two spans (first at "
                              f"{first.pointer})", span.pointer, span.id, (Location(where.file, first.pointer),))
    attributes = labels.attributes
    for item in annotation.attributes:
        region = regions.get(item.region_id)
        if region is None:
            yield where.issue("attribute-orphan", f"attribute {item.name!r} names region {item.region_id!r}, "
                              "which has no span", item.pointer, item.region_id)
            continue
        layer = attributes[item.name].layer
        if layer != region.layer:
            yield where.issue("attribute-wrong-layer", f"attribute {item.name!r} belongs to the {layer} layer, "
                              f"region {region.id!r} is a {region.layer}", item.pointer, region.id)
            continue
        if item.span is not None and item.span != region.span:
            yield where.issue("attribute-span-mismatch", f"attribute {item.name!r} covers [{item.span.start}, "
                              f"{item.span.end}) but its region covers [{region.start}, {region.end})",
                              item.pointer, region.id)
        first_ptr = region.attr_pointers[item.name]
        if first_ptr != item.pointer:
            yield where.issue("attribute-duplicate", f"region {region.id!r} has {item.name!r} twice (first at "
                              f"{first_ptr})", item.pointer, region.id, (Location(where.file, first_ptr),))
    yield from check_repeats(annotation, where)
    yield from check_relations(annotation, labels, where)


def check_repeats(annotation: Annotation, where: Where) -> Iterator[Issue]:
    """Two regions under different ids that say exactly the same thing (layer, label, span, attributes) would be
    built twice."""
    seen: dict[tuple, str] = {}
    for region in annotation.regions.values():
        key = (region.layer, region.label, region.span, tuple(sorted(region.attrs.items(), key=lambda kv: kv[0])))
        if key in seen:
            yield where.issue("duplicate-span", f"{region.layer} region {region.id!r} repeats region {seen[key]!r} "
                              f"({region.text!r}, same label and attributes)", region.pointer, region.id,
                              (Location(where.file, annotation.regions[seen[key]].pointer),))
        else:
            seen[key] = region.id


def check_relations(annotation: Annotation, labels: LabelSet, where: Where) -> Iterator[Issue]:
    regions = annotation.regions
    pairs: dict[tuple[str, str], str] = {}
    for rel in annotation.relations:
        pair = (rel.source_id, rel.target_id)
        if pair in pairs:  # Label Studio keeps one relation per pair and silently drops the other
            yield where.issue("relation-duplicate", f"a second relation joins {pair[0]!r} → {pair[1]!r} (first at "
                              f"{pairs[pair]})", rel.pointer, rel.source_id, (Location(where.file, pairs[pair]),))
            continue
        pairs[pair] = rel.pointer
        for label in rel.labels:  # one relation may carry several labels (about + source)
            rule = labels.relations[label]
            for key, region_id, layer in (("from_id", rel.source_id, rule.source_layer),
                                          ("to_id", rel.target_id, rule.target_layer)):
                region = regions.get(region_id)
                if region is None:
                    yield where.issue("relation-dangling", f"{label} relation: {key} {region_id!r} names no "
                                      "region", f"{rel.pointer}/{key}", region_id)
                elif region.layer != layer:
                    yield where.issue("relation-wrong-layer", f"{label} relation: {key} {region_id!r} is a "
                                      f"{region.layer} region, expected a {layer} region", f"{rel.pointer}/{key}",
                                      region_id)


def check_spans(text: str, annotation: Annotation, where: Where) -> Iterator[Issue]:
    for region in annotation.regions.values():
        ptr = f"{region.pointer}/value"
        if type(region.start) is not int or type(region.end) is not int:  # JSON Schema counts 1.0 as an integer
            bad = "start" if type(region.start) is not int else "end"
            yield where.issue("offset-not-integer", f"{bad} is {getattr(region, bad)!r}, not a whole number",
                              f"{ptr}/{bad}", region.id)
            continue
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


def check_annotation(task: Task, annotation: Annotation, labels: LabelSet) -> Iterator[Issue]:
    """Level 2 issues of one annotation."""
    where = Where(task.file, task.id, annotation.id)
    yield from check_items(annotation, labels, where)
    yield from check_spans(task.text, annotation, where)


# Level 2 errors after which a region still means what it says: its span and attributes are intact (a repeated
# copy, punctuation at an edge, a broken relation, which level 3 does not read).
KEEPS_MEANING = frozenset({"duplicate-span", "span-untrimmed", "relation-duplicate", "relation-dangling",
                           "relation-wrong-layer"})


def meaningless_regions(annotation: Annotation, issues: Iterable[Issue]) -> dict[str, tuple[str, ...]]:
    """Region id -> the level 2 error codes that leave its meaning unknown (an offset, text or attribute that
    cannot be trusted), for the regions of `annotation` that level 3 must skip."""
    broken: dict[str, dict[str, None]] = {}
    for issue in issues:
        if issue.severity is Severity.ERROR and issue.code not in KEEPS_MEANING \
                and issue.region_id in annotation.regions:
            broken.setdefault(issue.region_id, {})[issue.code] = None
    return {region_id: tuple(codes) for region_id, codes in broken.items()}
