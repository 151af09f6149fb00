"""create_app(): the FastAPI app. The lifespan loads the model once and the current index."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.bodylimit import BodyLimit
from api.errors import register_error_handlers
from api.observe import record_request
from api.ratelimit import TokenBuckets, rate_limiter
from api.routes import admin, health, metrics, postings, search
from api.routes.page import mount_page
from api.state import AppState, IndexWatcher
from api.timing import start_clock
from index.embedding.base import Embedder
from index.embedding.factory import configured_embedder
from index.settings import Settings, get_settings

EmbedderFactory = Callable[[Settings], Embedder]


def create_app(
    settings: Settings | None = None, embedder_factory: EmbedderFactory = configured_embedder
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = AppState(settings=settings, embedder=embedder_factory(settings))
        state.load()
        app.state.jobsearch = state
        watcher = IndexWatcher(state, settings.watch_index_seconds)
        if settings.watch_index_seconds > 0:
            watcher.start()
        yield
        if settings.watch_index_seconds > 0:
            watcher.stop()

    app = FastAPI(
        title="jobsearch",
        version="0.1.0",
        description="Semantic job search: describe the work you want, get the postings that fit.",
        lifespan=lifespan,
    )
    # Middleware added last runs first: the clock starts before anything else.
    if settings.max_body_bytes > 0:  # innermost, so its 413 reaches the error handlers as is
        app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.middleware("http")(record_request)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key"],
        )
    app.middleware("http")(start_clock)
    register_error_handlers(app)
    limited = []  # routers a client can be rate limited on (probes and metrics never are)
    if settings.rate_limit_per_minute > 0:
        buckets = TokenBuckets(settings.rate_limit_per_minute, settings.rate_limit_burst)
        limited = [Depends(rate_limiter(buckets))]
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(admin.router, dependencies=limited)
    mount_page(app)
    app.include_router(search.router, dependencies=limited)
    app.include_router(postings.router, dependencies=limited)
    return app
