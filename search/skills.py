"""The programming languages a seeker names ("Go backend developer", "rust database internals"),
read with the same vocabulary postings are tagged with (index.ingest.languages), so a query that
names one prefers the postings that ask for it, as it prefers a place it names.

Seekers type in lower case, where postings' case rules would miss "rust" or "kotlin": a query
word that spells a language is capitalized before reading, except the ones that are ordinary
words too ("go", "swift", "c", "r", "dart"), which still need the technical context the reader
asks of postings ("go backend", "swift developer").
"""

from __future__ import annotations

import re

from index.ingest.languages import KNOWN_LANGUAGES, detect_languages

MAX_WORDS = 40  # a pasted résumé lists every language its writer has used
_AMBIGUOUS = {"go", "swift", "c", "r", "dart", "julia", "shell", "sql", "zig", "groovy"}
_NAMES = {name.casefold(): name for name in KNOWN_LANGUAGES if name.isalpha()}
_WORD = re.compile(r"\b[a-z]+\b")


def languages_named(query: str) -> tuple[str, ...]:
    """Canonical names of the languages `query` asks for."""
    if len(query.split()) > MAX_WORDS:
        return ()

    def capitalize(match: re.Match[str]) -> str:
        word = match.group(0)
        name = _NAMES.get(word)
        if name is None:
            return word
        return word.capitalize() if word in _AMBIGUOUS else name

    return detect_languages(_WORD.sub(capitalize, query))
