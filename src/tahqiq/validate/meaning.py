"""Level 3: meaning — which annotation is gold, required attributes, numbers that agree with their surface,
no overlapping numbers, no number inside a product name, every region inside one sentence."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator

from tahqiq.issues import Issue, Location, pointer
from tahqiq.labels import ENTITY, NUMBER, LabelSet
from tahqiq.manifest import Manifest
from tahqiq.model import Annotation, Region, Span, Task
from tahqiq.quantities import stated_values
from tahqiq.text import split_sentences
from tahqiq.validate.structure import Where

_UNIT_PATTERNS = {
    "money": re.compile(r"[A-Z]{3}(/[a-z]+)?"),
    "percent": re.compile(r"percent"),
}
_MINUS = re.compile(r"(?:^|\s)[-−‐]\s?[0-9٠-٩]")  # a minus sign before digits, not a range's hyphen
_NOUN_UNIT = re.compile(r"[a-z]+( [a-z]+)*(/[a-z]+)?")


def choose_annotation(task: Task) -> Iterator[Issue]:
    """The gold must be decidable (`Task.gold`): at most one ground truth; without one, exactly one live
    annotation."""
    where, ti = Where(task.file, task.id), task.index
    live, truth = task.live, task.ground_truths
    if len(truth) > 1:
        ids = ", ".join(str(a.id) for a in truth)
        first = Location(task.file, pointer(ti, "annotations", truth[0].index, "ground_truth"))
        yield where.issue("multiple-ground-truth", f"annotations {ids} are all ground truth",
                          pointer(ti, "annotations", truth[1].index, "ground_truth"), related=(first,))
    elif not truth and len(live) > 1:
        ids = ", ".join(str(a.id) for a in live)
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
    if any(n is not None and n < 0 for n in (value, value_max)) and not _MINUS.search(region.text):
        yield where.issue("number-negative", f"{region.text!r} has a negative value but no minus sign",
                          at["value_max" if value is None or value >= 0 else "value"], region.id)
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
    furthest = None  # of the regions so far, the one that reaches furthest right
    for region in numbers:
        if furthest is not None and region.span.overlaps(furthest.span):
            yield where.issue("number-overlap", f"{region.text!r} overlaps {furthest.text!r} (region "
                              f"{furthest.id})", region.pointer, region.id, (Location(where.file, furthest.pointer),))
        if furthest is None or region.end > furthest.end:
            furthest = region
    products = [r for r in regions if r.layer == ENTITY and r.label == "PRODUCT"]
    for number in numbers:
        for product in products:
            if product.span.contains(number.span):
                yield where.issue("number-inside-product", f"{number.text!r} is part of the product name "
                                  f"{product.text!r} (region {product.id})", number.pointer, number.id)
                break


def check_sentences(regions: list[Region], sentences: list[Span], where: Where) -> Iterator[Issue]:
    for region in regions:
        start, end = region.span
        if not any(s_start <= start and end <= s_end for s_start, s_end in sentences):
            yield where.issue("span-crosses-sentence", f"{region.layer} span {region.text!r} is not inside one "
                              "sentence", region.pointer, region.id)


def sentence_spans(task: Task, manifest: Manifest) -> list[Span]:
    seed = manifest.by_id.get(task.doc_id or "")
    return [s.span for s in split_sentences(task.text, seed.zones if seed else None)]


def check_meaning(task: Task, annotation: Annotation, *, labels: LabelSet, sentences: list[Span],
                  meaningless: Collection[str] = ()) -> Iterator[Issue]:
    """L3 checks of one annotation, on every region but the `meaningless` ones (region ids whose level 2 errors
    leave their meaning unknown: `structure.meaningless_regions`), so one pass reports every problem."""
    where = Where(task.file, task.id, annotation.id)
    regions = [r for r in annotation.regions.values() if r.id not in meaningless]
    for region in regions:
        yield from check_required(region, labels, where)
        if region.layer == NUMBER:
            yield from check_number(region, where)
    yield from check_overlaps(regions, where)
    yield from check_sentences(regions, sentences, where)
