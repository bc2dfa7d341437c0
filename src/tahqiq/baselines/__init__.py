"""Rule-based pre-annotators: suggestions an annotator starts from in Label Studio, never gold.

Each pre-annotator covers one layer and has its own `model_version`; `studio push` sends their union as one
prediction per task (Label Studio pre-fills an annotation from one prediction), with has_number links from each
suggested claim to the suggested numbers inside it. `tahqiq evaluate` scores each of them against the gold."""

from __future__ import annotations

from dataclasses import dataclass

from tahqiq.baselines.base import PreAnnotator, SuggestedLink, Suggestion, to_result
from tahqiq.baselines.claims import CLAIMS
from tahqiq.baselines.entities import ENTITIES
from tahqiq.baselines.numbers import NUMBERS
from tahqiq.labels import CLAIM, NUMBER, LabelSet

PRE_ANNOTATORS: tuple[PreAnnotator, ...] = (NUMBERS, ENTITIES, CLAIMS)


def model_version(pre_annotators: tuple[PreAnnotator, ...] = PRE_ANNOTATORS) -> str:
    """The model_version of a union of pre-annotators (`numbers-rules-2+entities-rules-2+claims-rules-1`), so
    changing any rule set is visible in Label Studio."""
    return "+".join(p.model_version for p in pre_annotators)


@dataclass(frozen=True)
class Prediction:
    model_version: str
    result: list[dict]


def predict(text: str, *, zones: dict[int, str], labels: LabelSet,
            pre_annotators: tuple[PreAnnotator, ...] = PRE_ANNOTATORS) -> Prediction:
    """The union of the pre-annotators' suggestions as one Label Studio prediction."""
    suggestions: list[Suggestion] = [s for p in pre_annotators for s in p.suggest(text, zones=zones)]
    links = [SuggestedLink(ci, ni, "has_number")
             for ci, claim in enumerate(suggestions) if claim.layer == CLAIM
             for ni, number in enumerate(suggestions)
             if number.layer == NUMBER and claim.start <= number.start and number.end <= claim.end]
    return Prediction(model_version=model_version(pre_annotators),
                      result=to_result(text, suggestions, links, labels=labels))
