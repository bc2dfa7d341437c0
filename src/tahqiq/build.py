"""Build the Hub-ready dataset repo: validate, refuse on errors, write Parquet per config and split plus the card,
all into a staging folder that replaces the output folder in one rename."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import datasets
from datasets import Dataset, Features

from tahqiq.agreement import AgreementResult, agreement_from_tasks
from tahqiq.atomic import atomic_write_text
from tahqiq.card import read_prose, render_card
from tahqiq.conll import conll_text, nesting_depth
from tahqiq.croissant import CROISSANT_FILE, croissant_jsonld, file_digests
from tahqiq.errors import NothingToBuild, Refused
from tahqiq.features import DOCUMENTS, config_features, configs
from tahqiq.generate import export_schema_text, labeling_config
from tahqiq.gold import GoldDocument, gold_documents
from tahqiq.issues import Report
from tahqiq.labels import ENTITY, LabelSet
from tahqiq.manifest import Manifest
from tahqiq.model import Task
from tahqiq.outdir import MARKER, check_out, locked_staging, swap_in
from tahqiq.progress import SILENT, Progress
from tahqiq.project import HUB_ANNOTATIONS_FOLDER, Project
from tahqiq.results import benchmark_results, results_markdown
from tahqiq.rows import document_row, misaligned_entities, sentence_rows
from tahqiq.store import write_task
from tahqiq.validate import validate_paths
from tahqiq.validate.schema import DEFAULT_MAX_FILE_MB

FIRST_PASS, SECOND_PASS = 1, 2  # completed_by ids of the two independent annotation passes


@dataclass
class BuildSummary:
    out: Path
    documents: dict[str, list[str]]  # split -> doc ids
    rows: dict[str, dict[str, int]]  # config -> split -> rows
    report: Report  # the validation report (warnings only: a build with errors is refused)
    misaligned: list[tuple[str, str, str]]  # (doc id, region id, text) of entities left out of the BIO tags
    files: list[Path] = field(default_factory=list)


def data_path(config: str, split: str) -> str:
    return f"{config}/{split}-00000-of-00001.parquet"


def conll_path(split: str) -> str:
    return f"conll/{split}.conll"


def config_rows(docs: list[GoldDocument], splits: list[str], labels: LabelSet) -> dict[str, dict[str, list[dict]]]:
    rows: dict[str, dict[str, list[dict]]] = {c: {s: [] for s in splits} for c in configs(labels)}
    for doc in docs:
        rows[DOCUMENTS][doc.split].append(document_row(doc, labels))
        for config, items in sentence_rows(doc, labels).items():
            rows[config][doc.split] += items
    return rows


def label_counts(docs: list[GoldDocument], labels: LabelSet) -> dict[str, dict[str, Counter]]:
    """layer -> split -> Counter of what the layer is counted by (`count_by` in labels.yaml)."""
    counts: dict[str, dict[str, Counter]] = {}
    for doc in docs:
        for region in doc.annotation.regions.values():
            count_by = labels.layers[region.layer].count_by
            key = region.label if count_by == "label" else region.attrs.get(count_by)
            counts.setdefault(region.layer, {}).setdefault(doc.split, Counter())[key] += 1
    return counts


def pass_agreement(tasks: list[Task], manifest: Manifest, labels: LabelSet) -> dict[str, AgreementResult]:
    """Agreement of the two passes on every document, and on each split's documents alone."""
    def agreement(chosen: list[Task]) -> AgreementResult:
        return agreement_from_tasks(chosen, first=FIRST_PASS, second=SECOND_PASS, labels=labels)

    split_of = {doc.doc_id: doc.split for doc in manifest.documents}
    out = {"All documents": agreement(tasks)}
    for split in manifest.splits:
        out[f"`{split}` documents only"] = agreement([t for t in tasks if split_of.get(t.doc_id or "") == split])
    return out


def build(*, project: Project, annotations: list[Path], out: Path, progress: Progress = SILENT,
          max_file_bytes: int = DEFAULT_MAX_FILE_MB << 20) -> BuildSummary:
    """Validate `annotations` and write the dataset repo to `out`; raises Refused (writing nothing) on errors.
    Only documents of the manifest are built and carried; `out` is guarded as tahqiq.outdir says."""
    check_out(out, inputs=[*annotations, project.seeds_dir, project.schema_dir], project_root=project.root)
    with locked_staging(out) as staging:  # the lock first: a swap a kill cut short is repaired before anything
        labels, manifest = project.labels, project.manifest
        validation = validate_paths(annotations, labels=labels, manifest=manifest, max_file_bytes=max_file_bytes)
        if not validation.report.ok:
            raise Refused(validation.report)
        docs = gold_documents(validation.tasks, manifest=manifest)
        if not docs:
            raise NothingToBuild("no task holds a gold annotation of a document of the manifest (tasks without "
                                 "annotations, all cancelled, or doc ids the manifest does not list): nothing was "
                                 "built; run `tahqiq validate` to see the warnings")
        misaligned = [(doc.doc_id, r.id, r.text) for doc in docs for r in misaligned_entities(doc)]
        splits = manifest.splits
        features = config_features(labels)
        rows = config_rows(docs, splits, labels)
        names = configs(labels)
        steps = [(c, s) for c in names for s in splits]
        sizes: dict[str, dict[str, int]] = {c: {} for c in names}
        for config, split in progress.track(steps, desc="writing parquet", unit="file"):
            sizes[config][split] = write_parquet(rows[config][split], features[config],
                                                 staging / data_path(config, split))
        schema = staging / "schema"
        schema.mkdir()
        shutil.copyfile(project.labels_file, schema / project.labels_file.name)
        (schema / project.export_schema_file.name).write_text(export_schema_text(labels), encoding="utf-8")
        (schema / project.labeling_config_file.name).write_text(labeling_config(labels), encoding="utf-8")
        attribute_order = list(labels.attributes)
        for task in validation.tasks:  # the Label Studio tasks themselves, so the repo can be reopened
            if task.doc_id in manifest.by_id:
                write_task(staging / HUB_ANNOTATIONS_FOLDER, task.raw, attribute_order=attribute_order)
        counts = {c: {s: len(rows[c][s]) for s in splits} for c in names}
        data_files = {c: {s: data_path(c, s) for s in splits} for c in names}
        agreement = pass_agreement(validation.tasks, manifest, labels)
        prose = read_prose(project.card_prose_file)
        atomic_write_text(staging / "README.md", render_card(
            labels=labels, manifest=manifest, features=features, rows=rows, row_counts=counts, sizes=sizes,
            data_files=data_files, label_counts=label_counts(docs, labels), version=project.version,
            prose=prose, prose_file=project.card_prose_file, agreement=agreement, tasks=validation.tasks,
            misaligned=misaligned, results=results_markdown(*benchmark_results(project, docs, rows)),
        ))
        atomic_write_text(staging / CROISSANT_FILE, croissant_jsonld(
            name="Tahqiq", version=project.version, prose=prose,
            manifest=manifest, features=features, data_files=data_files, row_counts=counts, tasks=validation.tasks,
            digests=file_digests(staging, [p for by_split in data_files.values() for p in by_split.values()]),
            agreement=agreement,
        ))
        ner = rows[labels.layers[ENTITY].config]
        depth = nesting_depth([row for split_rows in ner.values() for row in split_rows])
        for split in splits:
            atomic_write_text(staging / conll_path(split), conll_text(ner[split], depth))
        shutil.copyfile(project.data_license_file, staging / "LICENSE")
        swap_in(staging, out)
    documents = {s: [d.doc_id for d in docs if d.split == s] for s in splits}
    return BuildSummary(out=out, documents=documents, rows=counts, report=validation.report, misaligned=misaligned,
                        files=sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and p.name != MARKER))


def write_parquet(rows: list[dict], features: Features, path: Path) -> int:
    """Write one Parquet file with the HF features in its schema metadata; returns the Arrow size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if rows:  # columns in the order of the features, which the card's YAML declares
        dataset = Dataset.from_list([{name: row[name] for name in features} for row in rows], features=features)
    else:  # a split whose documents are not annotated yet
        dataset = Dataset.from_dict({name: [] for name in features}, features=features)
    quiet = not datasets.utils.logging.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        dataset.to_parquet(str(path))
    finally:
        if not quiet:
            datasets.enable_progress_bars()
    return dataset.data.nbytes
