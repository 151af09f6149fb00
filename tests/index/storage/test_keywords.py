"""The keyword side: user text never becomes FTS5 syntax, filters apply before the limit."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from index.storage.bm25 import (
    KEYWORD_SCHEMA,
    KEYWORD_TABLE,
    TermIndex,
    fts_query,
    joined_compounds,
    keyword_search,
    query_phrases,
    query_terms,
    with_joined_compounds,
)
from index.storage.term_postings import write_term_index


@pytest.fixture
def db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(KEYWORD_SCHEMA)
    rows = [
        (0, "Rust Storage Engineer", "Build storage engines and query planners.", "About Acme."),
        (
            1,
            "Frontend Engineer",
            "React and TypeScript design system work.",
            "Acme storage company.",
        ),
        (2, "Storage SRE", "Operate storage clusters on call.", ""),
        (3, "Account Executive", "Sell to enterprise customers.", "We store things."),
    ]
    conn.executemany("INSERT INTO posting_text(rowid, title, job, context) VALUES (?,?,?,?)", rows)
    write_term_index(conn, KEYWORD_TABLE, len(rows))
    return conn


def search(db, terms, limit, allowed=None):
    return keyword_search(db, TermIndex.load(db), terms, limit, allowed)


def test_query_terms_drop_stopwords_and_keep_language_names():
    assert query_terms("I want to work on C++ and C# in a .NET shop") == [
        "c++",
        "c#",
        "net",
        "shop",
    ]


def test_query_phrases_are_adjacent_content_words():
    assert query_phrases("engineering manager leading a backend platform team") == [
        "engineering manager",
        "manager leading",
        "backend platform",
        "platform team",
    ]


@pytest.mark.parametrize(
    "hostile", ['" OR 1=1 --', "NEAR(", "*", '"', "AND", "title:foo", "a) OR (b", "^x"]
)
def test_keyword_search_treats_syntax_as_text(db, hostile):
    pids, scores = search(db, query_terms(hostile) + [hostile], 10)
    assert len(pids) == len(scores)  # no sqlite3.OperationalError


def test_keyword_search_ranks_title_matches_first_and_stems(db):
    pids, scores = search(db, query_terms("storage engine"), 10)
    assert pids[0] == 0 and list(scores) == sorted(scores, reverse=True)
    assert set(pids.tolist()) == {0, 1, 2}


def test_keyword_search_filter_applies_before_limit(db):
    pids, _ = search(db, ["storage"], 1, allowed=np.array([1, 3]))
    assert pids.tolist() == [1]
    pids, _ = search(db, ["storage"], 10, allowed=np.array([], dtype=np.int64))
    assert pids.tolist() == []


def test_fts_query_quotes_every_term():
    assert fts_query(['say "hi"', "x"]) == '"say ""hi""" OR "x"'


def test_query_terms_of_long_text_keep_the_most_repeated():
    text = " ".join(f"word{n}" for n in range(100)) + " kafka kafka kafka spark spark"
    terms = query_terms(text, limit=10)
    assert len(terms) == 10 and "kafka" in terms and "spark" in terms


def test_indexed_compounds_keep_their_parts_and_gain_the_joined_word():
    text = "Front-End Developer, full‑stack e-commerce; 2-3 years, node.js, end-to-end"
    assert with_joined_compounds(text) == (
        "Front-End FrontEnd Developer, full‑stack fullstack e-commerce ecommerce; 2-3 years,"
        " node.js, end-to-end endtoend"
    )


def test_query_compounds_are_searched_as_one_word():
    assert joined_compounds("front-end engineer, on-call") == "frontend engineer, oncall"
    assert query_terms("Front-End or frontend, 24-7") == ["frontend", "24", "7"]


def test_keyword_search_finds_a_compound_however_it_is_written():
    conn = sqlite3.connect(":memory:")
    conn.executescript(KEYWORD_SCHEMA)
    rows = [
        (0, "Front-End Developer", "UI work.", ""),
        (1, "Frontend Engineer", "UI work.", ""),
        (2, "Back End Developer", "Front office tools; end users.", ""),
    ]
    rows = [(pid, *map(with_joined_compounds, texts)) for pid, *texts in rows]
    conn.executemany("INSERT INTO posting_text(rowid, title, job, context) VALUES (?,?,?,?)", rows)
    write_term_index(conn, KEYWORD_TABLE, len(rows))
    for query in ("frontend", "front-end", "FRONT-END"):
        pids, _ = search(conn, query_terms(query), 10)
        assert sorted(pids.tolist()) == [0, 1], query
