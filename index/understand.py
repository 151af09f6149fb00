"""RawPosting → Posting: sections, languages, team and location, each from its own module.

A record whose body cannot be understood is skipped with the reason, never fatal to the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.derived_cache import DerivedCache, code_version
from index.languages import detect_languages
from index.locations import normalize_location
from index.models import Posting, RawPosting
from index.sections import split_sections
from index.team import derive_team

UNDERSTOOD_CACHE_FILE = "understood-cache.sqlite"  # beside the builds, in the index root


@dataclass
class Understood:
    postings: list[Posting] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (posting id, reason)
    cached: int = 0  # postings taken from the cache instead of parsed again


def understand_posting(raw: RawPosting) -> Posting:
    sections = tuple(
        s for s in split_sections(raw.body, raw.body_format) if s.text.strip() or s.heading
    )
    if not any(s.text.strip() for s in sections):
        raise ValueError("body has no text once markup is removed")
    text = "\n".join([raw.title, *(f"{s.heading}\n{s.text}" for s in sections)])
    return Posting(
        id=raw.id,
        title=raw.title,
        company=raw.company,
        source=raw.source,
        url=raw.url,
        updated_at=raw.updated_at,
        team=derive_team(raw.team, raw.title, sections),
        location=normalize_location(raw.location, raw.workplace_hint),
        languages=detect_languages(text),
        sections=sections,
    )


def understand_all(raws: Iterable[RawPosting], cache: Path | None = None) -> Understood:
    """Every record understood or skipped with its reason. With a `cache` file, records seen
    before (same content, same code) are not parsed again (index.derived_cache)."""
    raws = list(raws)
    hits = 0
    if cache is None:
        done: list[Posting | Exception] = []
        for raw in raws:
            try:
                done.append(understand_posting(raw))
            except Exception as exc:  # noqa: BLE001 - one bad body must not stop a rebuild
                done.append(exc)
    else:
        with DerivedCache[RawPosting, Posting](cache, f"understood|{_code_version()}") as cached:
            done = cached.map(raws, understand_posting)
            hits = cached.hits
    result = Understood(cached=hits)
    for raw, posting in zip(raws, done, strict=True):
        if isinstance(posting, Exception):
            result.skipped.append((raw.id, f"{type(posting).__name__}: {posting}"))
        else:
            result.postings.append(posting)
    return result


def _code_version() -> str:
    from index import (
        countries,
        languages,
        locations,
        models,
        section_kinds,
        sections,
        team,
        understand,
    )

    return code_version(
        understand, sections, section_kinds, languages, locations, countries, team, models
    )
