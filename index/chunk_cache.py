"""Chunks cached by posting (index.derived_cache), so an incremental rebuild re-chunks only new
or changed postings. A posting's chunks depend only on the posting, the token limit, the
tokenizer (the model) and the chunking code, which the key covers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from index import chunking, models
from index.derived_cache import DerivedCache, code_version
from index.models import Chunk, Posting

CHUNK_CACHE_FILE = "chunk-cache.sqlite"


def cached_chunks(
    path: Path,
    postings: Sequence[Posting],
    model: str,
    chunk_tokens: int,
    chunk: Callable[[Posting], list[Chunk]],
) -> list[list[Chunk]]:
    """Each posting's chunks, from the cache at `path` or from `chunk` (then stored)."""
    namespace = f"chunks|{model}|{chunk_tokens}|{code_version(chunking, models)}"
    with DerivedCache[Posting, list[Chunk]](path, namespace) as cache:
        out = cache.map(postings, chunk)
    chunks: list[list[Chunk]] = []
    for value in out:
        if isinstance(value, Exception):
            raise value  # chunking a understood posting does not fail; if it does, say so
        chunks.append(value)
    return chunks
