"""The retrieval stage's calibrated match set equals the one found by scoring every posting:
the dense side stops fetching once the match floor is known, and loses no match by it."""

from __future__ import annotations

import numpy as np
import pytest

from index.build.rebuild import build_index
from index.embedding.base import Embedder
from index.storage.loaded import LoadedIndex, open_index
from index.timing import StageTimer
from search import dense as dense_module
from search.dense import dense_postings
from search.matching import MatchBounds
from search.query import prepare_query
from search.ranking import RankingConfig, chunk_penalties
from search.retrieve import admitted_by_keywords, retrieve_candidates
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder

QUERIES = ["storage engine replication", "kafka pipeline spark", "sales quota customers"]
CONFIG = RankingConfig(candidates=12, match_dense_top=6, match_margin=0.05, min_score=0.05)
# no keyword-only admission: postings below the dense floor match by their keyword rank alone
WORDS_RANK_ALONE = CONFIG.with_overrides(keyword_admit=0.0)


def every_match(index: LoadedIndex, query, penalties, config: RankingConfig) -> np.ndarray:
    """The match set by its definition: every posting scored on both sides."""
    size = index.catalog.posting_count
    dense, _ = dense_postings(index, query.vector, None, penalties, config, 0)  # all ≥ min_score
    kw_pids, kw_scores = index.catalog.keyword_search(
        query.terms, size, None, config.column_weights
    )
    bounds = MatchBounds.of(dense.scores, kw_scores, config)
    d = np.full(size, np.nan)
    d[dense.pids] = dense.scores
    k = np.full(size, np.nan)
    k[kw_pids] = kw_scores
    admitted = admitted_by_keywords(index, query, kw_pids, kw_scores, bounds.keyword_best, config)
    eligible = np.union1d(dense.pids, admitted)
    return np.sort(eligible[bounds.matches(d[eligible], k[eligible])])


def check_match_sets(index: LoadedIndex, embedder: Embedder, config: RankingConfig) -> None:
    penalties = chunk_penalties(index.catalog.chunk_kind, index.catalog.chunk_boilerplate, config)
    for text in QUERIES:
        query = prepare_query(text, embedder)
        candidates = retrieve_candidates(
            index, query, None, penalties, config, 10, True, StageTimer()
        )
        assert candidates.calibration is not None
        expected = every_match(index, query, penalties, config)
        assert len(expected) > config.candidates  # the bounded fetch had something to skip
        np.testing.assert_array_equal(candidates.calibration.matched_pids(), expected)
        floor = candidates.calibration.bounds.dense_floor_score
        full, _ = dense_postings(index, query.vector, None, penalties, config, 0)
        np.testing.assert_array_equal(candidates.dense.pids, full.pids[full.scores >= floor])


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> LoadedIndex:
    root = tmp_path_factory.mktemp("retrieve") / "index"
    build_index(synthetic_postings(120), FakeEmbedder(), root)
    return open_index(root, FakeEmbedder().name)


@pytest.mark.parametrize("config", [CONFIG, WORDS_RANK_ALONE])
def test_bounded_dense_side_finds_every_match(fake_index, monkeypatch, config):
    monkeypatch.setattr(dense_module, "MATCH_FETCH", 2)  # widen several times
    check_match_sets(fake_index, FakeEmbedder(), config)


def test_a_match_set_past_the_fetch_cap_is_its_best_part_and_not_exhaustive(
    fake_index, monkeypatch
):
    embedder, config = FakeEmbedder(), CONFIG
    penalties = chunk_penalties(
        fake_index.catalog.chunk_kind, fake_index.catalog.chunk_boilerplate, config
    )
    monkeypatch.setattr(dense_module, "MATCH_FETCH", 2)

    def retrieve(text: str, cap: int):
        monkeypatch.setattr(dense_module, "MATCH_FETCH_MAX", cap)
        query = prepare_query(text, embedder)
        return retrieve_candidates(
            fake_index, query, None, penalties, config, 10, True, StageTimer()
        )

    cut_short = 0
    for text in QUERIES:
        whole, capped = retrieve(text, 10**9), retrieve(text, 8)  # 2, then 8 chunks at most
        assert whole.complete and not capped.complete
        assert whole.calibration is not None and capped.calibration is not None
        matched = set(capped.calibration.matched_pids())
        assert matched and matched <= set(whole.calibration.matched_pids())  # a lower bound
        known = len(capped.dense.pids)  # the dense side's best postings, in order
        assert 0 < known <= len(whole.dense.pids)
        np.testing.assert_array_equal(capped.dense.pids, whole.dense.pids[:known])
        cut_short += known < len(whole.dense.pids)
    assert cut_short  # the cap did stop a fetch short


def test_filtered_dense_list_is_the_same_with_and_without_facets(fake_index):
    penalties = chunk_penalties(
        fake_index.catalog.chunk_kind, fake_index.catalog.chunk_boilerplate, CONFIG
    )
    pids = np.arange(0, fake_index.catalog.posting_count, 3, dtype=np.int64)
    query = prepare_query(QUERIES[0], FakeEmbedder())
    lists = [
        retrieve_candidates(fake_index, query, pids, penalties, CONFIG, 10, facets, StageTimer())
        for facets in (True, False)
    ]
    np.testing.assert_array_equal(lists[0].dense.pids, lists[1].dense.pids)
    np.testing.assert_array_equal(lists[0].admitted, lists[1].admitted)
    assert set(lists[0].dense.pids.tolist()) <= set(pids.tolist())


def test_bounded_dense_side_finds_every_match_with_the_real_model(real_embedder, tmp_path):
    build_index(synthetic_postings(60), real_embedder, tmp_path / "index")
    index = open_index(tmp_path / "index", real_embedder.name)
    config = RankingConfig(candidates=8, match_dense_top=4, match_margin=0.05)
    check_match_sets(index, real_embedder, config)
