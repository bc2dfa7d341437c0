"""`tahqiq baseline`: train a baseline on the train split and print its predictions as JSON Lines. The choices are
spelled out here so that `--help` starts without loading the baselines (a test checks they match
tahqiq.baselines.run)."""

from __future__ import annotations

import argparse
import json

from tahqiq.cli import EXIT_OK
from tahqiq.project import Project

CONFIGS = ("entities", "numbers", "claims")
ENTITY_MODELS = ("crf", "gazetteer")


def cmd_baseline(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.baselines.run import baseline_predictions

    lines = baseline_predictions(project, args.config, args.split, model=args.model,
                                 max_file_bytes=args.max_file_mb << 20)
    for line in lines:
        print(json.dumps(line, ensure_ascii=False))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "baseline", help="train a baseline on the train split and print its predictions (JSON Lines)",
        description="Train a baseline on the rows of the train split of the project's gold annotations and print "
                    "its predictions for --split to stdout, one JSON object per row (rows with no prediction too), "
                    "in the format of docs/predictions.md. Baselines: entities — `crf`, a CRF tagger over word "
                    "features (default), or `gazetteer`, the train mentions matched longest first plus the rule "
                    "cues of the entity pre-annotator; numbers — the rule-based number pre-annotator (nothing "
                    "learned); claims — logistic regression over character n-grams for has_claim and for each "
                    "claim attribute, one claim per positive sentence, has_number links to the rule-found numbers. "
                    "Training is deterministic: the same gold gives the same output. Exit 1 when the gold does not "
                    "validate, 2 for an unknown config, model or split.",
        epilog="Example: tahqiq baseline --config entities --model gazetteer --split test > entities.jsonl")
    p.add_argument("--config", required=True, choices=CONFIGS, help="the dataset config to predict")
    p.add_argument("--split", default="test", help="the split to predict (default: test)")
    p.add_argument("--model", choices=ENTITY_MODELS,
                   help="the entity baseline (default: crf); only with --config entities")
    p.set_defaults(func=cmd_baseline)
