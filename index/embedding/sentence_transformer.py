"""The model run by sentence-transformers itself (PyTorch, fp32, on the CPU): the reference the
faster backends are measured against."""

from __future__ import annotations

from index.embedding.base import BaseEmbedder
from index.embedding.model_files import resolve_model_path, stay_offline
from index.embedding.word_pieces import WordPieceCounter
from index.models import Vectors


class SentenceTransformerEmbedder(BaseEmbedder):
    def __init__(self, model: str = "all-MiniLM-L6-v2", threads: int | None = None) -> None:
        stay_offline()
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(
            str(resolve_model_path(model)), device="cpu", local_files_only=True
        )
        # A copy of the fast tokenizer with truncation and padding off, so counting sees every
        # word piece (the shipped config truncates at 128) and warns about nothing.
        self.count_tokens = WordPieceCounter(self._model.tokenizer.backend_tokenizer)
        dimension = (
            self._model.get_embedding_dimension()
            if hasattr(self._model, "get_embedding_dimension")
            else None
        )
        super().__init__(
            model,
            "sentence-transformers",
            int(dimension or self._model.get_sentence_embedding_dimension() or 0),
            int(self._model.max_seq_length or 256),
        )

    def embed_batch(self, texts: list[str]) -> Vectors:
        vectors: Vectors = self._model.encode(
            texts,
            batch_size=len(texts),
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return vectors
