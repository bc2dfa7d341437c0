"""The `tahqiq` command: argparse, printing, progress and the one mapping of failures to exit codes.

0 ok · 1 invalid data (a validation report, or data that cannot be used) · 2 usage or environment (a bad option,
no project, a server or the Hub out of reach) · 130 interrupted. Heavy libraries are imported only inside the
command that needs them, so `tahqiq --help` and `--version` start at once."""

from __future__ import annotations

import argparse
import os
import sys

from tahqiq.errors import Refused, TahqiqError, UsageError

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_FILE_ENV = "TAHQIQ_MAX_FILE_MB"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tahqiq")
    except PackageNotFoundError:  # a source tree on sys.path without an install
        return "unknown"


def parser() -> argparse.ArgumentParser:
    from tahqiq.cli import baseline, commands, seed, studio

    top = argparse.ArgumentParser(
        prog="tahqiq",
        description="Tahqiq: validate Label Studio annotations of Arabic news, build and publish the Hugging Face "
                    "dataset. Typical flow: `tahqiq validate` → `tahqiq build` → `tahqiq publish`. Every command "
                    "acts on the project you stand in: the nearest folder at or above the current one that holds "
                    "schema/labels.yaml.",
        epilog="Exit codes: 0 ok, 1 invalid data, 2 usage or environment problem, 130 interrupted.")
    top.add_argument("--version", action="version", version=f"tahqiq {_version()}")
    _global_options(top, default=None)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.register(sub)
    studio.register(sub)
    seed.register(sub)
    baseline.register(sub)
    return top


def _global_options(p: argparse.ArgumentParser, *, default) -> None:
    """--project and --max-file-mb, accepted before the command and after it."""
    p.add_argument("--project", metavar="DIR", default=default,
                   help="the project folder (default: $TAHQIQ_PROJECT, else found from the current folder up)")
    p.add_argument("--max-file-mb", type=_positive, metavar="N", default=default,
                   help="the largest export file read, in MB (default: $TAHQIQ_MAX_FILE_MB or 1024)")


def _everywhere(p: argparse.ArgumentParser) -> None:
    """Give every (sub)command the global options; there they only override what was given before the command."""
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if not any(a.dest == "project" for a in child._actions):
                    _global_options(child, default=argparse.SUPPRESS)
                _everywhere(child)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


def _default_max_file_mb() -> int:
    raw = os.environ.get(MAX_FILE_ENV)
    try:
        return _positive(raw) if raw else 1024
    except argparse.ArgumentTypeError:
        raise UsageError(f"${MAX_FILE_ENV}={raw!r} is not a positive whole number") from None


def _max_file_mb(args: argparse.Namespace) -> int:
    return args.max_file_mb if args.max_file_mb is not None else _default_max_file_mb()


def main(argv: list[str] | None = None) -> int:
    try:
        top = parser()
        _everywhere(top)
        args = top.parse_args(argv)
        args.max_file_mb = _max_file_mb(args)
        from tahqiq.project import find_project

        return args.func(args, find_project(args.project))
    except Refused as refused:
        from tahqiq.cli.output import render_text

        print(render_text(refused.report, places=refused.places))
        print(str(refused))
        return EXIT_INVALID
    except TahqiqError as err:
        print(f"tahqiq: [{err.code}] {err}", file=sys.stderr)
        return err.exit_status
    except KeyboardInterrupt:
        print("tahqiq: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`tahqiq validate | head -1`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USAGE
    except OSError as err:  # a full or read-only disk, a file vanishing under us: the environment, not the data
        print(f"tahqiq: {err.strerror or err}{f': {err.filename}' if err.filename else ''}", file=sys.stderr)
        return EXIT_USAGE
