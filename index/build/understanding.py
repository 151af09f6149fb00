"""Read and understand every record on every core, streamed, in the files' order.

The main process streams records from the files (index.ingest.readers) to the engine's workers
(index.build.engine: processes here, or Ray) a batch at a time, a few batches ahead; each worker
parses its records, takes the ones the understood cache already holds from it and understands
the rest. A Ray worker cannot open the cache: the main process parses its batch and ships the
cache's hits with it. Results come back in input order, so the build's order never depends on
the engine or the worker count. The postings themselves are not
kept: each new one goes into the understood cache (whose only writer is the main process; a
record's own fields apart from its text's understanding, index.build.understood_cache) and the
build reads them back in order, a batch at a time (`CachedPostings`). What the build needs of
all of them is kept as it comes: ids (a later record wins over an earlier one with its id),
section counts and the company lines that make up boilerplate.

A small input is understood in this process: starting workers costs more than it saves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain, islice
from pathlib import Path

from index.build.caches import DerivedCache, Understood, derived_key, understood_namespace
from index.build.engine import IN_PROCESS, Engine, LocalEngine, WorkerSetup
from index.build.pool import batched
from index.build.progress import stage_bar
from index.build.understood_cache import (
    CachedPostings,
    Lookup,
    read_rows,
    text_key,
    understand_records,
)
from index.ingest.boilerplate import BoilerplateTally, CompanyLines, PostingLines, posting_lines
from index.ingest.place_context import PlaceContext
from index.ingest.readers import (
    ReadResult,
    RecordSource,
    SkippedRecord,
    iter_sources,
    parse_source,
)
from index.models import Location, Posting, RawPosting

BATCH = 64  # records a worker takes at a time
AHEAD = 4  # batches queued per worker: enough to keep them busy, few enough to bound memory
PARALLEL_MIN_RECORDS = 2000  # fewer records are understood in this process
WRITE_EVERY = 500  # new postings written to the cache at a time


@dataclass(frozen=True)
class _Parsed:
    """One record's outcome in a worker: understood (`rows` are what to add to the cache: its
    record's row, and its text's when new or read further), failed to understand
    (`failed` says why), or skipped when read (`skipped`)."""

    id: str = ""
    key: bytes = b""
    rows: tuple[tuple[bytes, bytes], ...] = ()
    sections: int = 0
    lines: PostingLines | None = None
    failed: str | None = None
    skipped: SkippedRecord | None = None
    cached: bool = False  # taken from the cache, not understood now
    text_cached: bool = False  # understood now, but its text was understood before
    company: str = ""
    location: Location | None = None  # when it places a shared city name (place_context)


@dataclass
class UnderstoodFiles:
    """Everything read and understood, the postings themselves left in the cache."""

    read: ReadResult
    understood: Understood  # its `postings` is a CachedPostings
    boilerplate: CompanyLines
    sections: int
    workers: int  # processes that understood (1: this one)


def understand_files(
    paths: Sequence[Path],
    cache: Path,
    workers: int | None = None,
    parallel_from: int = PARALLEL_MIN_RECORDS,
    max_record_bytes: int = 0,
    progress: bool = False,
    engine: Engine | None = None,
) -> UnderstoodFiles:
    """Read and understand every record of `paths` on `engine` (default: `workers` processes,
    one per core; in this process while there are under `parallel_from` records), the new
    ones stored in the understood cache at `cache`. A record whose body is over
    `max_record_bytes` (0: no cap) is skipped; `progress` shows a bar of the records done."""
    engine = engine or LocalEngine(workers or 0)
    namespace = understood_namespace()
    DerivedCache[object, object](cache, namespace).close()  # the table exists before workers read
    read = ReadResult()
    batches = batched(iter_sources(paths, read), BATCH)
    head = list(islice(batches, parallel_from // BATCH + 1))
    runner = engine if engine.distributes(sum(map(len, head)), parallel_from) else IN_PROCESS
    everything = chain(head, batches)
    collector = _Collector(cache)
    with stage_bar(progress, "understand", None, "posting") as advance, ExitStack() as stack:
        if runner.shares_files:
            setup = WorkerSetup(_init_worker, (cache, namespace, max_record_bytes), _close_worker)
            done = runner.map(understand_batch, everything, setup, AHEAD)
        else:  # the workers may be on other machines: the cache's hits go with each batch
            shipper = stack.enter_context(closing(_Shipper(cache, namespace, max_record_bytes)))
            setup = WorkerSetup(_init_worker, (None, namespace, max_record_bytes))
            done = runner.map(understand_shipped, map(shipper.ship, everything), setup, AHEAD)
        for parsed in done:
            collector.add(parsed)
            advance(len(parsed))
    return collector.finish(read, runner.workers)


class _Collector:
    """The main process's side: cache writes, the last-wins rule, boilerplate and counts."""

    def __init__(self, cache: Path) -> None:
        self._cache = cache
        self._db: sqlite3.Connection | None = None  # opened at the first write: after the fork
        self._pending: list[tuple[bytes, bytes]] = []
        self._outcomes: dict[int, _Parsed] = {}  # by position: the latest record of each id
        self._position_of: dict[str, int] = {}
        self._tally = BoilerplateTally()
        self._places = PlaceContext()
        self.skipped: list[SkippedRecord] = []
        self.duplicates: list[str] = []
        self._position = 0

    def add(self, parsed: list[_Parsed]) -> None:
        for item in parsed:
            self._position += 1
            if item.skipped is not None:
                self.skipped.append(item.skipped)
                continue
            if item.id in self._position_of:
                self.duplicates.append(item.id)
                del self._outcomes[self._position_of[item.id]]
            self._position_of[item.id] = self._position
            self._outcomes[self._position] = replace(item, rows=(), location=None)
            self._pending.extend(item.rows)
            if item.location is not None:
                self._places.add(item.id, item.company, item.location)
        if len(self._pending) >= WRITE_EVERY:
            self._write()

    def _write(self) -> None:
        if not self._pending:
            return
        if self._db is None:
            self._db = sqlite3.connect(self._cache, timeout=30)
        self._db.executemany("INSERT OR REPLACE INTO derived VALUES (?, ?)", self._pending)
        self._db.commit()
        self._pending.clear()

    def finish(self, read: ReadResult, workers: int) -> UnderstoodFiles:
        self._write()
        if self._db is not None:
            self._db.close()
        understood = Understood()
        keys: list[bytes] = []
        sections = 0
        for position in sorted(self._outcomes):
            outcome = self._outcomes[position]
            if outcome.failed is not None:
                understood.skipped.append((outcome.id, outcome.failed))
                continue
            keys.append(outcome.key)
            sections += outcome.sections
            understood.cached += outcome.cached
            understood.text_cached += outcome.text_cached
            if outcome.lines is not None:
                self._tally.add(outcome.lines)
        read.skipped.extend(self.skipped)
        read.duplicates.extend(self.duplicates)
        understood.postings = CachedPostings(self._cache, keys, self._places)
        understood.keys = keys
        return UnderstoodFiles(read, understood, self._tally.lines(), sections, workers)


# --- the workers' side (module-level, so a worker process can import and run it) ---

_worker: dict[str, object] = {}


def _init_worker(cache: Path | None, namespace: str, max_record_bytes: int) -> None:
    """A worker's settings, and the understood cache at `cache` opened to read (None: the
    cache's values come shipped with each batch)."""
    if cache is not None:
        _worker["db"] = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=30)
    _worker["namespace"] = namespace
    _worker["cap"] = max_record_bytes


def _close_worker() -> None:
    db = _worker.pop("db", None)
    if isinstance(db, sqlite3.Connection):
        db.close()


def understand_batch(sources: list[RecordSource]) -> list[_Parsed]:
    """Parse each record, then understand it from the worker's own look into the cache."""
    db = _worker["db"]
    assert isinstance(db, sqlite3.Connection)
    cap = _worker["cap"]
    assert isinstance(cap, int)
    parsed = [parse_source(source, cap) for source in sources]
    return _understand_parsed(parsed, partial(read_rows, db))


@dataclass(frozen=True)
class _Shipped:
    """A batch parsed in the driver, with what the understood cache holds of it."""

    parsed: list[RawPosting | SkippedRecord]
    found: dict[bytes, bytes]  # the cache's rows of its records and their texts, by key


def understand_shipped(shipped: _Shipped) -> list[_Parsed]:
    """`understand_batch` for a worker that cannot open the cache: it came with the batch."""
    found = shipped.found
    return _understand_parsed(
        shipped.parsed, lambda keys: {k: found[k] for k in keys if k in found}
    )


class _Shipper:
    """The driver's side of a remote engine: parse a batch (a small share of the work: the
    reading was already here) and look it up in the cache as a worker would."""

    def __init__(self, cache: Path, namespace: str, cap: int) -> None:
        self._db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=30)
        self._namespace, self._cap = namespace, cap

    def ship(self, sources: list[RecordSource]) -> _Shipped:
        parsed = [parse_source(source, self._cap) for source in sources]
        raws = [raw for raw in parsed if not isinstance(raw, SkippedRecord)]
        found = read_rows(self._db, (derived_key(self._namespace, raw) for raw in raws))
        found.update(read_rows(self._db, (text_key(raw, self._namespace) for raw in raws)))
        return _Shipped(parsed, found)

    def close(self) -> None:
        self._db.close()


def _understand_parsed(parsed: list[RawPosting | SkippedRecord], lookup: Lookup) -> list[_Parsed]:
    """Take each record's understood posting from the cache (`lookup`: pickled values by key)
    or understand it: its text from the cache when the same title and body were understood
    before, else anew (index.build.understood_cache)."""
    raws = [p for p in parsed if not isinstance(p, SkippedRecord)]
    results = iter(understand_records(raws, lookup, str(_worker["namespace"])))
    out = []
    for raw in parsed:
        if isinstance(raw, SkippedRecord):
            out.append(_Parsed(skipped=raw))
            continue
        result = next(results)
        if isinstance(result, Exception):
            out.append(_Parsed(raw.id, failed=f"{type(result).__name__}: {result}"))
            continue
        posting = result.posting
        lines = posting_lines(posting, result.text[1])
        item = _Parsed(
            raw.id,
            result.key,
            result.rows,
            len(posting.sections),
            lines,
            cached=result.cached,
            text_cached=result.text_cached,
        )
        out.append(_with_place(item, posting))
    return out


def _with_place(parsed: _Parsed, posting: Posting) -> _Parsed:
    """What the build's place context needs of a posting that places a shared city name."""
    if not posting.location.placed:
        return parsed
    return replace(parsed, company=posting.company, location=posting.location)
