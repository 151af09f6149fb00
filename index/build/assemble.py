"""One pass over the understood postings, a batch at a time: chunk each batch (cached) and
build its catalog rows, on every core (index.build.catalog_rows), write the rows, and embed the
chunks (cached) as they come, their vectors appended to the build's vectors.npy.

Nothing of the whole corpus is held: postings are read back from the understood cache as the
pass goes (a CachedPostings), chunk texts wait only until a block of them is embedded, and the
vectors go to disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from index.build.caches import CHUNK_CACHE_FILE
from index.build.catalog_rows import catalog_batches
from index.build.chunking import chunk_posting
from index.build.engine import Engine
from index.build.progress import stage_bar
from index.embedding.base import Embedder
from index.embedding.cache import CACHE_FILE, CacheStats, EmbeddingCache
from index.ingest.boilerplate import CompanyLines
from index.models import Posting, Vectors
from index.storage.catalog import CATALOG_FILE
from index.storage.catalog_write import CatalogWriter
from index.storage.vector_file import VectorFileWriter
from index.storage.vectors import VECTORS_FILE
from index.timing import StageTimer

EMBED_BLOCK = 16_384  # chunk texts embedded at a time: the model's calls stay as large as before


@dataclass(frozen=True)
class Assembled:
    chunks: int  # rows of staging/vectors.npy
    cache: CacheStats
    encode_seconds: float  # inside the model alone
    sections: int


def assemble(
    postings: Sequence[Posting],
    embedder: Embedder,
    root: Path,
    staging: Path,
    boilerplate: CompanyLines,
    chunk_limit: int,
    batch_size: int,
    progress: bool,
    timer: StageTimer,
    workers: int = 0,
    engine: Engine | None = None,
) -> Assembled:
    """Chunk, write the catalog and the vectors into `staging`, timed into `timer` ("chunk":
    waiting for the batches' chunks and rows, which `workers` processes make, one per core by
    default; "catalog": writing them; "embed"); the caches live in `root`."""
    sections = 0
    writer = CatalogWriter(staging / CATALOG_FILE, boilerplate)
    try:
        with (
            stage_bar(progress, "index", len(postings), "posting") as advance,
            _ChunkVectors(root, staging, embedder, batch_size, advance.note, timer) as vectors,
        ):
            batches = catalog_batches(
                postings,
                (root / CHUNK_CACHE_FILE, embedder.name, chunk_limit),
                partial(chunk_posting, count_tokens=embedder.count_tokens, max_tokens=chunk_limit),
                boilerplate,
                workers or os.cpu_count() or 1,
                engine,
            )
            while True:
                with timer.stage("chunk"):
                    batch = next(batches, None)
                if batch is None:
                    break
                with timer.stage("catalog"):
                    writer.add_rows(batch.rows)
                vectors.add(batch.texts)
                sections += batch.sections
                advance(batch.postings)
        with timer.stage("catalog"):
            writer.close()
    except BaseException:
        writer.close(complete=False)
        raise
    return Assembled(vectors.rows, vectors.stats(), vectors.model_seconds(), sections)


class _ChunkVectors:
    """Chunk texts in, their vectors (from the embedding cache, or the model and then cached)
    appended in order to staging/vectors.npy, a block of texts at a time."""

    def __init__(
        self,
        root: Path,
        staging: Path,
        embedder: Embedder,
        batch_size: int,
        note: Callable[[str], None],
        timer: StageTimer,
    ) -> None:
        self._embedder = embedder
        self._batch_size = batch_size
        self._note = note
        self._embedded = self._by_model = 0
        self._timer = timer
        self._model_timer = StageTimer()
        self._pending: list[str] = []
        self._hits = self._misses = 0
        self._cache = EmbeddingCache(
            root / CACHE_FILE, f"{embedder.name}|{embedder.backend}", embedder.dimension
        )
        self._out = VectorFileWriter(staging / VECTORS_FILE, embedder.dimension)

    @property
    def rows(self) -> int:
        return self._out.rows

    def add(self, texts: list[str]) -> None:
        self._pending.extend(texts)
        if len(self._pending) >= EMBED_BLOCK:
            self._flush()

    def stats(self) -> CacheStats:
        return CacheStats(hits=self._hits, misses=self._misses)

    def model_seconds(self) -> float:
        return self._model_timer.seconds.get("model", 0.0)

    def __enter__(self) -> _ChunkVectors:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        try:
            if kind is None:
                self._flush()
        finally:
            self._out.close()
            self._cache.close()

    def _flush(self) -> None:
        if not self._pending:
            return
        with self._timer.stage("embed"):
            block, stats = self._cache.embed(self._pending, self._encode, self._from_cache)
            self._out.append(block)
        self._hits += stats.hits
        self._misses += stats.misses
        self._pending = []

    def _encode(self, missing: list[str]) -> Vectors:
        with self._model_timer.stage("model"):
            return self._embedder.embed_documents(
                missing, self._batch_size, progress=self._from_model
            )

    def _from_cache(self, rows: int) -> None:
        self._embedded += rows
        self._show()

    def _from_model(self, rows: int) -> None:
        self._embedded += rows
        self._by_model += rows
        self._show()

    def _show(self) -> None:
        self._note(f"{self._embedded:,} chunks embedded, {self._by_model:,} by the model")
