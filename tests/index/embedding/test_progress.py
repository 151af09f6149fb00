"""Progress of the embedding step is counted in texts across the whole step: every text once,
however the cache splits the work into blocks and the model into batches."""

from __future__ import annotations

import numpy as np

from index.embedding.base import BaseEmbedder
from index.embedding.cache import COMMIT_EVERY, EmbeddingCache
from index.models import Vectors


class ZeroEmbedder(BaseEmbedder):
    """The shared half of every backend, over a batch call that returns unit vectors."""

    def __init__(self) -> None:
        super().__init__("zero", "test", 4, 16)
        self.batches = 0

    def embed_batch(self, texts: list[str]) -> Vectors:
        self.batches += 1
        out = np.zeros((len(texts), 4), dtype=np.float32)
        out[:, 0] = 1.0
        return out


def test_embed_documents_tells_a_callable_each_batch():
    embedder, told = ZeroEmbedder(), []
    embedder.embed_documents([f"text {n}" for n in range(70)], batch_size=32, progress=told.append)
    assert told == [32, 32, 6] and embedder.batches == 3


def test_embedding_cache_advances_once_per_text_across_blocks(tmp_path):
    embedder = ZeroEmbedder()
    texts = [f"chunk {n}" for n in range(COMMIT_EVERY + 500)] + ["chunk 1", "chunk 2"]  # repeats
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "zero|test", 4)
    told: list[int] = []

    def encode(missing: list[str]) -> Vectors:
        return embedder.embed_documents(missing, 64, progress=told.append)

    cache.embed(texts[:100], encode)  # some already cached
    told.clear()
    vectors, stats = cache.embed(texts, encode, told.append)
    cache.close()
    assert sum(told) == len(texts) == len(vectors)
    assert stats.hits == 102 and told[0] == 102  # the cached rows (and repeats) first
