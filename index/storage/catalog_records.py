"""What the catalog's rows become for a reader: result summaries, chunks with their passages,
posting texts, and the SQL helpers that fetch them by id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from index.models import Level, Location, SectionKind, Workplace
from index.storage.passages import SectionSpan, decompress


@dataclass(frozen=True)
class PostingSummary:
    """What a result list shows of a posting."""

    pid: int
    id: str
    title: str
    company: str
    url: str | None
    updated_at: str | None
    team: str | None
    location: Location
    languages: tuple[str, ...]
    level: Level = Level.MID


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: int
    pid: int
    section_index: int
    heading: str
    kind: SectionKind
    passage: str


def rows_in(db: sqlite3.Connection, select: str, ids: Sequence[int], then: str = "") -> list[Any]:
    """`select` ending in "... IN", completed with one placeholder per id, then `then`."""
    marks = ",".join("?" * len(ids))
    return db.execute(f"{select} ({marks}) {then}", [int(i) for i in ids]).fetchall()


def posting_texts(
    db: sqlite3.Connection, pids: Sequence[int]
) -> dict[int, tuple[str, list[SectionSpan]]]:
    """Each posting's body and its sections' spans."""
    if not pids:
        return {}
    bodies = rows_in(db, "SELECT pid, text FROM bodies WHERE pid IN", pids)
    texts: dict[int, tuple[str, list[SectionSpan]]] = {
        pid: (decompress(blob), []) for pid, blob in bodies
    }
    sections = rows_in(
        db,
        "SELECT pid, start_char, heading_chars, end_char FROM sections WHERE pid IN",
        pids,
        "ORDER BY pid, idx",
    )
    for pid, start, heading_chars, end in sections:
        texts[pid][1].append(SectionSpan(start, heading_chars, end))
    return texts


def timestamp(value: str | None) -> float:
    """Seconds since the epoch, or -inf for a missing or unparseable date (sorts last)."""
    if not value:
        return float("-inf")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return float("-inf")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def summary_of(row: tuple[object, ...]) -> PostingSummary:
    (
        pid,
        posting_id,
        title,
        company,
        url,
        updated_at,
        team,
        raw,
        workplace,
        worldwide,
        countries,
        cities,
        regions,
        languages,
        level,
    ) = row
    location = Location(
        raw=str(raw),
        countries=tuple(json.loads(str(countries))),
        cities=tuple(json.loads(str(cities))),
        regions=tuple(json.loads(str(regions))),
        workplace=Workplace(str(workplace)),
        worldwide=bool(worldwide),
    )
    return PostingSummary(
        pid=int(str(pid)),
        id=str(posting_id),
        title=str(title),
        company=str(company),
        url=None if url is None else str(url),
        updated_at=None if updated_at is None else str(updated_at),
        team=None if team is None else str(team),
        location=location,
        languages=tuple(json.loads(str(languages))),
        level=Level(str(level)),
    )
