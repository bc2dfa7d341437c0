"""The dataset card (README.md of the Hub repo): YAML generated with huggingface_hub.DatasetCardData and the
`datasets` helpers, prose from dataset_card.md, and generated sections filled in at `<!-- tahqiq:NAME -->` markers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from datasets import Features, SplitDict, SplitInfo
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard, DatasetCardData

from tahqiq.agreement import NO_AGREEMENT, AgreementResult, agreement_markdown, named_list
from tahqiq.errors import ProjectFileInvalid
from tahqiq.features import DEFAULT_CONFIG
from tahqiq.labels import LabelSet
from tahqiq.manifest import Manifest
from tahqiq.passes import PASS_FIELDS
from tahqiq.provenance import SHOWN, Provenance, shown_note

LICENSE_NAME = "cc-by-4.0-annotations-texts-by-publishers"
TAGS = ["arabic", "news", "numbers", "claims", "check-worthiness", "label-studio"]
SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")]


def size_category(rows: int) -> str:
    return next((name for limit, name in SIZE_CATEGORIES if rows < limit), "1M<n<10M")


def card_data(*, features: dict[str, Features], row_counts: dict[str, dict[str, int]],
              sizes: dict[str, dict[str, int]], data_files: dict[str, dict[str, str]]) -> DatasetCardData:
    data = DatasetCardData(
        pretty_name="Tahqiq",
        language=["ar"],
        license="other",
        license_name=LICENSE_NAME,
        license_link="LICENSE",
        annotations_creators=["machine-generated"],
        language_creators=["found"],
        multilinguality=["monolingual"],
        source_datasets=["original"],
        size_categories=[size_category(max(sum(s.values()) for s in row_counts.values()))],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition", "fact-checking"],
        tags=TAGS,
    )
    infos = {}
    for config in features:
        splits = SplitDict()
        for split, n in row_counts[config].items():
            splits.add(SplitInfo(name=split, num_examples=n, num_bytes=sizes[config][split]))
        infos[config] = DatasetInfo(features=features[config], splits=splits, config_name=config,
                                    dataset_size=sum(sizes[config].values()))
    DatasetInfosDict(infos).to_dataset_card_data(data)
    MetadataConfigs({
        config: {"data_files": [{"split": split, "path": path} for split, path in data_files[config].items()],
                 **({"default": True} if config == DEFAULT_CONFIG else {})}
        for config in features
    }).to_dataset_card_data(data)
    return data


def cell(text: str) -> str:
    """Text that stays inside one Markdown table cell and shows as written (no HTML, no column break)."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def label_tables(labels: LabelSet) -> str:
    lines: list[str] = []
    for layer in labels.layers.values():
        if not layer.single_label:
            lines += [f"**{layer.name.capitalize()} labels**", "", "| label | meaning |", "|---|---|"]
            lines += [f"| `{k}` | {cell(v)} |" for k, v in layer.labels.items()]
        if layer.attributes:
            lines += [f"**{layer.name.capitalize()} attributes**", "", "| attribute | values | meaning |",
                      "|---|---|---|"]
        for attr in layer.attributes.values():
            values = ", ".join(f"`{c}`" for c in attr.choices) or attr.control.feature
            lines.append(f"| `{attr.name}` | {values} | {cell(attr.description)} |")
        lines.append("")
    lines += ["**Links**", "", "| relation | from → to | meaning | column |", "|---|---|---|---|"]
    for rel in labels.relations.values():
        lines.append(f"| `{rel.name}` | {rel.source_layer} → {rel.target_layer} | {cell(rel.description)} | "
                     f"`{rel.column}` |")
    lines += ["", "**Zones** (`sentences.zone`, `zone`)", "", "| zone | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {cell(v)} |" for k, v in labels.zones.items()]
    return "\n".join(lines)


def count_tables(row_counts: dict[str, dict[str, int]], label_counts: dict[str, dict[str, Counter]],
                 labels: LabelSet) -> str:
    splits = list(next(iter(row_counts.values())))
    head = "| " + " | ".join(["", *splits, "total"]) + " |"
    rule = "|" + "---|" * (len(splits) + 2)
    lines = ["**Rows per config and split**", "", head.replace("|  |", "| config |", 1), rule]
    for config, by_split in row_counts.items():
        lines.append(f"| `{config}` | " + " | ".join(str(by_split[s]) for s in splits) +
                     f" | {sum(by_split.values())} |")
    for layer in labels.layers.values():
        by_split = label_counts.get(layer.name, {})
        key = layer.count_by
        lines += ["", f"**{layer.config.capitalize()} per {key}**", "", head.replace("|  |", f"| {key} |", 1), rule]
        for name in layer.count_values:
            counts = [by_split.get(s, Counter())[name] for s in splits]
            lines.append(f"| `{name}` | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
        totals = [sum(by_split.get(s, Counter()).values()) for s in splits]
        lines.append("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return "\n".join(lines)


def _shorten(value, *, text_chars: int = 120, items: int = 2):
    if isinstance(value, str) and len(value) > text_chars:
        return value[:text_chars] + "…"
    if isinstance(value, list):
        return [_shorten(v) for v in value[:items]] + ([f"… {len(value) - items} more"] if len(value) > items else [])
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    return value


def example_rows(examples: dict[str, dict]) -> str:
    """One shortened example row per config, taken from the built data (labels shown as names)."""
    return "\n\n".join(f"`{config}`:\n\n```json\n{json.dumps(_shorten(row), ensure_ascii=False, indent=1)}\n```"
                       for config, row in examples.items())


def provenance_table(records: list[Provenance], rights: str) -> str:
    """The first SHOWN documents (`provenance.csv` has all)."""
    lines = ["| doc_id | split | title (from the text) | publisher named in the text | rights | code points | sha256 |",
             "|---|---|---|---|---|---|---|"]
    for doc in records[:SHOWN]:
        lines.append(f"| `{doc.doc_id}` | {doc.split} | {cell(doc.title or '—')} | {cell(doc.publisher or '—')} | "
                     f"{cell(doc.rights)} | {doc.code_points} | `{doc.sha256[:16]}…` |")
    return "\n".join(lines) + f"\n\n{shown_note(records)}\n\n{rights}"


def passes_table(records: list[dict]) -> str:
    """Who made each annotation pass, when, under which guidelines and from what (the `passes` of each task's meta),
    one row per annotator and provenance, with the documents it covers (the first ones, when there are many)."""
    if not records:
        return "The exports record no provenance of their annotation passes."
    lines = ["| `completed_by` | gold | annotator | kind | date | guidelines | saw | made | documents |",
             "|---|---|---|---|---|---|---|---|---|"]
    for record in records:
        lines.append(f"| {cell(str(record['completed_by']))} | {'yes' if record['gold'] else 'no'} | " +
                     " | ".join("—" if record[k] is None else cell(record[k]) for k in PASS_FIELDS) +
                     f" | {named_list(record['documents'], quote='`')} |")
    return "\n".join(lines)


def fill_markers(prose: str, sections: dict[str, str], *, source: Path) -> str:
    for name, body in sections.items():
        marker = f"<!-- tahqiq:{name} -->"
        if prose.count(marker) != 1:
            raise ProjectFileInvalid(f"{source} must contain the marker {marker} exactly once")
        prose = prose.replace(marker, body)
    return prose


def read_prose(prose_file: Path) -> str:
    """dataset_card.md, the card's prose, which both the card and croissant.json draw on."""
    try:
        return prose_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ProjectFileInvalid(f"cannot read the card prose {prose_file}: {err}") from None


def render_card(*, labels: LabelSet, manifest: Manifest, features: dict[str, Features],
                examples: dict[str, dict], row_counts: dict[str, dict[str, int]],
                sizes: dict[str, dict[str, int]], data_files: dict[str, dict[str, str]],
                label_counts: dict[str, dict[str, Counter]], agreement: dict[str, AgreementResult], version: str,
                passes: list[dict], misaligned: list[tuple[str, str, str]], provenance: list[Provenance],
                results: str, prose: str,
                prose_file: Path) -> str:
    """The card; `agreement` maps a heading (which documents) to the agreement of the two passes on them."""
    data = card_data(features=features, row_counts=row_counts, sizes=sizes, data_files=data_files)
    agreement_text = "\n\n".join(f"**{heading}.** {agreement_markdown(result)}"
                                   for heading, result in agreement.items() if result.documents
                                   ) or NO_AGREEMENT
    prose = fill_markers(prose, source=prose_file, sections={
        "version": version,
        "labels": label_tables(labels),
        "counts": count_tables(row_counts, label_counts, labels),
        "examples": example_rows(examples),
        "provenance": provenance_table(provenance, manifest.copyright),
        "agreement": agreement_text,
        "passes": passes_table(passes),
        "results": results,
        "misaligned": (f"{len(misaligned)} entity mention(s) have an edge inside a token and are left out of "
                       "`ner_tags` (they stay in `entities`): "
                       + named_list([f"`{text}` ({doc} {rid})" for doc, rid, text in misaligned]) + "."
                       if misaligned else "Every entity mention aligns with token edges."),
    })
    return str(DatasetCard(f"---\n{data}\n---\n\n{prose}"))
