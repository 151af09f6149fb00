"""Making a staged build visible: written, flushed, verified by opening, moved into place,
then `current` switched, unless a gate refuses; one rebuild at a time per index root."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.build.gates import Gate
from index.embedding.base import Embedder
from index.errors import BuildError
from index.storage.layout import builds_dir, fsync_tree, prune_builds, switch_current
from index.storage.loaded import open_build
from index.storage.manifest import Manifest, write_manifest


def publish(
    root: Path,
    staging: Path,
    manifest: Manifest,
    embedder: Embedder,
    keep_builds: int,
    gate: Gate | None,
) -> tuple[Path, str | None]:
    """Write the manifest, flush, verify by opening, move into place, then switch `current`
    unless the gate refuses. Returns the build's directory and the refusal, if any."""
    write_manifest(staging, manifest)
    fsync_tree(staging)
    open_build(staging, embedder.name, embedder.backend)  # verify before anyone can see it
    final = builds_dir(root) / manifest.build_id
    os.rename(staging, final)
    refused = gate(final) if gate is not None else None
    if refused is None:
        switch_current(root, final)
        prune_builds(root, keep_builds)
    return final, refused


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    with open(root / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another rebuild is running on {root}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
