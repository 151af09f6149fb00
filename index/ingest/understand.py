"""RawPosting → Posting: sections, languages, team, location and workplace, each from its own
module.

Understanding comes in two parts, so that a text posted again (the same job in another city,
under another id) is read once: what the title and body say (`understand_text`: sections,
languages, level, and the team and workplace the text names), and what the record's own fields
add (`posting_from_text`: its location, its team field, ids and dates). The text's team and
workplace are read only when a record needs them (its team field and its location say nothing),
since most records never do. `understand_posting` is the two in a row.

A record whose body cannot be understood is skipped with the reason, never fatal to the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from index.ingest.languages import detect_languages
from index.ingest.levels import posting_level
from index.ingest.locations import normalize_location
from index.ingest.sections import split_sections
from index.ingest.team import clean_source_team, derive_team
from index.ingest.workplace import workplace_in_text
from index.models import BodyFormat, Level, Posting, RawPosting, Section, Workplace


@dataclass(frozen=True)
class UnderstoodText:
    """What a title and body say, whatever record they came in. `workplace` and `team` are
    read on demand (`workplace` None and `team_read` False: not yet)."""

    sections: tuple[Section, ...]
    languages: tuple[str, ...]
    level: Level
    workplace: Workplace | None = None
    team: str | None = None
    team_read: bool = False


def understand_text(title: str, body: str, body_format: BodyFormat) -> UnderstoodText:
    """The text's sections, languages and level; ValueError when the body has no text."""
    sections = tuple(s for s in split_sections(body, body_format) if s.text.strip() or s.heading)
    if not any(s.text.strip() for s in sections):
        raise ValueError("body has no text once markup is removed")
    text = _full_text(title, sections)
    return UnderstoodText(sections, detect_languages(text), posting_level(title, text))


def posting_from_text(
    raw: RawPosting, understood: UnderstoodText
) -> tuple[Posting, UnderstoodText]:
    """`raw` understood, given what its title and body say (`understand_text` of them), and
    that understanding with whatever this record made it read besides (team, workplace)."""
    location = normalize_location(raw.location, raw.workplace_hint)
    if location.workplace is Workplace.UNKNOWN:  # neither the location nor an ATS field said
        workplace = understood.workplace
        if workplace is None:
            workplace = workplace_in_text(raw.title, _full_text(raw.title, understood.sections))
            understood = replace(understood, workplace=workplace)
        location = replace(location, workplace=workplace)
    team = clean_source_team(raw.team) if raw.team else None
    if not team:
        if not understood.team_read:
            text_team = derive_team(None, raw.title, understood.sections)
            understood = replace(understood, team=text_team, team_read=True)
        team = understood.team
    posting = Posting(
        id=raw.id,
        title=raw.title,
        company=raw.company,
        source=raw.source,
        url=raw.url,
        updated_at=raw.updated_at,
        team=team,
        location=location,
        languages=understood.languages,
        sections=understood.sections,
        level=understood.level,
    )
    return posting, understood


def understand_posting(raw: RawPosting) -> Posting:
    understood = understand_text(raw.title, raw.body, raw.body_format)
    return posting_from_text(raw, understood)[0]


def _full_text(title: str, sections: tuple[Section, ...]) -> str:
    """The text the detectors read: the title, then each section's heading and text."""
    return "\n".join([title, *(f"{s.heading}\n{s.text}" for s in sections)])
