"""The index's own words with the number of postings using each, unstemmed: the dictionary a
misspelled query word is corrected against (search.spelling). Counted at build time over the
keyword table's text as each posting is written, so every word a seeker could find is in it,
company and product names too.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable

VOCABULARY_SCHEMA = """
CREATE TABLE vocabulary (word TEXT PRIMARY KEY, postings INTEGER NOT NULL) WITHOUT ROWID;
"""
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)  # letters only: "pyhton", not "c++" or "s3"
MAX_WORD_CHARS = 30


def posting_words(columns: Iterable[str]) -> set[str]:
    """The distinct words of one posting's keyword text, as the vocabulary counts them."""
    words = set(_WORD.findall(" ".join(columns).casefold()))
    return {w for w in words if len(w) <= MAX_WORD_CHARS}


def write_vocabulary(db: sqlite3.Connection, counts: Counter[str]) -> None:
    """Store each word with the number of postings that use it."""
    db.executescript(VOCABULARY_SCHEMA)
    db.executemany("INSERT INTO vocabulary VALUES (?, ?)", counts.items())


def read_vocabulary(db: sqlite3.Connection, min_postings: int = 1) -> dict[str, int]:
    """Words used by at least `min_postings` postings, with their counts."""
    rows = db.execute("SELECT word, postings FROM vocabulary WHERE postings >= ?", (min_postings,))
    return dict(rows.fetchall())
