"""The first stage of a search: what the seeker asked, read from their words.

Misspelled words first (search.spelling: "pyhton develper" is read as "python developer"),
then where they want to work (search.intent), at what level (search.levels) and in which
programming languages (search.skills); the place and the level are taken out of
the text both sides match where the words say nothing else, and the abbreviations left gain
their long forms (search.abbreviations: "SRE" is also "site reliability engineer"). A query
that says only where ("remote in Europe") is a listing of the postings there. An explicit
filter on a field says it better, so it replaces the reading of that field.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.storage.bm25 import content_words
from search.abbreviations import expand_abbreviations
from search.filters import Filters
from search.intent import LocationIntent, read_location_intent
from search.levels import LevelIntent, read_level_intent
from search.skills import languages_named
from search.spelling import Correction, Speller


@dataclass(frozen=True)
class UnderstoodQuery:
    text: str  # what both sides match: the query without the words understood as intent
    location: LocationIntent | None = None
    level: LevelIntent | None = None
    correction: Correction | None = None  # the query as corrected, when a word was misspelled
    languages: tuple[str, ...] = ()  # programming languages named, preferred in ranking

    @property
    def only_location(self) -> bool:
        """Nothing left to match once the place is taken out ("remote in Europe")."""
        return self.location is not None and not content_words(self.text)

    @property
    def location_values(self) -> tuple[str, ...]:
        return self.location.values if self.location else ()

    @property
    def workplace(self) -> str | None:
        """The workplace the query asked for ("remote", "hybrid", "on-site"), if any."""
        said = self.location.workplace if self.location else None
        return said.value if said else None


def understand_query(
    query: str, filters: Filters, speller: Speller | None = None, abbreviations: bool = True
) -> UnderstoodQuery:
    """Read the intents out of `query`; the caller's own filters take precedence. With a
    `speller`, misspelled words are corrected first; with `abbreviations`, the ones seekers
    type for roles and fields gain their long forms (search.abbreviations)."""
    correction = speller.correct(query) if speller else None
    if correction:
        query = correction.text
    location = read_location_intent(
        query, places=not filters.locations, workplace=not (filters.locations or filters.workplaces)
    )
    text = location.rest if location else query
    level = read_level_intent(text) if not filters.levels else None
    if level:
        text = level.rest
    languages = languages_named(query) if not filters.languages else ()
    if abbreviations:
        text = expand_abbreviations(text)
    return UnderstoodQuery(text, location or None, level, correction, languages)
