"""The `tahqiq` command: a thin layer over the library. Expected failures print a clear message and exit non-zero
without a traceback; exit codes are 0 (ok), 1 (invalid data) and 2 (usage, environment or network problems)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tahqiq import __version__
from tahqiq.paths import ANNOTATIONS_DIR, DIST_HUB_DIR

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """An expected failure with a message for the user (no traceback)."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


def cmd_validate(args: argparse.Namespace) -> int:
    from tahqiq.render import render_json, render_text
    from tahqiq.validate import validate_paths

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    report = validate_paths(paths).report
    print(render_json(report) if args.format == "json" else render_text(report))
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_generate(args: argparse.Namespace) -> int:
    from tahqiq.generate import drifted_files, write_generated

    if args.check:
        drifted = drifted_files()
        for path in drifted:
            print(f"out of date: {path} (run `tahqiq generate`)")
        return EXIT_INVALID if drifted else EXIT_OK
    for path in write_generated():
        print(f"wrote {path}")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from tahqiq.build import BuildRefused, build
    from tahqiq.render import render_text

    try:
        summary = build(annotations=[Path(p) for p in args.annotations], out=Path(args.out), progress=True)
    except BuildRefused as refused:
        print(render_text(refused.report))
        print(f"not built: {len(refused.report.errors)} validation error(s); {args.out} is unchanged")
        return EXIT_INVALID
    print(summary.describe())
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    from tahqiq.agreement import agreement_report, format_agreement

    result = agreement_report(paths=[Path(p) for p in args.paths], first=args.first, second=args.second)
    if not result.documents:
        raise UserError("no task has annotations by both annotators; pass --first/--second user ids")
    print(format_agreement(result, fmt=args.format))
    return EXIT_OK


def add_build_options(p: argparse.ArgumentParser) -> None:
    """The inputs and output of a build, shared by `build` and `publish`."""
    p.add_argument("--annotations", nargs="+", default=[str(ANNOTATIONS_DIR)], metavar="PATH",
                   help="export files or folders (default: annotations/)")
    p.add_argument("--out", default=str(DIST_HUB_DIR), help="build folder, replaced atomically (default: dist/hub)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="tahqiq",
        description="Tahqiq: validate Label Studio annotations of Arabic news, build and publish the Hugging Face "
                    "dataset. Typical flow: `tahqiq validate annotations` → `tahqiq build` → `tahqiq publish`.",
    )
    top.add_argument("--version", action="version", version=f"tahqiq {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check Label Studio JSON exports (L1 schema, L2 structure, L3 meaning)",
                       description="Check exports and print every problem with its code, file, task, annotation, "
                                   "region and JSON pointer. Exit 0 when there are no errors, 1 otherwise. "
                                   "The codes are listed in docs/checks.md.")
    p.add_argument("paths", nargs="*", default=[str(ANNOTATIONS_DIR)], metavar="PATH",
                   help="export files or folders of them (default: annotations/)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("generate", help="regenerate files derived from schema/labels.yaml",
                       description="Write schema/export.schema.json, schema/labeling_config.xml and docs/checks.md "
                                   "from schema/labels.yaml and the check catalogue.")
    p.add_argument("--check", action="store_true", help="only report files that are out of date (exit 1 if any)")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("build", help="build the Hub-ready dataset repo (refuses when validation fails)",
                       description="Validate the annotations and write a Hugging Face dataset repo (README.md with "
                                   "card and YAML, Parquet per config and split) atomically to --out.")
    add_build_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("agreement", help="inter-annotator agreement between two annotation passes",
                       description="Per layer: span F1 (exact and overlap) between the annotations of two "
                                   "annotators, and for matched regions attribute agreement (Cohen's kappa for "
                                   "categorical attributes, exact-match rate for values).")
    p.add_argument("paths", nargs="*", default=[str(ANNOTATIONS_DIR)], metavar="PATH")
    p.add_argument("--first", type=int, default=1, help="completed_by id of the first annotator (default 1)")
    p.add_argument("--second", type=int, default=2, help="completed_by id of the second annotator (default 2)")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.set_defaults(func=cmd_agreement)

    from tahqiq.evaluate import register as register_evaluate
    from tahqiq.publish import register as register_publish
    from tahqiq.studio.cli import register as register_studio

    register_evaluate(sub)
    register_studio(sub)
    register_publish(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as err:
        print(f"tahqiq: {err}", file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        print("tahqiq: interrupted", file=sys.stderr)
        return 130


