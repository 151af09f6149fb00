"""One posting, postings like it, and the facet counts of the whole index."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import SearchServiceDep, StateDep
from api.params import search_request
from api.schemas import (
    FacetGroups,
    FacetsResponse,
    FilterParams,
    PostingResponse,
    SearchResponse,
    error_responses,
)
from api.timing import took_ms
from search.facets import facet_counts

router = APIRouter(prefix="/v1", tags=["postings"], responses=error_responses(404, 422, 429, 503))


@router.get("/postings/{posting_id:path}/similar", response_model=SearchResponse)
def get_similar(
    posting_id: str,
    request: Request,
    state: StateDep,
    service: SearchServiceDep,
    filters: Annotated[FilterParams, Query()],
) -> SearchResponse:
    """Postings like this one, from its stored vectors; the same job re-posted is left out."""
    parsed = search_request(state.settings, "", filters)
    result = service.similar(posting_id, parsed.filters, parsed.limit, parsed.offset)
    return SearchResponse.from_result(result, parsed.limit, parsed.offset, took_ms(request))


# Declared after /similar: a ':path' id would otherwise swallow the suffix.
@router.get("/postings/{posting_id:path}", response_model=PostingResponse)
def get_posting(posting_id: str, request: Request, service: SearchServiceDep) -> PostingResponse:
    return PostingResponse.from_detail(service.get_posting(posting_id), took_ms(request))


@router.get("/facets", response_model=FacetsResponse)
def get_facets(request: Request, service: SearchServiceDep) -> FacetsResponse:
    index = service.index
    groups = FacetGroups.from_counts(facet_counts(index))
    return FacetsResponse(
        **groups.model_dump(), total=index.catalog.live_count, took_ms=took_ms(request)
    )
