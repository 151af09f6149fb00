"""The engines: a remote engine's workers get everything they need with the work (they open no
file of the driver's) and the build is the local one; Ray missing is a clear error."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import numpy as np
import pytest

from index.build.caches import CHUNK_CACHE_FILE, chunk_cache
from index.build.engine import WorkerSetup
from index.build.rebuild import BuildOptions, RebuildReport, rebuild
from index.errors import MissingDependencyError
from index.storage.catalog import CATALOG_FILE
from index.storage.layout import current_build
from index.storage.manifest import read_manifest
from tests.fakes import FakeEmbedder
from tests.index.storage.test_catalog_rows import catalog_dump


@contextmanager
def no_files() -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a remote worker opened {args[0]}")

    with mock.patch("sqlite3.connect", refuse):
        yield


class FilelessEngine:
    """A remote engine's contract, run in this process: the setup, each batch and each result
    travel pickled, and the workers' side opens no SQLite file."""

    workers = 1
    shares_files = False

    def distributes(self, items: int, threshold: int) -> bool:
        return True

    def map(
        self, fn: Callable[[Any], Any], items: Iterable[Any], setup: WorkerSetup, ahead: int
    ) -> Iterator[Any]:
        with no_files():
            setup.initializer(*pickle.loads(pickle.dumps(setup.initargs)))
        for item in items:  # the driver's side (shipping the batch) runs outside no_files
            shipped = pickle.loads(pickle.dumps(item))
            with no_files():
                result = fn(shipped)
            yield pickle.loads(pickle.dumps(result))


def assert_same_build(a: RebuildReport, b: RebuildReport) -> None:
    """The same catalog, vectors, manifest counts and skipped records."""
    one, two = (current_build(r.build.directory.parents[1]) for r in (a, b))
    assert catalog_dump(two / CATALOG_FILE) == catalog_dump(one / CATALOG_FILE)
    assert np.array_equal(np.load(two / "vectors.npy"), np.load(one / "vectors.npy"))
    ma, mb = read_manifest(one), read_manifest(two)
    counts = ("postings", "chunks", "sections", "skipped", "index_type")
    assert [getattr(mb, name) for name in counts] == [getattr(ma, name) for name in counts]
    assert b.skipped == a.skipped and b.read.duplicates == a.read.duplicates


def test_a_remote_engine_builds_the_local_build_from_what_it_is_shipped(tmp_path, sample_files):
    local = rebuild(sample_files, tmp_path / "local", FakeEmbedder(max_tokens=32))
    remote = rebuild(
        sample_files,
        tmp_path / "remote",
        FakeEmbedder(max_tokens=32),
        BuildOptions(engine=FilelessEngine()),
    )
    assert_same_build(local, remote)
    assert len(remote.skipped) == 2 and remote.build.manifest.postings == 60


def test_the_driver_stores_what_remote_workers_made_and_ships_it_back_next_time(
    tmp_path, sample_files
):
    root, fake = tmp_path / "index", FakeEmbedder(max_tokens=32)
    # full builds both times (the same inputs would otherwise update the first: nothing to ship)
    options = BuildOptions(engine=FilelessEngine(), update_max_share=0)
    first = rebuild(sample_files, root, fake, options)
    postings = list(first.understood.postings)
    with chunk_cache(root / CHUNK_CACHE_FILE, fake.name, 32) as cache:
        cache.map(postings, lambda p: pytest.fail(f"{p.id}'s chunks were not stored"))
    with mock.patch("index.build.chunking.split_text", side_effect=AssertionError("chunked")):
        again = rebuild(sample_files, root, fake, options)  # every chunk shipped from the cache
    assert again.understood.cached == len(postings) == 60
    assert list(again.understood.postings) == postings
    assert_same_build(first, again)


def test_the_ray_engine_without_ray_says_how_to_install_it(monkeypatch):
    from index.build.engine import RayEngine

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if not installed
    with pytest.raises(MissingDependencyError, match=r"pip install -e '\.\[ray\]'"):
        RayEngine()
