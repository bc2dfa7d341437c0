"""The benchmark's scores, in the field's conventions, from gold rows and prediction lines of one config.

Every headline metric is a ratio of counts summed over rows (sentences), so a seeded bootstrap over rows gives its
95 % interval cheaply. Entities: the SemEval-2013 schemes as nervaluate names them (strict, exact, partial,
ent_type) and token-level BIO F1 as seqeval computes it; numbers: span F1 and value F1; claims: the CheckThat!
positive-class F1 for detection and check-worthiness, span overlap F1, attribute macro-F1 and link F1. Tests check
the entity figures against nervaluate and seqeval themselves."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

from tahqiq.labels import CLAIM, ENTITY, NUMBER, LabelSet
from tahqiq.scoring import PRF, match_spans
from tahqiq.text import aligned_bio

BOOTSTRAP_SAMPLES, BOOTSTRAP_SEED = 1000, 0
VALUE_TOLERANCE = 1e-6


@dataclass
class Metric:
    value: float
    low: float | None = None  # 95 % bootstrap interval
    high: float | None = None


@dataclass
class Scores:
    config: str
    rows: int
    headline: dict[str, Metric] = field(default_factory=dict)
    details: dict[str, float | dict] = field(default_factory=dict)


def _f1(tp: int, fp: int, fn: int) -> float:
    return PRF(tp, fp, fn).f1


def _spans(items: list[dict], *, label: str | None = None) -> list[SimpleNamespace]:
    return [SimpleNamespace(start=s["start"], end=s["end"], label=label or s.get("label"), item=s) for s in items]


def bio_of(text: str, spans: list[dict]) -> tuple[list[str], int]:
    """BIO tags of the row's tokens (as the dataset tags them) and how many spans did not align with them."""
    _, tags, left_out = aligned_bio(text, [(s["start"], s["end"], s["label"]) for s in spans])
    return tags, len(left_out)


def _chunks(tags: list[str]) -> set[tuple[str, int, int]]:
    from seqeval.metrics.sequence_labeling import get_entities

    return set(get_entities(tags))


def _entity_counts(gold: dict, pred: list[dict], line: dict) -> dict[str, tuple[int, int, int]]:
    g, p = _spans(gold["entities"]), _spans(pred)
    strict = len(match_spans(g, p, mode="exact", labelled=True))
    gold_tags, _ = bio_of(gold["text"], gold["entities"])
    pred_tags, _ = bio_of(gold["text"], pred)
    gc, pc = _chunks(gold_tags), _chunks(pred_tags)
    return {"strict_f1": (strict, len(p) - strict, len(g) - strict),
            "seqeval_f1": (len(gc & pc), len(pc - gc), len(gc - pc))}


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=VALUE_TOLERANCE)


def _number_counts(gold: dict, pred: list[dict], line: dict) -> dict[str, tuple[int, int, int]]:
    g, p = _spans(gold["numbers"], label="NUM"), _spans(pred, label="NUM")
    exact = match_spans(g, p, mode="exact", labelled=False)
    overlap = len(match_spans(g, p, mode="overlap", labelled=False))
    valued = sum(_same_value(g[gi].item.get("value"), p[pi].item.get("value"))
                 and _same_value(g[gi].item.get("value_max"), p[pi].item.get("value_max")) for gi, pi in exact)
    return {"span_f1_exact": (len(exact), len(p) - len(exact), len(g) - len(exact)),
            "span_f1_overlap": (overlap, len(p) - overlap, len(g) - overlap),
            "value_f1": (valued, len(p) - valued, len(g) - valued)}


def _gold_links(claim: dict, targets: dict[str, tuple[int, int]], labels: LabelSet) -> set:
    out = set()
    for rel in labels.relations_from(CLAIM):
        for target in claim.get(rel.column, []):
            if target in targets:
                out.add((rel.name, *targets[target]))
    return out


def _claim_counts(gold: dict, pred: list[dict], line: dict, *, labels: LabelSet,
                  targets: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int, int]]:
    gold_claim = gold["has_claim"] == "yes"
    pred_claim = line.get("has_claim", "yes" if pred else "no") == "yes"
    gold_worthy = any(c["checkworthy"] == "yes" for c in gold["claims"])
    pred_worthy = any(c.get("checkworthy") == "yes" for c in pred)
    g, p = _spans(gold["claims"], label="CLAIM"), _spans(pred, label="CLAIM")
    pairs = match_spans(g, p, mode="overlap", labelled=False)
    gold_links = sum(len(_gold_links(c, targets, labels)) for c in gold["claims"])
    pred_links = sum(len(c.get("links", [])) for c in pred)
    right = sum(len(_gold_links(g[gi].item, targets, labels)
                    & {(k["relation"], k["start"], k["end"]) for k in p[pi].item.get("links", [])})
                for gi, pi in pairs)
    return {"detection_f1": (int(gold_claim and pred_claim), int(pred_claim and not gold_claim),
                             int(gold_claim and not pred_claim)),
            "checkworthy_f1": (int(gold_worthy and pred_worthy), int(pred_worthy and not gold_worthy),
                               int(gold_worthy and not pred_worthy)),
            "span_f1_overlap": (len(pairs), len(p) - len(pairs), len(g) - len(pairs)),
            "link_f1": (right, pred_links - right, gold_links - right)}


def _bootstrap(per_row: list[dict[str, tuple[int, int, int]]], name: str) -> tuple[float, float]:
    rng = random.Random(BOOTSTRAP_SEED)
    n = len(per_row)
    values = []
    for _ in range(BOOTSTRAP_SAMPLES):
        sums = [0, 0, 0]
        for _ in range(n):
            counts = per_row[rng.randrange(n)][name]
            sums = [a + b for a, b in zip(sums, counts, strict=True)]
        values.append(_f1(*sums))
    values.sort()
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def _macro_f1(pairs: Sequence[tuple[str, str]], classes: Sequence[str]) -> float:
    """Mean over the classes seen in gold or prediction of each class's F1 (scikit-learn's macro average)."""
    seen = [c for c in classes if any(c in pair for pair in pairs)]
    if not seen:
        return 0.0
    scores = []
    for c in seen:
        tp = sum(g == c and p == c for g, p in pairs)
        fp = sum(g != c and p == c for g, p in pairs)
        fn = sum(g == c and p != c for g, p in pairs)
        scores.append(_f1(tp, fp, fn))
    return sum(scores) / len(scores)


def _details(config: str, gold_rows: list[dict], lines: dict[str, dict], labels: LabelSet) -> dict:
    """Non-bootstrapped figures: nervaluate's four schemes and per-label F1, seqeval's per-label report,
    attribute accuracies or macro-F1 on matched spans."""
    preds = [(row, (lines.get(row["id"]) or {}).get(config, [])) for row in gold_rows]
    if not preds:
        return {}
    if config == labels.layers[ENTITY].config:
        from nervaluate import Evaluator
        from seqeval.metrics import classification_report

        names = list(labels.layers[ENTITY].labels)
        def inclusive(items: list[dict]) -> list[dict]:  # nervaluate's `end` is the last position, not past it
            return [{"label": s["label"], "start": s["start"], "end": s["end"] - 1} for s in items]

        result = Evaluator([inclusive(r["entities"]) for r, _ in preds], [inclusive(p) for _, p in preds],
                           tags=names, loader="dict").evaluate()  # inferred from the first row otherwise
        schemes = {scheme: {"precision": r.precision, "recall": r.recall, "f1": r.f1}
                   for scheme, r in result["overall"].items()}
        gold_tags = [bio_of(r["text"], r["entities"])[0] for r, _ in preds]
        pred_bio = [bio_of(r["text"], p) for r, p in preds]
        report = classification_report(gold_tags, [t for t, _ in pred_bio], output_dict=True, zero_division=0)
        return {"nervaluate": schemes,
                "strict_f1_per_label": {n: result["entities"][n]["strict"].f1 for n in names
                                        if n in result["entities"] and result["entities"][n]["strict"].possible},
                "seqeval": {k: {m: float(x) for m, x in v.items()} for k, v in report.items() if isinstance(v, dict)},
                "misaligned_predictions": sum(n for _, n in pred_bio)}
    layer = labels.layers[NUMBER if config == labels.layers[NUMBER].config else CLAIM]
    pairs_by_attr: dict[str, list] = {name: [] for name in layer.attributes}
    matched = 0
    for row, pred in preds:
        g, p = _spans(row[config], label="X"), _spans(pred, label="X")
        mode = "exact" if layer.name == NUMBER else "overlap"
        for gi, pi in match_spans(g, p, mode=mode, labelled=False):
            matched += 1
            for name in layer.attributes:
                pairs_by_attr[name].append((g[gi].item.get(name), p[pi].item.get(name)))
    if layer.name == NUMBER:
        return {"attribute_accuracy": {
            name: (sum(_same_value(a, b) if isinstance(a, float) or isinstance(b, float) else a == b
                       for a, b in pairs) / len(pairs) if pairs else None)
            for name, pairs in pairs_by_attr.items()}, "matched_spans": matched}
    return {"attribute_macro_f1": {name: _macro_f1([(str(a), str(b)) for a, b in pairs], layer.attributes[name].choices)
                                   for name, pairs in pairs_by_attr.items()},
            "matched_claims": matched}


def score(config: str, gold_rows: list[dict], lines: dict[str, dict], *, labels: LabelSet,
          link_targets: dict[str, dict[str, tuple[int, int]]] | None = None) -> Scores:
    """Scores of prediction `lines` (by row id) against `gold_rows` of one config. `link_targets` gives, per row id,
    the row-relative span of every region a claim of that row may link to (claims only)."""
    if config == labels.layers[ENTITY].config:
        counts = _entity_counts
    elif config == labels.layers[NUMBER].config:
        counts = _number_counts
    else:
        def counts(gold, pred, line):
            return _claim_counts(gold, pred, line, labels=labels, targets=(link_targets or {}).get(gold["id"], {}))
    per_row = [counts(row, (lines.get(row["id"]) or {}).get(config, []), lines.get(row["id"]) or {})
               for row in gold_rows]
    scores = Scores(config=config, rows=len(gold_rows), details=_details(config, gold_rows, lines, labels))
    for name in per_row[0] if per_row else ():
        total = [sum(c[name][k] for c in per_row) for k in range(3)]
        low, high = _bootstrap(per_row, name)
        scores.headline[name] = Metric(_f1(*total), low, high)
    return scores

