"""Request metrics middleware and the /metrics route."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from api.deps import StateDep

router = APIRouter(tags=["health"])
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


async def record_request(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    state = getattr(request.app.state, "jobsearch", None)
    if state is not None:
        state.metrics.record_request(
            request.method,
            route_template(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
    return response


def route_template(request: Request) -> str:
    """The route's path template, never the raw path (ids would explode the label space)."""
    return getattr(request.scope.get("route"), "path", None) or "unmatched"


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(state: StateDep) -> PlainTextResponse:
    """Prometheus text format."""
    return PlainTextResponse(state.metrics.render(), media_type=PROMETHEUS_TEXT)
