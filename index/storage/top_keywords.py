"""The best postings by BM25 without summing every posting that holds a query word (MaxScore,
Turtle and Flood 1995, as Lucene and tantivy use it).

A query's score lists (one per word or phrase: its postings in pid order and its BM25 part in
each) are looked at by their largest part. Once `limit` postings are known to score at least
θ, a posting found only in lists whose largest parts add up to less than θ cannot be among the
best: at a million postings those are the common words ("engineer", "team"), whose lists hold
most of the corpus. Only postings in the other lists are scored, through every list, and the
answer is the same as summing all of them, to the last bit (parts are added in the lists'
order either way) and in the same order (ties by pid).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ScoreList = tuple[IntArray, FloatArray]  # pids ascending, a word's or phrase's part in each
# Below this many (posting, list) pairs, summing them all is as quick as selecting.
SELECT_MIN_PAIRS = 65_536
ALLOWED_SHARE = 8  # a filter this many times smaller than the pairs is scored posting by posting
UNION_BY_COUNT = 16  # pids up to this many times their number are united by counting
LOOKUP_COST = 16  # a posting looked up in a list costs about as much as this many pairs read
BOUND_SLACK = 1e-9  # bounds compared with room for the rounding of float sums


def best_postings(
    lists: Sequence[ScoreList],
    limit: int,
    allowed: IntArray | None = None,
) -> tuple[IntArray, npt.NDArray[np.float32]]:
    """The best `limit` postings (among `allowed`, ascending) by the sum of their parts, best
    first, ties by pid: what summing every list and sorting gives."""
    lists = [(pids, part) for pids, part in lists if len(pids)]
    if limit <= 0 or not lists or (allowed is not None and len(allowed) == 0):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    pairs = sum(len(pids) for pids, _ in lists)
    if allowed is not None and len(allowed) * ALLOWED_SHARE <= pairs:
        candidates = np.asarray(allowed, dtype=np.int64)  # a narrow filter: score it alone
    elif pairs < SELECT_MIN_PAIRS:
        candidates = _union(np.concatenate([pids for pids, _ in lists]))
    else:
        candidates = _could_be_best(lists, limit, allowed)
    if allowed is not None and candidates is not allowed:
        candidates = candidates[np.isin(candidates, allowed)]
    return _best(candidates, full_scores(lists, candidates), limit)


def full_scores(lists: Sequence[ScoreList], pids: IntArray) -> FloatArray:
    """Each posting's sum of its parts (0 where it holds none), added in the lists' order:
    by one count over every pair when the postings asked for are many (each pair is read once),
    else by looking each of them up in each list."""
    pairs = sum(len(list_pids) for list_pids, _ in lists)
    if len(pids) and len(pids) * len(lists) * LOOKUP_COST >= pairs:
        held = np.concatenate([list_pids for list_pids, _ in lists])
        parts = np.concatenate([part for _, part in lists])
        size = max(int(held.max(initial=-1)), int(pids.max())) + 1
        # bincount adds each posting's parts in the order given, the lists' order: the same sums
        by_pid = np.bincount(held, weights=parts, minlength=size)
        return np.asarray(by_pid[pids], dtype=np.float64)
    total = np.zeros(len(pids), dtype=np.float64)
    for list_pids, part in lists:
        at = np.minimum(np.searchsorted(list_pids, pids), len(list_pids) - 1)
        hit = list_pids[at] == pids
        total[hit] += part[at[hit]]
    return total


def _could_be_best(lists: Sequence[ScoreList], limit: int, allowed: IntArray | None) -> IntArray:
    """The postings of the lists that are essential once θ is known: θ is the limit-th best
    score among the postings of the list with the largest part (real postings' full scores,
    so the true limit-th best is at least θ)."""
    bounds = np.array([float(part.max()) for _, part in lists])
    seed = lists[int(np.argmax(bounds))][0]
    if allowed is not None:
        seed = seed[np.isin(seed, allowed)]
    theta = 0.0
    if len(seed) >= limit:
        seed_scores = full_scores(lists, seed)
        theta = float(np.partition(seed_scores, len(seed) - limit)[len(seed) - limit])
    order = np.argsort(bounds, kind="stable")
    below = np.cumsum(bounds[order]) < theta * (1.0 - BOUND_SLACK)
    essential = order[int(below.sum()) :]
    return _union(np.concatenate([lists[i][0] for i in essential]))


def _union(held: IntArray) -> IntArray:
    """The distinct pids, ascending: by counting when the pids are dense enough (no sort, no
    hash), else by np.unique."""
    if len(held) == 0:
        return held
    if int(held.max()) <= UNION_BY_COUNT * len(held):
        return np.flatnonzero(np.bincount(held)).astype(np.int64)
    return np.unique(held)


def _best(
    pids: IntArray, scores: FloatArray, limit: int
) -> tuple[IntArray, npt.NDArray[np.float32]]:
    keep = scores > 0
    pids, scores = pids[keep], scores[keep]
    if len(pids) > limit:
        cut = np.partition(-scores, limit - 1)[limit - 1]
        inside = -scores <= cut
        pids, scores = pids[inside], scores[inside]
    order = np.lexsort((pids, -scores))[:limit]
    return pids[order], scores[order].astype(np.float32)
