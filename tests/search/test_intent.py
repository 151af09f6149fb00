"""Reading where a job seeker wants to work from their own words: explicit cues only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.intent import read_location_intent
from tests.paths import shared_file


@pytest.mark.parametrize(
    ("query", "values"),
    [
        ("I want to work on database internals in Rust, remote in Europe", ("remote", "Europe")),
        ("backend engineer based in Berlin or London", ("Berlin", "London")),
        ("Berlin-based product designer", ("Berlin",)),
        ("support specialist working from home in the US", ("remote", "US")),
        ("remote, EMEA", ("remote", "EMEA")),
        ("jobs in Germany, France and Spain", ("Germany", "France", "Spain")),
        ("fully remote data engineer", ("remote",)),
        ("data engineer near São Paulo", ("São Paulo",)),
    ],
)
def test_places_and_remote_with_a_cue_are_understood(query, values):
    assert read_location_intent(query).values == values


@pytest.mark.parametrize(
    "query",
    [
        "remote sensing scientist",
        "remote access engineer",
        "Java developer",  # a technology, not a place
        "Go backend developer building microservices with gRPC",
        "Berlin startups",  # a place with no cue
        "distributed systems engineer",
        "hybrid cloud engineer",
        "C# .NET developer for healthcare software",
    ],
)
def test_nothing_is_understood_without_an_explicit_cue(query):
    assert not read_location_intent(query)


def test_intent_conditions_are_remote_and_any_of_the_places():
    intent = read_location_intent("remote in Germany or France")
    conditions = intent.conditions()
    assert conditions["workplace"] == [("workplace", "remote")]
    assert ("country", "de") in conditions["place"] and ("country", "fr") in conditions["place"]
    assert ("worldwide", "yes") in conditions["place"]  # open to anyone anywhere is there too


def test_the_judged_development_queries_name_no_location():
    """They describe the work only: understanding locations must leave their ranking alone."""
    lines = shared_file("eval/queries.tsv").read_text(encoding="utf-8").splitlines()
    queries = [line.split("\t", 1)[1] for line in lines if "\t" in line]
    assert queries and not any(read_location_intent(q) for q in queries)


def test_a_pasted_resume_names_places_it_has_been_not_where_it_wants_to_go():
    resume = (
        "Backend engineer with eight years of experience. Five years at Acme in London building "
        "payment services in Java, then three years fully remote for a startup based in Berlin, "
        "leading a small platform team, running Kubernetes, on call, mentoring two engineers."
    )
    assert not read_location_intent(resume)
    assert read_location_intent(resume).rest == resume
    assert read_location_intent("backend engineer, remote in Europe")  # a short one still is


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["remote", "in", "based", "-based", "the", "Berlin", "EU", "US", "or"]),
            st.sampled_from([",", "(", ")", "/", "–", "ß", "İ", "\u0301", "\x00", "  "]),
            st.text(max_size=6),
        ),
        max_size=25,
    ).map(" ".join)
)
def test_any_text_is_read_without_error(query):
    intent = read_location_intent(query)
    if not intent:
        assert intent.rest == query
    assert all(written in query for written, _ in intent.places)  # said, not guessed
    assert len(intent.rest) <= len(query)
