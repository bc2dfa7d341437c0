"""How long-running library work reports progress without knowing the terminal: the caller hands in a Progress
(the command line shows bars and spinners); the default reports nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    def track(self, items: Iterable[T], *, desc: str, unit: str, total: int | None = None) -> Iterable[T]:
        """Yield `items`, showing how many were done."""

    def waiting(self, desc: str) -> AbstractContextManager[Callable[[], None]]:
        """A context for a wait of unknown length; call the function it gives to show that work goes on."""

    def counter(self, desc: str, unit: str) -> AbstractContextManager[Callable[[int], None]]:
        """A context for work of unknown size; call the function it gives with each number of `unit`s done."""


class Silent:
    """Reports nothing."""

    def track(self, items: Iterable[T], *, desc: str, unit: str, total: int | None = None) -> Iterator[T]:
        yield from items

    def waiting(self, desc: str) -> AbstractContextManager[Callable[[], None]]:
        return nullcontext(lambda: None)

    def counter(self, desc: str, unit: str) -> AbstractContextManager[Callable[[int], None]]:
        return nullcontext(lambda n: None)


SILENT = Silent()
