"""The offline rebuild: postings → chunks → vectors → a new build directory → `current`.

Everything is written into a temporary directory, flushed, opened and verified, then renamed
into place, and only then does `current` switch (one rename). A crash at any point before the
switch leaves the previous build serving; a lock keeps two rebuilds from racing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from index.boilerplate import find_boilerplate
from index.catalog import CATALOG_FILE, write_catalog
from index.chunk_cache import CHUNK_CACHE_FILE, cached_chunks
from index.chunking import chunk_posting
from index.embedder import Embedder, Vectors
from index.embedding_cache import CACHE_FILE, CacheStats, EmbeddingCache
from index.errors import JobSearchError
from index.layout import (
    TMP_PREFIX,
    builds_dir,
    fsync_tree,
    new_build_id,
    prune_builds,
    remove_stale_temporaries,
    switch_current,
)
from index.loaded import open_build
from index.manifest import InputFile, Manifest, write_manifest
from index.models import Posting
from index.store import ANN_MIN_CHUNKS, DEFAULT_NPROBE, choose_index_type, write_store


@dataclass(frozen=True)
class BuildReport:
    manifest: Manifest
    directory: Path
    seconds: float
    embed_seconds: float  # the embedding step: cache look-ups plus the model
    cache: CacheStats
    encode_seconds: float = 0.0  # inside the model's embed_documents alone
    stages: dict[str, float] = field(default_factory=dict)  # seconds per build step

    @property
    def chunks_per_second(self) -> float:
        return self.manifest.chunks / self.seconds if self.seconds else 0.0


def describe_inputs(paths: Sequence[Path]) -> list[InputFile]:
    """Checksums of the input files, so a manifest says exactly what it was built from."""
    described = []
    for path in paths:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        described.append(InputFile(str(path), digest.hexdigest(), path.stat().st_size))
    return described


def build_index(
    postings: Sequence[Posting],
    embedder: Embedder,
    root: Path,
    *,
    inputs: Sequence[InputFile] = (),
    skipped: int = 0,
    batch_size: int = 32,
    chunk_tokens: int = 128,
    keep_builds: int = 2,
    progress: bool = False,
    index_type: str = "auto",
    ann_min_chunks: int = ANN_MIN_CHUNKS,
    nprobe: int = DEFAULT_NPROBE,
) -> BuildReport:
    """Build a new index from understood postings and make it current.

    `chunk_tokens` caps a chunk below the model's own limit: all-MiniLM-L6-v2 was trained on
    128-token inputs, and a long chunk dilutes the one paragraph a seeker's words match.
    `index_type` "auto" builds an exact flat index below `ann_min_chunks` chunks and IVF-SQ8
    from there on; the manifest records which.
    """
    if not postings:
        raise JobSearchError(
            "no postings to index: every record was skipped or the inputs were empty"
        )
    started = time.perf_counter()
    backend = embedder.backend
    root.mkdir(parents=True, exist_ok=True)
    builds_dir(root).mkdir(exist_ok=True)
    with _build_lock(root):
        remove_stale_temporaries(root)
        build_id = new_build_id()
        staging = builds_dir(root) / f"{TMP_PREFIX}{build_id}"
        staging.mkdir()
        stages: dict[str, float] = {}
        clock = time.perf_counter()
        chunk_limit = min(chunk_tokens, embedder.max_tokens)
        chunks = cached_chunks(
            root / CHUNK_CACHE_FILE,
            postings,
            embedder.name,
            chunk_limit,
            lambda p: chunk_posting(p, embedder.count_tokens, chunk_limit),
        )
        texts = [c.text for group in chunks for c in group]
        stages["chunk"] = _lap(clock)
        embed_started = clock = time.perf_counter()
        encode_seconds = 0.0

        def encode(missing: list[str]) -> Vectors:
            nonlocal encode_seconds
            started = time.perf_counter()
            try:
                return embedder.embed_documents(missing, batch_size=batch_size, progress=progress)
            finally:
                encode_seconds += time.perf_counter() - started

        cache = EmbeddingCache(root / CACHE_FILE, f"{embedder.name}|{backend}", embedder.dimension)
        try:
            vectors, cache_stats = cache.embed(texts, encode)
        finally:
            cache.close()
        embed_seconds = time.perf_counter() - embed_started
        stages["embed"] = _lap(clock)
        clock = time.perf_counter()
        write_catalog(staging / CATALOG_FILE, postings, chunks, find_boilerplate(postings))
        stages["catalog"] = _lap(clock)
        clock = time.perf_counter()
        index_type = choose_index_type(index_type, len(texts), ann_min_chunks)
        index_params = write_store(staging, vectors, index_type)
        if index_type != "flat":
            index_params["nprobe"] = nprobe
        stages["store"] = _lap(clock)
        manifest = Manifest(
            build_id=build_id,
            model=embedder.name,
            backend=backend,
            dimension=embedder.dimension,
            max_tokens=embedder.max_tokens,
            chunk_tokens=chunk_limit,
            postings=len(postings),
            chunks=len(texts),
            index_type=index_type,
            index_params=index_params,
            sections=sum(len(p.sections) for p in postings),
            skipped=skipped,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            inputs=list(inputs),
        )
        write_manifest(staging, manifest)
        clock = time.perf_counter()
        fsync_tree(staging)
        open_build(staging, embedder.name, backend)  # verify before anyone can see it
        final = builds_dir(root) / build_id
        os.rename(staging, final)
        switch_current(root, final)
        prune_builds(root, keep_builds)
        stages["verify_switch"] = _lap(clock)
    return BuildReport(
        manifest,
        final,
        time.perf_counter() - started,
        embed_seconds,
        cache_stats,
        encode_seconds,
        stages,
    )


def _lap(started: float) -> float:
    return round(time.perf_counter() - started, 3)


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    with open(root / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JobSearchError(f"another rebuild is running on {root}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
