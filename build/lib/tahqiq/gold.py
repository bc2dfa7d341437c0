"""The gold documents: per document of the manifest, its text, sentences and gold annotation (`Task.gold`)."""

from __future__ import annotations

from dataclasses import dataclass

from tahqiq.manifest import Manifest
from tahqiq.model import Annotation, Task
from tahqiq.text import Sentence, split_sentences


@dataclass
class GoldDocument:
    doc_id: str
    title: str | None
    source: str | None
    split: str
    text: str
    sentences: list[Sentence]
    annotation: Annotation

    def layer(self, name: str):
        return self.annotation.layer(name)

    def linked(self, region_id: str, relation: str) -> list[str]:
        return self.annotation.linked(region_id, relation)


def gold_documents(tasks: list[Task], *, manifest: Manifest) -> list[GoldDocument]:
    """Gold documents for the tasks whose doc_id is in the manifest and that have a gold annotation."""
    docs = []
    for task in tasks:
        seed = manifest.by_id.get(task.doc_id or "")
        gold = task.gold
        if seed is None or gold is None:
            continue
        docs.append(GoldDocument(doc_id=seed.doc_id, title=seed.title, source=seed.source, split=seed.split,
                                 text=task.text, sentences=split_sentences(task.text, seed.zones), annotation=gold))
    return sorted(docs, key=lambda d: d.doc_id)
