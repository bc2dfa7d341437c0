"""Turn one annotation's flat Label Studio `result` list into regions with their attributes and links.

Label Studio stores a region as a span item plus one item per attribute, all sharing the region's `id`; relations
are separate items naming two region ids. Structural problems found on the way are returned as Issues (level 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tahqiq.issues import Issue, make_issue
from tahqiq.labels import LabelSet


@dataclass(frozen=True)
class Where:
    """The location shared by all issues of one annotation."""

    file: str
    task_id: int | None
    annotation_id: int | None = None

    def issue(self, code: str, message: str, ptr: str, region_id: str | None = None) -> Issue:
        return make_issue(code, message, file=self.file, pointer=ptr, task_id=self.task_id,
                          annotation_id=self.annotation_id, region_id=region_id)


@dataclass
class Region:
    id: str
    layer: str
    label: str
    start: int
    end: int
    text: str
    pointer: str
    attrs: dict[str, Any] = field(default_factory=dict)
    attr_pointers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    source_id: str
    target_id: str
    label: str
    pointer: str


@dataclass
class ParsedAnnotation:
    regions: dict[str, Region]
    links: list[Link]
    issues: list[Issue]


def attribute_value(item: dict) -> Any:
    value = item["value"]
    if item["type"] == "number":
        return float(value["number"])
    if item["type"] == "textarea":
        return value["text"][0]
    return value["choices"][0]


def parse_annotation(result: list[dict], *, labels: LabelSet, where: Where, base: str) -> ParsedAnnotation:
    """Group a schema-valid result list into regions and links; `base` is the JSON pointer of the result list."""
    regions: dict[str, Region] = {}
    issues: list[Issue] = []
    attr_items, relation_items = [], []
    for index, item in enumerate(result):
        ptr = f"{base}/{index}"
        if item["type"] == "relation":
            relation_items.append((ptr, item))
        elif item["from_name"] in labels.layers:
            value = item["value"]
            if item["id"] in regions:
                issues.append(where.issue("duplicate-region", f"region id {item['id']!r} is used by two spans "
                                          f"(first at {regions[item['id']].pointer})", ptr, item["id"]))
                continue
            regions[item["id"]] = Region(id=item["id"], layer=item["from_name"], label=value["labels"][0],
                                         start=value["start"], end=value["end"], text=value["text"], pointer=ptr)
        else:
            attr_items.append((ptr, item))

    attributes = labels.attributes
    for ptr, item in attr_items:
        region, name = regions.get(item["id"]), item["from_name"]
        if region is None:
            issues.append(where.issue("attribute-orphan", f"attribute {name!r} names region {item['id']!r}, "
                                      "which has no span", ptr, item["id"]))
            continue
        if attributes[name].layer != region.layer:
            issues.append(where.issue("attribute-wrong-layer", f"attribute {name!r} belongs to the "
                                      f"{attributes[name].layer} layer, region {region.id!r} is a {region.layer}",
                                      ptr, region.id))
            continue
        start, end = item["value"].get("start", region.start), item["value"].get("end", region.end)
        if (start, end) != (region.start, region.end):
            issues.append(where.issue("attribute-span-mismatch", f"attribute {name!r} covers [{start}, {end}) but "
                                      f"its region covers [{region.start}, {region.end})", ptr, region.id))
        if name in region.attrs:
            issues.append(where.issue("attribute-duplicate", f"region {region.id!r} has {name!r} twice (first at "
                                      f"{region.attr_pointers[name]})", ptr, region.id))
            continue
        region.attrs[name] = attribute_value(item)
        region.attr_pointers[name] = ptr

    links = []
    pairs: dict[tuple[str, str], str] = {}
    for ptr, item in relation_items:
        pair = (item["from_id"], item["to_id"])
        if pair in pairs:  # Label Studio keeps one relation per pair and silently drops the other
            issues.append(where.issue("relation-duplicate", f"a second relation joins {pair[0]!r} → {pair[1]!r} "
                                      f"(first at {pairs[pair]})", ptr, item["from_id"]))
            continue
        pairs[pair] = ptr
        for label in item["labels"]:  # one relation may carry several labels (about + source)
            links += _link(item, label, labels, regions, where, ptr, issues)
    return ParsedAnnotation(regions=regions, links=links, issues=issues)


def _link(item: dict, label: str, labels: LabelSet, regions: dict[str, Region], where: Where, ptr: str,
          issues: list[Issue]) -> list[Link]:
    """The link of one relation label, or none (with issues) when an end is missing or of the wrong layer."""
    rule = labels.relations[label]
    ok = True
    for key, layer in (("from_id", rule.source_layer), ("to_id", rule.target_layer)):
        region_id = item[key]
        region = regions.get(region_id)
        if region is None:
            issues.append(where.issue("relation-dangling", f"{label} relation: {key} {region_id!r} names no "
                                      "region", f"{ptr}/{key}", region_id))
            ok = False
        elif region.layer != layer:
            issues.append(where.issue("relation-wrong-layer", f"{label} relation: {key} {region_id!r} is a "
                                      f"{region.layer} region, expected a {layer} region", f"{ptr}/{key}",
                                      region_id))
            ok = False
    return [Link(item["from_id"], item["to_id"], label, ptr)] if ok else []
