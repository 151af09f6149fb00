"""Which builds an index root holds, and switching `current` to one of them by hand: shipping a
build to a replica, rolling back to the previous one, or serving a build a gate kept aside."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.errors import IndexNotFoundError, InvalidIndexError
from index.storage.layout import TMP_PREFIX, builds_dir, current_build, switch_current
from index.storage.loaded import open_build
from index.storage.manifest import MANIFEST_FILE, Manifest, read_manifest


@dataclass(frozen=True)
class BuildEntry:
    directory: Path
    manifest: Manifest | None  # None: not a complete build (no readable manifest)
    current: bool


def list_builds(root: Path) -> list[BuildEntry]:
    """The builds under `root`, oldest first (build ids sort by time)."""
    folder = builds_dir(root)
    if not folder.is_dir():
        raise IndexNotFoundError(f"no builds at {root}; build one with: jobsearch rebuild PATH...")
    try:
        serving: Path | None = current_build(root)
    except IndexNotFoundError:
        serving = None
    entries = []
    for directory in sorted(folder.iterdir(), key=lambda p: p.name):
        if not directory.is_dir() or directory.name.startswith(TMP_PREFIX):
            continue
        manifest = None
        if (directory / MANIFEST_FILE).exists():
            try:
                manifest = read_manifest(directory)
            except InvalidIndexError:
                manifest = None
        entries.append(BuildEntry(directory, manifest, directory.resolve() == serving))
    return entries


def promote_build(root: Path, build_id: str, model: str, backend: str | None) -> Manifest:
    """Point `current` at builds/`build_id` once it opens and verifies with this model and
    backend; otherwise raise and leave `current` as it was. Running servers pick it up on their
    next reload (POST /v1/admin/reload, or the index watcher)."""
    directory = builds_dir(root) / build_id
    if "/" in build_id or build_id.startswith(".") or not directory.is_dir():
        raise IndexNotFoundError(f"no build {build_id!r} in {builds_dir(root)}")
    loaded = open_build(directory, model, backend)  # raises when it cannot serve
    manifest = loaded.manifest
    if loaded.lease is not None:
        loaded.lease.close()
    switch_current(root, directory)
    return manifest
