"""SearchService: a query and filters in, ranked postings out, each saying why it matched.

One pipeline of named stages, each a function with typed input and output, timed by one stage
timer: filter → understand the query (search.understand) → embed (search.query) → retrieve
dense and keyword candidates (search.retrieve) → fuse (search.ranking) → page (search.paging)
→ hydrate and explain (search.explain) → count facets (search.facets). Filters restrict both
sides of the search itself (exact at every selectivity). The service holds one loaded index at
a time; each call takes its own reference first, so swapping in a new build never mixes two.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from index.embedding.base import Embedder
from index.ingest.place_names import gazetteer
from index.models import FacetKey
from index.storage.loaded import LoadedIndex
from index.timing import StageTimer
from search.aspects import split_aspects, weakest_aspect
from search.errors import PostingNotFoundError
from search.explain import explain_page, listing_hits
from search.facets import facet_counts, prepare_facets
from search.filters import Filters, facet_conditions, keys_by_value
from search.levels import wrong_levels
from search.paging import page_pids, page_rows
from search.query import PreparedQuery, prepare_query
from search.ranking import (
    FusedScore,
    FusedScores,
    RankingConfig,
    boost_by_rank,
    chunk_penalties,
    demote,
    fuse,
    prefer,
)
from search.results import PostingDetail, SearchHit, SearchRequest, SearchResult
from search.retrieve import matched_before_filters, retrieve_candidates
from search.similar import similar_config, similar_postings
from search.spelling import speller_for
from search.understand import UnderstoodQuery, understand_query

__all__ = ["PostingDetail", "SearchHit", "SearchRequest", "SearchResult", "SearchService"]

IntArray = npt.NDArray[np.int64]
FACETS_PER_FIELD = 30  # values per facet field in a search response (GET /v1/facets has all)


@dataclass(frozen=True)
class Scope:
    """What the caller's filters allow: the facet conditions, and the postings they leave
    (None: every posting)."""

    filters: Filters
    conditions: dict[str, list[FacetKey]]
    by_value: dict[str, dict[str, list[FacetKey]]]
    pids: IntArray | None


class SearchService:
    def __init__(
        self, embedder: Embedder, index: LoadedIndex, config: RankingConfig | None = None
    ) -> None:
        self.embedder = embedder
        self.config = config or RankingConfig()
        self._index = index
        self._penalties: dict[tuple[str, RankingConfig], npt.NDArray[np.float32]] = {}
        speller_for(index.catalog)  # built now, not in the first seeker's request
        prepare_facets(index.catalog)  # and the facet tables
        gazetteer()  # the place tables too (the understanding stage reads places)

    @property
    def index(self) -> LoadedIndex:
        return self._index

    def swap(self, index: LoadedIndex) -> LoadedIndex:
        """Serve `index` from now on; calls already running finish on the old one."""
        speller_for(index.catalog)
        prepare_facets(index.catalog)
        old, self._index = self._index, index
        self._penalties = {}
        return old

    def search(self, request: SearchRequest, config: RankingConfig | None = None) -> SearchResult:
        config = config or self.config
        index = self._index
        timer = StageTimer()
        with timer.stage("filter"):
            scope = _scope(index, request.filters)
        if not request.query.strip():
            return self._listing(index, scope, request, timer)
        with timer.stage("understand"):
            speller = speller_for(index.catalog) if request.spellcheck else None
            understood = understand_query(
                request.query, request.filters, speller, config.expand_abbreviations
            )
        if understood.only_location:  # "remote in Europe" and nothing else: list them
            return self._location_listing(index, scope, request, understood, timer)
        with timer.stage("embed"):
            aspects = split_aspects(understood.text) if config.aspect_weight > 0 else []
            query = prepare_query(understood.text, self.embedder, aspects)
        return self._ranked(index, scope, request, understood, query, config, timer)

    def _ranked(
        self,
        index: LoadedIndex,
        scope: Scope,
        request: SearchRequest,
        understood: UnderstoodQuery,
        query: PreparedQuery,
        config: RankingConfig,
        timer: StageTimer,
    ) -> SearchResult:
        needed = request.offset + request.limit
        penalties = self._chunk_penalties(index, config)
        candidates = retrieve_candidates(
            index, query, scope.pids, penalties, config, needed, request.facets, timer
        )
        with timer.stage("fuse"):
            fused = fuse(
                candidates.dense,
                candidates.keyword_pids,
                candidates.keyword_scores,
                config,
                candidates.admitted,
            )
            if candidates.calibration is not None:
                fused = fused.take(candidates.calibration.matches(fused.pids))
            fused = _apply_coverage(index, fused, query, config)
            fused, preferred = _apply_intents(index, fused, understood, config)
            if config.min_score > 0 or not config.uses_dense:
                total = len(fused)
            else:
                total = index.catalog.live_count if scope.pids is None else len(scope.pids)
        with timer.stage("hydrate"):
            rows = page_rows(index, fused.pids, request.limit, request.offset, request.per_team)
            page = fused.items(np.array(rows, dtype=np.int64))
            hits = explain_page(index, page, query, penalties, scope.by_value, preferred)
        facets = None
        if request.facets:
            with timer.stage("facets"):
                matched = matched_before_filters(
                    index, query, penalties, config, fused, candidates, scope.conditions
                )
                facets = facet_counts(index, matched, scope.conditions, FACETS_PER_FIELD)
        return SearchResult(
            hits=hits,
            total=total,
            exhaustive=candidates.complete,
            index_version=index.version,
            stages_ms=timer.milliseconds(),
            query_parts=len(query.parts),
            keyword_terms_dropped=query.terms_dropped,
            facets=facets,
            query_location=understood.location_values,
            query_workplace=understood.workplace,
            query_level=understood.level.level.value if understood.level else None,
            corrected_query=understood.correction.text if understood.correction else None,
            query_languages=understood.languages,
        )

    def _location_listing(
        self,
        index: LoadedIndex,
        scope: Scope,
        request: SearchRequest,
        understood: UnderstoodQuery,
        timer: StageTimer,
    ) -> SearchResult:
        """A query that names only a place: the postings there, newest first."""
        assert understood.location is not None
        there = index.catalog.pids_matching(understood.location.conditions())
        pids = (
            there if scope.pids is None else np.intersect1d(scope.pids, there, assume_unique=True)
        )
        narrowed = Scope(scope.filters, scope.conditions, scope.by_value, pids)
        listing = self._listing(index, narrowed, request, timer, there, understood.location_values)
        listing = replace(listing, query_workplace=understood.workplace)
        if understood.correction is None:
            return listing
        return replace(listing, corrected_query=understood.correction.text)

    def _listing(
        self,
        index: LoadedIndex,
        scope: Scope,
        request: SearchRequest,
        timer: StageTimer,
        within: IntArray | None = None,
        query_location: tuple[str, ...] = (),
    ) -> SearchResult:
        """Newest first, no query; `within`: the postings a location-only query asked for."""
        pids = scope.pids
        if pids is None:
            pids = index.catalog.live_pids
        newest = index.catalog.newest_first(pids)
        page = page_pids(index, newest, request.limit, request.offset, request.per_team)
        in_location = None if within is None else True
        hits = listing_hits(index, [int(p) for p in page], scope.by_value, in_location)
        facets = None
        if request.facets:  # no query: every posting passing the other fields' filters counts
            with timer.stage("facets"):
                facets = facet_counts(index, within, scope.conditions, FACETS_PER_FIELD)
        return SearchResult(
            hits=hits,
            total=len(pids),
            exhaustive=True,
            index_version=index.version,
            stages_ms=timer.milliseconds(),
            facets=facets,
            query_location=query_location,
        )

    def get_posting(self, posting_id: str) -> PostingDetail:
        index = self._index
        pid = index.catalog.pid_of(posting_id)
        if pid is None:
            raise PostingNotFoundError(posting_id)
        summary = index.catalog.summaries([pid])[pid]
        return PostingDetail(summary, index.catalog.sections(pid))

    def similar(
        self, posting_id: str, filters: Filters | None = None, limit: int = 10, offset: int = 0
    ) -> SearchResult:
        """Postings like `posting_id`, best first, from its stored vectors (no model call)."""
        index = self._index
        source = index.catalog.pid_of(posting_id)
        if source is None:
            raise PostingNotFoundError(posting_id)
        timer = StageTimer()
        with timer.stage("vector"):
            scope = _scope(index, filters or Filters())
            config = similar_config(self.config)
            penalties = self._chunk_penalties(index, config)
            found = similar_postings(index, source, scope.pids, penalties, config, offset + limit)
        with timer.stage("hydrate"):
            query = PreparedQuery("", (), found.title_terms, (), 0, found.vector)
            page = [
                FusedScore(r.pid, r.score, r.score, None, r.chunk_id)
                for r in found.ranked.take(slice(offset, offset + limit)).items()
            ]
            hits = explain_page(index, page, query, penalties, scope.by_value)
        return SearchResult(
            hits=hits,
            total=found.total,
            exhaustive=found.exhaustive,
            index_version=index.version,
            stages_ms=timer.milliseconds(),
        )

    def _chunk_penalties(
        self, index: LoadedIndex, config: RankingConfig
    ) -> npt.NDArray[np.float32]:
        key = (index.version, config)
        if key not in self._penalties:
            self._penalties[key] = chunk_penalties(
                index.catalog.chunk_kind, index.catalog.chunk_boilerplate, config
            )
        return self._penalties[key]


def _apply_coverage(
    index: LoadedIndex, fused: FusedScores, query: PreparedQuery, config: RankingConfig
) -> FusedScores:
    """Every part of the query: the best fused postings re-ranked by how much of the query's
    words their title (the role) and their job text (all it asks for) hold, and by the part
    of the query they match least (search.aspects)."""
    depth = min(len(fused), config.rerank_depth)
    lists = []
    if config.title_match_weight > 0 or config.coverage_weight > 0:
        in_title, in_job = index.catalog.coverage(query.terms, fused.pids[:depth])
        lists += [(in_title, config.title_match_weight), (in_job, config.coverage_weight)]
    if config.aspect_weight > 0 and query.aspects is not None and depth:
        weakest = weakest_aspect(index, fused.pids[:depth], query.aspects)
        lists.append((weakest, config.aspect_weight))
    return boost_by_rank(fused, lists, config) if lists else fused


def _apply_intents(
    index: LoadedIndex, fused: FusedScores, understood: UnderstoodQuery, config: RankingConfig
) -> tuple[FusedScores, npt.NDArray[np.bool_] | None]:
    """The place, languages and level the query named: postings there (asking for them, at
    that level) preferred, clearly wrong levels demoted. Returns the ranking and the in-place mask (None: no place)."""
    in_place = None
    if understood.location:
        in_place = _mask(index, understood.location.conditions())
        fused = prefer(fused, in_place, config, config.location_weight)
    if understood.languages:
        keys = [("language", name.casefold()) for name in understood.languages]
        fused = prefer(fused, _mask(index, {"language": keys}), config, config.language_weight)
    if understood.level:
        level = understood.level.level
        at_level = _mask(index, {"level": [("level", level.value)]})
        fused = prefer(fused, at_level, config, config.level_weight)
        wrong = wrong_levels(level)
        if config.demote_wrong_level and wrong:
            fused = demote(fused, _mask(index, {"level": [("level", w.value) for w in wrong]}))
    return fused, in_place


def _mask(index: LoadedIndex, conditions: dict[str, list[FacetKey]]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(index.catalog.posting_count, dtype=bool)
    mask[index.catalog.pids_matching(conditions)] = True
    return mask


def _scope(index: LoadedIndex, filters: Filters) -> Scope:
    conditions = facet_conditions(filters)
    pids = index.catalog.pids_matching(conditions) if conditions else None
    return Scope(filters, conditions, keys_by_value(filters), pids)
