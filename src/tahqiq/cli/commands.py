"""`tahqiq validate | generate | build | agreement | evaluate | publish`: options, printing, nothing else.
Each handler imports the library it drives when it runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tahqiq.cli import EXIT_INVALID, EXIT_OK, _positive
from tahqiq.cli.output import TerminalProgress, render_json, render_text
from tahqiq.errors import MissingPath, Refused, UsageError
from tahqiq.project import Project


def _paths(values: list[str] | None, default: Path) -> list[Path]:
    """Paths the user named (relative to the current folder), or the project's default; all must exist."""
    paths = [Path(v) for v in values] if values else [default]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise MissingPath(f"no such file or folder: {', '.join(missing)}")
    return paths


def _codes(value: str) -> set[str]:
    from tahqiq.issues import CATALOGUE

    codes = {c.strip() for c in value.split(",") if c.strip()}
    unknown = sorted(codes - set(CATALOGUE))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown code(s): {', '.join(unknown)} (see docs/checks.md)")
    return codes


def cmd_validate(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.validate import Run

    paths = _paths(args.paths, project.annotations_dir)
    run = Run(paths, labels=project.labels, manifest=project.manifest, max_file_bytes=args.max_file_mb << 20,
              workers=args.workers, progress=TerminalProgress())
    for _ in run:
        pass
    report = run.report
    report = report.filtered(select=args.select, ignore=args.ignore or set(), max_level=args.level)
    render = render_json if args.format == "json" else render_text
    print(render(report, max_issues=args.max_issues))
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_generate(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.generate import drifted_files, write_generated

    if args.check:
        drifted = drifted_files(project)
        for path in drifted:
            print(f"out of date: {path} (run `tahqiq generate`)")
        return EXIT_INVALID if drifted else EXIT_OK
    for path in write_generated(project):
        print(f"wrote {path}")
    return EXIT_OK


def _build(args: argparse.Namespace, project: Project):
    from tahqiq.build import build

    out = Path(args.out) if args.out else project.dist_hub_dir
    try:
        return build(project=project, annotations=_paths(args.annotations, project.annotations_dir), out=out,
                     progress=TerminalProgress(), max_file_bytes=args.max_file_mb << 20, workers=args.workers,
                     results=args.results)
    except Refused as refused:
        raise Refused(refused.report, f"not built: {len(refused.report.errors)} validation error(s); {out} is "
                                      "unchanged") from None


def _print_build(summary) -> None:
    from tahqiq.agreement import named_list

    lines = [f"built {summary.out}"]
    for split, ids in summary.documents.items():
        lines.append(f"  {split}: {len(ids)} document(s): {named_list(ids, first=10)}")
    for config, splits in summary.rows.items():
        lines.append(f"  {config}: {', '.join(f'{split} {n}' for split, n in splits.items())} rows")
    if summary.misaligned:
        lines.append(f"  {len(summary.misaligned)} entity mention(s) do not align with token edges and are left out "
                     "of ner_tags: " + named_list([f"{doc} {rid} {text!r}" for doc, rid, text in summary.misaligned],
                                                    first=10))
    if summary.report.warnings:
        lines.append(f"  {len(summary.report.warnings)} validation warning(s): run `tahqiq validate` to see them")
    print("\n".join(lines))


def cmd_build(args: argparse.Namespace, project: Project) -> int:
    _print_build(_build(args, project))
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.agreement import agreement_from_tasks, agreement_markdown, agreement_rows
    from tahqiq.validate import validate_paths

    if args.first == args.second:
        raise UsageError(f"--first and --second are both {args.first}: name two different annotators")
    validation = validate_paths(_paths(args.paths, project.annotations_dir), labels=project.labels,
                                manifest=project.manifest, max_file_bytes=args.max_file_mb << 20)
    if not validation.report.ok:
        raise Refused(validation.report, "no agreement computed: the exports do not validate")
    result = agreement_from_tasks(validation.tasks, first=args.first, second=args.second, labels=project.labels)
    if not result.documents:
        raise UsageError(f"no task has live annotations by both {args.first} and {args.second}; pass --first/"
                         "--second annotator ids")
    if args.format == "json":
        print(json.dumps({"first": result.first, "second": result.second, "documents": result.documents,
                          "layers": agreement_rows(result)}, ensure_ascii=False, indent=2))
    else:
        print(agreement_markdown(result))
    return EXIT_OK


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def format_scores(scores: dict, *, split: str) -> str:
    """One table per system: each headline metric with its 95 % bootstrap interval, in percent."""
    lines = []
    for name, result in scores.items():
        lines += [f"{name} — {result.config}, {split} split, {result.rows} rows (F1 in percent, 95 % bootstrap "
                  "interval over rows)", "", "| metric | F1 | 95 % interval |", "|---|---|---|"]
        lines += [f"| {metric} | {_pct(m.value)} | {_pct(m.low)}–{_pct(m.high)} |"
                  for metric, m in result.headline.items()]
        lines.append("")
    return "\n".join(lines).rstrip()


def cmd_evaluate(args: argparse.Namespace, project: Project) -> int:
    from dataclasses import asdict

    from tahqiq.evaluate import evaluate

    annotations = _paths(args.annotations, project.annotations_dir) if args.annotations else None
    predictions = _paths([args.predictions], project.annotations_dir)[0] if args.predictions else None
    scores = evaluate(project, config=args.config, split=args.split, predictions=predictions,
                      annotations=annotations)
    if args.format == "json":
        print(json.dumps({name: asdict(s) for name, s in scores.items()}, ensure_ascii=False, indent=2))
    else:
        print(format_scores(scores, split=args.split))
    return EXIT_OK


def format_plan(plan, card_yaml: str) -> str:
    from tahqiq.publish import KEPT_REMOTE

    target = f"a pull request against {plan.branch}" if plan.create_pr else f"branch {plan.branch}"
    lines = [f"commit plan: {plan.repo_id} (dataset{', private if new' if plan.private else ''}) ← {plan.folder}",
             f"  to: {target}", f"  message: {plan.message}",
             f"  files: {len(plan.files)}, {sum(f.size for f in plan.files)} bytes"]
    lines += [f"  {f.size:>10}  {f.sha256}  {f.path}" for f in plan.files]
    lines += [f"  every other file in the repo except {', '.join(sorted(KEPT_REMOTE))} is deleted in the same commit",
              "card YAML (README.md):", "---", card_yaml.rstrip("\n"), "---"]
    return "\n".join(lines)


def cmd_publish(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.hubrepo import card_yaml, verify_repo
    from tahqiq.publish import check_repo_id, plan_commit, push, release_version, require_token, tag_command

    check_repo_id(args.repo_id)
    version = release_version(project)
    token = None if args.dry_run else require_token()
    summary = _build(args, project)
    _print_build(summary)
    problems = verify_repo(summary.out)
    for problem in problems:
        print(f"problem: {problem}")
    if problems:
        print(f"not published: {summary.out} does not load as its card says ({len(problems)} problem(s))")
        return EXIT_INVALID
    plan = plan_commit(folder=summary.out, repo_id=args.repo_id, version=version, revision=args.revision,
                       create_pr=args.create_pr, private=args.private)
    if args.dry_run:
        print(format_plan(plan, card_yaml(plan.folder)))
        print(f"after publishing, tag the release: {tag_command(version)}")
        print("dry run: nothing was sent to the Hub")
        return EXIT_OK
    print(f"publishing {len(plan.files)} file(s) to {plan.repo_id} in one commit: {plan.message}")
    result = push(plan=plan, token=token)
    print(f"repo: {result.repo_url}")
    if result.pr_url:
        print(f"pull request: {result.pr_url} (revision {result.pr_revision})")
    else:
        print(f"commit: {result.commit_url}")
    if result.deleted:
        print(f"deleted {len(result.deleted)} file(s) the build no longer makes: {', '.join(result.deleted)}")
    print(f"load it with: datasets.load_dataset({plan.repo_id!r}, 'documents')")
    print(f"tag the release: {tag_command(version)}")
    return EXIT_OK


def _build_options(p: argparse.ArgumentParser) -> None:
    """The inputs and output of a build, shared by `build` and `publish`."""
    p.add_argument("--annotations", nargs="+", metavar="PATH",
                   help="export files or folders (default: the project's annotations/)")
    p.add_argument("--out", help="build folder, replaced atomically (default: the project's dist/hub)")
    _workers_option(p)
    p.add_argument("--no-results", dest="results", action="store_false",
                   help="leave the baselines' results out of the card (training them holds every gold row in "
                        "memory; the rest of the build streams)")


def _workers_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="processes that check (and cut) the tasks; the output is the same for any N (default: one "
                        "for exports under 8 MB, else one per core, at most 4)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check Label Studio JSON exports (L1 schema, L2 structure, L3 meaning)",
                       description="Check exports and print every problem with its code, file, task, annotation, "
                                   "region and JSON pointer, each code's hint once, and a count per code. Exit 0 "
                                   "when there are no errors, 1 otherwise. The codes are listed in docs/checks.md.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="export files or folders of them (default: the project's annotations/)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    p.add_argument("--select", type=_codes, metavar="CODE[,CODE…]", help="report only these codes")
    p.add_argument("--ignore", type=_codes, metavar="CODE[,CODE…]", help="do not report these codes")
    p.add_argument("--level", type=int, choices=[1, 2, 3], default=3,
                   help="report issues up to this level (1 schema, 2 structure, 3 meaning; default 3)")
    p.add_argument("--max-issues", type=int, metavar="N", help="print at most N issues (the counts cover all)")
    _workers_option(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("generate", help="regenerate the published files derived from schema/labels.yaml",
                       description="Write schema/export.schema.json, schema/labeling_config.xml and docs/checks.md "
                                   "from schema/labels.yaml and the check catalogue, all together or none.")
    p.add_argument("--check", action="store_true", help="only report files that are out of date (exit 1 if any)")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("build", help="build the Hub-ready dataset repo (refuses when validation fails)",
                       description="Validate the annotations and write a Hugging Face dataset repo (README.md with "
                                   "card and YAML, Parquet per config and split) atomically to --out.")
    _build_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("agreement", help="inter-annotator agreement between two annotation passes",
                       description="Per layer: span F1 (exact and overlap) between the annotations of two "
                                   "annotators, and for matched regions attribute agreement (Cohen's kappa for "
                                   "categorical attributes, exact-match rate for values).")
    p.add_argument("paths", nargs="*", metavar="PATH", help="export files or folders (default: annotations/)")
    p.add_argument("--first", type=int, default=1, help="completed_by id of the first annotator (default 1)")
    p.add_argument("--second", type=int, default=2, help="completed_by id of the second annotator (default 2)")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser(
        "evaluate", help="score predictions for one config against the gold (the benchmark's scorer)",
        description="Score a system's predictions for one per-sentence config (docs/predictions.md: JSON Lines, or "
                    "a Label Studio export with full predictions) against the gold of a split. entities: "
                    "SemEval-2013 schemes as nervaluate names them (strict, exact, partial, ent_type) and seqeval "
                    "token-level F1; numbers: span F1 and value F1, attribute accuracy; claims: detection and "
                    "check-worthiness F1 on the positive class (CheckThat!), span overlap F1, attribute macro-F1, "
                    "link F1. Headline metrics carry a seeded 95 % bootstrap interval over rows. Without "
                    "--predictions it scores the rule-based pre-annotators, which are annotation aids written with "
                    "these articles in view, not baselines. Exit 1 when the gold or the predictions do not "
                    "validate.")
    p.add_argument("--config", required=True, choices=["entities", "numbers", "claims"])
    p.add_argument("--predictions", metavar="FILE", help="prediction file (default: the rule-based pre-annotators)")
    p.add_argument("--split", default="test", help="the split to score (default: test)")
    p.add_argument("--annotations", nargs="+", metavar="PATH",
                   help="gold export files or folders (default: the project's annotations/)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser(
        "publish", help="validate, build and push the dataset to the Hugging Face Hub in one commit",
        description="Validate the annotations, build the dataset repo (as `tahqiq build`), check its card YAML "
                    "against its Parquet files, then create the Hub dataset repo if needed and upload everything in "
                    "ONE commit named after the data version (`version` in the project's pyproject.toml, which "
                    "needs its entry in CHANGELOG.md), so the repo changes all at once or not at all. The token "
                    "comes from HF_TOKEN or `hf auth login` and is never printed; HF_ENDPOINT selects another Hub. "
                    "Exit 0 on success, 1 when the data is invalid or has no changelog entry, 2 for a bad repo id, "
                    "no token, no network or no permission.",
        epilog="Example: tahqiq publish --repo-id your-user/tahqiq --dry-run")
    p.add_argument("--repo-id", required=True, metavar="OWNER/NAME", help="the Hub dataset repo, e.g. you/tahqiq")
    p.add_argument("--private", action="store_true", help="create the repo private (no effect if it exists)")
    p.add_argument("--revision", metavar="BRANCH",
                   help="commit to this branch, created from main if missing (default: main)")
    p.add_argument("--create-pr", action="store_true",
                   help="open a pull request (against --revision or main) instead of committing directly")
    p.add_argument("--dry-run", action="store_true",
                   help="build and print the commit plan (files with size and sha256, the card YAML); "
                        "no network, no token needed")
    _build_options(p)
    p.set_defaults(func=cmd_publish)
