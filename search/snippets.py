"""A short excerpt of the matched passage to show under a result, with the query's words marked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

SNIPPET_CHARS = 280
LEAD_IN_CHARS = 60
_WORD = re.compile(r"[^\W_]+(?:[+#]+)?", re.UNICODE)


def term_matches(word: str, terms: Sequence[str]) -> bool:
    """A word matches a query term exactly or by a shared stem ("engines" ~ "engine")."""
    return term_pattern(tuple(terms)).fullmatch(word.casefold()) is not None


@lru_cache(maxsize=256)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for "matches a query term" (compiled once per query: a page of snippets
    tests thousands of words). A term of 4+ characters matches any word that starts with its
    stem (the term less 2 characters past 5) and runs at most 4 characters past the stem;
    a shorter one matches only itself."""
    alternatives = []
    for term in terms:
        if len(term) >= 4:
            stem = len(term) - 2 if len(term) > 5 else len(term)
            alternatives.append(re.escape(term[:stem]) + ".{0,4}")
        else:
            alternatives.append(re.escape(term))
    return re.compile("|".join(alternatives) or "(?!)", re.DOTALL)


def make_snippet(passage: str, terms: Sequence[str], size: int = SNIPPET_CHARS) -> str:
    """The window of `passage` starting at a word with the most query words, cut at words.

    One pass: each word is matched once, then a sliding window counts matches (linear time,
    so a page of 100 results costs microseconds per snippet, not milliseconds)."""
    text = " ".join(passage.split())
    if len(text) <= size:
        return text
    words = list(_WORD.finditer(text))
    matches = term_pattern(tuple(terms)).fullmatch
    flags = [matches(m.group(0).casefold()) is not None for m in words]
    best_left, best_hits, hits, right = 0, -1, 0, 0
    for left, word in enumerate(words):
        while right < len(words) and words[right].end() <= word.start() + size:
            hits += flags[right]
            right += 1
        if hits > best_hits:
            best_left, best_hits = left, hits
        hits -= flags[left] if left < right else 0
    # Give the first match some lead-in instead of starting the window on it.
    best_start = words[best_left].start()
    first = next((i for i in range(best_left, len(words)) if flags[i]), best_left)
    lead_in = max(best_start, words[first].start() - LEAD_IN_CHARS)
    best_start = next(
        (m.start() for m in words[best_left : first + 1] if m.start() >= lead_in), best_start
    )
    window = text[best_start : best_start + size]
    if best_start + size < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    return ("… " if best_start else "") + window


def highlight_spans(snippet: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """[start, end) character offsets of the snippet's words that match a query term."""
    matches = term_pattern(tuple(terms)).fullmatch
    return [
        (m.start(), m.end())
        for m in _WORD.finditer(snippet)
        if matches(m.group(0).casefold()) is not None
    ]
