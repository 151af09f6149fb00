"""The catalog files of a build's segments (index.storage.segments) as a reader opens them:
each file's in-memory part, numbered as the file numbers it, and where its numbers start."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.models import FacetKey
from index.storage.bm25 import TermIndex
from index.storage.segments import added_segment, read_dead

CATALOG_FILE = "catalog.sqlite"
IntArray = npt.NDArray[np.int64]

ARRAYS = ("updated_ts", "chunk_kind", "chunk_boilerplate", "job_key")
_DTYPES = {
    "chunk_end": np.int64,
    "updated_ts": np.float64,
    "chunk_kind": np.int8,
    "chunk_boilerplate": np.float32,
    "job_key": np.int64,
}


class Segment:
    """One catalog file, where its pids and chunk ids start in the whole index, and each
    thread's connection to it."""

    def __init__(self, path: Path, first_pid: int, first_chunk: int) -> None:
        self.path, self.first_pid, self.first_chunk = path, first_pid, first_chunk
        self._local = threading.local()

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def db(self) -> sqlite3.Connection:
        """This thread's connection."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self.connect()
        return db


@dataclass
class SegmentData:
    """What a reader keeps in memory of one catalog file, numbered as the file numbers it."""

    arrays: dict[str, npt.NDArray[Any]]
    chunk_end: IntArray
    teams: list[str | None]
    facets: dict[FacetKey, IntArray]
    labels: dict[FacetKey, str]
    terms: TermIndex

    @property
    def chunk_count(self) -> int:
        return int(self.chunk_end[-1]) if len(self.chunk_end) else 0


def read_segment(segment: Segment) -> SegmentData:
    db = segment.connect()
    try:
        blobs = dict(db.execute("SELECT name, data FROM arrays").fetchall())
        arrays = {name: np.frombuffer(blobs[name], dtype=_DTYPES[name]) for name in _DTYPES}
        teams = [team for (team,) in db.execute("SELECT team FROM postings ORDER BY pid")]
        facets: dict[FacetKey, IntArray] = {}
        labels: dict[FacetKey, str] = {}
        # One row per facet value, its postings in pid order (the index keeps rows of one
        # value in insertion order, which is pid order): no Python per posting.
        # A value's label is the last posting's (SQLite takes the bare column from max's row).
        for field, value, label, _, pids in db.execute(
            "SELECT field, value, label, max(pid), group_concat(pid) FROM facets"
            " INDEXED BY facets_by_value GROUP BY field, value"
        ):
            facets[(field, value)] = np.fromstring(pids, dtype=np.int64, sep=",")
            labels[(field, value)] = label
        terms = TermIndex.load(db)
    finally:
        db.close()
    return SegmentData(arrays, arrays["chunk_end"], teams, facets, labels, terms)


def live_posting_ids(build: Path) -> set[str]:
    """Every posting id a build serves, without loading the rest (a rebuild's guard compares
    the new build's postings with the serving one's)."""
    dead = set(read_dead(build).tolist())
    ids = {posting_id for pid, posting_id in _pid_ids(build / CATALOG_FILE) if pid not in dead}
    added = added_segment(build)
    if added is not None:
        ids.update(posting_id for _, posting_id in _pid_ids(added / CATALOG_FILE))
    return ids


def _pid_ids(path: Path) -> list[tuple[int, str]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT pid, id FROM postings").fetchall()
    finally:
        db.close()
