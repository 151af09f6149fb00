"""Embedding backends: the ONNX one gives the reference vectors; an index is only searched with
the backend that built it."""

from __future__ import annotations

import numpy as np
import pytest

from index.build.rebuild import build_index
from index.errors import IndexMismatchError
from index.storage.loaded import open_index
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
    from index.embedding.onnx import OnnxEmbedder

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


def test_load_embedder_refuses_an_unknown_backend(tmp_path):
    from index.embedding.factory import load_embedder
    from index.errors import UnknownModelError

    with pytest.raises(UnknownModelError, match="unknown backend 'cuda'; known: sentence-tr"):
        load_embedder("all-MiniLM-L6-v2", "cuda", tmp_path, threads=1)


def test_plan_batches_groups_similar_lengths_and_covers_every_text():
    from index.embedding.base import plan_batches

    texts = ["a" * n for n in (3, 9, 1, 9, 5, 7, 2)]
    batches = plan_batches(texts, 3)
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [texts[i] for i in batches[0]] == ["a" * 9, "a" * 9, "a" * 7]
    assert sorted(int(i) for b in batches for i in b) == list(range(len(texts)))


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "min_cosine"), [("onnx-int8", 0.97)])  # torch-bf16: dropped
def test_fast_backends_stay_close_to_sentence_transformers(torch_embedder, backend, min_cosine):
    from index.embedding.factory import load_embedder

    fast = load_embedder("all-MiniLM-L6-v2", backend, REPO / "var" / "cache", threads=2)
    assert fast.backend == backend
    reference = torch_embedder.embed_documents(TEXTS)
    vectors = fast.embed_documents(TEXTS, batch_size=2)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (reference * vectors).sum(axis=1)
    assert np.all(cosines > min_cosine), cosines
    # A query is a batch of one through the same path. (Dynamic int8 scales activations per
    # batch, so its vectors move slightly with their batch companions.)
    assert float(fast.embed_query(TEXTS[0]) @ vectors[0]) > 0.99


@pytest.mark.slow
def test_onnx_export_says_nothing_an_operator_cannot_act_on(tmp_path, capfd):
    from index.embedding.model_files import resolve_model_path
    from index.embedding.onnx import export_onnx

    target = export_onnx(resolve_model_path("all-MiniLM-L6-v2"), tmp_path / "m.onnx", True)
    assert target.exists() and target.stat().st_size > 1_000_000
    out, err = capfd.readouterr()
    assert "Warning" not in out + err and "Loading weights" not in out + err, (out + err)[-500:]


def test_query_and_parts_embed_on_the_query_session_as_a_batch_would(real_embedder):
    texts = ["database internals: storage engines", "storage engines", "query planning"]
    together = real_embedder.embed_queries(texts)
    assert together.shape == (3, real_embedder.dimension)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    # The same batch as a build would run it: int8 activations are quantized per batch, so
    # only the threads differ, and the vectors agree to rounding.
    batch = real_embedder.embed_documents(texts)
    assert float(np.min(np.sum(together * batch, axis=1))) > 0.9999
    alone = real_embedder.embed_queries(texts[:1])[0]
    np.testing.assert_array_equal(alone, real_embedder.embed_query(texts[0]))
