"""A scale corpus: N postings recombined from real ones, for measuring a build far larger than
the real corpus without a model in the way.

Each synthetic posting keeps one real posting's title and body verbatim, so it understands into
the same sections and chunks into the same texts, whose vectors a build of the real postings
has already cached. Everything a build indexes besides the text (id, url, date, team, location,
company) is drawn per field from the real postings' own values, so facets, filters and listings
see the real distributions at any size. Bodies cycle through random permutations of the sources
(each is used once before any is used again). Deterministic for a seed, byte for byte; written
as a stream, so N is bounded by the disk, not by memory.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import numpy as np

from index.errors import InputFormatError

SYNTH_SOURCE = "synth"
CHANGED_STREAM = 1_000_003  # the seed offset of the postings a changed corpus opens
BLOCK = 4096  # records drawn at a time (part of what a seed means: keep it fixed)
DATE_JITTER_SECONDS = 12 * 3600  # a drawn date moves by up to half a day either way
GZIP_LEVEL = 1  # the corpus is written once and read a few times: speed over size


@dataclass(frozen=True)
class Sources:
    """The real postings' values, one list per field, index-aligned."""

    bodies: list[str]  # '"title": ..., "content_html": ...': a JSON fragment, written verbatim
    companies: list[str]
    teams: list[str | None]
    locations: list[str | None]
    dates: list[str | None]
    hosts: list[str | None]  # the url's scheme and host, None without a url

    def __len__(self) -> int:
        return len(self.bodies)


@dataclass(frozen=True)
class SynthReport:
    path: Path
    written: int
    sources: int
    skipped_sources: int  # source lines that were not a posting with a title and a body
    bytes: int = 0  # of JSON Lines written, before any compression


def load_sources(path: Path) -> tuple[Sources, int]:
    """The usable postings of a JSON Lines file (gzipped or not) and how many lines were not."""
    fields: dict[str, list[Any]] = {k: [] for k in Sources.__dataclass_fields__}
    skipped = 0
    with _open_text(path) as lines:
        for line in lines:
            if not line.strip():
                continue
            record = _posting(line)
            if record is None:
                skipped += 1
                continue
            body_field = "content_html" if record.get("content_html") else "content_text"
            body = {"title": record["title"], body_field: record[body_field]}
            fields["bodies"].append(json.dumps(body, ensure_ascii=False)[1:-1])
            fields["companies"].append(str(record.get("company") or ""))
            fields["teams"].append(_text_or_none(record.get("team")))
            fields["locations"].append(_text_or_none(record.get("location")))
            fields["dates"].append(_text_or_none(record.get("updated_at")))
            fields["hosts"].append(_host(record.get("url")))
    if not fields["bodies"]:
        raise InputFormatError(f"{path}: no postings with a title and a body to recombine")
    return Sources(**fields), skipped


def synth_lines(sources: Sources, count: int, seed: int = 0) -> Iterator[str]:
    """`count` JSON Lines records (newline-terminated), drawn from `sources` with `seed`."""
    rng = np.random.default_rng(seed)
    size = len(sources)
    order = rng.permutation(size)
    used = 0
    for start in range(0, count, BLOCK):
        block = min(BLOCK, count - start)
        bodies = np.empty(block, dtype=np.int64)
        for at in range(block):  # cycle through permutations: every source before any repeat
            if used == size:
                order, used = rng.permutation(size), 0
            bodies[at] = order[used]
            used += 1
        draws = rng.integers(0, size, size=(5, block))
        jitter = rng.integers(-DATE_JITTER_SECONDS, DATE_JITTER_SECONDS + 1, size=block)
        for at in range(block):
            number = start + at
            company, team, location, date, host = (int(d) for d in draws[:, at])
            record_id = f"{SYNTH_SOURCE}:{seed}:{number}"
            site = sources.hosts[host]
            head = {
                "id": record_id,
                "source": SYNTH_SOURCE,
                "company": sources.companies[company],
                "team": sources.teams[team],
                "location": sources.locations[location],
                "url": None if site is None else f"{site}/jobs/{record_id.replace(':', '-')}",
                "updated_at": _moved(sources.dates[date], int(jitter[at])),
            }
            head_json = json.dumps(head, ensure_ascii=False)
            yield f"{head_json[:-1]}, {sources.bodies[int(bodies[at])]}}}\n"


def changed_lines(sources: Sources, count: int, seed: int, share: float) -> Iterator[str]:
    """The corpus of `seed` a day later: `share` of its postings (a fixed-seed draw) closed and
    as many new ones opened in their places (records of another seed: new ids, places, teams,
    dates and companies, each still a real posting's text)."""
    rng = np.random.default_rng([seed, CHANGED_STREAM])
    replaced = rng.random(count) < share
    new = synth_lines(sources, count, seed + CHANGED_STREAM)
    for number, line in enumerate(synth_lines(sources, count, seed)):
        new_line = next(new)
        yield new_line if replaced[number] else line


def synthesize(
    count: int, source: Path, out: Path, seed: int = 0, changed: float = 0.0
) -> SynthReport:
    """Write `count` recombined postings to `out` (gzipped when it ends in .gz); with `changed`,
    the corpus of `seed` with that share of its postings replaced by new ones (changed_lines).
    Written beside it first and renamed into place, so a crash never leaves half a corpus
    under its name."""
    if count < 1:
        raise InputFormatError(f"count must be at least 1 (got {count})")
    if not 0.0 <= changed <= 1.0:
        raise InputFormatError(f"changed must be a share between 0 and 1 (got {changed})")
    sources, skipped = load_sources(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    size = 0
    with open(partial, "wb") as raw:
        with _open_out(raw, gz=out.name.endswith(".gz")) as text:
            lines = (
                changed_lines(sources, count, seed, changed)
                if changed
                else synth_lines(sources, count, seed)
            )
            for line in lines:
                size += len(line.encode("utf-8"))
                text.write(line)
    os.replace(partial, out)
    return SynthReport(out, count, len(sources), skipped, size)


def _open_text(path: Path) -> IO[str]:
    with open(path, "rb") as handle:
        gz = handle.read(2) == b"\x1f\x8b"
    if gz:
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _open_out(raw: IO[bytes], gz: bool) -> IO[str]:
    if not gz:
        return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    # No name or time in the gzip header: the same seed gives the same bytes.
    binary = gzip.GzipFile("", "wb", GZIP_LEVEL, fileobj=raw, mtime=0)
    return io.TextIOWrapper(binary, encoding="utf-8", newline="\n")


def _posting(line: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("title"), str):
        return None
    if not any(
        isinstance(record.get(k), str) and record[k] for k in ("content_html", "content_text")
    ):
        return None
    return record


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _host(url: object) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _moved(date: str | None, seconds: int) -> str | None:
    """`date` moved by `seconds`, in its own offset; a date that does not parse stays as it is."""
    if date is None:
        return None
    try:
        parsed = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        return date
    return (parsed + timedelta(seconds=seconds)).isoformat()
