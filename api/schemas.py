"""Public JSON shapes. Field names are the API contract: add freely, never rename."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

from index.storage.catalog import PostingSummary
from search.facets import FacetCount
from search.service import PostingDetail, SearchHit


class LocationPublic(BaseModel):
    raw: str
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


class SearchHitPublic(BaseModel):
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
            **_summary_fields(hit.posting),
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


class SearchBody(BaseModel):
    """POST /v1/search: the same parameters as GET, where `q` may be a long description."""

    q: str = ""
    team: list[str] = []
    location: list[str] = []
    language: list[str] = []
    limit: int = 10
    offset: int = 0
    diversify_team: int = 0


class FacetValue(BaseModel):
    value: str = Field(description="pass back as the filter's value")
    label: str
    count: int


class FacetGroups(BaseModel):
    """Counts for the current query; each field counted with the other fields' filters."""

    team: list[FacetValue]
    location: list[FacetValue]
    language: list[FacetValue]

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
    exhaustive: bool
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
    facets: FacetGroups | None = None
    stages_ms: dict[str, float]
    took_ms: float


class SectionPublic(BaseModel):
    heading: str
    kind: str
    text: str


class PostingResponse(BaseModel):
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
    sections: list[SectionPublic]
    took_ms: float

    @classmethod
    def from_detail(cls, detail: PostingDetail, took_ms: float) -> PostingResponse:
        sections = [
            SectionPublic(heading=s.heading, kind=s.kind.value, text=s.text)
            for s in detail.sections
        ]
        return cls(**_summary_fields(detail.posting), sections=sections, took_ms=took_ms)


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


def _summary_fields(posting: PostingSummary) -> dict[str, Any]:
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
            countries=list(loc.countries),
            cities=list(loc.cities),
            regions=list(loc.regions),
            workplace=loc.workplace.value,
            worldwide=loc.worldwide,
        ),
        "languages": list(posting.languages),
        "url": posting.url,
        "updated_at": posting.updated_at,
    }
