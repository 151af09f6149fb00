"""`jobsearch builds` and `jobsearch switch`: list an index's builds, point `current` at one by
hand (a rollback, a build shipped to a replica), and refuse one that cannot serve."""

from __future__ import annotations

import pytest

from index.storage.layout import builds_dir, current_build
from tests.paths import SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_jobsearch

pytestmark = pytest.mark.subprocess


@pytest.fixture
def two_builds(tmp_path):
    index = tmp_path / "index"
    for _ in range(2):
        done = run_jobsearch(
            "rebuild", "--quiet", str(SAMPLE_POSTINGS), "--index", str(index), fake=True
        )
        assert done.returncode == 0, done.stderr
    old, new = sorted(p.name for p in builds_dir(index).iterdir())
    return index, old, new


def test_switch_rolls_back_to_an_older_build_and_builds_marks_current(two_builds):
    index, old, new = two_builds
    assert current_build(index).name == new
    listed = run_jobsearch("builds", "--index", str(index), fake=True)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split()[1 if line.startswith("*") else 0] for line in lines] == [old, new]
    assert lines[1].startswith(f"* {new}") and "60 postings" in lines[1]

    done = run_jobsearch("switch", old, "--index", str(index), fake=True)
    assert done.returncode == 0, done.stderr
    assert f"current is now {old} (60 postings)" in done.stdout
    assert current_build(index).name == old


def test_switch_refuses_a_build_that_cannot_serve_and_keeps_current(two_builds):
    index, old, new = two_builds
    (builds_dir(index) / old / "vectors.npy").write_bytes(b"not vectors")
    done = run_jobsearch("switch", old, "--index", str(index), fake=True)
    assert done.returncode == 1
    assert "error:" in done.stderr and old in done.stderr
    assert current_build(index).name == new


@pytest.mark.parametrize("build_id", ["no-such-build", "../index", ".tmp-x"])
def test_switch_refuses_an_unknown_build(two_builds, build_id):
    index, _, new = two_builds
    done = run_jobsearch("switch", build_id, "--index", str(index), fake=True)
    assert done.returncode == 1
    assert f"no build {build_id!r}" in done.stderr
    assert current_build(index).name == new


def test_switch_refuses_a_build_of_another_model(two_builds):
    index, old, new = two_builds  # built by the fake embedder; this CLI runs the real model
    done = run_jobsearch("switch", old, "--index", str(index))
    assert done.returncode == 1
    assert "fake-hash" in done.stderr
    assert current_build(index).name == new


def test_switch_to_a_real_model_build(tmp_path):
    index = tmp_path / "index"
    built = run_jobsearch("rebuild", "--quiet", str(SAMPLE_POSTINGS), "--index", str(index))
    assert built.returncode == 0, built.stderr
    (build,) = builds_dir(index).iterdir()
    current_link = index / "current"
    current_link.unlink()  # as on a replica the build was shipped to, before the switch
    done = run_jobsearch("switch", build.name, "--index", str(index))
    assert done.returncode == 0, done.stderr
    assert current_build(index) == build.resolve()
    found = run_jobsearch("search", "distributed key-value store in Rust", "--index", str(index))
    assert found.returncode == 0 and "Rust" in found.stdout
