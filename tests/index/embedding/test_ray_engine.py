"""`rebuild --engine ray` (local Ray): the same vectors, catalog and manifest as a local build."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from index.build.rebuild import build_index
from index.embedding.factory import load_embedder
from index.storage.manifest import read_manifest
from tests.factories import synthetic_postings
from tests.paths import REPO

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install -e '.[ray]'")


@pytest.mark.slow
def test_ray_local_build_is_identical_to_local_build(tmp_path):
    from index.embedding.ray import RayEmbedder

    postings = synthetic_postings(40)
    cache_dir = REPO / "var" / "cache"
    local = load_embedder("all-MiniLM-L6-v2", "onnx", cache_dir, threads=1)
    build_index(postings, local, tmp_path / "local", batch_size=8)
    remote = RayEmbedder(local, cache_dir, actors=2, threads=1)
    try:
        report = build_index(postings, remote, tmp_path / "ray", batch_size=8)
    finally:
        remote.shutdown()
        ray.shutdown()
    assert report.cache.misses == report.manifest.chunks  # every chunk went through Ray
    a, b = (tmp_path / name / "current" for name in ("local", "ray"))
    assert np.array_equal(np.load(a / "vectors.npy"), np.load(b / "vectors.npy"))
    ma, mb = read_manifest(a), read_manifest(b)
    assert (ma.chunks, ma.backend, ma.index_type) == (mb.chunks, mb.backend, mb.index_type)

    def dump(directory):
        with sqlite3.connect(directory / "catalog.sqlite") as db:
            return db.execute("SELECT * FROM chunks ORDER BY chunk_id").fetchall()

    assert dump(a) == dump(b)
