"""The data model of a Label Studio export as Tahqiq reads it: tasks, annotations, regions, links and spans.

This module only parses a schema-valid task; it judges nothing. It keeps every item as it was found (a repeated
region id, an attribute without its region, a relation to nowhere) so that `tahqiq.validate` can report them, and
resolves the regions and links that the rest of the library works with (first occurrence wins)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from tahqiq.issues import pointer
from tahqiq.labels import CONTROLS


class Span(NamedTuple):
    """A half-open range [start, end) of code points (a tuple: made for every region, so made cheaply)."""

    start: int
    end: int

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class Region:
    id: str
    layer: str
    label: str
    span: Span
    text: str
    pointer: str
    attrs: dict[str, Any] = field(default_factory=dict)
    attr_pointers: dict[str, str] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end


class AttributeItem(NamedTuple):
    region_id: str
    name: str
    value: Any
    span: Span | None  # the start/end the item carries, if any
    pointer: str


class RelationItem(NamedTuple):
    source_id: str
    target_id: str
    labels: tuple[str, ...]
    pointer: str


class Link(NamedTuple):
    """One label of a relation: claim `source_id` → `target_id`."""

    source_id: str
    target_id: str
    label: str
    pointer: str


@dataclass
class Annotation:
    index: int  # position in the task's `annotations`
    id: int
    completed_by: Any
    ground_truth: bool
    was_cancelled: bool
    raw: dict
    spans: list[Region]  # every span item in file order, repeated ids included
    attributes: list[AttributeItem]
    relations: list[RelationItem]

    @cached_property
    def regions(self) -> dict[str, Region]:
        """Regions by id with their attributes attached; of repeated ids or attributes the first is kept."""
        regions: dict[str, Region] = {}
        for span in self.spans:
            if span.id not in regions:
                regions[span.id] = Region(span.id, span.layer, span.label, span.span, span.text, span.pointer)
        for item in self.attributes:
            region = regions.get(item.region_id)
            if region is not None and item.name not in region.attrs:
                region.attrs[item.name] = item.value
                region.attr_pointers[item.name] = item.pointer
        return regions

    @cached_property
    def links(self) -> list[Link]:
        """One link per relation label whose two ends are regions; of two relations on one pair the first."""
        regions, seen, links = self.regions, set(), []
        for rel in self.relations:
            pair = (rel.source_id, rel.target_id)
            if pair in seen or rel.source_id not in regions or rel.target_id not in regions:
                continue
            seen.add(pair)
            links += [Link(rel.source_id, rel.target_id, label, rel.pointer) for label in rel.labels]
        return links

    @cached_property
    def _layers(self) -> dict[str, list[Region]]:
        out: dict[str, list[Region]] = {}
        for region in sorted(self.regions.values(), key=lambda r: (r.start, -r.end, r.id)):
            out.setdefault(region.layer, []).append(region)
        return out

    def layer(self, name: str) -> list[Region]:
        """The regions of one layer in text order."""
        return list(self._layers.get(name, ()))

    @cached_property
    def _targets(self) -> dict[tuple[str, str], list[str]]:
        out: dict[tuple[str, str], list[str]] = {}
        for link in self.links:
            out.setdefault((link.source_id, link.label), []).append(link.target_id)
        return out

    def linked(self, region_id: str, relation: str) -> list[str]:
        return list(self._targets.get((region_id, relation), ()))


@dataclass
class Task:
    index: int  # position in its file
    file: str
    raw: dict
    annotations: list[Annotation]

    @property
    def id(self) -> int:
        return self.raw["id"]

    @property
    def text(self) -> str:
        return self.raw["data"]["text"]

    @property
    def doc_id(self) -> str | None:
        return self.raw["data"].get("doc_id")

    @property
    def pointer(self) -> str:
        return pointer(self.index)

    @property
    def live(self) -> list[Annotation]:
        """The annotations that were not cancelled."""
        return [a for a in self.annotations if not a.was_cancelled]

    @property
    def ground_truths(self) -> list[Annotation]:
        return [a for a in self.live if a.ground_truth]

    @property
    def gold(self) -> Annotation | None:
        """The one ground-truth annotation, or the only live one; None when the choice is missing or ambiguous
        (which level 3 reports)."""
        truths, live = self.ground_truths, self.live
        if len(truths) == 1:
            return truths[0]
        if not truths and len(live) == 1:
            return live[0]
        return None

    def by_annotator(self, annotator: Any) -> Annotation | None:
        """The first live annotation completed by `annotator`."""
        return next((a for a in self.live if a.completed_by == annotator), None)


def annotator_id(completed_by: Any) -> Any:
    """Label Studio writes `completed_by` as a user id or as the user object; the id either way."""
    return completed_by.get("id") if isinstance(completed_by, dict) else completed_by


def parse_annotation(raw: dict, *, index: int, base: str) -> Annotation:
    """An annotation of a schema-valid task; `base` is the JSON pointer of the annotation."""
    spans, attributes, relations = [], [], []
    for item_index, item in enumerate(raw["result"]):
        ptr = f"{base}/result/{item_index}"
        value = item.get("value", {})
        if item["type"] == "relation":
            relations.append(RelationItem(item["from_id"], item["to_id"], tuple(item["labels"]), ptr))
        elif item["type"] == "labels":
            spans.append(Region(item["id"], item["from_name"], value["labels"][0],
                                Span(value["start"], value["end"]), value["text"], ptr))
        else:
            has_span = "start" in value and "end" in value
            attributes.append(AttributeItem(item["id"], item["from_name"], CONTROLS[item["type"]].read(value),
                                            Span(value["start"], value["end"]) if has_span else None, ptr))
    return Annotation(index=index, id=raw["id"], completed_by=annotator_id(raw.get("completed_by")),
                      ground_truth=bool(raw.get("ground_truth")), was_cancelled=bool(raw.get("was_cancelled")),
                      raw=raw, spans=spans, attributes=attributes, relations=relations)


def parse_task(raw: dict, *, index: int, file: str) -> Task:
    """A task that passed the export schema."""
    annotations = [parse_annotation(a, index=i, base=pointer(index, "annotations", i))
                   for i, a in enumerate(raw["annotations"])]
    return Task(index=index, file=file, raw=raw, annotations=annotations)
