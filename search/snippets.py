"""A short excerpt of the matched passage to show under a result."""

from __future__ import annotations

import re

SNIPPET_CHARS = 280
_WORD = re.compile(r"\w+", re.UNICODE)


def make_snippet(passage: str, query: str, size: int = SNIPPET_CHARS) -> str:
    """The window of `passage` that shares most words with `query`, cut at word boundaries."""
    text = " ".join(passage.split())
    if len(text) <= size:
        return text
    terms = {w.casefold() for w in _WORD.findall(query) if len(w) > 2}
    starts = [m.start() for m in _WORD.finditer(text)]
    best_start, best_hits = 0, -1
    for start in starts[:: max(1, len(starts) // 200)]:
        window = text[start : start + size]
        hits = sum(1 for w in _WORD.findall(window) if w.casefold() in terms)
        if hits > best_hits:
            best_start, best_hits = start, hits
    window = text[best_start : best_start + size]
    if best_start + size < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    return ("… " if best_start else "") + window
