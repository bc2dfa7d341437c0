"""The gold annotation of each document: which annotation counts, and its regions and links in text order."""

from __future__ import annotations

from dataclasses import dataclass

from tahqiq.manifest import Manifest
from tahqiq.regions import Link, ParsedAnnotation, Region
from tahqiq.text import Sentence, split_sentences
from tahqiq.validate.structure import ParsedTask, live_and_truth


@dataclass
class GoldDocument:
    doc_id: str
    title: str | None
    source: str | None
    split: str
    text: str
    sentences: list[Sentence]
    regions: dict[str, Region]
    links: list[Link]

    def layer(self, name: str) -> list[Region]:
        return sorted((r for r in self.regions.values() if r.layer == name), key=lambda r: (r.start, -r.end, r.id))

    def linked(self, region_id: str, relation: str) -> list[str]:
        return [link.target_id for link in self.links if link.source_id == region_id and link.label == relation]


def gold_annotation(parsed: ParsedTask) -> ParsedAnnotation | None:
    """The ground-truth annotation, or the only non-cancelled one; None when the choice is missing or ambiguous."""
    live, truth = live_and_truth(parsed)
    if len(truth) == 1:
        return truth[0][2]
    if not truth and len(live) == 1:
        return live[0][2]
    return None


def gold_documents(tasks: list[ParsedTask], *, manifest: Manifest) -> list[GoldDocument]:
    """Gold documents for the tasks whose doc_id is in the manifest and that have a gold annotation."""
    docs = []
    for parsed in tasks:
        seed = manifest.by_id.get(parsed.task["data"].get("doc_id", ""))
        gold = gold_annotation(parsed)
        if seed is None or gold is None:
            continue
        text = parsed.task["data"]["text"]
        docs.append(GoldDocument(
            doc_id=seed.doc_id, title=seed.title, source=seed.source, split=seed.split, text=text,
            sentences=split_sentences(text, seed.zones), regions=gold.regions, links=gold.links,
        ))
    return sorted(docs, key=lambda d: d.doc_id)
