"""Postings like a given one, from its stored chunk vectors: nothing is re-embedded.

The choice, and why:
- A posting is represented by one vector, the normalized mean of its job chunks (role,
  requirements, team...). Company context (about us, benefits, legal) and company
  boilerplate are left out: they are shared by every posting of an employer, and would make
  "similar" mean "same employer". A posting that is nothing but context falls back to all of
  its chunks. The mean of a few sections reads like a short description of the job, the same
  kind of vector a job seeker's query becomes.
- Every other allowed posting is scored by its best chunk against that vector (max-pooling),
  with the same section weighting as search (boilerplate weighted down), exactly: the same
  dense ranking a query gets, so filters mean exactly what they mean for search.
- Left out: the posting itself, and the same job posted again (same company and title, e.g.
  once per city), which would otherwise fill the first page with copies.
- No "no good match" threshold: every posting has nearest neighbours, and the keyword side
  plays no part (there is no query text).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.models import CONTEXT_KINDS, Vectors, section_kind_code
from index.storage.bm25 import query_terms
from index.storage.loaded import LoadedIndex
from search.dense import dense_postings
from search.ranking import BOILERPLATE_SHARE, PostingScores, RankingConfig

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SimilarPostings:
    vector: Vectors  # what the source posting was represented by
    title_terms: tuple[str, ...]  # the source's title words, to highlight in snippets
    ranked: PostingScores  # best first; at least `needed` unless fewer are allowed
    total: int  # postings that could be returned (allowed, minus the source and its reposts)
    exhaustive: bool  # every allowed posting was scored


def similar_config(config: RankingConfig) -> RankingConfig:
    """Search's section weighting, dense only, no threshold."""
    return config.with_overrides(keyword_weight=0.0, min_score=0.0)


def profile_vector(index: LoadedIndex, pid: int) -> Vectors:
    """The vector that stands for a posting: the mean of its job chunks, normalized."""
    catalog = index.catalog
    start, end = int(catalog.chunk_start[pid]), int(catalog.chunk_end[pid])
    kinds = catalog.chunk_kind[start:end]
    context = [section_kind_code(k) for k in CONTEXT_KINDS]
    job = ~np.isin(kinds, context) & (catalog.chunk_boilerplate[start:end] < BOILERPLATE_SHARE)
    rows = np.arange(start, end)[job] if job.any() else np.arange(start, end)
    mean = index.store.vectors_of(rows).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    vector: Vectors = (mean / norm if norm else mean).astype(np.float32)
    return vector


def similar_postings(
    index: LoadedIndex,
    source: int,
    allowed: IntArray | None,
    penalties: FloatArray,
    config: RankingConfig,
    needed: int,
) -> SimilarPostings:
    """Postings like `source` among `allowed` (None: all), best first, from stored vectors.

    `config` is `similar_config(...)` of the search configuration; `penalties` its chunk
    penalties; `needed` how many of the best are wanted (offset + limit)."""
    catalog = index.catalog
    vector = profile_vector(index, source)
    excluded = catalog.same_job(source)  # the source itself included
    if allowed is None:
        # Unfiltered: search everything and drop the few excluded afterwards. An exact top list
        # stays exact once some of its members are removed, so ask for that many more.
        ranked, exhaustive = dense_postings(
            index, vector, None, penalties, config, needed + len(excluded)
        )
        ranked = ranked.take(~np.isin(ranked.pids, excluded))
        total = catalog.live_count - len(excluded)
    else:
        candidates = np.setdiff1d(allowed, excluded, assume_unique=True)
        ranked, exhaustive = dense_postings(
            index, vector, catalog.chunk_ids(candidates), penalties, config, needed
        )
        total = len(candidates)
    title = catalog.summaries([source])[source].title
    return SimilarPostings(vector, tuple(query_terms(title)), ranked, total, exhaustive)
