"""RawPosting → Posting: sections, languages, team, location and workplace, each from its own
module.

A record whose body cannot be understood is skipped with the reason, never fatal to the rest.
"""

from __future__ import annotations

from dataclasses import replace

from index.ingest.languages import detect_languages
from index.ingest.levels import posting_level
from index.ingest.locations import normalize_location
from index.ingest.sections import split_sections
from index.ingest.team import derive_team
from index.ingest.workplace import workplace_in_text
from index.models import Posting, RawPosting, Workplace


def understand_posting(raw: RawPosting) -> Posting:
    sections = tuple(
        s for s in split_sections(raw.body, raw.body_format) if s.text.strip() or s.heading
    )
    if not any(s.text.strip() for s in sections):
        raise ValueError("body has no text once markup is removed")
    text = "\n".join([raw.title, *(f"{s.heading}\n{s.text}" for s in sections)])
    location = normalize_location(raw.location, raw.workplace_hint)
    if location.workplace is Workplace.UNKNOWN:  # neither the location nor an ATS field said
        location = replace(location, workplace=workplace_in_text(raw.title, text))
    return Posting(
        id=raw.id,
        title=raw.title,
        company=raw.company,
        source=raw.source,
        url=raw.url,
        updated_at=raw.updated_at,
        team=derive_team(raw.team, raw.title, sections),
        location=location,
        languages=detect_languages(text),
        sections=sections,
        level=posting_level(raw.title, text),
    )
