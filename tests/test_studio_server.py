"""The server's life cycle against the real Label Studio of the session: loopback only, secrets private, `up`
idempotent, `down` by PID, a busy port refused; and the `tahqiq studio` commands as a user runs them."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import httpx
import pytest

from tahqiq.cli import main
from tahqiq.errors import StudioError
from tahqiq.studio.home import StudioHome, load_credentials, read_port, read_state, write_port
from tahqiq.studio.server import install, is_installed, process_gone, running_session, up

from conftest import PROJECT

pytestmark = pytest.mark.studio


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) with a listening socket on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_server_listens_on_loopback_only(studio_home):
    session = running_session(studio_home)
    assert session is not None
    port = int(session.url.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing on 0.0.0.0 or ::


def test_secrets_are_private(studio_home):
    assert stat.S_IMODE(studio_home.root.stat().st_mode) == 0o700
    for path in (studio_home.credentials_file, studio_home.log_file, studio_home.state_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    creds = load_credentials(studio_home)
    assert creds.token not in repr(creds) and creds.password not in repr(creds)
    log = studio_home.log_file.read_text(encoding="utf-8", errors="replace")
    assert creds.token not in log and creds.password not in log


def test_install_is_idempotent(studio_home):
    assert is_installed(studio_home)
    assert install(home=studio_home) is False


def test_second_up_finds_the_running_server(studio_home):
    pid = read_state(studio_home).pid
    again = up(home=studio_home)
    assert again.reused and again.pid == pid


def test_down_stops_by_pid_and_up_restarts_with_the_same_data(studio_home, studio_client):
    studio_client.projects.create(title="survives-restart")
    pid, url = read_state(studio_home).pid, running_session(studio_home).url
    assert main(["studio", "down", "--studio-dir", str(studio_home.root)]) == 0
    assert process_gone(pid)
    assert read_state(studio_home) is None and running_session(studio_home) is None
    restarted = up(home=studio_home)
    assert not restarted.reused and restarted.pid != pid
    assert restarted.url == url  # the folder's port is kept, so open tabs reconnect
    from tahqiq.studio.client import connect, find_project
    assert find_project(connect(studio_home), "survives-restart") is not None


def test_the_login_opens_the_web_ui(studio_home):
    """The e-mail `up` prints and the password in the credentials file log in through the web form."""
    creds, url = load_credentials(studio_home), running_session(studio_home).url
    with httpx.Client(base_url=url) as browser:
        assert browser.get("/api/current-user/whoami").status_code == 401
        browser.get("/user/login/")
        form = {"email": creds.username, "password": creds.password,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
        reply = browser.post("/user/login/", data=form, headers={"Referer": f"{url}/user/login/"})
        assert reply.status_code == 302
        assert browser.get("/api/current-user/whoami").json()["email"] == creds.username


def test_busy_port_is_refused(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(StudioError, match=f"port {port}"):
            up(home=StudioHome(root=tmp_path / "other", venv=PROJECT.studio_dir / "venv"), port=port)


def test_a_busy_kept_port_is_refused_with_what_to_do(tmp_path, capsys):
    home = StudioHome(root=tmp_path / "kept", venv=PROJECT.studio_dir / "venv")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        write_port(home, port)
        code = main(["studio", "up", "--studio-dir", str(home.root)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"port {port}" in err and "kept for" in err and "--port" in err
    assert read_port(home) == port and read_state(home) is None  # nothing started, the choice kept


def test_commands_print_url_and_login_but_never_secrets(studio_home, capfd, tmp_path):
    home = ["--studio-dir", str(studio_home.root)]
    assert main(["studio", "up", *home]) == 0
    up_out = capfd.readouterr()
    assert "already running" in up_out.out and running_session(studio_home).url in up_out.out
    assert load_credentials(studio_home).username in up_out.out
    assert main(["studio", "push", *home, "--title", "cli", "--annotations-dir", str(tmp_path / "a")]) == 0
    assert main(["studio", "status", *home]) == 0
    assert main(["studio", "pull", *home, "--title", "cli", "--annotations-dir", str(tmp_path / "a")]) == 0
    out = up_out.out + up_out.err + "".join(capfd.readouterr())
    creds = load_credentials(studio_home)
    assert creds.token not in out and creds.password not in out
    documents = len(PROJECT.manifest.documents)
    assert f"{documents} tasks created" in out and f"{documents} task(s)" in out


def test_commands_without_a_server_fail_cleanly(tmp_path, capsys):
    code = main(["studio", "pull", "--studio-dir", str(tmp_path), "--annotations-dir", str(tmp_path / "a")])
    err = capsys.readouterr().err
    assert code == 2 and "tahqiq studio up" in err and "Traceback" not in err


def test_a_damaged_session_file_says_what_to_do_for_that_file(tmp_path, capsys):
    """`up` remakes the state and credentials files, but never the annotators' passwords: each file has its own
    advice."""
    home = StudioHome(root=tmp_path, venv=PROJECT.studio_dir / "venv")
    home.passwords_file.write_text("{not json", encoding="utf-8")
    assert main(["studio", "annotator", "list", "--studio-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{home.passwords_file} is damaged" in err and "reset_password --username EMAIL" in err
    assert "studio up" not in err and "Traceback" not in err
    home.state_file.write_text("[]", encoding="utf-8")
    with pytest.raises(StudioError, match="delete it and run `tahqiq studio up` again$"):
        read_state(home)
