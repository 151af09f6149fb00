"""A rebuild whose inputs differ little from the serving build's updates it (index.build.update):
it serves what a full build of the same inputs serves, keeps the base's files as links, and
falls back to a full build whenever an update could differ from one in kind."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

from index.build.rebuild import BuildOptions, rebuild
from index.embedding.base import Embedder
from index.storage.catalog import CATALOG_FILE
from index.storage.layout import builds_dir, current_build
from index.storage.loaded import LoadedIndex, open_index
from index.storage.manifest import read_manifest
from index.storage.segment_vectors import SegmentedVectors
from index.storage.vectors import VECTORS_FILE
from search.filters import Filters
from search.results import SearchRequest
from search.service import SearchService
from tests.fakes import FakeEmbedder
from tests.paths import SAMPLE_POSTINGS

QUERIES = ["rust database engineer", "frontend react typescript", "", "data scientist", "python"]
OPTIONS = BuildOptions(workers=1, update_max_share=0.2)


def records() -> list[dict[str, object]]:
    return [json.loads(line) for line in SAMPLE_POSTINGS.read_text().splitlines()]


def write(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def next_day(day1: list[dict[str, object]]) -> list[dict[str, object]]:
    """Two postings closed, one retitled, one opened (a copy of another's text under a new
    id), and one record twice (the last wins)."""
    day2 = [item for i, item in enumerate(day1) if i not in (3, 7)]
    day2[0] = {**day2[0], "title": f"{day2[0]['title']} (Database Internals)"}
    day2.append({**day1[10], "id": "sample:opened", "title": "Principal Rust Database Engineer"})
    day2.append({**day2[5], "team": "Moved Team"})
    return day2


def search_all(index: LoadedIndex, embedder: Embedder) -> list[object]:
    """Every query's ids, scores, total and facets, and the empty query's listing."""
    service = SearchService(embedder, index)
    out: list[object] = []
    for query in QUERIES:
        result = service.search(SearchRequest(query, limit=10, facets=True))
        facets = {k: [(c.value, c.count) for c in v] for k, v in (result.facets or {}).items()}
        ids = [hit.posting.id for hit in result.hits]
        scores = [round(hit.score or 0.0, 4) for hit in result.hits]
        out.append((query, ids, scores, result.total, facets))
    remote = service.search(SearchRequest("", Filters(locations=("remote",)), limit=50))
    out.append([hit.posting.id for hit in remote.hits])
    return out


@pytest.fixture
def days(tmp_path: Path) -> tuple[Path, Path]:
    day1 = records()
    return write(tmp_path / "day1.jsonl", day1), write(tmp_path / "day2.jsonl", next_day(day1))


def test_an_update_serves_what_a_full_build_of_the_same_inputs_serves(tmp_path, days):
    embedder = FakeEmbedder()
    day1, day2 = days
    first = rebuild([day1], tmp_path / "updated", embedder, OPTIONS)
    update = rebuild([day2], tmp_path / "updated", embedder, OPTIONS)
    full = rebuild([day2], tmp_path / "full", embedder, OPTIONS)

    assert first.full_because == "no build to update"
    assert update.full_because is None
    assert update.build.manifest.update == {
        "base": first.build.manifest.build_id,
        "kept": 56,  # 60, less two closed, one retitled and one moved
        "added": 3,  # opened, retitled, moved
        "dead": 4,
        "base_chunks": first.build.manifest.chunks,
        "base_sections": first.build.manifest.sections,
    }
    assert update.build.manifest.postings == full.build.manifest.postings == 59
    assert update.build.manifest.sections == full.build.manifest.sections
    assert update.read.duplicates == full.read.duplicates == [records()[6]["id"]]
    updated = open_index(tmp_path / "updated", embedder.name)
    rebuilt = open_index(tmp_path / "full", embedder.name)
    assert isinstance(updated.store, SegmentedVectors)
    assert search_all(updated, embedder) == search_all(rebuilt, embedder)

    catalog = updated.catalog
    gone = [records()[3]["id"], records()[7]["id"]]
    assert [catalog.pid_of(i) for i in gone] == [None, None]
    retitled = catalog.pid_of(str(records()[0]["id"]))
    assert retitled is not None and retitled >= len(records())  # served from the added segment
    assert catalog.summaries([retitled])[retitled].title.endswith("(Database Internals)")
    assert catalog.sections(retitled)[0].text
    assert sorted(catalog.facet_pids(("team", "moved team")).tolist()) == [
        catalog.pid_of(str(records()[6]["id"]))
    ]


@pytest.mark.parametrize("ann_min_chunks", [250_000, 10], ids=["flat", "ivf"])
def test_dead_postings_are_never_returned_by_any_path(tmp_path, days, ann_min_chunks):
    """Similar postings, the vector store's every search and BM25 leave the dead out, on an
    exact index and on IVF (both segments IVF, every list probed)."""
    embedder = FakeEmbedder()
    day1, day2 = days
    options = BuildOptions(
        workers=1, update_max_share=0.2, ann_min_chunks=ann_min_chunks, nprobe=4096
    )
    rebuild([day1], tmp_path / "index", embedder, options)
    rebuild([day2], tmp_path / "index", embedder, options)
    index = open_index(tmp_path / "index", embedder.name)
    catalog, store = index.catalog, index.store
    assert isinstance(store, SegmentedVectors) and store.added is not None
    expected = "flat" if ann_min_chunks > 1000 else "ivf-sq8"
    assert (store.base.index_type, store.added.index_type) == (expected, expected)
    dead = np.flatnonzero(~catalog.live)
    assert len(dead) == 4
    dead_chunks = set(catalog.dead_chunks().tolist())
    for pid in dead:  # each dead posting's own vector would find itself first
        probe = store.vector(int(catalog.chunk_start[pid]))
        _, ids = store.search(probe, 5)
        assert not dead_chunks & set(ids.tolist())
        _, ids = store.range_search(probe, -1.0)
        assert len(ids) == store.size - len(dead_chunks)
        _, ids, _ = store.best_with_bound(probe, 5)
        assert not dead_chunks & set(ids.tolist())
        title = catalog_title(tmp_path / "index", int(pid))
        found, _ = catalog.keyword_search([title.split()[0].casefold()], 100)
        assert not set(found.tolist()) & set(dead.tolist())
    service = SearchService(embedder, index)
    for summary in catalog.summaries(catalog.live_pids.tolist()).values():
        similar = service.similar(summary.id, limit=50)
        assert not {hit.posting.pid for hit in similar.hits} & set(dead.tolist())


def catalog_title(root: Path, pid: int) -> str:
    """A base posting's title, read from the base catalog itself (dead ones too)."""
    import sqlite3

    db = sqlite3.connect(current_build(root) / CATALOG_FILE)
    try:
        return str(db.execute("SELECT title FROM postings WHERE pid = ?", (pid,)).fetchone()[0])
    finally:
        db.close()


def test_an_update_links_the_base_and_starts_each_time_from_it(tmp_path, days):
    embedder = FakeEmbedder()
    day1, day2 = days
    first = rebuild([day1], tmp_path / "index", embedder, OPTIONS).build
    second = rebuild([day2], tmp_path / "index", embedder, OPTIONS).build
    day3 = next_day(next_day(records()))
    third = rebuild([write(tmp_path / "day3.jsonl", day3)], tmp_path / "index", embedder, OPTIONS)

    for name in (CATALOG_FILE, VECTORS_FILE):
        inode = (first.directory / name).stat().st_ino
        assert (second.directory / name).stat().st_ino == inode
        assert (third.build.directory / name).stat().st_ino == inode
    assert third.build.manifest.update["base"] == first.manifest.build_id
    # against the base, not the second build
    latest = {item["id"]: item for item in day3}
    kept = sum(latest.get(item["id"]) == item for item in records())
    assert third.build.manifest.update["kept"] == kept
    assert third.build.manifest.update["dead"] == len(records()) - kept
    assert third.build.manifest.postings == len({str(item["id"]) for item in day3})
    # the same day again: nothing differs but what day 3 already differs by
    again = rebuild([write(tmp_path / "day3b.jsonl", day3)], tmp_path / "index", embedder, OPTIONS)
    assert again.build.manifest.update == {**third.build.manifest.update}
    assert again.understood.cached == again.build.manifest.update["added"]


def test_a_large_difference_or_a_changed_setup_makes_a_full_build(tmp_path, days):
    embedder = FakeEmbedder()
    day1, day2 = days
    root = tmp_path / "index"
    rebuild([day1], root, embedder, OPTIONS)
    small_share = BuildOptions(workers=1, update_max_share=0.05)
    report = rebuild([day2], root, embedder, small_share)
    assert report.full_because is not None and "more than 5%" in report.full_because
    assert not read_manifest(current_build(root)).update

    other_code = "index.build.update.understood_namespace"
    with mock.patch(other_code, return_value="understood|a newer understanding"):
        report = rebuild([day2], root, embedder, OPTIONS)
    assert report.full_because is not None and "more than 20%" in report.full_because

    report = rebuild([day2], root, embedder, BuildOptions(workers=1, update_max_share=0))
    assert report.full_because == "updates are off"
    report = rebuild([day2], root, embedder, BuildOptions(workers=1, chunk_tokens=20))
    assert report.full_because == "the chunk size changed"
    report = rebuild([day2], root, FakeEmbedder(name="another-model"), OPTIONS)
    assert report.full_because == "the model or backend changed"


def test_a_crash_mid_update_leaves_the_serving_build(tmp_path, days):
    embedder = FakeEmbedder()
    day1, day2 = days
    root = tmp_path / "index"
    serving = rebuild([day1], root, embedder, OPTIONS).build.directory
    with (
        mock.patch("index.build.update.assemble", side_effect=RuntimeError("power cut")),
        pytest.raises(RuntimeError, match="power cut"),
    ):
        rebuild([day2], root, embedder, OPTIONS)
    assert current_build(root) == serving
    assert open_index(root, embedder.name).catalog.live_count == 60
    rebuild([day2], root, embedder, OPTIONS)  # the next one clears the leftovers
    assert not [p for p in builds_dir(root).iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.slow
def test_an_update_through_the_real_model_finds_the_new_posting(tmp_path, days, real_embedder):
    day1, day2 = days
    root = tmp_path / "index"
    rebuild([day1], root, real_embedder, OPTIONS)
    report = rebuild([day2], root, real_embedder, OPTIONS)
    assert report.full_because is None and report.build.manifest.update["added"] == 3
    service = SearchService(real_embedder, open_index(root, real_embedder.name))
    hits = service.search(SearchRequest("principal rust database engineer", limit=3)).hits
    assert hits[0].posting.id == "sample:opened"
    closed = {str(records()[3]["id"]), str(records()[7]["id"])}
    for query in (str(records()[3]["title"]), str(records()[7]["title"])):
        found = service.search(SearchRequest(query, limit=50)).hits
        assert found and not {hit.posting.id for hit in found} & closed
