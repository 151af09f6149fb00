"""Eval-gated promotion: a new build is scored on judged queries before it may serve, and refused
when its nDCG@10 falls more than a margin below the build being served."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from index.embedding.base import Embedder
from index.storage.loaded import LoadedIndex
from search.evaluation import Qrels, evaluate
from search.ranking import RankingConfig
from search.results import SearchRequest
from search.service import SearchService


@dataclass(frozen=True)
class GateVerdict:
    candidate: float  # nDCG@10 of the new build
    serving: float | None  # nDCG@10 of the build being served (None: nothing serves yet)
    max_drop: float

    @property
    def passed(self) -> bool:
        return self.serving is None or self.candidate >= self.serving - self.max_drop

    def describe(self) -> str:
        serving = "no build serving" if self.serving is None else f"serving {self.serving:.4f}"
        verdict = "passed" if self.passed else f"refused: dropped more than {self.max_drop}"
        return f"gate {verdict} (nDCG@10 new {self.candidate:.4f}, {serving})"


def ndcg_of(
    index: LoadedIndex,
    embedder: Embedder,
    config: RankingConfig,
    queries: Mapping[str, str],
    qrels: Qrels,
) -> float:
    """Mean nDCG@10 of `index` on the judged queries."""
    service = SearchService(embedder, index, config)

    def run(query: str) -> list[str]:
        return [h.posting.id for h in service.search(SearchRequest(query, limit=50)).hits]

    return evaluate("gate", run, queries, qrels).mean["ndcg10"]


def judge_build(
    candidate: LoadedIndex,
    serving: LoadedIndex | None,
    embedder: Embedder,
    config: RankingConfig,
    queries: Mapping[str, str],
    qrels: Qrels,
    max_drop: float,
) -> GateVerdict:
    new = ndcg_of(candidate, embedder, config, queries, qrels)
    old = None if serving is None else ndcg_of(serving, embedder, config, queries, qrels)
    return GateVerdict(new, old, max_drop)
