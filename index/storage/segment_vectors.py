"""The vectors of a build made by an update (index.storage.segments): the base segment's store
(flat or IVF) and the added segment's exact one, searched as one, the added chunk ids numbered
after the base's, and the chunks of dead postings never returned.

Each search asks both segments and keeps the best. A dead chunk is dropped from the base's
answer; an unfiltered top-k asks the base for twice as many until k live chunks are known (a
filter's allowed chunks come from served postings, so they hold no dead ones).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from index.models import Vectors
from index.storage.vectors import IntArray, VectorStore, top_k

FloatArray = npt.NDArray[np.float32]
ADDED_ROOM = 8  # the added segment is asked for this many times its share of the k best
ADDED_MIN = 64
DEAD_ROOM = 2  # an unfiltered top k asks the base for k plus twice its dead share more


class SegmentedVectors:
    """The VectorStore interface over a base store and an added one (see the module)."""

    def __init__(self, base: VectorStore, added: VectorStore | None, dead_chunks: IntArray) -> None:
        """`added` None: an update that only took postings away."""
        self.base, self.added = base, added
        self.first_added = base.size
        self._dead = np.zeros(base.size, dtype=bool)
        self._dead[dead_chunks] = True
        self.dead_count = int(self._dead.sum())
        self.index_type = base.index_type
        self.nprobe = base.nprobe

    @property
    def size(self) -> int:
        return self.base.size + (0 if self.added is None else self.added.size)

    @property
    def dimension(self) -> int:
        return self.base.dimension

    def exact(self, allowed: IntArray | None = None) -> bool:
        base, _ = self._split(allowed)
        return self.base.exact(base)

    def search(
        self, query: Vectors, k: int, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray]:
        """The k best live chunks, best first (ties by id), as (scores, chunk ids)."""
        base, added = self._split(allowed)
        fetch = k + math.ceil(k * DEAD_ROOM * self.dead_count / max(self.base.size, 1))
        while True:
            scores, ids = self.base.search(query, fetch, base)
            if base is not None or not self.dead_count:
                break
            exhausted = len(ids) < fetch or fetch >= self.base.size
            scores, ids = self._live(scores, ids)
            if len(ids) >= k or exhausted:
                break
            fetch = min(self.base.size, 2 * fetch)  # dead chunks are a small share
        if self.added is None:
            return scores[:k], ids[:k]
        more_scores, more_ids = self.added.search(query, k, added)
        return top_k(
            np.concatenate([scores, more_scores]),
            np.concatenate([ids, more_ids + self.first_added]),
            k,
        )

    def best_with_bound(
        self, query: Vectors, k: int, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray, float]:
        """About the k best live chunks with exact scores, best first, and a bound no chunk
        left out scores above (VectorStore.best_with_bound)."""
        base, added = self._split(allowed)
        scores, ids, bound = self.base.best_with_bound(query, k, base)
        scores, ids = self._live(scores, ids)
        if self.added is None:
            return scores, ids, bound
        # the added segment's share of the best, with room: its bound stays honest, and a
        # caller that needs more widens k (asking both again)
        wanted = min(k, max(ADDED_MIN, math.ceil(k * ADDED_ROOM * self.added.size / self.size)))
        more_scores, more_ids, more_bound = self.added.best_with_bound(query, wanted, added)
        scores = np.concatenate([scores, more_scores])
        ids = np.concatenate([ids, more_ids + self.first_added])
        order = np.lexsort((ids, -scores))
        bound = max(bound, more_bound)
        if len(order) > k:
            bound = max(bound, float(scores[order[k]]))
            order = order[:k]
        return scores[order], ids[order], bound

    def range_search(
        self, query: Vectors, threshold: float, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray]:
        """Every live chunk scoring at least `threshold`, in chunk-id order."""
        base, added = self._split(allowed)
        scores, ids = self._live(*self.base.range_search(query, threshold, base))
        if self.added is None:
            return scores, ids
        more_scores, more_ids = self.added.range_search(query, threshold, added)
        return (
            np.concatenate([scores, more_scores]),
            np.concatenate([ids, more_ids + self.first_added]),
        )

    def vector(self, chunk_id: int) -> Vectors:
        if chunk_id < self.first_added or self.added is None:
            return self.base.vector(chunk_id)
        return self.added.vector(chunk_id - self.first_added)

    def vectors_of(self, chunk_ids: IntArray) -> Vectors:
        """The stored vectors of these chunks, in their order."""
        if self.added is None:
            return self.base.vectors_of(chunk_ids)
        added = chunk_ids >= self.first_added
        out = np.empty((len(chunk_ids), self.dimension), dtype=np.float32)
        out[~added] = self.base.vectors_of(chunk_ids[~added])
        out[added] = self.added.vectors_of(chunk_ids[added] - self.first_added)
        return out

    def similarities(self, queries: Vectors, chunk_ids: IntArray) -> FloatArray:
        """Exact cosines of these chunks (VectorStore.similarities), in their order."""
        if self.added is None:
            return self.base.similarities(queries, chunk_ids)
        added = chunk_ids >= self.first_added
        out = np.empty((len(chunk_ids), *queries.shape[:-1]), dtype=np.float32)
        out[~added] = self.base.similarities(queries, chunk_ids[~added])
        out[added] = self.added.similarities(queries, chunk_ids[added] - self.first_added)
        return out

    def _split(self, allowed: IntArray | None) -> tuple[IntArray | None, IntArray | None]:
        """The allowed chunks of each segment, each numbered as its store numbers them."""
        if allowed is None:
            return None, None
        added = allowed >= self.first_added
        return allowed[~added], allowed[added] - self.first_added

    def _live(self, scores: FloatArray, ids: IntArray) -> tuple[FloatArray, IntArray]:
        if not self.dead_count or not len(ids):
            return scores, ids
        keep = ~self._dead[ids]
        return scores[keep], ids[keep]
