"""Writing the BM25 term index (read by index.storage.bm25.TermIndex): per token of the FTS5
keyword table, the postings holding it in pid order with a count per column, and each row's
length in tokens.

The tokens are FTS5's own (read through `fts5vocab`), so the scores equal FTS5's `bm25()`.
Its 'instance' table lists every token occurrence in (token, row, column) order; SQLite
concatenates a range of tokens' occurrences into one string (one row per range, not one per
occurrence), numpy parses and counts them. No Python runs per posting or per token occurrence,
and memory stays bounded by the range, however large the corpus.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from index.errors import BuildError

COLUMNS = ("title", "job", "context")  # the keyword table's columns, in order
RANGE_OCCURRENCES = 4_000_000  # token occurrences parsed at a time (about 40 MB of text)

# A token's postings: `pids` as gaps from the previous pid (the first from 0), `counts` as
# (title, job, context) per posting, each in the narrowest of 1, 2 or 4 bytes that holds its
# largest value: the width is the blob's length over the number of values.
TERM_INDEX_SCHEMA = """
CREATE TABLE term_postings (
    token TEXT PRIMARY KEY,
    postings INTEGER NOT NULL,
    pids BLOB NOT NULL,
    counts BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE term_stats (rows INTEGER NOT NULL, row_tokens BLOB NOT NULL);
"""
WIDTHS: dict[int, type[np.unsignedinteger[Any]]] = {1: np.uint8, 2: np.uint16, 4: np.uint32}
LARGEST = {width: int(np.iinfo(kind).max) for width, kind in WIDTHS.items()}
MAX_COUNT = LARGEST[2]  # a count past this is stored as this

IntArray = npt.NDArray[np.int64]
CountArray = npt.NDArray[np.unsignedinteger[Any]]


def encode_postings(pids: IntArray, counts: IntArray) -> tuple[bytes, bytes]:
    """A token's pids (ascending) and per-column counts as the two stored blobs."""
    gaps = np.diff(pids, prepend=0)
    return _narrow(gaps).tobytes(), _narrow(np.minimum(counts, MAX_COUNT)).tobytes()


def decode_postings(postings: int, pids: bytes, counts: bytes) -> tuple[IntArray, CountArray]:
    """The stored blobs back as pids (ascending) and counts, one row of COLUMNS per pid."""
    if postings == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, len(COLUMNS)), dtype=np.uint16)
    gaps = np.frombuffer(pids, dtype=WIDTHS[len(pids) // postings])
    per_column = np.frombuffer(counts, dtype=WIDTHS[len(counts) // (postings * len(COLUMNS))])
    return np.cumsum(gaps, dtype=np.int64), per_column.reshape(-1, len(COLUMNS))


def _narrow(values: IntArray) -> CountArray:
    top = int(values.max()) if len(values) else 0
    width = next(w for w, largest in LARGEST.items() if top <= largest)
    return values.astype(WIDTHS[width])


def write_term_index(db: sqlite3.Connection, table: str, rows: int) -> None:
    """Store the term index of the FTS5 `table` with `rows` rows (empty rows included)."""
    db.executescript(TERM_INDEX_SCHEMA)
    db.execute(f"CREATE VIRTUAL TABLE temp.term_rows USING fts5vocab(main, {table}, row)")
    db.execute(f"CREATE VIRTUAL TABLE temp.term_places USING fts5vocab(main, {table}, instance)")
    try:
        row_tokens = np.zeros(rows, dtype=np.int64)
        for tokens, occurrences in _token_ranges(db):
            pids, counts, per_token = _count_range(db, tokens, occurrences)
            row_tokens += np.bincount(pids, counts.sum(axis=1), rows).astype(np.int64)
            bounds = np.concatenate([[0], np.cumsum(per_token)])
            db.executemany(
                "INSERT INTO term_postings VALUES (?, ?, ?, ?)",
                (
                    (token, int(z - a), *encode_postings(pids[a:z], counts[a:z]))
                    for token, a, z in zip(tokens, bounds[:-1], bounds[1:], strict=True)
                ),
            )
    finally:
        db.execute("DROP TABLE temp.term_places")
        db.execute("DROP TABLE temp.term_rows")
    db.execute(
        "INSERT INTO term_stats VALUES (?, ?)", (rows, row_tokens.astype(np.int32).tobytes())
    )


def _token_ranges(db: sqlite3.Connection) -> Iterator[tuple[list[str], IntArray]]:
    """The table's tokens in index order, in consecutive ranges of about RANGE_OCCURRENCES
    occurrences, each with its tokens' occurrence counts."""
    tokens: list[str] = []
    occurrences: list[int] = []
    total = 0
    for token, count in db.execute("SELECT term, cnt FROM temp.term_rows"):
        tokens.append(token)
        occurrences.append(count)
        total += count
        if total >= RANGE_OCCURRENCES:
            yield tokens, np.array(occurrences, dtype=np.int64)
            tokens, occurrences, total = [], [], 0
    if tokens:
        yield tokens, np.array(occurrences, dtype=np.int64)


def _count_range(
    db: sqlite3.Connection, tokens: list[str], occurrences: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """For one range of tokens: each (token, posting) pair's pid and counts per column, in
    token then pid order, and how many postings each token has."""
    cases = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(COLUMNS) if i)
    column = f"CASE col {cases} ELSE 0 END"
    (text,) = db.execute(
        f"SELECT group_concat(doc * 4 + {column}, ',') FROM temp.term_places"
        " WHERE term >= ? AND term <= ?",
        (tokens[0], tokens[-1]),
    ).fetchone()
    places = np.fromstring(text or "", dtype=np.int64, sep=",")  # parsed in C
    if len(places) != int(occurrences.sum()):
        raise BuildError(
            f"FTS5 listed {len(places)} occurrences of tokens {tokens[0]!r}..{tokens[-1]!r},"
            f" its vocabulary {int(occurrences.sum())}"
        )
    token = np.repeat(np.arange(len(tokens)), occurrences)
    doc, col = places >> 2, places & 3
    if not _in_order(token, doc):  # FTS5 lists them so already: sorted only if it did not
        order = np.lexsort((doc, token))
        token, doc, col = token[order], doc[order], col[order]
    new_pair = np.ones(len(doc), dtype=bool)
    new_pair[1:] = (token[1:] != token[:-1]) | (doc[1:] != doc[:-1])
    pair = np.cumsum(new_pair) - 1
    pairs = int(pair[-1]) + 1 if len(pair) else 0
    counts = np.bincount(pair * len(COLUMNS) + col, minlength=pairs * len(COLUMNS))
    per_token = np.bincount(token[new_pair], minlength=len(tokens))
    return doc[new_pair], counts.reshape(pairs, len(COLUMNS)), per_token


def _in_order(token: IntArray, doc: IntArray) -> bool:
    """Whether (token, doc) pairs ascend (ties allowed): a check, much cheaper than a sort."""
    same_token = token[1:] == token[:-1]
    return bool(np.all((token[1:] > token[:-1]) | (same_token & (doc[1:] >= doc[:-1]))))
