"""Build the Hub-ready dataset repo: validate, refuse on errors, write Parquet per config and split plus the card,
all into a staging folder that replaces the output folder in one rename."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import datasets
from datasets import Dataset, Features
from tqdm import tqdm

from tahqiq.agreement import agreement_from_tasks
from tahqiq.atomic import atomic_write_text, replace_dir
from tahqiq.card import render_card
from tahqiq.features import CONFIGS, config_features
from tahqiq.gold import GoldDocument, gold_documents
from tahqiq.issues import Refused
from tahqiq.labels import LabelSet, load_labels
from tahqiq.manifest import Manifest, load_manifest
from tahqiq.paths import (
    DATA_LICENSE_FILE,
    EXPORT_SCHEMA_FILE,
    HUB_ANNOTATIONS_FOLDER,
    LABELING_CONFIG_FILE,
    LABELS_FILE,
)
from tahqiq.rows import document_row, sentence_rows
from tahqiq.store import write_task
from tahqiq.validate import validate_paths

SCHEMA_FILES = (LABELS_FILE, EXPORT_SCHEMA_FILE, LABELING_CONFIG_FILE)
FIRST_PASS, SECOND_PASS = 1, 2  # completed_by ids of the two independent annotation passes


class BuildRefused(Refused):
    """Validation found errors; nothing was written."""


@dataclass
class BuildSummary:
    out: Path
    documents: dict[str, list[str]]  # split -> doc ids
    rows: dict[str, dict[str, int]]  # config -> split -> rows
    files: list[Path] = field(default_factory=list)
    warnings: int = 0

    def describe(self) -> str:
        lines = [f"built {self.out}"]
        for split, ids in self.documents.items():
            lines.append(f"  {split}: {len(ids)} document(s): {', '.join(ids)}")
        for config, splits in self.rows.items():
            counts = ", ".join(f"{split} {n}" for split, n in splits.items())
            lines.append(f"  {config}: {counts} rows")
        if self.warnings:
            lines.append(f"  {self.warnings} validation warning(s): run `tahqiq validate` to see them")
        return "\n".join(lines)


def data_path(config: str, split: str) -> str:
    return f"{config}/{split}-00000-of-00001.parquet"


def config_rows(docs: list[GoldDocument], splits: list[str]) -> dict[str, dict[str, list[dict]]]:
    rows: dict[str, dict[str, list[dict]]] = {c: {s: [] for s in splits} for c in CONFIGS}
    for doc in docs:
        rows["documents"][doc.split].append(document_row(doc))
        for config, items in sentence_rows(doc).items():
            rows[config][doc.split] += items
    return rows


def label_counts(docs: list[GoldDocument]) -> dict[str, dict[str, Counter]]:
    """layer -> split -> Counter of labels (entities by label, numbers by kind, claims by type)."""
    counts: dict[str, dict[str, Counter]] = {}
    for doc in docs:
        for region in doc.regions.values():
            key = {"entity": region.label, "number": region.attrs.get("kind"),
                   "claim": region.attrs.get("claim_type")}[region.layer]
            counts.setdefault(region.layer, {}).setdefault(doc.split, Counter())[key] += 1
    return counts


def build(
    *,
    annotations: list[Path],
    out: Path,
    manifest: Manifest | None = None,
    labels: LabelSet | None = None,
    progress: bool = False,
) -> BuildSummary:
    """Validate `annotations` and write the dataset repo to `out`; raises BuildRefused (writing nothing) on errors."""
    labels = labels or load_labels()
    manifest = manifest or load_manifest()
    validation = validate_paths(annotations, manifest=manifest, labels=labels)
    if not validation.report.ok:
        raise BuildRefused(validation.report)
    docs = gold_documents(validation.tasks, manifest=manifest)
    splits = manifest.splits
    features = config_features(labels)
    rows = config_rows(docs, splits)

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        steps = [(c, s) for c in CONFIGS for s in splits]
        sizes: dict[str, dict[str, int]] = {c: {} for c in CONFIGS}
        for config, split in tqdm(steps, desc="writing parquet", unit="file", disable=not progress):
            sizes[config][split] = write_parquet(rows[config][split], features[config],
                                                 staging / data_path(config, split))
        (staging / "schema").mkdir()
        for source in SCHEMA_FILES:
            shutil.copyfile(source, staging / "schema" / source.name)
        attribute_order = list(labels.attributes)
        for parsed in validation.tasks:  # the Label Studio tasks themselves, so the repo can be reopened
            write_task(staging / HUB_ANNOTATIONS_FOLDER, parsed.task, attribute_order=attribute_order)
        counts = {c: {s: len(rows[c][s]) for s in splits} for c in CONFIGS}
        atomic_write_text(staging / "README.md", render_card(
            labels=labels, manifest=manifest, features=features, rows=rows, row_counts=counts, sizes=sizes,
            data_files={c: {s: data_path(c, s) for s in splits} for c in CONFIGS},
            label_counts=label_counts(docs),
            agreement=agreement_from_tasks(validation.tasks, first=FIRST_PASS, second=SECOND_PASS, labels=labels),
        ))
        shutil.copyfile(DATA_LICENSE_FILE, staging / "LICENSE")
        replace_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    documents = {s: [d.doc_id for d in docs if d.split == s] for s in splits}
    return BuildSummary(out=out, documents=documents, rows=counts, warnings=len(validation.report.warnings),
                        files=sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()))


def write_parquet(rows: list[dict], features: Features, path: Path) -> int:
    """Write one Parquet file with the HF features in its schema metadata; returns the Arrow size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if rows:
        dataset = Dataset.from_list(rows, features=features)
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
