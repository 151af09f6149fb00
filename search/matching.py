"""How many postings a query matches: a calibrated match set, so `total` and the facet counts
count what plausibly fits the query, not every posting that mentions the same kind of work."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from search.ranking import RankingConfig

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class MatchBounds:
    """The calibrated match set of one query (RankingConfig.match_margin), as score floors
    taken from every posting's scores before filters, so a filter only narrows the set and a
    facet count equals what clicking it returns. A posting plausibly matches when both sides
    rank it among their best `candidates` (the model and the words agree), when the model
    ranks it among its best `match_dense_top`, or when either side scores it near its best (the
    words only among their best `candidates`: common words score many postings alike)."""

    dense_both: float  # the candidates-th best dense score
    keyword_both: float  # the candidates-th best BM25 (> 0)
    dense_alone: float
    keyword_alone: float
    keyword_best: float

    @classmethod
    def of(cls, dense: FloatArray, keyword: FloatArray, config: RankingConfig) -> MatchBounds:
        """From every posting's dense and BM25 scores (any order; only matches need be given)."""
        d = np.sort(np.asarray(dense, dtype=np.float64))[::-1]
        k = np.sort(np.asarray(keyword, dtype=np.float64))[::-1]
        k = k[k > 0]
        inf = float("inf")
        keyword_both = float(k[min(config.candidates, len(k)) - 1]) if len(k) else inf
        dense_both, dense_alone = _dense_floors(d, config)
        best = float(k[0]) if len(k) else 0.0
        keyword_alone = (1.0 - config.keyword_margin) * best if best > 0 else inf
        if config.keyword_margin <= 0:
            keyword_alone = inf
        else:
            keyword_alone = max(keyword_alone, keyword_both)
        return cls(dense_both, keyword_both, dense_alone, keyword_alone, best)

    @property
    def dense_floor_score(self) -> float:
        """Below this dense score a posting matches by its words or not at all."""
        return min(self.dense_both, self.dense_alone)

    @staticmethod
    def dense_floor(best_first: FloatArray, config: RankingConfig, every: bool) -> float:
        """The dense score below which a posting can only match by its words, from the best
        dense scores (best first): every posting at or above it is needed to know the match
        set. `every`: these are all the postings; otherwise -inf while too few are known."""
        d = np.asarray(best_first, dtype=np.float64)
        if not every and len(d) < max(config.candidates, config.match_dense_top):
            return float("-inf")
        return min(_dense_floors(d, config))

    def matches(
        self, dense: npt.NDArray[np.floating], keyword: npt.NDArray[np.floating]
    ) -> npt.NDArray[np.bool_]:
        """Which postings, given their dense and BM25 scores (NaN: not seen), are matches."""
        d = np.nan_to_num(np.asarray(dense, dtype=np.float64), nan=-np.inf)
        k = np.nan_to_num(np.asarray(keyword, dtype=np.float64), nan=0.0)
        both = (d >= self.dense_both) & (k >= self.keyword_both)
        return both | (d >= self.dense_alone) | (k >= self.keyword_alone)


def _dense_floors(
    best_first: npt.NDArray[np.float64], config: RankingConfig
) -> tuple[float, float]:
    """(dense_both, dense_alone) from the dense scores best first (inf when there are none)."""
    d = best_first
    if not len(d):
        return float("inf"), float("inf")
    both = float(d[min(config.candidates, len(d)) - 1])
    alone = min(
        float(d[0]) - config.match_margin, float(d[min(config.match_dense_top, len(d)) - 1])
    )
    return both, alone
