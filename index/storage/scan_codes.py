"""8-bit scan codes beside an exact ("flat") vector file, so an exact search reads a quarter of
the bytes: every chunk is scored from its 8-bit code by FAISS's SIMD scanner, and only the
chunks that could pass (within the quantization error bound) are re-scored from the float32
rows. The answer is the same as scanning the float32 rows; the code scan is memory-bound at a
quarter of the traffic, which is what a busy server with several workers runs out of.

Stored as a FAISS IVF-SQ8 index with one list (an exhaustive scan; FAISS's flat scalar
quantizer has no fast range search), memory-mapped so workers share it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from index.models import Vectors
from index.storage.vector_file import read_blocks, vector_count

CODES_FILE = "vectors.sq8"
MIN_CHUNKS = 256  # below this a float32 scan is as cheap as anything
BLOCK_ROWS = 262_144  # vectors read and encoded at a time (bounds the memory)
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


def write_scan_codes(directory: Path, vectors_file: Path) -> bool:
    """Encode the vectors of `vectors_file` (rows are chunk ids) into `directory/vectors.sq8`,
    a block at a time; False when there are too few to be worth it. The quantizer's range is
    every row's minimum and maximum per dimension (what training on all rows gives), so no
    value falls outside it (a clamped value would break the error bound)."""
    rows, dimension = vector_count(vectors_file)
    if rows < MIN_CHUNKS:
        return False
    low = np.full(dimension, np.inf, dtype=np.float32)
    high = np.full(dimension, -np.inf, dtype=np.float32)
    for _, block in read_blocks(vectors_file, BLOCK_ROWS):
        low = np.minimum(low, block.min(axis=0))
        high = np.maximum(high, block.max(axis=0))
    quantizer = faiss.IndexFlatIP(dimension)
    quantizer.add(np.zeros((1, dimension), dtype=np.float32))  # one list: nothing to cluster
    codes = faiss.IndexIVFScalarQuantizer(
        quantizer, dimension, 1, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    codes.by_residual = False
    codes.train(np.stack([low, high]))
    for start, block in read_blocks(vectors_file, BLOCK_ROWS):
        codes.add_with_ids(block, np.arange(start, start + len(block), dtype=np.int64))
    faiss.write_index(codes, str(directory / CODES_FILE))
    return True


class ScanCodes:
    """Candidates for exact threshold and top-k searches, from the 8-bit codes."""

    def __init__(self, directory: Path) -> None:
        index: Any = faiss.read_index(str(directory / CODES_FILE), faiss.IO_FLAG_MMAP)
        lists: Any = faiss.downcast_InvertedLists(index.invlists)
        lists.prefetch_nthread = 0  # mapped pages are in memory: no prefetch threads
        self.index = index
        self.size = int(index.ntotal)
        self._step = quantization_steps(index)

    @staticmethod
    def exists(directory: Path) -> bool:
        return (directory / CODES_FILE).exists()

    def margin(self, query: Vectors) -> float:
        return code_margin(self._step, query)

    def at_least(self, query: Vectors, threshold: float, allowed: IntArray | None) -> IntArray:
        """Every chunk (among `allowed`) whose exact score could be at least `threshold`,
        sorted by id: a superset the caller re-scores exactly."""
        radius = threshold - self.margin(query)
        params, _bitmap = self._params(allowed)  # the bitmap lives as long as the call
        _, _, found = self.index.range_search(query[None], radius, params=params)
        return np.sort(found.astype(np.int64))

    def best(self, query: Vectors, k: int, allowed: IntArray | None) -> tuple[IntArray, float]:
        """The `k` best chunks by code score (among `allowed`) and the code score of the k-th:
        no chunk left out scores more than that plus `margin` exactly."""
        params, _bitmap = self._params(allowed)
        scores, labels = self.index.search(query[None], k, params=params)
        found = labels[0] >= 0
        floor = float(scores[0][found][-1]) if found.any() else float("-inf")
        return labels[0][found].astype(np.int64), floor

    def _params(
        self, allowed: IntArray | None
    ) -> tuple[faiss.SearchParametersIVF, npt.NDArray[np.uint8] | None]:
        params = faiss.SearchParametersIVF()
        params.nprobe = 1
        if allowed is None:
            return params, None
        mask = np.zeros(self.size, dtype=bool)
        mask[allowed] = True
        bitmap = np.packbits(mask, bitorder="little")
        params.sel = faiss.IDSelectorBitmap(self.size, faiss.swig_ptr(bitmap))
        return params, bitmap


def code_margin(steps: FloatArray, query: Vectors) -> float:
    """An upper bound on |exact - code| inner product for `query`: half a quantization step
    per dimension, weighted by the query (plus float rounding)."""
    return float(np.abs(query) @ steps) / 2 + 1e-5


def quantization_steps(index: Any) -> FloatArray:
    """Each dimension's quantization step of a FAISS 8-bit scalar quantizer (its trained range
    over 255 levels)."""
    trained: FloatArray = np.asarray(faiss.vector_to_array(index.sq.trained), dtype=np.float32)
    d = int(index.d)
    if len(trained) == 2 * d:  # per-dimension (vmin, vdiff)
        return (np.abs(trained[d:]) / 255.0).astype(np.float32)
    return np.full(d, abs(trained[-1]) / 255.0, dtype=np.float32)
