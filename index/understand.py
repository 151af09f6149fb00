"""RawPosting → Posting: sections, languages, team and location, each from its own module.

A record whose body cannot be understood is skipped with the reason, never fatal to the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from index.languages import detect_languages
from index.locations import normalize_location
from index.models import Posting, RawPosting
from index.sections import split_sections
from index.team import derive_team


@dataclass
class Understood:
    postings: list[Posting] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (posting id, reason)


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


def understand_all(raws: Iterable[RawPosting]) -> Understood:
    result = Understood()
    for raw in raws:
        try:
            result.postings.append(understand_posting(raw))
        except Exception as exc:  # noqa: BLE001 - one bad body must not stop a rebuild
            result.skipped.append((raw.id, f"{type(exc).__name__}: {exc}"))
    return result
