"""Chunks and catalog rows for the understood postings, a batch at a time, on every core.

Each batch goes to a worker process, which chunks it (from the chunk cache, else with the
model's tokenizer; what it chunks anew it stores in the cache itself) and builds its catalog
rows (index.storage.catalog_write.CatalogRows: bodies laid out and compressed, passages
located, boilerplate, keyword text, words); the build writes the rows in input order, so the
catalog is the same whatever the worker count. Workers are forked: they share the parent's
tokenizer and boilerplate without pickling them. A small build, or a platform that cannot
fork, does it all in this process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.build.caches import chunk_batch, chunk_cache
from index.build.pool import START_METHOD, batched, ordered_map
from index.ingest.boilerplate import CompanyLines
from index.models import Chunk, Posting
from index.storage.catalog_write import CatalogRows, catalog_rows

BATCH = 250  # postings a worker takes at a time
AHEAD = 3  # batches queued per worker
PARALLEL_MIN_POSTINGS = 2000  # fewer are done in this process: starting workers costs more


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
) -> Iterator[RowsBatch]:
    """Each batch of `postings` chunked and made into rows, in order; `cache` is the chunk
    cache (path, model, token limit), `workers` the processes to use (0: none forked)."""
    batches = batched(postings, BATCH)
    settings = (cache, chunk, boilerplate)
    if workers < 2 or len(postings) < PARALLEL_MIN_POSTINGS or START_METHOD != "fork":
        _init_worker(*settings)
        try:
            yield from map(rows_batch, batches)
        finally:
            _close_worker()
        return
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=settings) as pool:
        yield from ordered_map(pool, rows_batch, batches, workers * AHEAD)


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


def _close_worker() -> None:
    cache = _worker.pop("cache", None)
    if cache is not None:
        cache.close()


def rows_batch(postings: list[Posting]) -> RowsBatch:
    """Chunk a batch of postings and build its catalog rows."""
    chunks = chunk_batch(_worker["cache"], postings, _worker["chunk"])
    return RowsBatch(
        catalog_rows(postings, chunks, _worker["boilerplate"]),
        [c.text for group in chunks for c in group],
        sum(len(p.sections) for p in postings),
    )
