"""The numpy BM25 ranks exactly as SQLite FTS5's bm25() does with Lucene's idf in place of its
own, on the bundled sample postings."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.build.chunking import chunk_posting
from index.build.understood_cache import understand_all
from index.ingest.readers import read_postings
from index.storage.bm25 import (
    COLUMN_WEIGHTS,
    KEYWORD_TABLE,
    TermIndex,
    fts5_bm25,
    fts5_idf,
    idf,
    keyword_search,
    query_phrases,
    query_terms,
    tokens_of,
)
from index.storage.catalog import CATALOG_FILE, Catalog
from index.storage.catalog_write import write_catalog
from tests.fakes import FakeEmbedder
from tests.paths import SAMPLE_POSTINGS

NO_MATCH = "zzzz-not-a-word"
QUERIES = [
    "database internals in Rust, remote in Europe",
    "engineering manager leading a backend platform team",
    "node.js and asp.net developer",  # multi-token phrases: scored by FTS5 itself
    "customer support specialist",
    "C++ C# .NET",
    "machine learning engineer engineering engineers",  # one stem, three phrases
    "Café naïve résumé",
    NO_MATCH,
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Catalog:
    postings = understand_all(read_postings([SAMPLE_POSTINGS]).postings).postings
    embedder = FakeEmbedder()
    chunks = [chunk_posting(p, embedder.count_tokens, embedder.max_tokens) for p in postings]
    path = tmp_path_factory.mktemp("catalog") / CATALOG_FILE
    write_catalog(path, postings, chunks)
    return Catalog(path)


@pytest.fixture(scope="module")
def db(catalog) -> sqlite3.Connection:
    return sqlite3.connect(catalog.path)


@pytest.fixture(scope="module")
def vocabulary(db) -> list[str]:
    return [t for (t,) in db.execute("SELECT token FROM term_postings")]


def reference_bm25(db, terms, weights, allowed=None, limit=None):
    """FTS5's bm25() of each phrase alone, its idf exchanged for Lucene's, summed per row."""
    rows = db.execute(f"SELECT count(*) FROM {KEYWORD_TABLE}").fetchone()[0]
    total: dict[int, float] = {}
    for term in terms:
        pids, scores = fts5_bm25(db, [term], weights)
        if not len(pids):
            continue
        scale = idf(rows, len(pids)) / fts5_idf(rows, len(pids))
        for pid, score in zip(pids.tolist(), scores.tolist(), strict=True):
            total[pid] = total.get(pid, 0.0) + score * scale
    if allowed is not None:
        keep = set(np.asarray(allowed).tolist())
        total = {pid: score for pid, score in total.items() if pid in keep}
    ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return np.array([p for p, _ in ranked], dtype=np.int64), np.array([s for _, s in ranked])


def assert_same_ranking(db, terms, limit, allowed=None, weights=(3.0, 1.0, 0.2)) -> int:
    """The term index ranks as FTS5 does; returns how many postings both found."""
    term_index = TermIndex.load(db)
    assert term_index is not None
    if allowed is not None and len(allowed) == 0:
        want_pids, want_scores = np.zeros(0, dtype=np.int64), np.zeros(0)
    else:
        want_pids, want_scores = reference_bm25(db, terms, weights, allowed, limit)
    got_pids, got_scores = keyword_search(db, term_index, terms, limit, allowed, weights)
    assert len(got_pids) == len(want_pids)
    np.testing.assert_allclose(got_scores, want_scores, rtol=1e-5)
    # Same order, except where two scores tie to within rounding.
    for i in np.flatnonzero(got_pids != want_pids):
        assert abs(float(got_scores[i]) - float(want_scores[i])) <= 1e-5 * abs(want_scores[i])
    return len(want_pids)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("phrases", [False, True])
def test_numpy_bm25_ranks_like_fts5(db, query, phrases):
    terms = query_terms(query) + (query_phrases(query) if phrases else [])
    found = assert_same_ranking(db, terms, 1000)
    assert found > 0 or query == NO_MATCH  # the comparison is not between two empty lists
    assert assert_same_ranking(db, terms, 5) == min(found, 5)


@pytest.mark.parametrize("weights", [(1.0, 1.0, 1.0), (5.0, 0.5, 0.0), (3.0, 1.0, 0.2)])
def test_numpy_bm25_follows_column_weights_and_filters(db, catalog, weights):
    allowed = np.arange(0, catalog.posting_count, 3, dtype=np.int64)
    terms = query_terms("senior backend engineer storage kubernetes design")
    assert assert_same_ranking(db, terms, 7, allowed, weights) == 7
    assert_same_ranking(db, terms, 100, np.zeros(0, dtype=np.int64), weights)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_numpy_bm25_ranks_like_fts5_for_any_vocabulary_words(db, vocabulary, data):
    words = data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=6))
    limit = data.draw(st.integers(min_value=1, max_value=80))
    assert_same_ranking(db, words, limit)


def test_query_words_become_fts5_tokens(db):
    assert tokens_of("Engineers") == ("engin",)
    assert tokens_of("node.js") == ("node", "js")
    assert tokens_of("Résumé") == ("resum",)
    assert tokens_of("++") == ()


def test_catalog_search_ranks_like_fts5(catalog, db):
    terms = query_terms("backend engineer")
    assert catalog._terms is not None
    pids, scores = catalog.keyword_search(terms, 10)
    want_pids, want_scores = reference_bm25(db, terms, COLUMN_WEIGHTS, None, 10)
    assert pids.tolist() == want_pids.tolist() and len(pids) > 0
    np.testing.assert_allclose(scores, want_scores, rtol=1e-5)


def test_term_index_written_in_small_ranges_is_the_same(tmp_path, catalog, monkeypatch):
    import index.storage.term_postings as term_index_module

    monkeypatch.setattr(term_index_module, "RANGE_OCCURRENCES", 5)
    postings = understand_all(read_postings([SAMPLE_POSTINGS]).postings).postings
    embedder = FakeEmbedder()
    chunks = [chunk_posting(p, embedder.count_tokens, embedder.max_tokens) for p in postings]
    write_catalog(tmp_path / CATALOG_FILE, postings, chunks)
    with sqlite3.connect(tmp_path / CATALOG_FILE) as small, sqlite3.connect(catalog.path) as big:
        query = "SELECT token, pids, counts FROM term_postings ORDER BY token"
        rows = small.execute(query).fetchall()
        assert len(rows) > 100 and rows == big.execute(query).fetchall()


def test_idf_stays_positive_for_tokens_in_most_postings():
    assert idf(1000, 999) > 0
    assert idf(1000, 10) > idf(1000, 500) > idf(1000, 990) > 0
    assert fts5_idf(1000, 990) == 1e-6  # what FTS5 gives them: nothing to rank by


def test_numpy_bm25_ranks_by_a_word_in_most_postings(db, catalog):
    term_index = TermIndex.load(db)
    token, postings = max(
        db.execute("SELECT token, postings FROM term_postings"), key=lambda item: item[1]
    )
    assert postings > catalog.posting_count / 2
    _, scores = keyword_search(db, term_index, [token], 1000)
    assert len(scores) == postings
    assert scores.min() > 0.01 and scores.max() > scores.min()


@pytest.mark.parametrize("query", QUERIES)
def test_keyword_search_pruned_by_maxscore_equals_summing_every_list(db, query, monkeypatch):
    from index.storage import top_keywords

    terms = query_terms(query) + query_phrases(query)
    term_index = TermIndex.load(db)
    for limit in (1, 10, 1000):
        monkeypatch.setattr(top_keywords, "SELECT_MIN_PAIRS", 10**9)  # every posting summed
        summed = keyword_search(db, term_index, terms, limit)
        monkeypatch.setattr(top_keywords, "SELECT_MIN_PAIRS", 0)  # pruned whenever it can be
        pruned = keyword_search(db, term_index, terms, limit)
        assert summed[0].tolist() == pruned[0].tolist()
        assert summed[1].tobytes() == pruned[1].tobytes()  # the same sums, to the last bit


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 199), st.floats(0.001, 50.0)), max_size=40),
        max_size=12,
    ),
    st.integers(1, 60),
)
def test_maxscore_selection_equals_summing_any_lists(phrases, limit):
    from index.storage import top_keywords

    parts = []
    for rows in phrases:
        distinct = dict(rows)  # a phrase's rows are distinct and ascending
        pids = np.array(sorted(distinct), dtype=np.int64)
        parts.append((pids, np.array([distinct[p] for p in pids], dtype=np.float64)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(top_keywords, "SELECT_MIN_PAIRS", 0)
        pids_a, sums_a = top_keywords.best_postings(parts, limit)
        patch.setattr(top_keywords, "SELECT_MIN_PAIRS", 10**9)
        pids_b, sums_b = top_keywords.best_postings(parts, limit)
    assert pids_a.tolist() == pids_b.tolist()
    assert sums_a.tobytes() == sums_b.tobytes()


def test_cached_token_postings_score_as_read_ones(db, monkeypatch):
    from index.storage import bm25

    monkeypatch.setattr(bm25, "TOKEN_CACHE_MIN_POSTINGS", 1)  # keep every token
    kept = TermIndex.load(db)
    for weights in [(3.0, 1.0, 0.2), (1.0, 1.0, 1.0)]:  # a cached score is by its weights
        for query in QUERIES:
            terms = query_terms(query)
            first = bm25.keyword_search(db, kept, terms, 50, None, weights)
            again = bm25.keyword_search(db, kept, terms, 50, None, weights)  # from the cache
            fresh = bm25.keyword_search(db, TermIndex.load(db), terms, 50, None, weights)
            for got in (first, again):
                assert np.array_equal(got[0], fresh[0]) and np.array_equal(got[1], fresh[1])
    assert len(kept._cache) > 0  # noqa: SLF001 - the cache was used, not bypassed
