"""Chunk vectors cached by (model, backend, text hash), so a rebuild embeds only new text.

Postings change a little every day; re-embedding all of them each night would cost the whole
model time again. The cache is a SQLite file beside the builds; it is an accelerator only:
losing or deleting it changes no result, just the next build's time.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.models import Vectors

CACHE_FILE = "embedding-cache.sqlite"
COMMIT_EVERY = 2048  # texts embedded between commits


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int


def text_key(namespace: str, text: str) -> bytes:
    return hashlib.blake2b(f"{namespace}\x00{text}".encode(), digest_size=16).digest()


class EmbeddingCache:
    def __init__(self, path: Path, namespace: str, dimension: int) -> None:
        self.namespace = namespace  # model and backend: vectors from another never mix in
        self.dimension = dimension
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"
        )

    def close(self) -> None:
        self._db.close()

    def embed(
        self,
        texts: Sequence[str],
        embed_missing: Callable[[list[str]], Vectors],
        advance: Callable[[int], None] | None = None,
    ) -> tuple[Vectors, CacheStats]:
        """Vectors for `texts` in order: cached ones read back, the rest embedded and stored.
        `advance`, if given, is told the rows served from the cache (and repeated texts);
        `embed_missing` reports the rows it embeds itself."""
        keys = [text_key(self.namespace, t) for t in texts]
        found = self._lookup(list(dict.fromkeys(keys)))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        missing_rows = [i for i, key in enumerate(keys) if key not in found]
        unique_missing = list(dict.fromkeys(keys[i] for i in missing_rows))
        if advance is not None:
            advance(len(texts) - len(unique_missing))
        first_row: dict[bytes, int] = {}
        for i in missing_rows:
            first_row.setdefault(keys[i], i)
        for start in range(0, len(unique_missing), COMMIT_EVERY):
            block = unique_missing[start : start + COMMIT_EVERY]
            fresh = embed_missing([texts[first_row[k]] for k in block])
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                [
                    (k, np.asarray(v, dtype=np.float32).tobytes())
                    for k, v in zip(block, fresh, strict=True)
                ],
            )
            self._db.commit()  # an interrupted build keeps what it embedded
            found.update(
                {k: np.asarray(v, dtype=np.float32) for k, v in zip(block, fresh, strict=True)}
            )
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out, CacheStats(hits=len(texts) - len(missing_rows), misses=len(missing_rows))

    def _lookup(self, keys: list[bytes]) -> dict[bytes, Vectors]:
        found: dict[bytes, Vectors] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            for key, blob in self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch
            ):
                vector = np.frombuffer(blob, dtype=np.float32)
                if len(vector) == self.dimension:
                    found[key] = vector
        return found
