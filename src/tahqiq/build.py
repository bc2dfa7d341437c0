"""Build the Hub-ready dataset repo: validate, refuse on errors, write Parquet per config and split plus the card,
all into a staging folder that replaces the output folder in one rename.

The tasks stream through: each is checked and cut into rows where it is read (`make`, in the validation's worker),
rows go to Parquet in fixed row groups, and what the card counts is added up on the way."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import orjson
import pyarrow as pa
from datasets import Features

from tahqiq.agreement import AgreementResult, AgreementTally
from tahqiq.atomic import atomic_write_text
from tahqiq.card import PassLedger, is_example, pass_keys, read_prose, render_card
from tahqiq.conll import own_block
from tahqiq.croissant import CROISSANT_FILE, croissant_jsonld, file_digests
from tahqiq.errors import NothingToBuild, Refused
from tahqiq.features import DOCUMENTS, arrow_table, config_features, configs
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
from tahqiq.rows import document_row, misaligned_entities, region_rows, sentence_rows
from tahqiq.sinks import ConllSink, ExportShards, ParquetSink, ipc_bytes, ipc_table
from tahqiq.store import canonical_task
from tahqiq.validate import Run, validate_paths
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


@dataclass
class Made:
    """What the build makes of one sound task (in a worker): always its passes and agreement; for a gold document
    of the manifest also its rows, label counts and CoNLL blocks."""

    doc_id: str
    passes: list[tuple]
    agreement: AgreementTally
    listed: str | None = None  # the split of the manifest that lists the doc id, gold or not
    split: str | None = None  # None: not a gold document of the manifest, nothing of it is built
    rows: dict[str, list[dict]] = field(default_factory=dict)  # config -> rows (class names by name)
    counts: dict[str, Counter] = field(default_factory=dict)
    conll: list[tuple[str, int]] = field(default_factory=list)  # (block, tag columns it needs)
    misaligned: list[tuple[str, str, str]] = field(default_factory=list)
    task_json: bytes = b""  # the task as the repo carries it (store.canonical_task)
    code_points: int = 0


def make(task: Task, *, labels: LabelSet, manifest: Manifest) -> Made:
    """The build's part of one task."""
    agreement = AgreementTally(FIRST_PASS, SECOND_PASS)
    agreement.add_task(task, labels)
    seed = manifest.by_id.get(task.doc_id or "")
    made = Made(task.doc_id or str(task.id), pass_keys(task), agreement, None if seed is None else seed.split)
    docs = gold_documents([task], manifest=manifest)
    if not docs:
        return made
    doc = docs[0]
    made.task_json = carried_json(canonical_task(task.raw, attribute_order=list(labels.attributes)))
    made.code_points = len(doc.text)
    made.split = doc.split
    made_rows = region_rows(doc, labels)
    made.rows = {DOCUMENTS: [document_row(doc, labels, made_rows)], **sentence_rows(doc, labels, made_rows)}
    for region in doc.annotation.regions.values():
        count_by = labels.layers[region.layer].count_by
        key = region.label if count_by == "label" else region.attrs.get(count_by)
        made.counts.setdefault(region.layer, Counter())[key] += 1
    made.conll = [own_block(row) for row in made.rows[labels.layers[ENTITY].config]]
    made.misaligned = [(doc.doc_id, r.id, r.text) for r in misaligned_entities(doc)]
    return made


def carried_json(task: dict) -> bytes:
    """A task as one line of JSON with sorted keys: by orjson, or by Python's encoder where orjson stops (integers
    beyond 64 bits, nesting deeper than 255) and the strict parser did not."""
    try:
        return orjson.dumps(task, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(task, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass
class Collected:
    """What the card and the summary need, gathered from tasks in order: a worker collects its batch, the
    process that writes merges the batches as they arrive (so it handles a few objects per batch, not per task)."""

    splits: list[str]
    documents: dict[str, list[str]] = field(default_factory=dict)
    ledger: PassLedger = field(default_factory=PassLedger)
    every: AgreementTally = field(default_factory=lambda: AgreementTally(FIRST_PASS, SECOND_PASS))
    agreement: dict[str, AgreementTally] = field(default_factory=dict)  # split -> tally of its documents
    examples: dict[str, dict[str, dict]] = field(default_factory=dict)  # config -> split -> first example
    counts: dict[str, dict[str, Counter]] = field(default_factory=dict)  # layer -> split -> counts
    misaligned: list[tuple[str, str, str]] = field(default_factory=list)
    code_points: dict[str, int] = field(default_factory=dict)  # doc id -> length of its text
    depth: int = 1

    def add(self, made: Made) -> None:
        self.ledger.add(made.passes, made.doc_id)
        later = Collected(self.splits, every=made.agreement)
        if made.listed is not None:
            later.agreement[made.listed] = made.agreement
        if made.split is not None:
            later.documents[made.split] = [made.doc_id]
            later.code_points[made.doc_id] = made.code_points
            later.counts = {layer: {made.split: counter} for layer, counter in made.counts.items()}
            later.misaligned = made.misaligned
            later.depth = max([1, *(depth for _, depth in made.conll)])
        self.merge(later)

    def merge(self, later: Collected) -> None:
        """Add what was collected from the tasks that come after these."""
        self.ledger.merge(later.ledger)
        self.every.add(later.every)
        for split, tally in later.agreement.items():
            self.agreement.setdefault(split, AgreementTally(FIRST_PASS, SECOND_PASS)).add(tally)
        for split, docs in later.documents.items():
            self.documents.setdefault(split, []).extend(docs)
        self.code_points.update(later.code_points)
        for config, by_split in later.examples.items():
            for split, row in by_split.items():
                self.examples.setdefault(config, {}).setdefault(split, row)
        for layer, by_split in later.counts.items():
            for split, counter in by_split.items():
                self.counts.setdefault(layer, {}).setdefault(split, Counter()).update(counter)
        self.misaligned += later.misaligned
        self.depth = max(self.depth, later.depth)

    def pass_agreement(self, labels: LabelSet) -> dict[str, AgreementResult]:
        """Agreement of the two passes on every document, and on each split's documents alone."""
        out = {"All documents": self.every.result(labels)}
        for split in self.splits:
            out[f"`{split}` documents only"] = self.agreement.get(split, AgreementTally(FIRST_PASS, SECOND_PASS)
                                                                  ).result(labels)
        return out

    def example_per_config(self, names: tuple[str, ...]) -> dict[str, dict]:
        """The first example of the first split that has one, per config of `names` that has one, in their order."""
        return {config: next(self.examples[config][s] for s in self.splits if s in self.examples[config])
                for config in names if config in self.examples}


@dataclass
class MadeBatch:
    """What the build makes of a batch of sound tasks, in the shape the writing process uses as it is: what the
    batch adds to the card, its rows as Arrow tables and its CoNLL blocks per split, its carried tasks."""

    collected: Collected
    tables: dict[str, dict[str, bytes]]  # config -> split -> rows as an Arrow IPC stream (a tenth of pickle's cost)
    conll: dict[str, list[tuple[str, int]]]  # split -> (block, tag columns it needs)
    carried: list[bytes]  # store.canonical_task of each gold document, in order


def make_batch(tasks: list[Task], *, labels: LabelSet, manifest: Manifest) -> MadeBatch:
    made = [make(task, labels=labels, manifest=manifest) for task in tasks]
    collected = Collected(manifest.splits)
    conll: dict[str, list[tuple[str, int]]] = {}
    for m in made:
        collected.add(m)
        if m.split is not None:
            conll.setdefault(m.split, []).extend(m.conll)
    tables: dict[str, dict[str, bytes]] = {}
    for config, (features, schema) in _features(labels).items():
        for split in {m.split for m in made if m.split is not None}:
            rows = [row for m in made if m.split == split for row in m.rows[config]]
            tables.setdefault(config, {})[split] = ipc_bytes(arrow_table(rows, features, schema))
            example = next((row for row in rows if is_example(row)), None)
            if example is not None:
                collected.examples.setdefault(config, {})[split] = example
    return MadeBatch(collected, tables, conll, [m.task_json for m in made if m.split is not None])


_FEATURES: dict[int, tuple[LabelSet, dict[str, tuple[Features, pa.Schema]]]] = {}


def _features(labels: LabelSet) -> dict[str, tuple[Features, pa.Schema]]:
    """The features and Arrow schema per config, made once per label set (held, so its id is never reused)."""
    if id(labels) not in _FEATURES:
        _FEATURES[id(labels)] = (labels, {c: (f, f.arrow_schema) for c, f in config_features(labels).items()})
    return _FEATURES[id(labels)][1]


def build(*, project: Project, annotations: list[Path], out: Path, progress: Progress = SILENT,
          max_file_bytes: int = DEFAULT_MAX_FILE_MB << 20, workers: int | None = None, results: bool = True,
          stream: bool = True) -> BuildSummary:
    """Validate `annotations` and write the dataset repo to `out`; raises Refused (writing nothing) on errors.
    Only documents of the manifest are built and carried, in the order of the exports; `out` is guarded as
    tahqiq.outdir says. The tasks stream through (`workers` processes check and cut them); `results` trains and
    scores the baselines for the card, which holds every gold row in memory."""
    check_out(out, inputs=[*annotations, project.seeds_dir, project.schema_dir], project_root=project.root)
    with locked_staging(out) as staging:  # the lock first: a swap a kill cut short is repaired before anything
        labels, manifest = project.labels, project.manifest
        splits, names, features = manifest.splits, configs(labels), config_features(labels)
        then = partial(make_batch, labels=labels, manifest=manifest)
        carried = ExportShards(staging / HUB_ANNOTATIONS_FOLDER)
        run = Run(annotations, labels=labels, manifest=manifest, max_file_bytes=max_file_bytes, workers=workers,
                  then=then, stream=stream, progress=progress)
        parquet = {c: {s: ParquetSink(staging / data_path(c, s), features[c]) for s in splits} for c in names}
        conll = {s: ConllSink(staging / conll_path(s)) for s in splits}
        collected = Collected(splits)
        for batch in run:
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
        for sink in conll.values():
            sink.close(collected.depth)
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
        prose = read_prose(project.card_prose_file)
        atomic_write_text(staging / "README.md", render_card(
            labels=labels, manifest=manifest, features=features, examples=collected.example_per_config(names),
            row_counts=counts, sizes=sizes, data_files=data_files, label_counts=collected.counts,
            version=project.version, prose=prose, prose_file=project.card_prose_file, agreement=agreement,
            passes=collected.ledger.records(), misaligned=collected.misaligned, code_points=collected.code_points,
            results=_results(project, annotations, max_file_bytes) if results else NO_RESULTS,
        ))
        atomic_write_text(staging / CROISSANT_FILE, croissant_jsonld(
            name="Tahqiq", version=project.version, prose=prose,
            manifest=manifest, features=features, data_files=data_files, row_counts=counts, ledger=collected.ledger,
            digests=file_digests(staging, [p for by_split in data_files.values() for p in by_split.values()]),
            agreement=agreement, code_points=collected.code_points,
        ))
        shutil.copyfile(project.data_license_file, staging / "LICENSE")
        swap_in(staging, out)
    return BuildSummary(out=out, documents={s: collected.documents.get(s, []) for s in splits}, rows=counts,
                        report=run.report, misaligned=collected.misaligned,
                        files=sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and p.name != MARKER))


NO_RESULTS = "Not computed for this build (`tahqiq build --no-results`)."


def _results(project: Project, annotations: list[Path], max_file_bytes: int) -> str:
    """The card's results: the baselines trained on train and scored on test (every gold row held in memory)."""
    validation = validate_paths(annotations, labels=project.labels, manifest=project.manifest,
                                max_file_bytes=max_file_bytes)
    docs = gold_documents(validation.tasks, manifest=project.manifest)
    rows = config_rows(docs, project.manifest.splits, project.labels)
    return results_markdown(*benchmark_results(project, docs, rows))
