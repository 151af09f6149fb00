"""Chunks cached by posting, so an incremental rebuild re-chunks only new or changed postings.

Chunking counts word pieces again and again (about 10 s for 4,000 postings here, a third of a
rebuild that changed 1% of them). A posting's chunks depend only on the posting, the token
limit, the tokenizer (the model) and the chunking code, so the key hashes all four: any edit
to index/chunking.py or index/models.py starts afresh. Like the embedding cache it is an accelerator only.
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
import sqlite3
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from index import chunking, models
from index.models import Chunk, Posting

CHUNK_CACHE_FILE = "chunk-cache.sqlite"


@cache
def _code_version() -> str:
    """Changes with the chunking code or the shape of a Chunk (what the cache pickles)."""
    source = inspect.getsource(chunking) + inspect.getsource(models)
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


class ChunkCache:
    def __init__(self, path: Path, model: str, chunk_tokens: int) -> None:
        self._namespace = f"{model}|{chunk_tokens}|{_code_version()}"
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS chunks (key BLOB PRIMARY KEY, value BLOB)")
        self.hits = 0

    def close(self) -> None:
        self._db.close()

    def chunk_all(
        self, postings: Sequence[Posting], chunk: Callable[[Posting], list[Chunk]]
    ) -> list[list[Chunk]]:
        """Each posting's chunks, from the cache or from `chunk` (then stored)."""
        keys = [self._key(p) for p in postings]
        found: dict[bytes, list[Chunk]] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            for key, value in self._db.execute(
                f"SELECT key, value FROM chunks WHERE key IN ({marks})", batch
            ):
                found[key] = pickle.loads(value)  # our own file, written below
        out, fresh = [], []
        for key, posting in zip(keys, postings, strict=True):
            if key in found:
                self.hits += 1
                out.append(found[key])
            else:
                chunks = found[key] = chunk(posting)
                fresh.append((key, pickle.dumps(chunks, protocol=pickle.HIGHEST_PROTOCOL)))
                out.append(chunks)
        self._db.executemany("INSERT OR REPLACE INTO chunks VALUES (?, ?)", fresh)
        self._db.commit()
        return out

    def _key(self, posting: Posting) -> bytes:
        text = f"{self._namespace}\x00{posting!r}"
        return hashlib.blake2b(text.encode(), digest_size=16).digest()
