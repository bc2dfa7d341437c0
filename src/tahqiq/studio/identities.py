"""Who made an annotation, in terms that outlive a Label Studio data dir.

Label Studio numbers its users per data dir (a fresh server starts again at 1), while the stored annotations
already use `completed_by` 1, 2 and 3 for pass 1, the blind pass 2 and the gold. So the project keeps a register,
`annotators.yaml`: each Label Studio account's e-mail with a whole-number identity above every identity in use.
`pull` writes that identity as `completed_by`, so a newcomer's work never enters `agreement --first 1`, and the
agreement and the card name annotators by it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import yaml

from tahqiq.atomic import atomic_write_text
from tahqiq.errors import AnnotatorsInvalid
from tahqiq.model import annotator_id
from tahqiq.yamlfile import load_yaml

PASS_IDENTITIES = (1, 2, 3)  # pass 1, blind pass 2 and gold of the stored annotations (meta.passes)
_HEADER = ("# Label Studio annotators: the identity (`completed_by` in annotations/) of each account's work.\n"
           "# Written by `tahqiq studio annotator add` and `tahqiq studio pull`; an identity is never reused.\n")


def load_register(path: Path) -> dict[str, int]:
    """E-mail -> identity; empty when the file does not exist yet."""
    if not path.exists():
        return {}
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
        entries = raw["annotators"] if isinstance(raw, dict) else None
        register = {entry["email"]: entry["identity"] for entry in entries}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError) as err:
        raise AnnotatorsInvalid(f"{path} is not a list `annotators` of entries with email and identity "
                                f"({type(err).__name__})") from None
    identities = list(register.values())
    if len(register) != len(entries) or len(set(identities)) != len(identities):
        raise AnnotatorsInvalid(f"{path} gives one e-mail or one identity twice")
    if any(type(i) is not int or i < 1 for i in identities):
        raise AnnotatorsInvalid(f"{path}: every identity must be a whole number above 0")
    return register


def register_text(register: dict[str, int]) -> str:
    """The file's text, so a pull can write it together with the annotations it records identities for."""
    entries = [{"email": email, "identity": identity}
               for email, identity in sorted(register.items(), key=lambda kv: kv[1])]
    return _HEADER + yaml.safe_dump({"annotators": entries}, allow_unicode=True, sort_keys=False)


def save_register(path: Path, register: dict[str, int]) -> None:
    atomic_write_text(path, register_text(register))


def identities_in_use(annotations_dir: Path) -> set[int]:
    """The `completed_by` of every stored annotation (read leniently: validation is not this module's job)."""
    used = set()
    for path in sorted(annotations_dir.glob("*.json")) if annotations_dir.is_dir() else []:
        try:
            tasks = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        for task in tasks if isinstance(tasks, list) else []:
            for annotation in (task.get("annotations") or []) if isinstance(task, dict) else []:
                who = annotator_id(annotation.get("completed_by")) if isinstance(annotation, dict) else None
                if type(who) is int:
                    used.add(who)
    return used


def assign(register: dict[str, int], emails: Iterable[str], in_use: set[int]) -> dict[str, int]:
    """The register with an identity for each of `emails` (in order): kept when it has one, else the next whole
    number above every identity registered, stored or reserved for the passes. Returns the new entries only."""
    taken = set(register.values()) | in_use | set(PASS_IDENTITIES)
    added = {}
    for email in emails:
        if email not in register:
            register[email] = added[email] = max(taken) + 1
            taken.add(register[email])
    return added
