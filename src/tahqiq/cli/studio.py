"""`tahqiq studio …` subcommands: options and printing over tahqiq.studio.{server,push,pull}. The API token and
password are never printed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tahqiq.cli import EXIT_OK, _positive
from tahqiq.cli.output import TerminalProgress
from tahqiq.project import Project
from tahqiq.studio.home import PASSWORD_ENV, TOKEN_ENV

DEFAULT_PROJECT = "Tahqiq"  # the Label Studio project title


def _home(args: argparse.Namespace, project: Project):
    from tahqiq.studio.home import StudioHome

    root = Path(args.studio_dir) if args.studio_dir else project.studio_dir
    return StudioHome(root=root, venv=project.studio_dir / "venv")


def _annotations_dir(args: argparse.Namespace, project: Project) -> Path:
    return Path(args.annotations_dir) if args.annotations_dir else project.annotations_dir


def _login_lines(home, url: str, username: str) -> str:
    return (f"open {url} and log in as {username}\n"
            f"password: in {home.credentials_file} (readable by you only), or ${PASSWORD_ENV} if you set it")


def cmd_install(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.server import install

    home = _home(args, project)
    installed = install(home=home, progress=TerminalProgress())
    print(f"{'installed' if installed else 'already installed'}: {home.executable}")
    return EXIT_OK


def cmd_up(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.server import up

    home = _home(args, project)
    session = up(home=home, port=args.port, progress=TerminalProgress())
    state = "already running" if session.reused else "started"
    print(f"Label Studio {state} (PID {session.pid}, data in {home.data_dir})")
    print(_login_lines(home, session.url, session.username))
    return EXIT_OK


def cmd_down(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.server import down

    pid = down(home=_home(args, project))
    print(f"stopped Label Studio (PID {pid})" if pid else "no Label Studio of this folder was running")
    return EXIT_OK


def _work_line(work) -> str:
    kind = "draft" if work.what == "draft" else "annotation"
    return (f"    {work.what}: {work.doc_id or '(no doc id)'} · task #{work.task_id} · {kind} #{work.item_id} · "
            f"{work.who}")


def cmd_status(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.server import is_installed, running_session
    from tahqiq.studio.status import studio_status

    home = _home(args, project)
    print(f"installed: {'yes' if is_installed(home) else 'no (run `tahqiq studio install`)'}")
    session = running_session(home)
    if session is None:
        print("server: not running (start it with `tahqiq studio up`)")
        return EXIT_OK
    print(f"server: running at {session.url} (PID {session.pid})")
    statuses = studio_status(home)
    if not statuses:
        print("no project yet (run `tahqiq studio push`)")
    for status in statuses:
        drafts = sum(w.what == "draft" for w in status.work)
        changed = len(status.work) - drafts
        since = f"since the pull kept in {status.last_pull}" if status.last_pull else "never pulled"
        print(f"project {status.title!r}: {status.url}, {status.tasks} task(s), {status.annotations} "
              f"annotation(s), {drafts} draft(s); {changed} annotation(s) new, changed or deleted {since}")
        for work in status.work:
            print(_work_line(work))
    return EXIT_OK


def cmd_annotator_add(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.annotators import ANNOTATOR_PASSWORD_ENV, add_annotator

    home = _home(args, project)
    annotator = add_annotator(home=home, register_file=project.annotators_file,
                              annotations_dir=_annotations_dir(args, project), email=args.email)
    print(f"created Label Studio account {annotator.email} (user {annotator.user_id}); its work will be stored as "
          f"completed_by {annotator.identity} (recorded in {project.annotators_file})")
    print(f"password: in {home.passwords_file} (readable by you only), or ${ANNOTATOR_PASSWORD_ENV} if you set it; "
          "hand it over in person")
    return EXIT_OK


def cmd_annotator_list(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.annotators import list_annotators

    for a in list_annotators(home=_home(args, project), register_file=project.annotators_file):
        identity = (f"completed_by {a.identity}" if a.identity is not None
                    else "no identity yet (given at its first pull)")
        kept = "password kept" if a.password_kept else "password not kept here"
        print(f"{a.email}  user {a.user_id}  {identity}  {kept}")
    return EXIT_OK


def cmd_push(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.push import push

    summary = push(project=project, home=_home(args, project), annotations_dir=_annotations_dir(args, project),
                   title=args.project_title, predictions=not args.no_predictions, source=args.source,
                   revision=args.revision, progress=TerminalProgress())
    verb = "created" if summary.project_created else "updated"
    print(f"project {summary.project_id} {verb}: {summary.url}/projects/{summary.project_id}")
    print(", ".join(f"{n} {what}" for what, n in summary.counts.items()))
    return EXIT_OK


def _describe_change(change) -> str:
    if not change.written:
        return f"{change.doc_id}: unchanged"
    parts = [f"{change.added} region(s) added", f"{change.changed} changed", f"{change.removed} removed",
             f"links +{change.relations_added}/-{change.relations_removed}"]
    if change.annotations_added:
        parts.append(f"new annotation(s) {', '.join(map(str, change.annotations_added))}")
    if change.annotations_removed:
        parts.append(f"annotation(s) {', '.join(map(str, change.annotations_removed))} deleted in Label Studio")
    return f"{change.doc_id}: " + ", ".join(parts)


def cmd_pull(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.studio.pull import pull

    result = pull(project=project, home=_home(args, project), annotations_dir=_annotations_dir(args, project),
                  title=args.project_title, allow_removal=args.allow_removal, keep=args.keep)
    for change in result.changes:
        print(_describe_change(change))
    for note in result.notes:
        print(f"note: {note}")
    written = sum(c.written for c in result.changes)
    print(f"pulled {len(result.changes)} document(s), {written} file(s) written, {len(result.report.warnings)} "
          f"warning(s); export kept at {result.export_file}")
    return EXIT_OK


def _project_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", dest="project_title", default=DEFAULT_PROJECT,
                   help=f"Label Studio project title (default: {DEFAULT_PROJECT})")
    p.add_argument("--annotations-dir", metavar="DIR",
                   help="folder of stored annotations (default: the project's annotations/)")


def _add(commands: argparse._SubParsersAction, name: str, func: Callable[[argparse.Namespace, Project], int],
         help_text: str, description: str) -> argparse.ArgumentParser:
    """A studio subcommand with the session-folder option every one of them takes."""
    p = commands.add_parser(name, help=help_text, description=description)
    p.add_argument("--studio-dir", metavar="DIR",
                   help="session folder: data dir, credentials, server state (default: the project's .studio)")
    p.set_defaults(func=func)
    return p


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `studio` command group to the top-level parser."""
    studio = sub.add_parser(
        "studio", help="annotate in a local Label Studio: install, up, push, pull, down, status, annotator",
        description="A local Label Studio for annotating the seeds. Typical session: `tahqiq studio up` → "
                    "`tahqiq studio push` → annotate in the browser → `tahqiq studio pull` → `tahqiq studio down`. "
                    f"The server listens on 127.0.0.1 only; its API token comes from ${TOKEN_ENV} or a 0600 file "
                    "in the studio folder and is never printed. See docs/studio.md.")
    commands = studio.add_subparsers(dest="studio_command", required=True, metavar="SUBCOMMAND")
    add = partial(_add, commands)

    add("install", cmd_install, "install Label Studio into .studio/venv (idempotent)",
        "pip-install the pinned label-studio into its own venv under .studio/ (≈1 GB, a few minutes); a stamp "
        "file makes a second run a no-op.")
    p = add("up", cmd_up, "start Label Studio (or find the running one) and print URL and login",
            "Install if needed, start Label Studio on 127.0.0.1 with its SQLite data in the studio folder, wait "
            "until it is healthy and print the URL and login. A second `up` finds the running server.")
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    add("down", cmd_down, "stop the Label Studio started by `up`", "Stop the server by the PID `up` recorded.")
    add("status", cmd_status, "is the server running, and what changed since the last pull",
        "Print whether Label Studio is installed and running and, for every project on it, its tasks, "
        "annotations and drafts, and each annotation made, changed or deleted since the last `pull` (compared "
        "with the export that pull kept), in Label Studio's task and annotation ids.")
    p = add("push", cmd_push, "send the labeling config, seeds, gold and suggestions to Label Studio",
            "Create or update the project with schema/labeling_config.xml, one task per seed, the annotations of "
            "--annotations-dir and the rule-based suggestions as predictions. Re-running never duplicates tasks, "
            "annotations or predictions. Refuses (exit 1) when the annotations do not validate.")
    _project_options(p)
    p.add_argument("--no-predictions", action="store_true", help="do not send the rule-based suggestions")
    p.add_argument("--from", dest="source", metavar="SOURCE",
                   help="take the annotations from elsewhere: an export file such as one `pull` kept in "
                        ".studio/pulls, or a published dataset: a built folder (dist/hub) or OWNER/NAME on the "
                        "Hugging Face Hub (HF_ENDPOINT is honoured)")
    p.add_argument("--revision", help="with --from OWNER/NAME: branch, tag or commit to reopen")
    p = add("pull", cmd_pull, "bring annotations back into annotations/, validated",
            "Export the project, validate it and only when clean write --annotations-dir (stable form, one file "
            "per document, only changed files). Prints regions added / changed / removed per document. On errors "
            "nothing is written and the coded problems are printed (exit 1).")
    _project_options(p)
    p.add_argument("--allow-removal", action="store_true",
                   help="drop annotations of --annotations-dir that the server does not have (default: refuse)")
    p.add_argument("--keep", type=_positive, metavar="N",
                   help="keep the last N pulls of each project in the studio folder's pulls/ "
                        "(default: $TAHQIQ_STUDIO_KEEP_PULLS or 10)")

    annotator = commands.add_parser("annotator", help="Label Studio accounts of the annotators: add, list",
                                    description="One Label Studio account per annotator, so each one's work is "
                                                "stored under its own identity (annotators.yaml).")
    accounts = annotator.add_subparsers(dest="annotator_command", required=True, metavar="SUBCOMMAND")
    p = _add(accounts, "add", cmd_annotator_add, "create an annotator's account",
             "Create a Label Studio account for EMAIL with a random password (or $TAHQIQ_ANNOTATOR_PASSWORD) kept "
             "in the studio folder's 0600 annotators.json and never printed, and record the identity "
             "(completed_by) its work will carry, above every identity in use.")
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--annotations-dir", metavar="DIR",
                   help="folder of stored annotations whose identities are in use (default: annotations/)")
    _add(accounts, "list", cmd_annotator_list, "the accounts on the server and their identities",
         "Every Label Studio account with its user id, its identity (annotators.yaml) and whether its password "
         "is kept here.")
