"""Pooling and fusion on arrays agree with the plain definitions, ties included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.ranking import (
    PRESETS,
    PostingScores,
    RankingConfig,
    best_chunk_per_posting,
    demote,
    fuse,
    prefer,
)


def reference_pooling(scores, chunk_ids, chunk_pid):
    """Each posting's best chunk (lowest id on a tie), postings by score then pid."""
    best: dict[int, tuple[float, int]] = {}
    for score, chunk in zip(scores.tolist(), chunk_ids.tolist(), strict=True):
        pid = int(chunk_pid[chunk])
        if pid not in best or (-score, chunk) < (-best[pid][0], best[pid][1]):
            best[pid] = (score, chunk)
    return sorted(((pid, s, c) for pid, (s, c) in best.items()), key=lambda r: (-r[1], r[0]))


def reference_fuse(dense, keyword_pids, keyword_scores, config):
    """Fusion written out posting by posting: RRF or weighted sum, one side keeping its scores."""
    dense_by_pid = {p: (rank, s, c) for rank, (p, s, c) in enumerate(dense, start=1)}
    keyword_by_pid = {
        int(p): (rank, float(s))
        for rank, (p, s) in enumerate(zip(keyword_pids, keyword_scores, strict=True), start=1)
    }
    if not config.uses_dense:
        eligible = list(keyword_by_pid)
    elif config.min_score > 0:
        eligible = list(dense_by_pid)
    else:
        eligible = list(dict.fromkeys([*dense_by_pid, *keyword_by_pid]))
    top = float(keyword_scores[0]) if len(keyword_scores) else 1.0
    out = []
    for pid in eligible:
        d, k = dense_by_pid.get(pid), keyword_by_pid.get(pid)
        if not config.uses_keywords and d:
            score = d[1]
        elif config.dense_weight <= 0 and k:
            score = k[1]
        elif config.fusion == "rrf":
            score = (config.dense_weight / (config.rrf_k + d[0]) if d else 0.0) + (
                config.keyword_weight / (config.rrf_k + k[0]) if k else 0.0
            )
        else:
            score = (config.dense_weight * d[1] if d else 0.0) + (
                config.keyword_weight * k[1] / top if k and top > 0 else 0.0
            )
        out.append((pid, score, d[1] if d else None, k[1] if k else None, d[2] if d else None))
    return sorted(out, key=lambda r: (-r[1], r[0]))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ordered", [True, False])
def test_pooling_matches_the_definition(seed, ordered):
    rng = np.random.default_rng(seed)
    chunk_pid = np.repeat(np.arange(40), rng.integers(1, 6, 40))
    hits = np.sort(rng.choice(len(chunk_pid), len(chunk_pid) // 2, replace=False))
    scores = rng.choice(np.linspace(0, 1, 7), len(hits)).astype(np.float32)  # many ties
    if not ordered:
        shuffle = rng.permutation(len(hits))
        hits, scores = hits[shuffle], scores[shuffle]
    pooled = best_chunk_per_posting(scores, hits.astype(np.int64), chunk_pid)
    got = [(r.pid, r.score, r.chunk_id) for r in pooled.items()]
    assert got == reference_pooling(scores, hits, chunk_pid)


def test_pooling_nothing_gives_an_empty_list():
    empty = np.zeros(0, dtype=np.int64)
    assert len(best_chunk_per_posting(np.zeros(0, np.float32), empty, empty)) == 0


CONFIGS = {
    "default": RankingConfig(),
    "no threshold": RankingConfig(min_score=0.0),
    "weighted": RankingConfig(fusion="weighted", min_score=0.0),
    "dense": PRESETS["dense"],
    "bm25": PRESETS["bm25"],
    "threshold, no dense weight": RankingConfig(dense_weight=0.0),
}


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("seed", range(3))
def test_fusion_matches_the_definition(name, seed):
    config = CONFIGS[name]
    rng = np.random.default_rng(seed)
    dense_pids = rng.choice(60, 30, replace=False)
    dense_scores = np.sort(rng.choice(np.linspace(0.3, 0.9, 5), 30))[::-1].astype(np.float32)
    dense = PostingScores(dense_pids, dense_scores, rng.integers(0, 500, 30))
    keyword_pids = rng.choice(60, 25, replace=False)
    keyword_scores = np.sort(rng.uniform(0, 12, 25))[::-1].astype(np.float32)
    fused = fuse(dense, keyword_pids, keyword_scores, config)
    got = [(f.pid, f.score, f.dense, f.keyword, f.chunk_id) for f in fused.items()]
    triples = [(r.pid, r.score, r.chunk_id) for r in dense.items()]
    want = reference_fuse(triples, keyword_pids, keyword_scores, config)
    assert [g[0] for g in got] == [w[0] for w in want]
    for g, w in zip(got, want, strict=True):
        assert g[1] == pytest.approx(w[1], rel=1e-12)
        assert g[2:] == w[2:]  # dense score, BM25 and chunk as given (None where not seen)


def test_fusion_of_nothing_is_empty():
    empty = PostingScores.empty()
    fused = fuse(empty, np.zeros(0, np.int64), np.zeros(0, np.float32), RankingConfig())
    assert len(fused) == 0 and fused.items() == []


def _fused_in_order(count: int) -> object:
    """A fused RRF list of `count` postings, pid i at rank i + 1 on both sides."""
    pids = np.arange(count, dtype=np.int64)
    dense = PostingScores(pids, np.linspace(0.9, 0.4, count).astype(np.float32), pids)
    return fuse(dense, pids, np.linspace(10, 1, count).astype(np.float32), RankingConfig())


def test_preferred_postings_rise_above_similar_ones_not_above_much_better_ones():
    fused = _fused_in_order(100)
    preferred = np.zeros(100, dtype=bool)
    preferred[[5, 90]] = True
    order = prefer(fused, preferred, RankingConfig(), RankingConfig().location_weight).pids.tolist()
    assert order[0] == 5  # from 6th to first
    assert order[1] == 0  # the best match stays above a weak preferred one,
    assert 1 < order.index(90) < 20  # which still rises a long way (from 91st)
    assert sorted(order) == list(range(100))
    off = prefer(fused, preferred, RankingConfig(), 0.0)
    assert off.pids.tolist() == fused.pids.tolist()


def test_preference_leaves_single_side_rankings_alone():
    fused = _fused_in_order(20)
    preferred = np.ones(20, dtype=bool)
    preferred[0] = False
    for config in (PRESETS["dense"], PRESETS["bm25"], RankingConfig(fusion="weighted")):
        assert prefer(fused, preferred, config, 1.0) is fused


@given(st.lists(st.booleans(), min_size=1, max_size=60))
def test_demote_moves_marked_postings_last_keeping_each_group_in_order(marks):
    fused = _fused_in_order(len(marks))
    demoted = np.array(marks, dtype=bool)
    order = demote(fused, demoted).pids.tolist()
    kept = [p for p in range(len(marks)) if not marks[p]]
    pushed = [p for p in range(len(marks)) if marks[p]]
    assert order == kept + pushed
