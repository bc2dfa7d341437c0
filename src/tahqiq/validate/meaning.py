"""Level 3: meaning — which annotation is gold, required attributes, numbers that agree with their surface,
no overlapping numbers, no number inside a product name, every region inside one sentence."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from tahqiq.issues import Issue, pointer
from tahqiq.labels import ENTITY, NUMBER, LabelSet
from tahqiq.manifest import Manifest
from tahqiq.quantities import stated_values
from tahqiq.regions import ParsedAnnotation, Region, Where
from tahqiq.text import split_sentences
from tahqiq.validate.structure import ParsedTask, live_and_truth

_UNIT_PATTERNS = {
    "money": re.compile(r"[A-Z]{3}(/[a-z]+)?"),
    "percent": re.compile(r"percent"),
}
_NOUN_UNIT = re.compile(r"[a-z]+( [a-z]+)*(/[a-z]+)?")


def choose_annotation(parsed: ParsedTask) -> Iterator[Issue]:
    """At most one ground truth; without one, exactly one non-cancelled annotation (see `gold_annotation`)."""
    where, ti = parsed.where, parsed.task_index
    live, truth = live_and_truth(parsed)
    if len(truth) > 1:
        ids = ", ".join(str(a["id"]) for _, a, _ in truth)
        yield where.issue("multiple-ground-truth", f"annotations {ids} are all ground truth",
                          pointer(ti, "annotations", truth[1][0], "ground_truth"))
    elif not truth and len(live) > 1:
        ids = ", ".join(str(a["id"]) for _, a, _ in live)
        yield where.issue("ambiguous-annotation", f"annotations {ids} are all live and none is ground truth",
                          pointer(ti, "annotations"))
    elif not live:
        yield where.issue("no-annotation", "the task has no non-cancelled annotation", pointer(ti, "annotations"))


def check_required(region: Region, labels: LabelSet, where: Where) -> Iterator[Issue]:
    for attr in labels.layers[region.layer].attributes.values():
        if attr.required and attr.name not in region.attrs:
            yield where.issue("attribute-missing", f"{region.layer} region {region.text!r} has no {attr.name}",
                              region.pointer, region.id)


def check_number(region: Region, where: Where) -> Iterator[Issue]:
    attrs = region.attrs
    value, value_max, bound, kind, unit = (attrs.get(k) for k in ("value", "value_max", "bound", "kind", "unit"))
    at = region.attr_pointers
    if bound == "range" and value_max is None:
        yield where.issue("range-without-max", f"{region.text!r} is a range without value_max",
                          at.get("bound", region.pointer), region.id)
    if value_max is not None and bound != "range":
        yield where.issue("value-max-not-range", f"{region.text!r} has value_max but bound {bound!r}",
                          at["value_max"], region.id)
    if value is not None and value_max is not None and not value_max > value:
        yield where.issue("range-inverted", f"value_max {value_max:g} is not greater than value {value:g}",
                          at["value_max"], region.id)
    candidates = stated_values(region.text)
    if candidates and value is None:
        yield where.issue("number-value-missing", f"{region.text!r} has digits but no value", region.pointer,
                          region.id)
    for name, number in (("value", value), ("value_max", value_max)):
        if candidates and number is not None and not any(math.isclose(number, c, rel_tol=1e-9)
                                                         for c in candidates):
            shown = ", ".join(f"{c:g}" for c in sorted(candidates))
            yield where.issue("number-digits-mismatch", f"{name} {number:g} does not match {region.text!r} "
                              f"(readings: {shown})", at[name], region.id)
    if kind is not None and unit is not None:
        pattern = _UNIT_PATTERNS.get(kind, _NOUN_UNIT)
        if not pattern.fullmatch(unit) or (kind != "percent" and unit == "percent"):
            yield where.issue("unit-invalid", f"unit {unit!r} does not fit kind {kind!r}", at["unit"], region.id)


def check_overlaps(regions: list[Region], where: Where) -> Iterator[Issue]:
    numbers = sorted((r for r in regions if r.layer == NUMBER), key=lambda r: (r.start, r.end))
    for before, after in zip(numbers, numbers[1:], strict=False):
        if after.start < before.end:
            yield where.issue("number-overlap", f"{after.text!r} overlaps {before.text!r} (region {before.id})",
                              after.pointer, after.id)
    products = [r for r in regions if r.layer == ENTITY and r.label == "PRODUCT"]
    for number in numbers:
        for product in products:
            if product.start <= number.start and number.end <= product.end:
                yield where.issue("number-inside-product", f"{number.text!r} is part of the product name "
                                  f"{product.text!r} (region {product.id})", number.pointer, number.id)
                break


def check_sentences(regions: list[Region], bounds: list[tuple[int, int]], where: Where) -> Iterator[Issue]:
    for region in regions:
        if not any(start <= region.start and region.end <= end for start, end in bounds):
            yield where.issue("span-crosses-sentence", f"{region.layer} span {region.text!r} is not inside one "
                              "sentence", region.pointer, region.id)


def check_annotation(text: str, result: ParsedAnnotation, bounds, *, labels: LabelSet, where: Where
                     ) -> Iterator[Issue]:
    regions = list(result.regions.values())
    for region in regions:
        yield from check_required(region, labels, where)
        if region.layer == NUMBER:
            yield from check_number(region, where)
    yield from check_overlaps(regions, where)
    yield from check_sentences(regions, bounds, where)


def check_meaning(parsed: ParsedTask, *, labels: LabelSet, manifest: Manifest, clean: set[int]) -> Iterator[Issue]:
    """L3 checks; annotations whose structure had errors (not in `clean`) are skipped until those are fixed."""
    yield from choose_annotation(parsed)
    text = parsed.task["data"]["text"]
    seed = manifest.by_id.get(parsed.task["data"].get("doc_id", ""))
    bounds = [(s.start, s.end) for s in split_sentences(text, seed.zones if seed else None)]
    for a_index, annotation, result in parsed.annotations:
        if a_index not in clean or annotation.get("was_cancelled"):
            continue
        where = Where(file=parsed.where.file, task_id=parsed.task["id"], annotation_id=annotation["id"])
        yield from check_annotation(text, result, bounds, labels=labels, where=where)

