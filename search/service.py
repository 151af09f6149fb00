"""SearchService: a query and filters in, ranked postings out.

Filters restrict the vector search itself (exact at every selectivity): the allowed postings'
chunk ids go to the store, which scores them exactly. The service holds one loaded index at a
time; each call takes its own reference first, so swapping in a new build never mixes two.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from index.catalog import PostingSummary
from index.embedder import Embedder
from index.loaded import LoadedIndex
from index.models import Section, SectionKind
from search.errors import PostingNotFoundError
from search.filters import Filters, facet_conditions
from search.ranking import PostingScore, best_chunk_per_posting
from search.snippets import make_snippet


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    offset: int = 0


@dataclass(frozen=True)
class SearchHit:
    posting: PostingSummary
    score: float | None  # None when listing without a query
    section: str | None  # heading of the best-matching section ("" for an untitled intro)
    section_kind: SectionKind | None
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int  # postings matching the filters (and the query, where it constrains)
    exhaustive: bool  # True when every allowed chunk could compete (exact search)
    index_version: str
    stages_ms: dict[str, float]


@dataclass(frozen=True)
class PostingDetail:
    posting: PostingSummary
    sections: list[Section]


class SearchService:
    def __init__(self, embedder: Embedder, index: LoadedIndex) -> None:
        self.embedder = embedder
        self._index = index

    @property
    def index(self) -> LoadedIndex:
        return self._index

    def swap(self, index: LoadedIndex) -> LoadedIndex:
        """Serve `index` from now on; calls already running finish on the old one."""
        old, self._index = self._index, index
        return old

    def search(self, request: SearchRequest) -> SearchResult:
        index = self._index
        stages: dict[str, float] = {}
        clock = time.perf_counter()
        conditions = facet_conditions(request.filters)
        pids = index.catalog.pids_matching(conditions) if conditions else None
        total = index.catalog.posting_count if pids is None else len(pids)
        stages["filter_ms"] = _lap(clock)
        if not request.query.strip():
            hits = self._newest(index, pids, request)
            stages["hydrate_ms"] = _lap(clock) - stages["filter_ms"]
            return SearchResult(hits, total, True, index.version, stages)

        started = time.perf_counter()
        query_vector = self.embedder.embed_query(request.query)
        stages["embed_ms"] = _lap(started)

        started = time.perf_counter()
        allowed = None if pids is None else index.catalog.chunk_ids(pids)
        ranked = self._rank(index, query_vector, allowed, request.offset + request.limit)
        stages["vector_ms"] = _lap(started)

        started = time.perf_counter()
        hits = self._hydrate(index, ranked[request.offset : request.offset + request.limit], request.query)
        stages["hydrate_ms"] = _lap(started)
        return SearchResult(hits, total, True, index.version, stages)

    def get_posting(self, posting_id: str) -> PostingDetail:
        index = self._index
        pid = index.catalog.pid_of(posting_id)
        if pid is None:
            raise PostingNotFoundError(posting_id)
        summary = index.catalog.summaries([pid])[pid]
        return PostingDetail(summary, index.catalog.sections(pid))

    def _rank(
        self, index: LoadedIndex, query_vector: np.ndarray, allowed: np.ndarray | None, needed: int
    ) -> list[PostingScore]:
        """The best `needed` postings, exactly: widen the chunk fetch until enough distinct
        postings came back or every allowed chunk was scored."""
        available = index.store.size if allowed is None else len(allowed)
        k = min(available, max(4 * needed, 64))
        while True:
            scores, chunk_ids = index.store.search(query_vector, k, allowed)
            ranked = best_chunk_per_posting(scores, chunk_ids, index.catalog.chunk_pid)
            if len(ranked) >= needed or k >= available:
                return ranked
            k = min(available, k * 4)

    def _newest(self, index: LoadedIndex, pids: np.ndarray | None, request: SearchRequest) -> list[SearchHit]:
        if pids is None:
            pids = np.arange(index.catalog.posting_count, dtype=np.int64)
        page = [int(p) for p in index.catalog.newest_first(pids)[request.offset : request.offset + request.limit]]
        summaries = index.catalog.summaries(page)
        return [SearchHit(summaries[p], None, None, None, "") for p in page]

    def _hydrate(self, index: LoadedIndex, ranked: list[PostingScore], query: str) -> list[SearchHit]:
        summaries = index.catalog.summaries([r.pid for r in ranked])
        chunks = index.catalog.chunks([r.chunk_id for r in ranked])
        hits = []
        for r in ranked:
            chunk = chunks[r.chunk_id]
            hits.append(
                SearchHit(summaries[r.pid], r.score, chunk.heading, chunk.kind, make_snippet(chunk.passage, query))
            )
        return hits


def _lap(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


@dataclass(frozen=True)
class FacetCount:
    value: str  # what to pass back as a filter
    label: str
    count: int


def facet_counts(index: LoadedIndex) -> dict[str, list[FacetCount]]:
    """Every team, location (workplace, country, city) and language with its posting count."""
    catalog = index.catalog

    def counts(field: str, value_of_label: bool = False) -> list[FacetCount]:
        return [FacetCount(label if value_of_label else value, label, n) for value, label, n in catalog.facet_counts(field)]

    return {
        "team": counts("team", value_of_label=True),
        "location": counts("workplace") + [
            FacetCount(value.upper(), label, n) for value, label, n in catalog.facet_counts("country")
        ] + counts("city", value_of_label=True),
        "language": counts("language", value_of_label=True),
    }
