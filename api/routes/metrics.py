"""GET /metrics: what api/metrics.py collected, in the Prometheus text exposition format.

A route like the others (api/metrics.py only collects); never rate limited, so a scraper is
not refused when clients are."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from api.deps import StateDep

router = APIRouter(tags=["health"])
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(state: StateDep) -> PlainTextResponse:
    """Prometheus text format."""
    return PlainTextResponse(state.metrics.render(), media_type=PROMETHEUS_TEXT)
