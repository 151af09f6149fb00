"""Cities whose name several countries share: placed by a country the same text names, then by
where the company's and the build's own qualified mentions place the name, then by population.
The strings are the corpus's own ("Santa Clara or Remote", "Alexandria Office", "remote,Valencia,
ESP", "Remote, Costa Rica, San Jose")."""

from __future__ import annotations

import dataclasses

import pytest

from index.ingest.locations import normalize_location
from index.ingest.place_context import PlaceContext
from index.models import Posting
from tests.factories import make_posting


def posting(pid: str, raw: str, company: str = "") -> Posting:
    return dataclasses.replace(make_posting(pid, company=company), location=normalize_location(raw))


def placed(postings: list[Posting]) -> dict[str, tuple[str, ...]]:
    context = PlaceContext.of(postings)
    return {p.id: context.place(p).location.countries for p in postings}


@pytest.mark.parametrize(
    ("raw", "countries"),
    [
        ("remote,Valencia, ESP", ("ES",)),  # not Valencia, Venezuela: ISO alpha-3 after a city
        ("Berlin, DEU", ("DE",)),
        ("Remote, Costa Rica, San Jose", ("CR",)),  # the country the text names, not the US
        ("US,Remote,Santa Clara", ("US",)),
        ("California - Santa Clara", ("US",)),
        ("London or Remote within the UK, Germany", ("GB", "DE")),
        ("Valencia, Spain", ("ES",)),
        ("Alexandria, VA", ("US",)),
    ],
)
def test_a_country_in_the_same_text_places_a_shared_city_name(raw, countries):
    location = normalize_location(raw)
    assert location.countries == countries
    assert location.guessed == ()


@pytest.mark.parametrize("raw", ["REMOTE AND HYBRID", "PER DIEM, Remote", "ARE YOU REMOTE"])
def test_three_letter_words_in_capitals_alone_are_no_country(raw):
    assert normalize_location(raw).countries == ()


@pytest.mark.parametrize("raw", ["Santa Clara", "Alexandria Office", "Valencia", "Vancouver"])
def test_a_shared_name_alone_is_a_guess_by_population(raw):
    location = normalize_location(raw)
    assert len(location.countries) == 1
    assert location.guessed == (location.cities[0].casefold(),)


def test_the_companys_own_qualified_mention_places_its_bare_one():
    postings = [
        posting("qualified", "Santa Clara, CA", "Oklo"),
        posting("bare", "Santa Clara or Remote", "Oklo"),
        posting("elsewhere", "Santa Clara", "Other Co"),  # one source elsewhere is not enough
    ]
    assert normalize_location("Santa Clara or Remote").countries == ("CU",)
    assert placed(postings) == {"qualified": ("US",), "bare": ("US",), "elsewhere": ("CU",)}


def test_the_build_places_a_bare_name_when_two_sources_agree():
    one = [posting("office", "Alexandria Office"), posting("dell", "Alexandria, VA", "Dell")]
    assert placed(one)["office"] == ("EG",)
    two = [*one, posting("dentsu", "US,Remote,Alexandria, VA", "Dentsu")]
    assert placed(two)["office"] == ("US",)


def test_one_employers_qualifier_does_not_move_every_bare_name():
    postings = [
        posting("on-1", "London, ON", "Maple Co"),
        posting("on-2", "London, Ontario", "Maple Co"),
        posting("bare", "remote,London", "Spotify"),
        posting("maple-bare", "London", "Maple Co"),
    ]
    got = placed(postings)
    assert got["bare"] == ("GB",)
    assert got["maple-bare"] == ("CA",)  # the company that says London, ON means it


def test_company_evidence_wins_over_the_builds_and_an_even_split_decides_nothing():
    postings = [
        posting("wa", "Vancouver, WA", "Harbor"),
        posting("harbor", "Vancouver", "Harbor"),
        posting("bc-1", "Vancouver, BC", "Maple Co"),
        posting("bc-2", "Vancouver, British Columbia", "Pine Co"),
        posting("split-wa", "Vancouver, WA", "Split Co"),
        posting("split-bc", "Vancouver, BC", "Split Co"),
        posting("split", "Vancouver", "Split Co"),
    ]
    got = placed(postings)
    assert got["harbor"] == ("US",)
    assert got["split"] == ("CA",)  # the company is split: the build's two BC sources to one


def test_the_texts_own_country_wins_over_the_builds_evidence():
    postings = [
        posting("cr", "Remote, Costa Rica, San Jose", "Acme"),
        posting("ca-1", "San Jose, CA", "Acme"),
        posting("ca-2", "San Jose, California", "Beta"),
    ]
    assert placed(postings)["cr"] == ("CR",)
