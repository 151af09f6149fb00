"""The rebuild's embedding step on Ray (`jobsearch rebuild --engine ray`), for corpora that
outgrow one machine: local by default (`ray.init()` starts a private one-machine cluster), or a
running cluster with `--ray-address`, whose nodes need this package and the model installed.

Only `embed_documents` leaves the process; chunking, the cache, the catalog and the index stay
in the driver. Texts are cut into the same batches as a local build (`plan_batches`) and each
batch is embedded whole by one actor, so every vector is bit-for-bit the local one.
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


class RayEmbedder:
    """An Embedder whose documents are embedded by Ray actors; queries and token counts stay
    with `local` (the same model and backend in this process)."""

    def __init__(
        self,
        local: Embedder,
        cache_dir: Path,
        *,
        address: str | None = None,
        actors: int | None = None,
        threads: int = 1,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise MissingDependencyError(
                "--engine ray needs Ray: pip install -e '.[ray]' (or pip install ray)"
            ) from exc
        self.local = local
        self._ray = ray
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
        cpus = int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]
        count = actors or max(1, cpus // threads)
        actor = ray.remote(num_cpus=threads)(EmbedActor)
        self._actors: list[Any] = [
            actor.remote(local.name, local.backend, str(cache_dir), threads) for _ in range(count)
        ]

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

    def count_tokens(self, text: str) -> int:
        return self.local.count_tokens(text)

    def embed_query(self, text: str) -> Vectors:
        return self.local.embed_query(text)

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: Progress = False
    ) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        plan = plan_batches(texts, batch_size)
        pending = []
        for task, start in enumerate(range(0, len(plan), BATCHES_PER_TASK)):
            group = plan[start : start + BATCHES_PER_TASK]
            actor = self._actors[task % len(self._actors)]
            batches = [[texts[i] for i in rows] for rows in group]
            pending.append((group, actor.embed_batches.remote(batches)))
        for group, ref in pending:
            for rows, vectors in zip(group, self._ray.get(ref), strict=True):
                out[rows] = vectors
                if callable(progress):
                    progress(len(rows))
        return out

    def shutdown(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
