"""How far to trust the suggestions: precision, recall and F1 of pre-annotations against the gold, per layer.

Predictions are the built-in rule-based pre-annotators (one model_version each) or any Label Studio predictions
(`predictions: [{model_version, result}]` on tasks, as in a snapshot export), matched to the gold by data.doc_id.
Scoring treats gold and predictions as two annotators of each task and reuses tahqiq.agreement (span matching from
tahqiq.scoring): precision = matched / predicted, recall = matched / gold; exact and overlap matches, labelled for
entities; for suggested regions that overlap a gold region, how often each attribute is right."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from tahqiq.agreement import LayerAgreement, agreement_from_tasks
from tahqiq.baselines import PRE_ANNOTATORS, predict
from tahqiq.errors import Refused
from tahqiq.issues import Issue, Location, Report, make_issue, pointer
from tahqiq.labels import LabelSet
from tahqiq.manifest import Manifest
from tahqiq.model import Task, parse_task
from tahqiq.project import Project
from tahqiq.validate import validate_paths
from tahqiq.validate.schema import MISSING, load_json, schema_errors
from tahqiq.validate.structure import check_annotation

GOLD, PREDICTED = -1, -2  # completed_by of the two sides handed to the agreement code


@dataclass
class ModelScore:
    model_version: str
    documents: list[str]
    layers: dict[str, LayerAgreement]  # `first` = gold regions, `second` = predicted regions


def _gold_tasks(tasks: list[Task]) -> dict[str, Task]:
    """doc_id -> task, for tasks that have a doc id and a gold annotation."""
    return {task.doc_id: task for task in tasks if task.doc_id and task.gold is not None}


def _paired(task: Task, predicted: list[dict]) -> Task:
    raw = {"id": task.id, "data": task.raw["data"], "annotations": [
        {"id": 1, "completed_by": GOLD, "result": task.gold.raw["result"]},
        {"id": 2, "completed_by": PREDICTED, "result": predicted}]}
    return parse_task(raw, index=0, file=task.file)


def builtin_predictions(gold: dict[str, Task], *, manifest: Manifest,
                        labels: LabelSet) -> dict[str, dict[str, list[dict]]]:
    """model_version -> doc_id -> result, from each rule-based pre-annotator on its own."""
    out: dict[str, dict[str, list[dict]]] = {}
    for pre_annotator in PRE_ANNOTATORS:
        by_doc = out.setdefault(pre_annotator.model_version, {})
        for doc_id, task in gold.items():
            seed = manifest.by_id.get(doc_id)
            by_doc[doc_id] = predict(task.text, zones=seed.zones if seed else {}, labels=labels,
                                     pre_annotators=(pre_annotator,)).result
    return out


def _as_annotated(task, index: int):
    """A task whose predictions stand in its `annotations`, index for index, so the export schema can check them."""
    if not isinstance(task, dict):
        return task
    predictions = task.get("predictions") or []
    return {"id": task.get("id", index), "data": task.get("data", {}), "annotations": [
        {"id": k, "result": p.get("result") if isinstance(p, dict) else p} for k, p in enumerate(predictions)]}


def _in_predictions(issue: Issue) -> Issue:
    """An issue found on a prediction that stood in `annotations`, pointed back at `predictions`."""
    return replace(issue, pointer=issue.pointer.replace("/annotations/", "/predictions/", 1))


def file_predictions(paths: list[Path], *, labels: LabelSet) -> dict[str, dict[str, list[dict]]]:
    """model_version -> doc_id -> result, from exports whose tasks carry full predictions. Predictions get the
    checks of levels 1 and 2 (schema, offsets inside the text, span texts, attribute and relation ends), and one
    model's second prediction of a document is an error; errors point into `predictions`."""
    report, out = Report(), defaultdict(dict)
    first: dict[tuple[str, str], Location] = {}
    for path in paths:
        report.files += 1
        data, issues = load_json(path)
        report.extend(issues)
        if data is MISSING:
            continue
        checked = [_as_annotated(t, i) for i, t in enumerate(data)] if isinstance(data, list) else data
        bad, issues = schema_errors(checked, file=str(path), labels=labels)
        report.extend(map(_in_predictions, issues))
        if not isinstance(data, list):
            continue
        report.tasks += len(data)
        for index, raw in enumerate(data):
            if index in bad:
                continue
            task = parse_task(checked[index], index=index, file=str(path))
            for annotation, prediction in zip(task.annotations, raw.get("predictions") or [], strict=True):
                report.extend(map(_in_predictions, check_annotation(task, annotation, labels)))
                model = str(prediction.get("model_version") or "unversioned")
                here = Location(str(path), pointer(index, "predictions", annotation.index))
                if task.doc_id is None:
                    continue
                if (model, task.doc_id) in first:
                    seen = first[(model, task.doc_id)]
                    report.extend([make_issue("duplicate-prediction", f"a second prediction of {task.doc_id} by "
                                              f"{model!r} (first at {seen.file}#{seen.pointer})", file=str(path),
                                              task_id=task.id, pointer=here.pointer, related=(seen,))])
                    continue
                first[(model, task.doc_id)] = here
                out[model][task.doc_id] = prediction["result"]
    if not report.ok:
        raise Refused(report)
    return dict(out)


def evaluate(*, project: Project, annotations: list[Path], predictions: list[Path] | None = None
             ) -> list[ModelScore]:
    """Score predictions (default: the built-in pre-annotators) against the gold in `annotations`; raises Refused
    when the gold or the predictions do not validate."""
    labels, manifest = project.labels, project.manifest
    validation = validate_paths(annotations, manifest=manifest, labels=labels)
    if not validation.report.ok:
        raise Refused(validation.report)
    gold = _gold_tasks(validation.tasks)
    by_model = (file_predictions(predictions, labels=labels) if predictions
                else builtin_predictions(gold, manifest=manifest, labels=labels))
    scores = []
    for model_version, by_doc in sorted(by_model.items()):
        pairs = [_paired(gold[doc_id], result) for doc_id, result in sorted(by_doc.items()) if doc_id in gold]
        agreement = agreement_from_tasks(pairs, first=GOLD, second=PREDICTED, labels=labels)
        layers = {name: layer for name, layer in agreement.layers.items() if layer.second}
        scores.append(ModelScore(model_version=model_version, documents=agreement.documents, layers=layers))
    return scores


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def score_rows(scores: list[ModelScore]) -> list[dict]:
    rows = []
    for score in scores:
        for name, layer in score.layers.items():
            rows.append({
                "model_version": score.model_version, "layer": name, "documents": len(score.documents),
                "gold": layer.first, "predicted": layer.second,
                **{f"{mode}_{k}": getattr(getattr(layer, mode), k) for mode in ("exact", "overlap")
                   for k in ("precision", "recall", "f1")},
                "attributes": {attr: {"pairs": a.pairs, "accuracy": a.exact} for attr, a in layer.attributes.items()},
            })
    return rows


def format_scores(scores: list[ModelScore], *, fmt: str = "text") -> str:
    rows = score_rows(scores)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    lines = ["| model_version | layer | gold | predicted | P exact | R exact | F1 exact | P overlap | R overlap | "
             "F1 overlap |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['model_version']} | {r['layer']} | {r['gold']} | {r['predicted']} | "
                     + " | ".join(_pct(r[f"{m}_{k}"]) for m in ("exact", "overlap") for k in ("precision", "recall",
                                                                                          "f1")) + " |")
    lines += ["", "Attributes of suggested regions that overlap a gold region (share right):", "",
              "| model_version | layer | attribute | pairs | accuracy |", "|---|---|---|---|---|"]
    for r in rows:
        for attr, a in r["attributes"].items():
            lines.append(f"| {r['model_version']} | {r['layer']} | {attr} | {a['pairs']} | {_pct(a['accuracy'])} |")
    docs = sorted({d for s in scores for d in s.documents})
    return f"Pre-annotations against the gold of {len(docs)} document(s), in percent.\n\n" + "\n".join(lines)
