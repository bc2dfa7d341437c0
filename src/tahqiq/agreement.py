"""Inter-annotator agreement between two annotation passes of the same tasks.

Per layer: span F1, exact and overlap (labelled for entities), between the two annotators' regions; for regions
matched by overlap, Cohen's κ for categorical attributes (entity label, kind, bound, unit, claim choices) and the
exact-match rate for numeric values."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tahqiq.labels import ENTITY, LabelSet
from tahqiq.model import Region, Task
from tahqiq.scoring import PRF, cohen_kappa, match_spans

NUMERIC = {"value", "value_max"}


@dataclass
class AttributeAgreement:
    pairs: int
    kappa: float | None  # categorical attributes
    exact: float  # share of matched pairs with the same value


@dataclass
class LayerAgreement:
    first: int = 0
    second: int = 0
    exact: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    overlap: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    attributes: dict[str, AttributeAgreement] = field(default_factory=dict)


@dataclass
class AgreementResult:
    first: Any
    second: Any
    documents: list[str]
    layers: dict[str, LayerAgreement]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    return a == b


@dataclass
class AgreementTally:
    """What agreement needs of the tasks seen so far: per layer the region counts and matches, and per attribute
    how often each pair of values was given. Tallies of different tasks add up, in any order."""

    first: Any
    second: Any
    documents: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (layer, "first" | "second" | "exact" | "overlap") -> n
    pairs: Counter = field(default_factory=Counter)  # (layer, attribute, first's value, second's value) -> n

    def add_task(self, task: Task, labels: LabelSet) -> None:
        a, b = task.by_annotator(self.first), task.by_annotator(self.second)
        if a is None or b is None:
            return
        self.documents.append(task.doc_id or str(task.id))
        for name in labels.layers:
            ra: list[Region] = [r for r in a.regions.values() if r.layer == name]
            rb: list[Region] = [r for r in b.regions.values() if r.layer == name]
            self.counts[name, "first"] += len(ra)
            self.counts[name, "second"] += len(rb)
            for mode in ("exact", "overlap"):
                self.counts[name, mode] += len(match_spans(ra, rb, mode=mode, labelled=True))
            attr_names = ["label"] if name == ENTITY else list(labels.layers[name].attributes)
            for gi, pi in match_spans(ra, rb, mode="overlap", labelled=False):
                for attr in attr_names:
                    va = ra[gi].label if attr == "label" else ra[gi].attrs.get(attr)
                    vb = rb[pi].label if attr == "label" else rb[pi].attrs.get(attr)
                    if va is None and vb is None and attr in NUMERIC:
                        continue  # both left it empty (no range, or a vague quantity): nothing to compare
                    self.pairs[name, attr, va, vb] += 1

    def add(self, other: AgreementTally) -> None:
        self.documents += other.documents
        self.counts.update(other.counts)
        self.pairs.update(other.pairs)

    def result(self, labels: LabelSet) -> AgreementResult:
        layers = {}
        for name in labels.layers:
            first, second = self.counts[name, "first"], self.counts[name, "second"]
            layer = LayerAgreement(first=first, second=second)
            for mode in ("exact", "overlap"):
                tp = self.counts[name, mode]
                setattr(layer, mode, PRF(tp, second - tp, first - tp))
            layers[name] = layer
        values: dict[tuple[str, str], list[tuple[Any, Any, int]]] = {}
        for (name, attr, va, vb), n in self.pairs.items():
            values.setdefault((name, attr), []).append((va, vb, n))
        for (name, attr), found in values.items():
            total = sum(n for _, _, n in found)
            exact = sum(n for x, y, n in found if _same(x, y)) / total
            kappa = None if attr in NUMERIC else cohen_kappa([(str(x), str(y)) for x, y, n in found
                                                              for _ in range(n)])
            layers[name].attributes[attr] = AttributeAgreement(pairs=total, kappa=kappa, exact=exact)
        return AgreementResult(first=self.first, second=self.second, documents=self.documents, layers=layers)


def agreement_from_tasks(tasks: list[Task], *, first: Any, second: Any, labels: LabelSet) -> AgreementResult:
    """Agreement of annotator `first` (A) and `second` (B) over the tasks both annotated."""
    tally = AgreementTally(first, second)
    for task in tasks:
        tally.add_task(task, labels)
    return tally.result(labels)


LISTED = 50  # names a card or report lists; beyond that it says how many more


def named_list(names: list[str], *, quote: str = "", first: int = LISTED) -> str:
    """The `first` names, comma-separated, and how many more there are."""
    shown = ", ".join(f"{quote}{name}{quote}" for name in names[:first])
    return shown + (f" and {len(names) - first:,} more" if len(names) > first else "")


NO_AGREEMENT = "No document has two independent annotations yet."


def figure(x: float | None) -> str:
    """An agreement figure as the card and croissant.json print it."""
    return "n/a" if x is None else f"{x:.3f}"


def agreement_rows(result: AgreementResult) -> list[dict]:
    rows = []
    for name, layer in result.layers.items():
        rows.append({"layer": name, "regions_first": layer.first, "regions_second": layer.second,
                     "f1_exact": layer.exact.f1, "f1_overlap": layer.overlap.f1,
                     "attributes": {attr: {"pairs": a.pairs, "kappa": a.kappa, "exact_match": a.exact}
                                    for attr, a in layer.attributes.items()}})
    return rows


def agreement_markdown(result: AgreementResult) -> str:
    """The agreement as a sentence and two Markdown tables (spans per layer; attributes of matched regions)."""
    rows = agreement_rows(result)
    lines = ["| layer | regions (A / B) | span F1 exact | span F1 overlap |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['layer']} | {row['regions_first']} / {row['regions_second']} | "
                     f"{figure(row['f1_exact'])} | {figure(row['f1_overlap'])} |")
    lines += ["", "| layer | attribute | matched pairs | Cohen's κ | exact match |", "|---|---|---|---|---|"]
    for row in rows:
        for attr, a in row["attributes"].items():
            lines.append(f"| {row['layer']} | {attr} | {a['pairs']} | {figure(a['kappa'])} | "
                         f"{figure(a['exact_match'])} |")
    header = (f"Agreement between annotators {result.first} (A) and {result.second} (B) on "
              f"{len(result.documents)} document(s): {named_list(result.documents)}.")
    return header + "\n\n" + "\n".join(lines)
