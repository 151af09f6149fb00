"""One pass over the understood postings, a batch at a time: chunk each batch (cached) and
build its catalog rows, on every core (index.build.catalog_rows), and write the rows; then
embed every chunk (cached) and complete the catalog.

Postings are never all in memory (a CachedPostings reads them back from the understood cache
as the pass goes); what the embedding step needs of all of them, each chunk's text, is kept.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from index.build.caches import CHUNK_CACHE_FILE
from index.build.catalog_rows import catalog_batches
from index.build.chunking import chunk_posting
from index.build.progress import stage_bar
from index.embedding.base import Embedder
from index.embedding.cache import CACHE_FILE, CacheStats, EmbeddingCache
from index.ingest.boilerplate import CompanyLines
from index.models import Posting, Vectors
from index.storage.catalog import CATALOG_FILE
from index.storage.catalog_write import CatalogWriter
from index.timing import StageTimer


@dataclass(frozen=True)
class Assembled:
    vectors: Vectors
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
) -> Assembled:
    """Chunk, write the catalog into `staging` and embed, timed into `timer` ("chunk": waiting
    for the batches' chunks and rows, which `workers` processes make, one per core by default;
    "catalog": writing them; "embed"); the caches live in `root`."""
    texts: list[str] = []
    sections = 0
    writer = CatalogWriter(staging / CATALOG_FILE, boilerplate)
    try:
        with stage_bar(progress, "chunk", len(postings), "posting") as advance:
            batches = catalog_batches(
                postings,
                (root / CHUNK_CACHE_FILE, embedder.name, chunk_limit),
                partial(chunk_posting, count_tokens=embedder.count_tokens, max_tokens=chunk_limit),
                boilerplate,
                workers or os.cpu_count() or 1,
            )
            while True:
                with timer.stage("chunk"):
                    batch = next(batches, None)
                if batch is None:
                    break
                with timer.stage("catalog"):
                    writer.add_rows(batch.rows)
                texts.extend(batch.texts)
                sections += batch.sections
                advance(batch.postings)
        with timer.stage("embed"):
            vectors, stats, encode_seconds = _embed(root, embedder, texts, batch_size, progress)
        with timer.stage("catalog"):
            writer.close()
    except BaseException:
        writer.close(complete=False)
        raise
    return Assembled(vectors, stats, encode_seconds, sections)


def _embed(
    root: Path, embedder: Embedder, texts: list[str], batch_size: int, progress: bool
) -> tuple[Vectors, CacheStats, float]:
    """Every chunk's vector, from the embedding cache or the model (then cached), and the
    seconds inside the model."""
    model_timer = StageTimer()
    cache = EmbeddingCache(
        root / CACHE_FILE, f"{embedder.name}|{embedder.backend}", embedder.dimension
    )
    try:
        with stage_bar(progress, "embed", len(texts), "chunk") as advance:

            def encode(missing: list[str]) -> Vectors:
                with model_timer.stage("model"):
                    return embedder.embed_documents(missing, batch_size, progress=advance)

            vectors, stats = cache.embed(texts, encode, advance)
    finally:
        cache.close()
    return vectors, stats, model_timer.seconds.get("model", 0.0)
