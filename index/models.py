"""Value types shared by every layer: a posting as read, its sections, its facets and its chunks.

Frozen dataclasses, so a posting read once can be passed around without defensive copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]  # rows of L2-normalized embeddings
FacetKey = tuple[str, str]  # (field, normalized value)
BodyFormat = Literal["html", "markdown", "text"]


class SectionKind(StrEnum):
    """What a section of a posting is about; ranking weighs them differently."""

    ABOUT_COMPANY = "about_company"
    ABOUT_TEAM = "about_team"
    ROLE = "role"
    REQUIREMENTS = "requirements"
    NICE_TO_HAVE = "nice_to_have"
    BENEFITS = "benefits"
    LEGAL = "legal"
    OTHER = "other"


_KIND_CODES = {kind: code for code, kind in enumerate(SectionKind)}  # its position


# Sections about the company rather than the job: weighted down on both sides of a search.
CONTEXT_KINDS = frozenset({SectionKind.ABOUT_COMPANY, SectionKind.BENEFITS, SectionKind.LEGAL})


def section_kind_code(kind: SectionKind) -> int:
    """The small integer a loaded catalog stores per chunk for its section kind."""
    return _KIND_CODES[kind]


class Level(StrEnum):
    """Seniority, from the first job to the top; a facet, a filter and a ranking signal."""

    INTERN = "intern"
    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"
    MANAGER = "manager"
    DIRECTOR = "director"


LEVEL_LABELS = {
    Level.INTERN: "Internship",
    Level.ENTRY: "Entry level",
    Level.MID: "Mid level",
    Level.SENIOR: "Senior",
    Level.STAFF: "Staff / principal",
    Level.MANAGER: "Manager",
    Level.DIRECTOR: "Director and above",
}


class Workplace(StrEnum):
    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "on-site"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Section:
    """One headed part of a posting body. `heading` is "" for text before the first heading."""

    heading: str
    kind: SectionKind
    text: str  # clean text: no markup, no entities; paragraphs separated by a blank line


@dataclass(frozen=True)
class Location:
    """A free-text location normalized into facet values."""

    raw: str
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 codes, e.g. ("US", "CA")
    cities: tuple[str, ...] = ()  # display names, e.g. ("Berlin",)
    regions: tuple[str, ...] = ()  # canonical region names, e.g. ("Europe",), ("EMEA", "LATAM")
    workplace: Workplace = Workplace.UNKNOWN
    worldwide: bool = False  # "Anywhere in the World"
    # Cities several countries have a city of the name of (index.ingest.place_context): the
    # name keys of those placed by population alone, and (name key, country) for those a
    # qualifier placed ("Santa Clara, CA"), which tell the build where its postings mean them.
    guessed: tuple[str, ...] = ()
    placed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RawPosting:
    """A posting as an input file gives it, before any understanding of its text."""

    id: str
    title: str
    body: str
    body_format: BodyFormat
    source: str = ""
    company: str = ""
    team: str | None = None
    location: str | None = None
    workplace_hint: Workplace = Workplace.UNKNOWN  # from an ATS field such as Lever's workplaceType
    url: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Posting:
    """A posting understood: sections, detected languages, team and normalized location."""

    id: str
    title: str
    company: str
    source: str
    url: str | None
    updated_at: str | None
    team: str | None
    location: Location
    languages: tuple[str, ...]  # canonical names, sorted: ("C++", "Go", "Rust")
    sections: tuple[Section, ...] = field(default_factory=tuple)
    level: Level = Level.MID  # seniority (index.ingest.levels)


@dataclass(frozen=True)
class Chunk:
    """A piece of one section, small enough for the model; `text` is what gets embedded."""

    posting_id: str
    section_index: int
    ordinal: int  # position of this chunk within its posting
    heading: str
    kind: SectionKind
    text: str  # the embedded text: title and heading as context, then the passage
    passage: str  # the section text this chunk covers, for snippets
