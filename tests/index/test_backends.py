"""Embedding backends: the ONNX one gives the reference vectors; an index is only searched with
the backend that built it."""

from __future__ import annotations

import numpy as np
import pytest

from index.build import build_index
from index.errors import IndexMismatchError
from index.loaded import open_index
from tests.factories import make_posting
from tests.fakes import FakeEmbedder
from tests.paths import REPO

TEXTS = [
    "I want to work on database internals in Rust",
    "Senior Frontend Engineer. Requirements:\n- React and TypeScript\n- design systems " * 6,
    "x",
    "Wir suchen eine:n Backend-Entwickler:in (Go) für unser Team in Berlin.",
]


def test_open_index_refuses_another_backend(tmp_path):
    root = tmp_path / "index"
    build_index([make_posting("a")], FakeEmbedder(), root)
    with pytest.raises(IndexMismatchError, match="JOBSEARCH_BACKEND=fake"):
        open_index(root, "fake-hash", "onnx")
    assert open_index(root, "fake-hash", "fake").manifest.backend == "fake"


@pytest.mark.slow
def test_onnx_backend_matches_sentence_transformers(torch_embedder):
    from index.onnx_embedder import OnnxEmbedder

    onnx = OnnxEmbedder("all-MiniLM-L6-v2", "onnx", REPO / "var" / "cache")
    reference = torch_embedder.embed_documents(TEXTS)
    vectors = onnx.embed_documents(TEXTS, batch_size=2)
    cosines = (reference * vectors).sum(axis=1)
    assert np.all(cosines > 0.9999), cosines
    np.testing.assert_allclose(onnx.embed_query(TEXTS[0]), reference[0], atol=1e-4)
    assert [onnx.count_tokens(t) for t in TEXTS] == [torch_embedder.count_tokens(t) for t in TEXTS]
    assert (
        onnx.max_tokens == torch_embedder.max_tokens and onnx.dimension == torch_embedder.dimension
    )
