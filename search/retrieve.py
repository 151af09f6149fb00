"""The retrieval stage: candidates from each side, filters applied inside them (never after).

Dense: section chunks by cosine, pooled per posting (search.dense). Keyword: postings by BM25
(index.storage.bm25). Each side returns at least `candidates` postings for the fusion. With a
calibrated match set the dense side lists its best down to the match floor (search.matching),
not every posting above `min_score`; those below the floor that match by their words compete by
their keyword rank alone, as a posting past the keyword side's best does by its dense rank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.models import FacetKey
from index.storage.loaded import LoadedIndex
from index.storage.top_keywords import best_postings
from index.timing import StageTimer
from search.dense import dense_matches, dense_postings, posting_scores
from search.matching import MatchBounds
from search.query import PreparedQuery
from search.ranking import FusedScores, PostingScores, RankingConfig

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Candidates:
    dense: PostingScores
    keyword_pids: IntArray
    keyword_scores: FloatArray
    complete: bool  # every allowed chunk could compete (exact search)
    unfiltered: PostingScores | None = None  # every dense match before filters, when known
    calibration: Calibration | None = None  # the calibrated match set, when configured
    admitted: IntArray | None = None  # strong keyword matches below the dense threshold


@dataclass(frozen=True)
class Calibration:
    """The query's match set before filters: its score floors, and the dense and BM25 scores
    of the postings that could match (NaN where a side did not score one), so the service
    and the facet counts agree. Sparse: a query's work does not grow with the corpus."""

    bounds: MatchBounds
    pids: IntArray  # sorted: the postings scored, by either side
    dense: npt.NDArray[np.float64]  # aligned with pids
    keyword: npt.NDArray[np.float64]  # aligned with pids
    admitted: IntArray  # strong keyword matches below the dense threshold, before filters
    # postings below the dense match floor (still above min_score) whose words match
    word_matches: PostingScores = PostingScores.empty()

    @classmethod
    def of(
        cls,
        bounds: MatchBounds,
        dense: PostingScores,
        keyword: tuple[IntArray, FloatArray],
        admitted: IntArray,
        word_matches: PostingScores,
    ) -> Calibration:
        dense_pids = np.concatenate([dense.pids, word_matches.pids])
        dense_scores = np.concatenate([dense.scores, word_matches.scores])
        pids = np.union1d(dense_pids, keyword[0])
        by_dense = np.full(len(pids), np.nan)
        by_dense[np.searchsorted(pids, dense_pids)] = dense_scores
        by_keyword = np.full(len(pids), np.nan)
        by_keyword[np.searchsorted(pids, keyword[0])] = keyword[1]
        return cls(bounds, pids, by_dense, by_keyword, admitted, word_matches)

    def matches(self, pids: IntArray) -> npt.NDArray[np.bool_]:
        at = np.minimum(np.searchsorted(self.pids, pids), max(len(self.pids) - 1, 0))
        if not len(self.pids):
            return np.zeros(len(pids), dtype=bool)
        found = self.pids[at] == pids
        dense = np.where(found, self.dense[at], np.nan)
        keyword = np.where(found, self.keyword[at], np.nan)
        return self.bounds.matches(dense, keyword)

    def matched_pids(self) -> IntArray:
        """Every matching posting, sorted: seen by the dense side or admitted by BM25."""
        seen = np.union1d(self.pids[~np.isnan(self.dense)], self.admitted)
        return seen[self.matches(seen)]


def retrieve_candidates(
    index: LoadedIndex,
    query: PreparedQuery,
    pids: IntArray | None,
    penalties: FloatArray,
    config: RankingConfig,
    needed: int,
    facets: bool,
    timer: StageTimer,
) -> Candidates:
    """Dense and keyword candidates among `pids` (None: every posting)."""
    dense, unfiltered, complete = PostingScores.empty(), None, True
    if config.uses_dense:
        with timer.stage("vector"):
            dense, unfiltered, complete = _dense_side(
                index, query, pids, penalties, config, needed, facets
            )
    calibrating = calibrates(config)
    keyword_pids = np.zeros(0, dtype=np.int64)
    keyword_scores = np.zeros(0, dtype=np.float32)
    every_keyword = (keyword_pids, keyword_scores)
    if config.uses_keywords:
        with timer.stage("keyword"):
            keywords = query.terms + (query.phrases if config.phrase_pairs else ())
            limit = max(needed, config.candidates)
            if calibrating:  # scored once: the best before filters, and the best among them
                lists = index.catalog.keyword_lists(keywords, config.column_weights)
                every_keyword = best_postings(lists, limit)
                keyword_pids, keyword_scores = every_keyword
                if pids is not None:
                    keyword_pids, keyword_scores = best_postings(lists, limit, pids)
            else:
                keyword_pids, keyword_scores = index.catalog.keyword_search(
                    keywords, limit, pids, config.column_weights
                )
    calibration, admitted = None, None
    if calibrating:
        with timer.stage("calibrate"):
            calibration = _calibrate(
                index, query, pids, penalties, config, dense, unfiltered, every_keyword
            )
            # Each side lists its best: the dense side down to the match floor. A posting
            # below it that matches by its words competes by its keyword rank alone.
            dense = dense.take(dense.scores >= calibration.bounds.dense_floor_score)
            admitted = np.union1d(calibration.admitted, calibration.word_matches.pids)
            if pids is not None:
                admitted = np.intersect1d(admitted, pids)
    elif config.min_score > 0 and config.uses_keywords and len(keyword_scores):
        best = float(keyword_scores[0])
        admitted = admitted_by_keywords(index, query, keyword_pids, keyword_scores, best, config)
    return Candidates(
        dense, keyword_pids, keyword_scores, complete, unfiltered, calibration, admitted
    )


def admitted_by_keywords(
    index: LoadedIndex,
    query: PreparedQuery,
    keyword_pids: IntArray,
    keyword_scores: FloatArray,
    best: float,
    config: RankingConfig,
) -> IntArray:
    """Keyword matches strong enough to count without the dense side: near the best BM25, and
    holding most of the query's words (one rare word alone is no match)."""
    if config.keyword_admit <= 0 or best <= 0:
        return np.zeros(0, dtype=np.int64)
    strong = np.sort(keyword_pids[keyword_scores >= config.keyword_admit * best])
    _, in_job = index.catalog.coverage(query.terms, strong)
    return strong[in_job >= config.admit_coverage]


def _calibrate(
    index: LoadedIndex,
    query: PreparedQuery,
    pids: IntArray | None,
    penalties: FloatArray,
    config: RankingConfig,
    dense: PostingScores,
    unfiltered: PostingScores | None,
    every_keyword: tuple[IntArray, FloatArray],
) -> Calibration:
    """The scores before filters of the postings that could match, and the floors."""
    if unfiltered is None:
        unfiltered = dense if pids is None else None
    if unfiltered is None:
        unfiltered, _ = _dense(index, query, None, penalties, config, 0)
    keyword_pids, keyword_scores = every_keyword
    bounds = MatchBounds.of(unfiltered.scores, keyword_scores, config)
    # The dense list stops at the match floor; a posting below it whose words match is still
    # a match if its dense score clears min_score, so that score is taken exactly.
    by_words = keyword_pids[keyword_scores >= bounds.keyword_alone]
    unseen = np.setdiff1d(by_words, unfiltered.pids)
    word_matches = posting_scores(index, query.vector, unseen, penalties)
    word_matches = word_matches.take(word_matches.scores >= config.min_score)
    best = bounds.keyword_best
    admitted = admitted_by_keywords(index, query, keyword_pids, keyword_scores, best, config)
    # BM25 below the both-sides floor decides nothing (search.matching): keep the best only
    strong = keyword_scores >= min(bounds.keyword_both, bounds.keyword_alone)
    keyword = (keyword_pids[strong], keyword_scores[strong])
    return Calibration.of(bounds, unfiltered, keyword, admitted, word_matches)


def _dense_side(
    index: LoadedIndex,
    query: PreparedQuery,
    pids: IntArray | None,
    penalties: FloatArray,
    config: RankingConfig,
    needed: int,
    facets: bool,
) -> tuple[PostingScores, PostingScores | None, bool]:
    wanted = max(needed, config.candidates) if config.uses_keywords else needed
    filter_afterwards = config.min_score > 0 and pids is not None and facets
    if filter_afterwards and index.store.exact():
        # A threshold search returns every match, so filtering afterwards is exact, and the
        # unfiltered matches are what the facet counts need anyway. (Without facets the filter
        # restricts the search: a narrow one scores a few chunks. On an approximate index a
        # narrow filter must restrict the search itself.)
        unfiltered, complete = _dense(index, query, None, penalties, config, wanted)
        allowed_mask = np.zeros(index.catalog.posting_count, dtype=bool)
        allowed_mask[pids] = True
        return unfiltered.take(allowed_mask[unfiltered.pids]), unfiltered, complete
    allowed = None if pids is None else index.catalog.chunk_ids(pids)
    dense, complete = _dense(index, query, allowed, penalties, config, wanted)
    return dense, None, complete


def _dense(
    index: LoadedIndex,
    query: PreparedQuery,
    allowed: IntArray | None,
    penalties: FloatArray,
    config: RankingConfig,
    wanted: int,
) -> tuple[PostingScores, bool]:
    """The dense list: with a calibrated match set, the postings it could need (the model's
    best, down to the match floor); otherwise every posting above `min_score`, or the best
    `wanted`."""
    if calibrates(config):
        return dense_matches(index, query.vector, allowed, penalties, config, _match_floor(config))
    return dense_postings(index, query.vector, allowed, penalties, config, wanted)


def _match_floor(config: RankingConfig) -> Callable[[FloatArray, bool], float]:
    return lambda best_first, every: MatchBounds.dense_floor(best_first, config, every)


def calibrates(config: RankingConfig) -> bool:
    """Whether the match set is calibrated per query (search.matching)."""
    return config.match_margin > 0 and config.min_score > 0 and config.uses_keywords


def matched_before_filters(
    index: LoadedIndex,
    query: PreparedQuery,
    penalties: FloatArray,
    config: RankingConfig,
    fused: FusedScores,
    candidates: Candidates,
    conditions: dict[str, list[FacetKey]],
) -> IntArray | None:
    """The postings the query matches before filters (sorted), or None when every posting
    does: facet counts for a field ignore that field's own filter, so they need the matches
    the filters took away too."""
    if candidates.calibration is not None:
        return candidates.calibration.matched_pids()
    if candidates.unfiltered is not None:
        return np.sort(candidates.unfiltered.pids)
    if not (config.min_score > 0 or not config.uses_dense):
        return None
    if not conditions:
        return np.sort(fused.pids)
    if not config.uses_dense:
        pids, _ = index.catalog.keyword_search(
            query.terms, index.catalog.posting_count, None, config.column_weights
        )
        return np.unique(pids)
    dense, _ = dense_postings(index, query.vector, None, penalties, config, 0)
    return np.sort(dense.pids)
