"""Every part of a query on the dense side: parts split out, each posting scored by its weakest."""

from __future__ import annotations

import numpy as np
import pytest

from index.build.rebuild import build_index
from index.models import SectionKind
from index.storage.loaded import open_index
from search.aspects import split_aspects, weakest_aspect
from search.query import prepare_query
from tests.factories import make_posting, synthetic_postings
from tests.fakes import FakeEmbedder


def test_split_aspects_splits_on_the_joints_of_a_query():
    assert split_aspects("data engineer building streaming pipelines with Kafka and Spark") == [
        "data engineer building streaming pipelines",
        "Kafka",
        "Spark",
    ]
    assert split_aspects("database internals: storage engines, query planning") == [
        "database internals",
        "storage engines",
        "query planning",
    ]


@pytest.mark.parametrize("query", ["rust database internals", "senior iOS engineer", ""])
def test_split_aspects_leaves_a_single_thing_whole(query):
    assert split_aspects(query) == []


def test_weakest_aspect_equals_the_minimum_over_parts_of_the_best_chunk(tmp_path):
    embedder = FakeEmbedder()
    postings = synthetic_postings(30, seed=4)
    build_index(postings, embedder, tmp_path / "index")
    index = open_index(tmp_path / "index", embedder.name)
    text = "kafka pipeline, react design system, payments billing"
    aspects = prepare_query(text, embedder, split_aspects(text)).aspects
    assert aspects is not None and len(aspects) == 3
    assert np.allclose(aspects, embedder.embed_documents(split_aspects(text)))
    pids = np.array([7, 2, 19, 0], dtype=np.int64)
    got = weakest_aspect(index, pids, aspects)
    for pid, value in zip(pids.tolist(), got.tolist(), strict=True):
        chunks = index.catalog.chunk_ids(np.array([pid], dtype=np.int64))
        sims = index.store.vectors[chunks] @ aspects.T
        assert value == pytest.approx(float(sims.max(axis=0).min()), abs=1e-6)


def test_a_posting_covering_every_part_beats_one_matching_one_part_strongly(tmp_path):
    from search.ranking import RankingConfig
    from search.service import SearchRequest, SearchService

    role = SectionKind.ROLE
    postings = [
        make_posting(
            "one", "Kafka Engineer", sections=(("Do", role, "kafka kafka kafka streams kafka"),)
        ),
        make_posting("all", "Engineer", sections=(("Do", role, "kafka streams, payments ledger"),)),
        make_posting("none", "Designer", sections=(("Do", role, "figma brand layouts"),)),
    ]
    embedder = FakeEmbedder()
    build_index(postings, embedder, tmp_path / "index")
    service = SearchService(embedder, open_index(tmp_path / "index", embedder.name))
    config = RankingConfig(min_score=0.05, aspect_weight=2.0)
    hits = service.search(SearchRequest("kafka streams with payments", limit=2), config).hits
    assert hits and hits[0].posting.id == "all"
