"""`tahqiq publish`: validate, build, check the built repo, then push it to the Hugging Face Hub in ONE commit.

A Hub commit lands whole or not at all, so the repo is never half-updated. Files of the repo that the build no longer
produces are deleted in that same commit (a stale annotations/ file would otherwise be reopened for correction).
Every expected failure becomes a PublishError with words for the user; the token is never printed."""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path

import httpx2
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, constants, get_token
from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled, RevisionNotFoundError

from tahqiq import __version__
from tahqiq.hubrepo import REPO_TYPE, card_yaml, repo_id_problem, verify_repo

KEPT_REMOTE = {".gitattributes"}  # made by the Hub with the repo; it keeps large files in LFS
LOGIN_HINT = "log in with `hf auth login`, or set HF_TOKEN to a token with write access"


class PublishError(Exception):
    """An expected failure (no token, no network, no permission, bad name), in words for the user."""


@dataclass(frozen=True)
class PlannedFile:
    path: str  # inside the repo, with forward slashes
    size: int
    sha256: str


@dataclass(frozen=True)
class CommitPlan:
    repo_id: str
    folder: Path
    files: tuple[PlannedFile, ...]
    message: str
    revision: str | None
    create_pr: bool
    private: bool

    @property
    def branch(self) -> str:
        return self.revision or constants.DEFAULT_REVISION


@dataclass(frozen=True)
class PushResult:
    repo_url: str
    commit_url: str
    pr_url: str | None
    pr_revision: str | None  # refs/pr/N: what load_dataset(..., revision=…) takes to read the pull request
    deleted: tuple[str, ...]


def check_repo_id(repo_id: str) -> None:
    """OWNER/NAME as the Hub accepts it; checked before any build or network call."""
    problem = repo_id_problem(repo_id)
    if problem:
        raise PublishError(f"invalid repo id {repo_id!r}: {problem}")


def require_token() -> str:
    """The token from HF_TOKEN or the `hf auth login` cache."""
    token = get_token()
    if not token:
        raise PublishError(f"no Hugging Face token found: {LOGIN_HINT}")
    return token


def tag_command() -> str:
    """The git tag that marks this dataset version in the project repository."""
    return f"git tag data-v{__version__} && git push origin data-v{__version__}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def plan_commit(*, folder: Path, repo_id: str, revision: str | None = None, create_pr: bool = False,
                private: bool = False) -> CommitPlan:
    """Every file of the built repo with its size and sha256: exactly what the commit will upload."""
    files = tuple(PlannedFile(path=p.relative_to(folder).as_posix(), size=p.stat().st_size, sha256=_sha256(p))
                  for p in sorted(folder.rglob("*")) if p.is_file())
    return CommitPlan(repo_id=repo_id, folder=folder, files=files, message=f"Tahqiq data v{__version__}",
                      revision=revision, create_pr=create_pr, private=private)


def format_plan(plan: CommitPlan) -> str:
    target = f"a pull request against {plan.branch}" if plan.create_pr else f"branch {plan.branch}"
    lines = [f"commit plan: {plan.repo_id} (dataset{', private if new' if plan.private else ''}) ← {plan.folder}",
             f"  to: {target}", f"  message: {plan.message}",
             f"  files: {len(plan.files)}, {sum(f.size for f in plan.files)} bytes"]
    lines += [f"  {f.size:>10}  {f.sha256}  {f.path}" for f in plan.files]
    lines += [f"  every other file in the repo except {', '.join(sorted(KEPT_REMOTE))} is deleted in the same commit",
              "card YAML (README.md):", "---", card_yaml(plan.folder).rstrip("\n"), "---"]
    return "\n".join(lines)


def hub_error_message(err: HfHubHTTPError, repo_id: str, branch: str) -> str:
    """Words for an error answer of the Hub; no commit was made when the Hub answered with an error."""
    status = err.response.status_code
    detail = err.server_message or str(err).splitlines()[0]
    if status == 401:
        return f"the Hub rejected the token (401): {LOGIN_HINT}; nothing was uploaded"
    if status == 403:
        return (f"permission denied for {repo_id} (403): the repo or its namespace belongs to someone else, or the "
                f"token is read-only; {LOGIN_HINT}; nothing was uploaded")
    if isinstance(err, RevisionNotFoundError):
        return f"branch {branch!r} not found in {repo_id}; nothing was uploaded"
    if status == 404:
        return f"{repo_id} not found, or not visible to this token (404); nothing was uploaded"
    return f"the Hub refused the upload ({status}): {detail}; nothing was committed"


def push(*, plan: CommitPlan, token: str) -> PushResult:
    """create_repo(exist_ok=True), the branch if one is named, then one create_commit with every planned file and
    the deletion of every other file, on top of the head it listed."""
    api = HfApi(token=token)
    committing = False
    try:
        repo_url = api.create_repo(plan.repo_id, repo_type=REPO_TYPE, private=plan.private or None, exist_ok=True)
        if plan.revision:
            api.create_branch(plan.repo_id, repo_type=REPO_TYPE, branch=plan.revision, exist_ok=True)
        head = api.repo_info(plan.repo_id, repo_type=REPO_TYPE, revision=plan.branch).sha
        planned = {f.path for f in plan.files}
        stale = tuple(p for p in api.list_repo_files(plan.repo_id, repo_type=REPO_TYPE, revision=head)
                      if p not in planned and p not in KEPT_REMOTE)
        operations = [CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(plan.folder / f.path))
                      for f in plan.files]
        operations += [CommitOperationDelete(path_in_repo=p) for p in stale]
        committing = True
        info = api.create_commit(plan.repo_id, repo_type=REPO_TYPE, operations=operations,
                                 commit_message=plan.message, revision=plan.revision, create_pr=plan.create_pr,
                                 parent_commit=head)  # fails, rather than mixing, if the branch moved meanwhile
    except HfHubHTTPError as err:
        raise PublishError(hub_error_message(err, plan.repo_id, plan.branch)) from None
    except OfflineModeIsEnabled:
        raise PublishError("HF_HUB_OFFLINE is set: unset it to publish; nothing was uploaded") from None
    except httpx2.ConnectError as err:
        raise PublishError(f"cannot reach the Hugging Face Hub at {constants.ENDPOINT} ({err}); "
                           "nothing was uploaded") from None
    except httpx2.TransportError as err:
        if not committing:
            raise PublishError(f"the connection to the Hugging Face Hub at {constants.ENDPOINT} failed ({err}); "
                               "nothing was uploaded") from None
        raise PublishError(f"the connection failed during the commit ({err}); a Hub commit lands whole or not at "
                           f"all: look at {repo_url}/commits/{plan.branch} before publishing again") from None
    return PushResult(repo_url=str(repo_url), commit_url=info.commit_url, pr_url=info.pr_url,
                      pr_revision=info.pr_revision, deleted=stale)


def cmd_publish(args: argparse.Namespace) -> int:
    from tahqiq.cli import EXIT_INVALID, EXIT_OK, UserError, cmd_build

    try:
        check_repo_id(args.repo_id)
        token = None if args.dry_run else require_token()
        built = cmd_build(args)  # validates and refuses exactly as `tahqiq build`, printing the report or summary
        if built != EXIT_OK:
            return built
        out = Path(args.out)
        problems = verify_repo(out)
        for problem in problems:
            print(f"problem: {problem}")
        if problems:
            print(f"not published: {out} does not load as its card says ({len(problems)} problem(s))")
            return EXIT_INVALID
        plan = plan_commit(folder=out, repo_id=args.repo_id, revision=args.revision,
                           create_pr=args.create_pr, private=args.private)
        if args.dry_run:
            print(format_plan(plan))
            print(f"after publishing, tag the release: {tag_command()}")
            print("dry run: nothing was sent to the Hub")
            return EXIT_OK
        print(f"publishing {len(plan.files)} file(s) to {plan.repo_id} in one commit: {plan.message}")
        result = push(plan=plan, token=token)
    except PublishError as err:
        raise UserError(str(err)) from None
    print(f"repo: {result.repo_url}")
    if result.pr_url:
        print(f"pull request: {result.pr_url} (revision {result.pr_revision})")
    else:
        print(f"commit: {result.commit_url}")
    if result.deleted:
        print(f"deleted {len(result.deleted)} file(s) the build no longer makes: {', '.join(result.deleted)}")
    print(f"load it with: datasets.load_dataset({plan.repo_id!r}, 'documents')")
    print(f"tag the release: {tag_command()}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    """Add `tahqiq publish` to the top-level parser."""
    p = sub.add_parser(
        "publish", help="validate, build and push the dataset to the Hugging Face Hub in one commit",
        description="Validate the annotations, build the dataset repo (as `tahqiq build`), check its card YAML "
                    "against its Parquet files, then create the Hub dataset repo if needed and upload everything in "
                    "ONE commit named after the dataset version, so the repo changes all at once or not at all. "
                    "The token comes from HF_TOKEN or `hf auth login` and is never printed; HF_ENDPOINT selects "
                    "another Hub. Exit 0 on success, 1 when the data is invalid, 2 for a bad repo id, no token, "
                    "no network or no permission.",
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
    from tahqiq.cli import add_build_options

    add_build_options(p)
    p.set_defaults(func=cmd_publish)
