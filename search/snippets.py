"""A short excerpt of the matched passage to show under a result, with the query's words marked."""

from __future__ import annotations

import re
from collections.abc import Sequence

SNIPPET_CHARS = 280
_WORD = re.compile(r"[^\W_]+(?:[+#]+)?", re.UNICODE)


def term_matches(word: str, terms: Sequence[str]) -> bool:
    """A word matches a query term exactly or by a shared stem ("engines" ~ "engine")."""
    word = word.casefold()
    for term in terms:
        if word == term:
            return True
        stem = len(term) - 2 if len(term) > 5 else len(term)
        if len(term) >= 4 and word.startswith(term[:stem]) and len(word) - stem <= 4:
            return True
    return False


def make_snippet(passage: str, terms: Sequence[str], size: int = SNIPPET_CHARS) -> str:
    """The window of `passage` with the most query words, cut at word boundaries."""
    text = " ".join(passage.split())
    if len(text) <= size:
        return text
    starts = [m.start() for m in _WORD.finditer(text)]
    best_start, best_hits = 0, -1
    for start in starts[:: max(1, len(starts) // 200)]:
        window = text[start : start + size]
        hits = sum(1 for w in _WORD.findall(window) if term_matches(w, terms))
        if hits > best_hits:
            best_start, best_hits = start, hits
    window = text[best_start : best_start + size]
    if best_start + size < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    return ("… " if best_start else "") + window


def highlight_spans(snippet: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """[start, end) character offsets of the snippet's words that match a query term."""
    return [(m.start(), m.end()) for m in _WORD.finditer(snippet) if term_matches(m.group(0), terms)]
