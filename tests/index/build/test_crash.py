"""A rebuild killed with SIGKILL at any point leaves a complete index current (the previous
one, unless the kill came after the switch), and the next rebuild succeeds."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from index.storage.layout import TMP_PREFIX, builds_dir, current_build
from index.storage.loaded import open_index
from tests.paths import REPO

POSTINGS = 1200  # under a second to build with the fake embedder


def start_build(root: Path, seed: int, update: bool = False) -> subprocess.Popen[str]:
    """A rebuild in a child process (with `update`, one that updates the sample's build);
    returns once it has started building."""
    driver = ["tests.index.update_crash_driver", str(root), str(seed)]
    if not update:
        driver = ["tests.index.crash_driver", str(root), str(POSTINGS), str(seed)]
    process = subprocess.Popen(
        [sys.executable, "-m", *driver],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "building\n"
    return process


def finish(process: subprocess.Popen[str]) -> None:
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr


def test_rebuild_killed_at_random_points_never_breaks_the_current_index(tmp_path):
    root = tmp_path / "index"
    finish(start_build(root, seed=0))
    started = time.monotonic()
    finish(start_build(root, seed=1))
    build_seconds = time.monotonic() - started
    rng = random.Random(42)
    kills_before_switch = 0
    for attempt in range(4):
        before = current_build(root)
        process = start_build(root, seed=10 + attempt)
        time.sleep(rng.uniform(0.0, build_seconds))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        after = current_build(root)
        # Still a complete, verified build: the previous one, or the new one if the kill came
        # after the switch. Never a half-written one.
        loaded = open_index(root, "fake-hash")
        assert loaded.directory == after and loaded.manifest.postings == POSTINGS
        kills_before_switch += after == before
        # The next rebuild succeeds, cleans up what the killed one left, and becomes current.
        finish(start_build(root, seed=100 + attempt))
        rebuilt = current_build(root)
        assert rebuilt not in (before, after)
        assert open_index(root, "fake-hash").directory == rebuilt
        assert not [p for p in builds_dir(root).iterdir() if p.name.startswith(TMP_PREFIX)]
    assert kills_before_switch >= 1, "no kill landed before the switch; the test proved nothing"


def test_an_update_killed_at_random_points_never_breaks_the_current_index(tmp_path):
    """The same for an update: the base's files are linked, never written, so a kill leaves
    the serving build whole, whichever it was."""
    root = tmp_path / "index"
    finish(start_build(root, seed=0, update=True))  # the first is a full build of the sample
    started = time.monotonic()
    finish(start_build(root, seed=1, update=True))
    update_seconds = time.monotonic() - started
    assert open_index(root, "fake-hash").manifest.update["added"] >= 3  # against seed 0's base
    rng = random.Random(7)
    kills_before_switch = 0
    for attempt in range(6):
        before = current_build(root)
        process = start_build(root, seed=10 + attempt, update=True)
        time.sleep(rng.uniform(0.0, update_seconds))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        after = current_build(root)
        loaded = open_index(root, "fake-hash")  # verified: counts agree, vectors find themselves
        assert loaded.directory == after and loaded.manifest.postings == 60
        kills_before_switch += after == before
        finish(start_build(root, seed=100 + attempt, update=True))
        assert open_index(root, "fake-hash").manifest.update["added"] >= 3
        assert not [p for p in builds_dir(root).iterdir() if p.name.startswith(TMP_PREFIX)]
    assert kills_before_switch >= 1, "no kill landed before the switch; the test proved nothing"
