"""Dataset rows of the configs from gold documents, one column per attribute and relation of the label set.
Offsets are code points into the row's own `text`."""

from __future__ import annotations

from tahqiq.gold import GoldDocument
from tahqiq.labels import CLAIM, ENTITY, LabelSet
from tahqiq.model import Region
from tahqiq.text import Sentence, aligned_bio, aligned_spans

DOCUMENTS = "documents"  # the config of whole documents; the others are per sentence, one per layer


def row_id(doc_id: str, sentence: int) -> str:
    """The id of a per-sentence row: the document and the sentence's number in it."""
    return f"{doc_id}-{sentence:03d}"


def region_rows(doc: GoldDocument, labels: LabelSet) -> dict[str, dict]:
    """Every region's row item with document offsets, by region id (made once, shifted for each sentence): id,
    offsets and text, its label where the layer has several, every attribute of its layer (None when not given)
    and the ids each relation from it links to."""
    columns = {name: (layer.single_label, tuple(layer.attributes),
                      tuple((rel.column, rel.name) for rel in labels.relations_from(name)))
               for name, layer in labels.layers.items()}
    out = {}
    for region in doc.annotation.regions.values():
        single_label, attributes, relations = columns[region.layer]
        start, end = region.span
        row = {"id": region.id, "start": start, "end": end, "text": region.text}
        if not single_label:
            row["label"] = region.label
        attrs = region.attrs
        for name in attributes:
            row[name] = attrs.get(name)
        for column, relation in relations:
            row[column] = doc.linked(region.id, relation)
        out[region.id] = row
    return out


def document_row(doc: GoldDocument, labels: LabelSet, made: dict[str, dict] | None = None) -> dict:
    made = region_rows(doc, labels) if made is None else made
    return {
        "doc_id": doc.doc_id, "title": doc.title, "source": doc.source, "text": doc.text,
        **{layer.config: [made[r.id] for r in doc.layer(name)] for name, layer in labels.layers.items()},
        "sentences": [{"start": s.start, "end": s.end, "zone": s.zone} for s in doc.sentences],
    }


def _inside(regions: list[Region], sentence: Sentence) -> list[Region]:
    start, end = sentence.start, sentence.end
    return [r for r in regions if start <= r.span.start and r.span.end <= end]


def misaligned_entities(doc: GoldDocument) -> list[Region]:
    """Entities whose edges fall inside a token of their sentence: kept as offsets, left out of the BIO tags."""
    out = []
    for sentence in doc.sentences:
        regions = _inside(doc.layer(ENTITY), sentence)
        text = doc.text[sentence.start:sentence.end]
        _, left_out = aligned_spans(text, [(r.start - sentence.start, r.end - sentence.start, r.id)
                                           for r in regions])
        out += [r for r in regions if r.id in {span[2] for span in left_out}]
    return out


def sentence_rows(doc: GoldDocument, labels: LabelSet, made: dict[str, dict] | None = None
                  ) -> dict[str, list[dict]]:
    """Rows of the per-sentence configs (one per layer) for one document. The entity config adds tokens and BIO
    tags, the claim config whether the sentence holds a claim. `made` are the document's `region_rows`."""
    made = region_rows(doc, labels) if made is None else made
    layers = {name: doc.layer(name) for name in labels.layers}
    out: dict[str, list[dict]] = {layer.config: [] for layer in labels.layers.values()}
    for index, sentence in enumerate(doc.sentences):
        shift = sentence.start
        text = doc.text[sentence.start:sentence.end]
        base = {"id": row_id(doc.doc_id, index), "doc_id": doc.doc_id, "text": text, "zone": sentence.zone}
        for name, layer in labels.layers.items():
            regions = _inside(layers[name], sentence)
            row = {**base, layer.config: [{**made[r.id], "start": r.start - shift, "end": r.end - shift}
                                          for r in regions]}
            if name == ENTITY:
                tokens, tags, _ = aligned_bio(text, [(r.start - shift, r.end - shift, r.label) for r in regions])
                row.update(tokens=[text[s:e] for s, e in tokens], ner_tags=tags)
            elif name == CLAIM:
                row["has_claim"] = "yes" if regions else "no"
            out[layer.config].append(row)
    return out
