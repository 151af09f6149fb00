"""GET /metrics: what api/metrics.py collected (every worker's, when there are several), in the
Prometheus text exposition format.

A route like the others (api/metrics.py only collects); never rate limited, so a scraper is
not refused when clients are."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import StateDep
from api.metrics import CONTENT_TYPE

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response)
def metrics(state: StateDep) -> Response:
    """Prometheus text format."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)
