"""`tahqiq evaluate`: score a system's predictions for one per-sentence config and split against the gold, with the
metrics of tahqiq.metrics. Predictions come as JSON Lines (docs/predictions.md), as Label Studio exports with full
predictions (one score per model version, cut into the dataset's sentences), or — without a file — from the
rule-based pre-annotators, which are annotation aids written with these articles in view, not baselines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from tahqiq.baselines import model_version, predict
from tahqiq.errors import Refused, UsageError
from tahqiq.gold import GoldDocument, gold_documents
from tahqiq.issues import Issue, Location, Report, make_issue, pointer
from tahqiq.labels import CLAIM, LabelSet
from tahqiq.metrics import Scores, score
from tahqiq.model import Annotation, parse_annotation, parse_task
from tahqiq.predictions import lines_from_regions, read_predictions
from tahqiq.project import Project
from tahqiq.rows import sentence_rows
from tahqiq.strictjson import MISSING
from tahqiq.validate import validate_paths
from tahqiq.validate.schema import load_json, schema_errors
from tahqiq.validate.structure import check_annotation


@dataclass
class Benchmark:
    """The gold side of one config and split: its documents and rows, and where each claim may link to."""

    config: str
    split: str
    documents: list[GoldDocument]
    rows: list[dict]
    link_targets: dict[str, dict[str, tuple[int, int]]]  # row id -> region id -> row-relative span

    @property
    def by_id(self) -> dict[str, dict]:
        return {row["id"]: row for row in self.rows}


def benchmark(project: Project, *, config: str, split: str, annotations: list[Path] | None = None) -> Benchmark:
    """The gold rows of `config` in `split`, from the project's annotations (validated; Refused when not)."""
    labels, manifest = project.labels, project.manifest
    if config not in {layer.config for layer in labels.layers.values()}:
        names = ", ".join(layer.config for layer in labels.layers.values())
        raise UsageError(f"unknown config {config!r}: one of {names}")
    if split not in manifest.splits:
        raise UsageError(f"unknown split {split!r}: one of {', '.join(manifest.splits)}")
    validation = validate_paths(annotations or [project.annotations_dir], labels=labels, manifest=manifest)
    if not validation.report.ok:
        raise Refused(validation.report, "not evaluated: the gold does not validate")
    return benchmark_of(gold_documents(validation.tasks, manifest=manifest), config=config, split=split,
                        labels=labels)


def benchmark_of(docs: list[GoldDocument], *, config: str, split: str, labels: LabelSet) -> Benchmark:
    """The gold side from gold documents already at hand (the build has them)."""
    docs = [d for d in docs if d.split == split]
    rows, targets = [], {}
    for doc in docs:
        doc_rows = sentence_rows(doc, labels)[config]
        for sentence, row in zip(doc.sentences, doc_rows, strict=True):
            targets[row["id"]] = {r.id: (r.start - sentence.start, r.end - sentence.start)
                                  for r in doc.annotation.regions.values() if sentence.span.contains(r.span)}
        rows += doc_rows
    return Benchmark(config=config, split=split, documents=docs, rows=rows, link_targets=targets)


def doc_lines(bench: Benchmark, regions_by_doc: dict[str, Annotation], labels: LabelSet) -> dict[str, dict]:
    """Prediction lines of the benchmark's rows from document-level annotations (by doc id)."""
    lines: dict[str, dict] = {}
    for doc in bench.documents:
        annotation = regions_by_doc.get(doc.doc_id)
        if annotation is None:
            continue
        links = [(link.source_id, link.target_id, link.label) for link in annotation.links]
        for line in lines_from_regions(doc.doc_id, doc.sentences, annotation.regions.values(), links,
                                       config=bench.config,
                                       labels=labels):
            lines[line["id"]] = line
    return lines


def pre_annotator_lines(bench: Benchmark, project: Project) -> dict[str, dict[str, dict]]:
    """model_version -> lines of the rule-based pre-annotators, as `studio push` offers them: their union, whose
    claims link to the numbers inside them."""
    by_doc = {}
    for doc in bench.documents:
        prediction = predict(doc.text, zones=project.manifest.by_id[doc.doc_id].zones, labels=project.labels)
        by_doc[doc.doc_id] = parse_annotation({"id": 0, "result": prediction.result}, index=0, base="")
    return {model_version(): doc_lines(bench, by_doc, project.labels)}


def export_lines(bench: Benchmark, path: Path, labels: LabelSet) -> dict[str, dict[str, dict]]:
    """model_version -> lines, from a Label Studio export whose tasks carry full predictions."""
    by_model = file_predictions([path], labels=labels)
    return {model: doc_lines(bench, {doc_id: parse_annotation({"id": 0, "result": result}, index=0, base="")
                                     for doc_id, result in by_doc.items()}, labels)
            for model, by_doc in by_model.items()}


def evaluate(project: Project, *, config: str, split: str = "test", predictions: Path | None = None,
             annotations: list[Path] | None = None) -> dict[str, Scores]:
    """Scores by system name: the file's name for JSON Lines, each model version of a Label Studio export, or each
    pre-annotator when no file is given. Raises Refused when the gold or the predictions do not validate."""
    labels = project.labels
    bench = benchmark(project, config=config, split=split, annotations=annotations)
    if predictions is None:
        systems = pre_annotator_lines(bench, project)
    elif predictions.read_bytes()[:4096].removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"["):
        systems = export_lines(bench, predictions, labels)
        if not systems:
            raise UsageError(f"{predictions} holds no predictions: score an export whose tasks carry them (the "
                             "`export-…` files `studio pull` keeps do)")
    else:
        systems = {predictions.name: read_predictions(predictions, config=config, rows=bench.by_id, labels=labels)}
    return {name: score(config, bench.rows, lines, labels=labels,
                        link_targets=bench.link_targets if config == labels.layers[CLAIM].config else None)
            for name, lines in sorted(systems.items())}


def gold_lines(bench: Benchmark, labels: LabelSet) -> list[dict]:
    """The gold itself as prediction lines (it scores 1.0 on every metric)."""
    lines = doc_lines(bench, {doc.doc_id: doc.annotation for doc in bench.documents}, labels)
    return [lines[row["id"]] for row in bench.rows]


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
        ids_only = [i for i, t in enumerate(data if isinstance(data, list) else [])
                    if isinstance(t, dict) and any(not isinstance(p, dict) for p in t.get("predictions") or [])]
        if ids_only:  # Label Studio's plain JSON export names predictions by id only
            report.extend([make_issue("schema-violation", "the predictions are ids only (Label Studio's plain "
                                      "JSON export): score the export `studio pull` keeps, export a snapshot "
                                      "with full predictions, or write the prediction format of "
                                      "docs/predictions.md", file=str(path),
                                      pointer=pointer(i, "predictions", 0)) for i in ids_only])
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
