"""Reading where a job seeker wants to work from their own words: explicit cues only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.models import Workplace
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


@pytest.mark.parametrize(
    ("query", "values"),
    [
        ("data engineer in Kraków", ("Kraków",)),
        ("remote in Bengaluru", ("remote", "Bengaluru")),
        ("backend developer based in Porto Alegre", ("Porto Alegre",)),
        ("embedded engineer in Nuremberg or Busan", ("Nuremberg", "Busan")),
        ("backend engineer in Austin, TX", ("Austin, TX",)),  # the state says where, no place
        ("designer in Paris", ("Paris",)),
    ],
)
def test_cities_from_geonames_are_understood(query, values):
    intent = read_location_intent(query)
    assert intent.values == values
    assert not any(value in intent.rest for value in values if value != "remote")


def test_a_shared_city_name_is_the_most_populous_and_a_state_qualifies_it():
    ((_, paris),) = read_location_intent("designer in Paris").places
    assert paris.facet_keys() == [("city", "paris")]
    ((_, austin),) = read_location_intent("engineer in Austin, TX").places
    assert austin.facet_keys() == [("city", "austin")]
    assert read_location_intent("engineer in Austin, TX").rest == "engineer"


@pytest.mark.parametrize(
    "query",
    [
        "mobile developer in reading",
        "speech therapist in Reading",
        "jobs in Bath",
        "head of data",
        "nice team to work in",
        "scientific computing in Julia",
        "game developer in Unity",
    ],
)
def test_words_that_are_also_city_names_are_not_places(query):
    assert read_location_intent(query).places == ()


@pytest.mark.parametrize(
    ("query", "rest"),
    [
        ("remote mobile developer", "mobile developer"),
        ("Remote Mobile Engineer", "Mobile Engineer"),
        ("remote mentor for students", "mentor for students"),
        ("nice team, remote in Europe", "nice team"),
    ],
)
def test_a_city_right_after_a_workplace_word_needs_punctuation(query, rest):
    intent = read_location_intent(query)
    assert intent.remote and intent.rest == rest
    assert [text for text, _ in intent.places] in ([], ["Europe"])


@pytest.mark.parametrize(
    ("query", "workplace", "values", "rest"),
    [
        ("remote in Europe", Workplace.REMOTE, ("remote", "Europe"), ""),
        ("remote, Germany", Workplace.REMOTE, ("remote", "Germany"), ""),
        ("hybrid in London", Workplace.HYBRID, ("hybrid", "London"), ""),
        (
            "product designer, hybrid, Berlin",
            Workplace.HYBRID,
            ("hybrid", "Berlin"),
            "product designer",
        ),
        ("on-site role in Munich", Workplace.ONSITE, ("on-site", "Munich"), "role"),
        ("remote or hybrid in Berlin", Workplace.REMOTE, ("remote", "Berlin"), ""),
        ("hybrid cloud engineer", None, (), "hybrid cloud engineer"),
        ("site reliability engineer on site reliability", None, (), None),
    ],
)
def test_the_workplace_is_read_with_the_place(query, workplace, values, rest):
    intent = read_location_intent(query)
    assert (intent.workplace, intent.values) == (workplace, values)
    if rest is not None:
        assert intent.rest == rest


def test_workplace_conditions_use_the_catalog_value():
    assert read_location_intent("on-site role in Munich").conditions()["workplace"] == [
        ("workplace", "on-site")
    ]
    assert read_location_intent("hybrid in London").conditions()["workplace"] == [
        ("workplace", "hybrid")
    ]


def test_a_filter_leaves_its_part_unread():
    no_places = read_location_intent("remote in Europe", places=False)
    assert no_places.workplace is Workplace.REMOTE and no_places.places == ()
    assert no_places.rest == "in Europe"
    no_workplace = read_location_intent("remote in Europe", workplace=False)
    assert no_workplace.workplace is None and no_workplace.values == ("Europe",)
