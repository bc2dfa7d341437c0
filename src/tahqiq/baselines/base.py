"""What every rule-based pre-annotator shares: the Suggestion it returns and its conversion to Label Studio items.

Suggestions are plain regions (layer, label, offsets, attributes); `to_result` turns them into the flat result list
Label Studio stores for a prediction — a span item plus one item per attribute with the same id, and relations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tahqiq.labels import TEXT_NAME, LabelSet

# Arabic letters (with tatweel and diacritics), for word boundaries: Python's \w also counts digits and `_`.
ARABIC_LETTER = "\u0621-\u064a\u0640\u064b-\u0652\u0670\u0671-\u06d3"
_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")


def plain(word: str) -> str:
    """A word without diacritics and tatweel, for dictionary look-ups only (offsets always use the raw text)."""
    return _DIACRITICS.sub("", word)


@dataclass(frozen=True)
class Suggestion:
    layer: str
    label: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SuggestedLink:
    """A suggested relation between two suggestions, by their index in the suggestion list."""

    source: int
    target: int
    label: str


class Suggest(Protocol):
    def __call__(self, text: str, *, zones: dict[int, str]) -> list[Suggestion]: ...


@dataclass(frozen=True)
class PreAnnotator:
    """One rule set: the layer it suggests regions for, and the model_version its predictions carry."""

    model_version: str
    layer: str
    suggest: Suggest


def to_result(text: str, suggestions: list[Suggestion], links: Sequence[SuggestedLink] = (), *,
              labels: LabelSet) -> list[dict]:
    """Label Studio result items for suggestions on `text`; region ids are `<layer initial><n>`, in text order."""
    order = sorted(range(len(suggestions)), key=lambda i: (suggestions[i].start, -suggestions[i].end))
    ids: dict[int, str] = {}
    counters: dict[str, int] = {}
    items = []
    for index in order:
        s = suggestions[index]
        counters[s.layer] = counters.get(s.layer, 0) + 1
        region_id = ids[index] = f"{s.layer[0]}{counters[s.layer]}"
        items.append({"id": region_id, "from_name": s.layer, "to_name": TEXT_NAME, "type": "labels",
                      "value": {"start": s.start, "end": s.end, "text": text[s.start:s.end], "labels": [s.label]}})
        for name, attr in labels.layers[s.layer].attributes.items():
            if s.attrs.get(name) is not None:
                items.append(attr.result_item(region_id, s.start, s.end, s.attrs[name], TEXT_NAME))
    for link in links:
        items.append({"from_id": ids[link.source], "to_id": ids[link.target], "type": "relation",
                      "direction": "right", "labels": [link.label]})
    return items


def without_overlaps(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Keep the longest of overlapping suggestions (earlier first on ties), in text order."""
    kept: list[Suggestion] = []
    for s in sorted(suggestions, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= k.start or k.end <= s.start for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)
