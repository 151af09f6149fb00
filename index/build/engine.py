"""Where the build's per-batch work runs: this machine's processes (`LocalEngine`, the default)
or a Ray cluster (`RayEngine`, `jobsearch rebuild --engine ray`). One engine is chosen per
rebuild; the understand stage (index.build.understanding) and the chunk-and-rows stage
(index.build.catalog_rows) both hand it their batches, and the embedding step runs on the
same Ray when there is one (index.embedding.ray).

A stage gives an engine a module-level function of one batch and a `WorkerSetup` (run once in
each worker); results come back in input order, so a build is the same whatever the engine.
A local engine's workers share the driver's disk and read the caches in the index root
themselves. A Ray worker may be on another machine (`shares_files` is False): the stage looks
its batch up in the caches first and ships the hits with it, and stores what the worker made.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from index.build.pool import START_METHOD, ordered_map
from index.embedding.ray import connect_ray

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker runs before its first batch (`initializer(*initargs)`: module-level, so
    a worker can import it), and what this process runs after doing the batches itself."""

    initializer: Callable[..., None]
    initargs: tuple[Any, ...]
    teardown: Callable[[], None] = lambda: None


class Engine(Protocol):
    @property
    def workers(self) -> int:
        """Processes (or the cluster's CPUs) that take batches."""
        ...

    @property
    def shares_files(self) -> bool:
        """Whether workers can open the files in the driver's index root."""
        ...

    def distributes(self, items: int, threshold: int) -> bool:
        """Whether `items` are worth sending out (a stage below its `threshold` stays local)."""
        ...

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], setup: WorkerSetup, ahead: int
    ) -> Iterator[R]:
        """`fn` over `items` on the workers, in order, with about `ahead` items per worker
        given out and not yet taken."""
        ...


class LocalEngine:
    """Worker processes on this machine (`workers`, 0: one per core), forked where possible."""

    shares_files = True

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1

    def distributes(self, items: int, threshold: int) -> bool:
        return self.workers > 1 and items >= threshold

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], setup: WorkerSetup, ahead: int
    ) -> Iterator[R]:
        if self.workers < 2:
            yield from in_process(fn, items, setup)
            return
        context = multiprocessing.get_context(START_METHOD)
        with ProcessPoolExecutor(
            self.workers, context, initializer=setup.initializer, initargs=setup.initargs
        ) as pool:
            yield from ordered_map(pool, fn, items, self.workers * ahead)


def in_process(fn: Callable[[T], R], items: Iterable[T], setup: WorkerSetup) -> Iterator[R]:
    """The batches done in this process, set up and torn down as a worker would be."""
    setup.initializer(*setup.initargs)
    try:
        yield from map(fn, items)
    finally:
        setup.teardown()


IN_PROCESS = LocalEngine(1)


class RayEngine:
    """Ray's multiprocessing Pool: one actor per CPU of the cluster (a local one unless
    `address`), each set up once, one batch each in flight, results in order. Its actors
    reserve no CPU, so the embedding step's actors (which do) can start while they live; they
    are spread over the nodes."""

    shares_files = False

    def __init__(self, address: str | None = None) -> None:
        self._ray = connect_ray(address)

    @property
    def workers(self) -> int:
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    def distributes(self, items: int, threshold: int) -> bool:
        return True  # asked for Ray: even a small build runs there (and is tested there)

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], setup: WorkerSetup, ahead: int
    ) -> Iterator[R]:
        from ray.util.multiprocessing import Pool
        from ray.util.multiprocessing.pool import PoolTaskError

        placement = {"num_cpus": 0, "scheduling_strategy": "SPREAD"}
        with Pool(
            self.workers, setup.initializer, setup.initargs, ray_remote_args=placement
        ) as pool:
            for result in pool.imap(fn, iter(items)):
                if isinstance(result, PoolTaskError):
                    raise result.underlying
                yield result
