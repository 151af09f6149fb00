"""The SQLite side of an index: postings, their sections, chunks and normalized facet values.

Postings get a dense integer `pid` in build order, and each posting's chunks are the contiguous
chunk ids [chunk_start, chunk_end): the FAISS label of a chunk is its row, so a filter on
postings turns into chunk ids with no lookup table. Facet values are loaded into memory at
open time (a few per posting) so filters cost set operations, not queries.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from index.models import (
    FacetKey,
    Section,
    SectionKind,
)
from index.storage.bm25 import (
    COLUMN_WEIGHTS,
    TermIndex,
    keyword_lists,
    keyword_search,
)
from index.storage.catalog_records import (
    ChunkRecord,
    PostingSummary,
    posting_texts,
    rows_in,
    summary_of,
    timestamp,
)
from index.storage.catalog_segments import (
    ARRAYS,
    CATALOG_FILE,
    Segment,
    live_posting_ids,
    read_segment,
)
from index.storage.same_job import job_name
from index.storage.top_keywords import ScoreList
from index.storage.vocabulary import read_vocabulary

FILTER_CACHE_BYTES = 64 * 2**20  # postings per filter kept, least recently used out first
KINDS = list(SectionKind)  # a chunk's stored kind is its position here (section_kind_code)
IntArray = npt.NDArray[np.int64]


SQL_VARIABLES = 10_000  # pids bound to one query, under SQLite's limit on parameters
NEWEST_SHARE = 16  # a smaller set of postings is sorted by date itself


class Catalog:
    """Read side of the SQLite catalog; safe to share between threads (one connection each,
    opened on the thread's first query and kept: opening one per query cost more than most
    queries; they close when the catalog is dropped).

    A build made by an update has two segments (index.storage.segments): `added`, a catalog of
    its own whose pids and chunk ids follow the base's here, and `dead`, the base pids it no
    longer serves, which no method returns."""

    def __init__(self, path: Path, added: Path | None = None, dead: IntArray | None = None) -> None:
        self.path = path
        self._filter_cache: LRUCache[tuple[tuple[str, tuple[FacetKey, ...]], ...], IntArray]
        self._filter_cache = LRUCache(FILTER_CACHE_BYTES, getsizeof=_nbytes)
        self._filter_lock = threading.Lock()
        self._newest: IntArray | None = None  # every posting, newest first (on first use)
        self._segments = [Segment(path, 0, 0)]
        parts = [read_segment(self._segments[0])]
        if added is not None:
            base = parts[0]
            self._segments.append(Segment(added, len(base.chunk_end), base.chunk_count))
            parts.append(read_segment(self._segments[1]))
        joined = {name: np.concatenate([part.arrays[name] for part in parts]) for name in ARRAYS}
        self.chunk_end: IntArray = np.concatenate(
            [
                part.chunk_end + segment.first_chunk
                for part, segment in zip(parts, self._segments, strict=True)
            ]
        ).astype(np.int64)
        self.chunk_start: IntArray = np.r_[0, self.chunk_end[:-1]].astype(np.int64)
        self.updated_ts: npt.NDArray[np.float64] = joined["updated_ts"]
        self.chunk_kind: npt.NDArray[np.int8] = joined["chunk_kind"]
        self.chunk_boilerplate: npt.NDArray[np.float32] = joined["chunk_boilerplate"]
        self.chunk_count = int(self.chunk_end[-1]) if len(self.chunk_end) else 0
        # The same job's key per posting (index.storage.same_job)
        self.job_key: IntArray = joined["job_key"]
        self.chunk_pid: IntArray = np.repeat(
            np.arange(len(self.chunk_end), dtype=np.int64), self.chunk_end - self.chunk_start
        )
        self.live = np.ones(len(self.chunk_end), dtype=bool)
        if dead is not None and len(dead):
            self.live[dead] = False
        self.live_pids: IntArray = np.flatnonzero(self.live).astype(np.int64)
        self.live_pids.flags.writeable = False
        self.team_of: list[str | None] = [team for part in parts for team in part.teams]
        self._facets: dict[FacetKey, IntArray] = {}
        self._labels: dict[FacetKey, str] = {}
        for part, segment in zip(parts, self._segments, strict=True):
            for key, pids in part.facets.items():
                pids = pids + segment.first_pid
                held = self._facets.get(key)
                self._facets[key] = pids if held is None else np.concatenate([held, pids])
                self._labels[key] = part.labels[key]  # the latest segment's label
        if not self.live.all():
            self._facets = {key: pids[self.live[pids]] for key, pids in self._facets.items()}
            self._facets = {key: pids for key, pids in self._facets.items() if len(pids)}
        self._terms = TermIndex(
            sum(part.terms.rows for part in parts),
            np.concatenate([part.terms.row_tokens for part in parts]),
            [segment.first_pid for segment in self._segments],
            None if self.live.all() else self.live,
        )

    @property
    def posting_count(self) -> int:
        """Pids in use, dead ones included: the size of an array indexed by pid."""
        return len(self.chunk_start)

    @property
    def live_count(self) -> int:
        """Postings served."""
        return len(self.live_pids)

    def _dbs(self) -> list[sqlite3.Connection]:
        """This thread's connection to each segment."""
        return [segment.db() for segment in self._segments]

    def _split(self, pids: Sequence[int]) -> list[tuple[Segment, list[int]]]:
        """The pids of each segment, as its own catalog numbers them."""
        if len(self._segments) == 1:
            return [(self._segments[0], [int(p) for p in pids])]
        added = self._segments[1].first_pid
        return [
            (self._segments[0], [int(p) for p in pids if p < added]),
            (self._segments[1], [int(p) - added for p in pids if p >= added]),
        ]

    def keyword_search(
        self,
        terms: Sequence[str],
        limit: int,
        allowed: IntArray | None = None,
        weights: tuple[float, float, float] = COLUMN_WEIGHTS,
    ) -> tuple[IntArray, npt.NDArray[np.float32]]:
        """Postings by BM25 over title, job text and (weighted down) company context."""
        return keyword_search(self._dbs(), self._terms, terms, limit, allowed, weights)

    def keyword_lists(
        self, terms: Sequence[str], weights: tuple[float, float, float] = COLUMN_WEIGHTS
    ) -> list[ScoreList]:
        """Each query word's postings and BM25 part (select with top_keywords.best_postings)."""
        return keyword_lists(self._dbs(), self._terms, terms, weights)

    def coverage(
        self, terms: Sequence[str], pids: IntArray
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """How much of the query's words each posting's title, and title or job text, holds
        (index.storage.bm25.TermIndex.coverage)."""
        return self._terms.coverage(self._dbs(), terms, pids)

    def vocabulary(self, min_postings: int = 1) -> dict[str, int]:
        """The index's words and how many postings use each (index.storage.vocabulary; a word
        of a dead posting still counts until the next full build)."""
        dbs = self._dbs()
        if len(dbs) == 1:
            return read_vocabulary(dbs[0], min_postings)
        words: Counter[str] = Counter()
        for db in dbs:
            words.update(read_vocabulary(db, 1))
        return {word: n for word, n in words.items() if n >= min_postings}

    def facet_pids(self, key: FacetKey) -> IntArray:
        return self._facets.get(key, np.zeros(0, dtype=np.int64))

    def facet_counts(self, field: str) -> list[tuple[str, str, int]]:
        """(value, label, posting count) of one field, most postings first."""
        rows = [
            (value, self._labels[(f, value)], len(pids))
            for (f, value), pids in self._facets.items()
            if f == field
        ]
        return sorted(rows, key=lambda row: (-row[2], row[1].casefold()))

    def pids_matching(self, conditions: Mapping[str, Iterable[FacetKey]]) -> IntArray:
        """Postings that match any key within each group and every group (OR within, AND across).

        Cached (read-only arrays): a careers site sends the same few filters again and again,
        and every search counts facets under each field's other filters."""
        key = tuple((name, tuple(keys)) for name, keys in conditions.items())
        with self._filter_lock:
            cached = self._filter_cache.get(key)
        if cached is not None:
            return cached
        pids = self._pids_matching(dict(key))
        pids.flags.writeable = False
        with self._filter_lock:
            self._filter_cache[key] = pids
        return pids

    def _pids_matching(self, conditions: Mapping[str, Iterable[FacetKey]]) -> IntArray:
        allowed: IntArray | None = None
        for keys in conditions.values():
            parts = [self.facet_pids(key) for key in keys]
            group = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
            allowed = (
                group if allowed is None else np.intersect1d(allowed, group, assume_unique=True)
            )
        return self.live_pids.copy() if allowed is None else allowed

    def chunk_ids(self, pids: IntArray) -> IntArray:
        """The chunk ids of these postings (contiguous ranges concatenated)."""
        if len(pids) == 0:
            return np.zeros(0, dtype=np.int64)
        starts, ends = self.chunk_start[pids], self.chunk_end[pids]
        lengths = ends - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return offsets + np.arange(int(lengths.sum()), dtype=np.int64)

    def dead_chunks(self) -> IntArray:
        """The chunk ids of the postings no longer served (index.storage.segments)."""
        return self.chunk_ids(np.flatnonzero(~self.live).astype(np.int64))

    def summaries(self, pids: Sequence[int]) -> dict[int, PostingSummary]:
        out: dict[int, PostingSummary] = {}
        for segment, local in self._split(pids):
            if not local:
                continue
            rows = rows_in(
                segment.db(),
                f"SELECT pid + {segment.first_pid}, id, title, company, url, updated_at, team,"
                " location_raw, workplace, worldwide, countries, cities, regions, languages,"
                " level FROM postings WHERE pid IN",
                local,
            )
            out.update({row[0]: summary_of(row) for row in rows})
        return out

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, ChunkRecord]:
        """The chunks with their heading and passage (sliced from their posting's body)."""
        out = {}
        for segment, local in self._split_chunks(chunk_ids):
            if not local:
                continue
            db = segment.db()
            rows = rows_in(
                db,
                "SELECT chunk_id, pid, section_index, start_char, end_char, heading, passage"
                " FROM chunks WHERE chunk_id IN",
                local,
            )
            texts = posting_texts(db, sorted({r[1] for r in rows}))
            for chunk_id, pid, index, start, end, heading, passage in rows:
                body, spans = texts[pid]
                if heading is None:
                    heading = spans[index].heading(body)
                if passage is None:
                    passage = body[start:end]
                chunk_id, pid = chunk_id + segment.first_chunk, pid + segment.first_pid
                kind = KINDS[int(self.chunk_kind[chunk_id])]
                out[chunk_id] = ChunkRecord(chunk_id, pid, index, heading, kind, passage)
        return out

    def _split_chunks(self, chunk_ids: Sequence[int]) -> list[tuple[Segment, list[int]]]:
        if len(self._segments) == 1:
            return [(self._segments[0], [int(c) for c in chunk_ids])]
        added = self._segments[1].first_chunk
        return [
            (self._segments[0], [int(c) for c in chunk_ids if c < added]),
            (self._segments[1], [int(c) - added for c in chunk_ids if c >= added]),
        ]

    def same_job(self, pid: int) -> IntArray:
        """Postings with the same company and title as `pid`, case and spacing aside (itself
        included): the same job posted again, e.g. once per city. The postings sharing its key,
        each confirmed by its own company and title, so a key two jobs share leaves nothing out."""
        same = (self.job_key == self.job_key[pid]) & self.live
        same[pid] = True
        candidates: list[int] = np.flatnonzero(same).tolist()
        if len(candidates) == 1:
            return np.array(candidates, dtype=np.int64)
        names = {}
        for start in range(0, len(candidates), SQL_VARIABLES):
            for segment, local in self._split(candidates[start : start + SQL_VARIABLES]):
                if not local:
                    continue
                rows = rows_in(
                    segment.db(),
                    f"SELECT pid + {segment.first_pid}, company, title FROM postings WHERE pid IN",
                    local,
                )
                names.update({int(p): job_name(company, title) for p, company, title in rows})
        return np.array([p for p in candidates if names[p] == names[pid]], dtype=np.int64)

    def pid_of(self, posting_id: str) -> int | None:
        """The served posting with this id (an added one replaces a base one)."""
        for segment in reversed(self._segments):
            row = segment.db().execute("SELECT pid FROM postings WHERE id = ?", (posting_id,))
            found = row.fetchone()
            if found is not None and self.live[int(found[0]) + segment.first_pid]:
                return int(found[0]) + segment.first_pid
        return None

    def sections(self, pid: int) -> list[Section]:
        ((segment, (local,)),) = [(s, p) for s, p in self._split([pid]) if p]
        db = segment.db()
        texts = posting_texts(db, [local])
        rows = db.execute("SELECT kind FROM sections WHERE pid = ? ORDER BY idx", (local,))
        kinds = [SectionKind(k) for (k,) in rows.fetchall()]
        if local not in texts:
            return []
        body, spans = texts[local]
        return [
            Section(span.heading(body), kind, span.text(body))
            for span, kind in zip(spans, kinds, strict=True)
        ]

    def newest_first(self, pids: IntArray) -> IntArray:
        """Postings by `updated_at`, newest first; undated last, ties in build order: taken
        from the whole index's order (sorted once), which a large share only filters."""
        if self._newest is None:
            self._newest = np.lexsort((np.arange(self.posting_count), -self.updated_ts))
        if len(pids) * NEWEST_SHARE < self.posting_count:
            order = np.lexsort((pids, -self.updated_ts[pids]))
            return pids[order]
        inside = np.zeros(self.posting_count, dtype=bool)
        inside[pids] = True
        newest: IntArray = self._newest[inside[self._newest]].astype(np.int64)
        return newest


def _nbytes(pids: IntArray) -> int:
    return max(int(pids.nbytes), 1)


__all__ = [
    "CATALOG_FILE",
    "Catalog",
    "ChunkRecord",
    "PostingSummary",
    "live_posting_ids",
    "timestamp",
]
