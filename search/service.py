"""SearchService: a query and filters in, ranked postings out, each saying why it matched.

Filters restrict both sides of the search itself (exact at every selectivity). The dense side
scores section chunks; the keyword side scores postings by BM25; `search.ranking` fuses them.
The service holds one loaded index at a time; each call takes its own reference first, so
swapping in a new build never mixes two.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from index.embedding.base import Embedder
from index.models import FacetKey, Section, SectionKind
from index.storage.bm25 import content_words
from index.storage.catalog import PostingSummary
from index.storage.loaded import LoadedIndex
from search.dense import best_chunks, dense_postings
from search.diversify import diversified_page
from search.errors import PostingNotFoundError
from search.facets import FacetCount, facet_counts
from search.filters import Filters, facet_conditions, keys_by_value
from search.intent import read_location_intent
from search.query import PreparedQuery, prepare_query
from search.ranking import (
    FusedScore,
    FusedScores,
    PostingScores,
    RankingConfig,
    chunk_penalties,
    fuse,
    prefer,
)
from search.similar import similar_config, similar_postings
from search.snippets import highlight_spans, make_snippet, term_matches

IntArray = npt.NDArray[np.int64]
FACETS_PER_FIELD = 30  # values per facet field in a search response (GET /v1/facets has all)
FilterKeys = dict[str, dict[str, list[FacetKey]]]


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    offset: int = 0
    facets: bool = False  # also count facet values for this query and these filters
    per_team: int = 0  # at most this many results of one team per page (0: no limit)


@dataclass(frozen=True)
class SearchHit:
    posting: PostingSummary
    score: float | None  # the fused score that orders results; None when listing without a query
    section: str | None  # heading of the best-matching section ("" for an untitled intro)
    section_kind: SectionKind | None
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()  # offsets of query words in the snippet
    matched_terms: tuple[str, ...] = ()
    dense_score: float | None = None  # cosine of the best chunk
    keyword_score: float | None = None  # BM25 of the posting, None when no query word matched
    matched_filters: dict[str, list[str]] = field(default_factory=dict)
    in_query_location: bool | None = None  # satisfies the location the query named (None: none)


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int  # postings matching the filters and, with a threshold, the query
    exhaustive: bool  # True when every allowed chunk could compete (exact search)
    index_version: str
    stages_ms: dict[str, float]
    query_parts: int = 1  # >1 when a long query was split to fit the model (nothing is cut)
    keyword_terms_dropped: int = 0  # distinct query words the keyword side left out (long text)
    facets: dict[str, list[FacetCount]] | None = None
    query_location: tuple[str, ...] = ()  # the location the query named, preferred in ranking


@dataclass(frozen=True)
class PostingDetail:
    posting: PostingSummary
    sections: list[Section]


class SearchService:
    def __init__(
        self, embedder: Embedder, index: LoadedIndex, config: RankingConfig | None = None
    ) -> None:
        self.embedder = embedder
        self.config = config or RankingConfig()
        self._index = index
        self._penalties: dict[tuple[str, RankingConfig], npt.NDArray[np.float32]] = {}

    @property
    def index(self) -> LoadedIndex:
        return self._index

    def swap(self, index: LoadedIndex) -> LoadedIndex:
        """Serve `index` from now on; calls already running finish on the old one."""
        old, self._index = self._index, index
        self._penalties = {}
        return old

    def search(self, request: SearchRequest, config: RankingConfig | None = None) -> SearchResult:
        config = config or self.config
        index = self._index
        stages: dict[str, float] = {}
        clock = time.perf_counter()
        by_value = keys_by_value(request.filters)
        conditions = facet_conditions(request.filters)
        pids = index.catalog.pids_matching(conditions) if conditions else None
        stages["filter_ms"] = _ms(clock)
        if not request.query.strip():
            return self._newest(index, pids, request, by_value, stages)

        # Where the seeker wants to work, in their words: a preference in the ranking, and out
        # of the text both sides match (search.intent). An explicit location filter says it better.
        intent = read_location_intent(request.query) if not request.filters.locations else None
        if intent and not content_words(intent.rest):  # "remote in Europe" and nothing else
            there = index.catalog.pids_matching(intent.conditions())
            pids = there if pids is None else np.intersect1d(pids, there, assume_unique=True)
            listing = self._newest(index, pids, request, by_value, stages, there)
            return replace(listing, query_location=intent.values)
        text = intent.rest if intent else request.query
        started = time.perf_counter()
        query = prepare_query(text, self.embedder)
        stages["embed_ms"] = _ms(started)

        needed = request.offset + request.limit
        penalties = self._chunk_penalties(index, config)
        dense = PostingScores.empty()
        unfiltered: PostingScores | None = None  # every match before filters, when known
        complete = True
        if config.uses_dense:
            started = time.perf_counter()
            wanted = max(needed, config.candidates) if config.uses_keywords else needed
            filter_afterwards = config.min_score > 0 and pids is not None and request.facets
            if filter_afterwards and index.store.exact():
                # A threshold search returns every match, so filtering afterwards is exact, and
                # the unfiltered matches are what the facet counts need anyway. (Without facets
                # the filter restricts the search: a narrow one scores a few chunks. On an
                # approximate index a narrow filter must restrict the search itself.)
                unfiltered, complete = dense_postings(
                    index, query.vector, None, penalties, config, wanted
                )
                allowed_mask = np.zeros(index.catalog.posting_count, dtype=bool)
                allowed_mask[pids] = True
                dense = unfiltered.take(allowed_mask[unfiltered.pids])
            else:
                allowed = None if pids is None else index.catalog.chunk_ids(pids)
                dense, complete = dense_postings(
                    index, query.vector, allowed, penalties, config, wanted
                )
            stages["vector_ms"] = _ms(started)
        keyword_pids = np.zeros(0, dtype=np.int64)
        keyword_scores = np.zeros(0, dtype=np.float32)
        if config.uses_keywords:
            started = time.perf_counter()
            keywords = query.terms + (query.phrases if config.phrase_pairs else ())
            keyword_pids, keyword_scores = index.catalog.keyword_search(
                keywords, max(needed, config.candidates), pids, config.column_weights
            )
            stages["keyword_ms"] = _ms(started)

        started = time.perf_counter()
        fused = fuse(dense, keyword_pids, keyword_scores, config)
        preferred = None
        if intent:
            preferred = np.zeros(index.catalog.posting_count, dtype=bool)
            preferred[index.catalog.pids_matching(intent.conditions())] = True
            fused = prefer(fused, preferred, config)
        if config.min_score > 0 or not config.uses_dense:
            total = len(fused)
        else:
            total = index.catalog.posting_count if pids is None else len(pids)
        if request.per_team > 0:  # at most per_team of one team on this page
            team_of = index.catalog.team_of
            rows = diversified_page(
                range(len(fused)),
                lambda row: team_of[int(fused.pids[row])],
                request.per_team,
                request.limit,
                request.offset // request.limit,
            )
            page = fused.items(np.array(rows, dtype=np.int64))
        else:
            page = fused.items(slice(request.offset, needed))
        hits = self._hydrate(index, page, query, penalties, by_value, preferred)
        stages["hydrate_ms"] = _ms(started)
        facets = None
        if request.facets:
            started = time.perf_counter()
            matched = None
            if unfiltered is not None:
                matched = np.sort(unfiltered.pids)
            elif config.min_score > 0 or not config.uses_dense:
                matched = self._matched_unfiltered(
                    index, query, penalties, config, fused, conditions
                )
            facets = facet_counts(index, matched, conditions, FACETS_PER_FIELD)
            stages["facets_ms"] = _ms(started)
        return SearchResult(
            hits,
            total,
            complete,
            index.version,
            stages,
            len(query.parts),
            query.terms_dropped,
            facets,
            intent.values if intent else (),
        )

    def _matched_unfiltered(
        self,
        index: LoadedIndex,
        query: PreparedQuery,
        penalties: npt.NDArray[np.float32],
        config: RankingConfig,
        fused: FusedScores,
        conditions: dict[str, list[FacetKey]],
    ) -> IntArray:
        """The postings the query matches before filters: facet counts for a field ignore that
        field's own filter, so they need the matches the filters took away too."""
        if not conditions:
            return np.sort(fused.pids)
        if not config.uses_dense:
            pids, _ = index.catalog.keyword_search(
                query.terms, index.catalog.posting_count, None, config.column_weights
            )
            return np.unique(pids)
        dense, _ = dense_postings(index, query.vector, None, penalties, config, 0)
        return np.sort(dense.pids)

    def get_posting(self, posting_id: str) -> PostingDetail:
        index = self._index
        pid = index.catalog.pid_of(posting_id)
        if pid is None:
            raise PostingNotFoundError(posting_id)
        summary = index.catalog.summaries([pid])[pid]
        return PostingDetail(summary, index.catalog.sections(pid))

    def _chunk_penalties(
        self, index: LoadedIndex, config: RankingConfig
    ) -> npt.NDArray[np.float32]:
        key = (index.version, config)
        if key not in self._penalties:
            self._penalties[key] = chunk_penalties(
                index.catalog.chunk_kind, index.catalog.chunk_boilerplate, config
            )
        return self._penalties[key]

    def _newest(
        self,
        index: LoadedIndex,
        pids: IntArray | None,
        request: SearchRequest,
        by_value: FilterKeys,
        stages: dict[str, float],
        within: IntArray | None = None,
    ) -> SearchResult:
        """Newest first, no query; `within`: the postings a location-only query asked for."""
        if pids is None:
            pids = np.arange(index.catalog.posting_count, dtype=np.int64)
        newest = index.catalog.newest_first(pids)
        if request.per_team > 0:  # at most per_team of one team on this page
            team_of = index.catalog.team_of
            page = diversified_page(
                newest.tolist(),
                lambda p: team_of[p],
                request.per_team,
                request.limit,
                request.offset // request.limit,
            )
        else:
            page = [int(p) for p in newest[request.offset : request.offset + request.limit]]
        summaries = index.catalog.summaries(page)
        hits = [
            SearchHit(
                summaries[p],
                None,
                None,
                None,
                "",
                matched_filters=_matched(index, p, by_value),
                in_query_location=None if within is None else True,
            )
            for p in page
        ]
        facets = None
        if request.facets:  # no query: every posting passing the other fields' filters counts
            started = time.perf_counter()
            conditions = facet_conditions(request.filters)
            facets = facet_counts(index, within, conditions, FACETS_PER_FIELD)
            stages["facets_ms"] = _ms(started)
        return SearchResult(hits, len(pids), True, index.version, stages, facets=facets)

    def _hydrate(
        self,
        index: LoadedIndex,
        page: list[FusedScore],
        query: PreparedQuery,
        penalties: npt.NDArray[np.float32],
        by_value: FilterKeys,
        preferred: npt.NDArray[np.bool_] | None = None,
    ) -> list[SearchHit]:
        pids = [f.pid for f in page]
        summaries = index.catalog.summaries(pids)
        best = best_chunks(index, query.vector, pids, penalties)
        chunks = index.catalog.chunks([best[p][0] for p in pids if p in best])
        hits = []
        for fused in page:
            chunk_id, _, cosine = best[fused.pid]
            chunk = chunks[chunk_id]
            snippet = make_snippet(chunk.passage, query.terms)
            spans = highlight_spans(snippet, query.terms)
            matched = tuple(
                t for t in query.terms if any(term_matches(snippet[s:e], [t]) for s, e in spans)
            )
            hits.append(
                SearchHit(
                    posting=summaries[fused.pid],
                    score=fused.score,
                    section=chunk.heading,
                    section_kind=chunk.kind,
                    snippet=snippet,
                    highlights=tuple(spans),
                    matched_terms=matched,
                    dense_score=cosine,
                    keyword_score=fused.keyword,
                    matched_filters=_matched(index, fused.pid, by_value),
                    in_query_location=None if preferred is None else bool(preferred[fused.pid]),
                )
            )
        return hits

    # --- similar postings (search/similar.py has the logic) ---

    def similar(
        self, posting_id: str, filters: Filters | None = None, limit: int = 10, offset: int = 0
    ) -> SearchResult:
        """Postings like `posting_id`, best first, from its stored vectors (no model call)."""
        index = self._index
        source = index.catalog.pid_of(posting_id)
        if source is None:
            raise PostingNotFoundError(posting_id)
        started = time.perf_counter()
        by_value = keys_by_value(filters or Filters())
        conditions = facet_conditions(filters or Filters())
        allowed = index.catalog.pids_matching(conditions) if conditions else None
        config = similar_config(self.config)
        penalties = self._chunk_penalties(index, config)
        found = similar_postings(index, source, allowed, penalties, config, offset + limit)
        stages = {"vector_ms": _ms(started)}
        started = time.perf_counter()
        query = PreparedQuery("", (), found.title_terms, (), 0, found.vector)
        page = [
            FusedScore(r.pid, r.score, r.score, None, r.chunk_id)
            for r in found.ranked.take(slice(offset, offset + limit)).items()
        ]
        hits = self._hydrate(index, page, query, penalties, by_value)
        stages["hydrate_ms"] = _ms(started)
        return SearchResult(hits, found.total, found.exhaustive, index.version, stages)


def _matched(index: LoadedIndex, pid: int, by_value: FilterKeys) -> dict[str, list[str]]:
    """For each filtered field, the caller's values this posting satisfied."""
    return {
        field_name: [
            value
            for value, keys in values.items()
            if any(_contains(index.catalog.facet_pids(key), pid) for key in keys)
        ]
        for field_name, values in by_value.items()
    }


def _contains(sorted_pids: IntArray, pid: int) -> bool:
    at = int(np.searchsorted(sorted_pids, pid))
    return at < len(sorted_pids) and int(sorted_pids[at]) == pid


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
