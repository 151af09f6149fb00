"""Location normalization: the corpus shapes, tricky codes, filters, real locations, invariants."""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.ingest.countries import COUNTRY_NAMES, REGION_COUNTRIES
from index.ingest.locations import (
    LocationFilter,
    country_name,
    normalize_location,
    regions_containing,
    resolve_location_filter,
)
from index.models import Location, Workplace
from index.storage.catalog_write import facet_values
from tests.factories import make_posting
from tests.paths import shared_file

R, H, S, U = Workplace.REMOTE, Workplace.HYBRID, Workplace.ONSITE, Workplace.UNKNOWN  # S: on-site


@pytest.mark.parametrize(
    ("raw", "countries", "cities", "workplace"),
    [
        ("US,Remote", ("US",), (), R),
        ("Remote - United States", ("US",), (), R),
        ("United States (Remote)", ("US",), (), R),
        ("Remote, US", ("US",), (), R),
        ("US-Remote", ("US",), (), R),
        ("USA Only", ("US",), (), U),
        ("Canada,United States", ("CA", "US"), (), U),
        ("Canada,United States,Canada", ("CA", "US"), (), U),
        ("New York, NY", ("US",), ("New York",), U),
        ("San Francisco, CA", ("US",), ("San Francisco",), U),
        ("Austin, TX", ("US",), ("Austin",), U),
        ("Toronto, ON", ("CA",), ("Toronto",), U),
        ("London, ON", ("CA",), ("London",), U),
        ("Berlin, DE", ("DE",), ("Berlin",), U),
        ("London, UK (Hybrid)", ("GB",), ("London",), H),
        ("CA San Francisco", ("US",), ("San Francisco",), U),
        ("NY New York City, New York, United States", ("US",), ("New York",), U),
        ("Pittsburgh, PA,Remote", ("US",), ("Pittsburgh",), R),
        ("TELECOMMUTE Tashkent, Toshkent Shahri, Uzbekistan", ("UZ",), ("Tashkent",), R),
        ("TELECOMMUTE Samarkand, Uzbekistan", ("UZ",), ("Samarkand",), R),
        ("Remote,Quezon City, National Capital Region, Philippines", ("PH",), ("Quezon City",), R),
        ("Remote,Lisboa, Portugal", ("PT",), ("Lisbon",), R),
        ("Bangalore", ("IN",), ("Bengaluru",), U),
        ("remote,São Paulo", ("BR",), ("São Paulo",), R),
        ("Sao Paulo, Brazil", ("BR",), ("São Paulo",), U),
        ("remote,Massachusetts - Boston", ("US",), ("Boston",), R),
        ("Atlanta, Georgia", ("US",), ("Atlanta",), U),
        ("Tbilisi, Georgia", ("GE",), ("Tbilisi",), U),
        ("Armenia,Cyprus,Georgia", ("AM", "CY", "GE"), (), U),
        ("New Mexico", ("US",), (), U),
        ("Mexico City Remote", ("MX",), ("Mexico City",), R),
        ("Congo, The Democratic Republic of the", ("CD",), (), U),
        ("Congo", ("CG",), (), U),
        ("Virgin Islands, British,Virgin Islands, U.S.", ("VG", "VI"), (), U),
        ("Holy See (Vatican City State)", ("VA",), (), U),
        ("Türkiye", ("TR",), (), U),
        ("Remote MX", ("MX",), (), R),
        ("Remote, CA", (), (), R),
        ("New York, NY OR US-Remote", ("US",), ("New York",), R),
        ("San Francisco-Hybrid", ("US",), ("San Francisco",), H),
        ("On-site - Berlin", ("DE",), ("Berlin",), S),
        ("In office, Paris", ("FR",), ("Paris",), S),
        ("Hybrid or Remote", (), (), R),
        ("Work from home", (), (), R),
        ("Distributed", (), (), R),
        ("Europe", (), (), U),
        ("Remote - EMEA", (), (), R),
        ("Anywhere (LATAM)", (), (), R),
        ("Socket HQ", (), (), U),
        ("Remote,., .", (), (), R),
    ],
)
def test_normalize_location_cases(
    raw: str, countries: tuple[str, ...], cities: tuple[str, ...], workplace: Workplace
) -> None:
    location = normalize_location(raw)
    assert (location.countries, location.cities, location.workplace) == (
        countries,
        cities,
        workplace,
    )
    assert location.raw == raw
    assert not location.worldwide


@pytest.mark.parametrize(
    "raw", ["Anywhere in the World", "Worldwide", "Remote, Global", "Anywhere"]
)
def test_normalize_location_worldwide(raw: str) -> None:
    assert normalize_location(raw) == Location(raw=raw, workplace=R, worldwide=True)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_normalize_location_empty(raw: str | None) -> None:
    assert normalize_location(raw) == Location(raw="")


def test_normalize_location_hint_only_when_text_is_silent() -> None:
    assert normalize_location("Berlin", Workplace.REMOTE).workplace is R
    assert normalize_location(None, Workplace.HYBRID).workplace is H
    assert normalize_location("Berlin (On-site)", Workplace.REMOTE).workplace is S


@pytest.mark.parametrize(
    ("raw", "regions", "countries", "workplace"),
    [
        ("Remote - Europe", ("Europe",), (), R),
        ("Remote (EMEA)", ("EMEA",), (), R),
        ("LATAM", ("LATAM",), (), U),
        ("Latin America Only", ("LATAM",), (), U),
        ("Anywhere (LATAM)", ("LATAM",), (), R),
        ("Remote - Amer, Remote - EMEA", ("Americas", "EMEA"), (), R),
        ("Northern America, LATAM", ("North America", "LATAM"), (), U),
        ("Remote - APAC", ("APAC",), (), R),
        ("EMEA, UK", ("EMEA",), ("GB",), U),
        ("Remote, EU", ("Europe",), (), R),
        ("Europe, EMEA, europe", ("Europe", "EMEA"), (), U),
        ("Berlin, DE", (), ("DE",), U),
        ("Remote", (), (), R),
    ],
)
def test_normalize_location_regions(
    raw: str, regions: tuple[str, ...], countries: tuple[str, ...], workplace: Workplace
) -> None:
    """Regions by canonical name, in order of appearance, once each; they add no country."""
    location = normalize_location(raw)
    assert (location.regions, location.countries, location.workplace) == (
        regions,
        countries,
        workplace,
    )
    assert not location.worldwide


@pytest.mark.parametrize(
    ("code", "regions"),
    [
        ("DE", ("EMEA", "Europe")),
        ("de", ("EMEA", "Europe")),
        ("US", ("Americas", "North America")),
        ("BR", ("Americas", "LATAM")),
        ("JP", ("APAC", "Asia")),
        ("AE", ("Asia", "EMEA", "Middle East")),
        ("AQ", ()),
        ("XX", ()),
    ],
)
def test_regions_containing(code: str, regions: tuple[str, ...]) -> None:
    assert regions_containing(code) == regions


def test_regions_containing_agrees_with_region_filters() -> None:
    pairs = [(code, region) for code in COUNTRY_NAMES for region in regions_containing(code)]
    assert pairs and REGION_COUNTRIES
    for code, region in pairs:
        assert code in resolve_location_filter(region).countries
    for region, countries in REGION_COUNTRIES.items():
        assert countries, region
        assert all(region in regions_containing(code) for code in countries)


def test_normalize_location_keeps_order_of_a_long_iso_list() -> None:
    raw = "Albania,Andorra,Austria,Bosnia and Herzegovina,Isle of Man,Åland Islands"
    assert normalize_location(raw).countries == ("AL", "AD", "AT", "BA", "IM", "AX")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("remote", LocationFilter("workplace", "remote")),
        ("Anywhere", LocationFilter("workplace", "remote")),
        ("hybrid", LocationFilter("workplace", "hybrid")),
        ("onsite", LocationFilter("workplace", "on-site")),
        ("US", LocationFilter("country", "US")),
        ("usa", LocationFilter("country", "US")),
        ("U.S.", LocationFilter("country", "US")),
        ("United States", LocationFilter("country", "US")),
        ("germany", LocationFilter("country", "DE")),
        ("UK", LocationFilter("country", "GB")),
        ("ca", LocationFilter("country", "CA")),
        ("Texas", LocationFilter("country", "US")),
        ("Berlin", LocationFilter("city", "berlin")),
        ("  new   york ", LocationFilter("city", "new york")),
        ("NYC", LocationFilter("city", "new york")),
        ("Bangalore", LocationFilter("city", "bengaluru")),
        ("sao paulo", LocationFilter("city", "são paulo")),
        ("Springfield", LocationFilter("city", "springfield")),
    ],
)
def test_resolve_location_filter_values(value: str, expected: LocationFilter) -> None:
    assert resolve_location_filter(value) == expected


def test_resolve_location_filter_facet_keys_match_catalog_shape() -> None:
    assert resolve_location_filter("usa").facet_keys() == [
        ("country", "us"),
        ("region", "americas"),
        ("region", "north america"),
        ("worldwide", "yes"),
    ]
    assert resolve_location_filter("Berlin").facet_keys() == [("city", "berlin")]
    assert resolve_location_filter("remote").facet_keys() == [("workplace", "remote")]


def test_country_filter_takes_its_regions_and_worldwide() -> None:
    assert resolve_location_filter("germany").facet_keys() == [
        ("country", "de"),
        ("region", "emea"),
        ("region", "europe"),
        ("worldwide", "yes"),
    ]


def test_region_filter_takes_itself_overlapping_regions_countries_and_worldwide() -> None:
    keys = resolve_location_filter("Europe").facet_keys()
    assert keys[0] == ("region", "europe")
    assert {("region", "emea"), ("country", "de"), ("country", "fr"), ("worldwide", "yes")} <= set(
        keys
    )
    assert ("country", "us") not in keys and ("region", "latam") not in keys
    latam = set(resolve_location_filter("Latin America").facet_keys())
    assert {("region", "latam"), ("region", "americas"), ("country", "br")} <= latam
    assert ("region", "north america") not in latam and ("country", "us") not in latam
    emea = set(resolve_location_filter("EMEA").facet_keys())
    assert {("region", "europe"), ("region", "africa"), ("region", "middle east")} <= emea


@pytest.mark.parametrize("value", ["Berlin", "new york", "Springfield"])
def test_city_filter_is_only_the_city(value: str) -> None:
    assert resolve_location_filter(value).facet_keys() == [("city", value.strip().casefold())]


def _filed_under(location: Location) -> set[tuple[str, str]]:
    """The (field, value) keys the catalog files a posting with this location under."""
    posting = dataclasses.replace(make_posting("p"), location=location)
    return {(field, value) for field, value, _ in facet_values(posting)}


@pytest.mark.parametrize(
    ("raw", "matching", "not_matching"),
    [
        (
            "Remote - Europe",
            ["germany", "UK", "Europe", "EMEA", "remote"],
            ["usa", "Berlin", "LATAM"],
        ),
        ("Remote (EMEA)", ["germany", "Europe", "Africa", "UAE"], ["usa", "APAC", "Berlin"]),
        ("LATAM", ["Brazil", "mexico", "Americas", "LATAM"], ["usa", "Europe", "Sao Paulo"]),
        ("Worldwide", ["germany", "usa", "Europe", "APAC", "remote"], ["Berlin", "hybrid"]),
        ("Berlin, DE", ["germany", "Europe", "EMEA", "Berlin"], ["France", "London", "remote"]),
        ("Remote, US", ["usa", "North America", "Americas"], ["canada", "LATAM", "Europe"]),
    ],
)
def test_location_filter_means_jobs_a_person_there_can_take(
    raw: str, matching: list[str], not_matching: list[str]
) -> None:
    filed = _filed_under(normalize_location(raw))
    for value in matching:
        assert filed & set(resolve_location_filter(value).facet_keys()), value
    for value in not_matching:
        assert not filed & set(resolve_location_filter(value).facet_keys()), value


def test_resolve_location_filter_region_expands_to_countries() -> None:
    latam = resolve_location_filter("LATAM")
    assert latam.kind == "region"
    assert {"BR", "MX", "AR", "CO"} <= set(latam.countries)
    assert "US" not in latam.countries
    assert ("country", "br") in latam.facet_keys()
    assert {"DE", "GB", "FR"} <= set(resolve_location_filter("Europe").countries)
    assert resolve_location_filter("latin america") == latam  # aliases resolve to the canonical
    assert resolve_location_filter("EMEA region").value == "EMEA"


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_resolve_location_filter_empty_raises(value: str) -> None:
    with pytest.raises(ValueError, match="empty location filter"):
        resolve_location_filter(value)


def test_resolve_location_filter_city_matches_normalized_posting() -> None:
    """A filter and a posting reach the same city key whichever spelling each used."""
    posting = normalize_location("Remote,Kraków, Poland")
    assert resolve_location_filter("krakow").value in {c.casefold() for c in posting.cities}


def test_country_name_known_and_unknown() -> None:
    assert country_name("us") == "United States"
    assert country_name("GB") == "United Kingdom"
    assert country_name("XX") == "XX"
    assert len(COUNTRY_NAMES) == 249


def test_normalize_location_real_corpus_coverage() -> None:
    """Nearly every real location yields a country or the remote workplace; regions are the rest."""
    path = shared_file("corpus/eval-postings.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        counts = Counter(json.loads(line)["location"] for line in lines)
    counts.pop(None, None)
    located = sum(
        n
        for raw, n in counts.items()
        if normalize_location(raw).countries or normalize_location(raw).workplace is R
    )
    assert located / sum(counts.values()) > 0.98


_PIECES = st.sampled_from(
    ["US", "CA", "Remote", "Georgia", ", ", ",", " - ", "(", ")", "New York", "NY", "Congo", "  "]
    + ["EMEA", "Europe", "LATAM", "Worldwide"]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=20).map("".join))
def test_normalize_location_never_raises(raw: str) -> None:
    location = normalize_location(raw)
    assert location.raw == raw.strip()
    assert all(code in COUNTRY_NAMES for code in location.countries)
    assert len(set(location.countries)) == len(location.countries)
    assert all(region in REGION_COUNTRIES for region in location.regions)
    assert len(set(location.regions)) == len(location.regions)
    assert not (location.worldwide and (location.countries or location.regions))


@given(st.text(max_size=30))
def test_resolve_location_filter_never_raises_except_on_blank(value: str) -> None:
    if not value.split():
        with pytest.raises(ValueError):
            resolve_location_filter(value)
    else:
        assert resolve_location_filter(value).facet_keys()
