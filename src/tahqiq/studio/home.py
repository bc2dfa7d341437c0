"""The files of a local Label Studio session under `.studio/`: the server venv, its data dir, credentials, state.

The venv is shared by every session of the repository (it is big and slow to install); the data dir, credentials
and state belong to one session folder, so tests can run a fresh server beside the annotator's own."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from tahqiq.errors import StudioError

LABEL_STUDIO_VERSION = "1.23.2"
DEFAULT_USERNAME = "annotator@tahqiq.local"
TOKEN_ENV, PASSWORD_ENV = "TAHQIQ_STUDIO_TOKEN", "TAHQIQ_STUDIO_PASSWORD"



@dataclass(frozen=True)
class Credentials:
    """The admin login and API token; `repr` hides the secrets so they never end up in logs or tracebacks."""

    username: str
    password: str
    token: str

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=***, token=***)"


@dataclass(frozen=True)
class StudioHome:
    """One session folder (the project's `.studio` by default). The server venv is big and slow to install, so
    test sessions share the project's `.studio/venv`."""

    root: Path
    venv: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def credentials_file(self) -> Path:
        return self.root / "credentials.json"

    @property
    def state_file(self) -> Path:
        return self.root / "server.json"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def port_file(self) -> Path:
        """The port chosen at the first `up` of this folder: later starts reuse it, so open tabs keep working."""
        return self.root / "port.json"

    @property
    def passwords_file(self) -> Path:
        """The passwords of the annotator accounts `studio annotator add` made (0600, never printed)."""
        return self.root / "annotators.json"

    @property
    def pulls_dir(self) -> Path:
        """The last pulled exports are kept here, so the pointers of a failed pull can be followed."""
        return self.root / "pulls"

    @property
    def executable(self) -> Path:
        return self.venv / "bin" / "label-studio"

    @property
    def stamp(self) -> Path:
        return self.venv / f".installed-label-studio-{LABEL_STUDIO_VERSION}"

    def ensure_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), atomically: the mode is set before the content lands."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_credentials(home: StudioHome) -> Credentials | None:
    """Token and password from the environment when set, else from the 0600 credentials file; None before the
    first `up`."""
    if not home.credentials_file.exists():
        return None
    stored = _read_json(home.credentials_file, ("username", "password", "token"), _AFRESH)
    return Credentials(username=stored["username"], password=os.environ.get(PASSWORD_ENV) or stored["password"],
                       token=os.environ.get(TOKEN_ENV) or stored["token"])


_UP_AGAIN = "delete it and run `tahqiq studio up` again"
_AFRESH = f"{_UP_AGAIN} (a new credentials file needs a fresh data folder too)"


def _lost_passwords(home: StudioHome) -> str:
    """The annotators' accounts and work are on the server; only the passwords kept here are lost."""
    return ("the annotators' accounts and their work stay in Label Studio, only the passwords kept here are "
            "unreadable: restore it from a backup, or delete it and give each annotator a new password with "
            f"`{home.executable} reset_password --username EMAIL --data-dir {home.data_dir}`")


def _read_json(path: Path, keys: tuple[str, ...], advice: str) -> dict:
    """A small state file of the session folder, with the keys it must have; a damaged one is a StudioError
    with `advice` (what to do differs per file: the passwords file is not remade by `up`)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(stored, dict) and all(k in stored for k in keys):
            return stored
        problem = f"it lacks {', '.join(keys)}"
    except (OSError, UnicodeDecodeError, ValueError) as err:
        problem = type(err).__name__
    raise StudioError(f"{path} is damaged ({problem}): {advice}")


def ensure_credentials(home: StudioHome) -> Credentials:
    """The session's credentials, made on first use (random unless given in the environment) and kept in a
    0600 file: Label Studio takes them only when it creates its data dir."""
    creds = load_credentials(home)
    if creds is not None:
        return creds
    creds = Credentials(username=DEFAULT_USERNAME,
                        password=os.environ.get(PASSWORD_ENV) or secrets.token_urlsafe(12),
                        token=os.environ.get(TOKEN_ENV) or secrets.token_hex(20))
    home.ensure_root()
    write_private(home.credentials_file, json.dumps(
        {"username": creds.username, "password": creds.password, "token": creds.token}, indent=1) + "\n")
    return creds


@dataclass(frozen=True)
class ServerState:
    """What `up` recorded about the server it started: enough for `down` to stop it and `push`/`pull` to reach it."""

    pid: int
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def read_state(home: StudioHome) -> ServerState | None:
    if not home.state_file.exists():
        return None
    raw = _read_json(home.state_file, ("pid", "port"), _UP_AGAIN)
    try:
        return ServerState(pid=int(raw["pid"]), port=int(raw["port"]))
    except (TypeError, ValueError):
        raise StudioError(f"{home.state_file} is damaged (pid and port must be numbers): delete it and run "
                          "`tahqiq studio up` again") from None


def write_state(home: StudioHome, state: ServerState) -> None:
    write_private(home.state_file, json.dumps({"pid": state.pid, "port": state.port}) + "\n")


def clear_state(home: StudioHome) -> None:
    home.state_file.unlink(missing_ok=True)


def read_port(home: StudioHome) -> int | None:
    """The port this folder's server uses, chosen once; None before the first `up`."""
    if not home.port_file.exists():
        return None
    raw = _read_json(home.port_file, ("port",), _UP_AGAIN)["port"]
    if type(raw) is not int or not 0 < raw < 65536:
        raise StudioError(f"{home.port_file} is damaged (the port must be a number from 1 to 65535): {_UP_AGAIN}")
    return raw


def write_port(home: StudioHome, port: int) -> None:
    home.ensure_root()
    write_private(home.port_file, json.dumps({"port": port}) + "\n")


def read_passwords(home: StudioHome) -> dict[str, str]:
    """E-mail -> password of the annotator accounts made from this folder."""
    if not home.passwords_file.exists():
        return {}
    return _read_json(home.passwords_file, (), _lost_passwords(home))


def write_passwords(home: StudioHome, passwords: dict[str, str]) -> None:
    home.ensure_root()
    write_private(home.passwords_file, json.dumps(passwords, indent=1, sort_keys=True) + "\n")
