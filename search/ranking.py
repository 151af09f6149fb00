"""Pure functions from scored chunks and postings to one ranked list of postings.

Dense side: a posting's score is its best chunk's score (max-pooling) after section weighting:
a chunk of company context (about us, benefits, legal) or of company boilerplate counts for
less than one describing the job. Keyword side: BM25 over postings. The two lists are fused
by reciprocal rank fusion (default) or a weighted sum of normalized scores. Ties break on ids,
so results are stable across FAISS and numpy scoring paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from index.models import CONTEXT_KINDS, section_kind_code

BOILERPLATE_SHARE = 0.5  # a chunk at least this much boilerplate is boilerplate


@dataclass(frozen=True)
class RankingConfig:
    """How dense and keyword evidence combine. Defaults are chosen on the dev set (README)."""

    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    fusion: Literal["rrf", "weighted"] = "rrf"
    rrf_k: int = 60
    candidates: int = 200  # postings each side contributes to the fusion
    context_penalty: float = 0.0  # subtracted from about-us, benefits and legal chunks
    boilerplate_penalty: float = 0.10  # subtracted from chunks that are company boilerplate
    min_score: float = 0.30  # adjusted best-chunk cosine below which a posting is no match (0: off)
    title_weight: float = 2.0  # BM25 column weights: title, job text, company context
    job_weight: float = 1.0
    context_weight: float = 1.0
    phrase_pairs: int = 0  # 1: adjacent query word pairs also search as phrases
    location_weight: float = 1.0  # RRF weight of postings in the place the query names
    level_weight: float = 1.0  # RRF weight of postings at the level the query names
    language_weight: float = 0.5  # RRF weight of postings asking for a language the query names
    # RRF weights of two more lists over the best `rerank_depth` fused postings: by how much of
    # the query's words the title holds (the role named), and the title or job text holds
    # (every part of the query, not one strongly). 0: off.
    title_match_weight: float = 0.0
    coverage_weight: float = 0.0
    aspect_weight: float = 0.5  # a list by the weakest part of the query (search.aspects)
    rerank_depth: int = 200
    # A keyword-only posting (below min_score on the dense side) is a match when its BM25 is at
    # least this share of the best one's and its title and job text hold at least
    # `admit_coverage` of the query's words (IDF-weighted). 0: only the dense side admits.
    keyword_admit: float = 0.5
    admit_coverage: float = 0.5
    # The match set, calibrated per query (calibrated_matches): a posting counts (in `total`,
    # the facets and the results) when both sides rank it among their best `candidates`, or
    # its dense score is within `match_margin` of the best, or its BM25 within `keyword_margin`
    # (a share) of the best BM25. 0: every posting above min_score counts.
    match_margin: float = 0.1
    keyword_margin: float = 0.5
    match_dense_top: int = 50  # the model's own best this many always count
    demote_wrong_level: bool = True  # clearly wrong levels go below every other match
    expand_abbreviations: bool = True  # "SRE", "k8s", "ML eng" also read as their long forms

    @property
    def column_weights(self) -> tuple[float, float, float]:
        return (self.title_weight, self.job_weight, self.context_weight)

    @property
    def uses_dense(self) -> bool:
        return self.dense_weight > 0 or self.min_score > 0

    @property
    def uses_keywords(self) -> bool:
        return self.keyword_weight > 0

    def with_overrides(self, **changes: object) -> RankingConfig:
        return replace(self, **changes)  # type: ignore[arg-type]


# The two baselines the default is measured against: each side alone, no threshold.
PRESETS: dict[str, RankingConfig] = {
    "dense": RankingConfig(
        keyword_weight=0.0,
        context_penalty=0.0,
        boilerplate_penalty=0.0,
        min_score=0.0,
        match_margin=0.0,
    ),
    "bm25": RankingConfig(dense_weight=0.0, min_score=0.0, match_margin=0.0),
}


def parse_config(spec: str, default: RankingConfig) -> tuple[str, RankingConfig]:
    """'NAME' or 'NAME:field=value,...' → a named configuration. NAME is a preset (dense, bm25)
    or anything else for the default; the fields override it ("rrf:rrf_k=30,min_score=0.2")."""
    name, _, overrides = spec.partition(":")
    config = PRESETS.get(name, default)
    types = {f.name: f.type for f in fields(RankingConfig)}
    changes: dict[str, object] = {}
    for item in filter(None, overrides.split(",")):
        key, sep, value = item.partition("=")
        if not sep or key not in types:
            raise ValueError(f"bad ranking override {item!r}; fields: {', '.join(types)}")
        kind = str(types[key])
        if kind == "bool":
            changes[key] = value.casefold() in ("1", "true", "yes", "on")
        else:
            changes[key] = (
                int(value) if kind == "int" else float(value) if kind == "float" else value
            )
    return name, replace(config, **changes)  # type: ignore[arg-type]


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PostingScore:
    pid: int
    score: float
    chunk_id: int  # the best-matching chunk


@dataclass(frozen=True)
class FusedScore:
    pid: int
    score: float
    dense: float | None  # best adjusted chunk score, when the dense side saw the posting
    keyword: float | None  # BM25, when the keyword side matched it
    chunk_id: int | None


@dataclass(frozen=True)
class PostingScores:
    """Postings best first as parallel arrays: a broad query matches thousands of postings, and
    only the page shown becomes Python objects."""

    pids: IntArray
    scores: FloatArray
    chunk_ids: IntArray  # each posting's best-matching chunk

    @classmethod
    def empty(cls) -> PostingScores:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.pids)

    def take(self, rows: npt.NDArray[np.bool_] | IntArray | slice) -> PostingScores:
        """The rows selected (a mask, indices or a slice), in their order."""
        return PostingScores(self.pids[rows], self.scores[rows], self.chunk_ids[rows])

    def items(self) -> list[PostingScore]:
        return [
            PostingScore(p, s, c)
            for p, s, c in zip(
                self.pids.tolist(), self.scores.tolist(), self.chunk_ids.tolist(), strict=True
            )
        ]


@dataclass(frozen=True)
class FusedScores:
    """The fused ranking as parallel arrays, best first; NaN (or chunk -1) where a side did not
    see the posting."""

    pids: IntArray
    scores: npt.NDArray[np.float64]
    dense: FloatArray
    keyword: FloatArray
    chunk_ids: IntArray

    def __len__(self) -> int:
        return len(self.pids)

    def take(self, rows: npt.NDArray[np.bool_] | IntArray | slice) -> FusedScores:
        """The rows selected (a mask, indices or a slice), in their order."""
        return FusedScores(
            self.pids[rows],
            self.scores[rows],
            self.dense[rows],
            self.keyword[rows],
            self.chunk_ids[rows],
        )

    def items(self, rows: IntArray | slice | None = None) -> list[FusedScore]:
        """The rows selected (all by default) as objects, for a page of results."""
        rows = slice(None) if rows is None else rows
        return [
            FusedScore(
                pid,
                score,
                None if dense != dense else dense,  # NaN: not seen by the dense side
                None if keyword != keyword else keyword,
                None if chunk < 0 else chunk,
            )
            for pid, score, dense, keyword, chunk in zip(
                self.pids[rows].tolist(),
                self.scores[rows].tolist(),
                self.dense[rows].tolist(),
                self.keyword[rows].tolist(),
                self.chunk_ids[rows].tolist(),
                strict=True,
            )
        ]


def chunk_penalties(
    kinds: npt.NDArray[np.int8], boilerplate: npt.NDArray[np.float32], config: RankingConfig
) -> npt.NDArray[np.float32]:
    """What to subtract from each chunk's cosine before it competes for its posting."""
    codes = [section_kind_code(kind) for kind in CONTEXT_KINDS]
    penalty = np.where(np.isin(kinds, codes), config.context_penalty, 0.0)
    penalty += np.where(boilerplate >= BOILERPLATE_SHARE, config.boilerplate_penalty, 0.0)
    return penalty.astype(np.float32)


def best_chunk_per_posting(
    scores: FloatArray, chunk_ids: IntArray, chunk_pid: IntArray
) -> PostingScores:
    """Distinct postings, best first (ties by pid), each with its best chunk among the hits
    given (ties by chunk id). Linear in the hits after one sort by chunk id, which is skipped
    when they come in id order: a posting's chunks are then one run, pooled by reduceat."""
    if len(chunk_ids) == 0:
        return PostingScores.empty()
    if not np.all(chunk_ids[1:] > chunk_ids[:-1]):
        order = np.argsort(chunk_ids, kind="stable")
        scores, chunk_ids = scores[order], chunk_ids[order]
    pids = chunk_pid[chunk_ids]
    starts = np.flatnonzero(np.r_[True, pids[1:] != pids[:-1]])
    best = np.maximum.reduceat(scores, starts)
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(pids)]))
    at_best = np.flatnonzero(scores == best[run])
    first = at_best[np.r_[True, run[at_best][1:] != run[at_best][:-1]]]  # lowest id per run
    posting_pids = pids[starts]
    order = np.lexsort((posting_pids, -best))
    return PostingScores(
        posting_pids[order], best[order].astype(np.float32), chunk_ids[first][order]
    )


def fuse(
    dense: PostingScores,
    keyword_pids: IntArray,
    keyword_scores: FloatArray,
    config: RankingConfig,
    admitted: IntArray | None = None,
) -> FusedScores:
    """One ranked list from the dense and keyword lists (ties by pid).

    With a `min_score`, the postings the dense side accepted are matches, plus the `admitted`
    ones (strong keyword matches the caller lets in, search.retrieve); the keyword side
    reorders them. Without one, the union of both lists competes.
    """
    size = int(max(dense.pids.max(initial=-1), keyword_pids.max(initial=-1))) + 1
    dense_rank, dense_score = _by_pid(size, dense.pids, dense.scores)
    keyword_rank, keyword_score = _by_pid(size, keyword_pids, keyword_scores)
    dense_chunk = np.full(size, -1, dtype=np.int64)
    dense_chunk[dense.pids] = dense.chunk_ids
    if not config.uses_dense:
        eligible = keyword_pids
    elif config.min_score > 0:
        eligible = dense.pids
        if admitted is not None and len(admitted):
            admitted = admitted[admitted < size]
            eligible = np.concatenate([eligible, admitted[dense_rank[admitted] == 0]])
    else:  # the union: dense order, then keyword-only postings in keyword order
        eligible = np.concatenate([dense.pids, keyword_pids[dense_rank[keyword_pids] == 0]])
    d_rank, k_rank = dense_rank[eligible], keyword_rank[eligible]
    d_score, k_score = dense_score[eligible], keyword_score[eligible]
    seen_d, seen_k = d_rank > 0, k_rank > 0
    if config.fusion == "rrf":
        score = np.where(seen_d, config.dense_weight / (config.rrf_k + d_rank), 0.0) + np.where(
            seen_k, config.keyword_weight / (config.rrf_k + k_rank), 0.0
        )
    else:
        top_keyword = float(keyword_scores[0]) if len(keyword_scores) else 1.0
        keyword_part = (
            np.where(seen_k, config.keyword_weight * k_score / top_keyword, 0.0)
            if top_keyword > 0
            else np.zeros(len(eligible))
        )
        score = np.where(seen_d, config.dense_weight * d_score, 0.0) + keyword_part
    if config.dense_weight <= 0:  # the keyword side alone keeps its own scores
        score = np.where(seen_k, k_score, score)
    if not config.uses_keywords:  # the dense side alone keeps its own scores
        score = np.where(seen_d, d_score, score)
    chunk = dense_chunk[eligible]
    order = np.lexsort((eligible, -score))
    return FusedScores(
        eligible[order],
        score[order],
        d_score[order].astype(np.float32),
        k_score[order].astype(np.float32),
        chunk[order],
    )


def _by_pid(
    size: int, pids: IntArray, scores: FloatArray
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Rank (1-based, 0: absent) and score (NaN: absent), looked up by pid."""
    rank = np.zeros(size, dtype=np.int64)
    rank[pids] = np.arange(1, len(pids) + 1)
    score = np.full(size, np.nan)
    score[pids] = scores
    return rank, score


def prefer(
    fused: FusedScores, preferred: npt.NDArray[np.bool_], config: RankingConfig, weight: float
) -> FusedScores:
    """Raise the postings where `preferred` (indexed by pid) is true: they form one more list in
    the reciprocal rank fusion, in their fused order, weighted `weight`. At weight 1 the best
    preferred posting goes first and the next ones rise a long way, but the best matches
    elsewhere stay above weak preferred ones: the seeker sees what fits where (or at the level)
    they asked first, and still sees the strongest matches. Other fusions have no common scale
    for it and are returned as they are."""
    fusing = config.fusion == "rrf" and config.uses_keywords and config.dense_weight > 0
    if not fusing or weight <= 0 or len(fused) == 0:
        return fused
    hit = preferred[fused.pids]
    rank = np.cumsum(hit)
    score = fused.scores + np.where(hit, weight / (config.rrf_k + rank), 0.0)
    return _reordered(fused, score)


def boost_by_rank(
    fused: FusedScores,
    lists: Sequence[tuple[npt.NDArray[np.float64], float]],
    config: RankingConfig,
) -> FusedScores:
    """Add reciprocal-rank lists over the first postings: each list orders the first
    len(values) postings by `values` (higher first; ties keep the fused order) and adds
    weight / (rrf_k + rank) to their scores."""
    score = fused.scores.copy()
    for values, weight in lists:
        depth = len(values)
        if weight <= 0 or depth == 0:
            continue
        order = np.lexsort((np.arange(depth), -values))
        rank = np.empty(depth, dtype=np.int64)
        rank[order] = np.arange(1, depth + 1)
        score[:depth] += weight / (config.rrf_k + rank)
    return _reordered(fused, score)


def demote(fused: FusedScores, demoted: npt.NDArray[np.bool_]) -> FusedScores:
    """Move the postings where `demoted` (indexed by pid) is true below all the others, each
    group keeping its order: a clearly wrong level stays findable, after everything else."""
    if len(fused) == 0:
        return fused
    return fused.take(np.argsort(demoted[fused.pids], kind="stable"))


def _reordered(fused: FusedScores, score: npt.NDArray[np.float64]) -> FusedScores:
    order = np.lexsort((fused.pids, -score))
    return replace(fused.take(order), scores=score[order])
