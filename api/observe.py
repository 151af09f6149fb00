"""Request metrics middleware: every response counted and timed under its route template.

The counters live in api/metrics.py and are served by api/routes/metrics.py."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response


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
            time.perf_counter() - started,
        )
    return response


def route_template(request: Request) -> str:
    """The route's path template, never the raw path (ids would explode the label space)."""
    return getattr(request.scope.get("route"), "path", None) or "unmatched"
