"""The vector side of an index: chunk vectors in a FAISS inner-product index, plus the same
vectors as a .npy file that is memory-mapped for exact scoring of small filtered subsets.

Scores are cosine similarities (inner products of L2-normalized vectors): higher is better.
A chunk's FAISS label is its row, the chunk id the catalog uses.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from index.embedder import Vectors

FAISS_FILE = "vectors.faiss"
VECTORS_FILE = "vectors.npy"
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]

# Filters that leave at most this many chunks are scored exactly with numpy; broader ones go
# through FAISS with an ID selector (MACHINE-FACTS: numpy on the subset costs 0.02-1.7 ms for
# 500-50,000 vectors). A broad subset of a small index is cheaper to score by one matmul over
# every row than by gathering the rows (measured on the 48,656-chunk index: 1.1 ms vs 8.1 ms
# for 34,000 allowed chunks).
EXACT_SUBSET_MAX = 50_000
FULL_SCAN_MAX = 250_000  # an index this small is scanned whole rather than gathered
GATHER_SHARE = 1 / 16  # below this share of the index, gathering the allowed rows is cheaper


def write_store(directory: Path, vectors: Vectors) -> None:
    """Write both files for `vectors` (rows are chunk ids)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    np.save(directory / VECTORS_FILE, vectors)
    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(vectors)
    faiss.write_index(index, str(directory / FAISS_FILE))


class VectorStore:
    """Exact top-k search over chunk vectors, optionally restricted to allowed chunk ids."""

    def __init__(self, directory: Path) -> None:
        self.index = faiss.read_index(str(directory / FAISS_FILE))
        self.vectors: FloatArray = np.load(directory / VECTORS_FILE, mmap_mode="r")
        if self.index.ntotal != len(self.vectors):
            raise ValueError(
                f"{directory}: FAISS has {self.index.ntotal} vectors, {VECTORS_FILE} {len(self.vectors)}"
            )

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def search(
        self, query: Vectors, k: int, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray]:
        """The k best chunks for `query`, best first, as (scores, chunk ids); -1 labels dropped.

        With `allowed`, only those chunk ids compete: exact at every selectivity, never a
        post-filter over a fixed over-fetch.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is not None and len(allowed) <= EXACT_SUBSET_MAX:
            return self._search_subset(query[0], k, allowed)
        k = min(k, self.size if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        params = _selector_params(allowed)
        scores, labels = self.index.search(query, k, params=params)
        keep = labels[0] >= 0
        return scores[0][keep], labels[0][keep].astype(np.int64)

    def _search_subset(
        self, query: Vectors, k: int, allowed: IntArray
    ) -> tuple[FloatArray, IntArray]:
        if len(allowed) == 0 or k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores = self._allowed_scores(query, allowed)
        k = min(k, len(allowed))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        order = top[np.lexsort((allowed[top], -scores[top]))]
        return scores[order], allowed[order]

    def range_search(
        self, query: Vectors, threshold: float, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray]:
        """Every chunk scoring at least `threshold` (among `allowed`), best first."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is not None and len(allowed) <= EXACT_SUBSET_MAX:
            if len(allowed) == 0:
                return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
            scores = self._allowed_scores(query[0], allowed)
            keep = scores >= threshold
            scores, labels = scores[keep], allowed[keep]
        else:
            params = _selector_params(allowed)
            # FAISS keeps inner products strictly above the radius; step just below it.
            _, found_scores, found_labels = self.index.range_search(
                query,
                float(np.nextafter(np.float32(threshold), np.float32(-np.inf))),
                params=params,
            )
            scores, labels = found_scores.astype(np.float32), found_labels.astype(np.int64)
        order = np.lexsort((labels, -scores))
        return scores[order], labels[order]

    def _allowed_scores(self, query: Vectors, allowed: IntArray) -> FloatArray:
        """Exact scores of the allowed chunks, in the order of `allowed`."""
        if self.size <= FULL_SCAN_MAX and len(allowed) > self.size * GATHER_SHARE:
            return np.asarray(self.vectors @ query, dtype=np.float32)[allowed]
        return np.asarray(self.vectors[allowed] @ query, dtype=np.float32)

    def vector(self, chunk_id: int) -> Vectors:
        return np.asarray(self.vectors[chunk_id], dtype=np.float32)


def _selector_params(allowed: IntArray | None) -> faiss.SearchParameters | None:
    """FAISS search parameters restricting a search to `allowed` ids (exact on a flat index)."""
    if allowed is None:
        return None
    params = faiss.SearchParameters()
    params.sel = faiss.IDSelectorBatch(allowed.astype(np.int64))
    return params
