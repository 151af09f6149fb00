"""The dense side: chunks scored by the query vector, weighted by section, pooled per posting.

Three exact modes (on an approximate index, `store.exact` says when they are not). With a
`min_score`, a range search returns every chunk that could pass, so the list is every matching
posting (and `total` is exact). Without one, the top-k chunk fetch widens
until enough postings are final: since penalties only lower a score, a posting whose adjusted
score is at least the k-th raw score cannot be overtaken by a chunk not yet fetched. With a
calibrated match set (search.matching), the same widening fetch stops once every posting the
match set could need is final: a broad query has thousands of postings above `min_score`, but
only the best few hundred can match by their meaning. A match set that reaches past
MATCH_FETCH_MAX chunks (a large index where a query's texts recur thousands of times) is known
as far as that fetch goes: its postings are all real matches, the rest are left uncounted,
and the result says it is not exhaustive (the total is then a lower bound).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from index.models import Vectors
from index.storage.loaded import LoadedIndex
from search.ranking import PostingScores, RankingConfig, best_chunk_per_posting

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
MIN_FETCH = 256
MATCH_FETCH = 1024  # chunks first fetched for a calibrated match set (a few hundred postings)
MATCH_FETCH_MAX = 16_384  # chunks fetched at most for it (four times the first fetch, twice)


def dense_postings(
    index: LoadedIndex,
    query: Vectors,
    allowed_chunks: IntArray | None,
    penalties: FloatArray,
    config: RankingConfig,
    needed: int,
) -> tuple[PostingScores, bool]:
    """Postings best first by adjusted best-chunk score, and whether the list is complete
    (every allowed posting above `min_score`, or every allowed posting at all)."""
    store, chunk_pid = index.store, index.catalog.chunk_pid
    if config.min_score > 0:
        scores, ids = store.range_search(query, config.min_score, allowed_chunks)
        adjusted = scores - penalties[ids]
        keep = adjusted >= config.min_score
        ranked = best_chunk_per_posting(adjusted[keep], ids[keep], chunk_pid)
        return ranked, store.exact(allowed_chunks)
    available = store.size if allowed_chunks is None else len(allowed_chunks)
    k = min(available, max(4 * needed, MIN_FETCH))
    while True:
        scores, ids = store.search(query, k, allowed_chunks)
        ranked = best_chunk_per_posting(scores - penalties[ids], ids, chunk_pid)
        if k >= available:
            return ranked, store.exact(allowed_chunks)
        floor = float(scores[-1]) if len(scores) else float("-inf")
        final = ranked.take(ranked.scores >= floor)
        if len(final) >= needed:
            return final, False
        k = min(available, k * 4)


def dense_matches(
    index: LoadedIndex,
    query: Vectors,
    allowed_chunks: IntArray | None,
    penalties: FloatArray,
    config: RankingConfig,
    floor_for: Callable[[FloatArray, bool], float],
) -> tuple[PostingScores, bool]:
    """Postings best first down to the floor the match set needs, never below `min_score`:
    `floor_for(best scores, every)` says it from the postings known so far (-inf: more are
    needed). Returns them and whether they are all of them (an exact search, not stopped at
    MATCH_FETCH_MAX)."""
    store, chunk_pid = index.store, index.catalog.chunk_pid
    available = store.size if allowed_chunks is None else len(allowed_chunks)
    k = min(available, MATCH_FETCH)
    while True:
        scores, ids, unseen = store.best_with_bound(query, k, allowed_chunks)
        ranked = best_chunk_per_posting(scores - penalties[ids], ids, chunk_pid)
        ranked = ranked.take(ranked.scores >= config.min_score)
        every = k >= available or unseen < config.min_score  # all that could pass
        final = ranked if every else ranked.take(ranked.scores >= unseen)
        floor = max(config.min_score, floor_for(final.scores, every))
        if every or floor >= unseen:
            return ranked.take(ranked.scores >= floor), store.exact(allowed_chunks)
        if k >= MATCH_FETCH_MAX:  # the postings known for certain: those above every unseen chunk
            return final.take(final.scores >= floor), False
        k = min(available, k * 4)


def posting_scores(
    index: LoadedIndex, query: Vectors, pids: IntArray, penalties: FloatArray
) -> PostingScores:
    """These postings scored exactly by their best chunk (adjusted), best first."""
    if len(pids) == 0:
        return PostingScores.empty()
    chunk_ids = index.catalog.chunk_ids(np.sort(pids))
    raw = index.store.similarities(query, chunk_ids)
    return best_chunk_per_posting(raw - penalties[chunk_ids], chunk_ids, index.catalog.chunk_pid)


def best_chunks(
    index: LoadedIndex, query: Vectors, pids: list[int], penalties: FloatArray
) -> dict[int, tuple[int, float, float]]:
    """For each posting, its best chunk by adjusted score: (chunk id, adjusted, raw cosine).
    Exact over all of the posting's chunks, for the results on one page."""
    if not pids:
        return {}
    chunk_ids = index.catalog.chunk_ids(np.array(pids, dtype=np.int64))
    raw = index.store.similarities(query, chunk_ids)
    adjusted = raw - penalties[chunk_ids]
    best: dict[int, tuple[int, float, float]] = {}
    for chunk_id, adj, cos in zip(chunk_ids.tolist(), adjusted.tolist(), raw.tolist(), strict=True):
        pid = int(index.catalog.chunk_pid[chunk_id])
        if pid not in best or adj > best[pid][1]:
            best[pid] = (chunk_id, adj, cos)
    return best
