"""MaxScore selection: the best postings by BM25 equal those of summing every list, while the
postings found only in common words' lists are never summed."""

from __future__ import annotations

import numpy as np
import pytest

from index.storage import top_keywords
from index.storage.top_keywords import best_postings

ROWS = 20_000


def score_lists(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Common words (most rows, small parts), rare ones (few rows, large parts), and ties."""
    rng = np.random.default_rng(seed)
    lists = []
    for share, scale in [(0.9, 0.3), (0.6, 0.5), (0.02, 6.0), (0.005, 9.0), (0.05, 3.0)]:
        pids = np.sort(rng.choice(ROWS, int(ROWS * share), replace=False)).astype(np.int64)
        parts = np.round(rng.uniform(0.2, 1.0, len(pids)) * scale, 2)  # rounded: many ties
        lists.append((pids, parts))
    return lists


def reference(lists, limit, allowed=None):
    """Every posting's parts summed in the lists' order, then sorted (ties by pid)."""
    total: dict[int, float] = {}
    for list_pids, part in lists:
        for pid, value in zip(list_pids.tolist(), part.tolist(), strict=True):
            total[pid] = total.get(pid, 0.0) + value
    pids = np.array(sorted(total), dtype=np.int64)
    scores = np.array([total[p] for p in pids.tolist()], dtype=np.float64)
    if allowed is not None:
        keep = np.isin(pids, allowed)
        pids, scores = pids[keep], scores[keep]
    order = np.lexsort((pids, -scores))[:limit]
    return pids[order], scores[order].astype(np.float32)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("limit", [1, 10, 200, 5_000])
@pytest.mark.parametrize(
    "filtered", ["none", "every third", "outside the rare words", "a narrow filter"]
)
@pytest.mark.parametrize("select_from", [0, 10**9], ids=["pruned", "all-summed"])
def test_selection_equals_summing_every_list(seed, limit, filtered, select_from, monkeypatch):
    monkeypatch.setattr(top_keywords, "SELECT_MIN_PAIRS", select_from)
    lists = score_lists(seed)
    allowed = {
        "none": None,
        "every third": np.arange(0, ROWS, 3, dtype=np.int64),
        # the best allowed postings then hold common words only: nothing may be pruned
        "outside the rare words": np.setdiff1d(np.arange(ROWS), np.r_[lists[2][0], lists[3][0]]),
        "a narrow filter": np.arange(0, ROWS, 97, dtype=np.int64),  # scored posting by posting
    }[filtered]
    got = best_postings(lists, limit, allowed)
    want = reference(lists, limit, allowed)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_postings_only_in_common_lists_are_never_summed(monkeypatch):
    monkeypatch.setattr(top_keywords, "SELECT_MIN_PAIRS", 0)
    lists = score_lists(7)
    summed = []
    real = top_keywords.full_scores
    monkeypatch.setattr(
        top_keywords, "full_scores", lambda ls, pids: summed.append(len(pids)) or real(ls, pids)
    )
    best_postings(lists, 50)
    holding_any = len(np.unique(np.concatenate([pids for pids, _ in lists])))
    assert max(summed) < holding_any / 5  # the two common words' rows were left out


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("asked", [5, 300, ROWS])
def test_full_scores_by_count_and_by_lookup_are_the_same_sums(seed, asked, monkeypatch):
    lists = score_lists(seed)
    pids = np.sort(np.random.default_rng(seed).choice(ROWS + 50, asked, replace=False))
    pids = pids.astype(np.int64)  # a few past every list: 0
    monkeypatch.setattr(top_keywords, "LOOKUP_COST", 10**9)  # always by count
    counted = top_keywords.full_scores(lists, pids)
    monkeypatch.setattr(top_keywords, "LOOKUP_COST", 0)  # always by lookup
    looked_up = top_keywords.full_scores(lists, pids)
    np.testing.assert_array_equal(counted, looked_up)  # to the last bit
    summed = dict.fromkeys(pids.tolist(), 0.0)
    for list_pids, part in lists:
        for p, value in zip(list_pids.tolist(), part.tolist(), strict=True):
            if p in summed:
                summed[p] += value
    np.testing.assert_array_equal(counted, np.array([summed[p] for p in pids.tolist()]))
