"""Prepare a query: long text split into parts the model reads whole, then one vector.

all-MiniLM-L6-v2 reads 256 word pieces and silently drops the rest, so a pasted résumé would
be judged on its first paragraph. Long text is split at paragraph and sentence boundaries,
each part embedded, and the normalized mean used: every part counts, none is cut. The keyword
side keeps at most MAX_QUERY_TERMS distinct words (the most repeated) and says how many it left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.build.chunking import SPECIAL_TOKENS, split_text
from index.embedding.base import Embedder
from index.models import Vectors
from index.storage.bm25 import content_words, query_phrases, query_terms


@dataclass(frozen=True)
class PreparedQuery:
    text: str
    parts: tuple[str, ...]
    terms: tuple[str, ...]  # content words for the keyword side and highlighting
    phrases: tuple[str, ...]  # adjacent content-word pairs, for the keyword side
    terms_dropped: int  # distinct words past the keyword side's limit (the dense side reads all)
    vector: Vectors
    aspects: Vectors | None = None  # one vector per part of a query naming several things


def split_query(text: str, embedder: Embedder) -> list[str]:
    budget = embedder.max_tokens - SPECIAL_TOKENS
    return [
        part for part in split_text(text.strip(), embedder.count_tokens, budget) if part.strip()
    ]


def prepare_query(text: str, embedder: Embedder, aspects: Sequence[str] = ()) -> PreparedQuery:
    """`aspects`: the parts of a short query naming several things (search.aspects), embedded
    in the same model call as the query (one pass over the model's weights, not two)."""
    parts = split_query(text, embedder) or [text]
    aspect_vectors = None
    if len(parts) == 1 and aspects:
        vectors = embedder.embed_queries([parts[0], *aspects])
        vector, aspect_vectors = vectors[0], vectors[1:]
    elif len(parts) == 1:
        vector = embedder.embed_query(parts[0])
    else:
        vectors = embedder.embed_documents(parts)
        mean = vectors.mean(axis=0)
        norm = float(np.linalg.norm(mean))
        vector = (mean / norm if norm else vectors[0]).astype(np.float32)
    terms = query_terms(text)
    dropped = len(set(content_words(text))) - len(terms)
    return PreparedQuery(
        text,
        tuple(parts),
        tuple(terms),
        tuple(query_phrases(text)),
        dropped,
        vector,
        aspect_vectors,
    )
