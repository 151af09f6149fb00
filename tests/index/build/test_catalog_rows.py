"""Chunks and catalog rows made on every core are the ones one process makes, in order; what a
worker chunks anew is in the chunk cache afterwards."""

from __future__ import annotations

from functools import partial

import pytest

import index.build.catalog_rows as catalog_rows_module
from index.build.caches import chunk_cache
from index.build.catalog_rows import catalog_batches
from index.build.chunking import chunk_posting
from index.build.rebuild import build_index
from index.ingest.boilerplate import find_boilerplate
from index.storage.catalog import CATALOG_FILE
from index.storage.layout import current_build
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder
from tests.index.storage.test_catalog_rows import catalog_dump

fake = FakeEmbedder(max_tokens=32)
chunk = partial(chunk_posting, count_tokens=fake.count_tokens, max_tokens=fake.max_tokens)


@pytest.fixture
def parallel_from_any_size(monkeypatch):
    monkeypatch.setattr(catalog_rows_module, "PARALLEL_MIN_POSTINGS", 0)
    monkeypatch.setattr(catalog_rows_module, "BATCH", 7)


def test_workers_make_the_batches_one_process_makes(tmp_path, parallel_from_any_size):
    postings = synthetic_postings(40, seed=2)
    boilerplate = find_boilerplate(postings)
    made = {}
    for workers in (1, 2):
        cache = (tmp_path / f"chunks-{workers}.sqlite", fake.name, 32)
        made[workers] = list(catalog_batches(postings, cache, chunk, boilerplate, workers))
    assert [b.postings for b in made[2]] == [7, 7, 7, 7, 7, 5]
    assert made[2] == made[1]
    texts = [t for b in made[2] for t in b.texts]
    assert texts == [c.text for p in postings for c in chunk(p)]
    with chunk_cache(tmp_path / "chunks-2.sqlite", fake.name, 32) as cache:
        cache.map(postings, lambda p: pytest.fail("a worker's chunks were not cached"))
        assert cache.hits == len(postings)


def test_a_build_on_two_workers_writes_the_catalog_one_writes(tmp_path, parallel_from_any_size):
    postings = synthetic_postings(30, seed=9)
    for workers in (1, 2):
        build_index(
            postings, FakeEmbedder(max_tokens=32), tmp_path / f"w{workers}", workers=workers
        )
    one, two = (catalog_dump(current_build(tmp_path / f"w{w}") / CATALOG_FILE) for w in (1, 2))
    assert two == one and len(one["postings"]) == 30
