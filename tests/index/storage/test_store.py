"""The vector store equals numpy brute force, with and without an allowed set, on the exact
flat index and on IVF-SQ8 probing every list (where it must be exact too)."""

from __future__ import annotations

import numpy as np
import pytest

from index.storage.vectors import VectorStore, write_store


@pytest.fixture
def vectors() -> np.ndarray:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(500, 32)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def open_store(directory, vectors, kind: str) -> VectorStore:
    """flat; IVF with every list probed and no exact subset shortcut; IVF scoring subsets."""
    if kind == "flat":
        write_store(directory, vectors)
        return VectorStore(directory)
    write_store(directory, vectors, "ivf-sq8", nlist=8)
    subset_max = 0 if kind == "ivf-probe-all" else 10_000
    return VectorStore(directory, "ivf-sq8", nprobe=8, exact_subset_max=subset_max)


KINDS = ["flat", "ivf-probe-all", "ivf-subset"]


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
    assert isinstance(store.vectors, np.memmap)
    assert store.exact(None)
