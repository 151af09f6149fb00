"""create_app(): the FastAPI app. The lifespan loads the model once and the current index.

It is also uvicorn's factory (`api.main:create_app`, reading settings from the environment), so
that `jobsearch serve --workers N` (api/serve.py) can start it in each worker process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.bodylimit import BodyLimit
from api.errors import register_error_handlers
from api.metrics import worker_started, worker_stopped
from api.observe import record_request
from api.ratelimit import RateLimits, rate_limiter
from api.routes import admin, health, metrics, postings, search
from api.routes.page import mount_page
from api.state import AppState, IndexWatcher
from api.timing import start_clock
from index.embedding.base import Embedder
from index.embedding.factory import configured_embedder
from index.ingest.place_names import PLACES_CACHE, warm_places
from index.settings import Settings, get_settings
from index.storage.vectors import limit_threads

EmbedderFactory = Callable[[Settings], Embedder]
# With several workers each one must see a new build by itself: POST /v1/admin/reload reaches
# only the worker that answers it, so the others watch `current` at least this often.
WORKERS_WATCH_SECONDS = 1.0


def watch_interval(settings: Settings) -> float:
    if settings.workers > 1 and settings.watch_index_seconds <= 0:
        return WORKERS_WATCH_SECONDS
    return settings.watch_index_seconds


def create_app(
    settings: Settings | None = None, embedder_factory: EmbedderFactory = configured_embedder
) -> FastAPI:
    settings = settings or get_settings()
    limits = RateLimits.from_settings(settings)  # a bad setting fails here, before loading
    interval = watch_interval(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker_started()
        limit_threads(settings.torch_threads)
        warm_places(settings.cache_dir / PLACES_CACHE)  # each worker loads them, none builds
        state = AppState(settings=settings, embedder=embedder_factory(settings))
        state.load()
        app.state.jobsearch = state
        watcher = IndexWatcher(state, interval)
        if interval > 0:
            watcher.start()
        yield
        if interval > 0:
            watcher.stop()
        worker_stopped()

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
    # The routers a client can be rate limited on (probes and metrics never are).
    limited = [] if limits is None else [Depends(rate_limiter(limits))]
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(admin.router, dependencies=limited)
    mount_page(app)
    app.include_router(search.router, dependencies=limited)
    app.include_router(postings.router, dependencies=limited)
    return app
