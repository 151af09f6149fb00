from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.snippets import SNIPPET_CHARS, highlight_spans, make_snippet, term_matches


def test_snippet_short_passage_is_whole():
    assert make_snippet("Build  the\n storage engine.", ["storage"]) == "Build the storage engine."


def test_snippet_picks_the_window_with_most_query_words():
    filler = "lorem ipsum dolor sit amet " * 30
    passage = filler + "we build storage engines and query planners for databases " + filler
    snippet = make_snippet(passage, ["storage", "engine", "query", "planner"])
    assert "storage engines and query planners" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) <= SNIPPET_CHARS + 4


def test_term_matches_stems_but_not_unrelated_words():
    assert term_matches("Engines", ["engine"])
    assert term_matches("planning", ["planner"])
    assert not term_matches("go", ["golang"])
    assert not term_matches("engineering", ["engine"])


def test_highlight_spans_mark_query_words():
    snippet = "Rust engineers build the storage engine"
    spans = highlight_spans(snippet, ["storage", "engine"])
    assert [snippet[s:e] for s, e in spans] == ["storage", "engine"]


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=2000), st.lists(st.text(min_size=1, max_size=8), max_size=5))
def test_snippet_is_a_window_of_the_text(passage, terms):
    snippet = make_snippet(passage, terms)
    core = snippet.removeprefix("… ").removesuffix(" …")
    assert core in " ".join(passage.split())


def _matches_by_definition(word: str, terms: list[str]) -> bool:
    word = word.casefold()
    for term in terms:
        stem = len(term) - 2 if len(term) > 5 else len(term)
        if word == term or (
            len(term) >= 4 and word.startswith(term[:stem]) and len(word) - stem <= 4
        ):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="aeinrstgß+#.*(", min_size=1, max_size=12),
    st.lists(st.text(alphabet="aeinrstgss+#.*(", min_size=1, max_size=8), max_size=4),
)
def test_term_matches_follows_its_definition(word, terms):
    """The compiled pattern says what the stem rule says, regex metacharacters included."""
    assert term_matches(word, terms) == _matches_by_definition(word, terms)
