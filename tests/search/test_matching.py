"""The calibrated match set: which postings count as matches for `total` and the facets."""

from __future__ import annotations

import numpy as np

from search.matching import MatchBounds
from search.ranking import RankingConfig

CONFIG = RankingConfig(candidates=10, match_dense_top=5, match_margin=0.1, keyword_margin=0.5)
NAN = float("nan")


def test_matching_counts_postings_both_sides_rank_among_their_best():
    dense = np.linspace(0.8, 0.3, 100)
    keyword = np.linspace(10.0, 0.1, 100)
    bounds = MatchBounds.of(dense, keyword, CONFIG)
    matched = bounds.matches(dense, keyword)
    assert matched[:10].all()  # both sides' best 10
    assert not matched[20:].any()


def test_matching_counts_the_models_best_alone_and_those_near_its_best():
    dense = np.r_[np.full(8, 0.75), np.linspace(0.5, 0.3, 92)]
    keyword = np.full(100, NAN)
    bounds = MatchBounds.of(dense, np.zeros(0), CONFIG)
    matched = bounds.matches(dense, keyword)
    assert matched[:8].all()  # within the margin of the best: more than match_dense_top
    assert not matched[8:].any()


def test_matching_counts_strong_keyword_matches_alone():
    keyword = np.r_[10.0, 9.0, 1.0, 0.5]
    dense = np.full(4, NAN)
    bounds = MatchBounds.of(np.zeros(0), keyword, CONFIG)
    assert bounds.matches(dense, keyword).tolist() == [True, True, False, False]


def test_matching_keyword_side_alone_counts_only_its_best_candidates_when_scores_are_flat():
    # Common words: a thousand postings score within the keyword margin of the best.
    keyword = np.linspace(1.0, 0.9, 1000)
    dense = np.full(1000, NAN)
    bounds = MatchBounds.of(np.zeros(0), keyword, CONFIG)
    matched = bounds.matches(dense, keyword)
    assert matched.sum() == CONFIG.candidates
    assert matched[: CONFIG.candidates].all()


def test_matching_without_keyword_margin_ignores_keyword_strength_alone():
    config = RankingConfig(candidates=2, match_dense_top=1, keyword_margin=0.0)
    keyword = np.array([10.0, 9.0, 8.0])
    dense = np.array([NAN, NAN, NAN])
    bounds = MatchBounds.of(np.zeros(0), keyword, config)
    assert not bounds.matches(dense, keyword).any()
