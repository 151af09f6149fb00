"""Writing a catalog: postings, sections, chunks, facet values, and the BM25 tables, in one
SQLite file. Chunk ids are assigned in posting order, so a posting's chunks are one id range."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from index.ingest.boilerplate import CompanyLines, boilerplate_share, company_key
from index.ingest.locations import country_name
from index.models import LEVEL_LABELS, Chunk, Posting, Workplace
from index.storage.bm25 import KEYWORD_SCHEMA, KEYWORD_TABLE, keyword_row, write_term_index
from index.storage.vocabulary import write_vocabulary

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
CREATE TABLE sections (
    pid INTEGER NOT NULL REFERENCES postings(pid),
    idx INTEGER NOT NULL,
    heading TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (pid, idx)
);
CREATE TABLE chunks (
    chunk_id INTEGER PRIMARY KEY,
    pid INTEGER NOT NULL REFERENCES postings(pid),
    section_index INTEGER NOT NULL,
    heading TEXT NOT NULL,
    kind TEXT NOT NULL,
    passage TEXT NOT NULL,
    boilerplate REAL NOT NULL
);
CREATE TABLE facets (
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    pid INTEGER NOT NULL REFERENCES postings(pid)
);
CREATE INDEX facets_by_value ON facets(field, value);
"""


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
    postings: Sequence[Posting],
    chunks_by_posting: Sequence[Sequence[Chunk]],
    boilerplate: CompanyLines | None = None,
) -> None:
    """Write a new catalog; chunk ids are assigned in posting order, starting at 0."""
    boilerplate = boilerplate or {}
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA + KEYWORD_SCHEMA)
        next_chunk = 0
        for pid, (posting, chunks) in enumerate(zip(postings, chunks_by_posting, strict=True)):
            company_lines = boilerplate.get(company_key(posting.company), set())
            loc = posting.location
            db.execute(
                "INSERT INTO postings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
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
                    next_chunk,
                    next_chunk + len(chunks),
                ),
            )
            db.executemany(
                "INSERT INTO sections VALUES (?,?,?,?,?)",
                [(pid, i, s.heading, s.kind.value, s.text) for i, s in enumerate(posting.sections)],
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        next_chunk + i,
                        pid,
                        c.section_index,
                        c.heading,
                        c.kind.value,
                        c.passage,
                        boilerplate_share(c.passage, company_lines),
                    )
                    for i, c in enumerate(chunks)
                ],
            )
            db.execute(
                "INSERT INTO posting_text(rowid, title, job, context) VALUES (?,?,?,?)",
                (pid, *keyword_row(posting, company_lines)),
            )
            db.executemany(
                "INSERT INTO facets VALUES (?,?,?,?)",
                [(field, value, label, pid) for field, value, label in facet_values(posting)],
            )
            next_chunk += len(chunks)
        write_term_index(db, KEYWORD_TABLE, len(postings))
        write_vocabulary(db, KEYWORD_TABLE)
        db.commit()
    finally:
        db.close()
