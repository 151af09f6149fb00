"""Chunks and catalog rows for the understood postings, a batch at a time, on every core.

Each batch goes to a worker of the build's engine (index.build.engine), which chunks it (from
the chunk cache, else with the model's tokenizer) and builds its catalog rows
(index.storage.catalog_write.CatalogRows: bodies laid out and compressed, passages located,
boilerplate, keyword text, words); the build writes the rows in input order, so the catalog is
the same whatever the engine and the worker count. A local worker reads the chunk cache and
stores what it chunks anew itself; local workers are forked: they share the parent's tokenizer
and boilerplate without pickling them. A Ray worker may be on another machine: this process
ships each batch's cache hits with it and stores the chunks the worker made. A small local
build, or a platform that cannot fork, does it all in this process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.build.caches import chunk_batch, chunk_cache, shipped_chunks
from index.build.engine import IN_PROCESS, Engine, LocalEngine, WorkerSetup
from index.build.pool import START_METHOD, batched
from index.ingest.boilerplate import CompanyLines
from index.models import Chunk, Posting
from index.storage.catalog_write import CatalogRows, catalog_rows

BATCH = 250  # postings a worker takes at a time
AHEAD = 3  # batches queued per worker
PARALLEL_MIN_POSTINGS = 2000  # fewer are done in this process: starting workers costs more

CacheRows = list[tuple[bytes, bytes]]  # (key, pickled value)


@dataclass(frozen=True)
class RowsBatch:
    """One batch's catalog rows, with what the rest of the build needs of its chunks."""

    rows: CatalogRows
    texts: list[str]  # each chunk's text, for the embedding step
    sections: int

    @property
    def postings(self) -> int:
        return len(self.rows.chunk_counts)


def catalog_batches(
    postings: Sequence[Posting],
    cache: tuple[Path, str, int],
    chunk: Callable[[Posting], list[Chunk]],
    boilerplate: CompanyLines,
    workers: int,
    engine: Engine | None = None,
) -> Iterator[RowsBatch]:
    """Each batch of `postings` chunked and made into rows, in order; `cache` is the chunk
    cache (path, model, token limit); `engine` does the batches (default: `workers` local
    processes, none forked for a small build)."""
    engine = engine or LocalEngine(workers)
    batches = batched(postings, BATCH)
    local_cannot_fork = engine.shares_files and START_METHOD != "fork"
    if local_cannot_fork or not engine.distributes(len(postings), PARALLEL_MIN_POSTINGS):
        engine = IN_PROCESS
    if engine.shares_files:
        setup = WorkerSetup(_init_worker, (cache, chunk, boilerplate), _close_worker)
        yield from engine.map(rows_batch, batches, setup, AHEAD)
        return
    with closing(chunk_cache(*cache)) as driver_cache:
        setup = WorkerSetup(_init_shipped_worker, (driver_cache.namespace, chunk, boilerplate))

        def ship(batch: list[Posting]) -> tuple[list[Posting], dict[bytes, bytes]]:
            return batch, driver_cache.lookup([driver_cache.key(p) for p in batch])

        for rows, fresh in engine.map(rows_shipped, map(ship, batches), setup, AHEAD):
            driver_cache.store(fresh)
            yield rows


# --- the workers' side (module-level, so a worker process runs it) ---

_worker: dict[str, Any] = {}


def _init_worker(
    cache: tuple[Path, str, int],
    chunk: Callable[[Posting], list[Chunk]],
    boilerplate: CompanyLines,
) -> None:
    _worker["cache"] = chunk_cache(*cache)
    _worker["chunk"] = chunk
    _worker["boilerplate"] = boilerplate


def _init_shipped_worker(
    namespace: str, chunk: Callable[[Posting], list[Chunk]], boilerplate: CompanyLines
) -> None:
    _worker["namespace"] = namespace
    _worker["chunk"] = chunk
    _worker["boilerplate"] = boilerplate


def _close_worker() -> None:
    cache = _worker.pop("cache", None)
    if cache is not None:
        cache.close()


def rows_batch(postings: list[Posting]) -> RowsBatch:
    """Chunk a batch of postings and build its catalog rows."""
    chunks = chunk_batch(_worker["cache"], postings, _worker["chunk"])
    return _rows(postings, chunks)


def rows_shipped(shipped: tuple[list[Posting], dict[bytes, bytes]]) -> tuple[RowsBatch, CacheRows]:
    """`rows_batch` for a worker that cannot open the chunk cache: its hits come with the
    batch, and the chunks made anew go back with the rows, for the driver to store."""
    postings, found = shipped
    cache = shipped_chunks(found, _worker["namespace"])
    chunks = chunk_batch(cache, postings, _worker["chunk"])
    return _rows(postings, chunks), cache.fresh


def _rows(postings: list[Posting], chunks: list[list[Chunk]]) -> RowsBatch:
    return RowsBatch(
        catalog_rows(postings, chunks, _worker["boilerplate"]),
        [c.text for group in chunks for c in group],
        sum(len(p.sections) for p in postings),
    )
