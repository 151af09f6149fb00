"""The packaged model run by ONNX Runtime: "onnx" gives the same vectors as sentence-transformers
(tested); "onnx-int8" quantizes the weight matrices to int8 (dynamic, per channel), faster to
build and to query at nearly the same vectors (README "Embedding backend" has the figures).

The ONNX file is exported from the installed model's weights on first use (offline, a few
seconds) and cached under the cache dir, keyed by model, backend and recipe. Tokenizing and
pooling are pooled_embedder's.
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from index.embedding.pooled import IntMatrix, PooledEmbedder, pool_and_normalize
from index.errors import UnknownModelError
from index.models import Vectors

if TYPE_CHECKING:
    import onnxruntime as ort

BACKENDS = ("onnx", "onnx-int8")
RECIPE = "v2"  # bump when the export or quantization changes, so a stale file is not reused


def onnx_path(cache_dir: Path, model_dir: Path, model: str, backend: str) -> Path:
    """Where the exported file for this model, backend and recipe is cached."""
    weights = sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin"))
    stamp = "|".join(f"{p.name}:{p.stat().st_size}" for p in weights)
    digest = hashlib.blake2b(f"{model_dir}|{stamp}".encode(), digest_size=6).hexdigest()
    return cache_dir / "onnx" / f"{Path(model).name}-{backend}-{RECIPE}-{digest}.onnx"


def export_onnx(model_dir: Path, target: Path, quantize: bool) -> Path:
    """Write the model as ONNX (once); returns the file to load. The exporters' tracer
    warnings and progress bars say nothing an operator can act on, so they are kept quiet."""
    if target.exists():
        return target
    with _quiet():
        return _export(model_dir, target, quantize)


@contextmanager
def _quiet() -> Iterator[None]:
    """No warnings, no logging below errors, no Hugging Face progress bars, for a while."""
    from transformers.utils import logging as hf_logging

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)
        hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]


def _export(model_dir: Path, target: Path, quantize: bool) -> Path:
    import torch
    from transformers import AutoModel

    target.parent.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            hidden: torch.Tensor = out.last_hidden_state
            return hidden

    # Temporary names are per process, so two processes exporting at once never clobber.
    fp32 = target.with_suffix(f".fp32.{os.getpid()}.tmp")
    sample = torch.ones(1, 8, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            LastHiddenState(),
            (sample, sample, torch.zeros_like(sample)),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
            opset_version=17,
            dynamo=False,
        )
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        staged = target.with_suffix(f".{os.getpid()}.tmp")
        # Only the weight matrices (MatMul with a constant B), one scale per output channel:
        # quantizing the embedding table or the attention products too costs accuracy
        # (cosine down to 0.86 measured) for no speed.
        quantize_dynamic(
            str(fp32),
            str(staged),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"MatMulConstBOnly": True},
        )
        fp32.unlink()
        os.replace(staged, target)
    else:
        os.replace(fp32, target)
    return target


class OnnxEmbedder(PooledEmbedder):
    def __init__(
        self,
        model: str,
        backend: str = "onnx",
        cache_dir: Path = Path("var/cache"),
        threads: int = 2,
    ) -> None:
        if backend not in BACKENDS:
            raise UnknownModelError(
                f"unknown backend {backend!r}; known: sentence-transformers, {', '.join(BACKENDS)}"
            )
        super().__init__(model, backend)
        onnx_file = export_onnx(
            self.model_dir,
            onnx_path(cache_dir, self.model_dir, model, backend),
            backend == "onnx-int8",
        )
        self._file = str(onnx_file)
        self._threads = threads
        # Opened now, not on the first query (a third of a second). The session for batches is
        # opened by the first batch: a server embeds queries only.
        self._query_session = self._open(1)
        self._batch_session = self._query_session if threads == 1 else None

    def _open(self, threads: int) -> ort.InferenceSession:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        return ort.InferenceSession(self._file, options, providers=["CPUExecutionProvider"])

    def embed_query(self, text: str) -> Vectors:
        """One short text on one thread: faster than two for a batch of one on a small machine,
        and it leaves the other core to a concurrent request."""
        vector: Vectors = self.embed_queries([text])[0]
        return vector

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """A query and its parts on the query's one thread too: a second thread saves little on
        a few short texts, and its spinning contends with the rest of the search."""
        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self._query_session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        return pool_and_normalize(hidden, mask)

    def _hidden_states(self, ids: IntMatrix, mask: IntMatrix) -> npt.NDArray[np.float32]:
        if self._batch_session is None:
            self._batch_session = self._open(self._threads)
        hidden: npt.NDArray[np.float32] = self._batch_session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        return hidden
