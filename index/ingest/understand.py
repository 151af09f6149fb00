"""RawPosting → Posting: sections, languages, team and location, each from its own module.

A record whose body cannot be understood is skipped with the reason, never fatal to the rest.
"""

from __future__ import annotations

from index.ingest.languages import detect_languages
from index.ingest.levels import posting_level
from index.ingest.locations import normalize_location
from index.ingest.sections import split_sections
from index.ingest.team import derive_team
from index.models import Posting, RawPosting


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
        level=posting_level(raw.title, text),
    )
