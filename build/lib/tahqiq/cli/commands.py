"""`tahqiq validate | generate | build | agreement | evaluate | publish`: options, printing, nothing else.
Each handler imports the library it drives when it runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tahqiq.cli import EXIT_INVALID, EXIT_OK
from tahqiq.cli.output import TerminalProgress, render_json, render_text
from tahqiq.errors import Refused, UsageError
from tahqiq.project import Project


def _paths(values: list[str] | None, default: Path) -> list[Path]:
    """Paths the user named (relative to the current folder), or the project's default; all must exist."""
    paths = [Path(v) for v in values] if values else [default]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return paths


def _codes(value: str) -> set[str]:
    from tahqiq.issues import CATALOGUE

    codes = {c.strip() for c in value.split(",") if c.strip()}
    unknown = sorted(codes - set(CATALOGUE))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown code(s): {', '.join(unknown)} (see docs/checks.md)")
    return codes


def cmd_validate(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.validate import validate_paths

    paths = _paths(args.paths, project.annotations_dir)
    report = validate_paths(paths, labels=project.labels, manifest=project.manifest,
                            max_file_bytes=args.max_file_mb << 20).report
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
                     progress=TerminalProgress(), max_file_bytes=args.max_file_mb << 20)
    except Refused as refused:
        raise Refused(refused.report, f"not built: {len(refused.report.errors)} validation error(s); {out} is "
                                      "unchanged") from None


def _print_build(summary) -> None:
    lines = [f"built {summary.out}"]
    for split, ids in summary.documents.items():
        lines.append(f"  {split}: {len(ids)} document(s): {', '.join(ids)}")
    for config, splits in summary.rows.items():
        lines.append(f"  {config}: {', '.join(f'{split} {n}' for split, n in splits.items())} rows")
    if summary.report.warnings:
        lines.append(f"  {len(summary.report.warnings)} validation warning(s): run `tahqiq validate` to see them")
    print("\n".join(lines))


def cmd_build(args: argparse.Namespace, project: Project) -> int:
    _print_build(_build(args, project))
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.agreement import agreement_from_tasks, agreement_markdown, agreement_rows
    from tahqiq.validate import validate_paths

    tasks = validate_paths(_paths(args.paths, project.annotations_dir), labels=project.labels,
                           manifest=project.manifest, max_file_bytes=args.max_file_mb << 20).tasks
    result = agreement_from_tasks(tasks, first=args.first, second=args.second, labels=project.labels)
    if not result.documents:
        raise UsageError(f"no task has live annotations by both {args.first} and {args.second}; pass --first/"
                         "--second annotator ids")
    if args.format == "json":
        print(json.dumps({"first": result.first, "second": result.second, "documents": result.documents,
                          "layers": agreement_rows(result)}, ensure_ascii=False, indent=2))
    else:
        print(agreement_markdown(result))
    return EXIT_OK


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def format_scores(rows: list[dict], documents: int) -> str:
    lines = ["| model_version | layer | gold | predicted | P exact | R exact | F1 exact | P overlap | R overlap | "
             "F1 overlap |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['model_version']} | {r['layer']} | {r['gold']} | {r['predicted']} | "
                     + " | ".join(_pct(r[f"{m}_{k}"]) for m in ("exact", "overlap")
                                  for k in ("precision", "recall", "f1")) + " |")
    lines += ["", "Attributes of suggested regions that overlap a gold region (share right):", "",
              "| model_version | layer | attribute | pairs | accuracy |", "|---|---|---|---|---|"]
    for r in rows:
        for attr, a in r["attributes"].items():
            lines.append(f"| {r['model_version']} | {r['layer']} | {attr} | {a['pairs']} | {_pct(a['accuracy'])} |")
    return f"Pre-annotations against the gold of {documents} document(s), in percent.\n\n" + "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.evaluate import evaluate, score_rows

    annotations = _paths(args.annotations, project.annotations_dir)
    predictions = _paths(args.predictions, project.annotations_dir) if args.predictions else None
    try:
        scores = evaluate(project=project, annotations=annotations, predictions=predictions)
    except Refused as refused:
        raise Refused(refused.report, "not evaluated: fix the errors above first") from None
    if not any(s.documents for s in scores):
        raise UsageError("no prediction matches a gold document (by data.doc_id)")
    rows = score_rows(scores)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(format_scores(rows, len({d for s in scores for d in s.documents})))
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
        "evaluate", help="precision / recall of pre-annotations against the gold",
        description="Score the built-in rule-based pre-annotators (or the predictions in Label Studio exports "
                    "given with --predictions) against the gold annotations, per layer: precision, recall and F1 "
                    "for exact and overlapping spans (entity labels must agree), and how often the attributes of "
                    "overlapping suggestions are right. Exit 1 when the gold or the predictions do not validate.")
    p.add_argument("--annotations", nargs="+", metavar="PATH",
                   help="gold export files or folders (default: the project's annotations/)")
    p.add_argument("--predictions", nargs="+", metavar="FILE",
                   help="Label Studio JSON exports with full predictions (default: run the built-in rules)")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
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
