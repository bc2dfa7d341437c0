"""Dataset rows of the four configs from gold documents. Offsets are code points into the row's own `text`."""

from __future__ import annotations

from tahqiq.gold import GoldDocument
from tahqiq.labels import CLAIM, ENTITY, NUMBER
from tahqiq.regions import Region
from tahqiq.text import Sentence, bio_tags, outermost, tokenize


def _span(region: Region, shift: int) -> dict:
    return {"id": region.id, "start": region.start - shift, "end": region.end - shift, "text": region.text}


def entity_row(region: Region, shift: int = 0) -> dict:
    return {**_span(region, shift), "label": region.label}


def number_row(region: Region, shift: int = 0) -> dict:
    a = region.attrs
    return {**_span(region, shift), "value": a.get("value"), "value_max": a.get("value_max"), "unit": a["unit"],
            "kind": a["kind"], "bound": a["bound"],
            "approximate": a["approximate"]}


def claim_row(doc: GoldDocument, region: Region, shift: int = 0) -> dict:
    a = region.attrs
    return {**_span(region, shift), "checkworthy": a["checkworthy"], "claim_type": a["claim_type"],
            "modality": a["modality"], "number_ids": doc.linked(region.id, "has_number"),
            "entity_ids": doc.linked(region.id, "about"), "source_ids": doc.linked(region.id, "source")}


def document_row(doc: GoldDocument) -> dict:
    return {
        "doc_id": doc.doc_id, "title": doc.title, "source": doc.source, "text": doc.text,
        "entities": [entity_row(r) for r in doc.layer(ENTITY)],
        "numbers": [number_row(r) for r in doc.layer(NUMBER)],
        "claims": [claim_row(doc, r) for r in doc.layer(CLAIM)],
        "sentences": [{"start": s.start, "end": s.end, "zone": s.zone} for s in doc.sentences],
    }


def _inside(regions: list[Region], sentence: Sentence) -> list[Region]:
    return [r for r in regions if sentence.start <= r.start and r.end <= sentence.end]


def sentence_rows(doc: GoldDocument) -> dict[str, list[dict]]:
    """Rows of the per-sentence configs (entities, numbers, claims) for one document."""
    out: dict[str, list[dict]] = {"entities": [], "numbers": [], "claims": []}
    entities, numbers, claims = doc.layer(ENTITY), doc.layer(NUMBER), doc.layer(CLAIM)
    for index, sentence in enumerate(doc.sentences):
        shift = sentence.start
        text = doc.text[sentence.start:sentence.end]
        base = {"id": f"{doc.doc_id}-{index:03d}", "doc_id": doc.doc_id, "text": text, "zone": sentence.zone}
        ents = _inside(entities, sentence)
        spans = [(r.start - shift, r.end - shift, r.label) for r in ents]
        cuts = {edge for start, end, _ in outermost(spans) for edge in (start, end)}
        tokens = tokenize(text, cuts=cuts)
        out["entities"].append({**base, "entities": [entity_row(r, shift) for r in ents],
                                "tokens": [text[s:e] for s, e in tokens], "ner_tags": bio_tags(tokens, spans)})
        out["numbers"].append({**base, "numbers": [number_row(r, shift) for r in _inside(numbers, sentence)]})
        sentence_claims = [claim_row(doc, r, shift) for r in _inside(claims, sentence)]
        out["claims"].append({**base, "has_claim": "yes" if sentence_claims else "no", "claims": sentence_claims})
    return out
