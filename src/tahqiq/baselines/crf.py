"""Entity baseline (b): a linear-chain CRF (sklearn-crfsuite) over the train rows' `tokens` and BIO `ner_tags`.

Features are the surface of a word and its neighbours only (no gazetteer, no embeddings), so the score shows what
three articles teach a tagger. A row to predict is tokenised by `tahqiq.text.tokenize` without gold cuts, as any
new text would be; gold entities that do not fall on those token edges cannot be found. L-BFGS has no randomness, so
the same train rows give the same model and the same output."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sklearn_crfsuite import CRF

from tahqiq.text import tokenize

CRF_PARAMS = {"algorithm": "lbfgs", "c1": 0.1, "c2": 0.1, "max_iterations": 100, "all_possible_transitions": True}
_LATIN = re.compile("[A-Za-z]")
Features = dict[str, str | bool]


def _word(word: str, prefix: str) -> Features:
    return {f"{prefix}word": word, f"{prefix}lower": word.lower()}


def token_features(words: list[str], i: int) -> Features:
    """Word, lower case, prefixes and suffixes of 1–3 characters, digit / Latin / ال flags, and the words ±1, ±2."""
    word = words[i]
    features: Features = {"bias": True, **_word(word, ""), "is_digit": word.isdigit(),
                          "is_latin": bool(_LATIN.search(word)), "has_al": word.startswith("ال")}
    for n in (1, 2, 3):
        features[f"prefix{n}"] = word[:n]
        features[f"suffix{n}"] = word[-n:]
    for offset in (-2, -1, 1, 2):
        j = i + offset
        features.update(_word(words[j], f"{offset:+d}:") if 0 <= j < len(words) else {f"{offset:+d}:edge": True})
    return features


def sentence_features(words: list[str]) -> list[Features]:
    return [token_features(words, i) for i in range(len(words))]


def bio_spans(tokens: list[tuple[int, int]], tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans from BIO tags; an I- tag that does not continue a span of its label starts one."""
    spans: list[tuple[int, int, str]] = []
    previous = "O"
    for (start, end), tag in zip(tokens, tags, strict=True):
        if tag != "O":
            label = tag[2:]
            if tag.startswith("I-") and previous[2:] == label:
                spans[-1] = (spans[-1][0], end, label)
            else:
                spans.append((start, end, label))
        previous = tag
    return spans


@dataclass(frozen=True)
class CrfTagger:
    model: CRF

    def predict(self, text: str, zone: str) -> dict:
        tokens = tokenize(text)
        tags = self.model.predict_single(sentence_features([text[s:e] for s, e in tokens])) if tokens else []
        return {"entities": [{"start": s, "end": e, "text": text[s:e], "label": label}
                             for s, e, label in bio_spans(tokens, tags)]}


def train_crf(train_rows: list[dict]) -> CrfTagger:
    """A CRF fitted on the tokens and BIO tags of the train rows (rows without tokens are skipped)."""
    rows = [row for row in train_rows if row["tokens"]]
    model = CRF(**CRF_PARAMS)
    model.fit([sentence_features(row["tokens"]) for row in rows], [row["ner_tags"] for row in rows])
    return CrfTagger(model)
