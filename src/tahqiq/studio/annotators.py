"""`studio annotator add | list`: one Label Studio account per annotator, so each person's work is told apart.

The password comes from $TAHQIQ_ANNOTATOR_PASSWORD or is made at random; it is kept in the session folder's 0600
`annotators.json` for the maintainer to hand over, and never printed. The account's identity (the `completed_by`
its work will carry in annotations/) is recorded in the project's annotators.yaml at once."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from tahqiq.errors import StudioError, UsageError
from tahqiq.studio.client import Connection, api_call, connect
from tahqiq.studio.home import StudioHome, read_passwords, write_passwords
from tahqiq.studio.identities import assign, identities_in_use, load_register, save_register
from tahqiq.studio.server import set_password

ANNOTATOR_PASSWORD_ENV = "TAHQIQ_ANNOTATOR_PASSWORD"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Annotator:
    email: str
    user_id: int  # Label Studio's own id of the account (what its UI and `completed_by` in an export show)
    identity: int | None  # the `completed_by` of its work in annotations/; None until it is registered
    password_kept: bool  # its password is in the session folder's annotators.json


def server_users(conn: Connection) -> dict[int, str]:
    """Label Studio user id -> e-mail, for every account on the server."""
    with api_call("list the users"):
        return {user.id: user.email or user.username for user in conn.client.users.list()}


def add_annotator(*, home: StudioHome, register_file: Path, annotations_dir: Path, email: str) -> Annotator:
    """Create the Label Studio account `email` with a password only its owner's folder holds, and register its
    identity."""
    if not _EMAIL.fullmatch(email):
        raise UsageError(f"{email!r} is not an e-mail address (Label Studio logs in by e-mail)")
    conn = connect(home)
    if email in server_users(conn).values():
        raise StudioError(f"Label Studio already has an account {email}; `tahqiq studio annotator list` shows it")
    password = os.environ.get(ANNOTATOR_PASSWORD_ENV) or secrets.token_urlsafe(12)
    with api_call(f"create the account {email}"):
        user = conn.client.users.create(username=email, email=email)
    set_password(home, email, password)
    write_passwords(home, {**read_passwords(home), email: password})
    register = load_register(register_file)
    if assign(register, [email], identities_in_use(annotations_dir)):
        save_register(register_file, register)
    return Annotator(email=email, user_id=user.id, identity=register[email], password_kept=True)


def list_annotators(*, home: StudioHome, register_file: Path) -> list[Annotator]:
    """Every account on the server, with its registered identity."""
    register, passwords = load_register(register_file), read_passwords(home)
    return [Annotator(email=email, user_id=user_id, identity=register.get(email), password_kept=email in passwords)
            for user_id, email in sorted(server_users(connect(home)).items())]
