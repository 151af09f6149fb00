"""The vector side of an index: chunk vectors as a memory-mapped .npy file, scored exactly
("flat": their 8-bit scan codes first, index.storage.scan_codes, then the float32 rows of the
chunks that could pass; numpy alone for a narrow filter or a tiny index), plus, for large
corpora, a FAISS IVF index with 8-bit scalar-quantized codes ("ivf-sq8") whose candidates are
re-scored exactly from the same .npy file.

Scores are cosine similarities (inner products of L2-normalized vectors): higher is better.
A chunk's row is its id, the chunk id the catalog uses. Both files are memory-mapped, so
several server workers share one copy of the pages (the IVF lists through FAISS's IO_FLAG_MMAP).

Why numpy for the float32 rows: on the machines measured, FAISS's bundled BLAS was slower than
numpy's (README "Performance"), and a matrix-vector product over every row is memory-bound, so
one thread is as fast as two and leaves the other core to the next request; the same holds for
the code scan, at a quarter of the bytes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from index.errors import ConfigError
from index.models import Vectors
from index.storage.scan_codes import ScanCodes, code_margin, quantization_steps, write_scan_codes
from index.storage.vector_file import map_vectors, read_blocks, vector_count

VECTORS_FILE = "vectors.npy"
IVF_FILE = "vectors.ivf"
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]

INDEX_TYPES = ("flat", "ivf-sq8")
# "auto" picks IVF from this many chunks on: below it an exact scan is fast enough, above it
# IVF-SQ8 is much faster (README "Performance", scale table).
ANN_MIN_CHUNKS = 250_000
# An approximate index still scores a filter's allowed chunks exactly (gathered from the .npy)
# when they are at most this many: a narrow filter would starve the probed lists, and gathering
# that many rows costs about what a probe does.
EXACT_SUBSET_MAX = 10_000
FULL_SCAN_MAX = 250_000  # an index this small is scanned whole rather than gathered
GATHER_SHARE = 1 / 16  # below this share of the index, gathering the allowed rows is cheaper
DEFAULT_NPROBE = 32
REFINE_FACTOR = 4  # IVF candidates fetched per result wanted, re-scored exactly
MIN_REFINE = 64
REFINE_MARGIN = 1024  # at most this many more than wanted: a deep fetch needs no 4× margin
TRAIN_SAMPLE_PER_LIST = 64  # k-means training points per list (FAISS warns below 39)
KMEANS_ITERATIONS = 10  # FAISS's default 25 costs more training time for little recall
ADD_BLOCK = 262_144  # vectors assigned and encoded at a time (bounds the temporary memory)

_BLAS = ThreadpoolController()


def choose_index_type(requested: str, chunks: int, ann_min_chunks: int = ANN_MIN_CHUNKS) -> str:
    """The index type to build: `requested`, or for "auto" flat below `ann_min_chunks`."""
    if requested == "auto":
        return "ivf-sq8" if chunks >= ann_min_chunks else "flat"
    if requested not in INDEX_TYPES:
        raise ConfigError(
            f"unknown index type {requested!r}; known: auto, {', '.join(INDEX_TYPES)}"
        )
    return requested


def default_nlist(chunks: int) -> int:
    """IVF lists for `chunks` vectors: about 2·√n, a power of two (512 at 100k, 4096 at 8M)."""
    return int(max(16, 2 ** round(math.log2(max(2 * math.sqrt(max(chunks, 1)), 16)))))


def write_store(
    directory: Path,
    vectors: Vectors,
    index_type: str = "flat",
    *,
    nlist: int | None = None,
    seed: int = 1234,
) -> dict[str, Any]:
    """Write `vectors` (rows are chunk ids) for `index_type`; returns the index parameters the
    manifest records."""
    np.save(directory / VECTORS_FILE, np.ascontiguousarray(vectors, dtype=np.float32))
    return index_vector_file(directory, index_type, nlist=nlist, seed=seed)


def index_vector_file(
    directory: Path, index_type: str = "flat", *, nlist: int | None = None, seed: int = 1234
) -> dict[str, Any]:
    """Index the vectors already in `directory/vectors.npy` (a build streams them there) for
    `index_type`, reading them a block at a time; returns the manifest's index parameters."""
    path = directory / VECTORS_FILE
    if index_type == "flat":
        return {"scan_codes": "sq8"} if write_scan_codes(directory, path) else {}
    if index_type != "ivf-sq8":
        raise ConfigError(f"unknown index type {index_type!r}; known: {', '.join(INDEX_TYPES)}")
    return write_ivf(directory, path, nlist or default_nlist(vector_count(path)[0]), seed)


def write_ivf(directory: Path, vectors_file: Path, nlist: int, seed: int = 1234) -> dict[str, Any]:
    """Train IVF-SQ8 on a sample of the vectors in `vectors_file`, add them all in blocks, and
    write vectors.ivf; returns the parameters, with the seconds each step took."""
    started = time.perf_counter()
    ivf = train_ivf(vectors_file, nlist, seed)
    trained = time.perf_counter()
    for start, block in read_blocks(vectors_file, ADD_BLOCK):
        ivf.add_with_ids(block, np.arange(start, start + len(block), dtype=np.int64))
    added = time.perf_counter()
    faiss.write_index(ivf, str(directory / IVF_FILE))
    return {
        "nlist": int(ivf.nlist),
        "quantizer": "sq8",
        "train_seconds": round(trained - started, 1),
        "add_seconds": round(added - trained, 1),
    }


def train_ivf(vectors_file: Path, nlist: int, seed: int = 1234) -> faiss.IndexIVFScalarQuantizer:
    """An empty IVF-SQ8 index trained on a fixed-seed sample of the vectors in `vectors_file`."""
    count, dimension = vector_count(vectors_file)
    nlist = max(1, min(nlist, count // 4 or 1))
    rng = np.random.default_rng(seed)
    sample_size = min(count, nlist * TRAIN_SAMPLE_PER_LIST)
    rows = np.sort(rng.choice(count, sample_size, replace=False))
    sample = _gather_rows(vectors_file, rows)
    quantizer = faiss.IndexFlatIP(dimension)
    ivf = faiss.IndexIVFScalarQuantizer(
        quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    ivf.cp.seed = seed
    ivf.cp.niter = KMEANS_ITERATIONS
    ivf.train(sample)
    return ivf


def _gather_rows(vectors_file: Path, rows: IntArray) -> Vectors:
    """The given rows (ascending) of `vectors_file`, read a block at a time: a memory map would
    leave most of a large file's pages resident (read-ahead around every sampled row)."""
    parts = []
    for start, block in read_blocks(vectors_file, ADD_BLOCK):
        inside = rows[(rows >= start) & (rows < start + len(block))]
        parts.append(block[inside - start])
    return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)


class VectorStore:
    """Top-k and threshold search over chunk vectors, optionally restricted to allowed ids.

    Flat: exact always. IVF-SQ8: exact when a filter leaves at most `exact_subset_max` chunks
    (they are scored directly); otherwise approximate (`exact(allowed)` says which), with the
    probed lists widened as the filter narrows so the allowed chunks are still found.
    """

    def __init__(
        self,
        directory: Path,
        index_type: str = "flat",
        *,
        nprobe: int = DEFAULT_NPROBE,
        exact_subset_max: int = EXACT_SUBSET_MAX,
    ) -> None:
        self.index_type = index_type
        self.vectors: FloatArray = map_vectors(directory / VECTORS_FILE)
        self.nprobe = nprobe
        self.exact_subset_max = exact_subset_max
        self.ivf: Any = None  # faiss.IndexIVFScalarQuantizer
        # An exact index's 8-bit codes: scanned first, float32 rows read only for candidates.
        self.codes: ScanCodes | None = None
        if index_type == "flat" and ScanCodes.exists(directory):
            self.codes = ScanCodes(directory)
            if self.codes.size != len(self.vectors):
                raise ValueError(f"{directory}: scan codes and {VECTORS_FILE} disagree in size")
        if index_type == "ivf-sq8":
            # The inverted lists stay in the file, memory-mapped (shared between processes).
            ivf: Any = faiss.read_index(str(directory / IVF_FILE), faiss.IO_FLAG_MMAP)
            # Mapped lists are prefetched by 32 new threads per search by default: 4 ms of
            # thread start-up on a 0.1 ms search. The pages are in memory or the page cache.
            lists: Any = faiss.downcast_InvertedLists(ivf.invlists)
            lists.prefetch_nthread = 0
            if ivf.ntotal != len(self.vectors):
                raise ValueError(
                    f"{directory}: IVF has {ivf.ntotal} vectors, {VECTORS_FILE} {len(self.vectors)}"
                )
            self.ivf = ivf
            self._ivf_steps = quantization_steps(ivf)  # SQ8 scores are off by at most a step
        elif index_type != "flat":
            raise ValueError(f"unknown index type {index_type!r}")

    @property
    def size(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def exact(self, allowed: IntArray | None = None) -> bool:
        """Whether a search restricted to `allowed` (None: everything) is exhaustive."""
        return self.ivf is None or (allowed is not None and len(allowed) <= self.exact_subset_max)

    def search(
        self, query: Vectors, k: int, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray]:
        """The k best chunks for `query`, best first (ties by id), as (scores, chunk ids).

        With `allowed`, only those chunk ids compete, never a post-filter over a fixed
        over-fetch.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if allowed is not None and len(allowed) == 0 or k <= 0 or self.size == 0:
            return _empty()
        if self.exact(allowed):
            if self._scans_codes(allowed):
                return self._top_k_from_codes(query, k, allowed)
            if allowed is None:
                with _one_blas_thread():
                    scores = np.asarray(self.vectors @ query, dtype=np.float32)
                return top_k(scores, np.arange(self.size, dtype=np.int64), k)
            return top_k(self._allowed_scores(query, allowed), allowed, k)
        assert self.ivf is not None
        fetch = max(min(k * REFINE_FACTOR, k + REFINE_MARGIN), MIN_REFINE)
        params, _bitmap = self._ivf_params(allowed)  # the bitmap lives as long as the call
        _, labels = self.ivf.search(query[None], fetch, params=params)
        candidates = np.unique(labels[0][labels[0] >= 0])
        return top_k(self.similarities(query, candidates), candidates, k)

    def best_with_bound(
        self, query: Vectors, k: int, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray, float]:
        """About the k best chunks, with exact scores (best first), and a bound no chunk left
        out scores above: callers that widen until what they need clears the bound need no
        exact k-th (the codes' k best re-scored are not the exact k best)."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if self.exact(allowed) and self._scans_codes(allowed) and k > 0:
            return self._best_by_codes(query, k, allowed)
        scores, ids = self.search(query, k, allowed)
        return scores, ids, float(scores[-1]) if len(scores) == k else float("-inf")

    def range_search(
        self, query: Vectors, threshold: float, allowed: IntArray | None = None
    ) -> tuple[FloatArray, IntArray]:
        """Every chunk scoring at least `threshold` (among `allowed`), in chunk-id order:
        callers pool them by posting, which needs no sort by score."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if allowed is not None and len(allowed) == 0 or self.size == 0:
            return _empty()
        if self.exact(allowed):
            if self._scans_codes(allowed):
                assert self.codes is not None
                labels = self.codes.at_least(query, threshold, allowed)
                scores = self.similarities(query, labels)
                keep = scores >= threshold
                scores, labels = scores[keep], labels[keep]
            elif allowed is None:
                with _one_blas_thread():
                    scores = np.asarray(self.vectors @ query, dtype=np.float32)
                labels = np.nonzero(scores >= threshold)[0].astype(np.int64)
                scores = scores[labels]
            else:
                scores = self._allowed_scores(query, allowed)
                keep = scores >= threshold
                scores, labels = scores[keep], allowed[keep]
        else:
            assert self.ivf is not None
            # SQ8 scores are off by a little; fetch with a margin, then keep exact scores.
            radius = float(threshold) - code_margin(self._ivf_steps, query)
            params, _bitmap = self._ivf_params(allowed)
            _, _, found = self.ivf.range_search(query[None], radius, params=params)
            candidates = np.unique(found.astype(np.int64))
            scores = self.similarities(query, candidates)
            keep = scores >= threshold
            scores, labels = scores[keep], candidates[keep]
        return scores, labels

    def vector(self, chunk_id: int) -> Vectors:
        return np.asarray(self.vectors[chunk_id], dtype=np.float32)

    def vectors_of(self, chunk_ids: IntArray) -> Vectors:
        """The stored vectors of these chunks, in their order."""
        return np.asarray(self.vectors[chunk_ids], dtype=np.float32)

    def _scans_codes(self, allowed: IntArray | None) -> bool:
        """Whether the codes are the cheaper scan: not for a narrow filter, whose few rows are
        gathered and scored directly."""
        return self.codes is not None and (
            allowed is None or len(allowed) > self.size * GATHER_SHARE
        )

    def _best_by_codes(
        self, query: Vectors, k: int, allowed: IntArray | None
    ) -> tuple[FloatArray, IntArray, float]:
        """The k best by code, re-scored exactly (best first, ties by id), and the most a
        chunk left out can score (-inf when none was left out)."""
        assert self.codes is not None
        candidates, floor = self.codes.best(query, k, allowed)
        scores = self.similarities(query, candidates)
        order = np.lexsort((candidates, -scores))
        everything = len(candidates) < k
        bound = float("-inf") if everything else floor + self.codes.margin(query)
        return scores[order], candidates[order], bound

    def _top_k_from_codes(
        self, query: Vectors, k: int, allowed: IntArray | None
    ) -> tuple[FloatArray, IntArray]:
        """Exact top k: the best by code re-scored; when the k-th exact score does not clear
        what a chunk left out could score, every chunk that could beat it instead."""
        assert self.codes is not None
        fetch = min(self.size, max(2 * k, k + MIN_REFINE))
        scores, ids, unseen = self._best_by_codes(query, fetch, allowed)
        if len(ids) <= k or float(scores[k - 1]) > unseen:
            return scores[:k], ids[:k]
        candidates = self.codes.at_least(query, float(scores[k - 1]), allowed)
        return top_k(self.similarities(query, candidates), candidates, k)

    def _allowed_scores(self, query: Vectors, allowed: IntArray) -> FloatArray:
        """Exact scores of the allowed chunks, in the order of `allowed`."""
        if self.size <= FULL_SCAN_MAX and len(allowed) > self.size * GATHER_SHARE:
            with _one_blas_thread():
                return np.asarray(self.vectors @ query, dtype=np.float32)[allowed]
        return self.similarities(query, allowed)

    def similarities(self, queries: Vectors, chunk_ids: IntArray) -> FloatArray:
        """Exact cosines of these chunks against one query vector (n) or each row of several
        (n x q), on one BLAS thread: the matrices are small, and more threads only contend
        with the model's and FAISS's for the same cores."""
        if len(chunk_ids) == 0:
            return np.zeros((0, *queries.shape[:-1]), dtype=np.float32)
        with _one_blas_thread():
            return np.asarray(self.vectors[chunk_ids] @ queries.T, dtype=np.float32)

    def _ivf_params(
        self, allowed: IntArray | None
    ) -> tuple[faiss.SearchParametersIVF, npt.NDArray[np.uint8] | None]:
        """Probe `nprobe` lists, more when a filter leaves a share s of the index: nprobe/√s
        (a 5% filter probes 4.5× as many). The allowed top 10 lie among about the 10/s nearest
        vectors, which the nearest lists hold with room to spare; the test and the scale
        benchmark measure the recall this gives."""
        assert self.ivf is not None
        params = faiss.SearchParametersIVF()
        nprobe = self.nprobe
        bitmap = None
        if allowed is not None:
            share = max(len(allowed) / self.size, 1e-9)
            nprobe = math.ceil(nprobe / math.sqrt(share))
            mask = np.zeros(self.size, dtype=bool)
            mask[allowed] = True
            bitmap = np.packbits(mask, bitorder="little")
            params.sel = faiss.IDSelectorBitmap(self.size, faiss.swig_ptr(bitmap))
        params.nprobe = int(min(self.ivf.nlist, nprobe))
        return params, bitmap


_threads = {"blas": 0}  # the process-wide BLAS cap limit_threads set; 0: none


def limit_threads(threads: int) -> None:
    """Cap this process's BLAS/OpenMP and FAISS threads: a server's workers each take their
    share of the cores instead of all of them."""
    _BLAS.limit(limits=threads)
    faiss.omp_set_num_threads(threads)
    _threads["blas"] = threads


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    if _threads["blas"] == 1:  # already (a worker of several): asking again costs a little
        yield
        return
    with _BLAS.limit(limits=1, user_api="blas"):
        yield


def top_k(scores: FloatArray, ids: IntArray, k: int) -> tuple[FloatArray, IntArray]:
    """The k highest of `scores` (aligned with `ids`), best first, ties by id."""
    k = min(k, len(scores))
    if k <= 0:
        return _empty()
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    order = top[np.lexsort((ids[top], -scores[top]))]
    return scores[order].astype(np.float32), ids[order].astype(np.int64)


def _empty() -> tuple[FloatArray, IntArray]:
    return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
