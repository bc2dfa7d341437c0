"""Work spread over processes with results in input order, and a bounded number of batches in flight, so that memory
stays flat however long the input is and the output is the same for any number of workers."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

from tahqiq.errors import EnvironmentProblem

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT_PER_WORKER = 4
MAX_DEFAULT_WORKERS = 4  # each worker holds its own interpreter and libraries (about 150 MB)
GC_THRESHOLD = 50_000  # allocations between collections of the youngest generation while tasks are parsed


def default_workers(input_bytes: int) -> int:
    """One process for small inputs (starting workers costs more than it saves), else one per available core, at
    most MAX_DEFAULT_WORKERS."""
    if input_bytes < 8 << 20:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, MAX_DEFAULT_WORKERS)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector run less often while tasks are parsed: they make millions of short-lived
    objects and no cycles, and each collection walks every live object (about a tenth of the time otherwise)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _start_worker(initializer: Callable[..., None], *initargs: Any) -> None:
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])  # as fewer_collections, for the worker's life
    initializer(*initargs)


def ordered_map(fn: Callable[[T], R], items: Iterable[T], *, workers: int,
                initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Iterator[R]:
    """`fn` over `items` in order. With one worker everything runs here; otherwise in `workers` fresh processes
    (spawned: a fork would copy the parent's threads and locks), each set up once by `initializer(*initargs)`."""
    initializer(*initargs)
    if workers <= 1:
        with fewer_collections():
            yield from map(fn, items)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(initializer, *initargs)) as pool, fewer_collections():
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            raise EnvironmentProblem("a worker process died (killed, or out of memory); nothing was written: run "
                                     "again, with fewer --workers") from None
        finally:
            for future in pending:
                future.cancel()
