"""Pure functions from scored chunks and postings to one ranked list of postings.

Dense side: a posting's score is its best chunk's score (max-pooling) after section weighting:
a chunk of company context (about us, benefits, legal) or of company boilerplate counts for
less than one describing the job. Keyword side: BM25 over postings. The two lists are fused
by reciprocal rank fusion (default) or a weighted sum of normalized scores. Ties break on ids,
so results are stable across FAISS and numpy scoring paths.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from index.models import SectionKind
from index.settings import Settings

CONTEXT_KINDS = (SectionKind.ABOUT_COMPANY, SectionKind.BENEFITS, SectionKind.LEGAL)
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
    title_weight: float = 3.0  # BM25 column weights: title, job text, company context
    job_weight: float = 1.0
    context_weight: float = 0.2
    phrase_pairs: int = 0  # 1: adjacent query word pairs also search as phrases

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

    @classmethod
    def from_settings(cls, settings: Settings) -> RankingConfig:
        return cls(
            dense_weight=settings.dense_weight,
            keyword_weight=settings.keyword_weight,
            fusion=settings.fusion,
            rrf_k=settings.rrf_k,
            candidates=settings.candidates,
            context_penalty=settings.context_penalty,
            boilerplate_penalty=settings.boilerplate_penalty,
            min_score=settings.min_score,
            title_weight=settings.title_weight,
            job_weight=settings.job_weight,
            context_weight=settings.context_weight,
            phrase_pairs=settings.phrase_pairs,
        )


# The two baselines the default is measured against: each side alone, no threshold.
PRESETS: dict[str, RankingConfig] = {
    "dense": RankingConfig(
        keyword_weight=0.0, context_penalty=0.0, boilerplate_penalty=0.0, min_score=0.0
    ),
    "bm25": RankingConfig(dense_weight=0.0, min_score=0.0),
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
        changes[key] = int(value) if kind == "int" else float(value) if kind == "float" else value
    return name, replace(config, **changes)  # type: ignore[arg-type]


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


def chunk_penalties(
    kinds: npt.NDArray[np.int8], boilerplate: npt.NDArray[np.float32], config: RankingConfig
) -> npt.NDArray[np.float32]:
    """What to subtract from each chunk's cosine before it competes for its posting."""
    codes = [list(SectionKind).index(kind) for kind in CONTEXT_KINDS]
    penalty = np.where(np.isin(kinds, codes), config.context_penalty, 0.0)
    penalty += np.where(boilerplate >= BOILERPLATE_SHARE, config.boilerplate_penalty, 0.0)
    return penalty.astype(np.float32)


def best_chunk_per_posting(
    scores: npt.NDArray[np.float32],
    chunk_ids: npt.NDArray[np.int64],
    chunk_pid: npt.NDArray[np.int64],
) -> list[PostingScore]:
    """Distinct postings, best first, each with its best chunk among the hits given."""
    if len(chunk_ids) == 0:
        return []
    order = np.lexsort((chunk_ids, -scores))
    pids = chunk_pid[chunk_ids[order]]
    _, first = np.unique(pids, return_index=True)
    first.sort()
    picked = order[first]
    return [
        PostingScore(int(chunk_pid[chunk_ids[i]]), float(scores[i]), int(chunk_ids[i]))
        for i in picked
    ]


def fuse(
    dense: list[PostingScore],
    keyword_pids: npt.NDArray[np.int64],
    keyword_scores: npt.NDArray[np.float32],
    config: RankingConfig,
) -> list[FusedScore]:
    """One ranked list from the dense and keyword lists.

    With a `min_score`, only postings the dense side accepted are matches; the keyword side
    reorders them. Without one, the union of both lists competes.
    """
    dense_by_pid = {d.pid: (rank, d) for rank, d in enumerate(dense, start=1)}
    keyword_by_pid = {
        int(p): (rank, float(s))
        for rank, (p, s) in enumerate(zip(keyword_pids, keyword_scores, strict=True), start=1)
    }
    eligible = (
        list(dense_by_pid)
        if config.min_score > 0
        else list(dict.fromkeys([*dense_by_pid, *keyword_by_pid]))
    )
    if not config.uses_dense:
        eligible = list(keyword_by_pid)
    top_keyword = float(keyword_scores[0]) if len(keyword_scores) else 1.0
    fused = []
    for pid in eligible:
        d = dense_by_pid.get(pid)
        k = keyword_by_pid.get(pid)
        if not config.uses_keywords and d:  # one side alone keeps its own scores
            score = d[1].score
        elif config.dense_weight <= 0 and k:
            score = k[1]
        elif config.fusion == "rrf":
            score = (config.dense_weight / (config.rrf_k + d[0]) if d else 0.0) + (
                config.keyword_weight / (config.rrf_k + k[0]) if k else 0.0
            )
        else:
            score = (config.dense_weight * d[1].score if d else 0.0) + (
                config.keyword_weight * k[1] / top_keyword if k and top_keyword > 0 else 0.0
            )
        fused.append(
            FusedScore(
                pid,
                score,
                d[1].score if d else None,
                k[1] if k else None,
                d[1].chunk_id if d else None,
            )
        )
    fused.sort(key=lambda f: (-f.score, f.pid))
    return fused
