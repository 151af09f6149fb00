"""Request timing: every response body carries took_ms, measured from the request's arrival."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response


async def start_clock(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    request.state.started = time.perf_counter()
    return await call_next(request)


def took_ms(request: Request) -> float:
    started = getattr(request.state, "started", None)
    return 0.0 if started is None else round((time.perf_counter() - started) * 1000, 3)
