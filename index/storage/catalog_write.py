"""Writing a catalog: postings, their text, sections, chunks, facet values, and the BM25 tables,
in one SQLite file. Chunk ids are assigned in posting order, so a posting's chunks are one id
range.

Each posting's text is stored once (index.storage.passages): `bodies` holds it compressed,
sections and chunks are spans of it (a chunk's heading and passage are stored only where they
are not its section's heading and a span), and the FTS5 keyword table is contentless."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from index.ingest.boilerplate import CompanyLines, boilerplate_share, company_key
from index.ingest.locations import country_name
from index.models import LEVEL_LABELS, Chunk, Posting, Workplace, section_kind_code
from index.storage.bm25 import KEYWORD_SCHEMA, KEYWORD_TABLE, keyword_row
from index.storage.catalog import timestamp
from index.storage.passages import compress, lay_out, locate_passages
from index.storage.same_job import job_key
from index.storage.term_postings import write_term_index
from index.storage.vocabulary import posting_words, write_vocabulary

BATCH_POSTINGS = 1000  # postings whose rows are written at a time
PAGE_SIZE = 16384

SCHEMA = """
CREATE TABLE postings (
    pid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    company TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    updated_at TEXT,
    team TEXT,
    location_raw TEXT NOT NULL,
    workplace TEXT NOT NULL,
    worldwide INTEGER NOT NULL,
    countries TEXT NOT NULL,
    cities TEXT NOT NULL,
    regions TEXT NOT NULL,
    languages TEXT NOT NULL,
    level TEXT NOT NULL,
    chunk_start INTEGER NOT NULL,
    chunk_end INTEGER NOT NULL
);
CREATE TABLE bodies (
    pid INTEGER PRIMARY KEY REFERENCES postings(pid),
    text BLOB NOT NULL
);
CREATE TABLE sections (
    pid INTEGER NOT NULL REFERENCES postings(pid),
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    start_char INTEGER NOT NULL,
    heading_chars INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    PRIMARY KEY (pid, idx)
) WITHOUT ROWID;
CREATE TABLE chunks (
    chunk_id INTEGER PRIMARY KEY,
    pid INTEGER NOT NULL REFERENCES postings(pid),
    section_index INTEGER NOT NULL,
    start_char INTEGER,
    end_char INTEGER,
    heading TEXT,
    passage TEXT
);
CREATE TABLE facets (
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    pid INTEGER NOT NULL REFERENCES postings(pid)
);
CREATE INDEX facets_by_value ON facets(field, value);
CREATE TABLE arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


def _inserts(first_pid: int, first_chunk: int) -> dict[str, str]:
    """Each table's INSERT for a batch whose rows number postings and chunks from 0: the batch's
    place in the catalog is added in SQL (rows built elsewhere need no renumbering)."""
    p, c = f"?+{int(first_pid)}", f"?+{int(first_chunk)}"
    return {
        "postings": f"INSERT INTO postings VALUES ({p},{','.join('?' * 15)},{c},{c})",
        "bodies": f"INSERT INTO bodies VALUES ({p},?)",
        "sections": f"INSERT INTO sections VALUES ({p},?,?,?,?,?)",
        "chunks": f"INSERT INTO chunks VALUES ({c},{p},?,?,?,?,?)",
        KEYWORD_TABLE: f"INSERT INTO {KEYWORD_TABLE}(rowid, title, job, context) VALUES ({p},?,?,?)",
        "facets": f"INSERT INTO facets VALUES (?,?,?,{p})",
    }


TABLES = tuple(_inserts(0, 0))


def facet_values(posting: Posting) -> list[tuple[str, str, str]]:
    """(field, normalized value, display label) rows a posting is filed under."""
    rows: list[tuple[str, str, str]] = []
    if posting.team:
        rows.append(("team", posting.team.casefold(), posting.team))
    for code in posting.location.countries:
        rows.append(("country", code.casefold(), country_name(code)))
    for city in posting.location.cities:
        rows.append(("city", city.casefold(), city))
    for region in posting.location.regions:
        rows.append(("region", region.casefold(), region))
    if posting.location.worldwide:
        rows.append(("worldwide", "yes", "Anywhere in the world"))
    if posting.location.workplace is not Workplace.UNKNOWN:
        rows.append(
            (
                "workplace",
                posting.location.workplace.value,
                posting.location.workplace.value.capitalize(),
            )
        )
    for language in posting.languages:
        rows.append(("language", language.casefold(), language))
    rows.append(("level", posting.level.value, LEVEL_LABELS[posting.level]))
    return list(dict.fromkeys(rows))


def write_catalog(
    path: Path,
    postings: Iterable[Posting],
    chunks_by_posting: Iterable[Sequence[Chunk]],
    boilerplate: CompanyLines | None = None,
) -> None:
    """Write a new catalog; chunk ids are assigned in posting order, starting at 0."""
    with CatalogWriter(path, boilerplate) as writer:
        for posting, chunks in zip(postings, chunks_by_posting, strict=True):
            writer.add(posting, chunks)


@dataclass
class CatalogRows:
    """A batch of postings' rows, postings and chunks numbered from 0 in it: everything a
    catalog needs of them that takes work (laying out and compressing bodies, locating
    passages, boilerplate, keyword text, words), so that it can be built in another process
    and only written in the writer's."""

    tables: dict[str, list[tuple[object, ...]]] = field(
        default_factory=lambda: {table: [] for table in TABLES}
    )
    chunk_counts: list[int] = field(default_factory=list)
    arrays: dict[str, array[Any]] = field(
        default_factory=lambda: {
            "chunk_kind": array("b"),
            "chunk_boilerplate": array("f"),
            "job_key": array("q"),
        }
    )
    updated_ts: array[float] = field(default_factory=lambda: array("d"))
    words: Counter[str] = field(default_factory=Counter)  # word -> postings using it
    chunks: int = 0

    def add(self, posting: Posting, chunks: Sequence[Chunk], boilerplate: CompanyLines) -> None:
        pid, first_chunk = len(self.chunk_counts), self.chunks
        company_lines = boilerplate.get(company_key(posting.company), set())
        body, spans = lay_out(posting.sections)
        rows = self.tables
        rows["postings"].append(posting_row(pid, posting, first_chunk, len(chunks)))
        rows["bodies"].append((pid, compress(body)))
        rows["sections"].extend(
            (pid, i, s.kind.value, span.start, span.heading_chars, span.end)
            for i, (s, span) in enumerate(zip(posting.sections, spans, strict=True))
        )
        rows["chunks"].extend(chunk_rows(posting, chunks, body, first_chunk, pid))
        self.arrays["chunk_kind"].extend(section_kind_code(c.kind) for c in chunks)
        self.arrays["chunk_boilerplate"].extend(
            boilerplate_share(c.passage, company_lines) for c in chunks
        )
        self.updated_ts.append(timestamp(posting.updated_at))
        self.arrays["job_key"].append(job_key(posting.company, posting.title))
        keyword = keyword_row(posting, company_lines)
        rows[KEYWORD_TABLE].append((pid, *keyword))
        self.words.update(posting_words(keyword))
        rows["facets"].extend((f, value, label, pid) for f, value, label in facet_values(posting))
        self.chunk_counts.append(len(chunks))
        self.chunks += len(chunks)


def catalog_rows(
    postings: Sequence[Posting],
    chunks_by_posting: Sequence[Sequence[Chunk]],
    boilerplate: CompanyLines | None = None,
) -> CatalogRows:
    """The rows of a batch of postings (`CatalogWriter.add_rows` writes them)."""
    rows = CatalogRows()
    for posting, chunks in zip(postings, chunks_by_posting, strict=True):
        rows.add(posting, chunks, boilerplate or {})
    return rows


class CatalogWriter:
    """Writes a new catalog a batch of postings at a time; the indexes over all of them (the
    BM25 term index, the vocabulary) are written when it closes without an error."""

    def __init__(self, path: Path, boilerplate: CompanyLines | None = None) -> None:
        self._boilerplate = boilerplate or {}
        self._db = sqlite3.connect(path)
        # The file is staged, flushed and verified before anyone reads it: no journal needed.
        # Large pages hold the compressed bodies and term postings with little slack.
        self._db.executescript(
            f"PRAGMA page_size = {PAGE_SIZE}; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
        )
        self._db.executescript(SCHEMA + KEYWORD_SCHEMA)
        self._pending = CatalogRows()
        self._words: Counter[str] = Counter()
        # What a loaded catalog keeps in memory, one value per chunk or posting: stored as
        # arrays, so opening even a large catalog reads a few blobs, not a row per chunk.
        self._arrays: dict[str, array[Any]] = {
            "chunk_kind": array("b"),
            "chunk_boilerplate": array("f"),
            "chunk_end": array("q"),
            "updated_ts": array("d"),
            "job_key": array("q"),  # index.storage.same_job
        }
        self.postings = 0
        self.chunks = 0

    def add(self, posting: Posting, chunks: Sequence[Chunk]) -> None:
        """Queue one posting's rows (written a batch at a time)."""
        self._pending.add(posting, chunks, self._boilerplate)
        if len(self._pending.chunk_counts) >= BATCH_POSTINGS:
            self._flush()

    def add_rows(self, rows: CatalogRows) -> None:
        """Write a batch's rows (`catalog_rows`, built with this catalog's boilerplate) after
        the postings written so far."""
        self._flush()
        self._write(rows)

    def _flush(self) -> None:
        if self._pending.chunk_counts:
            self._write(self._pending)
            self._pending = CatalogRows()

    def _write(self, rows: CatalogRows) -> None:
        for table, insert in _inserts(self.postings, self.chunks).items():
            self._db.executemany(insert, rows.tables[table])
        ends = accumulate(rows.chunk_counts, initial=self.chunks)
        next(ends)
        self._arrays["chunk_end"].extend(ends)
        for name, values in rows.arrays.items():
            self._arrays[name].extend(values)
        self._arrays["updated_ts"].extend(rows.updated_ts)
        self._words.update(rows.words)
        self.postings += len(rows.chunk_counts)
        self.chunks += rows.chunks

    def close(self, complete: bool = True) -> None:
        try:
            if complete:
                self._flush()
                self._db.executemany(
                    "INSERT INTO arrays VALUES (?, ?)",
                    [(name, values.tobytes()) for name, values in self._arrays.items()],
                )
                write_term_index(self._db, KEYWORD_TABLE, self.postings)
                write_vocabulary(self._db, self._words)
                self._db.commit()
        finally:
            self._db.close()

    def __enter__(self) -> CatalogWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(complete=kind is None)


def posting_row(pid: int, posting: Posting, first_chunk: int, chunks: int) -> tuple[object, ...]:
    loc = posting.location
    return (
        pid,
        posting.id,
        posting.title,
        posting.company,
        posting.source,
        posting.url,
        posting.updated_at,
        posting.team,
        loc.raw,
        loc.workplace.value,
        int(loc.worldwide),
        json.dumps(loc.countries),
        json.dumps(loc.cities),
        json.dumps(loc.regions),
        json.dumps(posting.languages),
        posting.level.value,
        first_chunk,
        first_chunk + chunks,
    )


def chunk_rows(
    posting: Posting, chunks: Sequence[Chunk], body: str, first_chunk: int, pid: int
) -> list[tuple[object, ...]]:
    """A posting's chunk rows: a span of its body for the passage where the body holds it word
    for word, else the passage itself; a heading only where it is not its section's."""
    headings = [s.heading for s in posting.sections]
    spans = locate_passages(body, [c.passage for c in chunks])
    rows: list[tuple[object, ...]] = []
    for i, (chunk, span) in enumerate(zip(chunks, spans, strict=True)):
        own = chunk.section_index < len(headings) and headings[chunk.section_index] == chunk.heading
        rows.append(
            (
                first_chunk + i,
                pid,
                chunk.section_index,
                *(span if span is not None else (None, None)),
                None if own else chunk.heading,
                chunk.passage if span is None else None,
            )
        )
    return rows
