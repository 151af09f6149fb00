"""Builds are verified before they become current; a failed or crashed one changes nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.build import rebuild as build_module
from index.build.rebuild import build_index
from index.errors import IndexMismatchError, IndexNotFoundError, InvalidIndexError, JobSearchError
from index.storage.layout import builds_dir, current_build
from index.storage.loaded import open_index
from index.storage.manifest import FORMAT_VERSION, MANIFEST_FILE
from tests.factories import make_posting, synthetic_postings
from tests.fakes import FakeEmbedder


def test_build_writes_manifest_and_switches_current(tmp_path):
    root = tmp_path / "index"
    report = build_index(synthetic_postings(12), FakeEmbedder(), root)
    assert current_build(root) == report.directory
    manifest = json.loads((report.directory / MANIFEST_FILE).read_text())
    assert manifest["model"] == "fake-hash" and manifest["dimension"] == 64
    assert manifest["postings"] == 12 and manifest["chunks"] >= 12
    assert manifest["format_version"] == FORMAT_VERSION and manifest["built_at"]
    loaded = open_index(root, "fake-hash")
    assert loaded.store.size == manifest["chunks"]
    norms = np.linalg.norm(np.asarray(loaded.store.vectors), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)


def test_build_keeps_previous_build_and_prunes_older(tmp_path):
    root = tmp_path / "index"
    reports = [
        build_index([make_posting(f"p{n}")], FakeEmbedder(), root, keep_builds=1) for n in range(4)
    ]
    remaining = sorted(p.name for p in builds_dir(root).iterdir())
    assert remaining == sorted(r.directory.name for r in reports[-2:])
    assert current_build(root) == reports[-1].directory


def test_build_crash_before_switch_leaves_old_index_current(tmp_path, monkeypatch):
    root = tmp_path / "index"
    first = build_index([make_posting("old")], FakeEmbedder(), root)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "index_vector_file", explode)
    with pytest.raises(RuntimeError):
        build_index([make_posting("new")], FakeEmbedder(), root)
    assert current_build(root) == first.directory
    assert open_index(root, "fake-hash").catalog.summaries([0])[0].id == "old"
    monkeypatch.undo()
    second = build_index(
        [make_posting("newer")], FakeEmbedder(), root
    )  # the leftover is cleaned up
    assert current_build(root) == second.directory
    assert not [p for p in builds_dir(root).iterdir() if p.name.startswith(".tmp-")]


def test_build_refuses_empty_input(tmp_path):
    with pytest.raises(JobSearchError, match="no postings"):
        build_index([], FakeEmbedder(), tmp_path / "index")


def test_open_index_without_build_says_what_to_run(tmp_path):
    with pytest.raises(IndexNotFoundError, match="jobsearch rebuild"):
        open_index(tmp_path / "nowhere", "fake-hash")


def test_open_index_refuses_other_model(tmp_path):
    root = tmp_path / "index"
    build_index([make_posting("a")], FakeEmbedder(), root)
    with pytest.raises(IndexMismatchError, match="JOBSEARCH_MODEL=fake-hash"):
        open_index(root, "all-MiniLM-L6-v2")


def test_open_index_refuses_other_format_version(tmp_path):
    root = tmp_path / "index"
    report = build_index([make_posting("a")], FakeEmbedder(), root)
    path = report.directory / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(IndexMismatchError, match="format version 99"):
        open_index(root, "fake-hash")


def test_open_index_refuses_inconsistent_counts(tmp_path):
    root = tmp_path / "index"
    report = build_index([make_posting("a")], FakeEmbedder(), root)
    path = report.directory / MANIFEST_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), "chunks": 999}))
    with pytest.raises(InvalidIndexError, match="failed verification"):
        open_index(root, "fake-hash")


def test_rebuild_embeds_only_changed_chunks(tmp_path):
    root = tmp_path / "index"
    postings = synthetic_postings(20)
    first = FakeEmbedder()
    report = build_index(postings, first, root)
    assert report.cache.hits == 0 and first.embedded == report.manifest.chunks

    changed = [
        *postings[:-2],
        make_posting("brand-new", "Kotlin Android Engineer"),
    ]  # one new, two gone
    second = FakeEmbedder()
    report = build_index(changed, second, root)
    assert second.embedded == 1  # only the new posting's single chunk reached the model
    assert report.cache.hits == report.manifest.chunks - 1
    loaded = open_index(root, "fake-hash")
    assert (
        loaded.catalog.pid_of(postings[-1].id) is None
        and loaded.catalog.pid_of("brand-new") is not None
    )
    # a vector read back from the cache equals a freshly computed one
    np.testing.assert_allclose(
        np.asarray(loaded.store.vectors[0]),
        FakeEmbedder().embed_documents([_first_chunk_text(postings[0])])[0],
        atol=1e-6,
    )


def _first_chunk_text(posting):
    from index.build.chunking import chunk_posting

    embedder = FakeEmbedder()
    return chunk_posting(posting, embedder.count_tokens, embedder.max_tokens)[0].text


def test_rebuild_rechunks_only_changed_postings(tmp_path, monkeypatch):
    import dataclasses

    from index.build import assemble
    from tests.factories import synthetic_postings

    calls = []
    real_chunk = assemble.chunk_posting

    def counting_chunk(posting, *args, **kwargs):
        calls.append(posting.id)
        return real_chunk(posting, *args, **kwargs)

    monkeypatch.setattr(assemble, "chunk_posting", counting_chunk)
    postings = synthetic_postings(20)
    first = build_index(postings, FakeEmbedder(), tmp_path)
    assert len(calls) == 20
    calls.clear()
    changed = [dataclasses.replace(postings[3], title="Changed Title"), *postings[4:]]
    second = build_index(changed, FakeEmbedder(), tmp_path)
    assert calls == [postings[3].id]  # removed postings 0-2 and unchanged ones: no chunking
    assert second.manifest.postings == 17
    again = build_index(postings, FakeEmbedder(), tmp_path / "fresh")
    assert again.manifest.chunks == first.manifest.chunks


def test_prune_spares_a_build_a_reader_still_serves(tmp_path):
    """Two rebuilds without a reload: the build a server holds stays until it lets go."""
    root = tmp_path / "index"
    first = build_index([make_posting("served")], FakeEmbedder(), root, keep_builds=0)
    served = open_index(root, "fake-hash")
    build_index([make_posting("next")], FakeEmbedder(), root, keep_builds=0)
    third = build_index([make_posting("newest")], FakeEmbedder(), root, keep_builds=0)
    assert first.directory.exists()
    assert served.catalog.summaries([0])[0].id == "served"
    assert sorted(p.name for p in builds_dir(root).iterdir()) == sorted(
        [first.directory.name, third.directory.name]
    )
    del served  # the server swapped to a newer build and its last request finished
    build_index([make_posting("after")], FakeEmbedder(), root, keep_builds=0)
    assert not first.directory.exists()


def test_vectors_streamed_in_blocks_are_those_of_one_block(tmp_path, monkeypatch):
    from index.build import assemble

    postings = synthetic_postings(30)
    whole = build_index(postings, FakeEmbedder(), tmp_path / "whole")
    monkeypatch.setattr(assemble, "EMBED_BLOCK", 7)  # many blocks, ending mid-batch
    streamed = build_index(postings, FakeEmbedder(), tmp_path / "streamed")
    assert streamed.manifest.chunks == whole.manifest.chunks > 30
    assert streamed.cache == whole.cache  # each distinct text embedded once either way
    one = np.asarray(open_index(tmp_path / "whole", "fake-hash").store.vectors)
    many = np.asarray(open_index(tmp_path / "streamed", "fake-hash").store.vectors)
    assert np.array_equal(one, many)
