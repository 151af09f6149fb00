"""Index types: flat below a size threshold, IVF-SQ8 above it, recorded in the manifest; the
approximate index is memory-mapped, exact on narrow filters, and says when it is not."""

from __future__ import annotations

import mmap

import faiss
import numpy as np
import pytest

from index.build.rebuild import build_index
from index.errors import JobSearchError
from index.storage.loaded import open_index
from index.storage.vectors import VectorStore, choose_index_type, default_nlist, write_store
from search.filters import Filters
from search.ranking import RankingConfig
from search.service import SearchRequest, SearchService
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder


def clustered(n: int, d: int = 32, clusters: int = 20, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(clusters, d)).astype(np.float32)
    x = centers[rng.integers(0, clusters, n)] + 0.3 * rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_choose_index_type_by_size():
    assert choose_index_type("auto", 249_999, 250_000) == "flat"
    assert choose_index_type("auto", 250_000, 250_000) == "ivf-sq8"
    assert choose_index_type("flat", 10**9, 250_000) == "flat"
    assert choose_index_type("ivf-sq8", 10, 250_000) == "ivf-sq8"
    with pytest.raises(JobSearchError, match="unknown index type 'hnsw'"):
        choose_index_type("hnsw", 10, 250_000)
    assert default_nlist(100_000) == 512 and default_nlist(8_000_000) == 4096


def test_build_records_the_chosen_index_type(tmp_path):
    postings = synthetic_postings(60)
    small = build_index(postings, FakeEmbedder(), tmp_path / "a", ann_min_chunks=10**6)
    assert small.manifest.index_type == "flat" and small.manifest.index_params == {}
    large = build_index(postings, FakeEmbedder(), tmp_path / "b", ann_min_chunks=10, nprobe=4)
    assert large.manifest.index_type == "ivf-sq8"
    assert large.manifest.index_params["nprobe"] == 4
    loaded = open_index(tmp_path / "b", "fake-hash", "fake")
    assert loaded.store.ivf is not None and loaded.store.nprobe == 4


def test_ivf_lists_are_memory_mapped(tmp_path):
    write_store(tmp_path, clustered(2_000), "ivf-sq8", nlist=16)
    store = VectorStore(tmp_path, "ivf-sq8")
    lists = faiss.downcast_InvertedLists(store.ivf.invlists)
    assert isinstance(lists, faiss.OnDiskInvertedLists)  # read in place from vectors.ivf
    assert isinstance(store.vectors.base, mmap.mmap)  # the rows too, not a copy


def test_ivf_filtered_search_is_exact_below_the_subset_threshold(tmp_path):
    x = clustered(5_000)
    write_store(tmp_path, x, "ivf-sq8", nlist=64)
    store = VectorStore(tmp_path, "ivf-sq8", nprobe=1, exact_subset_max=200)
    rng = np.random.default_rng(1)
    for size in (3, 50, 200):
        allowed = np.sort(rng.choice(5_000, size, replace=False)).astype(np.int64)
        assert store.exact(allowed)
        for row in range(10):
            _, ids = store.search(x[row], 10, allowed)
            expected = allowed[np.argsort(-(x[allowed] @ x[row]), kind="stable")][:10]
            assert list(ids) == list(expected)
    assert not store.exact(None)
    assert not store.exact(np.arange(201, dtype=np.int64))


def test_ivf_broad_filter_returns_only_allowed_chunks_with_high_recall(tmp_path):
    x = clustered(5_000)
    write_store(tmp_path, x, "ivf-sq8", nlist=64)
    store = VectorStore(tmp_path, "ivf-sq8", nprobe=8, exact_subset_max=0)
    allowed = np.arange(0, 5_000, 10, dtype=np.int64)  # 10%: probes √10 ≈ 3.2× the lists
    hits = 0
    for row in range(20):
        _, ids = store.search(x[row], 10, allowed)
        assert set(ids.tolist()) <= set(allowed.tolist())
        expected = allowed[np.argsort(-(x[allowed] @ x[row]))][:10]
        hits += len(set(ids.tolist()) & set(expected.tolist()))
    assert hits / 200 >= 0.95


def test_search_on_ivf_says_when_it_is_exhaustive(tmp_path):
    root = tmp_path / "index"
    postings = synthetic_postings(80)
    build_index(postings, FakeEmbedder(), root, index_type="ivf-sq8")
    service = SearchService(FakeEmbedder(), open_index(root, "fake-hash", "fake"))
    assert not service.index.store.exact()
    dense = RankingConfig().with_overrides(keyword_weight=0.0, min_score=0.0)
    broad = service.search(SearchRequest("storage engine replication"), dense)
    assert not broad.exhaustive and broad.hits
    team = postings[0].team
    narrow = service.search(SearchRequest("storage engine", Filters(teams=(team,))), dense)
    assert narrow.exhaustive  # a team's chunks are few: scored exactly
    assert {h.posting.team for h in narrow.hits} == {team}
    threshold = service.search(SearchRequest("storage engine", Filters(teams=(team,))))
    assert threshold.exhaustive and {h.posting.team for h in threshold.hits} <= {team}
