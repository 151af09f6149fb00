"""`rebuild --engine ray` on a local Ray: reading, understanding, chunking, making rows and
embedding all run there, and the build is the local build, row for row and vector for vector.
One local Ray (2 CPUs) serves the whole module: starting it is the slow part."""

from __future__ import annotations

import pytest

from index.build.caches import CHUNK_CACHE_FILE, UNDERSTOOD_CACHE_FILE, chunk_cache
from index.build.chunking import chunk_posting
from index.build.rebuild import BuildOptions, rebuild
from index.embedding.factory import load_embedder
from tests.fakes import FakeEmbedder
from tests.index.build.test_engine import assert_same_build
from tests.paths import REPO

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install -e '.[ray]'")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture
def ray_engine(local_ray):
    from index.build.engine import RayEngine

    return RayEngine()


def test_a_rebuild_on_ray_is_the_local_rebuild(tmp_path, sample_files, ray_engine):
    local = rebuild(sample_files, tmp_path / "local", FakeEmbedder(max_tokens=32), BuildOptions())
    on_ray = rebuild(
        sample_files, tmp_path / "ray", FakeEmbedder(max_tokens=32), BuildOptions(engine=ray_engine)
    )
    assert_same_build(local, on_ray)
    assert local.workers == 1 and on_ray.workers == 2  # a build this small stays local
    assert len(on_ray.skipped) == 2 and on_ray.build.manifest.postings == 60
    assert on_ray.understood.cached == 0


def test_a_second_rebuild_on_ray_takes_everything_from_the_driver_s_caches(
    tmp_path, sample_files, ray_engine
):
    root, fake = tmp_path / "index", FakeEmbedder(max_tokens=32)
    first = rebuild(sample_files, root, fake, BuildOptions(engine=ray_engine))
    assert (root / UNDERSTOOD_CACHE_FILE).exists()
    postings = list(first.understood.postings)
    with chunk_cache(root / CHUNK_CACHE_FILE, fake.name, 32) as cache:  # the driver stored them
        cache.map(postings, lambda p: pytest.fail(f"{p.id}'s chunks were not cached"))
        assert cache.hits == len(postings)
    full = BuildOptions(engine=ray_engine, update_max_share=0)  # the same inputs: not an update
    again = rebuild(sample_files, root, fake, full)
    assert again.understood.cached == len(postings)
    assert again.build.cache.hits == again.build.manifest.chunks  # every vector cached
    assert list(again.understood.postings) == postings
    chunked = [c.text for p in postings for c in chunk_posting(p, fake.count_tokens, 32)]
    assert again.build.manifest.chunks == len(chunked)


@pytest.mark.slow
def test_a_rebuild_on_ray_with_the_real_model_is_the_local_rebuild(
    tmp_path, sample_files, ray_engine
):
    from index.embedding.ray import RayEmbedder

    cache_dir = REPO / "var" / "cache"
    model = load_embedder("all-MiniLM-L6-v2", "onnx", cache_dir, threads=1)
    options = BuildOptions(batch_size=8)
    local = rebuild(sample_files, tmp_path / "local", model, options)
    remote = RayEmbedder(model, cache_dir, actors=2, threads=1)
    try:
        on_ray = rebuild(
            sample_files, tmp_path / "ray", remote, BuildOptions(batch_size=8, engine=ray_engine)
        )
    finally:
        remote.shutdown()
    assert on_ray.build.cache.misses == on_ray.build.manifest.chunks  # every chunk went through Ray
    assert_same_build(local, on_ray)
