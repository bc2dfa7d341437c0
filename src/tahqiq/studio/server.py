"""Install, start, find and stop the local Label Studio server.

The server runs from its own venv (label-studio pins Django and label-studio-sdk exactly), binds 127.0.0.1 only,
keeps its SQLite data in the session folder and makes no outbound calls. It is started in its own process group
and stopped by its PID; the PID and port are recorded so a second `up` finds it again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.request import Request, urlopen

from tahqiq.progress import SILENT, Progress
from tahqiq.studio.home import (
    LABEL_STUDIO_VERSION,
    Credentials,
    ServerState,
    StudioError,
    StudioHome,
    clear_state,
    ensure_credentials,
    load_credentials,
    read_port,
    read_state,
    write_port,
    write_state,
)

# Unprefixed variables Label Studio also reads (HOST would become its URL prefix, PORT its port).
_STRAY_ENV = {"HOST", "PORT", "DEBUG", "USERNAME", "PASSWORD", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
_OWN_ENV_PREFIXES = ("LABEL_STUDIO_", "DJANGO_", "TAHQIQ_STUDIO_")
_POLL_SECONDS = 0.5
_children: dict[int, subprocess.Popen] = {}  # servers started by this process, reaped by `down`


@dataclass(frozen=True)
class Session:
    """A running server: where it listens and how to log in (the token stays in the credentials file)."""

    url: str
    pid: int
    username: str
    reused: bool


def is_installed(home: StudioHome) -> bool:
    return home.stamp.exists() and home.executable.exists()


def install(*, home: StudioHome, progress: Progress = SILENT) -> bool:
    """pip-install label-studio (pinned) into the session venv; a stamp file makes it a no-op the second time.

    Returns True when something was installed."""
    if is_installed(home):
        return False
    home.venv.parent.mkdir(parents=True, exist_ok=True)
    log = home.venv.parent / "install.log"
    steps = [[sys.executable, "-m", "venv", str(home.venv)],
             [str(home.venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
              f"label-studio=={LABEL_STUDIO_VERSION}"]]
    with open(log, "w", encoding="utf-8") as out, progress.waiting(f"installing label-studio {LABEL_STUDIO_VERSION}"
                                                                    ) as tick:
        for step in steps:
            proc = subprocess.Popen(step, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            while proc.poll() is None:
                time.sleep(_POLL_SECONDS)
                tick()
            if proc.returncode != 0:
                raise StudioError(f"installing label-studio failed (exit {proc.returncode}); see {log}")
    home.stamp.write_text(f"label-studio=={LABEL_STUDIO_VERSION}\n", encoding="utf-8")
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on the port (connections of a stopped server lingering in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _proc_cmdline(pid: int) -> list[str]:  # Linux /proc, as on the CI machine
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode("utf-8", "replace").split("\0")


def process_gone(pid: int) -> bool:
    """No such process, or only a zombie waiting for its parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def is_our_server(state: ServerState) -> bool:
    """The recorded PID is alive and is a Label Studio started on the recorded port (not a reused PID)."""
    args = _proc_cmdline(state.pid)
    return (not process_gone(state.pid) and any(a.endswith("label-studio") for a in args)
            and "--port" in args and str(state.port) in args)


def _get_ok(url: str, headers: dict[str, str] | None = None) -> bool:
    try:
        with urlopen(Request(url, headers=headers or {}), timeout=10) as reply:
            return reply.status == 200
    except OSError:  # refused, reset, timed out, or an HTTP error status (URLError and HTTPError are OSErrors)
        return False


def healthy(url: str) -> bool:
    return _get_ok(f"{url}/health")


def token_accepted(url: str, creds: Credentials) -> bool:
    """The server at `url` knows our token: it is our server, not another one that took the port."""
    return _get_ok(f"{url}/api/current-user/whoami", {"Authorization": f"Token {creds.token}"})


def server_env(home: StudioHome, creds: Credentials) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _STRAY_ENV and not k.startswith(_OWN_ENV_PREFIXES)}
    env.update({
        "PATH": f"{home.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "LABEL_STUDIO_BASE_DATA_DIR": str(home.data_dir),
        "DJANGO_DB": "sqlite",
        "LABEL_STUDIO_USERNAME": creds.username,
        "LABEL_STUDIO_PASSWORD": creds.password,
        "LABEL_STUDIO_USER_TOKEN": creds.token,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
    })
    return env


def set_password(home: StudioHome, email: str, password: str) -> None:
    """Set an account's password with Label Studio's own `reset_password` (its API ignores a password). The
    password goes through stdin, never the command line, and the command's output (its prompt) is dropped."""
    creds = ensure_credentials(home)
    try:
        done = subprocess.run(
            [str(home.executable), "reset_password", "--username", email, "--data-dir", str(home.data_dir)],
            env=server_env(home, creds), input=f"{password}\n", capture_output=True, text=True, cwd=home.root,
            start_new_session=True, timeout=300)  # no terminal: getpass reads the piped stdin
    except subprocess.TimeoutExpired:
        raise StudioError(f"Label Studio did not set the password of {email} within 300 s") from None
    if done.returncode != 0 or "Password successfully changed" not in done.stdout:
        raise StudioError(f"Label Studio could not set the password of {email} (exit {done.returncode}); the "
                          "account exists: run `tahqiq studio annotator add` again after deleting it in Label Studio")


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines))
    except OSError:
        return ""


def running_session(home: StudioHome) -> Session | None:
    """The server recorded in the session folder, if it is alive, healthy and accepts our token."""
    state, creds = read_state(home), load_credentials(home)
    if state is None or creds is None:
        return None
    if is_our_server(state) and healthy(state.url) and token_accepted(state.url, creds):
        return Session(url=state.url, pid=state.pid, username=creds.username, reused=True)
    return None


def up(*, home: StudioHome, port: int | None = None, progress: Progress = SILENT, timeout: float = 600.0) -> Session:
    """Start the server (installing it first if needed), or return the one already running for this folder."""
    install(home=home, progress=progress)
    session = running_session(home)
    if session is not None:
        return session
    stale = read_state(home)
    if stale is not None and is_our_server(stale):
        raise StudioError(f"a Label Studio (PID {stale.pid}) from {home.root} is running but does not answer on "
                          f"{stale.url}; stop it with `tahqiq studio down`")
    clear_state(home)
    creds = ensure_credentials(home)
    port = _session_port(home, port)
    home.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(home.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as log:
        log_offset = log.tell()
        proc = subprocess.Popen(
            [str(home.executable), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(home.data_dir)],
            env=server_env(home, creds), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=home.root, start_new_session=True,
        )
    _children[proc.pid] = proc
    state = ServerState(pid=proc.pid, port=port)
    write_state(home, state)
    try:
        _wait_ready(proc, state, creds, home=home, log_offset=log_offset, progress=progress, timeout=timeout)
    except BaseException:
        down(home=home)
        raise
    return Session(url=state.url, pid=proc.pid, username=creds.username, reused=False)


def _session_port(home: StudioHome, asked: int | None) -> int:
    """The folder's port: the one asked for (then kept), else the one chosen at the first `up`, else a free one
    (then kept). A busy port is refused rather than silently replaced, since open tabs and bookmarks use it."""
    kept = read_port(home)
    port = asked or kept or free_port()
    if not port_is_free(port):
        if asked is None:
            raise StudioError(f"port {port} on 127.0.0.1, kept for {home.root} since its first `up`, is busy: stop "
                              "the program that uses it, or move this session with `tahqiq studio up --port N` "
                              "(open tabs then need the new address)")
        raise StudioError(f"port {port} on 127.0.0.1 is busy; choose another with --port")
    if port != kept:
        write_port(home, port)
    return port


def _port_taken(home: StudioHome, log_offset: int, port: int) -> bool:
    """Label Studio silently moves to the next port when its port is busy; it only says so in its log."""
    with open(home.log_file, "rb") as fh:
        fh.seek(log_offset)
        return f"Port {port} is in use".encode() in fh.read()


def _wait_ready(proc: subprocess.Popen, state: ServerState, creds: Credentials, *, home: StudioHome,
                log_offset: int, progress: Progress, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with progress.waiting(f"starting Label Studio on {state.url} (first start migrates the database, ~1 min)"
                          ) as tick:
        while not healthy(state.url):
            if proc.poll() is not None:
                raise StudioError(f"Label Studio exited with code {proc.returncode} while starting; last lines "
                                  f"of {home.log_file}:\n{_log_tail(home.log_file)}")
            if _port_taken(home, log_offset, state.port):
                raise StudioError(f"port {state.port} was taken by another program while Label Studio started; "
                                  "run `tahqiq studio up` again")
            if time.monotonic() > deadline:
                raise StudioError(f"Label Studio did not answer {state.url}/health within {timeout:.0f} s; "
                                  f"see {home.log_file}")
            time.sleep(_POLL_SECONDS)
            tick()
    if not token_accepted(state.url, creds):
        raise StudioError(f"the server on {state.url} refuses the token in {home.credentials_file}: the data dir "
                          f"{home.data_dir} was created with another token (set TAHQIQ_STUDIO_TOKEN to it, or "
                          "move the data dir away to start afresh)")


def down(*, home: StudioHome, timeout: float = 60.0) -> int | None:
    """Stop the recorded server by its PID (SIGTERM to its process group, SIGKILL after `timeout`).

    Returns the PID stopped, or None when nothing of ours was running."""
    state = read_state(home)
    if state is None:
        return None
    if not is_our_server(state):
        clear_state(home)
        _reap(state.pid)
        return None
    _signal_group(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while not process_gone(state.pid) and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS / 5)
    if not process_gone(state.pid):
        _signal_group(state.pid, signal.SIGKILL)
    _reap(state.pid)
    clear_state(home)
    return state.pid


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the server's process group (it leads one: started with start_new_session); it may just have
    exited on its own."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    proc = _children.pop(pid, None)
    if proc is not None:
        proc.wait()
