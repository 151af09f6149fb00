"""A small deterministic embedder for fast unit tests: hashed bag of words, no model."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from index.embedding.base import Progress

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class FakeEmbedder:
    """Texts sharing words get similar vectors; token counts are word-and-punctuation counts."""

    def __init__(self, dimension: int = 64, max_tokens: int = 64, name: str = "fake-hash") -> None:
        self._dimension = dimension
        self._max_tokens = max_tokens
        self._name = name
        self.batches = 0
        self.embedded = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def backend(self) -> str:
        return "fake"

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text))

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: Progress = False
    ) -> np.ndarray:
        self.batches += (len(texts) + batch_size - 1) // batch_size
        if callable(progress):
            progress(len(texts))
        self.embedded += len(texts)
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.casefold()):
                out[row, zlib.crc32(word.encode()) % self._dimension] += 1.0
            norm = np.linalg.norm(out[row])
            if norm == 0:
                out[row, 0], norm = 1.0, 1.0
            out[row] /= norm
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_documents(texts)
