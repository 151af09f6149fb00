"""Misspelled query words corrected against the index's own vocabulary ("pyhton develper" is
searched as "python developer"), with SymSpell (symspellpy): edit-distance look-ups against the
words the postings use, weighted by how many postings use each.

A word the index has never seen is corrected to a word common enough to be one (so a rare
typo in a posting is no dictionary entry); a word only a posting or two use is corrected only
when a word one edit away is far more common ("sofware", a posting's own typo, is "software").
Programming languages, places and known abbreviations ("recsys") are never touched, nor are
short words, numbers and words with symbols ("c++", "k8s").
The caller reports the corrected text, so the seeker sees what was searched and can search
their own words instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from symspellpy import SymSpell, Verbosity

from index.ingest.languages import canonical_language
from index.ingest.locations import places_named
from index.storage.catalog import Catalog
from search.abbreviations import is_abbreviation

MIN_WORD_CHARS = 4  # shorter words are too often abbreviations to correct
MIN_SUGGESTION_POSTINGS = 3  # a correction must be a word at least this many postings use
MAX_EDIT_DISTANCE = 2
RARE_POSTINGS = 2  # a known word this rare may still be a typo...
POPULAR_RATIO = 100  # ...of a word one edit away used by this many times more postings
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Correction:
    text: str  # the query with its misspelled words replaced
    words: tuple[tuple[str, str], ...]  # (as typed, corrected)


class Speller:
    def __init__(self, vocabulary: dict[str, int]) -> None:
        self._known = vocabulary
        self._symspell = SymSpell(max_dictionary_edit_distance=MAX_EDIT_DISTANCE, prefix_length=7)
        for word, postings in vocabulary.items():
            if postings >= MIN_SUGGESTION_POSTINGS and len(word) >= MIN_WORD_CHARS - 1:
                self._symspell.create_dictionary_entry(word, postings)

    def correct(self, query: str) -> Correction | None:
        """`query` with unknown words corrected, or None when every word is fine."""
        protected = [(m.start, m.end) for m in places_named(query)]
        out, changes, last = [], [], 0
        for match in _WORD.finditer(query):
            word = match.group(0)
            if any(start <= match.start() < end for start, end in protected):
                continue
            fixed = self._suggest(word)
            if fixed is None:
                continue
            out.append(query[last : match.start()] + fixed)
            changes.append((word, fixed))
            last = match.end()
        if not changes:
            return None
        return Correction("".join(out) + query[last:], tuple(changes))

    def _suggest(self, word: str) -> str | None:
        folded = word.casefold()
        if (
            len(folded) < MIN_WORD_CHARS
            or canonical_language(word) is not None
            or is_abbreviation(folded)
        ):
            return None
        seen = self._known.get(folded, 0)
        if seen > RARE_POSTINGS:
            return None
        distance = 1 if len(folded) < 6 or seen else MAX_EDIT_DISTANCE
        found = self._symspell.lookup(folded, Verbosity.CLOSEST, max_edit_distance=distance)
        if seen:  # a rare word of the index: only a far more common neighbour replaces it
            found = [s for s in found if s.distance > 0 and s.count >= POPULAR_RATIO * seen]
        if not found:
            return None
        best = max(found, key=lambda s: (-s.distance, _slip(folded, s.term), s.count, s.term))
        return best.term if best.term != folded else None


def _slip(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with one of the slips fingers make most: two letters swapped
    ("pyhton"), a letter doubled ("writter") or a double letter typed once ("sucess"). Between
    corrections equally far, such a slip beats a wrong letter ("writter" is "writer", not
    "written")."""
    if len(typed) == len(word):
        return sorted(typed) == sorted(word)
    longer, shorter = (typed, word) if len(typed) > len(word) else (word, typed)
    if len(longer) != len(shorter) + 1:
        return False
    return any(
        longer[i] == longer[i + 1] and longer[:i] + longer[i + 1 :] == shorter
        for i in range(len(longer) - 1)
    )


_SPELLERS: WeakKeyDictionary[Catalog, Speller] = WeakKeyDictionary()


def speller_for(catalog: Catalog) -> Speller:
    """The speller of an index, built on first use (it only changes with the build)."""
    if catalog not in _SPELLERS:
        _SPELLERS[catalog] = Speller(catalog.vocabulary())
    return _SPELLERS[catalog]
