"""`tahqiq seed add`: options, the zone confirmation on the terminal, and printing over tahqiq.seeding."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tahqiq.cli import EXIT_OK
from tahqiq.errors import UsageError
from tahqiq.project import Project


def _ask(question: str) -> str:
    """The answer typed; the end of input (Ctrl-D) is no answer, so nothing is added on a guess."""
    try:
        return input(question).strip().lower()
    except EOFError:
        print()  # the prompt's line ends before the error is printed
        raise UsageError("no answer (end of input): nothing written; answer for each zone, or pass --yes to "
                         "accept them as proposed") from None


def _confirm(text: str, proposed: dict[int, str]) -> dict[int, str]:
    """Ask for each proposed zone whether to keep it (Enter keeps it)."""
    lines = text.split("\n")
    kept = {}
    for number, zone in proposed.items():
        answer = _ask(f"line {number} as {zone}: {lines[number].strip()[:70]!r} — keep? [Y/n] ")
        if answer in ("", "y", "yes"):
            kept[number] = zone
    return kept


def cmd_seed_add(args: argparse.Namespace, project: Project) -> int:
    from tahqiq.seeding import DEFAULT_COPYRIGHT, add_seed, propose_zones, read_article

    source = Path(args.file)
    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    if not args.yes and not sys.stdin.isatty():
        raise UsageError("the proposed zones need confirming on a terminal; pass --yes to accept them as proposed")
    text = read_article(source)
    proposed = propose_zones(text)
    zones = proposed if args.yes else _confirm(text, proposed)
    seed = add_seed(manifest_file=project.manifest_file, text=text, split=args.split, zones=zones,
                    doc_id=args.doc_id, copyright_line=args.copyright or DEFAULT_COPYRIGHT)
    described = ", ".join(f"{zone} {lines}" for zone, lines in seed.zones.items()) or "none (all body text)"
    print(f"added {seed.doc_id} to {args.split}: {seed.path} (sha256 {seed.sha256[:16]}…), zones: {described}")
    print("next: `tahqiq studio push` offers it in Label Studio with the rule-based suggestions")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    seed = sub.add_parser("seed", help="add an article to the corpus (seeds/ and seeds/manifest.yaml)",
                          description="Grow the corpus. See docs/studio.md, 'Adding an article'.")
    commands = seed.add_subparsers(dest="seed_command", required=True, metavar="SUBCOMMAND")
    p = commands.add_parser(
        "add", help="copy an article into seeds/ and record it in the manifest",
        description="Copy FILE (UTF-8) byte for byte to seeds/<doc_id>.txt, record its sha256 and split in "
                    "seeds/manifest.yaml, and the zones of its non-body lines (title, byline, dateline, caption, "
                    "boilerplate, duplicate) proposed from the text and confirmed line by line on the terminal. "
                    "Seed and manifest are written together or not at all. A text already in the manifest, or a "
                    "taken doc id, is refused (exit 1): a document never changes split.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--split", required=True, choices=["train", "test"],
                   help="the split for good: a test document never moves to train")
    p.add_argument("--doc-id", help="the document's id (default: the next number and the start of its sha256, "
                                    "e.g. 005_1a2b3c4d5e6f7a8b)")
    p.add_argument("--copyright", help="who holds the text's rights, as far as the text shows it")
    p.add_argument("--yes", action="store_true", help="accept the proposed zones without asking")
    p.set_defaults(func=cmd_seed_add)
