"""Where builds live under an index root, and the atomic `current` pointer.

    ROOT/builds/<build id>/   one complete build each (manifest.json written last)
    ROOT/builds/.tmp-<id>/    a build in progress; never read, removed by the next build
    ROOT/current              symlink to builds/<build id>, replaced with one rename(2)

A reader resolves `current` once and keeps that directory, so swapping the pointer never
changes the files under a request in flight. A server also holds a `BuildLease` (a shared
flock) on the build it serves, and pruning skips leased builds: two rebuilds without a reload
never delete the build a server is still answering from.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from index.errors import IndexNotFoundError
from index.storage.manifest import MANIFEST_FILE

CURRENT = "current"
BUILDS = "builds"
TMP_PREFIX = ".tmp-"


def new_build_id() -> str:
    """Sortable by time (to the microsecond), unique by its random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]


def builds_dir(root: Path) -> Path:
    return root / BUILDS


def current_build(root: Path) -> Path:
    """The directory `current` points at, or IndexNotFoundError saying how to make one."""
    pointer = root / CURRENT
    try:
        target = pointer.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        raise IndexNotFoundError(
            f"no index at {root}; build one with: jobsearch rebuild PATH... --index {root}"
        ) from None
    if not (target / MANIFEST_FILE).exists():
        raise IndexNotFoundError(
            f"{pointer} points at {target}, which is not a complete build; rebuild"
        )
    return target


def switch_current(root: Path, build: Path) -> None:
    """Point `current` at `build` atomically: readers see the old build or the new, never neither."""
    link = root / CURRENT
    staging = root / f".{CURRENT}-{uuid.uuid4().hex[:6]}"
    os.symlink(os.path.relpath(build, root), staging)
    os.replace(staging, link)
    _fsync_dir(root)


def remove_stale_temporaries(root: Path) -> None:
    """Leftovers of builds that crashed; safe because rebuilds hold the build lock."""
    for path in builds_dir(root).glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in root.glob(f".{CURRENT}-*"):
        path.unlink(missing_ok=True)


def prune_builds(root: Path, keep: int) -> list[Path]:
    """Remove all but the current build and the `keep` newest others; returns what was removed."""
    try:
        current = current_build(root)
    except IndexNotFoundError:
        return []
    complete = sorted(
        (p for p in builds_dir(root).iterdir() if p.is_dir() and not p.name.startswith(TMP_PREFIX)),
        key=lambda p: p.name,
        reverse=True,
    )
    others = [p for p in complete if p.resolve() != current]
    removed = [p for p in others[keep:] if not in_use(p)]  # a leased one goes next time
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


class BuildLease:
    """A shared lock on a build for as long as a reader serves from it. Released by `close` or
    when garbage collected, so an index swapped out goes free once its last request is done."""

    def __init__(self, build: Path) -> None:
        self._fd = os.open(build / MANIFEST_FILE, os.O_RDONLY)
        fcntl.flock(self._fd, fcntl.LOCK_SH)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


def in_use(build: Path) -> bool:
    """Whether any process (this one included) holds a BuildLease on `build`."""
    try:
        fd = os.open(build / MANIFEST_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the probe's own lock
    return False


def fsync_tree(directory: Path) -> None:
    """Flush a finished build to disk before it becomes visible (its segments' too)."""
    for path in directory.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        elif path.is_dir():
            fsync_tree(path)
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
