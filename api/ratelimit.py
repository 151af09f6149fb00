"""Per-client rate limiting: a token bucket per client address, in process.

Each client gets `burst` tokens, refilled at `per_minute / 60` a second; a request spends one or
gets 429 with Retry-After. Only the API routers are limited (not probes, metrics or the
page's static files). Memory stays bounded: buckets are kept in least-recently-used order,
and each request drops the idle ones at the front (a bucket idle for `burst / rate` seconds is
full again, the same as having none), so the table holds only the clients of the last refill
period, and never more than `max_clients` (the least recently seen go first).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request

MAX_CLIENTS = 100_000


class TokenBuckets:
    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.refill_seconds = self.burst / self.rate  # empty to full
        self.max_clients = max_clients
        self._clock = clock
        # client -> (tokens, last update), least recently updated first
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, client: str) -> float:
        """0.0 when the request may go ahead, else the seconds until a token is due."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[client] = (tokens, now)
            self._evict(now)
        return wait

    def _evict(self, now: float) -> None:
        """Drop buckets full again from the front; amortized O(1) per request."""
        while self._buckets:
            _, (_, last) = next(iter(self._buckets.items()))
            if now - last < self.refill_seconds and len(self._buckets) <= self.max_clients:
                return
            self._buckets.popitem(last=False)


def rate_limiter(buckets: TokenBuckets) -> Callable[[Request], Awaitable[None]]:
    """A dependency for the routers to limit: past the limit, 429 with Retry-After. It runs
    after routing, so metrics count a 429 under its route; on the event loop, since taking a
    token is a few dictionary operations under a lock."""

    async def limit(request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = buckets.take(client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(
                429,
                f"rate limit: too many requests; retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
            )

    return limit
