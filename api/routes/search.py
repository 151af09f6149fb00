"""GET and POST /v1/search: parse, call the service, wrap the result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import SearchServiceDep, StateDep
from api.params import search_request
from api.schemas import FacetGroups, SearchBody, SearchHitPublic, SearchResponse, error_responses
from api.state import AppState
from api.timing import took_ms
from search.service import SearchRequest, SearchResult, SearchService

router = APIRouter(
    prefix="/v1", tags=["search"], responses=error_responses(400, 413, 422, 429, 503)
)


@router.get("/search", response_model=SearchResponse)
def search_get(
    request: Request,
    state: StateDep,
    service: SearchServiceDep,
    q: Annotated[str, Query(description="what the job seeker wants, in their own words")] = "",
    team: Annotated[list[str], Query(description="repeatable; OR within the field")] = [],  # noqa: B006
    location: Annotated[list[str], Query(description="country, city or 'remote'; repeatable")] = [],  # noqa: B006
    language: Annotated[list[str], Query(description="programming language; repeatable")] = [],  # noqa: B006
    limit: int = 10,
    offset: int = 0,
    diversify_team: Annotated[
        int, Query(description="at most this many results of one team per page; 0 is off")
    ] = 0,
) -> SearchResponse:
    parsed = search_request(
        state.settings, q, team, location, language, limit, offset, diversify_team
    )
    return search_response(request, parsed, _searched(state, service, parsed))


@router.post("/search", response_model=SearchResponse)
def search_post(
    request: Request, state: StateDep, service: SearchServiceDep, body: SearchBody
) -> SearchResponse:
    parsed = search_request(
        state.settings,
        body.q,
        body.team,
        body.location,
        body.language,
        body.limit,
        body.offset,
        body.diversify_team,
    )
    return search_response(request, parsed, _searched(state, service, parsed))


def _searched(state: AppState, service: SearchService, parsed: SearchRequest) -> SearchResult:
    result = service.search(parsed)
    state.metrics.record_search(result.stages_ms, len(result.hits))
    return result


def search_response(
    request: Request, parsed: SearchRequest, result: SearchResult
) -> SearchResponse:
    return SearchResponse(
        results=[SearchHitPublic.from_hit(hit) for hit in result.hits],
        total=result.total,
        exhaustive=result.exhaustive,
        limit=parsed.limit,
        offset=parsed.offset,
        index_version=result.index_version,
        query_parts=result.query_parts,
        keyword_terms_dropped=result.keyword_terms_dropped,
        query_location=list(result.query_location),
        facets=None if result.facets is None else FacetGroups.from_counts(result.facets),
        stages_ms=result.stages_ms,
        took_ms=took_ms(request),
    )
