"""What a search is asked and what it answers: the types every stage and the API share."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.models import Section, SectionKind
from index.storage.catalog import PostingSummary
from search.facets import FacetCount
from search.filters import Filters


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    offset: int = 0
    facets: bool = False  # also count facet values for this query and these filters
    per_team: int = 0  # at most this many results of one team per page (0: no limit)
    spellcheck: bool = True  # correct misspelled query words (False: search the words as typed)


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


@dataclass(frozen=True, kw_only=True)
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
    query_workplace: str | None = None  # the workplace the query named, preferred in ranking
    query_level: str | None = None  # the level the query named, preferred in ranking
    corrected_query: str | None = None  # the query as searched, when words were corrected
    query_languages: tuple[str, ...] = ()  # programming languages the query named, preferred


@dataclass(frozen=True)
class PostingDetail:
    posting: PostingSummary
    sections: list[Section]
