"""The benchmark results the card reports: every baseline trained on the train split and scored on the test split
by the scorer users run, and — apart from them — the rule-based pre-annotators, which are annotation aids written
with these articles in view. Each row of the table names the two commands that reproduce it."""

from __future__ import annotations

from dataclasses import dataclass

from tahqiq.baselines.run import ENTITY_MODELS, predict_split
from tahqiq.evaluate import benchmark_of, pre_annotator_lines
from tahqiq.gold import GoldDocument
from tahqiq.labels import CLAIM
from tahqiq.metrics import Scores, score
from tahqiq.project import Project

SPLIT = "test"


@dataclass
class Result:
    system: str
    config: str
    scores: Scores
    commands: tuple[str, ...]  # what reproduces the figures; empty for the pre-annotators (`tahqiq evaluate`)


def _systems(config: str) -> list[str | None]:
    return list(ENTITY_MODELS) if config == "entities" else [None]


def benchmark_results(project: Project, docs: list[GoldDocument], rows: dict[str, dict[str, list[dict]]]
                      ) -> tuple[list[Result], list[Result]]:
    """(baselines, pre-annotators) scored on the test split; `rows` are the build's config -> split -> rows."""
    labels = project.labels
    baselines, aids = [], []
    if not any(d.split == "train" for d in docs) or not any(d.split == SPLIT for d in docs):
        return baselines, aids  # nothing to learn from, or nothing to score on
    for layer in labels.layers.values():
        config = layer.config
        bench = benchmark_of(docs, config=config, split=SPLIT, labels=labels)
        targets = bench.link_targets if layer.name == CLAIM else None
        for model in _systems(config):
            lines = {line["id"]: line for line in predict_split(rows[config], config, SPLIT, model=model)}
            option = f" --model {model}" if model else ""
            commands = (f"tahqiq baseline --config {config}{option} --split {SPLIT} > {model or config}.jsonl",
                        f"tahqiq evaluate --config {config} --predictions {model or config}.jsonl")
            baselines.append(Result(model or f"{config} baseline", config,
                                    score(config, bench.rows, lines, labels=labels, link_targets=targets), commands))
        for name, lines in pre_annotator_lines(bench, project).items():
            aids.append(Result(name, config, score(config, bench.rows, lines, labels=labels, link_targets=targets),
                               (f"tahqiq evaluate --config {config}",)))
    return baselines, aids


def _table(results: list[Result]) -> list[str]:
    lines = ["| config | system | metric | F1 | 95 % interval |", "|---|---|---|---|---|"]
    for result in results:
        for metric, m in result.scores.headline.items():
            lines.append(f"| `{result.config}` | {result.system} | `{metric}` | {100 * m.value:.1f} | "
                         f"{100 * m.low:.1f}–{100 * m.high:.1f} |")
    return lines


def results_markdown(baselines: list[Result], aids: list[Result]) -> str:
    """The card's results: the baselines' table with the commands that reproduce each, then the annotation aids."""
    if not baselines:
        return f"No results: the build holds no annotated `train` document to learn from or no `{SPLIT}` document."
    lines = _table(baselines)
    lines += ["", "Reproduce a row (the figures are exactly what these commands print):", "", "```bash"]
    lines += [command for result in baselines for command in result.commands]
    lines += ["```", "", "The rule-based pre-annotators offered in Label Studio, scored the same way. They are "
              "annotation aids written with these articles in view (`tahqiq evaluate --config CONFIG` reproduces "
              "them), not baselines: read these figures as in-sample.", ""]
    lines += _table(aids)
    return "\n".join(lines)
