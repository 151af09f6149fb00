"""Request metrics middleware and the /metrics route."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from api.deps import StateDep

router = APIRouter(tags=["health"])


async def record_request(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    template = getattr(route, "path", None) or "unmatched"
    state = getattr(request.app.state, "jobsearch", None)
    if state is not None:
        state.metrics.record_request(
            request.method, template, response.status_code, (time.perf_counter() - started) * 1000
        )
    return response


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(state: StateDep) -> str:
    """Prometheus text format."""
    return state.metrics.render()
