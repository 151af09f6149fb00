"""Long country lists shown short: grouped under their region, with a count."""

from __future__ import annotations

from index.ingest.countries import REGION_COUNTRIES
from index.ingest.locations import normalize_location
from index.models import Location
from search.location_label import location_label


def test_location_label_keeps_a_short_location_as_written():
    location = normalize_location("Berlin, Germany or London, UK (Hybrid)")
    assert location_label(location) == "Berlin, Germany or London, UK (Hybrid)"
    five = Location(raw="DE, FR, ES, IT, PT", countries=("DE", "FR", "ES", "IT", "PT"))
    assert location_label(five) == "DE, FR, ES, IT, PT"


def test_location_label_groups_a_whole_continent():
    africa = REGION_COUNTRIES["Africa"]
    location = Location(raw=",".join(africa), countries=africa)
    assert location_label(location) == f"Africa · {len(africa)} countries"


def test_location_label_groups_by_the_smallest_region_largest_group_first():
    location = normalize_location(
        "Spain,Remote,Ontario,Ireland,France,Europe,US,Netherlands,Barcelona, Spain,Germany,UK,Belgium,Italy"
    )
    assert location_label(location) == "Europe · 8 countries, North America · 2 countries"


def test_location_label_counts_what_it_does_not_name():
    codes = ("DE", "FR", "ES", "BR", "AR", "JP", "KR", "AU", "NZ", "ZA", "EG", "US")
    label = location_label(Location(raw="many", countries=codes))
    assert label == (
        "Europe · 3 countries, LATAM · 2 countries, Asia · 2 countries, 5 more countries"
    )


def test_location_label_without_any_group_names_the_first_few():
    codes = ("DE", "BR", "JP", "AU", "ZA", "US")
    label = location_label(Location(raw="six", countries=codes))
    assert label == "Germany, Brazil, Japan, 3 more countries"
