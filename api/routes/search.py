"""GET and POST /v1/search: parse, call the service, wrap the result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import SearchServiceDep, StateDep
from api.params import search_request
from api.schemas import FilterParams, SearchBody, SearchResponse, error_responses
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
    *,  # keyword-only, so the parameters keep their documented order: q, the filters, the rest
    q: Annotated[str, Query(description="what the job seeker wants, in their own words")] = "",
    filters: Annotated[FilterParams, Query()],
    diversify_team: Annotated[
        int, Query(description="at most this many results of one team per page; 0 is off")
    ] = 0,
    spellcheck: Annotated[
        bool, Query(description="correct misspelled words of q (false: search them as typed)")
    ] = True,
) -> SearchResponse:
    parsed = search_request(state.settings, q, filters, diversify_team, spellcheck)
    return _answer(request, parsed, _searched(state, service, parsed))


@router.post("/search", response_model=SearchResponse)
def search_post(
    request: Request, state: StateDep, service: SearchServiceDep, body: SearchBody
) -> SearchResponse:
    parsed = search_request(
        state.settings, body.q, body.filter_params(), body.diversify_team, body.spellcheck
    )
    return _answer(request, parsed, _searched(state, service, parsed))


def _searched(state: AppState, service: SearchService, parsed: SearchRequest) -> SearchResult:
    result = service.search(parsed)
    state.metrics.record_search(result.stages_ms, len(result.hits))
    return result


def _answer(request: Request, parsed: SearchRequest, result: SearchResult) -> SearchResponse:
    return SearchResponse.from_result(result, parsed.limit, parsed.offset, took_ms(request))
