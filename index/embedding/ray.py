"""The rebuild's embedding step on Ray (`jobsearch rebuild --engine ray`), for corpora that
outgrow one machine: local by default (`ray.init()` starts a private one-machine cluster), or a
running cluster with `--ray-address`, whose nodes need this package and the model installed.
The rebuild's other per-batch stages go to the same Ray (index.build.engine).

Only `embed_documents` leaves the process; the embedding cache stays in the driver. Texts are
cut into the same batches as a local build (`plan_batches`) and each batch is embedded whole by
one actor, so every vector is bit-for-bit the local one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.base import Embedder, Progress, plan_batches
from index.embedding.factory import load_embedder
from index.errors import MissingDependencyError
from index.models import Vectors

BATCHES_PER_TASK = 8  # batches sent to an actor at once: large enough to hide the round trip


class EmbedActor:
    """Holds one model on a Ray worker; embeds whole batches exactly as a local build does."""

    def __init__(self, model: str, backend: str, cache_dir: str, threads: int) -> None:
        self.embedder = load_embedder(model, backend, Path(cache_dir), threads)

    def embed_batches(self, batches: list[list[str]]) -> list[Vectors]:
        return [self.embedder.embed_documents(b, batch_size=len(b)) for b in batches]


def connect_ray(address: str | None = None) -> Any:
    """The `ray` module, joined to the cluster at `address` or to a private one-machine Ray
    (started here unless this process already joined one); a clear error without Ray."""
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError(
            "--engine ray needs Ray: pip install -e '.[ray]' (or pip install ray)"
        ) from exc
    if not ray.is_initialized():
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "configure_logging": False,
        }
        if address:
            options["address"] = address
        else:
            options["num_cpus"] = os.cpu_count() or 1
        ray.init(**options)
    return ray


class RayEmbedder:
    """An Embedder whose documents are embedded by Ray actors; queries and token counts stay
    with `local` (the same model and backend in this process). The actors start at the first
    documents, so the stages before embedding have the cluster's CPUs to themselves."""

    def __init__(
        self,
        local: Embedder,
        cache_dir: Path,
        *,
        address: str | None = None,
        actors: int | None = None,
        threads: int = 1,
    ) -> None:
        self.local = local
        self._ray = connect_ray(address)
        self._cache_dir, self._count, self._threads = cache_dir, actors, threads
        self._actors: list[Any] = []
        self.count_tokens = local.count_tokens  # picklable, for chunking on other machines

    @property
    def name(self) -> str:
        return self.local.name

    @property
    def backend(self) -> str:
        return self.local.backend

    @property
    def dimension(self) -> int:
        return self.local.dimension

    @property
    def max_tokens(self) -> int:
        return self.local.max_tokens

    def embed_query(self, text: str) -> Vectors:
        return self.local.embed_query(text)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.local.embed_queries(texts)

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: Progress = False
    ) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        plan = plan_batches(texts, batch_size)
        pending = []
        actors = self._started_actors()
        for task, start in enumerate(range(0, len(plan), BATCHES_PER_TASK)):
            group = plan[start : start + BATCHES_PER_TASK]
            actor = actors[task % len(actors)]
            batches = [[texts[i] for i in rows] for rows in group]
            pending.append((group, actor.embed_batches.remote(batches)))
        for group, ref in pending:
            for rows, vectors in zip(group, self._ray.get(ref), strict=True):
                out[rows] = vectors
                if callable(progress):
                    progress(len(rows))
        return out

    def _started_actors(self) -> list[Any]:
        if not self._actors:
            cpus = int(self._ray.cluster_resources().get("CPU", 1))
            count = self._count or max(1, cpus // self._threads)
            actor = self._ray.remote(num_cpus=self._threads)(EmbedActor)
            model, backend = self.local.name, self.local.backend
            self._actors = [
                actor.remote(model, backend, str(self._cache_dir), self._threads)
                for _ in range(count)
            ]
        return self._actors

    def shutdown(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
