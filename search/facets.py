"""Facet values with posting counts, as a careers site shows them beside the results."""

from __future__ import annotations

from dataclasses import dataclass

from index.loaded import LoadedIndex


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

    countries = [FacetCount(value.upper(), label, n) for value, label, n in catalog.facet_counts("country")]
    return {
        "team": counts("team", value_of_label=True),
        "location": counts("workplace") + countries + counts("region", value_of_label=True)
        + counts("city", value_of_label=True),
        "language": counts("language", value_of_label=True),
    }
