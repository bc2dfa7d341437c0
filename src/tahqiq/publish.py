"""`tahqiq publish`: validate, build, check the built repo, then push it to the Hugging Face Hub in ONE commit.

A Hub commit lands whole or not at all, so the repo is never half-updated. Files of the repo that the build no longer
produces are deleted in that same commit (a stale annotations/ file would otherwise be reopened for correction).
Every expected failure becomes a HubError with words for the user; the token is never printed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx2
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, constants, get_token
from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled, RevisionNotFoundError

from tahqiq.errors import HubError, ProjectFileInvalid, UsageError
from tahqiq.hubrepo import REPO_TYPE, bound_hub_calls, endpoint, repo_id_problem
from tahqiq.manifest import sha256_file
from tahqiq.network import redact
from tahqiq.outdir import MARKER
from tahqiq.project import Project

KEPT_REMOTE = {".gitattributes"}  # made by the Hub with the repo; it keeps large files in LFS
LOGIN_HINT = "log in with `hf auth login`, or set HF_TOKEN to a token with write access"



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
        raise UsageError(f"invalid repo id {repo_id!r}: {problem}")


def release_version(project: Project) -> str:
    """The data version to publish; a release needs its CHANGELOG.md entry first."""
    version = project.version
    if not project.changelog_has(version):
        raise ProjectFileInvalid(f"{project.changelog_file} has no entry for version {version} (a heading "
                                 f"`## {version}`): "
                        "say what changed in the data before publishing it")
    return version


def require_token() -> str:
    """The token from HF_TOKEN or the `hf auth login` cache."""
    token = get_token()
    if not token:
        raise HubError(f"no Hugging Face token found: {LOGIN_HINT}")
    return token


def tag_command(version: str) -> str:
    """The git tag that marks this dataset version in the project repository."""
    return f"git tag data-v{version} && git push origin data-v{version}"


def plan_commit(*, folder: Path, repo_id: str, version: str, revision: str | None = None, create_pr: bool = False,
                private: bool = False) -> CommitPlan:
    """Every file of the built repo with its size and sha256: exactly what the commit will upload."""
    files = tuple(PlannedFile(path=p.relative_to(folder).as_posix(), size=p.stat().st_size, sha256=sha256_file(p))
                  for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER)
    return CommitPlan(repo_id=repo_id, folder=folder, files=files, message=f"Tahqiq data v{version}",
                      revision=revision, create_pr=create_pr, private=private)


def hub_error_message(err: HfHubHTTPError, repo_id: str, branch: str) -> str:
    """Words for an error answer of the Hub; no commit was made when the Hub answered with an error."""
    status = err.response.status_code
    detail = redact(err.server_message or str(err).splitlines()[0])
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
    bound_hub_calls()
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
        raise HubError(hub_error_message(err, plan.repo_id, plan.branch)) from None
    except OfflineModeIsEnabled:
        raise HubError("HF_HUB_OFFLINE is set: unset it to publish; nothing was uploaded") from None
    except httpx2.ConnectError as err:
        raise HubError(f"cannot reach the Hugging Face Hub at {endpoint()} ({redact(err)}); "
                           "nothing was uploaded") from None
    except (KeyError, TypeError, ValueError) as err:  # an answer huggingface_hub cannot read
        done = ("a Hub commit lands whole or not at all: look at the repo's commits before publishing again"
                if committing else "nothing was uploaded")
        raise HubError(f"the Hub at {endpoint()} answered in a form that cannot be read ({type(err).__name__}: "
                       f"{redact(err, limit=120)}); {done}") from None
    except httpx2.TransportError as err:
        if not committing:
            raise HubError(f"the connection to the Hugging Face Hub at {endpoint()} failed ({redact(err)}); "
                               "nothing was uploaded") from None
        raise HubError(f"the connection failed during the commit ({redact(err)}); a Hub commit lands whole or "
                           f"not at all: look at {repo_url}/commits/{plan.branch} before publishing again") from None
    return PushResult(repo_url=str(repo_url), commit_url=info.commit_url, pr_url=info.pr_url,
                      pr_revision=info.pr_revision, deleted=stale)
