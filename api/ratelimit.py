"""Per-client rate limits with the `limits` library: who the client is, which limits apply, and
the 429 past them.

A client is its API key when it sends one that settings know (`X-API-Key`; a careers site's
backend sends all its users' searches from one address, so its key gets its own quota), else
its address (the proxy's X-Forwarded-For when the peer is a trusted proxy: uvicorn resolves
that before the app sees the request). An unknown key counts as its sender's address, so making
up keys buys nothing. Keys are stored hashed.

The counts live in the configured storage. "memory://" is per process: with several workers
each one counts alone, so each allows 1/workers of every limit (rounded up) and no client gets
more than the limit in total; a client whose requests all reach one worker gets that share.
A shared storage ("redis://...", "memcached://...") counts every worker and machine together
and enforces each limit as written. If that storage fails, requests go ahead (logged): a rate
limiter must not take the search down with it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse_many
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.errors import ConfigurationError, StorageError
from limits.storage import storage_from_string

from index.errors import ConfigError
from index.settings import Settings

log = logging.getLogger("jobsearch.api")

API_KEY_HEADER = "x-api-key"
STRATEGIES: dict[
    str, type[SlidingWindowCounterRateLimiter | MovingWindowRateLimiter | FixedWindowRateLimiter]
] = {
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
    "moving-window": MovingWindowRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
}


@dataclass(frozen=True)
class Client:
    identity: str  # the storage key: "key:<hash>" or "addr:<address>"
    described: str  # for the 429 message: "this API key" or "this address"
    limits: tuple[RateLimitItem, ...]


def hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def parse_rates(setting: str, value: str, workers: int = 1) -> tuple[RateLimitItem, ...]:
    """`value` in the limits notation ("600/minute;30/second"), each amount divided between
    `workers` that count alone; a clear error naming the setting otherwise."""
    try:
        items = parse_many(value)
    except ValueError as exc:
        raise ConfigError(
            f"{setting}: cannot read {value!r} as rate limits (e.g. '600/minute' or "
            f"'600/minute;30/second'): {exc}"
        ) from exc
    if any(item.amount < 1 for item in items):
        raise ConfigError(
            f"{setting}: {value!r} allows nothing; an empty JOBSEARCH_RATE_LIMIT turns limits off"
        )
    if workers == 1:
        return tuple(items)
    return tuple(
        type(item)(math.ceil(item.amount / workers), item.multiples, item.namespace)
        for item in items
    )


class RateLimits:
    """The configured limits over one storage; `client()` says who a request is from."""

    def __init__(
        self,
        default: tuple[RateLimitItem, ...],
        per_key: dict[str, tuple[RateLimitItem, ...]],
        limiter: RateLimiter,
    ) -> None:
        self.default = default
        self.per_key = {hashed(key): items for key, items in per_key.items()}
        self.limiter = limiter

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits | None:
        """None when rate limits are off (an empty JOBSEARCH_RATE_LIMIT and no keys)."""
        if not settings.rate_limit.strip() and not settings.rate_limit_keys:
            return None
        uri = settings.rate_limit_storage
        # Memory is the only storage a worker keeps to itself: there each counts its share.
        share = settings.workers if uri.startswith("memory://") else 1
        default: tuple[RateLimitItem, ...] = ()
        if settings.rate_limit.strip():  # else only the keys are limited
            default = parse_rates("JOBSEARCH_RATE_LIMIT", settings.rate_limit, share)
        per_key = {
            key: parse_rates(f"JOBSEARCH_RATE_LIMIT_KEYS[{key[:4]}…]", rate, share)
            for key, rate in settings.rate_limit_keys.items()
        }
        try:
            storage = storage_from_string(
                uri if uri.startswith("async+") else f"async+{uri}", wrap_exceptions=True
            )
            limiter = STRATEGIES[settings.rate_limit_strategy](storage)
        except (ConfigurationError, NotImplementedError) as exc:
            raise ConfigError(f"JOBSEARCH_RATE_LIMIT_STORAGE: {uri!r}: {exc}") from exc
        return cls(default, per_key, limiter)

    def client(self, request: Request) -> Client:
        key = request.headers.get(API_KEY_HEADER)
        if key:
            items = self.per_key.get(hashed(key))
            if items is not None:
                return Client(f"key:{hashed(key)}", "this API key", items)
        address = request.client.host if request.client else "unknown"
        return Client(f"addr:{address}", "this address", self.default)

    async def retry_after(self, client: Client) -> tuple[RateLimitItem, int] | None:
        """Spend one request of every limit of `client`: None if all allow it, else the limit
        that refused and the whole seconds until it allows one again."""
        for item in client.limits:
            if not await self.limiter.hit(item, client.identity):
                reset, _ = await self.limiter.get_window_stats(item, client.identity)
                return item, max(1, math.ceil(reset - time.time()))
        return None


def describe(item: RateLimitItem) -> str:
    """600/1 minute -> "600 per minute"; 30/5 second -> "30 per 5 seconds"."""
    unit = item.GRANULARITY.name
    per = unit if item.multiples == 1 else f"{item.multiples} {unit}s"
    return f"{item.amount} per {per}"


def rate_limiter(limits: RateLimits) -> Callable[[Request], Awaitable[None]]:
    """A dependency for the routers to limit: past a limit, 429 with Retry-After. It runs after
    routing, so metrics count a 429 under its route."""

    async def limit(request: Request) -> None:
        client = limits.client(request)
        try:
            refused = await limits.retry_after(client)
        except StorageError as exc:
            log.warning("rate limit storage failed, request let through: %s", exc)
            return
        if refused is not None:
            item, seconds = refused
            raise HTTPException(
                429,
                f"rate limit: more than {describe(item)} from {client.described}; "
                f"retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
            )

    return limit
