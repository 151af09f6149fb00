"""Public JSON shapes. Field names are the API contract: add freely, never rename."""

from __future__ import annotations

from pydantic import BaseModel, Field

from index.catalog import PostingSummary
from search.service import PostingDetail, SearchHit


class LocationPublic(BaseModel):
    raw: str
    countries: list[str]
    cities: list[str]
    workplace: str
    worldwide: bool


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
    score: float | None = Field(description="cosine similarity of the best chunk; null when listing without q")
    section: str | None = Field(description="heading of the best-matching section")
    section_kind: str | None
    snippet: str

    @classmethod
    def from_hit(cls, hit: SearchHit) -> SearchHitPublic:
        return cls(
            **_summary_fields(hit.posting),
            score=None if hit.score is None else round(hit.score, 6),
            section=hit.section,
            section_kind=None if hit.section_kind is None else hit.section_kind.value,
            snippet=hit.snippet,
        )


class SearchBody(BaseModel):
    """POST /v1/search: the same parameters as GET, where `q` may be a long description."""

    q: str = ""
    team: list[str] = []
    location: list[str] = []
    language: list[str] = []
    limit: int = 10
    offset: int = 0


class SearchResponse(BaseModel):
    results: list[SearchHitPublic]
    total: int
    exhaustive: bool
    limit: int
    offset: int
    index_version: str
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
        sections = [SectionPublic(heading=s.heading, kind=s.kind.value, text=s.text) for s in detail.sections]
        return cls(**_summary_fields(detail.posting), sections=sections, took_ms=took_ms)


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class FacetsResponse(BaseModel):
    team: list[FacetValue]
    location: list[FacetValue]
    language: list[FacetValue]
    total: int
    took_ms: float


class ErrorResponse(BaseModel):
    detail: str
    took_ms: float


def _summary_fields(posting: PostingSummary) -> dict[str, object]:
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
            workplace=loc.workplace.value,
            worldwide=loc.worldwide,
        ),
        "languages": list(posting.languages),
        "url": posting.url,
        "updated_at": posting.updated_at,
    }
