"""Open a build for reading: manifest checked first, then the catalog and the vectors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import InvalidIndexError
from index.storage.catalog import CATALOG_FILE, Catalog
from index.storage.layout import BuildLease, current_build
from index.storage.manifest import Manifest, check_manifest, read_manifest
from index.storage.segment_vectors import SegmentedVectors
from index.storage.segments import added_segment, read_dead
from index.storage.vectors import DEFAULT_NPROBE, IVF_FILE, VectorStore

Store = VectorStore | SegmentedVectors


@dataclass(frozen=True)
class LoadedIndex:
    directory: Path
    manifest: Manifest
    catalog: Catalog
    store: Store
    lease: BuildLease | None = None  # keeps `prune_builds` off this build while it is served

    @property
    def version(self) -> str:
        return self.manifest.build_id


def open_build(directory: Path, model: str, backend: str | None = None) -> LoadedIndex:
    """Open one build directory, refusing a wrong model/backend/format or inconsistent files."""
    manifest = read_manifest(directory)
    check_manifest(manifest, model, directory, backend)
    try:
        added, dead = added_segment(directory), read_dead(directory)
        catalog = Catalog(
            directory / CATALOG_FILE, None if added is None else added / CATALOG_FILE, dead
        )
        base = VectorStore(
            directory,
            manifest.index_type,
            nprobe=int(manifest.index_params.get("nprobe", DEFAULT_NPROBE)),
        )
        store: Store = base
        if added is not None or len(dead):
            added_store = None
            if added is not None:  # exact, or IVF when the segment was that large
                added_type = "ivf-sq8" if (added / IVF_FILE).exists() else "flat"
                added_store = VectorStore(added, added_type, nprobe=base.nprobe)
            store = SegmentedVectors(base, added_store, catalog.dead_chunks())
    except Exception as exc:  # noqa: BLE001 - any unreadable file means the same thing
        raise InvalidIndexError(f"{directory} cannot be opened: {exc}") from exc
    loaded = LoadedIndex(directory, manifest, catalog, store, BuildLease(directory))
    verify(loaded)
    return loaded


def open_index(root: Path, model: str, backend: str | None = None) -> LoadedIndex:
    """Open whatever build `root/current` points at now."""
    return open_build(current_build(root), model, backend)


def verify(loaded: LoadedIndex) -> None:
    """Counts agree across manifest, catalog and vectors, and a stored vector finds itself."""
    m, catalog, store = loaded.manifest, loaded.catalog, loaded.store
    problems = []
    if catalog.live_count != m.postings:
        problems.append(f"catalog has {catalog.live_count} postings, manifest {m.postings}")
    if catalog.chunk_count != m.chunks or store.size != m.chunks:
        problems.append(
            f"chunks: manifest {m.chunks}, catalog {catalog.chunk_count}, vectors {store.size}"
        )
    if store.size and store.dimension != m.dimension:
        problems.append(f"vectors are {store.dimension}-d, manifest says {m.dimension}")
    live_chunks = np.flatnonzero(catalog.live[catalog.chunk_pid])
    if store.size and len(live_chunks) and not problems:
        # the middle chunk served, and the last (an update's added segment, when it has one)
        for probe in {int(live_chunks[len(live_chunks) // 2]), int(live_chunks[-1])}:
            scores, ids = store.search(store.vector(probe), 1)
            if len(ids) == 0 or not np.isclose(scores[0], 1.0, atol=1e-3):
                problems.append(f"a stored vector (chunk {probe}) does not find itself")
                break
    if problems:
        raise InvalidIndexError(f"{loaded.directory} failed verification: " + "; ".join(problems))
