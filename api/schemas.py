"""Public JSON shapes. Field names are the API contract: add freely, never rename."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

from index.storage.catalog import PostingSummary
from search.facets import FacetCount
from search.location_label import location_label
from search.service import PostingDetail, SearchHit, SearchResult


class LocationPublic(BaseModel):
    raw: str
    label: str = Field(
        description="the location for display: raw, or when it lists more than five countries, "
        "them grouped by region ('Africa · 54 countries')"
    )
    countries: list[str]
    cities: list[str]
    regions: list[str]
    workplace: str
    worldwide: bool


class ScoreParts(BaseModel):
    dense: float | None = Field(description="cosine similarity of the best-matching chunk")
    keyword: float | None = Field(
        description="BM25 of the posting; null when no query word matched"
    )


class PostingPublic(BaseModel):
    """What a search hit and the posting response both say about a posting, declared once so
    the two cannot drift. Pydantic emits a base's fields first: they lead both bodies."""

    id: str
    title: str
    company: str
    team: str | None
    location: str
    remote: bool
    locations: LocationPublic
    languages: list[str]
    url: str | None
    updated_at: str | None
    level: str = Field(
        "mid",
        description="seniority: intern, entry, mid, senior, staff, manager or director "
        "(from the title, or the text where it says so; mid when neither does)",
    )
    workplace: str = Field(
        "unknown",
        description="remote, hybrid, on-site, or unknown when neither the location, an ATS "
        "field nor the posting's text says",
    )

    @staticmethod
    def summary_fields(posting: PostingSummary) -> dict[str, Any]:
        """The base fields of a posting, for a subclass to construct with its own."""
        loc = posting.location
        return {
            "id": posting.id,
            "title": posting.title,
            "company": posting.company,
            "team": posting.team,
            "location": loc.raw,
            "remote": loc.workplace.value == "remote",
            "locations": LocationPublic(
                raw=loc.raw,
                label=location_label(loc),
                countries=list(loc.countries),
                cities=list(loc.cities),
                regions=list(loc.regions),
                workplace=loc.workplace.value,
                worldwide=loc.worldwide,
            ),
            "languages": list(posting.languages),
            "url": posting.url,
            "updated_at": posting.updated_at,
            "level": posting.level.value,
            "workplace": loc.workplace.value,
        }


class SearchHitPublic(PostingPublic):
    score: float | None = Field(
        description="the score results are ordered by; null when listing without q"
    )
    section: str | None = Field(description="heading of the best-matching section")
    section_kind: str | None
    snippet: str
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) offsets of query words in the snippet"
    )
    matched_terms: list[str]
    score_parts: ScoreParts
    matched_filters: dict[str, list[str]] = Field(
        description="per filtered field, the values this posting matched"
    )
    in_query_location: bool | None = Field(
        None,
        description="whether the posting is where q asked for (see query_location); "
        "null when q names no place or workplace",
    )

    @classmethod
    def from_hit(cls, hit: SearchHit) -> SearchHitPublic:
        return cls(
            **cls.summary_fields(hit.posting),
            score=None if hit.score is None else round(hit.score, 6),
            section=hit.section,
            section_kind=None if hit.section_kind is None else hit.section_kind.value,
            snippet=hit.snippet,
            highlights=list(hit.highlights),
            matched_terms=list(hit.matched_terms),
            score_parts=ScoreParts(
                dense=None if hit.dense_score is None else round(hit.dense_score, 6),
                keyword=None if hit.keyword_score is None else round(hit.keyword_score, 6),
            ),
            matched_filters=hit.matched_filters,
            in_query_location=hit.in_query_location,
        )


class FilterParams(BaseModel):
    """The filters and page that GET /v1/search and GET /v1/postings/{id}/similar both take,
    declared once so the two routes cannot drift; api/params.py checks them against the limits.
    A query-parameter model: its fields are the query parameters, in this order."""

    team: list[str] = Field([], description="repeatable; OR within the field")
    location: list[str] = Field([], description="country, city or 'remote'; repeatable")
    language: list[str] = Field([], description="programming language; repeatable")
    level: list[str] = Field(
        [], description="intern, entry, mid, senior, staff, manager, director; repeatable"
    )
    workplace: list[str] = Field(
        [],
        description="remote, hybrid or on-site (also onsite, office); repeatable; ANDed with "
        "location, so workplace=remote&location=germany is remote jobs open to Germany",
    )
    limit: int = 10
    offset: int = 0


# Its own fields rather than a FilterParams subclass: a subclass lists its base's fields first,
# and the body's schema keeps `q` first. filter_params() hands the shared part on.
class SearchBody(BaseModel):
    """POST /v1/search: the same parameters as GET, where `q` may be a long description."""

    q: str = ""
    team: list[str] = []
    location: list[str] = []
    language: list[str] = []
    level: list[str] = []
    workplace: list[str] = []
    limit: int = 10
    offset: int = 0
    diversify_team: int = 0
    spellcheck: bool = True

    def filter_params(self) -> FilterParams:
        return FilterParams(
            team=self.team,
            location=self.location,
            language=self.language,
            level=self.level,
            workplace=self.workplace,
            limit=self.limit,
            offset=self.offset,
        )


class FacetValue(BaseModel):
    value: str = Field(description="pass back as the filter's value")
    label: str
    count: int


class FacetGroups(BaseModel):
    """Counts for the current query; each field counted with the other fields' filters."""

    team: list[FacetValue]
    location: list[FacetValue]
    language: list[FacetValue]
    level: list[FacetValue] = []
    workplace: list[FacetValue] = []

    @classmethod
    def from_counts(cls, counts: Mapping[str, list[FacetCount]]) -> FacetGroups:
        return cls(
            **{
                field: [FacetValue(value=f.value, label=f.label, count=f.count) for f in values]
                for field, values in counts.items()
            }
        )


class SearchResponse(BaseModel):
    results: list[SearchHitPublic]
    total: int
    exhaustive: bool = Field(
        description="false when an approximate index was searched or the query's match set "
        "was larger than one search fetches: then total and the facet counts are lower bounds"
    )
    limit: int
    offset: int
    index_version: str
    query_parts: int = Field(
        description="how many parts a long q was split into so the model reads all of it"
    )
    keyword_terms_dropped: int = Field(
        0,
        description="distinct words of a long q that the keyword side left out (it keeps the most repeated)",
    )
    query_location: list[str] = Field(
        default_factory=list,
        description="the workplace and places q asked for in its own words ('remote', 'Europe'), "
        "understood as location filter values: postings there rank higher (not a filter; "
        "an explicit location filter replaces it)",
    )
    query_workplace: str | None = Field(
        None,
        description="the workplace q asked for in its own words ('remote' for 'remote in "
        "Europe', 'hybrid' for 'hybrid in London'): postings there rank higher (not a filter; "
        "an explicit workplace filter, or location=remote, replaces it)",
    )
    query_level: str | None = Field(
        None,
        description="the seniority q asked for in its own words ('entry' for 'graduate data "
        "scientist'): postings at that level rank first and clearly wrong levels after every "
        "other match (an explicit level filter replaces it)",
    )
    query_languages: list[str] = Field(
        default_factory=list,
        description="programming languages q names ('Go' for 'go backend developer'): postings "
        "asking for them rank higher (not a filter; an explicit language filter replaces it)",
    )
    corrected_query: str | None = Field(
        None,
        description="q as searched when misspelled words were corrected ('python developer' "
        "for 'pyhton develper'); send spellcheck=false to search the words as typed",
    )
    facets: FacetGroups | None = None
    stages_ms: dict[str, float]
    took_ms: float

    @classmethod
    def from_result(
        cls, result: SearchResult, limit: int, offset: int, took_ms: float
    ) -> SearchResponse:
        """The one place a service result becomes the public body: /v1/search (GET and POST),
        /similar and the CLI's --json all answer through it."""
        return cls(
            results=[SearchHitPublic.from_hit(hit) for hit in result.hits],
            total=result.total,
            exhaustive=result.exhaustive,
            limit=limit,
            offset=offset,
            index_version=result.index_version,
            query_parts=result.query_parts,
            keyword_terms_dropped=result.keyword_terms_dropped,
            query_location=list(result.query_location),
            query_workplace=result.query_workplace,
            query_level=result.query_level,
            query_languages=list(result.query_languages),
            corrected_query=result.corrected_query,
            facets=None if result.facets is None else FacetGroups.from_counts(result.facets),
            stages_ms=result.stages_ms,
            took_ms=took_ms,
        )


class SectionPublic(BaseModel):
    heading: str
    kind: str
    text: str


class PostingResponse(PostingPublic):
    sections: list[SectionPublic]
    took_ms: float

    @classmethod
    def from_detail(cls, detail: PostingDetail, took_ms: float) -> PostingResponse:
        sections = [
            SectionPublic(heading=s.heading, kind=s.kind.value, text=s.text)
            for s in detail.sections
        ]
        return cls(**cls.summary_fields(detail.posting), sections=sections, took_ms=took_ms)


class FacetsResponse(FacetGroups):
    total: int
    took_ms: float


class ErrorResponse(BaseModel):
    """Every error, whatever its status: a message that names the field or the problem."""

    detail: str
    took_ms: float


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the error bodies a route can answer with."""
    return {status: {"model": ErrorResponse} for status in statuses}
