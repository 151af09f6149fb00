"""Worker processes for the build's per-posting stages: how they start, and a map over them
that keeps the input's order without queueing the whole input."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

# Forked workers start at once and need no `if __name__ == "__main__"` guard in whatever script
# calls rebuild(); they touch nothing of the parent's but their own module's functions and what
# their initializer is given (not pickled when forked).
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], ahead: int
) -> Iterator[R]:
    """`fn` over `items` in the pool, results in input order, at most `ahead` submitted and
    not yet taken (ProcessPoolExecutor.map would submit the whole input at once)."""
    queued: deque[Future[R]] = deque()
    for item in items:
        queued.append(pool.submit(fn, item))
        if len(queued) >= ahead:
            yield queued.popleft().result()
    while queued:
        yield queued.popleft().result()


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
