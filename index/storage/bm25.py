"""BM25 over postings: an FTS5 table for tokens and phrases, and a term index scored in numpy.

One FTS5 row per posting (rowid = pid) with three columns weighted differently: the title, what
the job is (role, requirements, team...), and company context (about us, benefits, legal).
Company boilerplate lines are left out entirely, so a query that matches a company's About-us
paragraph does not bring up every posting of that company.

BM25 of `"a" OR "b"` sums, per phrase, idf · f·(k1+1) / (f + k1·(1 − b + b·D/avgdl)), where
f is the phrase's column-weighted count in the row and D the row's length in tokens, as FTS5's
bm25() does, but with Lucene's idf, log(1 + (N − n + 0.5) / (n + 0.5)): FTS5's own idf is
zero for a word in more than half the postings ("engineering", "manager", "product"), so a
query of common words would rank by nothing. The sum splits by phrase, so each phrase is scored
on its own and added:
- a one-token phrase (nearly every query word) from the term index stored at build time
  (index.storage.term_postings): for each token, the postings holding it and its count per
  column, read from FTS5's `fts5vocab`, so tokens are exactly FTS5's (porter stemming,
  diacritics folded);
- a longer phrase ("node.js" is "node js") by FTS5 itself, `bm25()` over that phrase alone.
A query word becomes tokens through FTS5's tokenizer too (an in-memory table), so the two sides
never disagree on stemming, and the scores equal SQLite's `bm25()` with the idf exchanged.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from index.ingest.boilerplate import strip_boilerplate
from index.models import CONTEXT_KINDS, Posting
from index.storage.term_postings import CountArray, decode_postings
from index.storage.top_keywords import ScoreList, best_postings

IntArray = npt.NDArray[np.int64]
Values = TypeVar("Values", bound=npt.NDArray[Any])
FloatArray = npt.NDArray[np.float32]
TOKENIZER = "porter unicode61 remove_diacritics 2"
K1, B = 1.2, 0.75  # FTS5's bm25() constants

COLUMN_WEIGHTS = (2.0, 1.0, 1.0)  # title, job, context (search passes its RankingConfig's)
MAX_QUERY_TERMS = 64  # distinct words a keyword query keeps; a résumé keeps its most repeated
TOKEN_CACHE_BYTES = 768 * 2**20  # decoded and scored postings of common tokens, per process
TOKEN_CACHE_MIN_POSTINGS = 20_000  # a rarer token is read and scored faster than looked up

KEYWORD_TABLE = "posting_text"
# Contentless: the text lives once, in the catalog's bodies; FTS5 keeps only its index.
KEYWORD_SCHEMA = f"""
CREATE VIRTUAL TABLE {KEYWORD_TABLE} USING fts5(
    title, job, context,
    content = '',
    tokenize = '{TOKENIZER}'
);
"""

# A compound of letters joined by hyphens ("front-end", "full-stack", "e-commerce"): also one
# word, the way it is just as often written ("frontend"), so each spelling finds the other.
_COMPOUND = re.compile(r"(?<![\w-])[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)+(?![\w-])", re.UNICODE)
_HYPHENS = re.compile(r"[-\u2010\u2011]")
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
    return (
        with_joined_compounds(posting.title),
        with_joined_compounds("\n\n".join(job)),
        with_joined_compounds("\n\n".join(context)),
    )


def with_joined_compounds(text: str) -> str:
    """Indexed text with each hyphenated compound followed by its joined form: a posting that
    says "Front-End" holds the tokens front, end and frontend."""
    return _COMPOUND.sub(lambda m: f"{m.group(0)} {_HYPHENS.sub('', m.group(0))}", text)


def joined_compounds(text: str) -> str:
    """Query text with each hyphenated compound written as one word: "front-end" searches
    frontend, which every posting writing it either way holds (with_joined_compounds)."""
    return _COMPOUND.sub(lambda m: _HYPHENS.sub("", m.group(0)), text)


def content_words(text: str) -> list[str]:
    """Every content word of a query in order, repeats included (stopwords dropped)."""
    return [
        term
        for term in (m.group(0) for m in _TERM.finditer(joined_compounds(text).casefold()))
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
    words = [m.group(0) for m in _TERM.finditer(joined_compounds(text).casefold())]
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


Databases = sqlite3.Connection | Sequence[sqlite3.Connection]  # one per segment, base first


def keyword_search(
    db: Databases,
    term_index: TermIndex,
    terms: Sequence[str],
    limit: int,
    allowed: npt.NDArray[np.int64] | None = None,
    weights: tuple[float, float, float] = COLUMN_WEIGHTS,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Best postings by BM25 (higher is better, ties by pid), among `allowed` pids when given:
    exact, since the filter applies before the limit (index.storage.top_keywords: only the
    postings that could be among the best are summed)."""
    if not terms or limit <= 0 or (allowed is not None and len(allowed) == 0):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    lists = keyword_lists(db, term_index, terms, weights)
    return best_postings(lists, limit, allowed)


def keyword_lists(
    db: Databases,
    term_index: TermIndex,
    terms: Sequence[str],
    weights: tuple[float, float, float] = COLUMN_WEIGHTS,
) -> list[ScoreList]:
    """Each query word's or phrase's postings and BM25 part (select with top_keywords)."""
    dbs = _each(db)

    def phrase_scores(phrase: str) -> tuple[IntArray, npt.NDArray[np.float64]]:
        found = [phrase_bm25(each, phrase, weights, term_index.rows) for each in dbs]
        pids = [p + first for (p, _), first in zip(found, term_index.first_pids, strict=True)]
        return term_index.served(np.concatenate(pids), np.concatenate([s for _, s in found]))

    return term_index.score_lists(dbs, terms, weights, phrase_scores)


def _each(db: Databases) -> list[sqlite3.Connection]:
    return [db] if isinstance(db, sqlite3.Connection) else list(db)


def idf(rows: int, postings: int) -> float:
    """Lucene's BM25 idf: positive however common the token."""
    return math.log(1.0 + (rows - postings + 0.5) / (postings + 0.5))


def fts5_idf(rows: int, postings: int) -> float:
    """FTS5's bm25() idf, which it floors at 1e-6 for tokens in more than half the rows."""
    value = math.log((rows - postings + 0.5) / (postings + 0.5))
    return value if value > 0 else 1e-6


def phrase_bm25(
    db: sqlite3.Connection, phrase: str, weights: tuple[float, float, float], rows: int
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """A phrase of several tokens scored by FTS5 (it knows their positions), with its idf
    exchanged for Lucene's so the phrase adds up with the term index's tokens."""
    pids, scores = fts5_bm25(db, [phrase], weights)
    if not len(pids):
        return pids, scores
    return pids, scores * (idf(rows, len(pids)) / fts5_idf(rows, len(pids)))


def fts5_bm25(
    db: sqlite3.Connection,
    terms: Sequence[str],
    weights: tuple[float, float, float],
    allowed: npt.NDArray[np.int64] | None = None,
    limit: int | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """FTS5's own BM25 of the rows matching any of `terms` (among `allowed`), the best `limit`
    of them best first, or all of them in no order: how a phrase of several tokens is scored,
    and the reference the term index is tested against."""
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


class TermIndex:
    """BM25 over the stored postings (see the module docstring). Row lengths and the average
    are loaded once; a token's postings are read when a query uses it."""

    def __init__(
        self,
        rows: int,
        row_tokens: npt.NDArray[np.int32],
        first_pids: Sequence[int] = (0,),
        live: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        """`first_pids`: where each segment's pids start (index.storage.segments); `live`:
        which pids are served (None: all), the others left out of every list."""
        self.rows = rows
        self.row_tokens = row_tokens.astype(np.float64)
        self.average = float(row_tokens.sum()) / rows if rows else 0.0
        self.first_pids = list(first_pids)
        self._live = live
        # A common token's postings, decoded and scored, are what a large index's queries
        # spend most of their keyword time on, and the same few ("engineer", "team") come
        # back in query after query: kept, bounded in bytes, for tokens worth keeping.
        self._cache: LRUCache[tuple[object, ...], tuple[npt.NDArray[Any], ...]] = LRUCache(
            TOKEN_CACHE_BYTES, getsizeof=lambda arrays: sum(a.nbytes for a in arrays)
        )
        self._cache_lock = threading.Lock()

    @classmethod
    def load(cls, db: sqlite3.Connection) -> TermIndex:
        row = db.execute("SELECT rows, row_tokens FROM term_stats").fetchone()
        return cls(int(row[0]), np.frombuffer(row[1], dtype=np.int32))

    def served(self, pids: IntArray, values: Values) -> tuple[IntArray, Values]:
        """`pids` and the values aligned with them, without the postings no longer served."""
        if self._live is None or not len(pids):
            return pids, values
        keep = self._live[pids]
        return pids[keep], cast(Values, values[keep])

    def score_lists(
        self,
        dbs: Sequence[sqlite3.Connection],
        phrases: Sequence[str],
        weights: tuple[float, float, float],
        phrase_scores: Callable[[str], tuple[IntArray, npt.NDArray[np.float64]]],
    ) -> list[ScoreList]:
        """Each phrase's rows (ascending) and its BM25 part in each, in the phrases' order. A
        phrase of several tokens is scored by `phrase_scores` (FTS5 itself: it knows their
        positions)."""
        found: list[ScoreList] = []
        weight = np.array(weights, dtype=np.float64)
        for phrase in phrases:
            tokens = tokens_of(phrase)
            if len(tokens) == 1:
                found.append(self._token_scores(dbs, tokens[0], weight))
            elif tokens:
                found.append(phrase_scores(phrase))
        return found

    def coverage(
        self, db: Databases, terms: Sequence[str], pids: IntArray
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """For each of `pids`, the share of the query's tokens its title holds, and the share
        its title or job text holds (company context aside), each token weighted by its IDF:
        how much of what the seeker named a posting covers, however strongly it matches one."""
        tokens = list(dict.fromkeys(t for term in terms for t in tokens_of(term)))
        in_title = np.zeros(len(pids), dtype=np.float64)
        in_job = np.zeros(len(pids), dtype=np.float64)
        weights = 0.0
        for token in tokens:
            token_pids, counts = self._postings(_each(db), token)
            token_idf = self._idf(len(token_pids)) if len(token_pids) else math.log(self.rows + 1.0)
            weights += token_idf
            if not len(token_pids) or not len(pids):
                continue
            at = np.minimum(np.searchsorted(token_pids, pids), len(token_pids) - 1)
            found = token_pids[at] == pids
            in_title += token_idf * (found & (counts[at, 0] > 0))
            in_job += token_idf * (found & ((counts[at, 0] + counts[at, 1]) > 0))
        if weights == 0:
            return in_title, in_job
        return in_title / weights, in_job / weights

    def _postings(
        self, dbs: Sequence[sqlite3.Connection], token: str
    ) -> tuple[IntArray, CountArray]:
        """The served postings holding `token` (in pid order) and its count in each column:
        each segment's, numbered after the segments before it."""
        cached = self._cached(("postings", token))
        if cached is not None:
            return cached[0], cached[1]
        parts = []
        for db, first in zip(dbs, self.first_pids, strict=True):
            found = db.execute(
                "SELECT postings, pids, counts FROM term_postings WHERE token = ?", (token,)
            ).fetchone()
            pids, counts = decode_postings(*found) if found else decode_postings(0, b"", b"")
            parts.append((pids + first if first else pids, counts))
        pids = np.concatenate([p for p, _ in parts])
        pids, counts = self.served(pids, np.concatenate([c for _, c in parts]))
        self._keep(("postings", token), (pids, counts))
        return pids, counts

    def _cached(self, key: tuple[object, ...]) -> tuple[npt.NDArray[Any], ...] | None:
        with self._cache_lock:
            return self._cache.get(key)

    def _keep(self, key: tuple[object, ...], arrays: tuple[npt.NDArray[Any], ...]) -> None:
        """Keep the (read-only) arrays of a token with enough postings to be worth it."""
        if len(arrays[0]) < TOKEN_CACHE_MIN_POSTINGS:
            return
        for array in arrays:
            array.flags.writeable = False
        with self._cache_lock:
            self._cache[key] = arrays

    def _idf(self, postings: int) -> float:
        return idf(self.rows, postings)

    def _token_scores(
        self, dbs: Sequence[sqlite3.Connection], token: str, weight: npt.NDArray[np.float64]
    ) -> tuple[IntArray, npt.NDArray[np.float64]]:
        pids, counts = self._postings(dbs, token)
        if not len(pids):
            return pids, np.zeros(0)
        key = ("scores", token, *weight.tolist())
        cached = self._cached(key)
        if cached is not None:
            return pids, cached[0]
        # Column by column, not `counts @ weight`: a BLAS call wakes threads that contend with the
        # model's for the same cores
        freq = sum(counts[:, column] * w for column, w in enumerate(weight.tolist()))
        token_idf = self._idf(len(pids))
        length = self.row_tokens[pids]
        part = token_idf * ((freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * length / self.average)))
        self._keep(key, (part,))
        return pids, part


_local = threading.local()


@lru_cache(maxsize=65536)
def tokens_of(text: str) -> tuple[str, ...]:
    """The tokens FTS5 makes of `text` (as it does of a quoted phrase in a MATCH)."""
    db: sqlite3.Connection | None = getattr(_local, "db", None)
    if db is None:
        db = sqlite3.connect(":memory:")
        db.execute(f"CREATE VIRTUAL TABLE scratch USING fts5(text, tokenize = '{TOKENIZER}')")
        db.execute("CREATE VIRTUAL TABLE scratch_vocab USING fts5vocab(scratch, instance)")
        _local.db = db
    db.execute("INSERT INTO scratch(rowid, text) VALUES (1, ?)", (text,))
    try:
        return tuple(t for (t,) in db.execute("SELECT term FROM scratch_vocab ORDER BY offset"))
    finally:
        db.execute("DELETE FROM scratch")
