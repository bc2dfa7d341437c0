"""Claim baseline: logistic regression over character n-grams, learned from the train rows.

One classifier says whether a sentence holds a claim (`has_claim`); a positive sentence becomes one claim spanning
the trimmed sentence (a leading و/ف and the final punctuation outside). `checkworthy`, `claim_type` and `modality`
each come from their own classifier over the train claims' texts, or are the majority value when the train claims
show a single value. Character n-grams (`char_wb`, 2–5) stand in for a stemmer on a corpus this small. As in the
guidelines, only title and body sentences hold claims. `has_number` links go to the numbers the rule-based number
pre-annotator finds inside the claim."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from tahqiq.baselines.claims import trim_claim
from tahqiq.baselines.numbers import suggest_numbers
from tahqiq.errors import DataError
from tahqiq.text import BODY, TITLE

SEED = 0
# Balanced class weights and a weak penalty: leave-one-document-out cross-validation on the train split (never the
# test split) preferred them to the defaults, as rare types and modalities otherwise vanish into the majority.
LOGREG_PARAMS = {"C": 10.0, "class_weight": "balanced", "max_iter": 1000, "random_state": SEED}
CLAIM_ATTRIBUTES = ("checkworthy", "claim_type", "modality")
CLAIM_ZONES = (TITLE, BODY)
Classify = Callable[[str], "str | None"]


def text_classifier(texts: list[str], labels: list[str]) -> Classify:
    """A classifier of texts into labels; with fewer than two labels seen, the majority one (None if none)."""
    if len(set(labels)) < 2:
        majority = Counter(labels).most_common(1)[0][0] if labels else None
        return lambda text: majority
    model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)),
                          LogisticRegression(**LOGREG_PARAMS))
    model.fit(texts, labels)
    return lambda text: str(model.predict([text])[0])


@dataclass(frozen=True)
class ClaimClassifier:
    has_claim: Classify
    attributes: dict[str, Classify]

    def predict(self, text: str, zone: str) -> dict:
        start, end = trim_claim(text, 0, len(text))
        if zone not in CLAIM_ZONES or start >= end or self.has_claim(text) != "yes":
            return {"has_claim": "no", "claims": []}
        span = text[start:end]
        links = [{"relation": "has_number", "start": n.start, "end": n.end}
                 for n in suggest_numbers(text, zones={0: zone}) if start <= n.start and n.end <= end]
        claim = {"start": start, "end": end, "text": span,
                 **{name: classify(span) for name, classify in self.attributes.items()}, "links": links}
        return {"has_claim": "yes", "claims": [claim]}


def train_claims(train_rows: list[dict]) -> ClaimClassifier:
    """Classifiers fitted on the train rows: has_claim on title and body sentences, each attribute on the train
    claims."""
    rows = [row for row in train_rows if row["zone"] in CLAIM_ZONES]
    if not rows:
        raise DataError("no title or body sentence among the train rows to learn claims from")
    claims = [claim for row in rows for claim in row["claims"]]
    attributes = {}
    for name in CLAIM_ATTRIBUTES:
        labelled = [(claim["text"], claim[name]) for claim in claims if claim[name] is not None]
        attributes[name] = text_classifier([t for t, _ in labelled], [v for _, v in labelled])
    has_claim = text_classifier([row["text"] for row in rows], [row["has_claim"] for row in rows])
    return ClaimClassifier(has_claim, attributes)
