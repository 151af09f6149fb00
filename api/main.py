"""create_app(): the FastAPI app. The lifespan loads the model once and the current index."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import register_error_handlers
from api.routes import health, postings, search
from api.state import AppState
from api.timing import start_clock
from index.embedder import Embedder, SentenceTransformerEmbedder
from index.settings import Settings, get_settings

EmbedderFactory = Callable[[Settings], Embedder]


def load_real_embedder(settings: Settings) -> Embedder:
    return SentenceTransformerEmbedder(settings.model, threads=settings.torch_threads)


def create_app(
    settings: Settings | None = None, embedder_factory: EmbedderFactory = load_real_embedder
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = AppState(settings=settings, embedder=embedder_factory(settings))
        state.load()
        app.state.jobsearch = state
        yield

    app = FastAPI(
        title="jobsearch",
        version="0.1.0",
        description="Semantic job search: describe the work you want, get the postings that fit.",
        lifespan=lifespan,
    )
    app.middleware("http")(start_clock)
    register_error_handlers(app)
    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(postings.router)
    return app
