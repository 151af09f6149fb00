"""What the build and the search need from a model (the `Embedder` protocol), and a base class
whose backends write only the batch call: batching, progress and the model's facts live here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from index.models import Vectors

# `progress` of embed_documents: True for a bar of its own, or a callable told how many more
# texts are done after each batch (a caller's one bar over several calls), or False.
Progress = bool | Callable[[int], None]


class Embedder(Protocol):
    """Text → L2-normalized float32 vectors."""

    @property
    def name(self) -> str: ...

    @property
    def backend(self) -> str:
        """How the model runs; an index is only searched with the backend that built it."""
        ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads, special tokens included; the rest would be cut."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` without special tokens."""
        ...

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: Progress = False
    ) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """A query and its parts: a few short texts in one pass, with the resources of a query
        (not a build's batch)."""
        ...


def plan_batches(texts: Sequence[str], batch_size: int) -> list[npt.NDArray[np.int64]]:
    """Row numbers of `texts` grouped into batches, longest texts first.

    Similar lengths batch together, so padding wastes little (as sentence-transformers does).
    Every backend and every engine (local or Ray) batches by this one plan, so a text is always
    embedded alongside the same others and the vectors are bit-for-bit reproducible.
    """
    order = np.argsort([-len(t) for t in texts], kind="stable").astype(np.int64)
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


class BaseEmbedder:
    """The shared half of every backend: its facts, and documents embedded batch by batch in
    `plan_batches` order. A backend sets the facts and `count_tokens` and writes `embed_batch`."""

    def __init__(self, name: str, backend: str, dimension: int, max_tokens: int) -> None:
        self._name, self._backend = name, backend
        self._dimension, self._max_tokens = dimension, max_tokens

    @property
    def name(self) -> str:
        return self._name

    @property
    def backend(self) -> str:
        return self._backend

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    # Word pieces of a text without special tokens: a picklable callable (a WordPieceCounter),
    # so chunking can run where the model is not loaded.
    count_tokens: Callable[[str], int]

    def embed_batch(self, texts: list[str]) -> Vectors:
        """One forward pass over `texts` as given (padded to the longest)."""
        raise NotImplementedError

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: Progress = False
    ) -> Vectors:
        from tqdm import tqdm

        out: Vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        advance = progress if callable(progress) else None
        plan = plan_batches(texts, batch_size)
        for rows in tqdm(plan, desc="embedding", unit="batch", disable=progress is not True):
            out[rows] = self.embed_batch([texts[i] for i in rows])
            if advance is not None:
                advance(len(rows))
        return out

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embed_batch([text])[0]
        return vector

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.embed_batch(list(texts))
