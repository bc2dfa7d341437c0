"""Entity baseline (a): a gazetteer learned from the train rows' entity mentions, then the shape cues of the entity
pre-annotator (Latin-script names, nationality adjectives, dates and times; not its hand-written list of names) for
what the gazetteer never saw.

Each mention text of the train rows takes its most frequent label. A match is a whole word or phrase, the longest
first; a proclitic (و ف ب ل ك) glued before it stays outside the span, as the guidelines ask."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tahqiq.baselines.base import Suggestion, without_overlaps
from tahqiq.baselines.entities import cue_entities, word_pattern
from tahqiq.labels import ENTITY


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, str]  # mention text -> label
    patterns: tuple[tuple[re.Pattern, str], ...]  # one whole-word pattern per name, with its label

    @classmethod
    def of(cls, names: dict[str, str]) -> Gazetteer:
        return cls(names, tuple((word_pattern(re.escape(name)), label) for name, label in sorted(names.items())))

    def predict(self, text: str, zone: str) -> dict:
        """Learned names first (longest, then earliest, of overlapping matches); rule cues fill the gaps."""
        learned = without_overlaps([Suggestion(ENTITY, label, *match.span("core"))
                                    for pattern, label in self.patterns for match in pattern.finditer(text)])
        rules = [s for s in cue_entities(text, zones={0: zone})
                 if all(s.end <= k.start or k.end <= s.start for k in learned)]
        found = sorted(learned + rules, key=lambda s: s.start)
        return {"entities": [{"start": s.start, "end": s.end, "text": text[s.start:s.end], "label": s.label}
                             for s in found]}


def train_gazetteer(train_rows: list[dict]) -> Gazetteer:
    """The gazetteer of the train rows: mention text -> its most frequent label (the first seen on a tie)."""
    counts: dict[str, Counter] = {}
    for row in train_rows:
        for entity in row["entities"]:
            counts.setdefault(entity["text"], Counter())[entity["label"]] += 1
    return Gazetteer.of({name: labels.most_common(1)[0][0] for name, labels in counts.items()})
