"""One posting, and the facet counts of the whole index."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import SearchServiceDep
from api.schemas import FacetGroups, FacetsResponse, PostingResponse
from api.timing import took_ms
from search.facets import facet_counts

router = APIRouter(prefix="/v1", tags=["postings"])


@router.get("/postings/{posting_id:path}", response_model=PostingResponse)
def get_posting(posting_id: str, request: Request, service: SearchServiceDep) -> PostingResponse:
    return PostingResponse.from_detail(service.get_posting(posting_id), took_ms(request))


@router.get("/facets", response_model=FacetsResponse)
def get_facets(request: Request, service: SearchServiceDep) -> FacetsResponse:
    index = service.index
    groups = FacetGroups.from_counts(facet_counts(index))
    return FacetsResponse(
        **groups.model_dump(), total=index.catalog.posting_count, took_ms=took_ms(request)
    )
