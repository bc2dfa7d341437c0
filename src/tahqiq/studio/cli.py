"""`tahqiq studio …` subcommands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `studio` command group to the top-level parser."""
