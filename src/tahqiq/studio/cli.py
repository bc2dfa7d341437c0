"""`tahqiq studio …` subcommands: a thin layer over tahqiq.studio.{server,push,pull}.

Expected failures print a message (and, for data problems, the coded issues) without a traceback; exit 1 for
invalid data, 2 for environment problems. The API token is never printed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from tahqiq.cli import EXIT_INVALID, EXIT_OK, UserError
from tahqiq.issues import Report
from tahqiq.paths import ANNOTATIONS_DIR
from tahqiq.studio.client import DEFAULT_PROJECT
from tahqiq.studio.home import DEFAULT_HOME, PASSWORD_ENV, TOKEN_ENV, StudioError, StudioHome


def _home(args: argparse.Namespace) -> StudioHome:
    return StudioHome(root=Path(args.studio_dir))


def _login_lines(home: StudioHome, url: str, username: str) -> str:
    return (f"open {url} and log in as {username}\n"
            f"password: in {home.credentials_file} (readable by you only), or ${PASSWORD_ENV} if you set it")


def cmd_install(args: argparse.Namespace) -> int:
    from tahqiq.studio.server import install

    home = _home(args)
    installed = install(home=home, progress=True)
    print(f"{'installed' if installed else 'already installed'}: {home.executable}")
    return EXIT_OK


def cmd_up(args: argparse.Namespace) -> int:
    from tahqiq.studio.server import up

    home = _home(args)
    session = up(home=home, port=args.port, progress=True)
    state = "already running" if session.reused else "started"
    print(f"Label Studio {state} (PID {session.pid}, data in {home.data_dir})")
    print(_login_lines(home, session.url, session.username))
    return EXIT_OK


def cmd_down(args: argparse.Namespace) -> int:
    from tahqiq.studio.server import down

    pid = down(home=_home(args))
    print(f"stopped Label Studio (PID {pid})" if pid else "no Label Studio of this folder was running")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from tahqiq.studio.client import api_call, connect, find_project
    from tahqiq.studio.server import is_installed, running_session

    home = _home(args)
    print(f"installed: {'yes' if is_installed(home) else 'no (run `tahqiq studio install`)'}")
    session = running_session(home)
    if session is None:
        print("server: not running (start it with `tahqiq studio up`)")
        return EXIT_OK
    print(f"server: running at {session.url} (PID {session.pid})")
    conn = connect(home)
    project_id = find_project(conn, args.project)
    if project_id is None:
        print(f"project {args.project!r}: not created yet (run `tahqiq studio push`)")
        return EXIT_OK
    with api_call("read the project"):
        tasks = list(conn.client.tasks.list(project=project_id))
    annotations = sum(len(t.annotations or []) for t in tasks)
    print(f"project {args.project!r}: {session.url}/projects/{project_id}, {len(tasks)} task(s), "
          f"{annotations} annotation(s)")
    return EXIT_OK


def _refused(report: Report, verdict: str) -> int:
    from tahqiq.render import render_text

    print(render_text(report))
    print(f"{verdict}: {len(report.errors)} validation error(s)")
    return EXIT_INVALID


def cmd_push(args: argparse.Namespace) -> int:
    from tahqiq.studio.push import AnnotationsInvalid, push

    try:
        summary = push(home=_home(args), annotations_dir=Path(args.annotations_dir), project=args.project,
                       predictions=not args.no_predictions, source=args.source, revision=args.revision,
                       progress=True)
    except AnnotationsInvalid as invalid:
        return _refused(invalid.report, f"nothing pushed: {args.annotations_dir} is not valid")
    print(summary.describe())
    return EXIT_OK


def cmd_pull(args: argparse.Namespace) -> int:
    from tahqiq.studio.pull import PullRefused, UnsyncedAnnotations, pull
    from tahqiq.studio.push import AnnotationsInvalid

    try:
        result = pull(home=_home(args), annotations_dir=Path(args.annotations_dir), project=args.project,
                      allow_removal=args.allow_removal)
    except PullRefused as refused:
        return _refused(refused.report, "nothing written: fix the regions in Label Studio and pull again (the "
                                        f"checked export is kept at {refused.export_file})")
    except AnnotationsInvalid as invalid:
        return _refused(invalid.report, f"nothing written: {args.annotations_dir} itself is not valid")
    except UnsyncedAnnotations as unsynced:
        print(f"tahqiq: {unsynced}", file=sys.stderr)
        return EXIT_INVALID
    print(result.describe())
    return EXIT_OK


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn a StudioError into the CLI's UserError (message, exit 2, no traceback)."""
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except StudioError as err:
            raise UserError(str(err)) from None
    return run


def _project_options(p: argparse.ArgumentParser, *, annotations: bool) -> None:
    p.add_argument("--project", default=DEFAULT_PROJECT, help=f"project title (default: {DEFAULT_PROJECT})")
    if annotations:
        p.add_argument("--annotations-dir", default=str(ANNOTATIONS_DIR), metavar="DIR",
                       help="folder of stored annotations (default: annotations/)")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `studio` command group to the top-level parser."""
    studio = sub.add_parser(
        "studio", help="annotate in a local Label Studio: install, up, push, pull, down, status",
        description="A local Label Studio for annotating the seeds. Typical session: `tahqiq studio up` → "
                    "`tahqiq studio push` → annotate in the browser → `tahqiq studio pull` → `tahqiq studio down`. "
                    f"The server listens on 127.0.0.1 only; its API token comes from ${TOKEN_ENV} or a 0600 file "
                    "in the studio folder and is never printed. See docs/studio.md.")
    commands = studio.add_subparsers(dest="studio_command", required=True, metavar="SUBCOMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str,
            description: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help_text, description=description)
        p.add_argument("--studio-dir", default=str(DEFAULT_HOME), metavar="DIR",
                       help="session folder: data dir, credentials, server state (default: .studio)")
        p.set_defaults(func=_guarded(func))
        return p

    add("install", cmd_install, "install Label Studio into .studio/venv (idempotent)",
        "pip-install the pinned label-studio into its own venv under .studio/ (≈1 GB, a few minutes); a stamp "
        "file makes a second run a no-op.")
    p = add("up", cmd_up, "start Label Studio (or find the running one) and print URL and login",
            "Install if needed, start Label Studio on 127.0.0.1 with its SQLite data in the studio folder, wait "
            "until it is healthy and print the URL and login. A second `up` finds the running server.")
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    add("down", cmd_down, "stop the Label Studio started by `up`", "Stop the server by the PID `up` recorded.")
    p = add("status", cmd_status, "is the server running, and what is in the project",
            "Print whether Label Studio is installed and running, and the project's task and annotation counts.")
    _project_options(p, annotations=False)
    p = add("push", cmd_push, "send the labeling config, seeds, gold and suggestions to Label Studio",
            "Create or update the project with schema/labeling_config.xml, one task per seed, the annotations of "
            "--annotations-dir and the rule-based suggestions as predictions. Re-running never duplicates tasks, "
            "annotations or predictions. Refuses (exit 1) when the annotations do not validate.")
    _project_options(p, annotations=True)
    p.add_argument("--no-predictions", action="store_true", help="do not send the rule-based suggestions")
    p.add_argument("--from", dest="source", metavar="SOURCE",
                   help="take the annotations from a published dataset instead: a built folder (dist/hub) or "
                        "OWNER/NAME on the Hugging Face Hub (HF_ENDPOINT is honoured)")
    p.add_argument("--revision", help="with --from OWNER/NAME: branch, tag or commit to reopen")
    p = add("pull", cmd_pull, "bring annotations back into annotations/, validated",
            "Export the project, validate it and only when clean write --annotations-dir (stable form, one file "
            "per document, only changed files). Prints regions added / changed / removed per document. On errors "
            "nothing is written and the coded problems are printed (exit 1).")
    _project_options(p, annotations=True)
    p.add_argument("--allow-removal", action="store_true",
                   help="drop annotations of --annotations-dir that the server does not have (default: refuse)")
