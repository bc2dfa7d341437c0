"""Span matching and the scores built on it, shared by inter-annotator agreement and model/baseline evaluation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class SpanLike(Protocol):
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def match_spans(gold: Sequence[SpanLike], pred: Sequence[SpanLike], *, mode: str = "exact",
                labelled: bool = True) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index). `exact`: same offsets; `overlap`: any shared code point, best
    overlap first. With `labelled`, the labels must agree too."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if labelled and g.label != p.label:
                continue
            if mode == "exact":
                if (g.start, g.end) == (p.start, p.end):
                    candidates.append((0, gi, pi))
            else:
                shared = min(g.end, p.end) - max(g.start, p.start)
                if shared > 0:
                    candidates.append((-shared, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's κ of two raters over paired categorical values; None when undefined (no pairs, or chance = 1)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected == 1.0:
        return None
    return (observed - expected) / (1 - expected)
