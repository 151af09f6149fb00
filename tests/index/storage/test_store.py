"""The vector store equals numpy brute force, with and without an allowed set, on the exact
flat index (scanning its 8-bit codes first, or the float32 rows alone) and on IVF-SQ8 probing
every list (where it must be exact too)."""

from __future__ import annotations

import mmap

import numpy as np
import pytest

from index.storage.scan_codes import CODES_FILE
from index.storage.vectors import VectorStore, write_store


@pytest.fixture
def vectors() -> np.ndarray:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(500, 32)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def open_store(directory, vectors, kind: str) -> VectorStore:
    """flat; IVF with every list probed and no exact subset shortcut; IVF scoring subsets."""
    if kind in ("flat", "flat-float32"):
        write_store(directory, vectors)
        if kind == "flat-float32":
            (directory / CODES_FILE).unlink()
        store = VectorStore(directory)
        assert (store.codes is not None) == (kind == "flat")
        return store
    write_store(directory, vectors, "ivf-sq8", nlist=8)
    subset_max = 0 if kind == "ivf-probe-all" else 10_000
    return VectorStore(directory, "ivf-sq8", nprobe=8, exact_subset_max=subset_max)


KINDS = ["flat", "flat-float32", "ivf-probe-all", "ivf-subset"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("allowed_count", [None, 300, 25, 3, 0])
def test_store_search_equals_brute_force(tmp_path, vectors, kind, allowed_count):
    store = open_store(tmp_path, vectors, kind)
    rng = np.random.default_rng(allowed_count or 1)
    query = vectors[7] + 0.1 * rng.normal(size=32).astype(np.float32)
    allowed = (
        None
        if allowed_count is None
        else np.sort(rng.choice(500, allowed_count, replace=False)).astype(np.int64)
    )
    candidates = np.arange(500) if allowed is None else allowed
    exact = vectors[candidates] @ query
    expected_ids = candidates[np.argsort(-exact)][:10]
    scores, ids = store.search(query, 10, allowed)
    assert list(ids) == list(expected_ids)
    np.testing.assert_allclose(scores, np.sort(exact)[::-1][:10], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("allowed_count", [None, 300, 3])
def test_store_range_search_returns_every_chunk_above_threshold(
    tmp_path, vectors, kind, allowed_count
):
    store = open_store(tmp_path, vectors, kind)
    rng = np.random.default_rng(5)
    allowed = (
        None
        if allowed_count is None
        else np.sort(rng.choice(500, allowed_count, replace=False)).astype(np.int64)
    )
    candidates = np.arange(500) if allowed is None else allowed
    query = vectors[candidates[0]]
    exact = vectors[candidates] @ query
    threshold = float(np.sort(exact)[::-1][min(20, len(exact) - 1)])  # about 20 chunks pass
    scores, ids = store.range_search(query, threshold, allowed)
    expected = candidates[exact >= threshold]
    assert sorted(ids.tolist()) == sorted(expected.tolist())
    assert list(ids) == sorted(ids)  # chunk-id order, ready to pool by posting
    np.testing.assert_allclose(scores, vectors[ids] @ query, rtol=1e-5, atol=1e-5)


def test_store_flat_vectors_are_memory_mapped(tmp_path, vectors):
    write_store(tmp_path, vectors)
    store = VectorStore(tmp_path)
    assert isinstance(store.vectors.base, mmap.mmap)  # read in place, not copied
    assert store.exact(None)


@pytest.mark.parametrize("allowed_count", [None, 300])
def test_scan_codes_stay_exact_when_codes_cannot_tell_chunks_apart(tmp_path, allowed_count):
    """Near-duplicate vectors score within the quantization error of each other, so the
    code order is not the exact order: the top k and the threshold search must still be."""
    rng = np.random.default_rng(11)
    base = rng.normal(size=32).astype(np.float32)
    x = base + 1e-2 * rng.normal(size=(600, 32)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    store = open_store(tmp_path, x, "flat")
    allowed = None if allowed_count is None else np.arange(0, 600, 2, dtype=np.int64)
    candidates = np.arange(600) if allowed is None else allowed
    query = x[5]
    exact = (x[candidates] @ query).astype(np.float32)
    margin = store.codes.margin(query) if store.codes else 0.0
    assert np.sort(exact)[::-1][24] - np.sort(exact)[::-1][25] < margin  # codes can't decide
    scores, ids = store.search(query, 25, allowed)
    np.testing.assert_allclose(scores, np.sort(exact)[::-1][:25], rtol=0, atol=1e-6)
    assert len(set(ids.tolist())) == 25
    threshold = float(np.sort(exact)[::-1][40])
    _, found = store.range_search(query, threshold, allowed)
    assert found.tolist() == sorted(candidates[exact >= threshold].tolist())


def test_store_similarities_score_chunks_against_one_query_or_several(tmp_path, vectors):
    store = open_store(tmp_path, vectors, "flat")
    chunk_ids = np.array([9, 2, 400, 2], dtype=np.int64)
    queries = vectors[[1, 7, 9]]
    one = store.similarities(queries[0], chunk_ids)
    several = store.similarities(queries, chunk_ids)
    assert one.shape == (4,) and several.shape == (4, 3)
    np.testing.assert_allclose(several, vectors[chunk_ids] @ queries.T, rtol=1e-6)
    np.testing.assert_allclose(one, several[:, 0])
    assert several[0, 2] == pytest.approx(1.0, abs=1e-6)  # chunk 9 against itself
    assert store.similarities(queries, chunk_ids[:0]).shape == (0, 3)
    assert store.similarities(queries[0], chunk_ids[:0]).shape == (0,)
