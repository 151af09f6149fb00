"""Facet values with posting counts, as a careers site shows them beside the results."""

from __future__ import annotations

from dataclasses import dataclass

from index.loaded import LoadedIndex
from search.filters import location_keys


@dataclass(frozen=True)
class FacetCount:
    value: str  # what to pass back as a filter
    label: str
    count: int


def facet_counts(index: LoadedIndex) -> dict[str, list[FacetCount]]:
    """Every team, location (workplace, country, region, city) and language, with counts."""
    catalog = index.catalog

    def counts(field: str, value_of_label: bool = False) -> list[FacetCount]:
        return [
            FacetCount(label if value_of_label else value, label, n)
            for value, label, n in catalog.facet_counts(field)
        ]

    def as_filter(value: str, label: str) -> FacetCount:
        """A country or region counted the way its filter matches: with the postings open to
        it through a wider region or worldwide, so the count equals what a click returns."""
        return FacetCount(
            value, label, len(catalog.pids_matching({"location": location_keys(value)}))
        )

    countries = [
        as_filter(value.upper(), label) for value, label, _ in catalog.facet_counts("country")
    ]
    regions = [as_filter(label, label) for _, label, _ in catalog.facet_counts("region")]
    by_count = sorted(countries + regions, key=lambda f: (-f.count, f.label.casefold()))
    return {
        "team": counts("team", value_of_label=True),
        "location": counts("workplace") + by_count + counts("city", value_of_label=True),
        "language": counts("language", value_of_label=True),
    }
