"""A build's segments: the base (a full build's files) and, in a build made by an update, the
postings added since and the base postings they replace or remove (as Lucene keeps segments
and deletes).

    BUILD/catalog.sqlite, vectors.*    the base segment: hard links to the full build's files
    BUILD/record-keys.npy              each base posting's record key, in pid order
    BUILD/boilerplate.json             the base corpus's company boilerplate lines
    BUILD/added/                       the added segment: a small build of its own (catalog,
                                       vectors and scan codes), pids and chunk ids from 0
    BUILD/dead.npy                     base pids no longer served (ascending)

A reader numbers the added segment's postings and chunks after the base's, so a posting's pid
in the base is its pid everywhere, and a dead one is never returned.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from index.ingest.boilerplate import CompanyLines

RECORD_KEYS_FILE = "record-keys.npy"
BOILERPLATE_FILE = "boilerplate.json"
ADDED_DIR = "added"
DEAD_FILE = "dead.npy"
KEY_BYTES = 16  # index.build.caches.derived_key
IntArray = npt.NDArray[np.int64]


def write_record_keys(directory: Path, keys: Sequence[bytes]) -> None:
    """Each posting's record key (what its record hashes to under the understanding code), in
    pid order: an update compares its inputs with these to find what changed."""
    packed = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
    np.save(directory / RECORD_KEYS_FILE, packed)


def read_record_keys(directory: Path) -> list[bytes] | None:
    """The base postings' record keys, or None for a build made without them."""
    path = directory / RECORD_KEYS_FILE
    if not path.exists():
        return None
    packed = np.load(path)
    return [bytes(row) for row in packed]


def write_boilerplate(directory: Path, lines: CompanyLines) -> None:
    """The company boilerplate found over the whole corpus: an update weighs its added postings'
    lines by it, as the full build did the base's."""
    data = {company: sorted(keys) for company, keys in lines.items()}
    (directory / BOILERPLATE_FILE).write_text(json.dumps(data, separators=(",", ":")))


def read_boilerplate(directory: Path) -> CompanyLines | None:
    path = directory / BOILERPLATE_FILE
    if not path.exists():
        return None
    return {company: set(keys) for company, keys in json.loads(path.read_text()).items()}


def write_dead(directory: Path, pids: IntArray) -> None:
    np.save(directory / DEAD_FILE, np.unique(np.asarray(pids, dtype=np.int64)))


def read_dead(directory: Path) -> IntArray:
    """Base pids a build no longer serves (none for a full build)."""
    path = directory / DEAD_FILE
    if not path.exists():
        return np.zeros(0, dtype=np.int64)
    return np.asarray(np.load(path), dtype=np.int64)


def added_segment(directory: Path) -> Path | None:
    """The build's added segment, if it was made by an update."""
    added = directory / ADDED_DIR
    return added if added.is_dir() else None
