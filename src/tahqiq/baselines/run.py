"""Baselines on the dataset's rows: train on the `train` split only, then predict a split row by row, as lines of
the prediction format of docs/predictions.md.

The trainers are handed the train rows and nothing else; the rows predicted reach a baseline only as text and zone,
so no label of the predicted split can shape the output. Heavy libraries load only when a baseline runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from tahqiq.baselines.numbers import suggest_numbers
from tahqiq.errors import DataError, Refused, UsageError

if TYPE_CHECKING:
    from tahqiq.project import Project

TRAIN = "train"
ENTITY_MODELS = ("crf", "gazetteer")  # `crf` is the default
CONFIGS = ("entities", "numbers", "claims")


class Predict(Protocol):
    def __call__(self, text: str, zone: str) -> dict:
        """The prediction line of one row, without its id: `{"entities": […]}`, `{"has_claim": …, "claims": […]}`."""


def predict_numbers(text: str, zone: str) -> dict:
    """The rule-based number pre-annotator on one row (language knowledge, nothing learned)."""
    return {"numbers": [{"start": s.start, "end": s.end, "text": text[s.start:s.end], **s.attrs}
                        for s in suggest_numbers(text, zones={0: zone})]}


def trainer(config: str, model: str | None = None) -> Callable[[list[dict]], Predict]:
    """The training function of a config's baseline: train rows in, a predictor out. `model` picks one of
    ENTITY_MODELS for entities (default crf); the other configs have one baseline each."""
    if config not in CONFIGS:
        raise UsageError(f"no baseline for config {config!r}: choose one of {', '.join(CONFIGS)}")
    if config != "entities" and model is not None:
        raise UsageError(f"--model chooses an entity baseline ({', '.join(ENTITY_MODELS)}); {config} has one")
    if config == "numbers":
        return lambda train_rows: predict_numbers
    if config == "claims":
        from tahqiq.baselines.claim_classifier import train_claims

        return lambda train_rows: train_claims(train_rows).predict
    if model in (None, "crf"):
        from tahqiq.baselines.crf import train_crf

        return lambda train_rows: train_crf(train_rows).predict
    if model == "gazetteer":
        from tahqiq.baselines.gazetteer import train_gazetteer

        return lambda train_rows: train_gazetteer(train_rows).predict
    raise UsageError(f"no entity baseline {model!r}: choose one of {', '.join(ENTITY_MODELS)}")


def gold_rows(project: Project, *, max_file_bytes: int | None = None) -> dict[str, dict[str, list[dict]]]:
    """config -> split -> dataset rows, from the project's validated gold; raises Refused when it does not validate."""
    from tahqiq.build import config_rows
    from tahqiq.gold import gold_documents
    from tahqiq.validate import validate_paths
    from tahqiq.validate.schema import DEFAULT_MAX_FILE_MB

    validation = validate_paths([project.annotations_dir], labels=project.labels, manifest=project.manifest,
                                max_file_bytes=max_file_bytes or DEFAULT_MAX_FILE_MB << 20)
    if not validation.report.ok:
        raise Refused(validation.report, "no baseline: the gold annotations do not validate (run `tahqiq validate`)")
    docs = gold_documents(validation.tasks, manifest=project.manifest)
    return config_rows(docs, project.manifest.splits, project.labels)


def predict_split(rows: dict[str, list[dict]], config: str, split: str, *, model: str | None = None) -> list[dict]:
    """One prediction line per row of `rows[split]`, in row order, from a baseline trained on `rows["train"]`
    (`rows`: split -> rows of `config`)."""
    train = trainer(config, model)
    if split not in rows:
        raise UsageError(f"no split {split!r}: the manifest has {', '.join(rows)}")
    if not rows.get(TRAIN):
        raise DataError(f"no {TRAIN} rows in {config}: a baseline needs annotated {TRAIN} documents to learn from")
    predict = train(rows[TRAIN])  # the train split, and only it
    return [{"id": row["id"], **predict(row["text"], row["zone"])} for row in rows[split]]


def baseline_predictions(project: Project, config: str, split: str = "test", *, model: str | None = None,
                         max_file_bytes: int | None = None) -> list[dict]:
    """The predictions of a config's baseline for `split` of the project's gold (see predict_split)."""
    trainer(config, model)  # a wrong config or model is refused before the gold is read
    return predict_split(gold_rows(project, max_file_bytes=max_file_bytes)[config], config, split, model=model)
