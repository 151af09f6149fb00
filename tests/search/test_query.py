"""Long queries are split to fit the model, never cut."""

from __future__ import annotations

import numpy as np

from search.query import prepare_query, split_query
from tests.fakes import FakeEmbedder


def test_short_query_is_one_part():
    query = prepare_query("rust storage engineer", FakeEmbedder(max_tokens=64))
    assert query.parts == ("rust storage engineer",) and query.terms == (
        "rust",
        "storage",
        "engineer",
    )


def test_long_query_splits_into_parts_that_fit_and_keep_every_word():
    embedder = FakeEmbedder(max_tokens=32)
    text = " ".join(f"Sentence {n} about kafka pipelines and spark jobs." for n in range(20))
    parts = split_query(text, embedder)
    assert len(parts) > 1
    assert all(embedder.count_tokens(p) <= 30 for p in parts)
    assert " ".join(parts).split() == text.split()
    query = prepare_query(text, embedder)
    assert np.isclose(np.linalg.norm(query.vector), 1.0)
    tail_only = prepare_query(parts[-1], embedder).vector
    assert float(query.vector @ tail_only) < 0.9999  # the tail is part of the vector, not all of it


def test_long_query_reports_words_the_keyword_side_left_out():
    text = " ".join(f"skill{n}" for n in range(80))
    query = prepare_query(text, FakeEmbedder(max_tokens=256))
    assert len(query.terms) == 64 and query.terms_dropped == 16


def test_a_query_naming_several_things_embeds_them_in_one_model_call():
    embedder = FakeEmbedder(max_tokens=64)
    calls = embedder.batches
    query = prepare_query(
        "kafka pipelines, react design", embedder, ["kafka pipelines", "react design"]
    )
    assert embedder.batches == calls + 1
    assert query.aspects is not None and query.aspects.shape == (2, embedder.dimension)
    assert np.allclose(query.vector, embedder.embed_query("kafka pipelines, react design"))
    assert prepare_query("rust storage engineer", embedder).aspects is None
