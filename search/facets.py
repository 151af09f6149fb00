"""Facet values with posting counts, as a careers site shows them beside the results.

Counts follow faceted-search convention: each field is counted with the *other* fields'
filters applied (so ticking a second team widens, and the counts say by how much), within the
postings the query matches. A country or region is counted the way its filter matches, with
the postings open to it through a wider region or worldwide, so a count equals what a click
returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt

from index.catalog import Catalog, FacetKey
from index.loaded import LoadedIndex
from search.filters import location_keys

IntArray = npt.NDArray[np.int64]
FIELDS = ("team", "location", "language")


@dataclass(frozen=True)
class FacetCount:
    value: str  # what to pass back as a filter
    label: str
    count: int


def facet_counts(
    index: LoadedIndex,
    matched: IntArray | None = None,
    conditions: Mapping[str, list[FacetKey]] | None = None,
    per_field: int | None = None,
) -> dict[str, list[FacetCount]]:
    """Team, location (workplace, country, region, city) and language counts.

    `matched`: the postings the query matches (None: all). `conditions`: the request's filters
    by field. `per_field`: keep the largest values only. Values counting zero are left out.
    """
    catalog = index.catalog
    conditions = conditions or {}
    out: dict[str, list[FacetCount]] = {}
    for field in FIELDS:
        others = {f: keys for f, keys in conditions.items() if f != field}
        base = np.zeros(catalog.posting_count, dtype=bool)
        allowed = catalog.pids_matching(others) if others else None
        if matched is None and allowed is None:
            base[:] = True
        else:
            pids = matched if allowed is None else allowed
            if matched is not None and allowed is not None:
                pids = np.intersect1d(matched, allowed, assume_unique=True)
            base[pids] = True
        values = _field_counts(catalog, field, base)
        values = [v for v in values if v.count > 0]
        out[field] = values[:per_field] if per_field else values
    return out


def _field_counts(catalog: Catalog, field: str, base: npt.NDArray[np.bool_]) -> list[FacetCount]:
    def plain(name: str, value_of_label: bool) -> list[FacetCount]:
        rows = []
        for value, label, _ in catalog.facet_counts(name):
            count = int(base[catalog.facet_pids((name, value))].sum())
            rows.append(FacetCount(label if value_of_label else value, label, count))
        return _by_count(rows)

    if field != "location":
        return plain(field, value_of_label=True)
    places = [
        FacetCount(v, label, int(base[pids].sum())) for v, label, pids in _place_filters(catalog)
    ]
    return plain("workplace", False) + _by_count(places) + plain("city", True)


_PLACE_FILTERS: WeakKeyDictionary[Catalog, list[tuple[str, str, IntArray]]] = WeakKeyDictionary()


def _place_filters(catalog: Catalog) -> list[tuple[str, str, IntArray]]:
    """Each country and region with the postings its filter matches; computed once per index."""
    if catalog not in _PLACE_FILTERS:
        values = [(v.upper(), label) for v, label, _ in catalog.facet_counts("country")]
        values += [(label, label) for _, label, _ in catalog.facet_counts("region")]
        _PLACE_FILTERS[catalog] = [
            (value, label, catalog.pids_matching({"location": location_keys(value)}))
            for value, label in values
        ]
    return _PLACE_FILTERS[catalog]


def _by_count(rows: list[FacetCount]) -> list[FacetCount]:
    return sorted(rows, key=lambda f: (-f.count, f.label.casefold()))
