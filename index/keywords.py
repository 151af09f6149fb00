"""The keyword side of an index: BM25 over postings through SQLite FTS5.

One row per posting (rowid = pid) with three columns weighted differently by BM25: the title,
what the job is (role, requirements, team...), and company context (about us, benefits,
legal). Company boilerplate lines are left out entirely, so a query that matches a company's
About-us paragraph does not bring up every posting of that company.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from index.boilerplate import strip_boilerplate
from index.models import Posting, SectionKind
from index.term_index import TOKENIZER, TermIndex

CONTEXT_KINDS = frozenset({SectionKind.ABOUT_COMPANY, SectionKind.BENEFITS, SectionKind.LEGAL})
COLUMN_WEIGHTS = (3.0, 1.0, 0.2)  # title, job, context
MAX_QUERY_TERMS = 64  # distinct words a keyword query keeps; a résumé keeps its most repeated

KEYWORD_TABLE = "posting_text"
KEYWORD_SCHEMA = f"""
CREATE VIRTUAL TABLE {KEYWORD_TABLE} USING fts5(
    title, job, context,
    tokenize = '{TOKENIZER}'
);
"""

_TERM = re.compile(r"[^\W_]+(?:[+#]+|(?:\.[^\W_]+)+)?", re.UNICODE)
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each etc few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    like looking me more most my myself no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours want wants work working job jobs role roles position
    positions someone somewhere company""".split()
)


def keyword_row(posting: Posting, boilerplate: set[str]) -> tuple[str, str, str]:
    """(title, job text, context text) of a posting, boilerplate removed."""
    job: list[str] = []
    context: list[str] = []
    for section in posting.sections:
        text = strip_boilerplate(section.text, boilerplate)
        if not text.strip():
            continue
        target = context if section.kind in CONTEXT_KINDS else job
        target.append(f"{section.heading}\n{text}" if section.heading else text)
    return posting.title, "\n\n".join(job), "\n\n".join(context)


def content_words(text: str) -> list[str]:
    """Every content word of a query in order, repeats included (stopwords dropped)."""
    return [
        term
        for term in (m.group(0) for m in _TERM.finditer(text.casefold()))
        if term not in STOPWORDS and (len(term) >= 2 or term.isdigit())
    ]


def query_terms(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Distinct content words in order of appearance. Past `limit` (a pasted résumé), the ones
    the text repeats most are kept: what a résumé says again and again is what it is about."""
    words = content_words(text)
    distinct = list(dict.fromkeys(words))
    if len(distinct) <= limit:
        return distinct
    counts = Counter(words)
    kept = set(sorted(distinct, key=lambda t: (-counts[t], distinct.index(t)))[:limit])
    return [t for t in distinct if t in kept]


def query_phrases(text: str, limit: int = 16) -> list[str]:
    """Adjacent pairs of content words ("engineering manager", "design system"): as FTS5
    phrases they reward postings that use the seeker's words together, the way a phrase
    boost does, and a rare pair carries a high IDF of its own."""
    words = [m.group(0) for m in _TERM.finditer(text.casefold())]
    phrases: list[str] = []
    for first, second in zip(words, words[1:], strict=False):
        if first in STOPWORDS or second in STOPWORDS or len(first) < 2 or len(second) < 2:
            continue
        phrase = f"{first} {second}"
        if phrase not in phrases:
            phrases.append(phrase)
        if len(phrases) == limit:
            break
    return phrases


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression that ORs the terms, each quoted: user text is never syntax."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def keyword_search(
    db: sqlite3.Connection,
    terms: Sequence[str],
    limit: int,
    allowed: npt.NDArray[np.int64] | None = None,
    weights: tuple[float, float, float] = COLUMN_WEIGHTS,
    term_index: TermIndex | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Best postings by BM25 (higher is better, ties by pid), among `allowed` pids when given:
    exact, since the filter applies before the limit. With the build's `term_index`, scored in
    numpy (index.term_index); without it (an older build), by FTS5 in SQL: the same ranking."""
    if not terms or limit <= 0 or (allowed is not None and len(allowed) == 0):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    if term_index is not None:
        return _best_by_term_index(db, term_index, terms, limit, allowed, weights)
    pids, scores = _fts_bm25(db, terms, weights, allowed, limit)
    return pids, scores.astype(np.float32)


def _fts_bm25(
    db: sqlite3.Connection,
    terms: Sequence[str],
    weights: tuple[float, float, float],
    allowed: npt.NDArray[np.int64] | None = None,
    limit: int | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """FTS5's own BM25 of the rows matching any of `terms` (among `allowed`), the best `limit`
    of them best first, or all of them in no order."""
    columns = ", ".join(str(float(w)) for w in weights)
    sql = (
        f"SELECT rowid, -bm25({KEYWORD_TABLE}, {columns}) AS score FROM {KEYWORD_TABLE} "
        f"WHERE {KEYWORD_TABLE} MATCH ?"
    )
    params: list[object] = [fts_query(terms)]
    if allowed is not None:
        # "+rowid" keeps the planner from driving FTS5 by rowid (one MATCH per allowed id).
        sql += " AND +rowid IN (SELECT value FROM json_each(?))"
        params.append("[" + ",".join(str(int(p)) for p in allowed) + "]")
    if limit is not None:
        sql += " ORDER BY score DESC, rowid LIMIT ?"
        params.append(limit)
    rows = db.execute(sql, params).fetchall()
    pids = np.array([r[0] for r in rows], dtype=np.int64)
    return pids, np.array([r[1] for r in rows], dtype=np.float64)


def _best_by_term_index(
    db: sqlite3.Connection,
    term_index: TermIndex,
    terms: Sequence[str],
    limit: int,
    allowed: npt.NDArray[np.int64] | None,
    weights: tuple[float, float, float],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """`keyword_search` scored in numpy: every row's BM25, then the best `limit` by a partial
    sort (ties at the cut and in the order by pid, as the SQL orders them)."""
    scores, matched = term_index.scores(
        db, terms, weights, lambda phrase: _fts_bm25(db, [phrase], weights)
    )
    if allowed is not None:
        keep = np.zeros_like(matched)
        keep[allowed] = True
        matched &= keep
    pids = np.flatnonzero(matched).astype(np.int64)
    found = scores[pids]
    if len(pids) > limit:
        cut = np.partition(-found, limit - 1)[limit - 1]
        inside = -found <= cut
        pids, found = pids[inside], found[inside]
    order = np.lexsort((pids, -found))[:limit]
    return pids[order], found[order].astype(np.float32)
