"""The configured model on the configured backend. Only the edges (the CLI, the API, the build's
callers) import this module; backends import the base, so there is no import circle."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from index.embedding.base import Embedder
from index.embedding.model_files import stay_offline
from index.errors import UnknownModelError
from index.settings import Settings

# How the model runs (JOBSEARCH_BACKEND); an index records its backend and is only searched with
# the same one. README "Embedding backend" has the measurements behind the default.
Backend = Literal["sentence-transformers", "onnx", "onnx-int8"]
BACKENDS: tuple[str, ...] = get_args(Backend)


def load_embedder(model: str, backend: str, cache_dir: Path, threads: int | None) -> Embedder:
    """`model` run by `backend` (one of BACKENDS)."""
    stay_offline()
    if backend == "sentence-transformers":
        from index.embedding.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model, threads=threads)
    if backend in ("onnx", "onnx-int8"):
        from index.embedding.onnx import OnnxEmbedder

        return OnnxEmbedder(model, backend, cache_dir, threads=threads or 2)
    raise UnknownModelError(f"unknown backend {backend!r}; known: {', '.join(BACKENDS)}")


def configured_embedder(settings: Settings) -> Embedder:
    """The embedder `settings` describe (model, backend, ONNX cache, threads)."""
    return load_embedder(
        settings.model, settings.backend, settings.cache_dir, settings.torch_threads
    )
