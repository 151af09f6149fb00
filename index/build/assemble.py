"""One pass over the understood postings, a batch at a time: chunk each batch (cached) and
write its catalog rows; then embed every chunk (cached) and complete the catalog.

Postings are never all in memory (a CachedPostings reads them back from the understood cache
as the pass goes); what the embedding step needs of all of them, each chunk's text, is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from index.build.caches import CHUNK_CACHE_FILE, chunk_batches
from index.build.chunking import chunk_posting
from index.build.progress import stage_bar
from index.embedding.base import Embedder
from index.embedding.cache import CACHE_FILE, CacheStats, EmbeddingCache
from index.ingest.boilerplate import CompanyLines
from index.models import Posting, Vectors
from index.storage.catalog import CATALOG_FILE
from index.storage.catalog_write import CatalogWriter
from index.timing import StageTimer

CATALOG_BATCH = 1000  # postings chunked and written to the catalog at a time


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
) -> Assembled:
    """Chunk, write the catalog into `staging` and embed, timed into `timer` (chunk, catalog,
    embed); the caches live in `root`."""
    texts: list[str] = []
    sections = 0
    writer = CatalogWriter(staging / CATALOG_FILE, boilerplate)
    try:
        with stage_bar(progress, "chunk", len(postings), "posting") as advance:
            chunked = chunk_batches(
                root / CHUNK_CACHE_FILE,
                _batches(postings, CATALOG_BATCH),
                embedder.name,
                chunk_limit,
                lambda p: chunk_posting(p, embedder.count_tokens, chunk_limit),
                advance,
            )
            while True:
                with timer.stage("chunk"):
                    batch, chunks = next(chunked, (None, []))
                if batch is None:
                    break
                with timer.stage("catalog"):
                    for posting, group in zip(batch, chunks, strict=True):
                        writer.add(posting, group)
                        texts.extend(c.text for c in group)
                        sections += len(posting.sections)
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


def _batches(postings: Iterable[Posting], size: int) -> Iterator[list[Posting]]:
    iterator = iter(postings)
    while batch := list(islice(iterator, size)):
        yield batch
