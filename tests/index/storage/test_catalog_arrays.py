"""What a loaded catalog holds in memory (per chunk and per posting arrays, facet postings) is
read from a few blobs and grouped rows, and equals what the postings say."""

from __future__ import annotations

import numpy as np
import pytest

from index.build.chunking import chunk_posting
from index.models import SectionKind, section_kind_code
from index.storage.catalog import Catalog, timestamp
from index.storage.catalog_write import write_catalog
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

fake = FakeEmbedder(max_tokens=32)
ROLE = "Build and run the storage engine of our database, from the log to compaction. " * 4


def test_catalog_arrays_equal_the_postings_and_their_chunks(tmp_path):
    postings = [
        make_posting(
            f"p{i}",
            team=["Platform", "Data", None][i % 3],
            updated_at=[None, "2026-10-01T00:00:00Z", "2026-09-30T12:00:00+02:00", "soon"][i % 4],
            sections=(
                ("What you'll do", SectionKind.ROLE, ROLE * (1 + i % 3)),
                ("Benefits", SectionKind.BENEFITS, "A pension, health cover and time off. " * 3),
            ),
        )
        for i in range(12)
    ]
    chunks = [chunk_posting(p, fake.count_tokens, fake.max_tokens) for p in postings]
    write_catalog(tmp_path / "catalog.sqlite", postings, chunks)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    flat = [c for group in chunks for c in group]
    assert catalog.chunk_kind.tolist() == [section_kind_code(c.kind) for c in flat]
    assert np.array_equal(catalog.chunk_end, np.cumsum([len(g) for g in chunks]))
    assert catalog.chunk_start.tolist() == [0, *np.cumsum([len(g) for g in chunks])[:-1]]
    assert catalog.chunk_pid.tolist() == [i for i, g in enumerate(chunks) for _ in g]
    assert catalog.updated_ts.tolist() == [timestamp(p.updated_at) for p in postings]
    assert catalog.team_of == [p.team for p in postings]
    assert catalog.chunk_boilerplate.shape == (len(flat),)


def test_catalog_facets_list_postings_in_order_with_the_last_label(tmp_path):
    teams = ["platform", "Data", "Platform", "data", "PLATFORM"]
    postings = [make_posting(f"p{i}", team=team) for i, team in enumerate(teams)]
    chunks = [chunk_posting(p, fake.count_tokens, fake.max_tokens) for p in postings]
    write_catalog(tmp_path / "catalog.sqlite", postings, chunks)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    assert catalog.facet_pids(("team", "platform")).tolist() == [0, 2, 4]
    assert catalog.facet_pids(("team", "data")).tolist() == [1, 3]
    assert catalog.facet_counts("team") == [("platform", "PLATFORM", 3), ("data", "data", 2)]


def test_filtered_postings_are_cached_read_only_and_evicted_by_size(tmp_path):
    postings = [make_posting(f"p{i}", team=["Platform", "Data"][i % 2]) for i in range(10)]
    chunks = [chunk_posting(p, fake.count_tokens, fake.max_tokens) for p in postings]
    write_catalog(tmp_path / "catalog.sqlite", postings, chunks)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    data = {"team": [("team", "data")]}
    first = catalog.pids_matching(data)
    assert first.tolist() == [1, 3, 5, 7, 9]
    assert catalog.pids_matching(data) is first  # the same filter again: from the cache
    assert not first.flags.writeable  # shared between requests: nobody may change it
    platform = catalog.pids_matching({"team": [("team", "platform")]})
    assert platform.tolist() == [0, 2, 4, 6, 8]
    assert catalog.pids_matching({}).tolist() == list(range(10))
    small = Catalog(tmp_path / "catalog.sqlite")
    small._filter_cache = type(small._filter_cache)(first.nbytes, getsizeof=lambda a: a.nbytes)
    kept = small.pids_matching(data)
    small.pids_matching({"team": [("team", "platform")]})  # pushes the first one out
    again = small.pids_matching(data)
    assert again is not kept and again.tolist() == kept.tolist()


@pytest.mark.parametrize("share", [0, 10**9], ids=["from-the-index-order", "sorted-alone"])
def test_newest_first_is_by_date_then_build_order_either_way(tmp_path, monkeypatch, share):
    from index.build.rebuild import build_index
    from index.storage import catalog as catalog_module
    from index.storage.loaded import open_index
    from tests.factories import synthetic_postings

    postings = synthetic_postings(60)
    build_index(postings, FakeEmbedder(), tmp_path)
    catalog = open_index(tmp_path, FakeEmbedder().name).catalog
    monkeypatch.setattr(catalog_module, "NEWEST_SHARE", share)
    stamps = catalog.updated_ts
    assert len(np.unique(stamps)) < len(stamps) or np.isnan(stamps).any()  # ties or undated
    for pids in [np.arange(60), np.arange(0, 60, 3), np.array([5, 7, 40])]:
        want = pids[np.lexsort((pids, -stamps[pids]))]
        np.testing.assert_array_equal(catalog.newest_first(pids.astype(np.int64)), want)
