"""The sentence-transformers pipeline of a packaged model, without sentence-transformers:
`tokenizers` for word pieces, a runtime for the last hidden states, then the model's own
pooling (1_Pooling/config.json: mean over real tokens) and normalization (2_Normalize: L2).

Subclasses supply only the runtime (`_hidden_states`): ONNX Runtime (embedding/onnx.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

from index.embedding.base import BaseEmbedder
from index.embedding.model_files import resolve_model_path
from index.embedding.word_pieces import WordPieceCounter
from index.errors import UnknownModelError
from index.models import Vectors

IntMatrix = npt.NDArray[np.int64]


class PooledEmbedder(BaseEmbedder):
    """Mean pooling + L2 normalization over a runtime's last hidden states."""

    def __init__(self, model: str, backend: str) -> None:
        from tokenizers import Tokenizer

        self.model_dir = resolve_model_path(model)
        pooling = json.loads((self.model_dir / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens") or any(
            v
            for k, v in pooling.items()
            if k.startswith("pooling_mode_") and "mean_tokens" not in k
        ):
            raise UnknownModelError(
                f"{model}: backend {backend!r} supports mean pooling only; "
                "use JOBSEARCH_BACKEND=sentence-transformers"
            )
        max_tokens = int(_read_json(self.model_dir / "sentence_bert_config.json")["max_seq_length"])
        super().__init__(model, backend, int(pooling["word_embedding_dimension"]), max_tokens)
        self._tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.count_tokens = WordPieceCounter(self._tokenizer)

    def embed_batch(self, texts: list[str]) -> Vectors:
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        return pool_and_normalize(self._hidden_states(ids, mask), mask)

    def _hidden_states(self, ids: IntMatrix, mask: IntMatrix) -> npt.NDArray[np.float32]:
        raise NotImplementedError


def pool_and_normalize(hidden: npt.NDArray[np.float32], mask: IntMatrix) -> Vectors:
    """Mean over the real tokens (1_Pooling), then L2 (2_Normalize), in float32."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    vectors: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return vectors


def _read_json(path: Path) -> dict[str, int]:
    data: dict[str, int] = json.loads(path.read_text(encoding="utf-8"))
    return data
