"""Per-client rate limiting: a token bucket per client address, in process.

Each client gets `burst` tokens, refilled at `per_minute / 60` a second; a request spends one or
gets 429 with Retry-After. Buckets idle long enough to be full again are dropped, so memory
stays bounded by the clients of the last few seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response

from api.errors import error_response

EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics", "/static/")
MAX_BUCKETS = 100_000


class TokenBuckets:
    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0.0 when the request may go ahead, else the seconds until a token is due."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > MAX_BUCKETS:
                self._evict_full(now)
        return wait

    def _evict_full(self, now: float) -> None:
        refill = self.burst / self.rate
        self._buckets = {
            c: (t, last) for c, (t, last) in self._buckets.items() if now - last < refill
        }


def rate_limit_middleware(
    buckets: TokenBuckets,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def limit(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path.startswith(EXEMPT_PATHS):
            return await call_next(request)
        client = request.client.host if request.client else "unknown"
        wait = buckets.take(client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            return error_response(
                request,
                429,
                f"rate limit: too many requests; retry in {seconds} s",
                {"Retry-After": str(seconds)},
            )
        return await call_next(request)

    return limit
