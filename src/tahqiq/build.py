"""Build the Hub-ready dataset repo: validate, refuse on errors, write Parquet per config and split plus the card,
all into a staging folder that replaces the output folder in one rename.

The tasks stream through: each batch is checked and cut into rows where it is read (`batches.make_batch`, in the
validation's worker), rows go to Parquet in fixed row groups, and what the card counts is added up on the way."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tahqiq.atomic import atomic_write_text
from tahqiq.batches import Collected, MadeBatch, ipc_table, make_batch
from tahqiq.card import read_prose, render_card
from tahqiq.croissant import CROISSANT_FILE, croissant_jsonld, file_digests
from tahqiq.errors import NothingToBuild, Refused
from tahqiq.features import DOCUMENTS, arrow_plan, config_features, configs
from tahqiq.generate import export_schema_text, labeling_config
from tahqiq.gold import GoldDocument, gold_documents
from tahqiq.issues import Report
from tahqiq.labels import LabelSet
from tahqiq.model import Task
from tahqiq.outdir import MARKER, check_out, locked_staging, swap_in
from tahqiq.progress import SILENT, Progress
from tahqiq.project import HUB_ANNOTATIONS_FOLDER, Project
from tahqiq.provenance import PROVENANCE_FILE, provenance, write_provenance
from tahqiq.results import benchmark_results, results_markdown
from tahqiq.rows import document_row, sentence_rows
from tahqiq.sinks import ConllSink, ExportShards, ParquetSink
from tahqiq.validate import Run
from tahqiq.validate.schema import DEFAULT_MAX_FILE_MB


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


def build(*, project: Project, annotations: list[Path], out: Path, progress: Progress = SILENT,
          max_file_bytes: int = DEFAULT_MAX_FILE_MB << 20, workers: int | None = None, results: bool = True,
          stream: bool = True) -> BuildSummary:
    """Validate `annotations` and write the dataset repo to `out`; raises Refused (writing nothing) on errors.
    Only documents of the manifest are built and carried, in the order of the exports; `out` is guarded as
    tahqiq.outdir says. The tasks stream through (`workers` processes check and cut them); `results` trains and
    scores the baselines for the card, which holds every task and gold row in memory."""
    check_out(out, inputs=[*annotations, project.seeds_dir, project.schema_dir], project_root=project.root)
    with locked_staging(out) as staging:  # the lock first: a swap a kill cut short is repaired before anything
        labels, manifest = project.labels, project.manifest
        splits, names, features = manifest.splits, configs(labels), config_features(labels)
        arrow = {config: (arrow_plan(f), f.arrow_schema) for config, f in features.items()}
        then = partial(make_batch, labels=labels, manifest=manifest, arrow=arrow)
        carried = ExportShards(staging / HUB_ANNOTATIONS_FOLDER)
        run = Run(annotations, labels=labels, manifest=manifest, max_file_bytes=max_file_bytes, workers=workers,
                  then=then, keep_tasks=results, stream=stream, progress=progress)
        parquet = {c: {s: ParquetSink(staging / data_path(c, s), arrow[c][1]) for s in splits} for c in names}
        conll = {s: ConllSink(staging / conll_path(s)) for s in splits}
        collected = Collected(splits)
        tasks = []  # every parsed task, when the results need the gold documents
        for batch in run:
            tasks += [checked.task for checked in batch.checked if checked.task is not None]
            made_batch: MadeBatch | None = batch.product
            if made_batch is None:
                continue
            collected.merge(made_batch.collected)
            carried.add(made_batch.carried)
            for split, blocks in made_batch.conll.items():
                conll[split].add(blocks)
            for config, by_split in made_batch.tables.items():
                for split, table in by_split.items():
                    parquet[config][split].add(ipc_table(table))
        if not run.report.ok:
            raise Refused(run.report)
        if not collected.documents:
            raise NothingToBuild("no task holds a gold annotation of a document of the manifest (tasks without "
                                 "annotations, all cancelled, or doc ids the manifest does not list): nothing was "
                                 "built; run `tahqiq validate` to see the warnings")
        for by_split in parquet.values():
            for sink in by_split.values():
                sink.close()
        depth = max([1, *(d for sink in conll.values() for d in sink.depths)])  # the deepest nesting of any split
        for sink in conll.values():
            sink.close(depth)
        carried.close()
        schema = staging / "schema"
        schema.mkdir()
        shutil.copyfile(project.labels_file, schema / project.labels_file.name)
        (schema / project.export_schema_file.name).write_text(export_schema_text(labels), encoding="utf-8")
        (schema / project.labeling_config_file.name).write_text(labeling_config(labels), encoding="utf-8")
        counts = {c: {s: parquet[c][s].rows for s in splits} for c in names}
        sizes = {c: {s: parquet[c][s].nbytes for s in splits} for c in names}
        data_files = {c: {s: data_path(c, s) for s in splits} for c in names}
        agreement = collected.pass_agreement(labels)
        records = provenance(manifest, collected.code_points)
        write_provenance(staging / PROVENANCE_FILE, records)
        prose = read_prose(project.card_prose_file)
        atomic_write_text(staging / "README.md", render_card(
            labels=labels, manifest=manifest, features=features, examples=collected.example_per_config(names),
            row_counts=counts, sizes=sizes, data_files=data_files, label_counts=collected.counts,
            version=project.version, prose=prose, prose_file=project.card_prose_file, agreement=agreement,
            passes=collected.ledger.records(), misaligned=collected.misaligned, provenance=records,
            results=_results(project, tasks) if results else NO_RESULTS,
        ))
        atomic_write_text(staging / CROISSANT_FILE, croissant_jsonld(
            name="Tahqiq", version=project.version, prose=prose,
            manifest=manifest, features=features, data_files=data_files, row_counts=counts, ledger=collected.ledger,
            digests=file_digests(staging, [*(p for by_split in data_files.values() for p in by_split.values()),
                                           PROVENANCE_FILE]),
            agreement=agreement, provenance=records,
        ))
        shutil.copyfile(project.data_license_file, staging / "LICENSE")
        swap_in(staging, out)
    return BuildSummary(out=out, documents={s: collected.documents.get(s, []) for s in splits}, rows=counts,
                        report=run.report, misaligned=collected.misaligned,
                        files=sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and p.name != MARKER))


NO_RESULTS = "Not computed for this build (`tahqiq build --no-results`)."


def _results(project: Project, tasks: list[Task]) -> str:
    """The card's results: the baselines trained on train and scored on test (every gold row held in memory)."""
    docs = gold_documents(tasks, manifest=project.manifest)
    rows = config_rows(docs, project.manifest.splits, project.labels)
    return results_markdown(*benchmark_results(project, docs, rows))
